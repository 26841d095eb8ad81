"""The fast path's value checks as Python source: what JSON Schema cannot check (validator stage).

`failure(names, field, value)` gives a Python expression that is true when
the value of `field`, held in the variable `value`, fails a check of the
`x-formlang` vocabulary (bounds of decimals, money, dates and times, check
digits, steps) — in generated code that gives up on the fast path then. It
feeds `formlang.fastpath`. Bounds are constants of the form or today's
date; anything less common calls `check_value`, as the full path does.

Each check is exact on strings; a value of another type either fails here
(float() or fromisoformat() refuses it: the fast path gives up) or is
refused by the compiled schema (`"type": "string"`), which jsonschema-rs
checks before the fast path accepts anything.

Safety: as in `formlang.fastexpr`, the source is made only from the form
definition: numbers through `repr()`, other values as names bound in the
namespace the code runs in.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from formlang import ir
from formlang.evaluate import Context, compile_expr
from formlang.fastexpr import Names, literal
from formlang.types import FieldKind
from formlang.values import check_value

_DECIMALS = (FieldKind.DECIMAL, FieldKind.MONEY)
_TEMPORAL = {FieldKind.DATE: "_date", FieldKind.TIME: "_time"}
_IDENTIFIERS = (FieldKind.IBAN, FieldKind.BIC, FieldKind.TAX_ID)
_ANY_DAY = Context({}, dt.date(2000, 1, 1))


# The full path writes whole-number floats as integers (also a file's size): 2.0 is 2
RESPELLED = frozenset({FieldKind.INTEGER, FieldKind.FILE})


def failure(names: Names, field: ir.Field, value: str, checked: bool) -> str | None:
    """A Python expression, true when the value in `value` fails the field's checks (or
    is spelled otherwise than the full path writes it); None if there is nothing to check.

    `checked`: the field has checks in the schema's `x-formlang` vocabulary.
    """
    respelled = {
        FieldKind.INTEGER: f"type({value}) is float",
        FieldKind.FILE: f"type({value}) is dict and type({value}.get('size')) is float",
    }.get(field.kind)
    test = _checks(names, field, value) if checked else None
    if respelled is None or test is None:
        return respelled or test
    return f"{respelled} or {test}"


def _checks(names: Names, field: ir.Field, value: str) -> str:
    c = field.constraints
    bounds = [(b, op) for b, op in ((c.min, ">="), (c.max, "<=")) if b is not None]
    if c.step is None and field.kind in _DECIMALS and all(_constant(b) for b, _ in bounds):
        limits = [(compile_expr(b)(_ANY_DAY), op) for b, op in bounds]
        limits = [(limit, op) for limit, op in limits if limit is not None]
        if limits:
            return _decimal(names, limits, value)
    if c.step is None and field.kind in _TEMPORAL and all(_daily(b) for b, _ in bounds) and bounds:
        parsed = f"{_TEMPORAL[field.kind]}({value})"
        return f"not ({_chain(parsed, [(_day_source(names, b), op) for b, op in bounds])})"
    if field.kind in _IDENTIFIERS:
        # unhashable values raise (the fast path gives up); any other non-text fails the check
        return f"not {names.constant(_identifier(field), 'ok')}({value})"
    return f"not {names.constant(_general(field), 'check')}({value}, today)"


def _decimal(names: Names, limits: list[tuple[Any, str]], value: str) -> str:
    """Constant bounds of a decimal: first as floats, exactly only near a bound.

    Python's float() rounds correctly, and rounding never reverses an order:
    x < low gives float(x) <= float(low). So float(x) > float(low) proves
    x >= low, and float(x) < float(high) proves x <= high. A value whose float
    meets a bound's (or is NaN) is compared as a Decimal, as `check_value` does;
    a string that is no number makes float() or Decimal() raise.
    """
    rough = [(_float(names, limit), op) for limit, op in limits]
    strict = {">=": ">", "<=": "<"}
    quick = _chain(f"float({value})", [(bound, strict[op]) for bound, op in rough])
    exact = _chain(f"_Decimal({value})", [(literal(names, limit), op) for limit, op in limits])
    test = f"not ({quick}) and not ({exact})"
    # A value spelled as a bound is that bound (often: an amount of 0 where `min 0`)
    spelled = [_spelling(limit) for limit, _ in limits]
    inside = [s for s in spelled if s is not None and _within(Decimal(s), limits)]
    return "".join(f"{value} != {s!r} and " for s in dict.fromkeys(inside)) + test


def _spelling(limit: Any) -> str | None:
    if isinstance(limit, int) and not isinstance(limit, bool):
        return str(limit)
    if isinstance(limit, Decimal) and limit.is_finite():
        return format(limit, "f")
    return None


def _within(number: Decimal, limits: list[tuple[Any, str]]) -> bool:
    return all(number >= limit if op == ">=" else number <= limit for limit, op in limits)


def _chain(value: str, bounds: list[tuple[str, str]]) -> str:
    """`low <= value <= high`, `value >= low` or `value <= high`."""
    if len(bounds) == 2:
        (low, low_op), (high, high_op) = bounds
        flip = {">=": "<=", ">": "<"}
        return f"{low} {flip[low_op]} {value} {high_op} {high}"
    ((bound, op),) = bounds
    return f"{value} {op} {bound}"


def _float(names: Names, limit: Any) -> str:
    number = float(limit)
    return repr(number) if math.isfinite(number) else names.constant(number, "float")


def _calls(expr: ir.Expr, name: str) -> bool:
    if isinstance(expr, ir.Call):
        return expr.func == name or any(_calls(a, name) for a in expr.args)
    if isinstance(expr, ir.Unary):
        return _calls(expr.operand, name)
    if isinstance(expr, ir.Binary):
        return _calls(expr.left, name) or _calls(expr.right, name)
    if isinstance(expr, ir.ListValue):
        return any(_calls(i, name) for i in expr.items)
    return False


def _constant(expr: ir.Expr) -> bool:
    """The same on every day (bounds read no data: the full path gives them `data={}`)."""
    return not _calls(expr, "today") and not _calls(expr, "now")


def _is_today(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Call) and expr.func == "today"


def _daily(expr: ir.Expr) -> bool:
    """A constant, or `today()` itself; never empty."""
    return _is_today(expr) or (_constant(expr) and compile_expr(expr)(_ANY_DAY) is not None)


def _day_source(names: Names, expr: ir.Expr) -> str:
    return "today" if _is_today(expr) else literal(names, compile_expr(expr)(_ANY_DAY))


def _identifier(field: ir.Field) -> Callable[[Any], bool]:
    """IBAN, BIC, tax id: the check digits, remembered per value (schwifty is slow)."""

    @functools.lru_cache(maxsize=4096)
    def ok(value: Any) -> bool:
        return not check_value(field, value, {})[1]

    return ok


def _general(field: ir.Field) -> Callable[[Any, dt.date], bool]:
    """Any other check (steps, bounds relative to today or now), as the full path has it:
    `check_value` with the bounds evaluated for the day (for `now()`, on every check)."""
    bounds = {
        name: compile_expr(getattr(field.constraints, name))
        for name in ("min", "max", "step")
        if getattr(field.constraints, name) is not None
    }

    def resolve(today: dt.date) -> dict[str, Any]:
        ctx = Context(data={}, today=today)
        return {name: f(ctx) for name, f in bounds.items()}

    fresh = any(_calls(getattr(field.constraints, name), "now") for name in bounds)
    resolved = resolve if fresh else functools.lru_cache(maxsize=4)(resolve)

    def check(value: Any, today: dt.date) -> bool:
        return not check_value(field, value, resolved(today))[1]

    return check
