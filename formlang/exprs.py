"""Expressions: syntax -> typed IR expressions, with type errors as diagnostics.

Conditions, computed values, rules, bounds and test expectations all pass
through `ExprChecker`. Names resolve through `formlang.scope`; a comparison
of a choice with a string checks that the string is one of its codes. After
an error the result has type ANY, so one mistake is reported once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.functions import FUNCTIONS, TEST_FUNCTIONS, CallContext
from formlang.scope import Scope, Symbol, did_you_mean, suggest
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
    ORDERED,
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
        self.test_mode = False
        self._depth = 0

    # ---- entry points ------------------------------------------------------------

    def condition(self, node: s.Expr, scope: Scope, what: str) -> ir.Expr:
        expr = self.check(node, scope)
        if expr.type.kind not in (Kind.BOOLEAN, Kind.ANY):
            self.diags.error(
                "FL302",
                f"{what} must be a yes/no condition, but this is {expr.type.describe()}",
                node.span,
                hint=_condition_hint(node, expr),
            )
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
                    hint=did_you_mean(tok.raw, names) or _listing(names),
                )
                return None
            symbol = inner
        return symbol

    def _unknown_name(self, tok: s.Token, scope: Scope) -> None:
        name = tok.raw
        hint = did_you_mean(name, scope.visible_names())
        if hint is None and name in FUNCTIONS:
            hint = f"'{name}' is a function: write {name}()"
        if hint is None and self._is_some_code(name):
            hint = f'to compare with the code {name}, write it in quotes: "{name}"'
        if hint is None and name in ("yes", "no", "ja", "nein", "True", "False"):
            hint = "write true or false"
        self.diags.error("FL200", f"unknown name '{name}'", tok.span, hint=hint)

    def _is_some_code(self, name: str) -> bool:
        return any(
            cl.code(name) is not None for cl in self.codelists.values() if len(cl.codes) < 500
        )

    # ---- operators ---------------------------------------------------------------------

    def _unary(self, node: s.Unary, scope: Scope) -> ir.Expr:
        operand = self.check(node.operand, scope)
        kind = operand.type.kind
        if node.op == "not":
            if kind not in (Kind.BOOLEAN, Kind.ANY):
                self.diags.error(
                    "FL301",
                    f"'not' needs a yes/no value, but this is {operand.type.describe()}",
                    node.operand.span,
                    hint=_condition_hint(node.operand, operand),
                )
            return ir.Unary(op="not", operand=operand, type=BOOLEAN, span=node.span)
        if not (operand.type.is_numeric or kind in (Kind.ANY, Kind.DURATION)):
            self.diags.error("FL301", f"cannot negate {operand.type.describe()}", node.operand.span)
            return ir.Unary(op="-", operand=operand, type=ANY, span=node.span)
        return ir.Unary(op="-", operand=operand, type=operand.type, span=node.span)

    def _binary(self, node: s.Binary, scope: Scope) -> ir.Expr:
        left = self.check(node.left, scope)
        right = self.check(node.right, scope)
        op = node.op
        if self._list_operand(node, left, right):
            return ir.Binary(op=op, left=left, right=right, type=ANY, span=node.span)
        if op in ("and", "or"):
            type_ = self._logical(node, left, right)
        elif op in ("==", "!="):
            type_ = self._equality(node, left, right)
        elif op in ("<", "<=", ">", ">="):
            type_ = self._ordering(node, left, right)
        elif op in ("in", "not in"):
            type_ = self._membership(node, left, right)
        else:
            type_ = self._arithmetic(node, left, right)
        return ir.Binary(op=op, left=left, right=right, type=type_, span=node.span)

    def _list_operand(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> bool:
        """FL306: a repeat's values (one per row) where one value is needed."""
        sides = [(node.left, left)]
        if node.op not in ("in", "not in"):  # `x in kinder.name` asks among the rows
            sides.append((node.right, right))
        for side, expr in sides:
            if isinstance(expr, ir.Ref) and expr.is_list:
                repeat = expr.repeats[expr.bound][-1]
                self.diags.error(
                    "FL306",
                    f"'{_dotted(side)}' has one value for each row of '{repeat}', "
                    f"so it cannot be used with '{node.op}' as a single value",
                    side.span,
                    hint=f"combine the rows with count(), sum(), min(), max(), any() or all(), "
                    f"or put the condition inside the repeat '{repeat}'",
                )
                return True
        return False

    def _logical(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> Type:
        for side, expr in ((node.left, left), (node.right, right)):
            if expr.type.kind not in (Kind.BOOLEAN, Kind.ANY):
                self.diags.error(
                    "FL301",
                    f"'{node.op}' joins yes/no conditions, but this is {expr.type.describe()}",
                    side.span,
                    hint=_condition_hint(side, expr),
                )
        return BOOLEAN

    def _equality(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> Type:
        a, b = left.type, right.type
        if self._codes_vs_literal(left, right) or self._codes_vs_literal(right, left):
            return BOOLEAN
        if _comparable(a, b):
            if a.kind is Kind.CODE and b.kind is Kind.CODE:
                self._same_codelist(node, a, b)
            return BOOLEAN
        self._mismatch(node, left, right, "compare")
        return BOOLEAN

    def _ordering(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> Type:
        a, b = left.type, right.type
        if Kind.ANY in (a.kind, b.kind):
            return BOOLEAN
        for expr, side in ((left, node.left), (right, node.right)):
            if expr.type.kind not in ORDERED and expr.type.kind is not Kind.NULL:
                self.diags.error(
                    "FL301",
                    f"'{node.op}' compares numbers, dates or times, not {expr.type.describe()}",
                    side.span,
                    hint="use == or != to compare choices and texts",
                )
                return BOOLEAN
        if not _comparable(a, b):
            self._mismatch(node, left, right, "compare")
        return BOOLEAN

    def _membership(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> Type:
        r = right.type
        if r.kind is Kind.ANY or left.type.kind is Kind.ANY:
            return BOOLEAN
        if r.kind is Kind.CODES:
            if isinstance(left, ir.Literal) and isinstance(left.value, str):
                self.check_code(r.codelist, left.value, left.span)
            elif left.type.kind not in (Kind.CODE, Kind.TEXT):
                self._mismatch(node, left, right, "look up")
            return BOOLEAN
        if r.kind is not Kind.LIST:
            self.diags.error(
                "FL301",
                f'\'{node.op}\' needs a list on its right, such as ["a", "b"], '
                f"but this is {r.describe()}",
                node.right.span,
            )
            return BOOLEAN
        item = r.item or ANY
        if left.type.kind is Kind.CODE and isinstance(right, ir.ListValue):
            for entry in right.items:
                if isinstance(entry, ir.Literal) and isinstance(entry.value, str):
                    self.check_code(left.type.codelist, entry.value, entry.span)
            return BOOLEAN
        if not _comparable(left.type, item):
            self._mismatch(node, left, right, "look up")
        return BOOLEAN

    def _arithmetic(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> Type:
        a, b, op = left.type, right.type, node.op
        if Kind.ANY in (a.kind, b.kind):
            return ANY
        if a.is_numeric and b.is_numeric:
            return self._numeric_result(node, a, b)
        temporal = (Kind.DATE, Kind.DATETIME)
        if op in "+-" and a.kind in temporal and b.kind is Kind.DURATION:
            return a
        if op == "+" and a.kind is Kind.DURATION and b.kind in temporal:
            return b
        if op in "+-" and a.kind is b.kind is Kind.DURATION:
            return DURATION
        if op == "+" and a.kind is Kind.TEXT and b.kind is Kind.TEXT:
            return TEXT
        hint = None
        if op == "-" and a.kind in temporal and b.kind in temporal:
            hint = "to count the days between two dates write days_between(a, b)"
        elif a.kind in temporal and b.is_numeric:
            hint = "add a duration with its unit, such as 30 days or 1 year"
        self.diags.error(
            "FL301",
            f"cannot apply '{op}' to {a.describe()} and {b.describe()}",
            node.op_span if node.op_span.end > node.op_span.start else node.span,
            hint=hint,
        )
        return ANY

    def _numeric_result(self, node: s.Binary, a: Type, b: Type) -> Type:
        money = (a.kind is Kind.MONEY, b.kind is Kind.MONEY)
        if node.op == "*" and all(money):
            self.diags.error("FL301", "cannot multiply two amounts of money", node.span)
            return ANY
        if node.op == "/":
            if money == (False, True):
                self.diags.error(
                    "FL301",
                    "cannot divide a number by an amount of money",
                    node.span,
                    hint="divide money by a number (betrag / 12), or money by money for a ratio",
                )
                return ANY
            return a if money == (True, False) else DECIMAL
        return unify_numeric(a, b)

    # ---- codes -----------------------------------------------------------------------------

    def _codes_vs_literal(self, coded: ir.Expr, other: ir.Expr) -> bool:
        kind = coded.type.kind
        if kind not in (Kind.CODE, Kind.CODES) or not isinstance(other, ir.Literal | ir.ListValue):
            return False
        values = other.items if isinstance(other, ir.ListValue) else (other,)
        for value in values:
            if isinstance(value, ir.Literal) and isinstance(value.value, str):
                self.check_code(coded.type.codelist, value.value, value.span)
            elif isinstance(value, ir.Literal) and value.type.kind is Kind.NULL:
                continue
            else:
                return False
        return kind is Kind.CODE or isinstance(other, ir.ListValue)

    def check_code(self, key: str | None, value: str, span: Span) -> None:
        codelist = self.codelists.get(key or "")
        if codelist is None or codelist.code(value) is not None:
            return
        labels = {c.label.default: c.value for c in codelist.codes}
        if value in labels:
            hint: str | None = f'write the code "{labels[value]}", not its label'
        else:
            match = suggest(value, codelist.values) if len(codelist.codes) < 5000 else None
            hint = f'did you mean "{match}"?' if match else _listing(codelist.values, '"')
        self.diags.error(
            "FL303", f"\"{value}\" is not a code of '{codelist.name}'", span, hint=hint
        )

    def _same_codelist(self, node: s.Binary, a: Type, b: Type) -> None:
        first, second = self.codelists.get(a.codelist or ""), self.codelists.get(b.codelist or "")
        if first is None or second is None or first.key == second.key:
            return
        if not set(first.values) & set(second.values):
            self.diags.error(
                "FL300",
                f"the choices '{first.name}' and '{second.name}' share no code, "
                "so they are never equal",
                node.span,
            )

    def _mismatch(self, node: s.Binary, left: ir.Expr, right: ir.Expr, verb: str) -> None:
        a, b = left.type, right.type
        hint = None
        if {a.kind, b.kind} == {Kind.DATE, Kind.INTEGER} or {a.kind, b.kind} == {
            Kind.DATE,
            Kind.DECIMAL,
        }:
            hint = "compare a date with a date, such as 2024-01-31 or today() - 18 years"
        elif Kind.BOOLEAN in (a.kind, b.kind) and Kind.TEXT in (a.kind, b.kind):
            hint = "write true or false without quotes"
        elif Kind.CODE in (a.kind, b.kind):
            hint = 'compare a choice with one of its codes in quotes, such as "neu"'
        elif a.kind is Kind.TEXT and isinstance(right, ir.Literal) and b.is_numeric:
            hint = f'to compare with a text write it in quotes: "{right.value}"'
        self.diags.error(
            "FL300",
            f"cannot {verb} {a.describe()} with {b.describe()}",
            node.span,
            hint=hint,
        )

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


def _dotted(node: s.Expr) -> str:
    return node.dotted if isinstance(node, s.PathExpr) else "this value"


def _common_prefix(a: tuple[ir.Path, ...], b: tuple[ir.Path, ...]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _comparable(a: Type, b: Type) -> bool:
    if Kind.ANY in (a.kind, b.kind) or Kind.NULL in (a.kind, b.kind):
        return True
    if a.is_numeric and b.is_numeric:
        return True
    if {a.kind, b.kind} == {Kind.CODE, Kind.TEXT}:
        return True
    if a.kind is Kind.LIST and b.kind is Kind.LIST:
        return _comparable(a.item or ANY, b.item or ANY)
    return a.kind is b.kind


def _condition_hint(node: s.Expr, expr: ir.Expr) -> str | None:
    if isinstance(node, s.PathExpr) and expr.type.kind in (
        Kind.TEXT,
        Kind.CODE,
        Kind.CODES,
        Kind.FILE,
        Kind.DATE,
        Kind.INTEGER,
        Kind.DECIMAL,
        Kind.MONEY,
    ):
        return f"to ask whether it was filled in, write not is_empty({node.dotted})"
    return None


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


def _listing(values: list[str] | tuple[str, ...], quote: str = "'") -> str | None:
    if not values:
        return None
    shown = ", ".join(f"{quote}{v}{quote}" for v in list(values)[:8])
    more = ", …" if len(values) > 8 else ""
    return f"known here: {shown}{more}"
