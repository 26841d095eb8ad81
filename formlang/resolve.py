"""The resolver: parsed units -> checked IR forms (the middle of the pipeline).

`Compiler` reads a form's settings, follows its `use` imports through
`formlang.imports` (modules are compiled once and report their own mistakes
once), loads its code lists, then runs the two passes (`declare`, `build`),
the scenario tests' type checks and the logic checks in `formlang.checks`.
All problems go to one collector; nothing raises for bad input.
"""

from __future__ import annotations

import re

from formlang import diagnostics as d
from formlang import ir
from formlang import syntax as s
from formlang.build import Builder
from formlang.declare import Decl, Declarer
from formlang.imports import ModuleInfo, definition_cycles, use_module
from formlang.loader import Loader, Unit
from formlang.scope import FileContext, Scope
from formlang.texts import make_text

SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
)
FORM_ID = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_LANGUAGES = ("de",)
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_LANGUAGE_WORDS = {
    "deutsch": "de",
    "german": "de",
    "englisch": "en",
    "english": "en",
    "französisch": "fr",
    "french": "fr",
    "polnisch": "pl",
    "polish": "pl",
    "tschechisch": "cs",
    "czech": "cs",
    "sorbisch": "hsb",
    "obersorbisch": "hsb",
    "niedersorbisch": "dsb",
    "sorbian": "hsb",
    "ukrainisch": "uk",
    "ukrainian": "uk",
    "russisch": "ru",
    "russian": "ru",
    "türkisch": "tr",
    "turkish": "tr",
    "arabisch": "ar",
    "arabic": "ar",
}


