"""Helpers for the checks: expression references and element walks over the IR."""

from __future__ import annotations

from collections.abc import Iterator

from formlang import ir


def refs(expr: ir.Expr | None) -> Iterator[ir.Ref]:
    """Every field reference inside an expression."""
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


def with_ancestors(form: ir.Form) -> Iterator[tuple[ir.Element, tuple[ir.Element, ...]]]:
    """Each element with the chain of elements that contain it, outermost first."""
    stack: list[tuple[ir.Element, tuple[ir.Element, ...]]] = [
        (child, ()) for child in reversed(form.children)
    ]
    while stack:
        element, ancestors = stack.pop()
        yield element, ancestors
        inner = (*ancestors, element)
        stack.extend((child, inner) for child in reversed(ir.children(element)))


def data_path(element: ir.Element) -> ir.Path | None:
    return None if isinstance(element, ir.Page | ir.Info) else element.path
