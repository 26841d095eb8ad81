"""A plan -> `.form` text, one option a line (the writing step of `formlang import fim`).

The text is plain rather than pretty: `formlang fmt` lays it out afterwards.
While writing, the line of every generated condition is recorded, so that
a condition the checker refuses can be traced back and taken out.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from formlang.fim_fields import quote
from formlang.fim_map import OPTIONAL_GROUP, REQUIRED_GROUP
from formlang.fim_names import Namer
from formlang.fim_plan import Condition, Container, FieldNode, InfoNode, Node, Plan, RuleNode

WRAP = 96
PAGES_FROM = 20  # field uses: a form with more is split into pages


@dataclass(slots=True)
class Written:
    text: str
    origins: dict[int, list[Condition]] = field(default_factory=dict)  # line -> conditions


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.origins: dict[int, list[Condition]] = {}

    def add(self, line: str, depth: int, conditions: list[Condition] | None = None) -> None:
        self.lines.append("  " * depth + line)
        if conditions:
            self.origins[len(self.lines)] = conditions

    def comment(self, text: str, depth: int) -> None:
        flat = " ".join(text.split())
        for line in textwrap.wrap(
            flat, WRAP - 2 * depth, break_on_hyphens=False, break_long_words=False
        ) or [""]:
            self.add(f"# {line}", depth)

    def done(self) -> Written:
        return Written("\n".join(self.lines) + "\n", self.origins)


def write_form(plan: Plan) -> Written:
    out = _Out()
    for line in plan.header:
        out.comment(line, 0)
    out.add(f"form {plan.form_name} version {quote(plan.version)} {{", 0)
    out.add(f"title {quote(plan.title)}", 1)
    if plan.description:
        out.add(f"description {quote(plan.description)}", 1)
    if plan.legal:
        out.add(f"legal {quote(plan.legal)}", 1)
    if plan.module is not None and plan.module_file:
        used = sorted(
            {n.definition for n in _walk(plan.form) if isinstance(n, Container) and n.definition}
        )
        if used:
            out.add(f"use {', '.join(used)} from {quote(plan.module_file)}", 1)
    _codes(out, plan, plan.form)
    for comment in plan.form.comments:
        out.comment(comment, 1)
    pages = _pages(plan.form)
    if pages is None:
        for child in plan.form.children:
            _node(out, child, 1)
    else:
        for name, label, nodes in pages:
            out.add(f"page {name} {quote(label)} {{", 1)
            for child in nodes:
                _node(out, child, 2)
            out.add("}", 1)
        for child in plan.form.children:
            if isinstance(child, RuleNode):
                _node(out, child, 1)
    out.add("}", 0)
    return out.done()


def _pages(form: Container) -> list[tuple[str, str, list[Node]]] | None:
    """One page per top-level group, and one for each run of fields between them; only for
    forms with several groups and more than PAGES_FROM fields (a short form is one step)."""
    containers = [c for c in form.children if isinstance(c, Container)]
    fields = sum(1 for n in _walk(form, into_definitions=True) if isinstance(n, FieldNode))
    if len(containers) < 2 or fields <= PAGES_FROM:
        return None
    names = Namer()
    pages: list[tuple[str, str, list[Node]]] = []
    loose: list[Node] = []

    def flush() -> None:
        if loose:
            data = [n for n in loose if isinstance(n, FieldNode)]
            one = data[0] if len(data) == 1 else None
            label = one.label if one else "Weitere Angaben"
            pages.append((names.take(one.name if one else "weitere_angaben"), label, list(loose)))
            loose.clear()

    for child in form.children:
        if isinstance(child, RuleNode):
            continue
        if isinstance(child, Container):
            flush()
            pages.append((names.take(child.name), child.label, [child]))
        else:
            loose.append(child)
    flush()
    return pages


def write_module(plan: Plan) -> Written | None:
    if plan.module is None:
        return None
    out = _Out()
    out.comment(
        f"Gruppen, die das Stammdatenschema {plan.form.fim.id if plan.form.fim else ''} "
        "mehrfach verwendet: jede steht hier einmal, die Formulardatei nutzt sie mit "
        "ihrer eigenen Anzahl.",
        0,
    )
    out.add(f"module {plan.module.name} version {quote(plan.version)} {{", 0)
    _codes(out, plan, plan.module)
    for child in plan.module.children:
        _node(out, child, 1)
    out.add("}", 0)
    return out.done()


def _codes(out: _Out, plan: Plan, root: Container) -> None:
    used = {n.codes_from for n in _walk(root, into_definitions=False) if isinstance(n, FieldNode)}
    for decl in plan.codes:
        if decl.name in used:
            out.add(f"codes {decl.name} {quote(decl.label)} from {quote(decl.path)}", 1)
            out.add(f"meta fim_codeliste {quote(decl.uri)}", 2)
            if decl.version:
                out.add(f"meta fim_codeliste_version {quote(decl.version)}", 2)


def _walk(root: Container, into_definitions: bool = False) -> list[Node]:
    found: list[Node] = []
    stack: list[Node] = list(root.children)
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, Container):
            stack.extend(node.children)
            if into_definitions and node.target is not None:
                stack.extend(node.target.children)
    return found


def _node(out: _Out, node: Node, depth: int) -> None:
    required_group = isinstance(node, Container) and _as_group(node)
    for comment in node.comments:
        out.comment(
            REQUIRED_GROUP if required_group and comment == OPTIONAL_GROUP else comment, depth
        )
    if isinstance(node, FieldNode):
        _field(out, node, depth)
    elif isinstance(node, InfoNode):
        kind = f"{node.kind} " if node.kind else ""
        out.add(f"info {kind}{quote(node.label)}", depth)
        _conditions(out, node, depth + 1)
    elif isinstance(node, RuleNode):
        if node.conditions and not node.live_conditions():
            return  # its condition was taken back: without it the rule would say too much
        out.add(f"rule {node.expr}", depth)
        if node.on:
            out.add(f"on {node.on}", depth + 1)
        _conditions(out, node, depth + 1)
        out.add(f"message {quote(node.message)}", depth + 1)
    elif isinstance(node, Container):
        _container(out, node, depth)


def _field(out: _Out, node: FieldNode, depth: int) -> None:
    kind = f"{node.type} from {node.codes_from}" if node.codes_from else node.type
    out.add(f"field {node.name}: {kind} {quote(node.label)}", depth)
    live = node.live_conditions()
    required = any(c.required_only or c.requires for c in live)
    if node.optional and not required:
        out.add("optional", depth + 1)
    if node.readonly:
        out.add("readonly", depth + 1)
    for option in node.options:
        out.add(option, depth + 1)
    if node.hint:
        out.add(f"hint {quote(node.hint)}", depth + 1)
    _conditions(out, node, depth + 1)
    _meta(out, node, depth + 1)
    if node.codes is not None:
        out.add("{", depth + 1)
        for code, label, help_text in node.codes:
            tail = f"  # Hilfe: {' '.join(help_text.split())}" if help_text else ""
            out.add(f"{quote(code)} {quote(label)}{tail}", depth + 1)
        out.add("}", depth)


def _conditions(out: _Out, node: Node, depth: int) -> None:
    live = node.live_conditions()
    shown = [c for c in live if not c.required_only]
    required = [c for c in live if c.required_only]
    if shown:
        out.add(f"when {_conjoin(shown)}", depth, shown)
    if required:
        out.add(f"required when {_conjoin(required)}", depth, required)


def _conjoin(conditions: list[Condition]) -> str:
    if len(conditions) == 1:
        return conditions[0].expr
    return " and ".join(f"({c.expr})" for c in conditions)


def _meta(out: _Out, node: Node, depth: int) -> None:
    if node.fim is not None:
        out.add(f"meta fim {quote(node.fim.id)}", depth)
        if node.fim.version:
            out.add(f"meta fim_version {quote(node.fim.version)}", depth)


def _container(out: _Out, node: Container, depth: int) -> None:
    kind = "group" if _as_group(node) else node.kind
    head = f"{kind} {node.name}"
    if node.definition:
        head += f": {node.definition}"
    out.add(f"{head} {quote(node.label)}", depth)
    if kind == "repeat":
        if node.min:
            out.add(f"min {node.min}", depth + 2)
        if node.max is not None:
            out.add(f"max {node.max}", depth + 2)
    if kind == "alternative" and node.optional and not _required_by_rule(node):
        out.add("optional", depth + 2)
    if node.hint and not node.definition:
        out.add(f"hint {quote(node.hint)}", depth + 2)
    _conditions(out, node, depth + 2)
    _meta(out, node, depth + 2)
    if node.definition:
        return
    out.add("{", depth + 2)
    for child in node.children:
        _node(out, child, depth + 1)
    out.add("}", depth)


def _as_group(node: Container) -> bool:
    """An optional group (a repeat of at most one) that a rule shows and requires."""
    return node.kind == "repeat" and node.min == 0 and node.max == 1 and _required_by_rule(node)


def _required_by_rule(node: Container) -> bool:
    """An optional group that a translated rule shows *and* requires is a plain group."""
    return any(c.requires and not c.required_only for c in node.live_conditions())
