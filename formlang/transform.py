"""Lark parse tree -> formlang syntax tree (`formlang.syntax`).

One of the two modules that know Lark. It only reshapes: no names are looked
up and nothing is checked here (that is the resolver's and checker's job).
"""

from __future__ import annotations

from typing import Any

from lark import Token as LarkToken
from lark import Tree
from lark.tree import Meta

from formlang import syntax as s
from formlang.source import Source, Span

_OPTION_KEYWORDS = {
    "opt_optional": "optional",
    "opt_readonly": "readonly",
    "opt_warning": "warning",
    "opt_required_when": "required",
    "opt_when": "when",
    "opt_hint": "hint",
    "opt_message": "message",
    "opt_item": "item",
    "opt_default": "default",
    "opt_min": "min",
    "opt_max": "max",
    "opt_step": "step",
    "opt_min_length": "min_length",
    "opt_max_length": "max_length",
    "opt_min_selected": "min_selected",
    "opt_max_selected": "max_selected",
    "opt_pattern": "pattern",
    "opt_max_size": "max_size",
    "opt_accept": "accept",
    "opt_autocomplete": "autocomplete",
    "opt_on": "on",
    "opt_label": "label",
    "opt_meta": "meta",
}

_TOKEN_KINDS = {
    "NAME": "name",
    "STRING": "string",
    "NUMBER": "number",
    "LANG": "lang",
    "LANG_AT": "lang",
    "SIZE_UNIT": "unit",
    "DURATION_UNIT": "unit",
}


def _option_builder(keyword: str) -> Any:
    def build(self: ToSyntax, meta: Meta, children: list[Any]) -> s.Option:
        span = self._span(meta)
        return s.Option(
            span=span,
            keyword=keyword,
            args=tuple(self._arg(c) for c in children),
            keyword_span=Span(span.source, span.start, span.start + len(keyword)),
        )

    return build


