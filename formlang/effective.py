"""Effective data: what a submission means once visibility, defaults and formulas apply.

Validator stage. The IR is compiled once into a tree of `Node`s (data
elements with their compiled conditions; pages folded into their children's
conditions). `effective()` then turns a submission into the data that is
validated and stored:

- empty values (absent, null, blank text, empty lists, an unticked consent)
  are left out;
- an element whose condition is not met is hidden: its value is dropped,
  with a warning if one was sent; conditions see the data as it is after
  hiding, so this is repeated until nothing changes;
- a visible field that was not sent at all gets its default (also in a group
  that was not sent: an absent group reads as an empty one);
- computed values are computed (what the client sent for them is replaced);
  an empty result is left out like an empty value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from formlang import ir
from formlang.evaluate import Context, compile_computed, compile_expr, is_empty, logical_and
from formlang.schema_fields import MAX_ROWS

Fn = Callable[[Context], Any]
MAX_ROUNDS = 12


@dataclass(eq=False)
class Node:
    element: Any = field(repr=False)  # ir.Field | ir.Computed | ir.Group | ir.Repeat | …
    name: str
    kind: str  # field | computed | group | repeat | alternative
    when: Fn | None = None
    children: list[Node] = field(default_factory=list)
    default: Any = None
    formula: Fn | None = None
    required_when: Fn | None = None  # a field's `required when`, compiled once

    def required(self, ctx: Context) -> bool:
        """Whether this element, shown, must be given (a field, repeat or alternative)."""
        element = self.element
        if isinstance(element, ir.Field):
            if self.required_when is not None:
                return self.required_when(ctx) is True
            return not element.optional
        if isinstance(element, ir.Repeat):
            return element.min > 0
        if isinstance(element, ir.Alternative):
            return not element.optional
        return False


@dataclass
class Note:
    """Something `effective()` noticed: a dropped value, a replaced computed value."""

    code: str  # hidden_value | computed_value | alternative_ambiguous | unknown_field | …
    path: tuple[str | int, ...]
    node: Node | None = field(repr=False)
    detail: Any = None


def compile_nodes(elements: tuple[ir.Element, ...], guards: tuple[Fn, ...] = ()) -> list[Node]:
    out: list[Node] = []
    for element in elements:
        if isinstance(element, ir.Page):
            inner = guards + ((compile_expr(element.when),) if element.when else ())
            out.extend(compile_nodes(element.children, inner))
        elif not isinstance(element, ir.Info):
            out.append(_node(element, guards))
    return out


def _node(element: Any, guards: tuple[Fn, ...]) -> Node:
    conditions = guards + ((compile_expr(element.when),) if element.when else ())
    node = Node(
        element=element, name=element.name, kind=_KINDS[type(element)], when=_all(conditions)
    )
    if isinstance(element, ir.Group | ir.Repeat):
        node.children = compile_nodes(element.children)
    elif isinstance(element, ir.Alternative):
        node.children = [_node(branch, ()) for branch in element.branches]
    elif isinstance(element, ir.Computed):
        node.formula = compile_computed(element)
    elif isinstance(element, ir.Field):
        if element.default is not None:
            node.default = _default(element)
        if element.required_when is not None:
            node.required_when = compile_expr(element.required_when)
    return node


_KINDS = {
    ir.Field: "field",
    ir.Computed: "computed",
    ir.Group: "group",
    ir.Repeat: "repeat",
    ir.Alternative: "alternative",
}


def _all(conditions: tuple[Fn, ...]) -> Fn | None:
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]

    def every(ctx: Context) -> Any:
        result: Any = True
        for condition in conditions:
            value = condition(ctx)
            result = logical_and(result, lambda v=value: v)  # type: ignore[misc]
            if result is False:
                return False
        return result

    return every


def _default(element: ir.Field) -> Any:
    from formlang.program import literal_json
    from formlang.schema_fields import _plain, canonical_json

    value = compile_expr(element.default)  # type: ignore[arg-type]

    def default(today: dt.date) -> Any:
        plain = _plain(literal_json(value(Context(data={}, today=today))))
        if isinstance(plain, list):
            return [canonical_json(element.kind, v) for v in plain]
        return canonical_json(element.kind, plain)

    return default


# ---- building the effective data -------------------------------------------------------


@dataclass
class Builder:
    nodes: list[Node]
    today: dt.date
    notes: list[Note] = field(default_factory=list)

    def run(self, data: dict[str, Any]) -> dict[str, Any]:
        current = self._round(data, data, final=False)
        for _ in range(MAX_ROUNDS):
            following = self._round(data, current, final=False)
            if following == current:
                break
            current = following
        return self._round(data, current, final=True)

    def _round(self, data: dict[str, Any], seen: dict[str, Any], final: bool) -> dict[str, Any]:
        ctx = Context(data=seen, today=self.today)
        return self._object(self.nodes, data, seen, ctx, (), final)

    def _object(
        self,
        nodes: list[Node],
        raw: dict[str, Any],
        seen: dict[str, Any],
        ctx: Context,
        path: tuple[str | int, ...],
        final: bool,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for node in nodes:
            value = raw.get(node.name, _MISSING)
            here = (*path, node.name)
            if node.when is not None and node.when(ctx) is not True:
                if final and value is not _MISSING and not is_empty(value):
                    self.notes.append(Note("hidden_value", here, node))
                continue
            if node.kind == "computed":
                if final and value is not _MISSING and not is_empty(value):
                    self.notes.append(Note("computed_value", here, node))
                continue
            kept = self._value(node, value, seen.get(node.name), ctx, here, final)
            if kept is not _MISSING:
                out[node.name] = kept
        if final:
            known = {n.name for n in nodes}
            for key in [k for k in raw if k not in known]:  # in the submission's order
                self.notes.append(Note("unknown_field", (*path, key), None, key))
        self._compute(nodes, out, ctx)
        return out

    def _value(
        self,
        node: Node,
        value: Any,
        seen: Any,
        ctx: Context,
        path: tuple[str | int, ...],
        final: bool,
    ) -> Any:
        if value is _MISSING and node.kind == "group":
            value = {}  # defaults and computed values of a group that was not sent
        if value is _MISSING:
            return node.default(self.today) if node.default is not None else _MISSING
        if node.kind == "field":
            return _MISSING if _empty_field(node, value) else value
        if node.kind == "group":
            if not isinstance(value, dict):
                return value if not is_empty(value) else _MISSING
            inner = self._object(node.children, value, _dict(seen), ctx, path, final)
            return inner or _MISSING
        if node.kind == "repeat":
            return self._rows(node, value, seen, ctx, path, final)
        return self._alternative(node, value, seen, ctx, path, final)

    def _rows(
        self,
        node: Node,
        value: Any,
        seen: Any,
        ctx: Context,
        path: tuple[str | int, ...],
        final: bool,
    ) -> Any:
        if not isinstance(value, list):
            return value if not is_empty(value) else _MISSING
        seen_rows = seen if isinstance(seen, list) else []
        rows = []
        # Rows past the most a repeat allows are not looked at (bounded work on hostile
        # input); the validator reports the count.
        for index, row in enumerate(value[: row_limit(node)]):
            if not isinstance(row, dict):
                rows.append(row)
                continue
            row_seen = _dict(seen_rows[index] if index < len(seen_rows) else None)
            row_ctx = Context(data=ctx.data, today=ctx.today, rows=(*ctx.rows, row_seen))
            rows.append(self._object(node.children, row, row_seen, row_ctx, (*path, index), final))
        return rows or _MISSING

    def _alternative(
        self,
        node: Node,
        value: Any,
        seen: Any,
        ctx: Context,
        path: tuple[str | int, ...],
        final: bool,
    ) -> Any:
        if not isinstance(value, dict):
            return value if not is_empty(value) else _MISSING
        # A branch is chosen by its key; `{}` chooses a branch that asks nothing (or whose
        # fields are all left empty), unless another branch holds something.
        given = [b for b in node.children if isinstance(value.get(b.name), dict)]
        filled = [b for b in node.children if not is_empty(value.get(b.name))]
        present = filled or given
        if CHOICE in value:
            present = self._chosen(node, value, present, path, final)
        elif len(present) > 1 and final:
            self.notes.append(Note("alternative_ambiguous", path, node))
        out: dict[str, Any] = {}
        for branch in present[:1]:
            inner = self._value(
                branch,
                value.get(branch.name, {}),  # `{"$choice": "x"}` alone: branch x, nothing in it
                _dict(seen).get(branch.name),
                ctx,
                (*path, branch.name),
                final,
            )
            out[branch.name] = {} if inner is _MISSING else inner
        if final:
            known = {b.name for b in node.children} | {CHOICE}
            for key in [k for k in value if k not in known]:
                self.notes.append(Note("unknown_field", (*path, key), None, key))
        return out or _MISSING

    def _chosen(
        self,
        node: Node,
        value: dict[str, Any],
        present: list[Node],
        path: tuple[str | int, ...],
        final: bool,
    ) -> list[Node]:
        """`"$choice": "firma"` names the branch; data for the others is dropped."""
        branch = next((b for b in node.children if b.name == value[CHOICE]), None)
        if branch is None:
            if final:
                self.notes.append(Note("alternative_choice", path, node, value[CHOICE]))
            return []
        if final:
            for other in present:
                if other is not branch:
                    self.notes.append(Note("hidden_value", (*path, other.name), other))
        return [branch]

    def _compute(self, nodes: list[Node], out: dict[str, Any], ctx: Context) -> None:
        computed = [n for n in nodes if n.kind == "computed" and n.formula is not None]
        if not computed:
            return
        local = Context(data=ctx.data, today=ctx.today, rows=ctx.rows)
        for node in computed:
            if node.when is not None and node.when(ctx) is not True:
                continue
            value = node.formula(local)  # type: ignore[misc]
            if not is_empty(value):
                out[node.name] = _plain_value(value)


_MISSING: Any = object()
CHOICE = "$choice"  # in an alternative: which branch was chosen (e.g. by a radio button)


def row_limit(node: Node) -> int:
    return (node.element.max or MAX_ROWS) + 1


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _empty_field(node: Node, value: Any) -> bool:
    if node.element.kind.value == "consent" and value is False:
        return True
    return is_empty(value)


def _plain_value(value: Any) -> Any:
    from formlang.program import literal_json
    from formlang.schema_fields import _plain

    return _plain(literal_json(value))
