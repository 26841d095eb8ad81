"""Helpers for the checks: walks over the IR's elements (references: `formlang.ir_refs`)."""

from __future__ import annotations

from collections.abc import Iterator

from formlang import ir


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
