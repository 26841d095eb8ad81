"""Parsing stage, text level: what the parser needs to know of the raw text, without Lark.

`parser` uses it before and around the Lark parse: the comments (Lark drops
them), the nesting depth (refused up front, FL102, because later stages walk
the tree recursively), the statement to blank out after a syntax error so
the rest of the file can still be checked, and the '{' that is most likely
never closed.
"""

from __future__ import annotations

import bisect
import re

from formlang import diagnostics as d
from formlang.source import Source, Span
from formlang.syntax import Comment

MAX_NESTING = 64
RECOVERY_LIMIT_BYTES = 256_000

STATEMENT_WORDS = [
    "form",
    "module",
    "title",
    "description",
    "authority",
    "legal",
    "languages",
    "use",
    "codes",
    "page",
    "group",
    "repeat",
    "alternative",
    "field",
    "computed",
    "info",
    "rule",
    "test",
    "given",
    "expect",
    "today",
]
_STATEMENT_START = re.compile(r"[ \t]*(?:{})\b".format("|".join(STATEMENT_WORDS)))
_CLOSE_LINE = re.compile(r"[ \t]*\}")
_COMMENT_OR_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*')
_BRACKETS = re.compile(r"[{}\[\]()]")
_PREFIX_RUN = re.compile(r"(?:(?:\bnot\b|-)\s*){" + str(MAX_NESTING) + ",}")


# ---- comments ----------------------------------------------------------------


def only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.split("\n"))


def comment_lines(source: Source) -> tuple[Comment, ...]:
    """The comments of a file that holds nothing else."""
    out = []
    offset = 0
    for line in source.text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            start = offset + len(line) - len(stripped)
            out.append(Comment(stripped.rstrip(), Span(source, start, start + len(stripped))))
        offset += len(line) + 1
    return tuple(out)


def collect_comments(source: Source, text: str) -> list[Comment]:
    """The comments in `text` (a `#` inside a string starts none)."""
    out = []
    for match in _COMMENT_OR_STRING.finditer(text):
        if match.group().startswith("#"):
            out.append(Comment(match.group().rstrip(), Span(source, match.start(), match.end())))
    return out


# ---- nesting -----------------------------------------------------------------


def nesting_problem(source: Source) -> d.Diagnostic | None:
    """Deep nesting is refused up front: later stages walk the tree recursively."""
    stripped = _COMMENT_OR_STRING.sub(_blank, source.text)
    depth = 0
    for match in _BRACKETS.finditer(stripped):
        if match.group() in "{[(":
            depth += 1
            if depth > MAX_NESTING:
                return too_deep(source, match.start())
        elif depth:
            depth -= 1
    run = _PREFIX_RUN.search(stripped)
    if run:
        return too_deep(source, run.start())
    return None


def too_deep(source: Source, offset: int) -> d.Diagnostic:
    return d.make(
        "FL102",
        f"the text is nested too deeply (more than {MAX_NESTING} levels)",
        source.span(offset, min(offset + 1, len(source.text))),
        hint="split deep groups into modules, or simplify the expression",
    )


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


# ---- recovery ----------------------------------------------------------------


def blank_statement(text: str, error_at: int, original_length: int) -> str | None:
    """Blank the statement holding `error_at` if that is safe, else None.

    Safe means: the statement's lines open and close no block, so blanking
    it cannot change the structure the rest of the file is read in.
    """
    if original_length > RECOVERY_LIMIT_BYTES:
        return None
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    err_line = max(0, bisect.bisect_right(offsets, error_at) - 1)
    first = err_line
    while first >= 0 and not _STATEMENT_START.match(lines[first]):
        first -= 1
    if first < 0:
        return None
    last = err_line + 1
    while last < len(lines) and not (
        _STATEMENT_START.match(lines[last]) or _CLOSE_LINE.match(lines[last])
    ):
        last += 1
    code = _COMMENT_OR_STRING.sub("", "\n".join(lines[first:last]))
    if "{" in code or "}" in code:
        return None
    blank = [" " * len(line) for line in lines[first:last]]
    return "\n".join(lines[:first] + blank + lines[last:])


def unclosed_brace(text: str) -> int | None:
    """The '{' that is most likely never closed.

    Counting alone blames the outermost '{'; but when a '}' closes a '{'
    whose line is indented differently, the first such '{' is the likelier
    culprit (its own '}' was forgotten, and every later '}' shifted by one).
    """
    stripped = _COMMENT_OR_STRING.sub(_blank, text)
    stack: list[int] = []
    suspect = None
    for match in re.finditer("[{}]", stripped):
        i = match.start()
        if match.group() == "{":
            stack.append(i)
        elif stack:
            opener = stack.pop()
            if suspect is None and _indent_at(stripped, opener) != _indent_at(stripped, i):
                suspect = opener
    if not stack:
        return None
    return suspect if suspect is not None else stack[-1]


def _indent_at(text: str, pos: int) -> int:
    start = text.rfind("\n", 0, pos) + 1
    line = text[start : pos + 1]
    return len(line) - len(line.lstrip(" \t"))
