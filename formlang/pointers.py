"""JSON pointers into a submission: written, read back, ranked, removed (validator stage).

The validator locates every problem with a JSON pointer (`/kinder/1/alter`, rows counted
from 0) and reports problems in the order of the form: each element where it stands, the
rows of a repeat one after the other.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from formlang import ir


def to_pointer(path: tuple[str | int, ...]) -> str:
    return "".join(f"/{escape(str(p))}" for p in path)


def escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def rank(pointer: str, order: dict[str, int]) -> tuple[tuple[int, int], ...]:
    """Where a problem stands in the form: each element's place, and each row's index.

    `order` maps each element's dotted path to its place in the form.
    """
    names: list[str] = []
    key: list[tuple[int, int]] = []
    for part in parts(pointer):
        if part.isascii() and part.isdigit() and names:  # "²".isdigit() is true
            key.append((0, int(part)))
        else:
            names.append(part)
            key.append((1, order.get(".".join(names), len(order))))
    return tuple(key)


def without(data: dict[str, Any], pointers: list[str]) -> dict[str, Any]:
    """A copy of `data` without the values at `pointers`."""
    out: dict[str, Any] = copy.deepcopy(data)
    for where in pointers:
        *steps, last = parts(where)
        here: Any = out
        for step in steps:
            here = here[int(step)] if isinstance(here, list) else here.get(step, {})
        if isinstance(here, dict):
            here.pop(last, None)
    return out


def rule_rows(
    data: dict[str, Any], scope: ir.Path
) -> Iterator[tuple[tuple[dict[str, Any], ...], str]]:
    """Each row the rule runs in (the rows of every repeat along `scope`)."""
    if not scope:
        yield (), ""
        return
    frontier: list[tuple[tuple[dict[str, Any], ...], Any, str]] = [((), data, "")]
    for depth, name in enumerate(scope, start=1):
        following: list[tuple[tuple[dict[str, Any], ...], Any, str]] = []
        for rows, current, pointer in frontier:
            value = current.get(name) if isinstance(current, dict) else None
            here = f"{pointer}/{escape(name)}"
            if depth == len(scope) or isinstance(value, list):
                for index, row in enumerate(value if isinstance(value, list) else []):
                    if isinstance(row, dict):
                        following.append(((*rows, row), row, f"{here}/{index}"))
            else:
                following.append((rows, value, here))
        frontier = following
    for rows, _, pointer in frontier:
        yield rows, pointer
