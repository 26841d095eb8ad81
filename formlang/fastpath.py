"""The fast path of validation: clean submissions decided with one walk and jsonschema-rs.

Validator stage. A *clean* submission has no empty values, no values for
hidden fields, no values for computed fields and nothing unknown: then its
effective data is the submission plus defaults and computed values, and
visibility can be read off the submission itself in one walk. Standard
checks (types, patterns, bounds, codes, unconditional `required`) are left
to jsonschema-rs; this walk does only what JSON Schema cannot: conditional
visibility and requiredness, defaults, computed values, the `x-formlang`
value checks and the rules. Whenever anything is off, it gives up (returns
None) and the full path (`formlang.validate`) decides and explains.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from formlang import ir
from formlang.effective import Node
from formlang.evaluate import Context, compile_expr
from formlang.pointers import rule_rows
from formlang.types import FieldKind
from formlang.values import check_value

Check = Callable[[Any, dt.date], bool]


class _Bail(Exception):
    """Not clean, or not valid: the full path must look."""


@dataclass(eq=False)
class _Slot:
    node: Node
    conditional: bool  # has a condition (own or a page's)
    required: bool  # required when shown, without `required when`
    required_when: Callable[[Context], Any] | None
    check: Check | None  # what only Python can check about the value
    inner: list[_Slot] = field(default_factory=list)
    branches: dict[str, list[_Slot]] = field(default_factory=dict)
    kind: str = ""
    max_rows: int = 0

    @property
    def idle(self) -> bool:
        """Nothing for Python to do: jsonschema-rs checks all there is."""
        node = self.node
        return (
            node.kind == "field"
            and not self.conditional
            and self.check is None
            and node.default is None
            and self.required_when is None
        )


def read_by_conditions(form: ir.Form) -> set[ir.Path]:
    """The paths that conditions (`when`, `required when`) read."""
    from formlang.ir_refs import refs

    read: set[ir.Path] = set()
    for element in ir.walk(form.children):
        for expr in (getattr(element, "when", None), getattr(element, "required_when", None)):
            if expr is not None:
                read.update(ref.path for ref in refs(expr))
    return read


def possible(form: ir.Form) -> bool:
    """Whether one walk over a clean submission sees what the full path sees.

    Not where a condition or a formula reads a computed value (those are
    computed in rounds), nor where a formula reads a field with a default (the
    walk computes from the submission as sent).
    """
    from formlang.ir_refs import refs

    elements = ir.walk(form.children)
    computed = {e.path for e in elements if isinstance(e, ir.Computed)}
    defaulted = {e.path for e in elements if isinstance(e, ir.Field) and e.default is not None}
    formulas_read = {r.path for e in elements if isinstance(e, ir.Computed) for r in refs(e.expr)}
    return not (computed & read_by_conditions(form)) and not (
        formulas_read & (computed | defaulted)
    )


class FastPath:
    def __init__(
        self,
        nodes: list[Node],
        rules: list[tuple[ir.Rule, Any, Any]],
        engine: Any,
        checks: list[dict[str, Any]],
        read: set[ir.Path],
    ) -> None:
        checked = {tuple(c["path"]) for c in checks}
        self.read = read  # what conditions read: a default there changes what they see
        self.slots = _busy([_slot(n, checked) for n in nodes])
        self.rules = rules
        self.engine = engine

    def run(self, data: dict[str, Any], today: dt.date) -> dict[str, Any] | None:
        try:
            ctx = Context(data=data, today=today)
            effective = self._object(self.slots, data, ctx)
            _rules(self.rules, effective, today)
            if not self.engine.is_valid(effective):
                return None
        except (_Bail, ValueError, TypeError, ArithmeticError, RecursionError):
            return None
        return effective

    def _object(self, slots: list[_Slot], data: Any, ctx: Context) -> dict[str, Any]:
        """The effective object: `data` itself when nothing is added (no copy)."""
        if type(data) is not dict:
            raise _Bail
        out = data
        for slot in slots:
            node = slot.node
            name = node.name
            when = node.when
            if when is not None and when(ctx) is not True:
                if name in data:
                    raise _Bail  # a value for a hidden element: warn on the full path
                continue
            kind = slot.kind
            if kind == "computed":
                if name in data:
                    raise _Bail
                result = node.formula(ctx) if node.formula is not None else None
                if result is not None:
                    out = _set(out, data, name, _json(result))
                continue
            value = data.get(name)
            if value is None:
                added = self._absent(slot, ctx)
                if added is not _NOTHING:
                    out = _set(out, data, name, added)
            elif kind == "field":
                if slot.check is not None and not slot.check(value, ctx.today):
                    raise _Bail
            else:
                inner = self._container(slot, value, ctx)
                if inner is not value:
                    out = _set(out, data, name, inner)
        return out

    def _absent(self, slot: _Slot, ctx: Context) -> Any:
        node = slot.node
        if node.default is not None:
            if node.element.path in self.read:
                raise _Bail
            return node.default(ctx.today)
        if slot.required_when is not None and slot.required_when(ctx) is True:
            raise _Bail
        if slot.required and (slot.conditional or slot.kind == "group"):
            raise _Bail  # shown and required, but missing
        return _NOTHING

    def _container(self, slot: _Slot, value: Any, ctx: Context) -> Any:
        if slot.kind == "group":
            if not value or type(value) is not dict:
                raise _Bail  # `{}` is empty: the full path leaves it out
            return self._object(slot.inner, value, ctx) if slot.inner else value
        if slot.kind == "repeat":
            if type(value) is not list or len(value) > slot.max_rows:
                raise _Bail
            data, today, rows = ctx.data, ctx.today, ctx.rows
            new = [
                self._object(slot.inner, row, Context(data=data, today=today, rows=(*rows, row)))
                for row in value
            ]
            return value if all(a is b for a, b in zip(new, value, strict=True)) else new
        if type(value) is not dict or len(value) != 1:
            raise _Bail
        ((name, inner),) = value.items()
        if name not in slot.branches:
            raise _Bail
        branch = self._object(slot.branches[name], inner, ctx)
        return value if branch is inner else {name: branch}


_NOTHING: Any = object()


def _set(out: dict[str, Any], data: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    if out is data:
        out = dict(data)
    out[name] = value
    return out


def _slot(node: Node, checked: set[ir.Path]) -> _Slot:
    element = node.element
    required = _required(element)
    required_when = node.required_when
    check = _check(element) if isinstance(element, ir.Field) and element.path in checked else None
    slot = _Slot(
        node=node,
        conditional=node.when is not None,
        required=required,
        required_when=required_when,
        check=check,
        kind=node.kind,
        max_rows=(element.max or 1000) if isinstance(element, ir.Repeat) else 0,
    )
    if node.kind in ("group", "repeat"):
        slot.inner = _busy([_slot(child, checked) for child in node.children])
    elif node.kind == "alternative":
        slot.branches = {
            b.name: _busy([_slot(c, checked) for c in b.children]) for b in node.children
        }
    return slot


def _busy(slots: list[_Slot]) -> list[_Slot]:
    return [s for s in slots if not s.idle]


def _required(element: Any) -> bool:
    if isinstance(element, ir.Group):  # missing as a whole: its required fields are missing
        return any(
            _required(child) and getattr(child, "when", None) is None
            for child in ir.children(element)
        )
    if isinstance(element, ir.Page):
        return element.when is None and any(_required(c) for c in element.children)
    if isinstance(element, ir.Field):
        return not element.optional and element.required_when is None
    if isinstance(element, ir.Repeat):
        return element.min > 0
    if isinstance(element, ir.Alternative):
        return not element.optional
    return False


def _check(element: ir.Field) -> Check:
    """The Python-only checks of one field (bounds, check digits), cached per today."""
    quick = _quick_bounds(element)
    if quick is not None:
        return quick
    bounds = {
        name: compile_expr(getattr(element.constraints, name))
        for name in ("min", "max", "step")
        if getattr(element.constraints, name)
    }

    @functools.lru_cache(maxsize=4)
    def resolved(today: dt.date) -> dict[str, Any]:
        ctx = Context(data={}, today=today)
        return {name: f(ctx) for name, f in bounds.items()}

    if element.kind in (FieldKind.IBAN, FieldKind.BIC, FieldKind.TAX_ID):
        return _cached_identifier(element)

    def check(value: Any, today: dt.date) -> bool:
        return not check_value(element, value, resolved(today))[1]

    return check


_PARSERS: dict[FieldKind, Callable[[str], Any]] = {
    FieldKind.DECIMAL: Decimal,
    FieldKind.MONEY: Decimal,
    FieldKind.DATE: dt.date.fromisoformat,
    FieldKind.TIME: dt.time.fromisoformat,
}


def _quick_bounds(element: ir.Field) -> Check | None:
    """min/max on decimals, money, dates and times as one comparison each."""
    c = element.constraints
    parse = _PARSERS.get(element.kind)
    if parse is None or c.step is not None:
        return None
    low = compile_expr(c.min) if c.min is not None else None
    high = compile_expr(c.max) if c.max is not None else None

    @functools.lru_cache(maxsize=4)
    def limits(today: dt.date) -> tuple[Any, Any]:
        ctx = Context(data={}, today=today)
        return (low(ctx) if low else None, high(ctx) if high else None)

    def check(value: Any, today: dt.date) -> bool:
        if isinstance(value, float | int) and parse is Decimal and not isinstance(value, bool):
            return False  # a number, not the canonical string: the full path converts it
        lo, hi = limits(today)
        parsed = parse(value)
        return (lo is None or parsed >= lo) and (hi is None or parsed <= hi)

    return check


def _cached_identifier(element: ir.Field) -> Check:
    @functools.lru_cache(maxsize=4096)
    def ok(value: str) -> bool:
        return not check_value(element, value, {})[1]

    def check(value: Any, today: dt.date) -> bool:
        return isinstance(value, str) and ok(value)

    return check


def _rules(rules: list[tuple[ir.Rule, Any, Any]], data: dict[str, Any], today: dt.date) -> None:
    for rule, test, when in rules:
        if not rule.scope:
            ctx = Context(data=data, today=today)
            if (when is None or when(ctx) is True) and test(ctx) is False:
                raise _Bail
            continue
        every: Iterator[tuple[dict[str, Any], ...]]
        if len(rule.scope) == 1:  # the rows of a repeat of the form itself
            value = data.get(rule.scope[0])
            every = ((row,) for row in (value if type(value) is list else ()))
        else:
            every = (rows for rows, _ in rule_rows(data, rule.scope))
        for rows in every:
            ctx = Context(data=data, today=today, rows=rows)
            if when is not None and when(ctx) is not True:
                continue
            if test(ctx) is False:
                raise _Bail


def _json(value: Any) -> Any:
    from formlang.program import literal_json
    from formlang.schema_fields import _plain

    return _plain(literal_json(value))
