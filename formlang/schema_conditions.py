"""Conditions as JSON Schema: `when` and `required when` -> `if` subschemas (schema stage).

A condition is expressible when every field it asks about can be reached
from one object of the submission (the *anchor*) without crossing into the
rows of a repeat, and when it is built from `==`, `!=`, `in`, `not in`,
yes/no fields, integer comparisons and `and`/`or`/`not`. Negation is pushed
down to the facts, so the subschema holds exactly when the condition is
*true* in the three-valued logic of `formlang.evaluate` (an empty field
makes a fact unknown, and an unknown condition is not met): every fact also
requires its field to be present — unless the field has a default that
satisfies it (the validator fills the default in before asking). A condition
on a computed value is not expressible: a submission does not carry it.
"""

from __future__ import annotations

from typing import Any

from formlang import ir
from formlang.ir_refs import refs
from formlang.program import literal_json
from formlang.types import Kind

Schema = dict[str, Any]
_NEGATED = {
    "==": "!=",
    "!=": "==",
    "in": "not in",
    "not in": "in",
    "<": ">=",
    "<=": ">",
    ">": "<=",
    ">=": "<",
}
_BOUNDS = {"<": "exclusiveMaximum", "<=": "maximum", ">": "exclusiveMinimum", ">=": "minimum"}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_EXACT_KINDS = {Kind.TEXT, Kind.INTEGER, Kind.BOOLEAN, Kind.CODE, Kind.DATE}


