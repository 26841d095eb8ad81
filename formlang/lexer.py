"""The lexer behind the Lark parser: one compiled pattern, keywords chosen by context.

Part of the parsing stage (with `parser` and `transform`, the only modules
that know Lark). Lark's contextual lexer compiles a regular expression for
every parser state it meets, which cost about 50 ms of every cold
`formlang check`. This lexer compiles two patterns once and then decides,
like the contextual lexer, by what the parser accepts next: a word becomes a
keyword where the keyword is expected, otherwise a name (so `min` is a
keyword in `min 0` and a function in `min(a, b)`), a duration or size unit
after a number, a language tag after `languages`. It plugs into Lark through
its custom-lexer interface.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer, LexerState, Token

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*(?![A-Za-z0-9_])")
_SKIP = re.compile(r"(?:[ \t\f\r\n]+|#[^\n]*)+")
_WORD_TERMINALS = ("NAME", "LANG")


class FormLexer(Lexer):
    __future_interface__ = 2

    def __init__(self, conf: Any) -> None:
        self.keywords: dict[str, str] = {}  # word -> terminal name
        self.units: dict[str, str] = {}  # unit word -> DURATION_UNIT / SIZE_UNIT
        others: list[tuple[int, int, str, str]] = []
        for term in conf.terminals:
            pattern = term.pattern
            if term.name in _WORD_TERMINALS or term.name in ("WS", "COMMENT"):
                continue
            if pattern.type == "str" and _WORD.fullmatch(pattern.value):
                self.keywords[pattern.value] = term.name
            elif term.name.endswith("_UNIT"):
                for word in re.findall(r"[A-Za-z]+", pattern.value):
                    self.units[word] = term.name
            else:
                width = len(pattern.value) if pattern.type == "str" else 0
                others.append((-term.priority, -width, term.name, pattern.to_regexp()))
        # Priority first (dates before numbers), then longer literals ("<=" before "<").
        others.sort()
        self.other = re.compile("|".join(f"(?P<{name}>{rx})" for _, _, name, rx in others))
        self.terminals_by_name = conf.terminals_by_name

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        text = lexer_state.text.text
        end = lexer_state.text.end
        counter = lexer_state.line_ctr
        states = parser_state.parse_conf.parse_table.states
        while True:
            skipped = _SKIP.match(text, counter.char_pos, end)
            if skipped:
                counter.feed(skipped.group())
            if counter.char_pos >= end:
                return
            accepts = states[parser_state.position]
            kind, value = self._next(text, counter.char_pos, end, accepts)
            if kind is None:
                raise UnexpectedCharacters(  # type: ignore[no-untyped-call]
                    text,
                    counter.char_pos,
                    counter.line,
                    counter.column,
                    allowed=set(accepts),
                    state=parser_state,
                    token_history=lexer_state.last_token and [lexer_state.last_token],
                    terminals_by_name=self.terminals_by_name,
                )
            token = Token(kind, value, counter.char_pos, counter.line, counter.column)
            counter.feed(value, kind == "STRING")
            token.end_line, token.end_column = counter.line, counter.column
            token.end_pos = counter.char_pos
            lexer_state.last_token = token
            yield token

    def _next(self, text: str, pos: int, end: int, accepts: Any) -> tuple[str | None, str]:
        if "LANG" in accepts:
            lang = _LANG.match(text, pos, end)
            if lang:
                return "LANG", lang.group()
        word = _WORD.match(text, pos, end)
        if word:
            return self._word(word.group(), accepts), word.group()
        other = self.other.match(text, pos, end)
        if other and other.lastgroup:
            return other.lastgroup, other.group()
        return None, ""

    def _word(self, word: str, accepts: Any) -> str:
        keyword = self.keywords.get(word)
        if keyword is not None and keyword in accepts:
            return keyword
        unit = self.units.get(word)
        if unit is not None and unit in accepts:
            return unit
        if "NAME" in accepts or keyword is None:
            return "NAME"
        return keyword  # neither fits: the parser reports the keyword as unexpected
