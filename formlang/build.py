"""Second resolver pass: declarations -> IR elements, with typed expressions.

Every name is known by now (`formlang.declare`), so conditions, computed
values, bounds and rules are type-checked here through `ExprChecker`, and
each field's options become its `Constraints`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from formlang import diagnostics as d
from formlang import ir
from formlang import options as opt
from formlang import syntax as s
from formlang.declare import Decl
from formlang.exprs import ExprChecker
from formlang.fields import FieldBuilder
from formlang.scope import Scope
from formlang.texts import make_text
from formlang.types import FieldKind, Kind, assignable

if TYPE_CHECKING:
    from formlang.resolve import Compiler

_INFO_KINDS = {k.value: k for k in ir.InfoKind}


class Builder:
    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler
        self.rules: list[ir.Rule] = []
        self._checkers: dict[int, ExprChecker] = {}

    def checker(self, diags: d.Collector) -> ExprChecker:
        found = self._checkers.get(id(diags))
        if found is None:
            found = self._checkers[id(diags)] = ExprChecker(diags, self.compiler.codelists)
        return found

    def elements(self, decls: list[Decl]) -> tuple[ir.Element, ...]:
        out: list[ir.Element] = []
        for decl in decls:
            element = self.element(decl)
            if element is not None:
                out.append(element)
        return tuple(out)

    def element(self, decl: Decl) -> ir.Element | None:
        node = decl.node
        if isinstance(node, s.Rule):
            self.rules.append(self.rule(decl, node))
            return None
        if isinstance(node, s.Field):
            return FieldBuilder(self, decl, node).build()
        handler: Any = {
            s.Computed: self.computed,
            s.Group: self.group,
            s.Repeat: self.repeat,
            s.Alternative: self.alternative,
            s.Page: self.page,
            s.Info: self.info,
        }[type(node)]
        result: ir.Element = handler(decl, node)
        return result

    # ---- shared pieces ------------------------------------------------------------------

    def text(self, node: s.Text | None, decl: Decl, what: str) -> ir.Text | None:
        if node is None:
            return None
        return make_text(node, decl.scope.context.languages, decl.diags, what)

    def label(self, node: s.Text | None, decl: Decl, what: str, name: s.Token) -> ir.Text:
        if node is None:
            decl.diags.error(
                "FL209",
                f"{what} has no label",
                name.span,
                hint=f'add the label after the name, such as: {name.raw} "…"',
            )
            return ir.Text(translations=((decl.scope.context.languages[0], name.raw),))
        return make_text(node, decl.scope.context.languages, decl.diags, f"the label of {what}")

    def when(
        self, option: s.Option | None, decl: Decl, scope: Scope | None = None
    ) -> ir.Expr | None:
        if option is None:
            return None
        arg = option.args[0]
        assert not isinstance(arg, s.Token | s.Text)
        return self.checker(decl.diags).condition(
            arg, scope or decl.scope, f"the condition of `{option.keyword}`"
        )

    def meta(self, option_list: tuple[s.Option, ...]) -> tuple[tuple[str, str], ...]:
        out = []
        for option in option_list:
            if option.keyword == "meta":
                key, value = option.args
                assert isinstance(key, s.Token) and isinstance(value, s.Token)
                out.append((key.raw, value.value))
        return tuple(out)

    def hint(self, opts: dict[str, s.Option], decl: Decl, what: str) -> ir.Text | None:
        option = opts.get("hint")
        if option is None:
            return None
        arg = option.args[0]
        assert isinstance(arg, s.Text)
        return self.text(arg, decl, f"the hint of {what}")

    # ---- elements ---------------------------------------------------------------------------

    def computed(self, decl: Decl, node: s.Computed) -> ir.Computed:
        symbol = decl.symbol
        assert symbol is not None and symbol.type is not None
        what = f"the computed value '{node.name.raw}'"
        opts = opt.by_keyword(node.options, "computed", decl.diags, "a computed value")
        expr = self.checker(decl.diags).check(node.expr, decl.scope)
        declared = symbol.type
        if expr.type.kind is Kind.LIST:
            decl.diags.error(
                "FL306",
                f"{what} has one value per row here; say how to combine them",
                node.expr.span,
                hint="use sum(), count(), min(), max(), any() or all()",
            )
        elif declared.kind is not Kind.ANY and not assignable(expr.type, declared):
            decl.diags.error(
                "FL305",
                f"{what} is declared as {declared.describe()}, but its formula gives "
                f"{expr.type.describe()}",
                node.expr.span,
                hint="round(x) gives a whole number" if expr.type.kind is Kind.DECIMAL else None,
            )
        return ir.Computed(
            name=node.name.raw,
            path=symbol.path,
            kind=symbol.field_kind or FieldKind.TEXT,  # after an unknown type (reported)
            type=declared,
            label=self.text(node.label, decl, f"the label of {what}"),
            expr=expr,
            hint=self.hint(opts, decl, what),
            when=self.when(opts.get("when"), decl),
            meta=self.meta(node.options),
            span=node.span,
        )

    def group(self, decl: Decl, node: s.Group) -> ir.Group:
        symbol = decl.symbol
        assert symbol is not None
        what = f"the group '{node.name.raw}'"
        opts = opt.by_keyword(node.options, "group", decl.diags, "a group")
        label, hint = self._container_texts(decl, node, opts, what)
        return ir.Group(
            name=node.name.raw,
            path=symbol.path,
            label=label,
            children=self.elements(decl.children),
            hint=hint,
            when=self.when(opts.get("when"), decl),
            module=decl.module,
            meta=self.meta(node.options),
            span=node.span,
        )

    def _container_texts(
        self, decl: Decl, node: s.Group | s.Repeat, opts: dict[str, s.Option], what: str
    ) -> tuple[ir.Text | None, ir.Text | None]:
        label = self.text(node.label, decl, f"the label of {what}")
        hint = self.hint(opts, decl, what)
        definition = decl.definition
        if definition is not None:
            quiet = Decl(node=definition, scope=decl.inner or decl.scope, diags=d.Collector())
            if label is None:
                label = self.text(definition.label, quiet, "")
            if hint is None:
                hint = self.hint(
                    opt.by_keyword(definition.options, "group", quiet.diags, ""), quiet, ""
                )
            for option in definition.options:
                if option.keyword == "when":
                    decl.diags.error(
                        "FL202",
                        "a module's group cannot have `when`",
                        option.keyword_span,
                        hint="put the condition where the group is used",
                    )
        return label, hint

    def repeat(self, decl: Decl, node: s.Repeat) -> ir.Repeat:
        symbol = decl.symbol
        assert symbol is not None
        what = f"the repeat '{node.name.raw}'"
        opts = opt.by_keyword(node.options, "repeat", decl.diags, "a repeat")
        source = self._inherit_rows(decl, opts)
        low = opt.count_arg(opts["min"], source["min"].diags) if "min" in opts else 0
        high = opt.count_arg(opts["max"], source["max"].diags, low=1) if "max" in opts else None
        opt.bounds(low, high, opts.get("max"), source["max"].diags, f"{what} (rows)")
        label, hint = self._container_texts(decl, node, opts, what)
        if label is None:
            self.label(None, decl, what, node.name)
        item = opts.get("item")
        item_label = None
        if item is not None:
            assert isinstance(item.args[0], s.Text)
            item_label = self.text(item.args[0], source["item"], f"the row label of {what}")
        return ir.Repeat(
            name=node.name.raw,
            path=symbol.path,
            label=label,
            children=self.elements(decl.children),
            min=low or 0,
            max=high,
            item_label=item_label,
            hint=hint,
            when=self.when(opts.get("when"), decl),
            module=decl.module,
            meta=self.meta(node.options),
            span=node.span,
        )

    def _inherit_rows(self, decl: Decl, opts: dict[str, s.Option]) -> dict[str, Decl]:
        """A module's repeat brings its `min`, `max` and `item` unless the use gives them.

        Returns, per option, the declaration to check it in: inherited options
        were checked in their module, so they are checked quietly here.
        """
        source = {"min": decl, "max": decl, "item": decl}
        if isinstance(decl.definition, s.Repeat):
            quiet = Decl(node=decl.definition, scope=decl.inner or decl.scope, diags=d.Collector())
            found = opt.by_keyword(decl.definition.options, "repeat", quiet.diags, "")
            for key in source:
                if key in found and key not in opts:
                    opts[key], source[key] = found[key], quiet
        return source

    def alternative(self, decl: Decl, node: s.Alternative) -> ir.Alternative:
        symbol = decl.symbol
        assert symbol is not None
        what = f"the alternative '{node.name.raw}'"
        opts = opt.by_keyword(node.options, "alternative", decl.diags, "an alternative")
        branches = []
        for child in decl.children:
            branch = self.element(child)
            assert isinstance(branch, ir.Group) and isinstance(child.node, s.Group)
            if branch.label is None:
                self.label(None, child, f"the group '{branch.name}'", child.node.name)
            branches.append(branch)
        return ir.Alternative(
            name=node.name.raw,
            path=symbol.path,
            label=self.label(node.label, decl, what, node.name),
            branches=tuple(branches),
            hint=self.hint(opts, decl, what),
            when=self.when(opts.get("when"), decl),
            optional="optional" in opts,
            meta=self.meta(node.options),
            span=node.span,
        )

    def page(self, decl: Decl, node: s.Page) -> ir.Page:
        what = f"the page '{node.name.raw}'"
        opts = opt.by_keyword(node.options, "page", decl.diags, "a page")
        return ir.Page(
            name=node.name.raw,
            label=self.label(node.label, decl, what, node.name),
            children=self.elements(decl.children),
            hint=self.hint(opts, decl, what),
            when=self.when(opts.get("when"), decl),
            span=node.span,
        )

    def info(self, decl: Decl, node: s.Info) -> ir.Info:
        kind = ir.InfoKind.PARAGRAPH
        if node.kind is not None:
            found = _INFO_KINDS.get(node.kind.raw)
            if found is None:
                decl.diags.error(
                    "FL216",
                    f"unknown kind of info text '{node.kind.raw}'",
                    node.kind.span,
                    hint="write info, info heading, info note or info warning",
                )
            else:
                kind = found
        opts = opt.by_keyword(node.options, "info", decl.diags, "an info text")
        text = make_text(node.text, decl.scope.context.languages, decl.diags, "an info text")
        return ir.Info(kind=kind, text=text, when=self.when(opts.get("when"), decl), span=node.span)

    def rule(self, decl: Decl, node: s.Rule) -> ir.Rule:
        opts = opt.by_keyword(node.options, "rule", decl.diags, "a rule")
        checker = self.checker(decl.diags)
        expr = checker.condition(node.expr, decl.scope, "a rule")
        # Without `on`, a rule belongs to the group or repeat row it is written in.
        target = decl.scope.path or None
        if "on" in opts:
            path = opts["on"].args[0]
            assert isinstance(path, s.PathExpr)
            symbol = checker.resolve_path(path, decl.scope)
            target = symbol.path if symbol else None
        message = None
        if "message" in opts:
            arg = opts["message"].args[0]
            assert isinstance(arg, s.Text)
            message = self.text(arg, decl, "the message of a rule")
        else:
            decl.diags.error(
                "FL219",
                "a rule needs a message that tells the citizen what to correct",
                node.span,
                hint='add: message "…"',
            )
        return ir.Rule(
            expr=expr,
            target=target,
            message=message,
            severity=ir.Severity.WARNING if "warning" in opts else ir.Severity.ERROR,
            when=self.when(opts.get("when"), decl),
            scope=decl.scope.repeats[-1] if decl.scope.repeats else (),
            span=node.span,
        )