class ToSyntax:
    """Builds syntax nodes bottom-up; every node gets the span of its text.

    Each grammar rule has a method `rule(meta, children)`. The walk is
    iterative, so deeply nested input cannot exhaust the Python stack.
    """

    def __init__(self, source: Source) -> None:
        self.source = source

    def transform(self, root: Tree[LarkToken]) -> Any:
        order: list[Tree[LarkToken]] = []
        stack = [root]
        while stack:
            tree = stack.pop()
            order.append(tree)
            stack.extend(c for c in tree.children if isinstance(c, Tree))
        values: dict[int, Any] = {}
        for tree in reversed(order):  # every subtree comes before its parent
            children = [values.pop(id(c)) if isinstance(c, Tree) else c for c in tree.children]
            values[id(tree)] = getattr(self, tree.data)(tree.meta, children)
        return values[id(root)]

    # ---- helpers ------------------------------------------------------------

    def _span(self, meta: Meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.source, 0, 0)
        return Span(self.source, meta.start_pos, meta.end_pos)

    def _tok(self, tok: LarkToken) -> s.Token:
        kind = _TOKEN_KINDS.get(tok.type, "name")
        raw = str(tok)
        if tok.type == "LANG_AT":
            raw = raw[1:]
        start = tok.start_pos or 0
        return s.Token(span=Span(self.source, start, tok.end_pos or start), kind=kind, raw=raw)

    def _arg(self, child: Any) -> Any:
        return self._tok(child) if isinstance(child, LarkToken) else child

    def _split(self, children: list[Any]) -> tuple[list[s.Token], list[Any]]:
        toks = [self._tok(c) for c in children if isinstance(c, LarkToken)]
        rest = [c for c in children if not isinstance(c, LarkToken)]
        return toks, rest

    def _close(self, span: Span) -> Span:
        """The closing `}` of a block that ends at the end of `span`."""
        return Span(self.source, span.end - 1, span.end)

    # One method per `option` alternative of the grammar (opt_optional, opt_when, …):
    # the parser calls them while it parses, so each rule needs its own.
    for _rule, _keyword in _OPTION_KEYWORDS.items():
        locals()[_rule] = _option_builder(_keyword)

    # ---- document -----------------------------------------------------------

    def start(self, meta: Meta, children: list[Any]) -> s.Document | None:
        return children[0] if children else None

    def _document(self, kind: str, meta: Meta, children: list[Any]) -> s.Document:
        span = self._span(meta)
        name = self._tok(children[0])
        rest = children[1:]
        version = rest.pop(0) if rest and isinstance(rest[0], s.Token) else None
        return s.Document(
            span=span,
            kind=kind,
            name=name,
            version=version,
            items=tuple(rest),
            close=self._close(span),
        )

    def form(self, meta: Meta, children: list[Any]) -> s.Document:
        return self._document("form", meta, children)

    def module(self, meta: Meta, children: list[Any]) -> s.Document:
        return self._document("module", meta, children)

    def version(self, meta: Meta, children: list[Any]) -> s.Token:
        return self._tok(children[0])

    # ---- metadata -----------------------------------------------------------

    def setting(self, meta: Meta, children: list[Any]) -> s.Setting:
        return s.Setting(span=self._span(meta), key=str(children[0]), text=children[1])

    def languages(self, meta: Meta, children: list[Any]) -> s.Languages:
        return s.Languages(span=self._span(meta), tags=tuple(self._tok(c) for c in children))

    def use(self, meta: Meta, children: list[Any]) -> s.Use:
        toks = [self._tok(c) for c in children]
        return s.Use(span=self._span(meta), names=tuple(toks[:-1]), path=toks[-1])

    def text(self, meta: Meta, children: list[Any]) -> s.Text:
        toks = [self._tok(c) for c in children]
        parts = [s.TextPart(span=toks[0].span, lang=None, string=toks[0])]
        for lang, string in zip(toks[1::2], toks[2::2], strict=True):
            parts.append(s.TextPart(span=lang.span.to(string.span), lang=lang, string=string))
        return s.Text(span=self._span(meta), parts=tuple(parts))

    # ---- code lists ---------------------------------------------------------

    def codes_file(self, meta: Meta, children: list[Any]) -> s.Codes:
        return self._codes(meta, children, inline=False)

    def codes_inline(self, meta: Meta, children: list[Any]) -> s.Codes:
        return self._codes(meta, children, inline=True)

    def _codes(self, meta: Meta, children: list[Any], *, inline: bool) -> s.Codes:
        """`codes NAME "Label" from "file" options`, or `codes NAME "Label" options { … }`."""
        toks, rest = self._split(children)
        label = _pop_label(rest)
        block = rest.pop() if inline else None
        return s.Codes(
            span=self._span(meta),
            name=toks[0],
            label=label,
            path=None if inline else toks[1],
            options=tuple(rest),
            block=block,
        )

    def code_block(self, meta: Meta, children: list[Any]) -> s.CodeBlock:
        span = self._span(meta)
        return s.CodeBlock(span=span, items=tuple(children), close=self._close(span))

    def code_item(self, meta: Meta, children: list[Any]) -> s.CodeItem:
        return s.CodeItem(span=self._span(meta), code=self._tok(children[0]), label=children[1])

    # ---- elements -----------------------------------------------------------

    def block(self, meta: Meta, children: list[Any]) -> s.Block:
        span = self._span(meta)
        return s.Block(span=span, items=tuple(children), close=self._close(span))

    def _with_body(self, meta: Meta, children: list[Any]) -> dict[str, Any]:
        """The parts of `page|group|repeat|alternative NAME "Label" options { … }`."""
        name = self._tok(children[0])
        rest = list(children[1:])
        label = _pop_label(rest)
        body = rest.pop()
        return {
            "span": self._span(meta),
            "name": name,
            "label": label,
            "options": tuple(rest),
            "body": body,
        }

    def _using(self, meta: Meta, children: list[Any]) -> dict[str, Any]:
        """The parts of `group|repeat NAME: module_group "Label" options`, which has no body."""
        rest = list(children[2:])
        label = _pop_label(rest)
        return {
            "span": self._span(meta),
            "name": self._tok(children[0]),
            "uses": self._tok(children[1]),
            "label": label,
            "options": tuple(rest),
            "body": None,
        }

    def page(self, meta: Meta, children: list[Any]) -> s.Page:
        return s.Page(**self._with_body(meta, children))

    def group(self, meta: Meta, children: list[Any]) -> s.Group:
        return s.Group(uses=None, **self._with_body(meta, children))

    def group_use(self, meta: Meta, children: list[Any]) -> s.Group:
        return s.Group(**self._using(meta, children))

    def repeat(self, meta: Meta, children: list[Any]) -> s.Repeat:
        return s.Repeat(uses=None, **self._with_body(meta, children))

    def repeat_use(self, meta: Meta, children: list[Any]) -> s.Repeat:
        return s.Repeat(**self._using(meta, children))

    def alternative(self, meta: Meta, children: list[Any]) -> s.Alternative:
        return s.Alternative(**self._with_body(meta, children))

    def type_ref(self, meta: Meta, children: list[Any]) -> s.TypeRef:
        toks = [self._tok(c) for c in children]
        return s.TypeRef(
            span=self._span(meta), name=toks[0], codelist=toks[1] if len(toks) > 1 else None
        )

    def field(self, meta: Meta, children: list[Any]) -> s.Field:
        name = self._tok(children[0])
        type_ref = children[1]
        rest = list(children[2:])
        label = _pop_label(rest)
        # Options first, then code blocks: the formatter prints them so, and
        # where the author put the block among the options means nothing.
        options = [p for p in rest if isinstance(p, s.Option)]
        blocks = [p for p in rest if not isinstance(p, s.Option)]
        return s.Field(
            span=self._span(meta),
            name=name,
            type=type_ref,
            label=label,
            parts=tuple(options + blocks),
        )

    def computed(self, meta: Meta, children: list[Any]) -> s.Computed:
        name = self._tok(children[0])
        type_ref = children[1]
        rest = list(children[2:])
        label = _pop_label(rest)
        expr = rest.pop(0)
        return s.Computed(
            span=self._span(meta),
            name=name,
            type=type_ref,
            label=label,
            expr=expr,
            options=tuple(rest),
        )

    def info(self, meta: Meta, children: list[Any]) -> s.Info:
        kind = self._tok(children[0]) if isinstance(children[0], LarkToken) else None
        rest = children[1:] if kind else children
        return s.Info(span=self._span(meta), kind=kind, text=rest[0], options=tuple(rest[1:]))

    def rule(self, meta: Meta, children: list[Any]) -> s.Rule:
        return s.Rule(span=self._span(meta), expr=children[0], options=tuple(children[1:]))

    # ---- scenario tests -----------------------------------------------------

    def test(self, meta: Meta, children: list[Any]) -> s.Test:
        span = self._span(meta)
        return s.Test(
            span=span,
            name=self._tok(children[0]),
            items=tuple(children[1:]),
            close=self._close(span),
        )

    def test_given(self, meta: Meta, children: list[Any]) -> s.Given:
        return s.Given(span=self._span(meta), data=children[0])

    def test_today(self, meta: Meta, children: list[Any]) -> s.Today:
        tok = self._tok(children[0])
        return s.Today(
            span=self._span(meta), date=s.Literal(span=tok.span, kind="date", raw=tok.raw)
        )

    def expect_valid(self, meta: Meta, children: list[Any]) -> s.Expect:
        return s.Expect(span=self._span(meta), kind="valid")

    def expect_invalid(self, meta: Meta, children: list[Any]) -> s.Expect:
        return s.Expect(span=self._span(meta), kind="invalid")

    def expect_expr(self, meta: Meta, children: list[Any]) -> s.Expect:
        return s.Expect(span=self._span(meta), kind="expr", expr=children[0])

    def data_object(self, meta: Meta, children: list[Any]) -> s.DataObject:
        return s.DataObject(span=self._span(meta), pairs=tuple(children))

    def pair(self, meta: Meta, children: list[Any]) -> s.DataPair:
        return s.DataPair(span=self._span(meta), key=self._tok(children[0]), value=children[1])

    def value_list(self, meta: Meta, children: list[Any]) -> s.DataList:
        return s.DataList(span=self._span(meta), items=tuple(children))

    def negative_number(self, meta: Meta, children: list[Any]) -> s.Literal:
        return s.Literal(span=self._span(meta), kind="number", raw="-" + str(children[0]))

    # ---- expressions --------------------------------------------------------

    def _binary_chain(self, children: list[Any], op: str | None = None) -> s.Expr:
        """Folds `a op b op c` to the left, iteratively (long chains are fine)."""
        result: s.Expr = children[0]
        i = 1
        while i < len(children):
            if op is None:
                op_tok, right = children[i], children[i + 1]
                op_text, op_span = op_tok
                i += 2
            else:
                right, op_text = children[i], op
                op_span = Span(self.source, result.span.end, right.span.start)
                i += 1
            result = s.Binary(
                span=result.span.to(right.span),
                op=op_text,
                left=result,
                right=right,
                op_span=op_span,
            )
        return result

    def or_expr(self, meta: Meta, children: list[Any]) -> s.Expr:
        return self._binary_chain(children, "or")

    def and_expr(self, meta: Meta, children: list[Any]) -> s.Expr:
        return self._binary_chain(children, "and")

    def comparison(self, meta: Meta, children: list[Any]) -> s.Expr:
        return self._binary_chain(children)

    def sum_expr(self, meta: Meta, children: list[Any]) -> s.Expr:
        return self._binary_chain(children)

    def product(self, meta: Meta, children: list[Any]) -> s.Expr:
        return self._binary_chain(children)

    def _op(self, meta: Meta, children: list[Any]) -> tuple[str, Span]:
        return " ".join(str(c) for c in children), self._span(meta)

    comp_op = add_op = mul_op = _op

    def not_(self, meta: Meta, children: list[Any]) -> s.Unary:
        return s.Unary(span=self._span(meta), op="not", operand=children[0])

    def neg(self, meta: Meta, children: list[Any]) -> s.Unary | s.Literal:
        operand = children[0]
        if (
            isinstance(operand, s.Literal)
            and operand.kind == "number"
            and operand.unit is None
            and not operand.raw.startswith("-")
        ):
            # -5 is one number, as in data; the formatter then keeps `min -5` inline.
            return s.Literal(span=self._span(meta), kind="number", raw="-" + operand.raw)
        return s.Unary(span=self._span(meta), op="-", operand=operand)

    def call(self, meta: Meta, children: list[Any]) -> s.Call:
        return s.Call(span=self._span(meta), func=self._tok(children[0]), args=tuple(children[1:]))

    def path(self, meta: Meta, children: list[Any]) -> s.PathExpr:
        return s.PathExpr(span=self._span(meta), names=tuple(self._tok(c) for c in children))

    def list_expr(self, meta: Meta, children: list[Any]) -> s.ListExpr:
        return s.ListExpr(span=self._span(meta), items=tuple(children))

    def paren(self, meta: Meta, children: list[Any]) -> s.Paren:
        return s.Paren(span=self._span(meta), inner=children[0])

    def _literal(self, kind: str, meta: Meta, children: list[Any]) -> s.Literal:
        raw = str(children[0]) if children else kind
        unit = str(children[1]) if len(children) > 1 else None
        return s.Literal(span=self._span(meta), kind=kind, raw=raw, unit=unit)

    def number(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("number", meta, children)

    def string(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("string", meta, children)

    def true(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("true", meta, [])

    def false(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("false", meta, [])

    def null(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("null", meta, [])

    def date(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("date", meta, children)

    def time(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("time", meta, children)

    def datetime(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("datetime", meta, children)

    def duration(self, meta: Meta, children: list[Any]) -> s.Literal:
        return self._literal("duration", meta, children)


def _pop_label(rest: list[Any]) -> s.Text | None:
    """Takes the label off the front of a statement's remaining parts, if it has one."""
    return rest.pop(0) if rest and isinstance(rest[0], s.Text) else None
