"""`formlang import fim`: a FIM XDatenfelder file -> checked, formatted `.form` text (front end).

Read (`fim_read`), map (`fim_map`), translate the rules (`fim_rules`),
write (`fim_write`), then check the text with the compiler: a condition
made from a rule that the checker refuses is taken back and reported, so
the output always checks. Finally `formlang fmt` lays the text out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from formlang import diagnostics as d
from formlang.fim_codes import CodeLists
from formlang.fim_map import build_plan
from formlang.fim_plan import Note, Plan
from formlang.fim_read import FimError, GroupDef, Schema, read_fim
from formlang.fim_rules import apply_rules
from formlang.fim_write import Written, write_form, write_module
from formlang.fmt import format_text

MAX_ROUNDS = 5


@dataclass(slots=True)
class Imported:
    form_text: str
    module_text: str | None
    module_path: Path | None
    notes: list[Note]
    diagnostics: list[d.Diagnostic] = field(default_factory=list)  # of the final check
    stats: dict[str, int] = field(default_factory=dict)
    title: str = ""

    @property
    def errors(self) -> list[d.Diagnostic]:
        return [x for x in self.diagnostics if x.is_error]


def import_fim(
    data: bytes,
    *,
    out: Path | None = None,
    codelists: Sequence[Path] = (),
    name: str = "<fim>",
) -> Imported:
    """Imports the FIM file in `data`. With `out`, groups used several times go to a
    module file next to it, which is written here (the caller writes the form)."""
    schema = read_fim(data, name)
    base = Path(os.path.abspath(out.parent if out is not None else Path.cwd()))
    target = (
        Path(os.path.abspath(out)) if out is not None else base / f"{schema.ident.id.lower()}.form"
    )
    module_name = f"{target.stem}_gruppen.form"
    plan = build_plan(
        schema,
        codelists=CodeLists(codelists),
        code_base=base,
        module_file=module_name if out is not None else None,
    )
    apply_rules(plan)
    module_path = base / module_name if plan.module is not None else None
    form, module, diags = _check_until_clean(plan, target, module_path)
    form_text = _formatted(form.text, str(target))
    module_text = _formatted(module.text, str(module_path)) if module is not None else None
    if module_path is not None and module_text is not None:
        module_path.write_text(module_text, encoding="utf-8", newline="\n")
    _note_taken_back(plan)
    return Imported(
        form_text=form_text,
        module_text=module_text,
        module_path=module_path,
        notes=sorted(plan.notes, key=lambda n: (n.line or 0, n.message)),
        diagnostics=diags,
        stats=_stats(schema, plan),
        title=f"{schema.ident.id} version {schema.ident.version or '–'} "
        f"(XDatenfelder {schema.xdf_version})",
    )


def _stats(schema: Schema, plan: Plan) -> dict[str, int]:
    fields = groups = 0
    rules: set[str] = set()
    for rule in schema.rules:
        rules.add(rule.ident.id)
    stack = list(schema.children)
    while stack:
        element = stack.pop().element
        if isinstance(element, GroupDef):
            groups += 1
            stack.extend(element.children)
        else:
            fields += 1
        rules.update(r.ident.id for r in element.rules)
    failed = {n.message.split()[1].rstrip(":") for n in plan.notes if n.message.startswith("rule ")}
    return {
        "fields": fields,
        "groups": groups,
        "rules": len(rules),
        "rules_not_translated": len(failed & rules),
        "code_lists": len(plan.codes),
    }


def _check_until_clean(
    plan: Plan, target: Path, module_path: Path | None
) -> tuple[Written, Written | None, list[d.Diagnostic]]:
    for _ in range(MAX_ROUNDS):
        form, module = write_form(plan), write_module(plan)
        if module is not None and module_path is not None:
            module_path.write_text(module.text, encoding="utf-8", newline="\n")
        diags = check_text(form.text, target)
        if not any(x.is_error for x in diags) or not _take_back(
            diags, form, module, target, module_path
        ):
            return form, module, diags
    return form, module, diags


def check_text(text: str, path: Path) -> list[d.Diagnostic]:
    """Every diagnostic of compiling `text` as if it were the file at `path`."""
    from formlang.loader import Loader
    from formlang.resolve import Compiler

    compiler = Compiler(Loader())
    compiler.compile(compiler.loader.load_text(text, str(path)))
    return d.sort(compiler.diags.items)


def _take_back(
    diags: list[d.Diagnostic],
    form: Written,
    module: Written | None,
    target: Path,
    module_path: Path | None,
) -> bool:
    """Takes back the conditions the errors point at; False if an error is not at one."""
    took = False
    for diag in diags:
        if not diag.is_error:
            continue
        path = Path(os.path.abspath(diag.span.path))
        written = form if path == target else module if path == module_path else None
        line = diag.span.begin.line
        conditions = written.origins.get(line) if written is not None else None
        if not conditions:
            return False
        for condition in conditions:
            if condition.taken_back is None:
                condition.taken_back = diag.message
                took = True
    return took


def _note_taken_back(plan: Plan) -> None:
    seen: set[int] = set()
    stack = [plan.form] + ([plan.module] if plan.module is not None else [])
    while stack:
        node = stack.pop()
        for condition in node.conditions:
            if condition.taken_back and id(condition) not in seen:
                seen.add(id(condition))
                plan.notes.append(
                    Note(
                        line=condition.rule_line,
                        message=f"rule {condition.rule.id}: the condition '{condition.expr}' was "
                        f"left out: {condition.taken_back}",
                    )
                )
        stack.extend(getattr(node, "children", []))


def _formatted(text: str, display: str) -> str:
    formatted, _ = format_text(text, display)
    return formatted if formatted is not None else text


__all__ = ["FimError", "Imported", "import_fim"]
