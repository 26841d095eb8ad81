"""The formatter's last step: printed lines + the source's comments -> the formatted text.

`fmt` prints the syntax tree as `Line`s, each knowing the source spans it
came from; `render` puts every comment back between or after those lines,
in source order, by the rules of point 9 of the style in `formlang.fmt`, and
keeps one blank line where the source had blank lines before an item.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from formlang import syntax as s
from formlang.source import Source, Span


@dataclass(slots=True)
class Line:
    """One output line and the source it was printed from."""

    indent: int
    text: str
    spans: list[Span]
    item: bool = False  # starts an item: a blank line before it may be kept
    opens: bool = False  # ends with `{` or `[`
    closes: bool = False  # is a `}` or `]`

    @property
    def first(self) -> int:
        return min(span.start for span in self.spans)

    def rows(self) -> range:
        source = self.spans[0].source
        start = source.position(self.first).line
        end = max(source.position(max(sp.start, sp.end - 1)).line for sp in self.spans)
        return range(start, end + 1)


def render(source: Source, lines: list[Line], comments: Sequence[s.Comment]) -> str:
    """The text of `lines` with every comment of the source in its place."""
    return _Merger(source, lines, comments).render()


class _Merger:
    """Puts the comments between and after the output lines, in source order.

    Slots are numbered: `2 * i` is before line `i`, `2 * i + 1` its end.
    """

    def __init__(self, source: Source, lines: list[Line], comments: Sequence[s.Comment]):
        self.source = source
        self.lines = lines
        self.comments = comments
        self.before: list[list[s.Comment]] = [[] for _ in range(len(lines) + 1)]
        self.after: dict[int, s.Comment] = {}
        self._firsts = list(_running_max(line.first for line in lines))
        self._row_owner = {row: i for i, line in enumerate(lines) for row in line.rows()}
        self._prev_opens = True

    def render(self) -> str:
        self._place()
        out: list[str] = []
        for i, line in enumerate(self.lines):
            self._comments_before(out, i, line.indent + (2 if line.closes else 0))
            if line.item and self._blank_before(line.first):
                self._blank(out)
            comment = self.after.get(i)
            end = f"  {comment.text.rstrip()}" if comment else ""
            out.append(" " * line.indent + line.text + end)
            self._prev_opens = line.opens
        self._comments_before(out, len(self.lines), 0)
        return "\n".join(out) + "\n"

    def _place(self) -> None:
        cursor = 0
        for comment in self.comments:
            cursor = self._slot(comment, cursor)
            if cursor % 2:
                self.after[cursor // 2] = comment
            else:
                self.before[cursor // 2].append(comment)

    def _slot(self, comment: s.Comment, cursor: int) -> int:
        start = comment.span.start
        if not self._first_on_row(start):
            owner = self._row_owner.get(self.source.position(start).line)
            if owner is not None and 2 * owner + 1 > cursor:
                return 2 * owner + 1
        own = 2 * bisect.bisect_right(self._firsts, start)
        return max(own, cursor + cursor % 2)

    def _comments_before(self, out: list[str], i: int, indent: int) -> None:
        for comment in self.before[i]:
            if self._blank_before(comment.span.start):
                self._blank(out)
            out.append(" " * indent + comment.text.rstrip())
            self._prev_opens = False

    def _blank(self, out: list[str]) -> None:
        if out and not self._prev_opens:
            out.append("")

    def _first_on_row(self, offset: int) -> bool:
        row = self.source.position(offset).line
        return not self.source.text[self.source.offset(row, 1) : offset].strip()

    def _blank_before(self, offset: int) -> bool:
        """Whether `offset` starts its row and the row above is blank."""
        row = self.source.position(offset).line
        return row > 1 and self._first_on_row(offset) and not self.source.line_text(row - 1).strip()


def _running_max(values: Iterable[int]) -> Iterator[int]:
    best = -1
    for value in values:
        best = max(best, value)
        yield best
