"""Source texts and locations: the first stage, shared by every later one.

A `Source` is the decoded text of one file (or an in-memory string) with a
line index; a `Span` is a half-open range of character offsets in it that
can tell its line and column. Diagnostics, the syntax tree and the IR all
point back into sources through spans.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column."""

    line: int
    column: int


@dataclass(frozen=True, slots=True, eq=False)
class Source:
    """The text of one `.form` file (or string); `decode` makes its line ends LF."""

    text: str
    path: str = "<string>"
    _line_starts: tuple[int, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        object.__setattr__(self, "_line_starts", tuple(starts))

    @property
    def name(self) -> str:
        return self.path

    @property
    def directory(self) -> Path | None:
        if self.path.startswith("<"):
            return None
        return Path(self.path).resolve().parent

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return Position(line + 1, offset - self._line_starts[line] + 1)

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and column (clamped to the text)."""
        line = max(1, min(line, len(self._line_starts)))
        return min(self._line_starts[line - 1] + max(column, 1) - 1, len(self.text))

    def line_text(self, line: int) -> str:
        if not 1 <= line <= len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def span(self, start: int, end: int | None = None) -> Span:
        return Span(self, start, start if end is None else end)


@dataclass(frozen=True, slots=True, eq=False)
class Span:
    """A range `[start, end)` of character offsets into a source."""

    source: Source
    start: int
    end: int

    @property
    def begin(self) -> Position:
        return self.source.position(self.start)

    @property
    def finish(self) -> Position:
        return self.source.position(self.end)

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    def to(self, other: Span) -> Span:
        """The span from the start of this one to the end of `other`."""
        return Span(self.source, min(self.start, other.start), max(self.end, other.end))

    def __str__(self) -> str:
        pos = self.begin
        return f"{self.source.path}:{pos.line}:{pos.column}"

    def __repr__(self) -> str:
        return f"Span({self})"


def decode(data: bytes, path: str) -> tuple[str | None, str | None, int]:
    """Decode file bytes as UTF-8 (a BOM is dropped, CRLF and CR become LF).

    Returns `(text, None, 0)` or `(None, problem, byte_offset)`.
    """
    if b"\x00" in data:
        return None, "binary", data.index(b"\x00")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, "utf-8", exc.start
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None, 0
