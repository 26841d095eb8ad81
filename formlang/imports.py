"""`use a, b from "file"`: a module's groups and code lists -> the file's context (resolver stage).

`use_module` finds the module file like any import (next to the form, then in
the library), has the compiler check it once (FL701 for a cycle of imports,
FL703 for a form), and brings the named groups and code lists into the file
context (FL702 for a name the module does not define). `definition_cycles`
finds a module's groups that contain themselves (FL701).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from formlang import diagnostics as d
from formlang import syntax as s
from formlang.loader import Unit, display_path
from formlang.scope import FileContext, Imported, did_you_mean
from formlang.texts import language_name

if TYPE_CHECKING:
    from formlang.resolve import Compiler


@dataclass(eq=False)
class ModuleInfo:
    key: str
    display: str
    context: FileContext
    definitions: dict[str, s.Group | s.Repeat]
    is_form: bool = False


def use_module(compiler: Compiler, use: s.Use, ctx: FileContext, unit: Unit) -> None:
    ctx.broken.update(name.raw for name in use.names)  # until they are imported
    path = find_file(compiler, use.path, unit, "FL700", "module")
    if path is None:
        return
    module_unit = compiler.loader.load(path)
    if _import_cycle(compiler, use, module_unit):
        return
    info = compiler.module(module_unit)
    if info is None:
        return
    if info.is_form:
        compiler.diags.error(
            "FL703",
            f"'{use.path.value}' is a form; only modules can be imported",
            use.path.span,
            hint="write `module NAME { … }` in the imported file",
        )
        return
    _import_names(compiler.diags, use, ctx, info)


def find_file(compiler: Compiler, token: s.Token, unit: Unit, code: str, what: str) -> Path | None:
    """The file that `token` names, or None after `code` says why there is none."""
    candidates = compiler.loader.find(token.value, unit.source)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(display_path(c) for c in candidates)
    problem = "was not found"
    if candidates and candidates[0].is_dir():
        problem = "is a folder, not a file"
    elif candidates and candidates[0].is_symlink():
        problem = "is a broken symbolic link (or a loop of them)"
    compiler.diags.error(
        code,
        f"the {what} file '{token.value}' {problem}",
        token.span,
        hint=f"looked at: {tried}",
    )
    return None


def _import_cycle(compiler: Compiler, use: s.Use, module_unit: Unit) -> bool:
    """FL701 if `module_unit` is being compiled already (it imports, in the end, itself)."""
    chain = [u.key for u in compiler.stack]
    if module_unit.key not in chain:
        return False
    shown = [u.display for u in compiler.stack[chain.index(module_unit.key) :]]
    compiler.diags.error(
        "FL701",
        "the imports form a cycle: " + " → ".join([*shown, module_unit.display]),
        use.path.span,
        hint="move what both files need into a third module",
    )
    return True


def _import_names(diags: d.Collector, use: s.Use, ctx: FileContext, info: ModuleInfo) -> None:
    missing = [lang for lang in ctx.languages if lang not in info.context.languages]
    if missing:
        diags.error(
            "FL600",
            f"the module '{use.path.value}' has no "
            + ", ".join(language_name(m) for m in missing)
            + " texts",
            use.path.span,
            hint="add the language to the module's `languages` and translate its texts",
        )
    for name in use.names:
        _import_name(diags, name, use, ctx, info)


def _import_name(
    diags: d.Collector, name: s.Token, use: s.Use, ctx: FileContext, info: ModuleInfo
) -> None:
    group = info.definitions.get(name.raw)
    codelist = info.context.codelists.get(name.raw)
    if group is None and codelist is None:
        known = list(info.definitions) + list(info.context.codelists)
        diags.error(
            "FL702",
            f"the module '{use.path.value}' defines no '{name.raw}'",
            name.span,
            hint=did_you_mean(name.raw, known) or _known(known),
        )
        return
    if name.raw in ctx.imports:
        diags.error("FL203", f"'{name.raw}' is imported twice", name.span)
        return
    ctx.broken.discard(name.raw)
    ctx.imports[name.raw] = Imported(
        name=name.raw,
        module_key=info.display,
        group=group,
        context=info.context if group is not None else None,
        codelist=codelist,
    )


def _known(names: list[str]) -> str | None:
    return f"it defines: {', '.join(sorted(names))}" if names else None


# ---- groups that contain themselves ------------------------------------------------


def definition_cycles(definitions: dict[str, s.Group | s.Repeat]) -> list[d.Diagnostic]:
    """FL701 for a module's groups that contain themselves, directly or through others."""
    uses = {name: _uses_in(node) for name, node in definitions.items()}
    out: list[d.Diagnostic] = []
    reported: set[str] = set()
    for start in definitions:
        trail = _cycle(start, uses)
        if trail is None or reported & {tok.raw for tok in trail}:
            continue
        reported.update(tok.raw for tok in trail)
        chain = " → ".join([start, *(tok.raw for tok in trail)])
        out.append(
            d.make(
                "FL701",
                f"the module group '{start}' contains itself: {chain}",
                trail[0].span,
                hint="a group cannot hold itself, not even through other groups; move the shared "
                "fields into a smaller group that both use",
            )
        )
    return out


def _uses_in(node: s.Group | s.Repeat) -> list[s.Token]:
    found: list[s.Token] = []
    stack: list[s.Item] = list(node.body.items) if node.body else []
    while stack:
        item = stack.pop()
        if isinstance(item, s.Group | s.Repeat):
            if item.uses is not None:
                found.append(item.uses)
            if item.body is not None:
                stack.extend(item.body.items)
        elif isinstance(item, s.Alternative | s.Page):
            stack.extend(item.body.items)
    return found


def _cycle(start: str, uses: dict[str, list[s.Token]]) -> list[s.Token] | None:
    """The uses leading from `start` back to it, if any (iterative search)."""
    stack: list[tuple[str, list[s.Token]]] = [(start, [])]
    seen: set[str] = set()
    while stack:
        name, trail = stack.pop()
        for tok in uses.get(name, []):
            if tok.raw == start:
                return [*trail, tok]
            if tok.raw in uses and tok.raw not in seen:
                seen.add(tok.raw)
                stack.append((tok.raw, [*trail, tok]))
    return None