class Compiler:
    def __init__(self, loader: Loader | None = None) -> None:
        self.loader = loader or Loader()
        self.diags = d.Collector()
        self.codelists: dict[str, ir.CodeList] = {}
        self._modules: dict[str, ModuleInfo | None] = {}
        self._own: dict[int, ModuleInfo] = {}  # a module's context -> its info
        self.stack: list[Unit] = []  # the files being compiled, the importing ones first

    # ---- entry points -----------------------------------------------------------------

    def compile(self, unit: Unit) -> ir.Form | None:
        """The IR of a form or module file; its problems go to `self.diags`."""
        if unit.key in self._modules:
            return None  # a module already compiled (and reported) as an import
        self.diags.extend(unit.diagnostics)
        if not unit.ok:
            return None
        return self._document(unit)

    # ---- modules ------------------------------------------------------------------------

    def definitions(self, ctx: FileContext) -> dict[str, s.Group | s.Repeat]:
        out: dict[str, s.Group | s.Repeat] = {}
        own = self._own.get(id(ctx))
        if own is not None:
            out.update(own.definitions)
        out.update({n: i.group for n, i in ctx.imports.items() if i.group is not None})
        return out

    def definition(
        self, ctx: FileContext, name: str
    ) -> tuple[s.Group | s.Repeat, FileContext, str] | None:
        own = self._own.get(id(ctx))
        if own is not None and name in own.definitions:
            return own.definitions[name], ctx, own.display
        imported = ctx.imports.get(name)
        if imported is not None and imported.group is not None and imported.context is not None:
            return imported.group, imported.context, imported.module_key
        return None

    def module(self, unit: Unit) -> ModuleInfo | None:
        """A module's names, compiled (and reported) the first time it is imported."""
        if unit.key not in self._modules:
            self.diags.extend(unit.diagnostics)
            if not unit.ok:
                self._modules[unit.key] = None
            else:
                self._document(unit)
        return self._modules.get(unit.key)

    # ---- one document -----------------------------------------------------------------

    def _document(self, unit: Unit) -> ir.Form | None:
        assert unit.parsed is not None and unit.parsed.document is not None
        doc = unit.parsed.document
        languages = self._languages(doc)
        ctx = FileContext(source=unit.source, languages=languages)
        if doc.kind == "module":
            info = ModuleInfo(unit.key, unit.display, ctx, {})
            self._modules[unit.key] = info
            self._own[id(ctx)] = info
            for item in doc.items:
                if isinstance(item, s.Group | s.Repeat):
                    info.definitions.setdefault(item.name.raw, item)
            self.diags.extend(definition_cycles(info.definitions))
        else:
            self._modules.setdefault(unit.key, ModuleInfo(unit.key, unit.display, ctx, {}, True))
        self.stack.append(unit)
        try:
            return self._resolve(doc, ctx, unit)
        finally:
            self.stack.pop()

    def _resolve(self, doc: s.Document, ctx: FileContext, unit: Unit) -> ir.Form:
        settings = self._settings(doc, ctx)
        for item in doc.items:
            if isinstance(item, s.Use):
                use_module(self, item, ctx, unit)
        for item in doc.items:
            if isinstance(item, s.Codes):
                self._codes(item, ctx)
        root = Scope(parent=None, context=ctx, path=(), repeats=())
        builder, children = self._elements(doc, root)
        from formlang.scenarios import scenarios

        tests = scenarios(doc, root, builder.checker(self.diags), self.diags)
        form = ir.Form(
            id=doc.name.raw,
            kind=doc.kind,
            version=doc.version.value if doc.version else None,
            title=settings.get("title"),
            description=settings.get("description"),
            authority=settings.get("authority"),
            legal=settings.get("legal"),
            languages=ctx.languages,
            children=children,
            rules=tuple(builder.rules),
            tests=tests,
            codelists=tuple(ctx.codelists.values()),
            path=unit.display,
            span=doc.span,
        )
        from formlang.checks import run_checks

        self.diags.extend(run_checks(form, self.codelists))
        return form

    def _elements(self, doc: s.Document, root: Scope) -> tuple[Builder, tuple[ir.Element, ...]]:
        """The two passes over the elements: declare every name, then build the IR."""
        where = "module" if doc.kind == "module" else "form"
        decls = Declarer(self).block(doc.items, root, where, self.diags)
        if doc.kind == "form":
            self._pages_only(decls)
        builder = Builder(self)
        return builder, builder.elements(decls)

    def _languages(self, doc: s.Document) -> tuple[str, ...]:
        found: list[str] = []
        first: s.Languages | None = None
        for item in doc.items:
            if not isinstance(item, s.Languages):
                continue
            if first is not None:
                self.diags.error(
                    "FL217",
                    "`languages` is given twice",
                    item.span,
                    related=[d.Related("first given", first.span)],
                )
                continue
            first = item
            for tag in item.tags:
                if not LANGUAGE_TAG.match(tag.raw):
                    self._bad_language(tag)
                elif tag.raw in found:
                    self.diags.error("FL212", f"the language '{tag.raw}' is listed twice", tag.span)
                else:
                    found.append(tag.raw)
        return tuple(found) or DEFAULT_LANGUAGES

    def _bad_language(self, tag: s.Token) -> None:
        guess = _LANGUAGE_WORDS.get(tag.raw.lower()) or (
            tag.raw.lower() if LANGUAGE_TAG.match(tag.raw.lower()) else None
        )
        self.diags.error(
            "FL212",
            f"'{tag.raw}' is not a language tag",
            tag.span,
            hint=f"write {guess}"
            if guess
            else "write a BCP 47 tag in lower case, such as de, en, pl or hsb",
        )

    def _settings(self, doc: s.Document, ctx: FileContext) -> dict[str, ir.Text]:
        out: dict[str, ir.Text] = {}
        seen: dict[str, s.Setting] = {}
        for item in doc.items:
            if not isinstance(item, s.Setting):
                continue
            if item.key in seen:
                self.diags.error(
                    "FL217",
                    f"`{item.key}` is given twice",
                    item.span,
                    related=[d.Related("first given", seen[item.key].span)],
                    hint=f'translations go on the same line: {item.key} "…" @en "…"',
                )
                continue
            seen[item.key] = item
            out[item.key] = make_text(item.text, ctx.languages, self.diags, f"the {item.key}")
        self._check_header(doc, seen)
        return out

    def _check_header(self, doc: s.Document, seen: dict[str, s.Setting]) -> None:
        if not FORM_ID.match(doc.name.raw):
            self.diags.error(
                "FL210",
                f"the {doc.kind} name '{doc.name.raw}' must be lowercase letters, digits "
                "and '_', starting with a letter",
                doc.name.span,
                hint=f"for example: {doc.kind} {_slug(doc.name.raw)}",
            )
        if doc.version is not None and not SEMVER.match(doc.version.value):
            self.diags.error(
                "FL211",
                f"'{doc.version.value}' is not a version of the form MAJOR.MINOR.PATCH",
                doc.version.span,
                hint='write, for example, version "1.0.0"',
            )
        if doc.kind != "form":
            return
        if doc.version is None:
            self.diags.error(
                "FL219",
                f"the form '{doc.name.raw}' has no version",
                doc.name.span,
                hint=f'write: form {doc.name.raw} version "1.0.0" {{',
            )
        if "title" not in seen:
            self.diags.error(
                "FL219",
                f"the form '{doc.name.raw}' has no title",
                doc.name.span,
                hint='add: title "…" as the first line of the form',
            )

    def _pages_only(self, decls: list[Decl]) -> None:
        if not any(isinstance(decl.node, s.Page) for decl in decls):
            return
        for decl in decls:
            node = decl.node
            if isinstance(node, s.Field | s.Group | s.Repeat | s.Alternative | s.Info):
                self.diags.error(
                    "FL214",
                    "this form has pages, so every field, group and info text must stand on a page",
                    node.span,
                    hint="move it into one of the pages",
                )

    # ---- code lists ------------------------------------------------------------------------

    def _codes(self, node: s.Codes, ctx: FileContext) -> None:
        name = node.name.raw
        if name in ctx.codelists or (name in ctx.imports and ctx.imports[name].codelist):
            first = ctx.codelist_spans.get(name)
            self.diags.error(
                "FL203",
                f"the code list '{name}' is already defined",
                node.name.span,
                related=[d.Related("first defined", first)] if first else [],
            )
            return
        label = (
            make_text(node.label, ctx.languages, self.diags, f"the label of '{name}'")
            if node.label
            else None
        )
        from formlang.codelist_files import file_codelist

        found: ir.CodeList | None
        if node.block is not None:
            key = f"{ctx.source.path}#{name}"
            found = self.inline_codelist(key, name, label, node.block, ctx, self.diags)
        else:
            found = file_codelist(self, node, ctx, label)
        if found is not None:
            ctx.codelists[name] = found
            ctx.codelist_spans[name] = node.name.span
        else:
            ctx.broken.add(name)

    def inline_codelist(
        self,
        key: str,
        name: str,
        label: ir.Text | None,
        block: s.CodeBlock,
        ctx: FileContext,
        diags: d.Collector,
    ) -> ir.CodeList:
        if key in self.codelists:
            return self.codelists[key]
        codes: list[ir.Code] = []
        seen: dict[str, s.CodeItem] = {}
        for item in block.items:
            value = item.code.value
            if value in seen:
                diags.error(
                    "FL208",
                    f"the code \"{value}\" appears twice in '{name}'",
                    item.code.span,
                    related=[d.Related("first", seen[value].code.span)],
                )
                continue
            seen[value] = item
            text = make_text(item.label, ctx.languages, diags, f'the label of code "{value}"')
            codes.append(ir.Code(value=value, label=text))
        if not codes:
            diags.error(
                "FL213",
                f"'{name}' lists no codes",
                block.span,
                hint='write one code per line: code "Label"',
            )
        codelist = ir.CodeList(key=key, name=name, label=label, codes=tuple(codes), span=block.span)
        self.codelists[key] = codelist
        return codelist


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
    return slug if slug and slug[0].isalpha() else f"form_{slug}"