def anchor(target: ir.Path, expr: ir.Expr) -> ir.Path | None:
    """The deepest object holding the target and every field asked about, if any."""
    containers = [target[:-1]] + [ref.path[:-1] for ref in refs(expr)]
    common: list[str] = []
    for parts in zip(*containers, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    base = tuple(common)
    for ref in refs(expr):
        if any(len(r) > len(base) for r in ref.repeats):
            return None  # the fact lies in the rows of a repeat below the anchor
    return base


def condition(
    expr: ir.Expr,
    base: ir.Path,
    defaults: dict[ir.Path, tuple[Any, bool]] | None = None,
    positive: bool = True,
) -> Schema | None:
    """A subschema of the anchor object that holds exactly when `expr` is true.

    `defaults`: the fields the validator fills in when they are absent, with the
    default's JSON value (None: not known in advance) and whether a schema anchored
    here can say "absent, or else …" for them.
    """
    return _condition(expr, base, defaults or {}, positive)


def _condition(
    expr: ir.Expr, base: ir.Path, defaults: dict[ir.Path, tuple[Any, bool]], positive: bool
) -> Schema | None:
    if isinstance(expr, ir.Unary) and expr.op == "not":
        return _condition(expr.operand, base, defaults, not positive)
    if isinstance(expr, ir.Binary) and expr.op in ("and", "or"):
        parts = [
            _condition(expr.left, base, defaults, positive),
            _condition(expr.right, base, defaults, positive),
        ]
        if any(p is None for p in parts):
            return None
        keyword = "allOf" if (expr.op == "and") == positive else "anyOf"
        return {keyword: parts}
    if isinstance(expr, ir.Literal) and isinstance(expr.value, bool):
        return {} if expr.value == positive else {"not": {}}
    if isinstance(expr, ir.Ref):
        if expr.type.kind is not Kind.BOOLEAN or expr.is_list:
            return None
        return _at(expr, base, {"const": positive}, defaults)
    if isinstance(expr, ir.Binary):
        return _comparison(expr, base, defaults, positive)
    return None


def _comparison(
    expr: ir.Binary, base: ir.Path, defaults: dict[ir.Path, tuple[Any, bool]], positive: bool
) -> Schema | None:
    op, ref, other = expr.op, expr.left, expr.right
    if not isinstance(ref, ir.Ref):
        ref, other, op = expr.right, expr.left, _FLIPPED.get(op, "")
    if not isinstance(ref, ir.Ref) or ref.is_list or not op:
        return None
    if not positive:
        op = _NEGATED[op]
    if ref.kind == "alternative":
        return _branch(ref, op, other, base, defaults)
    if ref.type.kind not in _EXACT_KINDS:
        return None  # decimals, money, times: their spelling is not unique
    values = _literals(other)
    if values is None:
        return None
    if op in ("==", "!="):
        if len(values) != 1:
            return None
        fact: Schema = {"const": values[0]}
    elif op in ("in", "not in"):
        fact = {"enum": values}
    elif ref.type.kind is Kind.INTEGER and len(values) == 1 and isinstance(values[0], int):
        return _at(ref, base, {_BOUNDS[op]: values[0]}, defaults)
    else:
        return None
    return _at(ref, base, fact if op in ("==", "in") else {"not": fact}, defaults)


def _branch(
    ref: ir.Ref, op: str, other: ir.Expr, base: ir.Path, defaults: dict[ir.Path, tuple[Any, bool]]
) -> Schema | None:
    values = _literals(other)
    if values is None or op not in ("==", "!=", "in", "not in"):
        return None
    chosen: Schema = (
        {"anyOf": [{"required": [v]} for v in values]} if len(values) > 1 else {"required": values}
    )
    inner = chosen if op in ("==", "in") else {"not": chosen, "minProperties": 1}
    return _at(ref, base, inner, defaults)


def _literals(expr: ir.Expr) -> list[Any] | None:
    items = expr.items if isinstance(expr, ir.ListValue) else (expr,)
    out = []
    for item in items:
        if not isinstance(item, ir.Literal) or item.value is None:
            return None
        value = literal_json(item.value)
        out.append(value["date"] if isinstance(value, dict) and "date" in value else value)
        if isinstance(value, dict) and "date" not in value:
            return None
    return out


def _at(
    ref: ir.Ref, base: ir.Path, fact: Schema, defaults: dict[ir.Path, tuple[Any, bool]]
) -> Schema | None:
    """`fact` about the field at `ref.path`, seen from the object at `base`."""
    if ref.kind == "computed":
        return None  # computed after visibility, and not part of what is sent
    rel = ref.path[len(base) :]
    if ref.path in defaults:
        value, usable = defaults[ref.path]
        if value is None or (_holds(fact, value) and not usable):
            return None  # absent may mean the default, which may satisfy the fact
        if _holds(fact, value):
            return {"properties": {rel[0]: fact}}  # absent: the default, which satisfies it
    schema: Schema = {"properties": {rel[-1]: fact}, "required": [rel[-1]]}
    for name in reversed(rel[:-1]):
        schema = {"properties": {name: schema}, "required": [name]}
    return schema


def _holds(fact: Schema, value: Any) -> bool:
    """Whether a plain JSON value satisfies a fact built above."""
    if "not" in fact:
        return not _holds(fact["not"], value)
    if "const" in fact:
        return _same(value, fact["const"])
    if "enum" in fact:
        return any(_same(value, item) for item in fact["enum"])
    bounds = [(k, v) for k, v in fact.items() if k in _BOUNDS.values()]
    if bounds and (not isinstance(value, int) or isinstance(value, bool)):
        return False
    checks = {
        "minimum": lambda a, b: a >= b,
        "maximum": lambda a, b: a <= b,
        "exclusiveMinimum": lambda a, b: a > b,
        "exclusiveMaximum": lambda a, b: a < b,
    }
    return bool(bounds) and all(checks[k](value, v) for k, v in bounds)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def navigate(path: ir.Path, repeats: set[ir.Path], inner: Schema) -> Schema:
    """`inner` applied to the object at `path` (relative), through groups and rows."""
    schema = inner
    for depth in range(len(path), 0, -1):
        name = path[depth - 1]
        step = {"items": schema} if path[:depth] in repeats else schema
        schema = {"properties": {name: step}}
    return schema
