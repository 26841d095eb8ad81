"""Evaluating expressions on submitted data (validator stage).

Each IR expression is compiled once into a Python closure `f(ctx) -> value`.
Values: str, int, Decimal (decimals and money, exact), bool, date, time,
datetime, Duration, tuple (lists), None (empty). The browser runtime
implements the same rules, and tests/vectors/expressions.json holds both
to them:

- An empty value makes a comparison or a calculation *unknown* (None);
  `not`, `and`, `or` follow three-valued logic (false and unknown = false,
  true or unknown = true). A condition that is unknown counts as not met; a
  rule that is unknown is not reported; `if` with an unknown condition gives
  its third argument. Comparing with the literal `null` asks whether a value
  is empty. `x in [a, b]` is unknown when x is not found but an item is
  empty; a code is never `in` an empty multiple choice (false).
- Division gives a decimal rounded half away from zero to 10 places;
  `round` rounds half away from zero. Division by zero is unknown.
- Adding months or years to a date keeps the day, or takes the last day of
  a shorter month (2024-01-31 + 1 month = 2024-02-29); a duration's months
  and years move the date first, then its days.
- Aggregates skip empty values: sum of nothing is 0, min/max of nothing is
  empty, any of nothing is false, all of nothing is true. `count` of a
  repeat counts every row, even one with nothing filled in; `is_empty` of a
  list is `count(...) == 0`.
- Decimals come out in one spelling whatever the arithmetic: no trailing
  zeros, no exponent, no negative zero (2.50 -> 2.5, 1.5 * 2 -> 3,
  -0.0 -> 0); an expression of type decimal or money gives a decimal even
  when its value is whole (max(x, 1), sum of no rows), and round() to a
  whole number gives one.
- Durations are (months, days), a year being 12 months: 1 year == 12
  months. Two durations are ordered when they differ in months or in days
  only (1 year > 6 months, 2 weeks < 30 days); otherwise (1 month against
  30 days) the order is unknown.
- A multiple choice equals a list when they hold the same codes, in any
  order.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import MAX_PREC, ROUND_HALF_UP, Decimal, InvalidOperation
from decimal import Context as DecimalContext
from typing import Any

from formlang import ir
from formlang.types import Kind

Fn = Callable[["Context"], Any]
DIVISION_PLACES = Decimal("1e-10")
_EXACT = DecimalContext(prec=MAX_PREC)  # strips zeros without rounding any digit
_ZERO, _ONE = Decimal(0), Decimal(1)


def canonical(value: Any) -> Any:
    """A decimal in its one spelling (2.50 -> 2.5, 1E+2 -> 100, -0.0 -> 0); others as they are."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    if not value:
        return _ZERO
    if value == value.to_integral_value():
        return value.quantize(_ONE, context=_EXACT)
    return value.normalize(_EXACT)


@dataclass(slots=True)
class Context:
    """What an expression sees: the data, the current rows, the date."""

    data: dict[str, Any]
    today: dt.date
    rows: tuple[dict[str, Any], ...] = ()  # the current row of each bound repeat
    now: dt.datetime | None = None
    # Test predicates (visible(), error(), …) are answered by the validator.
    probe: Callable[[str, ir.Path, Any], Any] | None = field(default=None)


def compile_expr(expr: ir.Expr) -> Fn:
    compiler = _COMPILERS[type(expr)]
    return compiler(expr)


def compile_computed(element: ir.Computed) -> Fn:
    """A computed value's formula, giving a value of its declared type: a whole number
    declared decimal or money (`computed steuer: money = 96 + n * 144`) gives a decimal,
    so that it is written "240" as the schema says, not 240."""
    formula = compile_expr(element.expr)
    if element.type.kind not in (Kind.DECIMAL, Kind.MONEY):
        return formula

    def as_decimal(ctx: Context) -> Any:
        value = formula(ctx)
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        return value

    return as_decimal


def evaluate(expr: ir.Expr, ctx: Context) -> Any:
    return compile_expr(expr)(ctx)


