"""The syntax tree: what the parser produces and the formatter prints.

Nodes are frozen dataclasses whose `span` is left out of equality, so two
trees parsed from differently formatted texts compare equal when they say
the same thing. Tokens keep their raw text (string escapes, number
spelling) so the formatter can print them back unchanged. Comments are kept
beside the tree in `ParsedFile.comments`. Nothing here knows about Lark.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from formlang.record import Record
from formlang.source import Source, Span


class Node(Record):
    span: Span = field(compare=False, repr=False)


# ---- leaves -----------------------------------------------------------------


class Token(Node):
    """A name, number, string, language tag or unit, as written."""

    kind: str  # "name" | "string" | "number" | "lang" | "unit"
    raw: str

    @property
    def value(self) -> str:
        """The text a string token stands for; the raw text otherwise."""
        if self.kind != "string":
            return self.raw
        return unquote(self.raw)


def unquote(raw: str) -> str:
    body = raw[3:-3] if raw.startswith('"""') else raw[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            # Any other backslash stays, so a pattern reads as written: "^\d{5}$".
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


class TextPart(Node):
    lang: Token | None  # None: the form's default language
    string: Token


class Text(Node):
    """A user-facing string and its translations: "Name" @en "Name"."""

    parts: tuple[TextPart, ...]


# ---- expressions ------------------------------------------------------------


class Literal(Node):
    kind: str  # number string true false null date time datetime duration
    raw: str
    unit: str | None = None  # for durations: year(s), month(s), week(s), day(s)


class PathExpr(Node):
    names: tuple[Token, ...]

    @property
    def dotted(self) -> str:
        return ".".join(n.raw for n in self.names)


class Call(Node):
    func: Token
    args: tuple[Expr, ...]


class Unary(Node):
    op: str  # "not" | "-"
    operand: Expr


class Binary(Node):
    op: str  # or and == != < <= > >= in "not in" + - * /
    left: Expr
    right: Expr
    op_span: Span = field(compare=False, repr=False)


class ListExpr(Node):
    items: tuple[Expr, ...]


class Paren(Node):
    inner: Expr


Expr = Literal | PathExpr | Call | Unary | Binary | ListExpr | Paren


# ---- options ----------------------------------------------------------------

OptionArg = Token | Text | Literal | PathExpr | Call | Unary | Binary | ListExpr | Paren


class Option(Node):
    """`keyword args…`: optional, when EXPR, min EXPR, hint TEXT, …"""

    keyword: str
    args: tuple[OptionArg, ...] = ()
    keyword_span: Span = field(compare=False, repr=False)


# ---- statements -------------------------------------------------------------


class Setting(Node):
    key: str  # title | description | authority | legal
    text: Text


class Languages(Node):
    tags: tuple[Token, ...]


class Use(Node):
    names: tuple[Token, ...]
    path: Token


class CodeItem(Node):
    code: Token
    label: Text


class CodeBlock(Node):
    items: tuple[CodeItem, ...]
    close: Span = field(compare=False, repr=False)


class Codes(Node):
    name: Token
    label: Text | None
    path: Token | None
    options: tuple[Option, ...]
    block: CodeBlock | None


class Block(Node):
    items: tuple[Item, ...]
    close: Span = field(compare=False, repr=False)


class Page(Node):
    name: Token
    label: Text | None
    options: tuple[Option, ...]
    body: Block


class Group(Node):
    """`group name "Label" { … }`, or `group name: module_group` with no body."""

    name: Token
    uses: Token | None
    label: Text | None
    options: tuple[Option, ...]
    body: Block | None


class Repeat(Node):
    name: Token
    uses: Token | None
    label: Text | None
    options: tuple[Option, ...]
    body: Block | None


class Alternative(Node):
    name: Token
    label: Text | None
    options: tuple[Option, ...]
    body: Block


class TypeRef(Node):
    name: Token
    codelist: Token | None


class Field(Node):
    name: Token
    type: TypeRef
    label: Text | None
    parts: tuple[Option | CodeBlock, ...]

    @property
    def options(self) -> tuple[Option, ...]:
        return tuple(p for p in self.parts if isinstance(p, Option))

    @property
    def code_blocks(self) -> tuple[CodeBlock, ...]:
        return tuple(p for p in self.parts if isinstance(p, CodeBlock))


class Computed(Node):
    name: Token
    type: TypeRef
    label: Text | None
    expr: Expr
    options: tuple[Option, ...]


class Info(Node):
    kind: Token | None
    text: Text
    options: tuple[Option, ...]


class Rule(Node):
    expr: Expr
    options: tuple[Option, ...]


# ---- scenario tests -----------------------------------------------------------


class DataPair(Node):
    key: Token
    value: DataValue


class DataObject(Node):
    pairs: tuple[DataPair, ...]


class DataList(Node):
    items: tuple[DataValue, ...]


DataValue = Literal | DataObject | DataList


class Given(Node):
    data: DataObject


class Today(Node):
    date: Literal


class Expect(Node):
    kind: str  # "valid" | "invalid" | "expr"
    expr: Expr | None = None


class Test(Node):
    name: Token
    items: tuple[Given | Today | Expect, ...]
    close: Span = field(compare=False, repr=False)


Item = (
    Setting
    | Languages
    | Use
    | Codes
    | Page
    | Group
    | Repeat
    | Alternative
    | Field
    | Computed
    | Info
    | Rule
    | Test
)


class Document(Node):
    kind: str  # "form" | "module"
    name: Token
    version: Token | None
    items: tuple[Item, ...]
    close: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Comment:
    text: str  # including the leading '#'
    span: Span


@dataclass(frozen=True, slots=True)
class ParsedFile:
    source: Source
    document: Document | None
    comments: tuple[Comment, ...]
