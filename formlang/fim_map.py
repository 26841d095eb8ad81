"""The FIM model -> a plan of the `.form` text (the mapping step of `formlang import fim`).

Stammdatenschema -> form; Datenfeldgruppe -> group (a repeat for `n:m`,
`n:*` and for an optional `0:1` group, an alternative for an Auswahlgruppe);
Datenfeld -> field (an info text for Feldart `label`). A group that is used
more than once (same id and version) becomes one definition in a module
file when the importer writes files, each use keeping its own multiplicity.
Every field and group carries `meta fim` and `meta fim_version`.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from formlang.fim_codes import CodeLists
from formlang.fim_fields import field_node
from formlang.fim_names import Namer, label_source, snake
from formlang.fim_plan import CodesDecl, Container, InfoNode, Node, Note, Plan
from formlang.fim_read import FieldDef, GroupDef, Rule, Schema, Use

Key = tuple[str, str | None]
OPTIONAL_GROUP = "FIM: Anzahl 0:1 – die Gruppe ist freiwillig (höchstens einmal)"
REQUIRED_GROUP = "FIM: Anzahl 0:1, aber Pflicht, solange die Regel die Gruppe zeigt"


def build_plan(
    schema: Schema,
    *,
    codelists: CodeLists,
    code_base: Path,
    module_file: str | None,
) -> Plan:
    """`module_file`: where groups used more than once go; None keeps every group inline."""
    mapper = _Mapper(schema, codelists, code_base, module_file)
    return mapper.plan()


def version_of(version: str | None) -> tuple[str, str | None]:
    """A semantic version for the form, and a comment if FIM's had to be changed."""
    if version is None:
        return "0.0.0", "FIM: das Schema hat keine Version; hier 0.0.0"
    parts = version.split(".")
    if all(p.isdigit() for p in parts) and 1 <= len(parts) <= 3:
        fixed = ".".join([str(int(p)) for p in parts] + ["0"] * (3 - len(parts)))
        return fixed, None if fixed == version else f"FIM-Version {version}, hier {fixed}"
    return "0.0.0", f"FIM-Version {version} ist keine semantische Version; hier 0.0.0"