# ---- leaves ------------------------------------------------------------------------


def _literal(expr: ir.Literal) -> Fn:
    value = canonical(expr.value)
    return lambda ctx: value


def _list(expr: ir.ListValue) -> Fn:
    items = tuple(compile_expr(item) for item in expr.items)
    return lambda ctx: tuple(f(ctx) for f in items)


def _ref(expr: ir.Ref) -> Fn:
    path, repeats, bound = expr.path, expr.repeats, expr.bound
    start = len(repeats[bound - 1]) if bound else 0
    fan_out = {len(r) for r in repeats[bound:]}  # path positions after which rows fan out
    steps = path[start:]
    alternative = expr.kind == "alternative"
    rows_of_repeat = expr.type.kind is Kind.ROWS
    item = expr.type.item if expr.type.kind is Kind.LIST and expr.type.item else expr.type
    convert = _CONVERTERS.get(item.kind)
    simple = _simple_ref(steps, fan_out, bound, alternative or rows_of_repeat, convert)
    if simple is not None:
        return simple

    def get(ctx: Context) -> Any:
        value = raw(ctx)
        if convert is None or value is None:
            return value
        if isinstance(value, tuple) and expr.type.kind is Kind.LIST:
            return tuple(convert(v) for v in value)
        return convert(value)

    def raw(ctx: Context) -> Any:
        current: Any = _row(ctx.rows, bound - 1) if bound else ctx.data
        many = False
        for offset, name in enumerate(steps, start=start + 1):
            current = _step(current, name, many)
            if offset in fan_out and not (rows_of_repeat and offset == len(path)):
                current = (
                    _flatten(current)
                    if many
                    else (tuple(current) if isinstance(current, list | tuple) else ())
                )
                many = True
            elif offset in fan_out and many:  # count(r.s): the rows of s in every row of r
                current = _flatten(current)
        if alternative:
            return tuple(_branch(v) for v in current) if many else _branch(current)
        return current

    return get


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | str):
        try:
            number = Decimal(value)
            return canonical(number) if number.is_finite() else None
        except (InvalidOperation, ValueError):  # not a number, or too long to compute with
            return None
    if isinstance(value, float):
        finite = value == value and abs(value) != float("inf")
        return canonical(Decimal(repr(value))) if finite else None
    return canonical(value) if isinstance(value, Decimal) else None


def _parser(kind: Callable[[str], Any], spelling: str) -> Callable[[Any], Any]:
    """Reads the one spelling the field check accepts (fromisoformat alone takes more)."""
    pattern = re.compile(spelling, re.ASCII)

    def convert(value: Any) -> Any:
        if not isinstance(value, str) or pattern.fullmatch(value) is None:
            return None
        try:
            return kind(value)
        except ValueError:
            return None

    return convert


def _of(kind: type | tuple[type, ...]) -> Callable[[Any], Any]:
    return lambda value: (
        value if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) else None
    )


# The spellings of schema_fields.PATTERNS (values.check_value accepts no other).
_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIME = "([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"

# Submitted JSON -> the values expressions compute with; anything malformed is unknown.
_CONVERTERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.DATE: _parser(dt.date.fromisoformat, _DATE),
    Kind.TIME: _parser(dt.time.fromisoformat, _TIME),
    Kind.DATETIME: _parser(dt.datetime.fromisoformat, f"{_DATE}T{_TIME}"),
    Kind.DECIMAL: _as_decimal,
    Kind.MONEY: _as_decimal,
    Kind.INTEGER: lambda v: (
        int(v)
        if isinstance(v, float) and v.is_integer()
        else (v if isinstance(v, int) and not isinstance(v, bool) else None)
    ),
    Kind.TEXT: _of(str),
    Kind.CODE: _of(str),
    Kind.BOOLEAN: _of(bool),
    Kind.CODES: lambda v: tuple(v) if isinstance(v, list | tuple) else None,
}


