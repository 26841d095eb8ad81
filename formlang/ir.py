"""The resolved form: frozen dataclasses that every target consumes.

Produced by `formlang.resolve` from the syntax tree after names, imports,
code lists and types are resolved; read by the checks, the JSON Schema
compiler, the validator and the renderers. Nothing here knows the syntax
tree or Lark. Spans are kept for diagnostics and excluded from equality.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from formlang.record import Record
from formlang.source import Span
from formlang.types import FieldKind, Type

Path = tuple[str, ...]  # a data path: names of groups, repeats and the field


class Text(Record):
    """A user-facing string in every declared language: (("de", "…"), ("en", "…"))."""

    translations: tuple[tuple[str, str], ...]
    span: Span | None = field(default=None, compare=False, repr=False)

    def get(self, lang: str) -> str:
        """The text in `lang`, else in the default (first) language."""
        for tag, value in self.translations:
            if tag == lang:
                return value
        return self.translations[0][1] if self.translations else ""

    @property
    def default(self) -> str:
        return self.translations[0][1] if self.translations else ""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(tag for tag, _ in self.translations)


# ---- expressions ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duration:
    years: int = 0
    months: int = 0
    days: int = 0


Value = str | int | Decimal | bool | dt.date | dt.time | dt.datetime | Duration | None


class Literal(Record):
    value: Value | tuple[Value, ...]
    type: Type
    span: Span = field(compare=False, repr=False)


class Ref(Record):
    """A reference to a field or computed value.

    `path` is the target's full data path. Inside a repeat, the first
    `bound` repeats along the path are the current row; a ref that crosses
    further repeats yields a list (one item per row).
    """

    path: Path
    repeats: tuple[Path, ...]  # the data paths of the repeats along `path`, outermost first
    bound: int
    type: Type
    kind: str = (
        "field"  # field | computed | alternative (its value: the chosen branch) | group | repeat
    )
    span: Span = field(compare=False, repr=False)

    @property
    def is_list(self) -> bool:
        return self.bound < len(self.repeats)


class Call(Record):
    func: str
    args: tuple[Expr, ...]
    type: Type
    span: Span = field(compare=False, repr=False)


class Unary(Record):
    op: str  # "not" | "-"
    operand: Expr
    type: Type
    span: Span = field(compare=False, repr=False)


class Binary(Record):
    op: str  # or and == != < <= > >= in "not in" + - * /
    left: Expr
    right: Expr
    type: Type
    span: Span = field(compare=False, repr=False)


class ListValue(Record):
    items: tuple[Expr, ...]
    type: Type
    span: Span = field(compare=False, repr=False)


Expr = Literal | Ref | Call | Unary | Binary | ListValue


# ---- code lists -------------------------------------------------------------------


class Code(Record):
    value: str
    label: Text


class CodeList(Record):
    key: str  # unique in a form: the file or declaration it comes from
    name: str
    label: Text | None
    codes: tuple[Code, ...]
    uri: str | None = None
    version: str | None = None
    source: str | None = None
    span: Span | None = field(default=None, compare=False, repr=False)

    def code(self, value: str) -> Code | None:
        for code in self.codes:
            if code.value == value:
                return code
        return None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.codes)


# ---- elements -----------------------------------------------------------------------


class InfoKind(enum.Enum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    NOTE = "note"
    WARNING = "warning"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Constraints(Record):
    min: Expr | None = None
    max: Expr | None = None
    step: Expr | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: Text | None = None
    min_selected: int | None = None
    max_selected: int | None = None
    max_size: int | None = None  # bytes
    accept: tuple[str, ...] = ()


class Field(Record):
    name: str
    path: Path
    kind: FieldKind
    type: Type
    label: Text
    hint: Text | None = None
    optional: bool = False
    required_when: Expr | None = None
    when: Expr | None = None
    default: Expr | None = None
    readonly: bool = False
    autocomplete: str | None = None
    constraints: Constraints = Constraints()
    codelist: CodeList | None = None
    meta: tuple[tuple[str, str], ...] = ()
    span: Span = field(compare=False, repr=False)


class Computed(Record):
    name: str
    path: Path
    kind: FieldKind
    type: Type
    label: Text | None
    expr: Expr
    hint: Text | None = None
    when: Expr | None = None
    meta: tuple[tuple[str, str], ...] = ()
    span: Span = field(compare=False, repr=False)


class Info(Record):
    kind: InfoKind
    text: Text
    when: Expr | None = None
    span: Span = field(compare=False, repr=False)


class Group(Record):
    name: str
    path: Path
    label: Text | None
    children: tuple[Element, ...]
    hint: Text | None = None
    when: Expr | None = None
    module: str | None = None  # "file.form#group" when instantiated from a module
    meta: tuple[tuple[str, str], ...] = ()
    span: Span = field(compare=False, repr=False)


class Repeat(Record):
    name: str
    path: Path
    label: Text | None
    children: tuple[Element, ...]
    min: int = 0
    max: int | None = None
    item_label: Text | None = None
    hint: Text | None = None
    when: Expr | None = None
    module: str | None = None
    meta: tuple[tuple[str, str], ...] = ()
    span: Span = field(compare=False, repr=False)


class Alternative(Record):
    """Exactly one of several groups (FIM's Auswahlgruppe)."""

    name: str
    path: Path
    label: Text | None
    branches: tuple[Group, ...]
    hint: Text | None = None
    when: Expr | None = None
    optional: bool = False
    meta: tuple[tuple[str, str], ...] = ()
    span: Span = field(compare=False, repr=False)


class Page(Record):
    name: str
    label: Text | None
    children: tuple[Element, ...]
    hint: Text | None = None
    when: Expr | None = None
    span: Span = field(compare=False, repr=False)


Element = Field | Computed | Info | Group | Repeat | Alternative | Page


class Rule(Record):
    expr: Expr
    target: Path | None
    message: Text | None
    severity: Severity = Severity.ERROR
    when: Expr | None = None
    scope: Path = ()  # the repeat whose rows the rule runs in, if any
    span: Span = field(compare=False, repr=False)


# ---- scenario tests -------------------------------------------------------------------


class Expectation(Record):
    kind: str  # "valid" | "invalid" | "expr"
    expr: Expr | None = None
    span: Span = field(compare=False, repr=False)


class Scenario(Record):
    name: str
    given: dict[str, object]
    today: dt.date | None
    expectations: tuple[Expectation, ...]
    span: Span = field(compare=False, repr=False)


# ---- the form --------------------------------------------------------------------------


class Form(Record):
    id: str
    kind: str  # "form" | "module"
    version: str | None
    title: Text | None
    description: Text | None
    authority: Text | None
    legal: Text | None
    languages: tuple[str, ...]
    children: tuple[Element, ...]
    rules: tuple[Rule, ...]
    tests: tuple[Scenario, ...]
    codelists: tuple[CodeList, ...]
    path: str
    span: Span = field(compare=False, repr=False)

    @property
    def default_language(self) -> str:
        return self.languages[0]


def walk(elements: tuple[Element, ...]) -> list[Element]:
    """Every element below `elements`, depth first, in document order."""
    out: list[Element] = []
    stack = list(reversed(elements))
    while stack:
        element = stack.pop()
        out.append(element)
        stack.extend(reversed(children(element)))
    return out


def children(element: Element) -> tuple[Element, ...]:
    if isinstance(element, Group | Repeat | Page):
        return element.children
    if isinstance(element, Alternative):
        return element.branches
    return ()