class _Mapper:
    def __init__(
        self, schema: Schema, codelists: CodeLists, code_base: Path, module_file: str | None
    ) -> None:
        self.schema = schema
        self.codelists = codelists
        self.code_base = code_base
        self.notes: list[Note] = []
        self.codes: dict[Key, CodesDecl | None] = {}
        self.code_names = Namer()
        self.module_file = module_file
        self.shared = _shared_groups(schema.children) if module_file else set()
        self.definitions: dict[Key, Container] = {}
        self.def_names = Namer()
        self.module: Container | None = None
        for path, why in codelists.unreadable:
            self.notes.append(Note(line=None, message=f"code list file {path} skipped: {why}"))

    def plan(self) -> Plan:
        schema = self.schema
        form_name = snake(schema.ident.id.lower(), "fim")
        version, version_note = version_of(schema.ident.version)
        form = Container(
            kind="form", name=form_name, label=schema.title, fim=schema.ident, line=schema.line
        )
        if self.shared:
            self.module = Container(
                kind="module", name=f"{form_name}_gruppen", label="", fim=None, line=schema.line
            )
        self._fill(form, schema.children, schema.rules)
        for line, raw in schema.bad_counts:
            self.notes.append(
                Note(line=line, message=f"anzahl '{raw}' cannot be read; taken as 1:1")
            )
        header = [
            f"Importiert aus FIM: Stammdatenschema {schema.ident.id} Version "
            f"{schema.ident.version or '–'} (XDatenfelder {schema.xdf_version})",
            f"Name in FIM: {schema.name}",
            'Mit "formlang import fim" erzeugt. Kommentare "FIM: …" sagen, was der Import '
            "entschieden hat,",
            '"FIM-Regel …" den Text einer Regel neben den Feldern, die sie nennt.',
        ]
        if version_note:
            header.append(version_note)
        return Plan(
            form=form,
            module=self.module,
            module_file=self.module_file if self.shared else None,
            codes=[c for c in self.codes.values() if c is not None],
            form_name=form_name,
            version=version,
            title=schema.title,
            legal="; ".join(schema.legal) or None,
            description=schema.description,
            header=header,
            notes=self.notes,
        )

    # ---- elements ----------------------------------------------------------------

    def _fill(self, container: Container, uses: tuple[Use, ...], rules: tuple[Rule, ...]) -> None:
        namer = Namer()
        container.rules = list(rules)
        for use in uses:
            container.add(self._node(use, namer))
            if isinstance(use.element, FieldDef):  # a field's rules belong to its group
                container.rules.extend(use.element.rules)

    def _node(self, use: Use, namer: Namer) -> Node:
        element = use.element
        if isinstance(element, FieldDef):
            return self._field(use, element, namer)
        return self._group(use, element, namer)

    def _field(self, use: Use, source: FieldDef, namer: Namer) -> Node:
        if source.feldart == "label":
            text = source.content or source.label
            info = InfoNode(name="", label=text, fim=source.ident, line=source.line)
            info.kind = "note" if source.label.lower().startswith("hinweis") else ""
            info.comments.append(
                f"FIM: {source.ident.id} {source.ident.version or ''} '{source.label}' (label)".replace(
                    "  ", " "
                )
            )
            return info
        name = namer.take(snake(label_source(source.label, source.name)))
        node = field_node(source, name, source.label, self._lookup, self.notes)
        if use.max == 1:
            node.optional = use.min == 0
            return node
        wrapper = Container(
            kind="repeat",
            name=name,
            label=source.label,
            fim=None,
            line=use.line,
            min=use.min,
            max=use.max,
        )
        wrapper.comments.append(f"FIM: Anzahl {use.raw} – das Feld wird wiederholt")
        wrapper.add(node)
        return wrapper

    def _group(self, use: Use, source: GroupDef, namer: Namer) -> Node:
        name = namer.take(snake(label_source(source.label, source.name), "gruppe"))
        if source.choice and len(source.children) < 2:
            self.notes.append(
                Note(
                    line=source.line,
                    message=f"{source.ident.id} '{source.label}': an "
                    "Auswahlgruppe with fewer than two elements is imported as a group",
                )
            )
        if source.choice and len(source.children) >= 2:
            node = self._alternative(source, name)
            node.optional = use.min == 0
        elif self._key(source) in self.shared:
            node = self._use(source, name)
        else:
            node = Container(
                kind="group",
                name=name,
                label=source.label,
                fim=source.ident,
                line=source.line,
                source=source,
            )
            node.hint = source.hint
            self._fill(node, source.children, source.rules)
        return self._multiplicity(node, use)

    def _multiplicity(self, node: Container, use: Use) -> Container:
        if use.max == 1 and use.min >= 1:
            return node
        if node.kind == "alternative":
            if use.max == 1:
                return node
            wrapper = Container(
                kind="repeat",
                name=node.name,
                label=node.label,
                fim=None,
                line=use.line,
                min=use.min,
                max=use.max,
            )
            wrapper.add(node)
            return wrapper
        node.kind, node.min, node.max = "repeat", use.min, use.max
        if use.max == 1:
            node.comments.append(OPTIONAL_GROUP)
        return node

    def _alternative(self, source: GroupDef, name: str) -> Container:
        node = Container(
            kind="alternative",
            name=name,
            label=source.label,
            fim=source.ident,
            line=source.line,
            source=source,
        )
        node.hint = source.hint
        node.comments.append("FIM: Auswahlgruppe – genau eine der Gruppen wird ausgefüllt")
        node.rules = list(source.rules)
        namer = Namer()
        for use in source.children:
            child = use.element
            inner = self._node(
                Use(min=1, max=use.max, raw=use.raw, element=child, line=use.line), Namer()
            )
            branch_name = namer.take(inner.name or snake(child.label))
            if (
                isinstance(child, GroupDef)
                and isinstance(inner, Container)
                and inner.kind == "group"
                and inner.definition is None
            ):
                inner.name = branch_name
                node.add(inner)
                continue
            branch = Container(
                kind="group", name=branch_name, label=child.label, fim=None, line=use.line
            )
            branch.add(inner)
            node.add(branch)
        return node

    def _use(self, source: GroupDef, name: str) -> Container:
        key = self._key(source)
        definition = self.definitions.get(key)
        if definition is None:
            assert self.module is not None
            def_name = self.def_names.take(snake(label_source(source.label, source.name), "gruppe"))
            definition = Container(
                kind="group",
                name=def_name,
                label=source.label,
                fim=source.ident,
                line=source.line,
                source=source,
            )
            definition.hint = source.hint
            self.definitions[key] = definition
            self._fill(definition, source.children, source.rules)
            self.module.add(definition)
        node = Container(
            kind="group",
            name=name,
            label=source.label,
            fim=source.ident,
            line=source.line,
            source=source,
        )
        node.definition = definition.name
        node.target = definition
        return node

    @staticmethod
    def _key(source: GroupDef) -> Key:
        return source.ident.id, source.ident.version

    # ---- code lists ---------------------------------------------------------------

    def _lookup(self, uri: str, version: str | None, line: int) -> CodesDecl | None:
        key = (uri, version)
        if key in self.codes:
            return self.codes[key]
        file, exact = self.codelists.find(uri, version)
        if file is None:
            self.notes.append(
                Note(
                    line=line,
                    message=f"code list {uri} version {version or '–'} not found "
                    "(give its genericode file with --codelists); the field is imported as text",
                )
            )
            self.codes[key] = None
            return None
        if not exact:
            self.notes.append(
                Note(
                    line=line,
                    message=f"code list {uri} version {version or '–'} not found; "
                    f"version {file.version or '–'} ({file.path.name}) is used instead",
                    untranslated=False,
                )
            )
        base = file.short_name or uri.rstrip(":/").rsplit(":", 1)[-1]
        path = os.path.relpath(os.path.abspath(file.path), os.path.abspath(self.code_base))
        path = path.replace(os.sep, "/")
        decl = CodesDecl(
            name=self.code_names.take(snake(base, "codes")),
            label=file.long_name or file.short_name or base,
            path=path,
            uri=uri,
            version=file.version,
            file=file,
        )
        self.codes[key] = decl
        return decl


def _shared_groups(uses: tuple[Use, ...]) -> set[Key]:
    counts: Counter[Key] = Counter()
    stack = list(uses)
    while stack:
        element = stack.pop().element
        if isinstance(element, GroupDef):
            if not element.choice:
                counts[(element.ident.id, element.ident.version)] += 1
            stack.extend(element.children)
    return {key for key, count in counts.items() if count > 1}