def _simple_ref(
    steps: tuple[str, ...],
    fan_out: set[int],
    bound: int,
    special: bool,
    convert: Callable[[Any], Any] | None,
) -> Fn | None:
    """The common shapes, without the general walk: a field of the form or of the row."""
    if len(steps) != 1 or fan_out or special:
        return None
    name = steps[0]
    if bound:
        index = bound - 1
        if convert is None:
            return lambda ctx: _get(_row(ctx.rows, index), name)
        return lambda ctx: None if (v := _get(_row(ctx.rows, index), name)) is None else convert(v)
    if convert is None:
        return lambda ctx: ctx.data.get(name)
    return lambda ctx: None if (v := ctx.data.get(name)) is None else convert(v)


def _row(rows: tuple[Any, ...], index: int) -> Any:
    """The row of a repeat a name is bound to; none when a malformed submission gave fewer
    (a repeat sent as one object: its rows are refused, and the rule reads them as empty)."""
    return rows[index] if index < len(rows) else None


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, dict) else None


def _step(current: Any, name: str, many: bool) -> Any:
    if many:
        return tuple(row.get(name) if isinstance(row, dict) else None for row in current)
    return current.get(name) if isinstance(current, dict) else None


def _flatten(values: Sequence[Any]) -> tuple[Any, ...]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, list | tuple):
            out.extend(value)
        elif value is not None:
            out.append(value)
    return tuple(out)


def _branch(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value)))
    return None


# ---- operators ------------------------------------------------------------------------


def _unary(expr: ir.Unary) -> Fn:
    operand = compile_expr(expr.operand)
    if expr.op == "not":
        return lambda ctx: None if (v := operand(ctx)) is None else not v
    return lambda ctx: None if (v := operand(ctx)) is None else negate(v)


def negate(value: Any) -> Any:
    if isinstance(value, ir.Duration):
        return ir.Duration(years=-value.years, months=-value.months, days=-value.days)
    return canonical(-value)


def _binary(expr: ir.Binary) -> Fn:
    left, right, op = compile_expr(expr.left), compile_expr(expr.right), expr.op
    if op == "and":
        return lambda ctx: logical_and(left(ctx), lambda: right(ctx))
    if op == "or":
        return lambda ctx: logical_or(left(ctx), lambda: right(ctx))
    if op in ("==", "!=") and _is_null(expr.left, expr.right):
        other = right if _is_null_literal(expr.left) else left
        want_empty = op == "=="
        return lambda ctx: is_empty(other(ctx)) == want_empty
    operation = _OPERATIONS[op]
    return lambda ctx: operation(left(ctx), right(ctx))


def _is_null_literal(expr: ir.Expr) -> bool:
    return isinstance(expr, ir.Literal) and expr.value is None and expr.type.kind is Kind.NULL


def _is_null(a: ir.Expr, b: ir.Expr) -> bool:
    return _is_null_literal(a) or _is_null_literal(b)


def logical_and(a: Any, b: Callable[[], Any]) -> Any:
    if a is False:
        return False
    second = b()
    if second is False:
        return False
    return None if a is None or second is None else True


def logical_or(a: Any, b: Callable[[], Any]) -> Any:
    if a is True:
        return True
    second = b()
    if second is True:
        return True
    return None if a is None or second is None else False


