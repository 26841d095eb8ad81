"""Code list rows and span-less problems: what the readers hand to `codelists` (resolver stage).

The readers (`codelists_csv`, `genericode`) return a `RawCodeList` or raise
`Unusable`; `codelists` turns the rows into a `CodeListFile`. A problem has
no span yet, so that one cached reading of a file serves every form that
names it; `codelists.load_codelist` places it at the path string.
"""

from __future__ import annotations

from dataclasses import dataclass

Row = tuple[str, tuple[tuple[str, str], ...], str]  # code, labels (default first), where


@dataclass(frozen=True, slots=True)
class Problem:
    """A diagnostic without a span, so that a cached result serves every form."""

    code: str
    message: str
    hint: str | None = None
    warning: bool = False


class Unusable(Exception):
    """Ends the reading of an unusable file; caught in `codelists`, never leaves it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.problem = Problem("FL705", message, hint)


@dataclass(frozen=True, slots=True, kw_only=True)
class RawCodeList:
    """The rows of a file in order, its problems so far, and where codes and labels came from."""

    rows: list[Row]
    problems: list[Problem]
    key_column: str
    label_column: str
    metadata: dict[str, str | None]  # name, uri, version, version_uri, source


def one_line(text: str) -> str:
    """Labels are shown on one line: upstream lists wrap long ones with line breaks."""
    return " ".join(text.split())
