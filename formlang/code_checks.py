"""Texts compared with a choice, checked against its code list (resolver stage, for `exprs`).

A string literal that stands where a code of a choice is expected must be one
of the list's codes (FL303, with the code of a label or a close code as the
hint), and two choices compared with each other must share a code (FL300).
"""

from __future__ import annotations

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.scope import suggest
from formlang.source import Span
from formlang.types import Kind, Type


class CodeChecks:
    def __init__(self, diags: d.Collector, codelists: dict[str, ir.CodeList]) -> None:
        self.diags = diags
        self.codelists = codelists

    def check_code(self, key: str | None, value: str, span: Span) -> None:
        codelist = self.codelists.get(key or "")
        if codelist is None or codelist.code(value) is not None:
            return
        labels = {c.label.default: c.value for c in codelist.codes}
        if value in labels:
            hint: str | None = f'write the code "{labels[value]}", not its label'
        else:
            match = suggest(value, codelist.values) if len(codelist.codes) < 5000 else None
            hint = f'did you mean "{match}"?' if match else listing(codelist.values, '"')
        self.diags.error(
            "FL303", f"\"{value}\" is not a code of '{codelist.name}'", span, hint=hint
        )

    def codes_vs_literal(self, coded: ir.Expr, other: ir.Expr) -> bool:
        """Checks the texts that `coded` (a choice) is compared with; True if that settles it."""
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

    def same_codelist(self, node: s.Binary, a: Type, b: Type) -> None:
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

    def is_some_code(self, name: str) -> bool:
        """Whether `name` is a code of one of the (smaller) code lists: a hint for a bare name."""
        return any(
            cl.code(name) is not None for cl in self.codelists.values() if len(cl.codes) < 500
        )


def listing(values: list[str] | tuple[str, ...], quote: str = "'") -> str | None:
    """A hint that shows the first few of `values`."""
    if not values:
        return None
    shown = ", ".join(f"{quote}{v}{quote}" for v in list(values)[:8])
    more = ", …" if len(values) > 8 else ""
    return f"known here: {shown}{more}"
