"""The operators' type rules (resolver stage): typed operands -> result type, for `exprs`.

`OperatorTypes` gives the type of `not x`, `-x` and `a op b` from the types
of the already checked operands and reports operands that do not fit:
FL301 for an operator that cannot take a value, FL300 for two values that
cannot be compared, FL306 for the values of a repeat's rows where one value
is needed. After an error the result is ANY, so one mistake is reported once.
"""

from __future__ import annotations

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.code_checks import CodeChecks
from formlang.types import ANY, BOOLEAN, DECIMAL, DURATION, ORDERED, TEXT, Kind, Type, unify_numeric

_TEMPORAL = (Kind.DATE, Kind.DATETIME)


class OperatorTypes:
    def __init__(self, diags: d.Collector, codes: CodeChecks) -> None:
        self.diags = diags
        self.codes = codes

    def unary(self, node: s.Unary, operand: ir.Expr) -> Type:
        if node.op == "not":
            require_condition(
                self.diags, "FL301", "'not' needs a yes/no value", node.operand, operand
            )
            return BOOLEAN
        kind = operand.type.kind
        if not (operand.type.is_numeric or kind in (Kind.ANY, Kind.DURATION)):
            self.diags.error("FL301", f"cannot negate {operand.type.describe()}", node.operand.span)
            return ANY
        return operand.type

    def binary(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> Type:
        op = node.op
        if self._list_operand(node, left, right):
            return ANY
        if op in ("and", "or"):
            return self._logical(node, left, right)
        if op in ("==", "!="):
            return self._equality(node, left, right)
        if op in ("<", "<=", ">", ">="):
            return self._ordering(node, left, right)
        if op in ("in", "not in"):
            return self._membership(node, left, right)
        return self._arithmetic(node, left, right)

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
        what = f"'{node.op}' joins yes/no conditions"
        for side, expr in ((node.left, left), (node.right, right)):
            require_condition(self.diags, "FL301", what, side, expr)
        return BOOLEAN

    def _equality(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> Type:
        a, b = left.type, right.type
        if self.codes.codes_vs_literal(left, right) or self.codes.codes_vs_literal(right, left):
            return BOOLEAN
        if _comparable(a, b):
            if a.kind is Kind.CODE and b.kind is Kind.CODE:
                self.codes.same_codelist(node, a, b)
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
                self.codes.check_code(r.codelist, left.value, left.span)
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
        if left.type.kind is Kind.CODE and isinstance(right, ir.ListValue):
            for entry in right.items:
                if isinstance(entry, ir.Literal) and isinstance(entry.value, str):
                    self.codes.check_code(left.type.codelist, entry.value, entry.span)
            return BOOLEAN
        if not _comparable(left.type, r.item or ANY):
            self._mismatch(node, left, right, "look up")
        return BOOLEAN

    def _arithmetic(self, node: s.Binary, left: ir.Expr, right: ir.Expr) -> Type:
        a, b, op = left.type, right.type, node.op
        if Kind.ANY in (a.kind, b.kind):
            return ANY
        if a.is_numeric and b.is_numeric:
            return self._numeric_result(node, a, b)
        result = _temporal_or_text_result(op, a, b)
        if result is not None:
            return result
        hint = None
        if op == "-" and a.kind in _TEMPORAL and b.kind in _TEMPORAL:
            hint = "to count the days between two dates write days_between(a, b)"
        elif a.kind in _TEMPORAL and b.is_numeric:
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

    def _mismatch(self, node: s.Binary, left: ir.Expr, right: ir.Expr, verb: str) -> None:
        a, b = left.type, right.type
        self.diags.error(
            "FL300",
            f"cannot {verb} {a.describe()} with {b.describe()}",
            node.span,
            hint=_mismatch_hint(a, b, right),
        )


def require_condition(
    diags: d.Collector, code: str, what: str, node: s.Expr, expr: ir.Expr
) -> None:
    """`code` at `node` unless its checked `expr` is a yes/no value (`what` says who needs one)."""
    if expr.type.kind not in (Kind.BOOLEAN, Kind.ANY):
        diags.error(
            code,
            f"{what}, but this is {expr.type.describe()}",
            node.span,
            hint=_condition_hint(node, expr),
        )


def _temporal_or_text_result(op: str, a: Type, b: Type) -> Type | None:
    """The result of date ± duration, duration ± duration and text + text; else None."""
    if op in "+-" and a.kind in _TEMPORAL and b.kind is Kind.DURATION:
        return a
    if op == "+" and a.kind is Kind.DURATION and b.kind in _TEMPORAL:
        return b
    if op in "+-" and a.kind is b.kind is Kind.DURATION:
        return DURATION
    if op == "+" and a.kind is Kind.TEXT and b.kind is Kind.TEXT:
        return TEXT
    return None


def _mismatch_hint(a: Type, b: Type, right: ir.Expr) -> str | None:
    kinds = {a.kind, b.kind}
    if kinds in ({Kind.DATE, Kind.INTEGER}, {Kind.DATE, Kind.DECIMAL}):
        return "compare a date with a date, such as 2024-01-31 or today() - 18 years"
    if Kind.BOOLEAN in kinds and Kind.TEXT in kinds:
        return "write true or false without quotes"
    if Kind.CODE in kinds:
        return 'compare a choice with one of its codes in quotes, such as "neu"'
    if a.kind is Kind.TEXT and isinstance(right, ir.Literal) and b.is_numeric:
        return f'to compare with a text write it in quotes: "{right.value}"'
    return None


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


def _dotted(node: s.Expr) -> str:
    return node.dotted if isinstance(node, s.PathExpr) else "this value"