def _known(func: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def wrapped(a: Any, b: Any) -> Any:
        if a is None or b is None:
            return None
        try:
            return func(a, b)
        except (TypeError, ArithmeticError, ValueError, OverflowError):
            return None

    return wrapped


def _member(a: Any, b: Any) -> Any:
    if b is None:
        return False if isinstance(a, str) else None
    if a is None:
        return None
    if a in b or (isinstance(a, ir.Duration) and any(equal(a, item) for item in b)):
        return True
    return None if None in b else False  # 1 in [i, 2] with i empty: unknown


def _divide(a: Any, b: Any) -> Any:
    if b == 0:
        return None
    return canonical((Decimal(a) / Decimal(b)).quantize(DIVISION_PLACES, rounding=ROUND_HALF_UP))


def add(a: Any, b: Any) -> Any:
    if isinstance(b, ir.Duration) and isinstance(a, dt.date):
        return shift(a, b)
    if isinstance(a, ir.Duration) and isinstance(b, dt.date):
        return shift(b, a)
    if isinstance(a, ir.Duration) and isinstance(b, ir.Duration):
        return ir.Duration(
            years=a.years + b.years, months=a.months + b.months, days=a.days + b.days
        )
    return a + b


def subtract(a: Any, b: Any) -> Any:
    if isinstance(b, ir.Duration):
        return add(a, negate(b))
    return a - b


def shift(day: dt.date, by: ir.Duration) -> dt.date:
    """The date `by` after `day`; a day past the end of a month becomes its last day."""
    months = day.month - 1 + by.months + 12 * by.years
    year, month = day.year + months // 12, months % 12 + 1
    last = calendar.monthrange(year, month)[1]
    moved = day.replace(year=year, month=month, day=min(day.day, last))
    return moved + dt.timedelta(days=by.days)


def _months_days(value: ir.Duration) -> tuple[int, int]:
    return 12 * value.years + value.months, value.days


def equal(a: Any, b: Any) -> bool:
    if isinstance(a, ir.Duration) and isinstance(b, ir.Duration):
        return _months_days(a) == _months_days(b)
    if isinstance(a, tuple) and isinstance(b, tuple):  # a multiple choice and a list of codes
        return set(a) == set(b)
    return bool(a == b)


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    def run(a: Any, b: Any) -> Any:
        if isinstance(a, ir.Duration) and isinstance(b, ir.Duration):
            (am, ad), (bm, bd) = _months_days(a), _months_days(b)
            if am != bm and ad != bd:
                return None  # 1 month against 30 days: depends on the month
            return test((am, ad), (bm, bd))
        return test(a, b)

    return _known(run)


_OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "==": _known(equal),
    "!=": _known(lambda a, b: not equal(a, b)),
    "<": _ordered(lambda a, b: a < b),
    "<=": _ordered(lambda a, b: a <= b),
    ">": _ordered(lambda a, b: a > b),
    ">=": _ordered(lambda a, b: a >= b),
    "in": _member,
    "not in": lambda a, b: None if (m := _member(a, b)) is None else not m,
    "+": _known(lambda a, b: canonical(add(a, b))),
    "-": _known(lambda a, b: canonical(subtract(a, b))),
    "*": _known(lambda a, b: canonical(a * b)),
    "/": _known(_divide),
}


# ---- functions ---------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def _values(items: Any) -> list[Any]:
    return [v for v in (items or ()) if v is not None]


def _age(born: Any, on: Any) -> Any:
    if born is None or on is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _round(value: Any, places: Any = 0) -> Any:
    if value is None or places is None:
        return None
    exponent = Decimal(1).scaleb(-int(places))
    rounded = Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)
    return int(rounded) if places == 0 and not isinstance(value, Decimal) else canonical(rounded)


def _matches(text: Any, pattern: Any) -> Any:
    if text is None:
        return None
    from formlang.patterns import portable

    return re.fullmatch(portable(pattern), str(text), re.ASCII) is not None


def _sum(items: Any) -> Any:
    values = _values(items)
    return sum(values, Decimal(0) if any(isinstance(v, Decimal) for v in values) else 0)


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        values = _values(args[0]) if len(args) == 1 else list(args)
        if len(args) > 1 and any(v is None for v in values):
            return None
        return pick(values) if values else None

    return run


def _count(items: Any) -> int:
    if isinstance(items, list | tuple):
        return sum(1 for v in items if isinstance(v, dict) or not is_empty(v))  # rows count
    return 0 if is_empty(items) else 1


def _if(cond: Any, a: Any, b: Any) -> Any:
    return a if cond is True else b


