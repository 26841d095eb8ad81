"""FL501, FL502, FL503: conditions that can never hold, or always hold.

An element is shown when its own `when`, those of everything around it, and
the choice of its alternative branch all hold; a condition that asks for a
field's value also needs that field to be shown. These conditions are put
into disjunctive normal form over simple facts (`x == "a"`, `x != "a"`,
`flag`), and a conjunction that asks for two values of one field, or for a
fact and its negation, can never hold. Anything else is an opaque fact, so
the check only reports what is certain. A required field that can never be
shown is an error; other dead conditions are warnings.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, cast

from formlang import diagnostics as d
from formlang import ir
from formlang.checks.walk import data_path, with_ancestors
from formlang.types import Kind

Atom = tuple[object, ...]  # ("eq", path, value) | ("ne", path, value) | ("opaque", key)
Conj = frozenset[tuple[bool, Atom]]  # (positive?, atom)
Dnf = list[Conj]
MAX_TERMS = 64


def reachability(form: ir.Form, codelists: dict[str, ir.CodeList]) -> Iterator[d.Diagnostic]:
    analysis = _Analysis(form)
    for element, ancestors in with_ancestors(form):
        when = getattr(element, "when", None)
        if when is None:
            continue
        if _is_constant(when, True):
            yield d.make(
                "FL503", "this condition is always true", when.span, hint="remove the `when`"
            )
            continue
        outer = analysis.shown(ancestors, element)
        if not _satisfiable(outer):
            continue  # reported where it first became impossible
        if _satisfiable(_and(outer, analysis.condition(when, depth=1))):
            continue
        yield _dead(element, when)
    yield from _rules(form, analysis)


def _dead(element: ir.Element, when: ir.Expr) -> d.Diagnostic:
    required = [
        f
        for f in [element, *ir.walk(ir.children(element))]
        if isinstance(f, ir.Field) and not f.optional and f.required_when is None
    ]
    if required:
        names = ", ".join(f"'{f.name}'" for f in required[:3])
        return d.make(
            "FL501",
            f"the required field {names} can never be shown: this condition can never be true "
            "together with the conditions around it",
            when.span,
            hint="check the values compared here against the conditions of the page, group or "
            "alternative around it",
        )
    return d.make(
        "FL502",
        "this condition can never be true together with the conditions around it",
        when.span,
    )


def _rules(form: ir.Form, analysis: _Analysis) -> Iterator[d.Diagnostic]:
    for rule in form.rules:
        if _is_constant(rule.expr, True):
            yield d.make("FL503", "this rule always holds, so it checks nothing", rule.expr.span)
        elif not _satisfiable(analysis.condition(rule.expr, depth=0)):
            yield d.make(
                "FL502", "this rule can never hold, so every submission fails it", rule.expr.span
            )


class _Analysis:
    def __init__(self, form: ir.Form) -> None:
        self.visibility: dict[ir.Path, tuple[ir.Element, tuple[ir.Element, ...]]] = {}
        for element, ancestors in with_ancestors(form):
            path = data_path(element)
            if path is not None:
                self.visibility[path] = (element, ancestors)

    def shown(self, ancestors: tuple[ir.Element, ...], element: ir.Element, depth: int = 1) -> Dnf:
        """When everything around `element` is shown (not `element`'s own `when`)."""
        result: Dnf = [frozenset()]
        chain = (*ancestors, element)
        for outer, inner in itertools.pairwise(chain):
            when = getattr(outer, "when", None)
            if when is not None:
                result = _and(result, self.condition(when, depth))
            if isinstance(outer, ir.Alternative) and isinstance(inner, ir.Group):
                result = _and(result, [frozenset({(True, ("eq", outer.path, inner.name))})])
        return result

    def condition(self, expr: ir.Expr, depth: int) -> Dnf:
        dnf = _dnf(expr, True)
        if depth > 2:
            return dnf
        for path in _asked(dnf):
            found = self.visibility.get(path)
            if found is None:
                continue
            element, ancestors = found
            needed = self.shown(ancestors, element, depth + 1)
            when = getattr(element, "when", None)
            if when is not None:
                needed = _and(needed, _dnf(when, True))
            dnf = _and_where(dnf, path, needed)
        return dnf


def _asked(dnf: Dnf) -> set[ir.Path]:
    return {
        cast(ir.Path, atom[1])
        for conj in dnf
        for positive, atom in conj
        if positive and atom[0] == "eq" and atom[2] is not None
    }


def _and_where(dnf: Dnf, path: ir.Path, needed: Dnf) -> Dnf:
    """Adds `needed` to each conjunction that asks for a value of `path`."""
    out: Dnf = []
    for conj in dnf:
        if any(p and a[0] == "eq" and a[1] == path for p, a in conj):
            out.extend(_and([conj], needed))
        else:
            out.append(conj)
    return out[:MAX_TERMS] if len(out) <= MAX_TERMS else [frozenset()]


# ---- normal form ------------------------------------------------------------------------


def _dnf(expr: ir.Expr, positive: bool) -> Dnf:
    if isinstance(expr, ir.Unary) and expr.op == "not":
        return _dnf(expr.operand, not positive)
    if isinstance(expr, ir.Binary) and expr.op in ("and", "or"):
        left, right = _dnf(expr.left, positive), _dnf(expr.right, positive)
        is_and = (expr.op == "and") == positive
        return _and(left, right) if is_and else _or(left, right)
    constant = _constant(expr)
    if constant is not None:
        return [frozenset()] if constant == positive else []
    return _atoms(expr, positive)


def _atoms(expr: ir.Expr, positive: bool) -> Dnf:
    if isinstance(expr, ir.Binary) and expr.op in ("==", "!=", "in", "not in"):
        found = _fact(expr)
        if found is not None:
            facts, negated = found
            want = positive != negated
            if want:
                return [frozenset({(True, f)}) for f in facts]
            return [frozenset((False, f) for f in facts)]
    if isinstance(expr, ir.Ref) and expr.type.kind is Kind.BOOLEAN and not expr.is_list:
        return [frozenset({(positive, ("eq", expr.path, True))})]
    return [frozenset({(positive, ("opaque", _key(expr)))})]


def _fact(expr: ir.Binary) -> tuple[list[Atom], bool] | None:
    ref, other = (
        (expr.left, expr.right) if isinstance(expr.left, ir.Ref) else (expr.right, expr.left)
    )
    if not isinstance(ref, ir.Ref) or ref.is_list:
        return None
    values = other.items if isinstance(other, ir.ListValue) else (other,)
    if expr.op in ("in", "not in") and not isinstance(other, ir.ListValue):
        return None
    if not all(isinstance(v, ir.Literal) for v in values):
        return None
    facts: list[Atom] = [("eq", ref.path, v.value) for v in values]  # type: ignore[union-attr]
    return facts, expr.op in ("!=", "not in")


def _constant(expr: ir.Expr) -> bool | None:
    if isinstance(expr, ir.Literal) and isinstance(expr.value, bool):
        return expr.value
    if (
        isinstance(expr, ir.Binary)
        and isinstance(expr.left, ir.Literal)
        and isinstance(expr.right, ir.Literal)
    ):
        a: Any = expr.left.value
        b: Any = expr.right.value
        try:
            return {
                "==": a == b,
                "!=": a != b,
                "<": a < b,
                "<=": a <= b,
                ">": a > b,
                ">=": a >= b,
            }.get(expr.op)
        except TypeError:
            return None
    return None


def _is_constant(expr: ir.Expr, value: bool) -> bool:
    return _constant(expr) is value


def _key(expr: ir.Expr) -> str:
    return repr(expr)


def _and(a: Dnf, b: Dnf) -> Dnf:
    out = [x | y for x in a for y in b]
    out = [c for c in out if _consistent(c)]
    return out if len(out) <= MAX_TERMS else [frozenset()]


def _or(a: Dnf, b: Dnf) -> Dnf:
    out = a + b
    return out if len(out) <= MAX_TERMS else [frozenset()]


def _consistent(conj: Conj) -> bool:
    equal: dict[object, object] = {}
    for positive, atom in conj:
        if (not positive, atom) in conj:
            return False
        if positive and atom[0] == "eq":
            path, value = atom[1], atom[2]
            if path in equal and equal[path] != value:
                return False
            equal[path] = value
    return True


def _satisfiable(dnf: Dnf) -> bool:
    return any(_consistent(c) for c in dnf)
