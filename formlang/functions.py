"""The function set of the expression language and the type rule of each.

Each function is a small checker that receives the typed arguments of a
call and returns the result type, reporting wrong arguments as FL304.
The evaluators (Python validator, browser runtime) implement the same
names; docs/language.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.types import (
    ANY,
    BOOLEAN,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    NUMERIC,
    ORDERED,
    Kind,
    Type,
)

if TYPE_CHECKING:
    from formlang.exprs import ExprChecker


@dataclass(frozen=True, slots=True)
class CallContext:
    node: s.Call
    args: tuple[ir.Expr, ...]
    diags: d.Collector
    checker: ExprChecker | Any

    def arity(self, low: int, high: int | None = None) -> bool:
        high = low if high is None else high
        n = len(self.args)
        if low <= n <= high:
            return True
        want = str(low) if low == high else f"{low} to {high}"
        plural = "" if want == "1" else "s"
        self.diags.error(
            "FL304",
            f"{self.node.func.raw}() takes {want} argument{plural}, not {n}",
            self.node.span,
            hint=f"write {SIGNATURES.get(self.node.func.raw, self.node.func.raw + '(…)')}",
        )
        return False

    def want(self, index: int, kinds: set[Kind] | frozenset[Kind], what: str) -> bool:
        arg = self.args[index]
        if arg.type.kind in kinds or arg.type.kind is Kind.ANY:
            return True
        self.diags.error(
            "FL304",
            f"{self.node.func.raw}() needs {what}, but this is {arg.type.describe()}",
            arg.span,
            hint=f"write {SIGNATURES.get(self.node.func.raw, '')}",
        )
        return False


Spec = Callable[[CallContext], Type]


def _today(c: CallContext) -> Type:
    c.arity(0)
    return DATE


def _now(c: CallContext) -> Type:
    c.arity(0)
    return DATETIME


def _age(c: CallContext) -> Type:
    if c.arity(1, 2):
        for i in range(len(c.args)):
            c.want(i, {Kind.DATE}, "a date")
    return INTEGER


def _days_between(c: CallContext) -> Type:
    if c.arity(2):
        c.want(0, {Kind.DATE}, "two dates")
        c.want(1, {Kind.DATE}, "two dates")
    return INTEGER


def _date_part(c: CallContext) -> Type:
    if c.arity(1):
        c.want(0, {Kind.DATE, Kind.DATETIME}, "a date")
    return INTEGER


def _len(c: CallContext) -> Type:
    if c.arity(1):
        c.want(0, {Kind.TEXT, Kind.CODE}, "a text")
    return INTEGER


def _is_empty(c: CallContext) -> Type:
    c.arity(1)
    return BOOLEAN


def _matches(c: CallContext) -> Type:
    if c.arity(2) and c.want(0, {Kind.TEXT, Kind.CODE}, "a text and a pattern"):
        pattern = c.args[1]
        if not (isinstance(pattern, ir.Literal) and isinstance(pattern.value, str)):
            c.diags.error(
                "FL304",
                'matches() needs the pattern as a text in quotes, such as "^[0-9]{5}$"',
                pattern.span,
            )
        else:
            from formlang.patterns import check_pattern

            c.diags.extend(check_pattern(pattern.value, pattern.span))
    return BOOLEAN


def _count(c: CallContext) -> Type:
    if c.arity(1):
        c.want(0, {Kind.LIST, Kind.ROWS, Kind.CODES}, "a repeat, a multiple choice or a list")
    return INTEGER


def _sum(c: CallContext) -> Type:
    if not c.arity(1) or not c.want(0, {Kind.LIST}, "a list of numbers, such as posten.betrag"):
        return ANY
    item = c.args[0].type.item or ANY
    if item.kind not in NUMERIC and item.kind is not Kind.ANY:
        c.want(0, set(), "a list of numbers, such as posten.betrag")
        return ANY
    return item


def _min_max(c: CallContext) -> Type:
    if not c.args:
        c.arity(1, 99)
        return ANY
    if len(c.args) == 1:
        if not c.want(0, {Kind.LIST}, "a list, or two or more values"):
            return ANY
        item = c.args[0].type.item or ANY
        if item.kind is Kind.DURATION:
            c.want(0, set(), "a list of numbers, dates or times")
        return item
    first = c.args[0].type
    for i in range(len(c.args)):  # durations have no order: is 1 month more than 30 days?
        c.want(i, ORDERED - {Kind.DURATION}, "numbers, dates or times")
    if all(a.type.is_numeric for a in c.args):
        return DECIMAL if any(a.type.kind is Kind.DECIMAL for a in c.args) else first
    return first


def _any_all(c: CallContext) -> Type:
    if c.arity(1) and c.want(0, {Kind.LIST}, "a list of yes/no values"):
        item = c.args[0].type.item or ANY
        if item.kind not in (Kind.BOOLEAN, Kind.ANY):
            c.want(0, set(), "a list of yes/no values")
    return BOOLEAN


def _round(c: CallContext) -> Type:
    if not c.arity(1, 2) or not c.want(0, NUMERIC, "a number"):
        return ANY
    if len(c.args) == 2:
        c.want(1, {Kind.INTEGER}, "a whole number of decimal places")
    kind = c.args[0].type.kind
    return c.args[0].type if kind is Kind.MONEY or len(c.args) == 2 else INTEGER


def _abs(c: CallContext) -> Type:
    if c.arity(1) and c.want(0, NUMERIC, "a number"):
        return c.args[0].type
    return ANY


def _if(c: CallContext) -> Type:
    if not c.arity(3):
        return ANY
    c.want(0, {Kind.BOOLEAN}, "a yes/no condition first")
    a, b = c.args[1].type, c.args[2].type
    if a.kind is Kind.ANY or b.kind is Kind.NULL:
        return a if a.kind is not Kind.ANY else b
    if b.kind is Kind.ANY or a.kind is Kind.NULL:
        return b
    if a.is_numeric and b.is_numeric:
        from formlang.types import unify_numeric

        return unify_numeric(a, b)
    if a.kind is not b.kind:
        c.diags.error(
            "FL304",
            f"if() gives one type of value, but its branches are {a.describe()} and {b.describe()}",
            c.node.span,
        )
        return ANY
    return a


FUNCTIONS: dict[str, Spec] = {
    "today": _today,
    "now": _now,
    "age": _age,
    "days_between": _days_between,
    "year": _date_part,
    "month": _date_part,
    "day": _date_part,
    "weekday": _date_part,
    "len": _len,
    "is_empty": _is_empty,
    "matches": _matches,
    "count": _count,
    "sum": _sum,
    "min": _min_max,
    "max": _min_max,
    "any": _any_all,
    "all": _any_all,
    "round": _round,
    "abs": _abs,
    "if": _if,
}


def _element_predicate(c: CallContext) -> Type:
    if c.arity(1) and not isinstance(c.args[0], ir.Ref):
        c.diags.error(
            "FL802",
            f"{c.node.func.raw}() takes the name of a field or group",
            c.args[0].span,
        )
    return BOOLEAN


def _message_predicate(c: CallContext) -> Type:
    if c.arity(1, 2):
        if not isinstance(c.args[0], ir.Ref):
            c.diags.error(
                "FL802", f"{c.node.func.raw}() takes the name of a field first", c.args[0].span
            )
        if len(c.args) == 2 and not (
            isinstance(c.args[1], ir.Literal) and isinstance(c.args[1].value, str)
        ):
            c.diags.error(
                "FL802",
                "the second argument is a part of the expected message, in quotes",
                c.args[1].span,
            )
    return BOOLEAN


# Only inside `expect` of a scenario test: what the validator decides for given data.
TEST_FUNCTIONS: dict[str, Spec] = {
    "visible": _element_predicate,
    "hidden": _element_predicate,
    "required": _element_predicate,
    "optional": _element_predicate,
    "error": _message_predicate,
    "warning": _message_predicate,
}

SIGNATURES = {
    "today": "today()",
    "now": "now()",
    "age": "age(geburtsdatum) or age(geburtsdatum, stichtag)",
    "days_between": "days_between(von, bis)",
    "year": "year(datum)",
    "month": "month(datum)",
    "day": "day(datum)",
    "weekday": "weekday(datum)",
    "len": "len(text)",
    "is_empty": "is_empty(feld)",
    "matches": 'matches(text, "^[0-9]+$")',
    "count": "count(repeat)",
    "sum": "sum(repeat.feld)",
    "min": "min(repeat.feld) or min(a, b)",
    "max": "max(repeat.feld) or max(a, b)",
    "any": "any(repeat.ja_nein_feld)",
    "all": "all(repeat.ja_nein_feld)",
    "round": "round(betrag, 2)",
    "abs": "abs(zahl)",
    "if": "if(bedingung, wert_wenn_ja, wert_wenn_nein)",
    "visible": "visible(feld)",
    "hidden": "hidden(feld)",
    "required": "required(feld)",
    "optional": "optional(feld)",
    "error": 'error(feld) or error(feld, "Teil der Meldung")',
    "warning": 'warning(feld) or warning(feld, "Teil der Meldung")',
}