def _date_part(part: str) -> Callable[[Any], Any]:
    def run(value: Any) -> Any:
        if value is None:
            return None
        return value.isoweekday() if part == "weekday" else getattr(value, part)

    return run


def _strict(func: Callable[..., Any]) -> Callable[..., Any]:
    """Unknown if any argument is empty."""

    def run(*args: Any) -> Any:
        if any(a is None for a in args):
            return None
        try:
            return func(*args)
        except (TypeError, ArithmeticError, ValueError, OverflowError, InvalidOperation):
            return None

    return run


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "days_between": _strict(lambda a, b: (b - a).days),
    "year": _date_part("year"),
    "month": _date_part("month"),
    "day": _date_part("day"),
    "weekday": _date_part("weekday"),
    "len": _strict(lambda text: len(str(text))),
    "is_empty": lambda value: _count(value) == 0 if isinstance(value, tuple) else is_empty(value),
    "matches": _matches,
    "count": _count,
    "sum": _sum,
    "min": _extreme(min),
    "max": _extreme(max),
    "any": lambda items: any(v is True for v in (items or ())),
    "all": lambda items: all(v is True for v in _values(items)),
    "round": _strict(_round),
    "abs": _strict(abs),
    "if": _if,
}


def _now(today: dt.date) -> dt.datetime:
    """The time in Europe/Berlin (no zone) on the real today; midnight on a pinned day."""
    from zoneinfo import ZoneInfo

    current = dt.datetime.now(ZoneInfo("Europe/Berlin")).replace(tzinfo=None, microsecond=0)
    return current if current.date() == today else dt.datetime.combine(today, dt.time())


def _call(expr: ir.Call) -> Fn:
    args = tuple(compile_expr(a) for a in expr.args)
    name = expr.func
    if name == "today":
        return lambda ctx: ctx.today
    if name == "now":
        return lambda ctx: ctx.now or _now(ctx.today)
    if name == "age":
        if len(args) == 1:
            return lambda ctx: _age(args[0](ctx), ctx.today)
        return lambda ctx: _age(args[0](ctx), args[1](ctx))
    if name in _PREDICATES:
        return _predicate(expr)
    func = _typed(FUNCTIONS[name], expr.type.kind)
    if len(args) == 1:
        only = args[0]
        return lambda ctx: func(only(ctx))
    return lambda ctx: func(*(a(ctx) for a in args))


def _typed(func: Callable[..., Any], kind: Kind) -> Callable[..., Any]:
    """The result in the call's static type: max(x, 1) of a decimal x is a decimal, even
    when it is 1; round(x) a whole number, even of a decimal x."""
    if kind in (Kind.DECIMAL, Kind.MONEY):

        def decimal(*args: Any) -> Any:
            value = func(*args)
            is_int = isinstance(value, int) and not isinstance(value, bool)
            return canonical(Decimal(value)) if is_int else canonical(value)

        return decimal
    if kind is Kind.INTEGER:

        def whole(*args: Any) -> Any:
            value = func(*args)
            whole_number = isinstance(value, Decimal) and value == value.to_integral_value()
            return int(value) if whole_number else value

        return whole
    return func


_PREDICATES = {"visible", "hidden", "required", "optional", "error", "warning"}


def _predicate(expr: ir.Call) -> Fn:
    target = expr.args[0]
    path = target.path if isinstance(target, ir.Ref) else ()
    extra = (
        expr.args[1].value if len(expr.args) > 1 and isinstance(expr.args[1], ir.Literal) else None
    )

    def ask(ctx: Context) -> Any:
        if ctx.probe is None:
            raise RuntimeError(f"{expr.func}() is only available in scenario tests")
        return ctx.probe(expr.func, path, extra)

    return ask


_COMPILERS: dict[type, Callable[[Any], Fn]] = {
    ir.Literal: _literal,
    ir.ListValue: _list,
    ir.Ref: _ref,
    ir.Unary: _unary,
    ir.Binary: _binary,
    ir.Call: _call,
}
