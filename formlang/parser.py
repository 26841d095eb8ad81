"""Parsing: source text -> syntax tree, or syntax diagnostics.

One of the two modules that know Lark (the other is `transform`). The LALR
parser is built once per process and its tables are cached on disk, so a
cold `formlang check` does not pay for grammar analysis. Syntax errors are
turned into diagnostics that name what was expected; after an error in a
statement that opens no block, the statement is blanked out and the file is
parsed again, so one run reports every independent syntax error.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import tempfile
from pathlib import Path

from formlang import diagnostics as d
from formlang.source import Source, Span
from formlang.syntax import Comment, Document, ParsedFile

MAX_NESTING = 64
MAX_RECOVERIES = 25
RECOVERY_LIMIT_BYTES = 256_000

_STATEMENT_WORDS = [
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
_STATEMENT_START = re.compile(r"[ \t]*(?:{})\b".format("|".join(_STATEMENT_WORDS)))
_CLOSE_LINE = re.compile(r"[ \t]*\}")


def _cache_file() -> str | None:
    import lark

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "formlang"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    if not os.access(folder, os.W_OK):
        return None
    return str(folder / f"grammar-lark{lark.__version__}.cache")


@functools.cache
def _parser() -> object:
    from lark import Lark

    from formlang._data import data_path

    grammar = (data_path("grammar") / "formlang.lark").read_text(encoding="utf-8")
    kwargs: dict[str, object] = {}
    cache = _cache_file()
    if cache:
        kwargs["cache"] = cache
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        **kwargs,
    )


def terminal_patterns() -> dict[str, str]:
    """Terminal name -> the literal text of keyword and punctuation terminals."""
    parser = _parser()
    out = {}
    for term in parser.terminals:  # type: ignore[attr-defined]
        if term.pattern.type == "str":
            out[term.name] = term.pattern.value
    return out


def parse(source: Source) -> tuple[ParsedFile, list[d.Diagnostic]]:
    """Parse one source; never raises for any input text."""
    if not source.text.strip() or _only_comments(source.text):
        diag = d.make(
            "FL104",
            "the file is empty: a .form file holds one `form` or `module`",
            source.span(0, 0),
            hint='start with: form my_form version "1.0.0" { title "…" }',
        )
        return ParsedFile(source, None, _comments_only(source)), [diag]
    too_deep = _nesting_problem(source)
    if too_deep:
        return ParsedFile(source, None, ()), [too_deep]
    diags: list[d.Diagnostic] = []
    text = source.text
    for _ in range(MAX_RECOVERIES):
        result = _parse_once(source, text)
        if isinstance(result, ParsedFile):
            return (ParsedFile(source, None, result.comments) if diags else result), diags
        diags.append(result)
        blanked = _blank_statement(text, result.span.start, len(source.text))
        if blanked is None:
            break
        text = blanked
    return ParsedFile(source, None, ()), diags


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.split("\n"))


def _comments_only(source: Source) -> tuple[Comment, ...]:
    out = []
    offset = 0
    for line in source.text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            start = offset + len(line) - len(stripped)
            out.append(Comment(stripped.rstrip(), Span(source, start, start + len(stripped))))
        offset += len(line) + 1
    return tuple(out)


def _parse_once(source: Source, text: str) -> ParsedFile | d.Diagnostic:
    from lark.exceptions import UnexpectedInput, VisitError

    from formlang.transform import ToSyntax

    comments: list[Comment] = []
    parser = _parser()
    try:
        tree = parser.parse(text)  # type: ignore[attr-defined]
    except UnexpectedInput as exc:
        return _describe(exc, source, text)
    except RecursionError:
        return _too_deep(source, 0)
    # Comments are collected from the token stream separately: Lark drops
    # ignored tokens, and a callback would also see comments of blanked text.
    comments = _collect_comments(source, text)
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 20_000))
        document: Document | None = ToSyntax(source).transform(tree)
    except (RecursionError, VisitError):
        return _too_deep(source, 0)
    finally:
        sys.setrecursionlimit(limit)
    return ParsedFile(source, document, tuple(comments))


_COMMENT_OR_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*')


def _collect_comments(source: Source, text: str) -> list[Comment]:
    out = []
    for match in _COMMENT_OR_STRING.finditer(text):
        if match.group().startswith("#"):
            out.append(Comment(match.group().rstrip(), Span(source, match.start(), match.end())))
    return out


def _nesting_problem(source: Source) -> d.Diagnostic | None:
    """Deep nesting is refused up front: later stages walk the tree recursively."""
    depth = 0
    text = source.text
    stripped = _COMMENT_OR_STRING.sub(lambda m: " " * len(m.group()), text)
    for i, ch in enumerate(stripped):
        if ch in "{[(":
            depth += 1
            if depth > MAX_NESTING:
                return _too_deep(source, i)
        elif ch in "}])":
            depth = max(0, depth - 1)
    run = re.search(r"(?:(?:\bnot\b|-)\s*){" + str(MAX_NESTING) + ",}", stripped)
    if run:
        return _too_deep(source, run.start())
    return None


def _too_deep(source: Source, offset: int) -> d.Diagnostic:
    return d.make(
        "FL102",
        f"the text is nested too deeply (more than {MAX_NESTING} levels)",
        source.span(offset, min(offset + 1, len(source.text))),
        hint="split deep groups into modules, or simplify the expression",
    )


def _blank_statement(text: str, error_at: int, original_length: int) -> str | None:
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
    err_line = max(0, _line_index(offsets, error_at))
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


def _line_index(offsets: list[int], pos: int) -> int:
    import bisect

    return bisect.bisect_right(offsets, pos) - 1


# ---- syntax error messages ----------------------------------------------------

_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": 'a text in double quotes ("…")',
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "TIME": "a time (HH:MM)",
    "DATETIME": "a date and time (YYYY-MM-DDTHH:MM)",
    "LANG": "a language tag such as de or en",
    "LANG_AT": 'a translation such as @en "…"',
    "DURATION_UNIT": "a unit (days, weeks, months, years)",
    "SIZE_UNIT": "a size unit (KB, MB, GB)",
    "$END": "the end of the file",
}
_STATEMENT_HINT = "a statement (field, group, repeat, page, info, rule, …)"


def _describe(exc: object, source: Source, text: str) -> d.Diagnostic:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(exc, UnexpectedCharacters):
        return _bad_character(exc, source, text)
    if isinstance(exc, UnexpectedEOF) or (
        isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
    ):
        expected = getattr(exc, "expected", None) or ()
        return _unexpected_end(source, set(expected))
    assert isinstance(exc, UnexpectedToken)
    tok = exc.token
    start = tok.start_pos or 0
    span = source.span(start, tok.end_pos or start + len(str(tok)))
    expected = set(exc.expected)
    found = str(tok)
    if tok.type == "STRING" and len(found) > 40:
        found = found[:37] + '…"'
    return d.make(
        "FL110",
        f"unexpected {_quote_found(tok.type, found)}; expected {_expected_words(expected)}",
        span,
        hint=_hint_for(tok.type, found, expected),
    )


def _quote_found(kind: str, found: str) -> str:
    if kind == "STRING":
        return f"text {found}"
    return f"'{found}'"


def _expected_words(expected: set[str]) -> str:
    literals = terminal_patterns()
    statement_words = {w.upper() for w in ("field", "group", "repeat", "page", "info", "rule")}
    words: list[str] = []
    if statement_words <= expected:
        words.append(_STATEMENT_HINT)
        expected = {e for e in expected if e.lower() not in _STATEMENT_WORDS}
    for name in sorted(expected, key=lambda n: (n not in literals, n)):
        if name in literals:
            words.append(f"'{literals[name]}'")
        else:
            words.append(_TERMINAL_WORDS.get(name, name.lower()))
    if len(words) > 8:
        words = [*words[:8], "…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _hint_for(kind: str, found: str, expected: set[str]) -> str | None:
    literals = terminal_patterns()
    expected_text = {literals.get(e, e) for e in expected}
    if found == "=" and "==" in expected_text:
        return "to compare two values write '=='"
    if kind == "STRING" and "LANG_AT" in expected:
        return 'a translation is written with its language: "Name" @en "Name"'
    if "when" in expected_text and found != "when" and expected_text <= {"when"}:
        return "fields are required unless marked `optional`; write `required when CONDITION`"
    if found in {"&&", "||", "!"}:
        return "write `and`, `or` and `not`"
    if kind == "NAME" and found in {"=", "is"}:
        return "to compare two values write '=='"
    return None


def _unexpected_end(source: Source, expected: set[str]) -> d.Diagnostic:
    end = len(source.text)
    opener = _unclosed_brace(source.text)
    related = []
    if opener is not None:
        related.append(d.Related("this '{' is never closed", source.span(opener, opener + 1)))
    words = _expected_words(expected) if expected else "more text"
    return d.make(
        "FL111",
        f"the file ends too early; expected {words}",
        source.span(max(0, end - 1), end),
        related=related,
        hint="add the missing '}'" if opener is not None else None,
    )


def _unclosed_brace(text: str) -> int | None:
    stripped = _COMMENT_OR_STRING.sub(lambda m: " " * len(m.group()), text)
    stack = []
    for i, ch in enumerate(stripped):
        if ch == "{":
            stack.append(i)
        elif ch == "}" and stack:
            stack.pop()
    return stack[-1] if stack else None


def _bad_character(exc: object, source: Source, text: str) -> d.Diagnostic:
    pos = getattr(exc, "pos_in_stream", 0) or 0
    char = text[pos] if pos < len(text) else ""
    span = source.span(pos, pos + 1)
    if char == '"':
        line_end = text.find("\n", pos)
        return d.make(
            "FL113",
            "this text has no closing '\"' on its line",
            source.span(pos, line_end if line_end != -1 else len(text)),
            hint='close it on the same line, or use """…""" for text over several lines',
        )
    shown = char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
    hint = None
    if char in "„“”":
        hint = 'write texts in straight double quotes: "…"'
    elif char == "'":
        hint = 'texts are written in double quotes: "…"'
    elif char in "&|":
        hint = "write `and` and `or`"
    elif char == "=":
        hint = "to compare two values write '=='"
    return d.make("FL112", f"unexpected character '{shown}'", span, hint=hint)
