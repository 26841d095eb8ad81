"""First resolver pass: declare every name, so that order of use never matters.

Walks the items of a form or module and builds the scope tree (groups,
repeats and alternatives open scopes; pages do not), instantiating module
groups where `group x: person` uses them. Each element becomes a `Decl` that
the second pass (`formlang.build`) turns into IR. Duplicate names, misplaced
statements, unknown types and unknown module groups are reported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.scope import FileContext, Scope, Symbol, did_you_mean
from formlang.texts import make_text
from formlang.types import ANY, COMPUTED_KINDS, FIELD_KINDS, FieldKind, Kind, Type

if TYPE_CHECKING:
    from formlang.resolve import Compiler

ELEMENT_STATEMENTS = (s.Group, s.Repeat, s.Alternative, s.Field, s.Computed, s.Info, s.Rule)
_STATEMENT_WORDS = {
    s.Setting: "a setting such as title",
    s.Languages: "`languages`",
    s.Use: "`use`",
    s.Codes: "`codes`",
    s.Page: "a page",
    s.Test: "a test",
    s.Group: "a group",
    s.Repeat: "a repeat",
    s.Alternative: "an alternative",
    s.Field: "a field",
    s.Computed: "a computed value",
    s.Info: "an info text",
    s.Rule: "a rule",
}
_PLACE_HINTS = {
    s.Setting: "put it at the top of the form",
    s.Languages: "put it at the top of the form",
    s.Use: "put it at the top of the form or module",
    s.Codes: "put it at the top of the form or module",
    s.Page: "pages stand at the top level of a form",
    s.Test: "put tests at the top level of the form",
}


@dataclass(eq=False)
class Decl:
    node: s.Item
    scope: Scope  # where the element stands
    diags: d.Collector  # the run's collector, or a throwaway one inside a module's group
    symbol: Symbol | None = None
    inner: Scope | None = None
    children: list[Decl] = field(default_factory=list)
    definition: s.Group | s.Repeat | None = None  # the module group a `group x: y` uses
    module: str | None = None


class Declarer:
    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler
        self.pages: dict[str, s.Token] = {}
        self._instantiating: list[str] = []

    def block(
        self, items: tuple[s.Item, ...], scope: Scope, where: str, diags: d.Collector
    ) -> list[Decl]:
        out = []
        for item in items:
            if not self._allowed(item, where, diags):
                continue
            decl = self.item(item, scope, diags)
            if decl is not None:
                out.append(decl)
        return out

    def _allowed(self, item: s.Item, where: str, diags: d.Collector) -> bool:
        if where == "alternative" and not isinstance(item, s.Group):
            ok = False
        elif where == "form":
            ok = True
        elif where == "module":
            ok = isinstance(item, s.Setting | s.Languages | s.Use | s.Codes | s.Group | s.Repeat)
        else:
            ok = isinstance(item, ELEMENT_STATEMENTS)
        if not ok:
            what = _STATEMENT_WORDS.get(type(item), "this statement")
            place = {"alternative": "an alternative", "module": "a module"}.get(where, f"a {where}")
            hint = _PLACE_HINTS.get(type(item))
            if where == "alternative":
                hint = "an alternative holds only the groups to choose between"
            elif where == "module":
                hint = "a module holds groups, code lists and imports; put it in a group"
            diags.error("FL215", f"{what} cannot stand inside {place}", item.span, hint=hint)
        return ok

    def item(self, node: s.Item, scope: Scope, diags: d.Collector) -> Decl | None:
        if isinstance(node, s.Page):
            return self._page(node, scope, diags)
        if isinstance(node, s.Field | s.Computed):
            return self._value(node, scope, diags)
        if isinstance(node, s.Group | s.Repeat):
            return self._container(node, scope, diags)
        if isinstance(node, s.Alternative):
            return self._alternative(node, scope, diags)
        if isinstance(node, s.Info | s.Rule):
            return Decl(node=node, scope=scope, diags=diags)
        return None  # settings, imports, code lists and tests: the compiler's

    # ---- names ----------------------------------------------------------------------

    def declare(self, scope: Scope, symbol: Symbol, diags: d.Collector) -> bool:
        first = scope.symbols.get(symbol.name)
        if first is not None:
            diags.error(
                "FL203",
                f"the name '{symbol.name}' is already used here",
                symbol.span,
                related=[d.Related("first defined", first.span)],
                hint="names must differ within a form, group or repeat (pages do not count)",
            )
            return False
        scope.symbols[symbol.name] = symbol
        return True

    def _page(self, node: s.Page, scope: Scope, diags: d.Collector) -> Decl:
        first = self.pages.get(node.name.raw)
        if first is not None:
            diags.error(
                "FL203",
                f"there is already a page named '{node.name.raw}'",
                node.name.span,
                related=[d.Related("first defined", first.span)],
            )
        else:
            self.pages[node.name.raw] = node.name
        decl = Decl(node=node, scope=scope, diags=diags)
        decl.children = self.block(node.body.items, scope, "page", diags)
        return decl

    def _value(self, node: s.Field | s.Computed, scope: Scope, diags: d.Collector) -> Decl:
        kind_name = "field" if isinstance(node, s.Field) else "computed"
        field_kind, type_, codelist = self.field_type(node, scope.context, diags)
        symbol = _symbol(node, kind_name, scope)
        symbol.type, symbol.field_kind, symbol.codelist = type_, field_kind, codelist
        self.declare(scope, symbol, diags)
        return Decl(node=node, scope=scope, diags=diags, symbol=symbol)

    # ---- field types ----------------------------------------------------------------

    def field_type(
        self, node: s.Field | s.Computed, ctx: FileContext, diags: d.Collector
    ) -> tuple[FieldKind | None, Type, ir.CodeList | None]:
        ref = node.type
        kind = FIELD_KINDS.get(ref.name.raw)
        if kind is None:
            self._unknown_type(ref, ctx, diags)
            return None, ANY, None
        if isinstance(node, s.Computed) and kind not in COMPUTED_KINDS:
            diags.error(
                "FL201",
                f"a computed value cannot be of type {kind.value}",
                ref.name.span,
                hint="computed values are text, integer, decimal, money, boolean or a date/time",
            )
            return None, ANY, None
        if kind not in (FieldKind.CHOICE, FieldKind.MULTICHOICE):
            for block in node.code_blocks if isinstance(node, s.Field) else ():
                diags.error(
                    "FL202",
                    f"only choice and multichoice take a block of codes, not {kind.value}",
                    block.span,
                    hint=f'write `{node.name.raw}: choice "…" {{ … }}`',
                )
            if ref.codelist is not None:
                diags.error(
                    "FL202",
                    f"only choice and multichoice take `from`, not {kind.value}",
                    ref.codelist.span,
                )
            return kind, kind.value_type, None
        codelist = self._choice_codes(node, ref, ctx, diags)
        if codelist is None:
            return kind, Type(Kind.CODE if kind is FieldKind.CHOICE else Kind.CODES), None
        type_kind = Kind.CODE if kind is FieldKind.CHOICE else Kind.CODES
        return kind, Type(type_kind, codelist=codelist.key), codelist

    def _unknown_type(self, ref: s.TypeRef, ctx: FileContext, diags: d.Collector) -> None:
        name = ref.name.raw
        hint = did_you_mean(name, FIELD_KINDS)
        if name in ctx.codelist_names():
            hint = f"to choose from the code list '{name}' write `choice from {name}`"
        elif name in ctx.imports or name in self.compiler.definitions(ctx):
            hint = f"to use the module group '{name}' write `group NAME: {name}`"
        diags.error(
            "FL201",
            f"unknown field type '{name}'",
            ref.name.span,
            hint=hint or "see the field types in docs/language.md#field-types",
        )

    def _choice_codes(
        self, node: s.Field | s.Computed, ref: s.TypeRef, ctx: FileContext, diags: d.Collector
    ) -> ir.CodeList | None:
        blocks = node.code_blocks if isinstance(node, s.Field) else ()
        for extra in blocks[1:]:
            diags.error("FL213", "a choice has one block of codes; merge the blocks", extra.span)
        if ref.codelist is not None and blocks:
            diags.error(
                "FL213",
                "a choice takes its codes from a list or from its own block, not both",
                blocks[0].span,
            )
        if ref.codelist is not None:
            found = ctx.codelist(ref.codelist.raw)
            if found is None and ref.codelist.raw not in ctx.broken:
                diags.error(
                    "FL204",
                    f"unknown code list '{ref.codelist.raw}'",
                    ref.codelist.span,
                    hint=did_you_mean(ref.codelist.raw, ctx.codelist_names())
                    or f'declare it: codes {ref.codelist.raw} from "….csv"',
                )
            return found
        if not blocks:
            diags.error(
                "FL213",
                f"the choice '{node.name.raw}' has no codes",
                ref.name.span,
                hint=f'list them in a block {{ code "Label" }}, or write `{ref.name.raw} from LIST`',
            )
            return None
        key = f"{ctx.source.path}#{'.'.join(self._path_hint(node))}@{node.span.start}"
        return self.compiler.inline_codelist(key, node.name.raw, None, blocks[0], ctx, diags)

    def _path_hint(self, node: s.Field | s.Computed) -> tuple[str, ...]:
        return (node.name.raw,)

    # ---- containers -----------------------------------------------------------------

    def _container(self, node: s.Group | s.Repeat, scope: Scope, diags: d.Collector) -> Decl:
        kind = "group" if isinstance(node, s.Group) else "repeat"
        symbol = _symbol(node, kind, scope)
        if kind == "repeat":
            symbol.repeats = (*scope.repeats, symbol.path)
        self.declare(scope, symbol, diags)
        decl = Decl(node=node, scope=scope, diags=diags, symbol=symbol)
        if node.body is not None:
            inner = scope.child(symbol)
            symbol.scope = decl.inner = inner
            decl.children = self.block(node.body.items, inner, kind, diags)
            return decl
        assert node.uses is not None
        self._instantiate(decl, node.uses, scope, diags)
        return decl

    def _instantiate(self, decl: Decl, uses: s.Token, scope: Scope, diags: d.Collector) -> None:
        found = self.compiler.definition(scope.context, uses.raw)
        symbol = decl.symbol
        assert symbol is not None
        if found is None and uses.raw in scope.context.broken:
            symbol.scope = decl.inner = scope.child(symbol)
            return
        if found is None:
            known = list(self.compiler.definitions(scope.context))
            diags.error(
                "FL205",
                f"unknown module group '{uses.raw}'",
                uses.span,
                hint=did_you_mean(uses.raw, known)
                or f'import it first: use {uses.raw} from "modules/….form"',
            )
            symbol.scope = decl.inner = scope.child(symbol)
            return
        definition, context, module = found
        if isinstance(decl.node, s.Group) and isinstance(definition, s.Repeat):
            diags.error(
                "FL205",
                f"'{uses.raw}' is a repeat in its module, not a group",
                uses.span,
                hint=f"write: repeat {symbol.name}: {uses.raw}",
            )
        marker = f"{module}#{uses.raw}"
        if marker in self._instantiating:
            # Reported once where the module is checked (imports.definition_cycles).
            symbol.scope = decl.inner = scope.child(symbol)
            return
        self._instantiating.append(marker)
        try:
            inner = scope.child(symbol, context)
            symbol.scope = decl.inner = inner
            decl.definition, decl.module = definition, marker
            # The module reports its own mistakes when it is checked itself.
            quiet = d.Collector()
            body = definition.body.items if definition.body else ()
            decl.children = self.block(body, inner, "group", quiet)
        finally:
            self._instantiating.pop()

    def _alternative(self, node: s.Alternative, scope: Scope, diags: d.Collector) -> Decl:
        symbol = _symbol(node, "alternative", scope)
        self.declare(scope, symbol, diags)
        inner = scope.child(symbol)
        symbol.scope = inner
        decl = Decl(node=node, scope=scope, diags=diags, symbol=symbol, inner=inner)
        decl.children = self.block(node.body.items, inner, "alternative", diags)
        if len(decl.children) < 2:
            diags.error(
                "FL215",
                "an alternative needs at least two groups to choose between",
                node.name.span,
                hint="for a single group use `group` (with `when` if needed)",
            )
        codes = []
        for child in decl.children:
            assert isinstance(child.node, s.Group)
            label = child.node.label
            text = make_text(label, scope.context.languages, d.Collector(), "") if label else None
            codes.append(
                ir.Code(
                    value=child.node.name.raw,
                    label=text or ir.Text(translations=(("de", child.node.name.raw),)),
                )
            )
        key = f"{scope.context.source.path}#alternative:{'.'.join(symbol.path)}@{node.span.start}"
        codelist = ir.CodeList(key=key, name=node.name.raw, label=None, codes=tuple(codes))
        self.compiler.codelists[key] = codelist
        symbol.type = Type(Kind.CODE, codelist=key)
        symbol.codelist = codelist
        return decl


def _symbol(
    node: s.Field | s.Computed | s.Group | s.Repeat | s.Alternative, kind: str, scope: Scope
) -> Symbol:
    """The symbol of a named element that stands in `scope` (not declared yet)."""
    return Symbol(
        name=node.name.raw,
        kind=kind,
        span=node.name.span,
        path=(*scope.path, node.name.raw),
        repeats=scope.repeats,
        node=node,
    )
