"""Expressions as Python source, for the fast path's generated code (validator stage).

`ExprSource` writes an IR expression as one Python expression that computes
exactly what `formlang.evaluate.compile_expr` computes, without a closure
call per node: references become `data.get('name')` on the variables that
hold the data and the current rows, comparisons and arithmetic are inlined
where the operand types make that exact, and everything else calls the same
helpers the closures call (or, for the rare shapes not handled here, the
compiled closure itself with a `Context`). It feeds `formlang.fastpath`.

Safety: the source is made only from the form definition. Names and strings
appear through `repr()`; every other value (decimals, dates, helper
functions, closures) is a name bound in the namespace the code runs in.
Nothing taken from a submission is ever part of the source.

Generated code may raise where a closure would give "unknown" (comparing a
date with a date and time, a decimal NaN): the fast path then gives up and
the full path decides, so that never changes a verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from formlang import ir
from formlang.evaluate import (
    _CONVERTERS,
    _OPERATIONS,
    FUNCTIONS,
    Context,
    _age,
    _branch,
    _is_null_literal,
    _now,
    _typed,
    canonical,
    compile_expr,
    is_empty,
    negate,
)
from formlang.types import Kind

# Values of these kinds are str, int, Decimal, bool, date, time or datetime (or None):
# `==` and the orderings on them are Python's own, as in `evaluate.equal` / `_ordered`.
PLAIN = frozenset(
    {
        Kind.TEXT,
        Kind.CODE,
        Kind.INTEGER,
        Kind.DECIMAL,
        Kind.MONEY,
        Kind.BOOLEAN,
        Kind.DATE,
        Kind.TIME,
        Kind.DATETIME,
    }
)
NUMBERS = frozenset({Kind.INTEGER, Kind.DECIMAL, Kind.MONEY})
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
MAX_DEPTH = 16  # expressions nested deeper call their closure (a few brackets per level)
_TYPE_OF = {Kind.TEXT: "str", Kind.CODE: "str", Kind.BOOLEAN: "bool"}  # `_of(...)` converters


def _as_declared_decimal(value: Any) -> Any:
    """`compile_computed`: a whole number declared decimal or money is a decimal."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


HELPERS: dict[str, Any] = {
    "_Context": Context,
    "_Decimal": Decimal,
    "_date": dt.date.fromisoformat,
    "_time": dt.time.fromisoformat,
    "_age": _age,
    "_now": _now,
    "_branch": _branch,
    "_canonical": canonical,
    "_negate": negate,
    "_is_empty": is_empty,
    "_count": FUNCTIONS["count"],
    "_declared_decimal": _as_declared_decimal,
}


@dataclass(frozen=True, slots=True)
class Scope:
    """Where generated code finds what an expression reads."""

    data: str  # the variable holding the data (a dict)
    rows: tuple[str, ...] = ()  # the variables holding the current row (a dict) of each repeat
    # After the walk, the rows of every repeat in the data are known to be dicts
    walked: bool = False


