"""The canonical formatter: syntax tree (with its comments) -> `.form` text.

It prints `formlang.syntax` trees, never Lark's, and keeps every comment
(`formlang.fmt_comments` puts them back between the printed lines).
The style, which has no settings:

1. Two spaces per block level. Statements keep their order. Where the
   source had one or more blank lines before a statement (or an own-line
   comment), one blank line is kept; never right after `{` or right before
   `}`. No trailing spaces; the file ends with exactly one newline. Line
   ends are LF (CRLF and CR input is read as LF).
2. `form NAME version "x" {` … `}` (and the same for `module`).
3. Each statement starts with its header line: `field name: type from list
   "Label" @en "Label"`, `group inhaber: person "Label"`, `page betrieb
   "Angaben" {`, `computed total: integer "Summe" = a + b`, `info note
   "Text"`, `rule EXPR`, `codes staat "Staat" from "staat.csv"`, `use a, b
   from "x.form"`, `languages de, en`, `title "…" @en "…"`, `test "name" {`.
   A text is one line: its default string, then each `@lang "…"`.
4. Options keep their order. Inline options are `optional`, `readonly`,
   `warning`, `on PATH`, `min_length N`, `max_length N`, `min_selected N`,
   `max_selected N`, `max_size N UNIT`, `autocomplete "…"`, and `min`,
   `max`, `step`, `default` with a single literal. All others (`when`,
   `required when`, `hint`, `message`, `item`, `label`, `meta`, `pattern`,
   `accept`, and `min`/`max`/`step`/`default` with any other expression)
   are continuation options. The header line takes the leading run of
   inline options; from the first continuation option on, every option has
   a line of its own.
5. Continuation lines are indented 2 more than the statement, or 4 more
   when the statement has a block (page, group, repeat, alternative, a
   field with codes, inline codes). The block's `{` ends the last header or
   continuation line, its items are indented 2 more than the statement and
   its `}` stands at the statement's indent:

       repeat gesellschafter "Gesellschafter" min 1 max 20
           when rechtsform in ["gbr", "ohg"] {
         group person: person
       }

   An empty block is written `{` and, on the next line, `}`.
6. Code items: one a line, `code "Label" @en "Label"`, the code as written.
7. Expressions: one space around binary operators, `not x`, `-x`,
   `f(a, b)`, `["a", "b"]`, dotted paths, parentheses only where the author
   wrote them, literals as written (`1 year`).
8. Tests: `test "name" {`, then one item a line: `today 2025-01-01`,
   `given { a: 1, b: "x" }`, `expect valid`, `expect invalid`, `expect
   EXPR`. A `given` object is one line, `{ a: 1, b: [1, 2], c: { d: "x" } }`,
   if that fits in 100 columns and holds no comment; otherwise one `key:
   value` a line without commas, each nested object or list kept on its key's
   line if it fits (and holds no comment) and else opened there and closed
   at the key's indent; items of an opened list end with `,`. Empty: `{}`,
   `[]`.
9. Comments keep their text (without trailing spaces). A comment on a line
   of its own stays on its own line, before the first output line that
   comes after it in the source, indented like that line (like a block's
   items when that line is a `}`). A comment after code stays at the end of
   the last output line printed from its source line, two spaces after the
   code; if that line already has one, or it would break source order, the
   comment moves onto its own line. Comments before the document or after
   its `}` stay there. Every comment is printed once, in source order.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from formlang import syntax as s
from formlang.diagnostics import Diagnostic
from formlang.fmt_comments import Line, render
from formlang.parser import parse
from formlang.source import Source, Span

LINE_WIDTH = 100
_INLINE_OPTIONS = frozenset(
    {"optional", "readonly", "warning", "on", "autocomplete", "max_size"}
    | {"min_length", "max_length", "min_selected", "max_selected"}
)
_LITERAL_OPTIONS = frozenset({"min", "max", "step", "default"})
_SKIP_TO_BRACE = re.compile(r"(?:\s+|#[^\n]*)*")


def format_text(text: str, path: str = "<string>") -> tuple[str | None, list[Diagnostic]]:
    """Format one file's text; `(None, diagnostics)` if it has syntax errors."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    parsed, diags = parse(Source(text, path))
    if parsed.document is None or any(d.is_error for d in diags):
        return None, diags
    return format_parsed(parsed), []


