"""Parsing: source text -> syntax tree, or syntax diagnostics.

One of the two modules that know Lark (the other is `transform`). The LALR
parser is built once per process and its tables are cached on disk, so a
cold `formlang check` does not pay for grammar analysis. Syntax errors are
turned into diagnostics that name what was expected; after an error in a
statement that opens no block, the statement is blanked out and the file is
parsed again, so one run reports every independent syntax error. What can
be read from the raw text without Lark (comments, nesting depth, the
statement to blank out) is in `formlang.scan`.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from formlang import diagnostics as d
from formlang.scan import (
    STATEMENT_WORDS,
    blank_statement,
    collect_comments,
    comment_lines,
    nesting_problem,
    only_comments,
    too_deep,
    unclosed_brace,
)
from formlang.source import Source
from formlang.syntax import Document, ParsedFile

if TYPE_CHECKING:
    from lark import Token as LarkToken

MAX_RECOVERIES = 25


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
    from formlang.lexer import FormLexer

    return Lark(
        grammar,
        parser="lalr",
        lexer=FormLexer,
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
    if not source.text.strip() or only_comments(source.text):
        diag = d.make(
            "FL104",
            "the file is empty: a .form file holds one `form` or `module`",
            source.span(0, 0),
            hint='start with: form my_form version "1.0.0" { title "…" }',
        )
        return ParsedFile(source, None, comment_lines(source)), [diag]
    nested = nesting_problem(source)
    if nested:
        return ParsedFile(source, None, ()), [nested]
    diags: list[d.Diagnostic] = []
    text = source.text
    for _ in range(MAX_RECOVERIES):
        result = _parse_once(source, text)
        if isinstance(result, ParsedFile):
            kept = ParsedFile(source, None, result.comments) if diags else result
            return kept, diags
        diags.append(result)
        blanked = blank_statement(text, result.span.start, len(source.text))
        if blanked is None:
            break
        text = blanked
    return ParsedFile(source, None, ()), diags


def _parse_once(source: Source, text: str) -> ParsedFile | d.Diagnostic:
    from lark.exceptions import UnexpectedInput

    from formlang.transform import ToSyntax

    try:
        tree = _parser().parse(text)  # type: ignore[attr-defined]
    except UnexpectedInput as exc:
        return _describe(exc, source, text)
    except RecursionError:
        return too_deep(source, 0)
    document: Document | None = ToSyntax(source).transform(tree)
    # Comments are found in the text itself: Lark drops ignored tokens, and a
    # lexer callback would also see the comments of blanked-out statements.
    return ParsedFile(source, document, tuple(collect_comments(source, text)))


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
    "<END-OF-FILE>": "the end of the file",
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
    return _unexpected_token(exc.token, set(exc.expected), source, text)


def _unexpected_token(
    tok: LarkToken, expected: set[str], source: Source, text: str
) -> d.Diagnostic:
    start = tok.start_pos or 0
    end = tok.end_pos or start + len(str(tok))
    word = _WORD.match(text, start)
    if word and word.end() > end:  # the fallback lexer may split a word ("tex" + "t")
        end = word.end()
    span = source.span(start, end)
    found = text[start:end] if word and word.end() == end else str(tok)
    if tok.type == "STRING" and len(found) > 40:
        found = found[:37] + '…"'
    return d.make(
        "FL110",
        f"unexpected {_quote_found(tok.type, found)}; expected {_expected_words(expected)}",
        span,
        hint=_hint_for(tok.type, found, expected),
    )


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
        expected = {e for e in expected if e.lower() not in STATEMENT_WORDS}
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
    if found == "}" and expected_text <= {"$END", "<END-OF-FILE>"}:
        return "this '}' closes nothing: remove it, or look for a '{' that is missing above"
    if _WORD.fullmatch(found):
        return _keyword_hint(found, expected_text)
    return None


def _keyword_hint(found: str, expected_text: set[str]) -> str | None:
    """A misspelt keyword: the closest keyword that may stand here."""
    import difflib

    keywords = sorted(w for w in expected_text if _WORD.fullmatch(w) and w.islower())
    match = difflib.get_close_matches(found.lower(), keywords, n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match and match[0] != found else None


def _unexpected_end(source: Source, expected: set[str]) -> d.Diagnostic:
    end = len(source.text)
    opener = unclosed_brace(source.text)
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


def _bad_character(exc: object, source: Source, text: str) -> d.Diagnostic:
    pos = getattr(exc, "pos_in_stream", 0) or 0
    char = text[pos] if pos < len(text) else ""
    if char == '"':
        return _unclosed_text(pos, source, text)
    shown = char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"
    quoted = f'"{shown}"' if shown == "'" else f"'{shown}'"
    message = f"unexpected character {quoted}"
    return d.make("FL112", message, source.span(pos, pos + 1), hint=_character_hint(char))


def _unclosed_text(pos: int, source: Source, text: str) -> d.Diagnostic:
    """FL113 for the '"' at `pos`, which the lexer could not read as the start of a text."""
    if text[max(0, pos - 2) : pos] == '""':
        return d.make(
            "FL113",
            'this text starts with """ but is never closed',
            source.span(pos - 2, pos + 1),
            hint='end it with """ where the text ends',
        )
    line_end = text.find("\n", pos)
    return d.make(
        "FL113",
        "this text has no closing '\"' on its line",
        source.span(pos, line_end if line_end != -1 else len(text)),
        hint='close it on the same line, or use """…""" for text over several lines',
    )


def _character_hint(char: str) -> str | None:
    if char in "„“”":
        return 'write texts in straight double quotes: "…"'
    if char == "'":
        return 'texts are written in double quotes: "…"'
    if char in "&|":
        return "write `and` and `or`"
    if char == "=":
        return "to compare two values write '=='"
    return None
