"""Expressions: syntax -> typed IR expressions, with type errors as diagnostics.

Conditions, computed values, rules, bounds and test expectations all pass
through `ExprChecker`. Names resolve here, through `formlang.scope`; the
operators' type rules are in `formlang.operators`, the functions' in
`formlang.functions`, and a string compared with a choice is checked against
its codes by `formlang.code_checks`. After an error the result has type ANY,
so one mistake is reported once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.code_checks import CodeChecks, listing
from formlang.functions import FUNCTIONS, TEST_FUNCTIONS, CallContext
from formlang.operators import OperatorTypes, require_condition
from formlang.scope import Scope, Symbol, did_you_mean
from formlang.source import Span
from formlang.types import (
    ANY,
    BOOLEAN,
    DATE,
    DATETIME,
    DECIMAL,
    DURATION,
    INTEGER,
    NULL,
    ROWS,
    TEXT,
    TIME,
    Kind,
    Type,
    list_of,
    unify_numeric,
)

_UNITS = {"year": "years", "month": "months", "week": "days", "day": "days"}
MAX_EXPR_DEPTH = 200


class _TooDeep(Exception):
    """An expression nests deeper than MAX_EXPR_DEPTH (caught by `check`)."""


class ExprChecker:
    def __init__(self, diags: d.Collector, codelists: dict[str, ir.CodeList]) -> None:
        self.diags = diags
        self.codelists = codelists
        self.codes = CodeChecks(diags, codelists)
        self.operators = OperatorTypes(diags, self.codes)
        self.test_mode = False
        self._depth = 0

    # ---- entry points ------------------------------------------------------------

    def condition(self, node: s.Expr, scope: Scope, what: str) -> ir.Expr:
        expr = self.check(node, scope)
        require_condition(self.diags, "FL302", f"{what} must be a yes/no condition", node, expr)
        return expr

    def check(self, node: s.Expr, scope: Scope) -> ir.Expr:
        if self._depth == 0:
            return self._outermost(node, scope)
        if self._depth > MAX_EXPR_DEPTH:
            raise _TooDeep
        self._depth += 1
        try:
            method = getattr(self, "_" + type(node).__name__.lower())
            result: ir.Expr = method(node, scope)
        finally:
            self._depth -= 1
        return result

    def _outermost(self, node: s.Expr, scope: Scope) -> ir.Expr:
        # Brackets and prefixes are limited by the parser; a long chain such
        # as a + b + c … nests one level per operator, so it is limited here,
        # which keeps every later pass over the IR within the recursion limit.
        self._depth = 1
        try:
            return self.check(node, scope)
        except _TooDeep:
            self.diags.error(
                "FL102",
                f"this expression is too long to check (more than {MAX_EXPR_DEPTH} operators "
                "in a row)",
                node.span,
                hint="split it into computed values, or add up the rows of a repeat with sum()",
            )
            return ir.Literal(value=None, type=ANY, span=node.span)
        finally:
            self._depth = 0

    # ---- leaves -------------------------------------------------------------------

    def _paren(self, node: s.Paren, scope: Scope) -> ir.Expr:
        return self.check(node.inner, scope)

    def _literal(self, node: s.Literal, scope: Scope) -> ir.Expr:
        value, type_ = self.literal_value(node)
        return ir.Literal(value=value, type=type_, span=node.span)

    def literal_value(self, node: s.Literal) -> tuple[ir.Value, Type]:
        raw = node.raw
        try:
            if node.kind == "number":
                return (Decimal(raw), DECIMAL) if "." in raw else (int(raw), INTEGER)
            if node.kind == "string":
                return s.unquote(raw), TEXT
            if node.kind in ("true", "false"):
                return node.kind == "true", BOOLEAN
            if node.kind == "null":
                return None, NULL
            if node.kind == "date":
                return dt.date.fromisoformat(raw), DATE
            if node.kind == "time":
                return dt.time.fromisoformat(raw), TIME
            if node.kind == "datetime":
                return dt.datetime.fromisoformat(raw), DATETIME
        except ValueError:
            self.diags.error(
                "FL308", f"'{raw}' is not a valid {node.kind}", node.span, hint=_literal_hint(node)
            )
            return None, ANY
        return self._duration(node)

    def _duration(self, node: s.Literal) -> tuple[ir.Value, Type]:
        if "." in node.raw:
            self.diags.error(
                "FL308",
                f"a duration counts whole {node.unit}s: '{node.raw} {node.unit}' is not one",
                node.span,
                hint="use a smaller unit, such as 18 months instead of 1.5 years",
            )
            return None, ANY
        amount = int(node.raw)
        unit = (node.unit or "days").rstrip("s")
        if unit == "week":
            amount *= 7
        return ir.Duration(**{_UNITS[unit]: amount}), DURATION

    def _listexpr(self, node: s.ListExpr, scope: Scope) -> ir.Expr:
        items = tuple(self.check(item, scope) for item in node.items)
        item_type = ANY
        for item in items:
            if item.type.kind in (Kind.ANY, Kind.NULL):
                continue
            if item_type.kind is Kind.ANY:
                item_type = item.type
            elif item_type.is_numeric and item.type.is_numeric:
                item_type = unify_numeric(item_type, item.type)
            elif item_type.kind is not item.type.kind:
                self.diags.error(
                    "FL300",
                    f"a list holds values of one type: {item_type.describe()} and "
                    f"{item.type.describe()} are mixed",
                    item.span,
                )
        return ir.ListValue(items=items, type=list_of(item_type), span=node.span)

    # ---- names ----------------------------------------------------------------------

    def _pathexpr(self, node: s.PathExpr, scope: Scope) -> ir.Expr:
        symbol = self.resolve_path(node, scope)
        if symbol is None:
            return ir.Literal(value=None, type=ANY, span=node.span)
        return self.ref(symbol, scope, node.span)

    def ref(self, symbol: Symbol, scope: Scope, span: Span) -> ir.Expr:
        bound = _common_prefix(symbol.repeats, scope.repeats)
        if symbol.kind == "repeat":
            type_ = ROWS
        elif symbol.kind == "group":
            if not self.test_mode:
                self.diags.error(
                    "FL218",
                    f"'{symbol.name}' is a group, not a value",
                    span,
                    hint=_group_hint(symbol),
                )
            type_ = ANY
        else:
            type_ = symbol.type or ANY
        if bound < len(symbol.repeats) and symbol.kind != "repeat":
            type_ = list_of(type_)
        return ir.Ref(
            path=symbol.path,
            repeats=tuple(symbol.repeats),
            bound=bound,
            type=type_,
            kind=symbol.kind,
            span=span,
        )

    def resolve_path(self, node: s.PathExpr, scope: Scope) -> Symbol | None:
        first = node.names[0]
        symbol = scope.lookup(first.raw)
        if symbol is None:
            self._unknown_name(first, scope)
            return None
        for tok in node.names[1:]:
            if symbol.scope is None:
                self.diags.error(
                    "FL200",
                    f"'{symbol.name}' is {_kind_words(symbol)} and has no part '{tok.raw}'",
                    tok.span,
                )
                return None
            inner = symbol.scope.symbols.get(tok.raw)
            if inner is None:
                names = list(symbol.scope.symbols)
                self.diags.error(
                    "FL200",
                    f"'{symbol.name}' has no field '{tok.raw}'",
                    tok.span,
                    hint=did_you_mean(tok.raw, names) or listing(names),
                )
                return None
            symbol = inner
        return symbol

    def _unknown_name(self, tok: s.Token, scope: Scope) -> None:
        name = tok.raw
        hint = did_you_mean(name, scope.visible_names())
        if hint is None and name in FUNCTIONS:
            hint = f"'{name}' is a function: write {name}()"
        if hint is None and self.codes.is_some_code(name):
            hint = f'to compare with the code {name}, write it in quotes: "{name}"'
        if hint is None and name in ("yes", "no", "ja", "nein", "True", "False"):
            hint = "write true or false"
        self.diags.error("FL200", f"unknown name '{name}'", tok.span, hint=hint)

    # ---- operators (their type rules are in `formlang.operators`) ---------------------

    def _unary(self, node: s.Unary, scope: Scope) -> ir.Expr:
        operand = self.check(node.operand, scope)
        type_ = self.operators.unary(node, operand)
        return ir.Unary(op=node.op, operand=operand, type=type_, span=node.span)

    def _binary(self, node: s.Binary, scope: Scope) -> ir.Expr:
        left = self.check(node.left, scope)
        right = self.check(node.right, scope)
        type_ = self.operators.binary(node, left, right)
        return ir.Binary(op=node.op, left=left, right=right, type=type_, span=node.span)

    def check_code(self, key: str | None, value: str, span: Span) -> None:
        """FL303 unless `value` is a code of the code list `key`."""
        self.codes.check_code(key, value, span)

    # ---- calls ---------------------------------------------------------------------------------

    def _call(self, node: s.Call, scope: Scope) -> ir.Expr:
        name = node.func.raw
        spec = FUNCTIONS.get(name) or (TEST_FUNCTIONS.get(name) if self.test_mode else None)
        if spec is None:
            self._unknown_function(node)
            for arg in node.args:
                self.check(arg, scope)
            return ir.Literal(value=None, type=ANY, span=node.span)
        args = tuple(self._call_arg(name, arg, scope) for arg in node.args)
        context = CallContext(node=node, args=args, diags=self.diags, checker=self)
        return ir.Call(func=name, args=args, type=spec(context), span=node.span)

    def _call_arg(self, func: str, arg: s.Expr, scope: Scope) -> ir.Expr:
        if func in ("count", "is_empty", *TEST_FUNCTIONS) and isinstance(arg, s.PathExpr):
            symbol = self.resolve_path(arg, scope)
            if symbol is None:
                return ir.Literal(value=None, type=ANY, span=arg.span)
            saved, self.test_mode = self.test_mode, True  # groups are fine here
            try:
                return self.ref(symbol, scope, arg.span)
            finally:
                self.test_mode = saved
        return self.check(arg, scope)

    def _unknown_function(self, node: s.Call) -> None:
        name = node.func.raw
        names = list(FUNCTIONS) + (list(TEST_FUNCTIONS) if self.test_mode else [])
        alias = _FUNCTION_ALIASES.get(name.lower())
        hint = f"did you mean '{alias}'?" if alias else did_you_mean(name, names)
        if hint is None and name in TEST_FUNCTIONS:
            hint = f"{name}() can only be used in `expect` of a test"
        self.diags.error(
            "FL206",
            f"unknown function '{name}'",
            node.func.span,
            hint=hint or "the functions are: " + ", ".join(sorted(FUNCTIONS)),
        )


# German names an author may try for the (English) functions.
_FUNCTION_ALIASES = {
    "heute": "today",
    "jetzt": "now",
    "alter": "age",
    "tage_zwischen": "days_between",
    "jahr": "year",
    "monat": "month",
    "tag": "day",
    "wochentag": "weekday",
    "laenge": "len",
    "länge": "len",
    "leer": "is_empty",
    "ist_leer": "is_empty",
    "anzahl": "count",
    "summe": "sum",
    "runden": "round",
    "betrag": "abs",
    "wenn": "if",
    "falls": "if",
}


def _common_prefix(a: tuple[ir.Path, ...], b: tuple[ir.Path, ...]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _literal_hint(node: s.Literal) -> str:
    return {
        "date": "write a real calendar date as YYYY-MM-DD, such as 2024-02-29",
        "time": "write a time as HH:MM, such as 08:30",
        "datetime": "write a date and time as YYYY-MM-DDTHH:MM, such as 2024-02-29T08:30",
    }.get(node.kind, "check the spelling of the value")


def _group_hint(symbol: Symbol) -> str | None:
    if symbol.scope is None or not symbol.scope.symbols:
        return None
    first = next(iter(symbol.scope.symbols))
    return f"name one of its fields, such as {symbol.name}.{first}"


def _kind_words(symbol: Symbol) -> str:
    return {"field": "a field", "computed": "a computed value"}.get(symbol.kind, "a value")