def format_parsed(parsed: s.ParsedFile) -> str:
    """The canonical text of a parsed file (which must have a document)."""
    if parsed.document is None:
        raise ValueError("cannot format a file with syntax errors")
    printer = _Printer(parsed.source, parsed.comments)
    lines = printer.document(parsed.document)
    return render(parsed.source, lines, parsed.comments)


# ---- blocks of output lines -------------------------------------------------


@dataclass(slots=True)
class _Body:
    """A `{ … }` block: where it opens, its lines, where it closes."""

    open: Span
    lines: list[Line]
    close: Span


def _between(a: Span, b: Span) -> Span:
    return Span(a.source, a.start, b.end)


# ---- expressions and small pieces ---------------------------------------------


def _text(text: s.Text) -> str:
    return " ".join(
        p.string.raw if p.lang is None else f"@{p.lang.raw} {p.string.raw}" for p in text.parts
    )


def _literal(lit: s.Literal) -> str:
    return f"{lit.raw} {lit.unit}" if lit.unit else lit.raw


def expr_text(expr: s.Expr) -> str:
    """An expression on one line, parenthesised exactly where the tree says."""
    if isinstance(expr, s.Binary):
        return _binary(expr)
    if isinstance(expr, s.Literal):
        return _literal(expr)
    if isinstance(expr, s.PathExpr):
        return expr.dotted
    if isinstance(expr, s.Call):
        return f"{expr.func.raw}({', '.join(expr_text(a) for a in expr.args)})"
    if isinstance(expr, s.Unary):
        sep = " " if expr.op == "not" else ""
        return f"{expr.op}{sep}{expr_text(expr.operand)}"
    if isinstance(expr, s.ListExpr):
        return f"[{', '.join(expr_text(i) for i in expr.items)}]"
    return f"({expr_text(expr.inner)})"


def _binary(expr: s.Binary) -> str:
    # Chains fold to the left and may be long: walk the left spine in a loop.
    tail: list[str] = []
    node: s.Expr = expr
    while isinstance(node, s.Binary):
        tail.append(f" {node.op} {expr_text(node.right)}")
        node = node.left
    return expr_text(node) + "".join(reversed(tail))


def _arg(arg: s.OptionArg) -> str:
    if isinstance(arg, s.Token):
        return arg.raw
    if isinstance(arg, s.Text):
        return _text(arg)
    return expr_text(arg)


def option_text(option: s.Option) -> str:
    args = [_arg(a) for a in option.args]
    if option.keyword == "required":
        return f"required when {args[0]}"
    if option.keyword == "accept":
        return f"accept {', '.join(args)}"
    return " ".join([option.keyword, *args])


def is_inline(option: s.Option) -> bool:
    """Whether the option may stay on its statement's header line."""
    if option.keyword in _INLINE_OPTIONS:
        return True
    return (
        option.keyword in _LITERAL_OPTIONS
        and len(option.args) == 1
        and isinstance(option.args[0], s.Literal)
    )


def _labelled(head: str, label: s.Text | None) -> str:
    return f"{head} {_text(label)}" if label else head


def _type(ref: s.TypeRef) -> str:
    return f"{ref.name.raw} from {ref.codelist.raw}" if ref.codelist else ref.name.raw


def _flat(value: s.DataValue) -> str:
    if isinstance(value, s.Literal):
        return _literal(value)
    if isinstance(value, s.DataList):
        return f"[{', '.join(_flat(v) for v in value.items)}]"
    if not value.pairs:
        return "{}"
    return "{ " + ", ".join(f"{p.key.raw}: {_flat(p.value)}" for p in value.pairs) + " }"


