"""References inside IR expressions: one walk shared by the resolver, the checks and the targets."""

from __future__ import annotations

from collections.abc import Iterator

from formlang import ir


def refs(expr: ir.Expr | None) -> Iterator[ir.Ref]:
    """Every field reference inside an expression (iteratively: chains may be long)."""
    stack: list[ir.Expr] = [expr] if expr is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, ir.Ref):
            yield item
        elif isinstance(item, ir.Unary):
            stack.append(item.operand)
        elif isinstance(item, ir.Binary):
            stack.extend((item.left, item.right))
        elif isinstance(item, ir.Call):
            stack.extend(item.args)
        elif isinstance(item, ir.ListValue):
            stack.extend(item.items)
