"""Building one field: its type, label, options and constraints (resolver stage).

Part of the second pass (`formlang.build`): checks that each option fits the
field's type, that defaults and bounds are fixed values of the right type,
that lower bounds do not exceed upper ones, and turns it all into
`ir.Field` with its `ir.Constraints`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from formlang import diagnostics as d
from formlang import ir
from formlang import options as opt
from formlang import syntax as s
from formlang.declare import Decl
from formlang.ir_refs import refs
from formlang.patterns import check_pattern
from formlang.types import ANY, DECIMAL, FieldKind, Kind, Type, assignable

if TYPE_CHECKING:
    from formlang.build import Builder

_BOUND_TYPES = {
    FieldKind.DATE: Kind.DATE,
    FieldKind.TIME: Kind.TIME,
    FieldKind.DATETIME: Kind.DATETIME,
}
_BOUND_EXAMPLES = {
    Kind.DATE: "such as 2024-01-01 or today() - 18 years",
    Kind.TIME: "such as 08:00",
    Kind.DATETIME: "such as 2024-01-01T08:00",
}


class FieldBuilder:
    def __init__(self, builder: Builder, decl: Decl, node: s.Field) -> None:
        self.builder = builder
        self.decl = decl
        self.node = node
        self.diags = decl.diags
        self.checker = builder.checker(decl.diags)
        symbol = decl.symbol
        assert symbol is not None
        self.symbol = symbol
        self.kind = symbol.field_kind
        self.what = f"the field '{node.name.raw}'"

    def build(self) -> ir.Field:
        node, decl = self.node, self.decl
        opts = opt.by_keyword(node.options, "field", self.diags, "a field")
        if self.kind is not None:
            opts = {k: o for k, o in opts.items() if opt.check_applies(o, self.kind, self.diags)}
        if "optional" in opts and "required" in opts:
            self.diags.error(
                "FL202",
                "a field is either `optional` or `required when …`, not both",
                opts["required"].keyword_span,
            )
        return ir.Field(
            name=node.name.raw,
            path=self.symbol.path,
            kind=self.kind or FieldKind.TEXT,
            type=self.symbol.type or ANY,
            label=self.builder.label(node.label, decl, self.what, node.name),
            hint=self.builder.hint(opts, decl, self.what),
            optional="optional" in opts,
            required_when=self.builder.when(opts.get("required"), decl),
            when=self.builder.when(opts.get("when"), decl),
            default=self._default(opts.get("default")),
            readonly="readonly" in opts,
            autocomplete=opt.check_autocomplete(opts["autocomplete"], self.diags)
            if "autocomplete" in opts
            else None,
            constraints=self._constraints(opts),
            codelist=self.symbol.codelist,
            meta=self.builder.meta(node.options),
            span=node.span,
        )

    # ---- values that must be fixed ---------------------------------------------------

    def _fixed(self, option: s.Option) -> ir.Expr | None:
        arg = option.args[0]
        assert not isinstance(arg, s.Token | s.Text)
        expr = self.checker.check(arg, self.decl.scope)
        if next(refs(expr), None) is not None:
            self.diags.error(
                "FL307" if option.keyword == "default" else "FL405",
                f"`{option.keyword}` must be a fixed value, not depend on other fields",
                arg.span,
                hint=f"to compare with another field use a rule: rule {self.node.name.raw} … "
                f'on {self.node.name.raw} message "…"',
            )
            return None
        return expr

    def _default(self, option: s.Option | None) -> ir.Expr | None:
        if option is None:
            return None
        expr = self._fixed(option)
        target = self.symbol.type or ANY
        if expr is None or target.kind is Kind.ANY:
            return expr
        if self.kind is FieldKind.CONSENT:
            self.diags.error(
                "FL400",
                "a consent cannot be ticked in advance",
                option.span,
                hint="remove the default: the citizen must agree actively",
            )
            return None
        if target.kind in (Kind.CODE, Kind.CODES):
            return self._code_default(expr, target, option)
        if not assignable(expr.type, target):
            self.diags.error(
                "FL307",
                f"the default of {self.what} is {expr.type.describe()}, but the field holds "
                f"{target.describe()}",
                option.args[0].span,
            )
            return None
        return expr

    def _code_default(self, expr: ir.Expr, target: Type, option: s.Option) -> ir.Expr | None:
        values = expr.items if isinstance(expr, ir.ListValue) else (expr,)
        single = target.kind is Kind.CODE
        if single == isinstance(expr, ir.ListValue) or not all(
            isinstance(v, ir.Literal) and isinstance(v.value, str) for v in values
        ):
            want = 'one code in quotes, such as "neu"' if single else 'a list of codes ["a", "b"]'
            self.diags.error(
                "FL307", f"the default of {self.what} must be {want}", option.args[0].span
            )
            return None
        for value in values:
            assert isinstance(value, ir.Literal) and isinstance(value.value, str)
            self.checker.check_code(target.codelist, value.value, value.span)
        return expr

    # ---- constraints --------------------------------------------------------------------

    def _constraints(self, opts: dict[str, s.Option]) -> ir.Constraints:
        diags = self.diags
        low = self._bound(opts.get("min"))
        high = self._bound(opts.get("max"))
        self._compare_bounds(low, high, opts)
        min_length = opt.count_arg(opts["min_length"], diags) if "min_length" in opts else None
        max_length = (
            opt.count_arg(opts["max_length"], diags, low=1) if "max_length" in opts else None
        )
        opt.bounds(min_length, max_length, opts.get("max_length"), diags, "the length")
        min_sel = opt.count_arg(opts["min_selected"], diags) if "min_selected" in opts else None
        max_sel = (
            opt.count_arg(opts["max_selected"], diags, low=1) if "max_selected" in opts else None
        )
        opt.bounds(min_sel, max_sel, opts.get("max_selected"), diags, "the number of selections")
        self._selectable(min_sel, opts.get("min_selected"))
        pattern, message = self._pattern(opts)
        return ir.Constraints(
            min=low,
            max=high,
            step=self._step(opts.get("step")),
            min_length=min_length,
            max_length=max_length,
            pattern=pattern,
            pattern_message=message,
            min_selected=min_sel,
            max_selected=max_sel,
            max_size=opt.size_arg(opts["max_size"], diags) if "max_size" in opts else None,
            accept=opt.media_types(opts["accept"], diags) if "accept" in opts else (),
        )

    def _bound(self, option: s.Option | None) -> ir.Expr | None:
        if option is None or self.kind is None:
            return None
        expr = self._fixed(option)
        if expr is None:
            return None
        want = _BOUND_TYPES.get(self.kind)
        kind = expr.type.kind
        ok = kind is Kind.ANY or (kind is want if want else expr.type.is_numeric)
        if not ok:
            needed = want.value if want else "number"
            example = _BOUND_EXAMPLES.get(want) if want else None
            self.diags.error(
                "FL300",
                f"`{option.keyword}` of a {self.kind.value} field must be a {needed}, "
                f"not {expr.type.describe()}",
                option.args[0].span,
                hint=f"write a {needed} {example}" if example else None,
            )
            return None
        if self.kind is FieldKind.INTEGER and expr.type == DECIMAL:
            self.diags.error(
                "FL300",
                f"`{option.keyword}` of an integer field must be a whole number",
                option.args[0].span,
            )
        return expr

    def _compare_bounds(
        self, low: ir.Expr | None, high: ir.Expr | None, opts: dict[str, s.Option]
    ) -> None:
        a, b = _constant(low), _constant(high)
        if a is None or b is None:
            return
        try:
            wrong = a > b  # type: ignore[operator]
        except TypeError:
            return
        if wrong:
            self.diags.error(
                "FL401",
                f"`min` ({_show(a)}) is greater than `max` ({_show(b)}) for {self.what}",
                opts["max"].span,
                related=[d.Related("min given", opts["min"].span)],
                hint="swap the two values, or correct one of them",
            )

    def _step(self, option: s.Option | None) -> ir.Expr | None:
        expr = self._fixed(option) if option is not None else None
        if expr is None or option is None:
            return None
        value = _constant(expr)
        if not expr.type.is_numeric or value is None or value <= 0:  # type: ignore[operator]
            self.diags.error(
                "FL405", "`step` must be a number greater than zero", option.args[0].span
            )
            return None
        return expr

    def _selectable(self, min_sel: int | None, option: s.Option | None) -> None:
        codelist = self.symbol.codelist
        if option is None or min_sel is None or codelist is None:
            return
        if min_sel > len(codelist.codes):
            self.diags.error(
                "FL405",
                f"`min_selected` is {min_sel}, but there are only {len(codelist.codes)} codes "
                "to choose from",
                option.span,
            )

    def _pattern(self, opts: dict[str, s.Option]) -> tuple[str | None, ir.Text | None]:
        pattern_opt, message_opt = opts.get("pattern"), opts.get("message")
        message = None
        if message_opt is not None:
            if pattern_opt is None:
                self.diags.error(
                    "FL202",
                    "`message` on a field explains its `pattern`, but there is none",
                    message_opt.keyword_span,
                    hint="for a check across fields use a rule with a message",
                )
            else:
                arg = message_opt.args[0]
                assert isinstance(arg, s.Text)
                message = self.builder.text(arg, self.decl, f"the pattern message of {self.what}")
        if pattern_opt is None:
            return None, None
        token = pattern_opt.args[0]
        assert isinstance(token, s.Token)
        problems = check_pattern(token.value, token.span)
        self.diags.extend(problems)
        return (None if problems else token.value), message


def _constant(expr: ir.Expr | None) -> object:
    """The value of a literal (or a negated one), else None."""
    if isinstance(expr, ir.Literal):
        return expr.value
    if isinstance(expr, ir.Unary) and expr.op == "-" and isinstance(expr.operand, ir.Literal):
        value = expr.operand.value
        return -value if isinstance(value, int | float) or hasattr(value, "as_tuple") else None  # type: ignore[operator]
    return None


def _show(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
