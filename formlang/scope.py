"""Names in a form: symbols, scopes and lookups with suggestions (resolver stage).

Groups, repeats and alternative branches open a scope (a level of nesting in
the submitted data); pages do not. A bare name is looked up in the current
scope, then outwards, so that inside a repeat a name means the field of the
same row. Each scope belongs to a file context (its code lists and imports),
which is how a module's group keeps its own names when a form uses it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from formlang import ir
from formlang import syntax as s
from formlang.source import Source, Span
from formlang.types import FieldKind, Type


@dataclass(eq=False)
class Imported:
    """A name brought in by `use`: a module's group or code list."""

    name: str
    module_key: str
    group: s.Group | s.Repeat | None = None
    context: FileContext | None = None
    codelist: ir.CodeList | None = None


@dataclass(eq=False)
class FileContext:
    source: Source
    languages: tuple[str, ...]
    codelists: dict[str, ir.CodeList] = field(default_factory=dict)
    imports: dict[str, Imported] = field(default_factory=dict)
    codelist_spans: dict[str, Span] = field(default_factory=dict)
    # Names whose import or file failed: already reported, so not "unknown" again.
    broken: set[str] = field(default_factory=set)

    def codelist(self, name: str) -> ir.CodeList | None:
        found = self.codelists.get(name)
        if found is None and name in self.imports:
            found = self.imports[name].codelist
        return found

    def codelist_names(self) -> list[str]:
        names = list(self.codelists)
        names.extend(n for n, imp in self.imports.items() if imp.codelist is not None)
        return names


@dataclass(eq=False)
class Symbol:
    name: str
    kind: str  # field | computed | group | repeat | alternative
    span: Span
    path: ir.Path
    repeats: tuple[ir.Path, ...]  # the repeats this symbol lies in (and is, for a repeat)
    type: Type | None = None
    field_kind: FieldKind | None = None
    codelist: ir.CodeList | None = None
    scope: Scope | None = None  # for groups, repeats and alternatives
    node: object = None

    @property
    def is_value(self) -> bool:
        return self.kind in ("field", "computed", "alternative")


@dataclass(eq=False)
class Scope:
    parent: Scope | None
    context: FileContext
    path: ir.Path
    repeats: tuple[ir.Path, ...]
    symbols: dict[str, Symbol] = field(default_factory=dict)
    owner: Symbol | None = None

    def lookup(self, name: str) -> Symbol | None:
        scope: Scope | None = self
        while scope is not None:
            found = scope.symbols.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None

    def visible_names(self) -> list[str]:
        names: list[str] = []
        scope: Scope | None = self
        while scope is not None:
            names.extend(scope.symbols)
            scope = scope.parent
        return names

    def child(self, owner: Symbol, context: FileContext | None = None) -> Scope:
        repeats = self.repeats + ((owner.path,) if owner.kind == "repeat" else ())
        return Scope(
            parent=self,
            context=context or self.context,
            path=owner.path,
            repeats=repeats,
            owner=owner,
        )

    def all_symbols(self) -> Iterable[Symbol]:
        for symbol in self.symbols.values():
            yield symbol
            if symbol.scope is not None:
                yield from symbol.scope.all_symbols()


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean" candidate for a misspelt name, if one is close."""
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        if name.lower() in lowered:
            return lowered[name.lower()]
        return None
    return matches[0]


def did_you_mean(name: str, candidates: Iterable[str], quote: str = "'") -> str | None:
    match = suggest(name, candidates)
    return f"did you mean {quote}{match}{quote}?" if match else None
