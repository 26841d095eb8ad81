"""FL504: an element's `when` must not depend on the element itself (or what it holds)."""

from __future__ import annotations

from collections.abc import Iterator

from formlang import diagnostics as d
from formlang import ir
from formlang.checks.walk import data_path, with_ancestors
from formlang.ir_refs import refs


def self_reference(form: ir.Form, codelists: dict[str, ir.CodeList]) -> Iterator[d.Diagnostic]:
    for element, _ in with_ancestors(form):
        when = getattr(element, "when", None)
        path = data_path(element)
        if when is None or path is None:
            continue
        for ref in refs(when):
            if ref.path[: len(path)] == path:
                name = ".".join(ref.path)
                yield d.make(
                    "FL504",
                    f"'{path[-1]}' is shown only when '{name}' has a value, but "
                    f"'{name}' can only be filled in when it is shown",
                    ref.span,
                    hint="make the condition depend on another field",
                )
                break
