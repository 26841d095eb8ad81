"""Expressions, patterns and bank tables in the browser runtime's spelling (renderer stage).

Part of the client program (`formlang.client_program`): the IR's expressions
rewritten for formlang.js (operators and functions by number, comparisons
reduced to `==`, `<` and `in`, references as the steps to follow), patterns in
their JavaScript spelling, and the IBAN and BIC tables taken from schwifty's
registry so that the browser checks what the server checks. The module
docstring of `formlang.client_program` describes the shapes.
"""

from __future__ import annotations

import itertools
import re
import string
from typing import Any

from formlang import ir
from formlang.patterns import portable
from formlang.program import literal_json
from formlang.types import Kind

Json = dict[str, Any]

# The runtime's operators and functions, by number ({"op": 21, "args": [a, b]} is a + b): the
# table in formlang.js lists them in this order (tests/test_js_runtime.py checks the two agree).
# and, or, today and now it evaluates itself; from "==" on, null in is null out.
# fmt: off
OPS = (
    "and", "or", "today", "now", "in", "empty", "year", "month", "day", "weekday", "is_empty",
    "matches", "count", "sum", "min", "max", "any", "all", "if", "==", "<", "+", "-", "*", "/",
    "not", "neg", "days_between", "len", "round", "abs",
)
# fmt: on
_OP = {name: number for number, name in enumerate(OPS)}
_NUMERIC = (Kind.INTEGER, Kind.DECIMAL, Kind.MONEY)
_NUMERIC = (Kind.INTEGER, Kind.DECIMAL, Kind.MONEY)
# How a reference reads the submitted JSON (evaluate._CONVERTERS), by the kind of its value.
_READERS = {
    Kind.TEXT: "text",
    Kind.CODE: "text",
    Kind.INTEGER: "integer",
    Kind.DECIMAL: "decimal",
    Kind.MONEY: "decimal",
    Kind.BOOLEAN: "boolean",
    Kind.DATE: "date",
    Kind.TIME: "time",
    Kind.DATETIME: "datetime",
    Kind.CODES: "codes",
}


def expr(e: ir.Expr) -> Any:
    """`e` in the runtime's spelling (see the module docstring)."""
    if isinstance(e, ir.Literal):
        return _literal(e.value)
    if isinstance(e, ir.Ref):
        return _ref(e)
    if isinstance(e, ir.Unary):
        return operation("not" if e.op == "not" else "neg", expr(e.operand))
    if isinstance(e, ir.Binary):
        return _binary(e)
    if isinstance(e, ir.Call):
        return _call(e)
    return [expr(item) for item in e.items]


def _binary(e: ir.Binary) -> Json:
    """An operator; of the comparisons, the runtime knows `==`, `<` and `in` (and `not`)."""
    if e.op in ("==", "!=") and (_is_null(e.left) or _is_null(e.right)):
        empty = operation("empty", expr(e.right if _is_null(e.left) else e.left))
        return empty if e.op == "==" else operation("not", empty)
    op, swap, negate = _OPERATORS.get(e.op, (e.op, False, False))
    left, right = (e.right, e.left) if swap else (e.left, e.right)
    out = operation(op, expr(left), expr(right))
    return operation("not", out) if negate else out


# op -> (the runtime's op, arguments swapped, negated): a != b is not (a == b), a > b is b < a,
# a >= b is not (a < b), a <= b is not (b < a)
_OPERATORS = {
    "!=": ("==", False, True),
    ">": ("<", True, False),
    ">=": ("<", False, True),
    "<=": ("<", True, True),
    "not in": ("in", False, True),
}


def _is_null(e: ir.Expr) -> bool:
    """The literal `null` (evaluate._is_null_literal)."""
    return isinstance(e, ir.Literal) and e.value is None and e.type.kind is Kind.NULL


def _literal(value: Any) -> Any:
    if isinstance(value, ir.Duration):
        return {"duration": [value.years * 12 + value.months, value.days]}
    if isinstance(value, tuple):
        return [_literal(v) for v in value]
    return literal_json(value)


def _call(e: ir.Call) -> Json:
    if e.func in ("today", "now"):
        return {"op": _OP[e.func]}
    args = [expr(a) for a in e.args]
    if e.func == "matches" and isinstance(args[1], str):
        args[1] = js_pattern(args[1])
    if e.func == "age":
        return _age(args[0], args[1] if len(args) > 1 else {"op": _OP["today"]})
    out = operation(e.func, *args)
    if e.type.kind in _NUMERIC:
        out["int"] = e.type.kind is Kind.INTEGER
    return out