class Names:
    """The namespace generated code runs in, and fresh local names."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = dict(HELPERS)
        self._count = 0
        self._constants: dict[tuple[type, str], str] = {}

    def local(self, hint: str = "t") -> str:
        self._count += 1
        return f"_{hint}{self._count}"

    def constant(self, value: Any, hint: str = "k") -> str:
        """A name bound to `value` (a value of the form, a helper or a closure)."""
        key = (type(value), repr(value))  # Decimal("1.0") is not Decimal("1")
        found = self._constants.get(key)
        if found is None:
            found = self._constants[key] = self.local(hint)
            self.namespace[found] = value
        return found


def literal(names: Names, value: Any) -> str:
    """Source for a value of the form: `repr()` for plain scalars, a bound name otherwise."""
    if value is None or type(value) in (bool, int, str):
        return repr(value)
    return names.constant(value)


class ExprSource:
    """Writes expressions as Python source over the variables of a `Scope`."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self._depth = 0  # of expressions being written, one inside the other

    # ---- the value, exactly as the closure gives it -----------------------------------------

    def value(self, expr: ir.Expr, scope: Scope) -> str:
        if self._depth >= MAX_DEPTH:  # Python's parser takes 200 nested brackets at most
            return self.closure(expr, scope)
        self._depth += 1
        try:
            return self._value(expr, scope)
        finally:
            self._depth -= 1

    def _value(self, expr: ir.Expr, scope: Scope) -> str:
        if isinstance(expr, ir.Literal):
            return literal(self.names, canonical(expr.value))
        if isinstance(expr, ir.ListValue):
            items = "".join(f"{self.value(item, scope)}, " for item in expr.items)
            return f"({items})"
        if isinstance(expr, ir.Ref):
            return self._ref(expr, scope)
        if isinstance(expr, ir.Unary):
            return self._unary(expr, scope)
        if isinstance(expr, ir.Binary):
            return self._binary(expr, scope)
        return self._call(expr, scope)

    def computed(self, element: ir.Computed, scope: Scope) -> str:
        """`compile_computed`: the formula in its declared type."""
        source = self.value(element.expr, scope)
        if element.type.kind in (Kind.DECIMAL, Kind.MONEY):
            return f"_declared_decimal({source})"
        return source

    def closure(self, expr: ir.Expr, scope: Scope) -> str:
        """The compiled closure itself, called with a Context of the same data and rows."""
        function = self.names.constant(compile_expr(expr), "f")
        rows = "".join(f"{r}, " for r in scope.rows)
        return f"{function}(_Context({scope.data}, today, ({rows})))"

    # ---- whether the value is True / is False ---------------------------------------------

    def true(self, expr: ir.Expr, scope: Scope) -> str:
        """Source that is truthy exactly when the expression's value `is True`."""
        return self._is(expr, scope, want=True)

    def false(self, expr: ir.Expr, scope: Scope) -> str:
        """Source that is truthy exactly when the expression's value `is False`."""
        return self._is(expr, scope, want=False)

    def _is(self, expr: ir.Expr, scope: Scope, want: bool) -> str:
        special = None
        if self._depth < MAX_DEPTH:
            self._depth += 1
            try:
                special = self._truth(expr, scope, want)
            finally:
                self._depth -= 1
        return special if special is not None else f"({self.value(expr, scope)}) is {want!r}"

    def _truth(self, expr: ir.Expr, scope: Scope, want: bool) -> str | None:
        if isinstance(expr, ir.Literal):
            return repr(canonical(expr.value) is want)
        if isinstance(expr, ir.ListValue):
            return "False"  # a tuple is neither True nor False
        if isinstance(expr, ir.Ref) and expr.type.kind is Kind.BOOLEAN:
            chain = self._chain(expr, scope)
            if chain is not None:  # `_of(bool)`: True and False are themselves
                return f"{chain} is {want!r}"
        if isinstance(expr, ir.Unary) and expr.op == "not" and _boolean(expr.operand):
            return self._truth_of(expr.operand, scope, not want)
        if (
            isinstance(expr, ir.Binary)
            and expr.op in ("and", "or")
            and _boolean(expr.left, expr.right)
        ):
            # three-valued: `a and b` is True when both are, False when either is
            joint = " and " if (expr.op == "and") == want else " or "
            left = self._truth_of(expr.left, scope, want)
            right = self._truth_of(expr.right, scope, want)
            return f"({left}{joint}{right})"
        if isinstance(expr, ir.Binary) and self._inline_comparison(expr):
            guards, test = self._comparison(expr, scope)
            return " and ".join([*guards, test if want else f"not {test}"])
        return None

    def _truth_of(self, expr: ir.Expr, scope: Scope, want: bool) -> str:
        return f"({self.true(expr, scope) if want else self.false(expr, scope)})"

    # ---- references --------------------------------------------------------------------------

    def _chain(self, expr: ir.Ref, scope: Scope) -> str | None:
        """The raw value at the reference, when no rows fan out (else None)."""
        path, repeats, bound = expr.path, expr.repeats, expr.bound
        start = len(repeats[bound - 1]) if bound else 0
        fan_out = {len(r) for r in repeats[bound:]}
        rows_of_repeat = expr.type.kind is Kind.ROWS
        last = len(path)
        if any(
            o in fan_out and not (rows_of_repeat and o == last) for o in range(start + 1, last + 1)
        ):
            return None
        if expr.type.kind is Kind.LIST or (bound and bound > len(scope.rows)):
            return None
        current = scope.rows[bound - 1] if bound else scope.data
        source = ""
        for index, name in enumerate(path[start:]):
            if index == 0:
                source = f"{current}.get({name!r})"
            else:
                temp = self.names.local()
                source = f"({temp}.get({name!r}) if isinstance({temp} := {source}, dict) else None)"
        if expr.kind == "alternative":
            source = f"_branch({source})"
        return source

    def _ref(self, expr: ir.Ref, scope: Scope) -> str:
        chain = self._chain(expr, scope)
        if chain is None:
            return self.closure(expr, scope)
        kind = expr.type.kind
        if kind in _TYPE_OF and expr.kind != "alternative":
            temp = self.names.local()
            return f"({temp} if isinstance({temp} := {chain}, {_TYPE_OF[kind]}) else None)"
        convert = _CONVERTERS.get(kind)
        if convert is None:
            return chain
        return f"{self.names.constant(convert, 'convert')}({chain})"  # convert(None) is None

    def _operand(self, expr: ir.Expr, scope: Scope) -> tuple[str | None, str]:
        """(a test that the value is not None, binding it; the value) for a comparison."""
        if isinstance(expr, ir.Literal) and expr.value is not None:
            return None, literal(self.names, canonical(expr.value))
        temp = self.names.local()
        plain = isinstance(expr, ir.Ref) and expr.kind != "alternative"
        chain = self._chain(expr, scope) if isinstance(expr, ir.Ref) and plain else None
        kind = expr.type.kind
        if chain is not None and kind in _TYPE_OF:
            return f"isinstance({temp} := {chain}, {_TYPE_OF[kind]})", temp
        if chain is not None and kind is Kind.INTEGER:  # whole-number floats become ints
            convert = self.names.constant(_CONVERTERS[kind], "convert")
            test = f"type({temp} := {chain}) is int or ({temp} := {convert}({temp})) is not None"
            return f"({test})", temp
        return f"({temp} := {self.value(expr, scope)}) is not None", temp

    # ---- operators -------------------------------------------------------------------------

    def _unary(self, expr: ir.Unary, scope: Scope) -> str:
        temp = self.names.local()
        operand = self.value(expr.operand, scope)
        result = f"not {temp}" if expr.op == "not" else f"_negate({temp})"
        return f"(None if ({temp} := {operand}) is None else {result})"

    def _inline_comparison(self, expr: ir.Binary) -> bool:
        return (
            expr.op in COMPARISONS
            and expr.left.type.kind in PLAIN
            and expr.right.type.kind in PLAIN
            and not _is_null_literal(expr.left)
            and not _is_null_literal(expr.right)
        )

    def _comparison(self, expr: ir.Binary, scope: Scope) -> tuple[list[str], str]:
        left_guard, left = self._operand(expr.left, scope)
        right_guard, right = self._operand(expr.right, scope)
        guards = [g for g in (left_guard, right_guard) if g is not None]
        test = f"not ({left} == {right})" if expr.op == "!=" else f"({left} {expr.op} {right})"
        return guards, test

    def _binary(self, expr: ir.Binary, scope: Scope) -> str:
        op = expr.op
        if op in ("and", "or"):
            stop, other = ("False", "True") if op == "and" else ("True", "False")
            a, b = self.names.local(), self.names.local()
            left, right = self.value(expr.left, scope), self.value(expr.right, scope)
            return (
                f"({stop} if ({a} := {left}) is {stop} else ({stop} if ({b} := {right}) is {stop}"
                f" else (None if {a} is None or {b} is None else {other})))"
            )
        if op in ("==", "!=") and (_is_null_literal(expr.left) or _is_null_literal(expr.right)):
            tested = expr.right if _is_null_literal(expr.left) else expr.left
            empty = f"_is_empty({self.value(tested, scope)})"
            return empty if op == "==" else f"(not {empty})"
        if self._inline_comparison(expr):
            guards, test = self._comparison(expr, scope)
            return f"({test} if {' and '.join(guards)} else None)" if guards else test
        if op in ("+", "-", "*") and {expr.left.type.kind, expr.right.type.kind} <= NUMBERS:
            left_guard, left = self._operand(expr.left, scope)
            right_guard, right = self._operand(expr.right, scope)
            guards = [g for g in (left_guard, right_guard) if g is not None]
            result = self.names.local()  # canonical() leaves whole numbers as they are
            value = f"({result} if type({result} := {left} {op} {right}) is int else _canonical({result}))"
            return f"({value} if {' and '.join(guards)} else None)" if guards else value
        left, right = self.value(expr.left, scope), self.value(expr.right, scope)
        operation = self.names.constant(_OPERATIONS[op], "op")
        return f"{operation}({left}, {right})"

    def _call(self, expr: ir.Call, scope: Scope) -> str:
        name = expr.func
        if name == "today":
            return "today"
        if name == "now":
            return "_now(today)"
        if name not in FUNCTIONS and name != "age":  # visible(), error(): in scenario tests
            return self.closure(expr, scope)
        if name == "count":  # always a whole number: `_typed` changes nothing
            return self._count(expr.args[0], scope)
        args = [self.value(a, scope) for a in expr.args]
        if name == "age":
            return f"_age({args[0]}, {args[1] if len(args) > 1 else 'today'})"
        function = self.names.constant(_typed(FUNCTIONS[name], expr.type.kind), name)
        return f"{function}({', '.join(args)})"

    def _count(self, expr: ir.Expr, scope: Scope) -> str:
        chain = self._chain(expr, scope) if isinstance(expr, ir.Ref) else None
        if chain is None or expr.type.kind is not Kind.ROWS or not scope.walked:
            return f"_count({self.value(expr, scope)})"
        temp = self.names.local()  # rows, each a dict: each counts
        return f"(len({temp}) if type({temp} := {chain}) is list else _count({temp}))"


def _boolean(*exprs: ir.Expr) -> bool:
    """Boolean-typed: the value is True, False or None (nothing else to be truthy)."""
    return all(e.type.kind is Kind.BOOLEAN for e in exprs)
