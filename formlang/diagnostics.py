"""Diagnostics: what every stage reports instead of raising.

A `Diagnostic` has a stable code (listed in `CODES` and documented in
docs/diagnostics.md), a severity, a message, a span, related locations and
an optional hint. `render_text` prints it like a compiler (file:line:col,
the source lines, a caret line); `to_json` gives the same for tools.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from formlang.source import Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Related:
    """Another location that explains a diagnostic ("first defined here")."""

    message: str
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    related: tuple[Related, ...] = ()
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.start, self.span.end, self.code)


# code -> (default severity, title). One entry per rule; docs/diagnostics.md
# documents each, and a test keeps the two lists equal.
CODES: dict[str, tuple[Severity, str]] = {
    # 1xx: reading and syntax
    "FL100": (Severity.ERROR, "cannot read file"),
    "FL101": (Severity.ERROR, "file too large"),
    "FL102": (Severity.ERROR, "nesting too deep"),
    "FL103": (Severity.ERROR, "not a UTF-8 text file"),
    "FL104": (Severity.ERROR, "empty file"),
    "FL110": (Severity.ERROR, "syntax error: unexpected token"),
    "FL111": (Severity.ERROR, "syntax error: unexpected end of file"),
    "FL112": (Severity.ERROR, "syntax error: unexpected character"),
    "FL113": (Severity.ERROR, "invalid string literal"),
    # 2xx: names and declarations
    "FL200": (Severity.ERROR, "unknown name"),
    "FL201": (Severity.ERROR, "unknown field type"),
    "FL202": (Severity.ERROR, "option not allowed here"),
    "FL203": (Severity.ERROR, "duplicate name"),
    "FL204": (Severity.ERROR, "unknown code list"),
    "FL205": (Severity.ERROR, "unknown module group"),
    "FL206": (Severity.ERROR, "unknown function"),
    "FL207": (Severity.ERROR, "duplicate option"),
    "FL208": (Severity.ERROR, "duplicate code"),
    "FL209": (Severity.ERROR, "missing label"),
    "FL210": (Severity.ERROR, "invalid name"),
    "FL211": (Severity.ERROR, "invalid version"),
    "FL212": (Severity.ERROR, "invalid language tag"),
    "FL213": (Severity.ERROR, "choice without codes"),
    "FL214": (Severity.ERROR, "element outside a page"),
    "FL215": (Severity.ERROR, "statement not allowed here"),
    "FL216": (Severity.ERROR, "unknown info kind"),
    "FL217": (Severity.ERROR, "duplicate setting"),
    "FL218": (Severity.ERROR, "not a value"),
    "FL219": (Severity.ERROR, "missing setting"),
    # 3xx: types and expressions
    "FL300": (Severity.ERROR, "incompatible types"),
    "FL301": (Severity.ERROR, "operator not applicable"),
    "FL302": (Severity.ERROR, "condition is not a yes/no value"),
    "FL303": (Severity.ERROR, "not a code of this choice"),
    "FL304": (Severity.ERROR, "wrong function arguments"),
    "FL305": (Severity.ERROR, "computed value has the wrong type"),
    "FL306": (Severity.ERROR, "list where a single value is needed"),
    "FL307": (Severity.ERROR, "default value does not fit the field"),
    "FL308": (Severity.ERROR, "invalid literal"),
    # 4xx: constraints
    "FL400": (Severity.ERROR, "constraint not valid for this type"),
    "FL401": (Severity.ERROR, "lower bound above upper bound"),
    "FL402": (Severity.ERROR, "pattern not portable"),
    "FL403": (Severity.ERROR, "unknown autocomplete token"),
    "FL404": (Severity.ERROR, "invalid media type"),
    "FL405": (Severity.ERROR, "invalid bound"),
    # 5xx: logic
    "FL500": (Severity.ERROR, "computed value depends on itself"),
    "FL501": (Severity.ERROR, "required field can never be visible"),
    "FL502": (Severity.WARNING, "condition can never be true"),
    "FL503": (Severity.WARNING, "condition is always true"),
    "FL504": (Severity.ERROR, "condition refers to its own element"),
    # 6xx: languages
    "FL600": (Severity.ERROR, "missing translation"),
    "FL601": (Severity.ERROR, "translation for an undeclared language"),
    "FL602": (Severity.ERROR, "duplicate translation"),
    "FL603": (Severity.WARNING, "code list without translations"),
    # 7xx: imports and code list files
    "FL700": (Severity.ERROR, "import not found"),
    "FL701": (Severity.ERROR, "import cycle"),
    "FL702": (Severity.ERROR, "name not defined in module"),
    "FL703": (Severity.ERROR, "imported file is not a module"),
    "FL704": (Severity.ERROR, "code list file not found"),
    "FL705": (Severity.ERROR, "invalid code list file"),
    # 8xx: scenario tests
    "FL800": (Severity.ERROR, "test data names an unknown field"),
    "FL801": (Severity.ERROR, "test data does not fit the field"),
    "FL802": (Severity.ERROR, "invalid expectation"),
    "FL803": (Severity.ERROR, "duplicate test name"),
}


def make(
    code: str,
    message: str,
    span: Span,
    *,
    hint: str | None = None,
    related: Iterable[Related] = (),
    severity: Severity | None = None,
) -> Diagnostic:
    """A diagnostic with the registered default severity of `code`."""
    default = CODES[code][0]
    return Diagnostic(
        code=code,
        message=message,
        span=span,
        severity=severity or default,
        related=tuple(related),
        hint=hint,
    )


def sort(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by place, without exact duplicates."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for diag in sorted(diagnostics, key=Diagnostic.sort_key):
        key = (diag.code, diag.message, diag.span.path, diag.span.start)
        if key not in seen:
            seen.add(key)
            out.append(diag)
    return out


@dataclass(slots=True)
class Style:
    """ANSI colours for a terminal; all empty for a pipe."""

    bold: str = ""
    red: str = ""
    yellow: str = ""
    blue: str = ""
    cyan: str = ""
    reset: str = ""

    @classmethod
    def ansi(cls) -> Style:
        return cls("\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[34m", "\x1b[36m", "\x1b[0m")


_EXCERPT_LINES = 4
_MAX_LINE = 200


def render_text(diag: Diagnostic, style: Style | None = None) -> str:
    """The compiler-style text of one diagnostic, with source excerpt."""
    s = style or Style()
    colour = s.red if diag.is_error else s.yellow
    head = (
        f"{s.bold}{diag.span}: {colour}{diag.severity.value}[{diag.code}]{s.reset}"
        f"{s.bold}: {_printable(diag.message)}{s.reset}"
    )
    lines = [head, *_excerpt(diag.span, s)]
    for rel in diag.related:
        lines.append(f"  {s.cyan}note{s.reset}: {_printable(rel.message)} at {rel.span}")
    if diag.hint:
        lines.append(f"  {s.cyan}help{s.reset}: {_printable(diag.hint)}")
    return "\n".join(lines)


def _excerpt(span: Span, s: Style) -> list[str]:
    source = span.source
    if not source.text:
        return []
    first, last = span.begin, span.finish
    if span.end > span.start and last.column == 1 and last.line > first.line:
        last = source.position(span.end - 1)  # a span ending at a line break
    end_line = min(last.line, first.line + _EXCERPT_LINES - 1)
    width = len(str(end_line))
    out = []
    if first.line > 1 and first.line == end_line:
        prev = source.line_text(first.line - 1)
        if prev.strip():
            out.append(f"{s.blue}{first.line - 1:>{width}} |{s.reset} {_clip(prev)}")
    for line in range(first.line, end_line + 1):
        text = source.line_text(line)
        out.append(f"{s.blue}{line:>{width}} |{s.reset} {_clip(text)}")
        start_col = first.column if line == first.line else _indent(text) + 1
        end_col = last.column if line == last.line else len(text) + 1
        if line == last.line and span.end == span.start:
            end_col = start_col + 1
        end_col = max(end_col, start_col + 1)
        start_col, end_col = min(start_col, _MAX_LINE + 1), min(end_col, _MAX_LINE + 2)
        carets = " " * (_display_width(text[: start_col - 1])) + "^" * (end_col - start_col)
        out.append(f"{s.blue}{'':>{width}} |{s.reset} {colour_carets(carets, s)}")
    return out


def colour_carets(carets: str, s: Style) -> str:
    return f"{s.red}{carets}{s.reset}" if s.red else carets


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _clip(text: str) -> str:
    text = _printable(text)
    return text if len(text) <= _MAX_LINE else text[:_MAX_LINE] + " …"


# Control characters from a file must not reach the terminal (an escape
# sequence could recolour or retitle it); one replacement keeps the width.
_CONTROLS = {c: "\ufffd" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
_CONTROLS[ord("\t")] = " "
_CONTROLS[ord("\n")] = "\n"


def _printable(text: str) -> str:
    return text.translate(_CONTROLS)


def _display_width(prefix: str) -> int:
    return len(prefix[:_MAX_LINE])


def to_json(diag: Diagnostic) -> dict[str, Any]:
    begin, finish = diag.span.begin, diag.span.finish
    return {
        "code": diag.code,
        "severity": diag.severity.value,
        "message": diag.message,
        "file": diag.span.path,
        "line": begin.line,
        "column": begin.column,
        "end_line": finish.line,
        "end_column": finish.column,
        "hint": diag.hint,
        "related": [
            {
                "message": r.message,
                "file": r.span.path,
                "line": r.span.begin.line,
                "column": r.span.begin.column,
            }
            for r in diag.related
        ],
    }


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts) if parts else "no problems"


@dataclass(slots=True)
class Collector:
    """Gathers the diagnostics of one run; stages append, nobody raises."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diag: Diagnostic) -> None:
        self.items.append(diag)

    def error(self, code: str, message: str, span: Span, **kw: Any) -> None:
        self.items.append(make(code, message, span, **kw))

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        self.items.extend(diags)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)