def _age(born: Any, on: Any) -> Json:
    """age(born, on) (evaluate._age) in the functions the runtime knows: the years between,
    one less before the birthday (month * 32 + day orders the days of a year)."""

    def day_of_year(x: Any) -> Json:
        return operation("+", operation("*", operation("month", x), 32), operation("day", x))

    years = operation("-", operation("year", on), operation("year", born))
    before = operation("if", operation("<", day_of_year(on), day_of_year(born)), 1, 0)
    return operation("-", years, before)


def operation(name: str, *args: Any) -> Json:
    """An operator or a function: its number in `OPS`, its arguments."""
    if name not in _OP:  # visible(), hidden() …: scenario tests only
        raise ValueError(f"the browser runtime has no function {name}()")
    return {"op": _OP[name], "args": list(args)}


def _ref(e: ir.Ref) -> Json:
    """The walk of `evaluate._ref`, worked out: the names to follow and where rows fan out."""
    path, repeats, bound = e.path, e.repeats, e.bound
    start = len(repeats[bound - 1]) if bound else 0
    fan_out = {len(r) for r in repeats[bound:]}  # path positions after which rows fan out
    rows_of_repeat = e.type.kind is Kind.ROWS
    steps: list[str | None] = []
    many = False
    for offset, name in enumerate(path[start:], start=start + 1):
        steps.append(name)
        # the rows of a repeat at the end stay rows, unless they are already many
        if offset in fan_out and (many or not (rows_of_repeat and offset == len(path))):
            steps.append(None)
            many = True
    listed = e.type.kind is Kind.LIST and e.type.item is not None
    item = e.type.item if listed and e.type.item else e.type
    out: Json = {"ref": steps}
    if bound:
        out["bound"] = bound
    reader = "branch" if e.kind == "alternative" else _READERS.get(item.kind)
    if reader:
        out["type"] = reader
    if listed:
        out["list"] = True
    return out


def js_pattern(pattern: str) -> str:
    """`patterns.portable(pattern)` with `.` written `[^\\n]`.

    Python's `.` stops only at a line feed; JavaScript's (with the `u` flag)
    also at `\\r`, U+2028 and U+2029.
    """
    source = portable(pattern)
    out: list[str] = []
    i, in_class = 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "." and not in_class:
            ch = "[^\\n]"
        out.append(ch)
        i += 1
    return "".join(out)


# ---- check tables from schwifty --------------------------------------------------------------


def _country_codes() -> list[str]:
    letters = string.ascii_uppercase
    return [a + b for a, b in itertools.product(letters, letters)]


_BBAN = {"n": "\\d", "a": "[A-Z]", "c": "[A-Z0-9]", "e": " "}
_BBAN_SPEC = re.compile(r"(\d+)(!?)([nace])")


def iban_countries() -> str:
    """The IBANs `schwifty.IBAN` accepts but for their check digits, as one pattern.

    Each country's BBAN pattern is schwifty's, made from its BBAN format ("8!n10!n" ->
    `\\d{8}\\d{10}`), with `[A-Z0-9]` for schwifty's `[A-Za-z0-9]`: the same on an IBAN in
    its canonical spelling, which is checked first. Where the format leaves the length open
    ("11c": one to eleven), a look-ahead holds the IBAN to its country's length; check digits
    00, 01 and 99 are refused (schwifty computes them: 02 to 98).
    """
    from schwifty import registry
    from schwifty.exceptions import SchwiftyException

    out: list[str] = []
    for country in _country_codes():
        try:
            spec = registry.get_iban_spec(country)
        except SchwiftyException:
            continue
        if spec.regex.pattern != registry.convert_bban_spec_to_regex(spec.bban_spec):
            raise ValueError(f"schwifty checks {country} IBANs with a pattern of its own")
        parts = _BBAN_SPEC.findall(spec.bban_spec)
        exact = (
            all(e for _, e, _ in parts) and sum(int(n) for n, _, _ in parts) + 4 == spec.iban_length
        )
        length = "" if exact else f"(?=[^]{{{spec.iban_length - 2}}}$)"
        out.append(f"{country}{length}..{_BBAN_SPEC.sub(_bban_part, spec.bban_spec)}")
    return f"(?!..(?:0[01]|99))(?:{'|'.join(out)})"


def _bban_part(match: re.Match[str]) -> str:
    size, exact, kind = match.groups()
    return _BBAN[kind] + (f"{{{size}}}" if exact else f"{{1,{size}}}")


def bic_countries() -> str:
    """The BICs whose country `schwifty.BIC` accepts, as a pattern: `[^]{4}(?:AD|AE|…)[^]*`."""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    found = []
    for country in _country_codes():
        try:
            BIC(f"AAAA{country}AA")
        except SchwiftyException:
            continue
        found.append(country)
    return f"[^]{{4}}(?:{'|'.join(found)})[^]*"