# ---- statements -> lines -------------------------------------------------------


class _Printer:
    """Turns the tree into `Line`s; each line knows the spans it came from."""

    def __init__(self, source: Source, comments: Sequence[s.Comment]) -> None:
        self.source = source
        self._comment_starts = sorted(c.span.start for c in comments)

    def document(self, doc: s.Document) -> list[Line]:
        last = doc.version or doc.name
        head = f"{doc.kind} {doc.name.raw}"
        if doc.version:
            head += f" version {doc.version.raw}"
        body = _Body(self._brace_after(last.span.end), self.items(doc.items, 2), doc.close)
        lines = self.statement(0, head, _between(doc.span, last.span), (), [body])
        lines[0].item = True
        return lines

    def items(self, items: Sequence[s.Item], indent: int) -> list[Line]:
        out: list[Line] = []
        for item in items:
            lines = self.item(item, indent)
            lines[0].item = True
            out.extend(lines)
        return out

    def item(self, item: s.Item, indent: int) -> list[Line]:
        if isinstance(item, s.Setting):
            return self.statement(indent, f"{item.key} {_text(item.text)}", item.span)
        if isinstance(item, s.Languages):
            tags = ", ".join(t.raw for t in item.tags)
            return self.statement(indent, f"languages {tags}", item.span)
        if isinstance(item, s.Use):
            names = ", ".join(t.raw for t in item.names)
            return self.statement(indent, f"use {names} from {item.path.raw}", item.span)
        if isinstance(item, s.Codes):
            return self.codes(item, indent)
        if isinstance(item, s.Field):
            return self.field(item, indent)
        if isinstance(item, s.Computed | s.Info | s.Rule):
            return self.simple(item, indent)
        if isinstance(item, s.Test):
            return self.test(item, indent)
        return self.element(item, indent)

    def statement(
        self,
        indent: int,
        head: str,
        head_span: Span,
        options: Sequence[s.Option] = (),
        bodies: Sequence[_Body] = (),
    ) -> list[Line]:
        """Header line with the leading inline options, continuations, blocks."""
        count = 0
        while count < len(options) and is_inline(options[count]):
            count += 1
        inline = options[:count]
        text = " ".join([head, *(option_text(o) for o in inline)])
        lines = [Line(indent, text, [head_span, *(o.span for o in inline)])]
        step = 4 if bodies else 2
        lines += [Line(indent + step, option_text(o), [o.span]) for o in options[count:]]
        last = lines[-1]
        for body in bodies:
            last.text += " {"
            last.spans.append(body.open)
            last.opens = True
            lines += body.lines
            last = Line(indent, "}", [body.close], closes=True)
            lines.append(last)
        return lines

    def codes(self, codes: s.Codes, indent: int) -> list[Line]:
        head = _labelled(f"codes {codes.name.raw}", codes.label)
        if codes.path:
            head += f" from {codes.path.raw}"
        last = codes.path or codes.label or codes.name
        bodies = [self.code_body(codes.block, indent)] if codes.block else []
        return self.statement(indent, head, _between(codes.span, last.span), codes.options, bodies)

    def field(self, item: s.Field, indent: int) -> list[Line]:
        head = _labelled(f"field {item.name.raw}: {_type(item.type)}", item.label)
        last = item.label or item.type
        bodies = [self.code_body(b, indent) for b in item.code_blocks]
        return self.statement(indent, head, _between(item.span, last.span), item.options, bodies)

    def simple(self, item: s.Computed | s.Info | s.Rule, indent: int) -> list[Line]:
        last: s.Node
        if isinstance(item, s.Computed):
            head = _labelled(f"computed {item.name.raw}: {_type(item.type)}", item.label)
            head += f" = {expr_text(item.expr)}"
            last = item.expr
        elif isinstance(item, s.Info):
            head = _labelled("info" + (f" {item.kind.raw}" if item.kind else ""), item.text)
            last = item.text
        else:
            head, last = f"rule {expr_text(item.expr)}", item.expr
        return self.statement(indent, head, _between(item.span, last.span), item.options)

    def element(self, item: s.Page | s.Group | s.Repeat | s.Alternative, indent: int) -> list[Line]:
        keyword = type(item).__name__.lower()
        head = f"{keyword} {item.name.raw}"
        last: s.Node = item.name
        if isinstance(item, s.Group | s.Repeat) and item.uses:
            head, last = f"{head}: {item.uses.raw}", item.uses
        head = _labelled(head, item.label)
        last = item.label or last
        bodies = [self.block_body(item.body, indent)] if item.body else []
        return self.statement(indent, head, _between(item.span, last.span), item.options, bodies)

    def code_body(self, block: s.CodeBlock, indent: int) -> _Body:
        lines = [
            Line(indent + 2, f"{c.code.raw} {_text(c.label)}", [c.span], item=True)
            for c in block.items
        ]
        return _Body(self._open(block.span), lines, block.close)

    def block_body(self, block: s.Block, indent: int) -> _Body:
        return _Body(self._open(block.span), self.items(block.items, indent + 2), block.close)

    # ---- scenario tests -------------------------------------------------------

    def test(self, test: s.Test, indent: int) -> list[Line]:
        lines: list[Line] = []
        for item in test.items:
            item_lines = self.test_item(item, indent + 2)
            item_lines[0].item = True
            lines += item_lines
        body = _Body(self._brace_after(test.name.span.end), lines, test.close)
        head_span = _between(test.span, test.name.span)
        return self.statement(indent, f"test {test.name.raw}", head_span, (), [body])

    def test_item(self, item: s.Given | s.Today | s.Expect, indent: int) -> list[Line]:
        if isinstance(item, s.Given):
            return self.value(indent, "given ", item.data, item.span, "")
        if isinstance(item, s.Today):
            text = f"today {item.date.raw}"
        elif item.expr is not None:
            text = f"expect {expr_text(item.expr)}"
        else:
            text = f"expect {item.kind}"
        return [Line(indent, text, [item.span])]

    def value(
        self, indent: int, prefix: str, value: s.DataValue, start: Span, suffix: str
    ) -> list[Line]:
        """`prefix value suffix` on one line if it fits, else opened and closed."""
        flat = f"{prefix}{_flat(value)}{suffix}"
        if isinstance(value, s.Literal) or (
            indent + len(flat) <= LINE_WIDTH and not self._has_comment(value.span)
        ):
            return [Line(indent, flat, [_between(start, value.span)])]
        is_list = isinstance(value, s.DataList)
        opener = Span(self.source, start.start, value.span.start + 1)
        closer = Span(self.source, value.span.end - 1, value.span.end)
        return [
            Line(indent, prefix + ("[" if is_list else "{"), [opener], opens=True),
            *self.members(indent + 2, value),
            Line(indent, ("]" if is_list else "}") + suffix, [closer], closes=True),
        ]

    def members(self, indent: int, value: s.DataObject | s.DataList) -> list[Line]:
        out: list[Line] = []
        if isinstance(value, s.DataList):
            for item in value.items:
                out += self.value(indent, "", item, item.span, ",")
        else:
            for pair in value.pairs:
                out += self.value(indent, f"{pair.key.raw}: ", pair.value, pair.key.span, "")
        return out

    # ---- source positions -----------------------------------------------------

    def _has_comment(self, span: Span) -> bool:
        i = bisect.bisect_right(self._comment_starts, span.start)
        return i < len(self._comment_starts) and self._comment_starts[i] < span.end

    def _open(self, span: Span) -> Span:
        return Span(self.source, span.start, span.start + 1)

    def _brace_after(self, offset: int) -> Span:
        """The `{` after a header whose node has no span for it."""
        match = _SKIP_TO_BRACE.match(self.source.text, offset)
        start = match.end() if match else offset
        return Span(self.source, start, start + 1)
