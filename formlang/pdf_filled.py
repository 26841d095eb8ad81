"""The view model of a filled form on paper: the answers as tables (PDF renderer stage).

`filled_sections(form, data, lang)` turns a submission's effective data into
label/value tables, values in words and formatted with Babel
(`formlang.html_texts.show_value`): the label of a code, "Ja"/"Nein",
"31. Dezember 2024", "1.250,50 €". Groups are tables with a caption; a repeat
whose rows have at most `GRID_COLUMNS` fields is one table with a column per
field, a larger one a table per row. Only answered parts appear: the effective
data holds no hidden or empty values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formlang import ir
from formlang.html_texts import show_value, texts
from formlang.pdf_view import as_dict, data_elements, printable, text_in
from formlang.types import FieldKind

GRID_COLUMNS = 5  # a repeat with at most this many fields prints as one table; else row by row


@dataclass
class Table:
    """Answers of the filled form: label/value rows, or (a repeat) one row per entry."""

    caption: str | None
    rows: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    grid: list[list[str]] = field(default_factory=list)


@dataclass
class Sheet:
    heading: str | None
    tables: list[Table]


# ---- the filled form -----------------------------------------------------------------------


class FilledBuilder:
    def __init__(self, form: ir.Form, lang: str) -> None:
        self.form = form
        self.lang = lang
        self.words = texts(lang)

    def sheets(self, data: dict[str, Any]) -> list[Sheet]:
        out: list[Sheet] = []
        loose: list[ir.Element] = []
        for element in self.form.children:
            if isinstance(element, ir.Page):
                tables = self.tables(element.children, data)
                if tables:
                    out.append(Sheet(text_in(element.label, self.lang), tables))
            else:
                loose.append(element)
        tables = self.tables(tuple(loose), data)
        if tables:
            out.insert(0, Sheet(None, tables))
        return out

    def tables(self, elements: tuple[ir.Element, ...], data: dict[str, Any]) -> list[Table]:
        out: list[Table] = []
        loose = Table(None)
        for element in data_elements(elements):
            value = data.get(element.name)
            if _empty(value):
                continue
            if isinstance(element, ir.Field | ir.Computed):
                loose.rows.append((self._label(element), self.show(element, value)))
                continue
            if isinstance(element, ir.Group) and element.label is None:
                loose.rows.extend(self.rows(element.children, as_dict(value), ""))
                continue
            if loose.rows:
                out.append(loose)
                loose = Table(None)
            if isinstance(element, ir.Repeat):
                out.extend(self.repeat(element, value))
            elif isinstance(element, ir.Group):
                out.append(
                    Table(self._label(element), self.rows(element.children, as_dict(value), ""))
                )
            else:
                out.append(Table(self._label(element), self.rows((element,), data, "")))
        if loose.rows:
            out.append(loose)
        return out

    def repeat(self, element: ir.Repeat, value: Any) -> list[Table]:
        entries = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
        label = self._label(element)
        entry = text_in(element.item_label, self.lang) or label
        flat = data_elements(element.children)
        if all(isinstance(e, ir.Field | ir.Computed) for e in flat) and len(flat) <= GRID_COLUMNS:
            table = Table(label, columns=["Nr.", *(self._label(e) for e in flat)])
            for index, row in enumerate(entries, 1):
                cells = [
                    self.show(e, row.get(e.name)) if not _empty(row.get(e.name)) else "–"
                    for e in flat
                ]
                table.grid.append([str(index), *cells])
            return [table]
        return [
            Table(f"{entry} {index}", self.rows(element.children, row, ""))
            for index, row in enumerate(entries, 1)
        ]

    def rows(
        self, elements: tuple[ir.Element, ...], data: dict[str, Any], prefix: str
    ) -> list[tuple[str, str]]:
        """Label/value pairs of everything below `elements`; inner parts named in the label."""
        out: list[tuple[str, str]] = []
        for element in data_elements(elements):
            value = data.get(element.name)
            if _empty(value):
                continue
            label = self._label(element)
            if isinstance(element, ir.Field | ir.Computed):
                out.append((prefix + label, self.show(element, value)))
            elif isinstance(element, ir.Group):
                inner = f"{prefix}{label}: " if element.label is not None else prefix
                out.extend(self.rows(element.children, as_dict(value), inner))
            elif isinstance(element, ir.Repeat):
                entry = text_in(element.item_label, self.lang) or label
                for index, row in enumerate(value if isinstance(value, list) else [], 1):
                    out.extend(
                        self.rows(element.children, as_dict(row), f"{prefix}{entry} {index}: ")
                    )
            else:
                out.extend(self._alternative(element, as_dict(value), prefix))
        return out

    def _alternative(
        self, element: ir.Alternative, value: dict[str, Any], prefix: str
    ) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for branch in element.branches:
            if branch.name in value:
                branch_label = text_in(branch.label, self.lang) or branch.name
                out.append((prefix + self._label(element), branch_label))
                out.extend(self.rows(branch.children, as_dict(value[branch.name]), prefix))
        return out

    def show(self, element: ir.Field | ir.Computed, value: Any) -> str:
        """A value in words: the label of a code, Ja/Nein, 31. Dezember 2024, 1.250,50 €.

        See `printable` for the characters the fonts cannot show.
        """
        return printable(self._show(element, value))

    def _show(self, element: ir.Field | ir.Computed, value: Any) -> str:
        kind = element.kind
        codelist = element.codelist if isinstance(element, ir.Field) else None
        if kind in (FieldKind.CHOICE, FieldKind.MULTICHOICE) and codelist is not None:
            chosen = value if isinstance(value, list) else [value]
            labels = []
            for code in chosen:
                found = codelist.code(str(code))
                labels.append(found.label.get(self.lang) if found else str(code))
            return ", ".join(labels)
        if kind is FieldKind.FILE and isinstance(value, dict):
            return str(value.get("name", ""))
        if isinstance(value, list | dict):
            return ", ".join(str(v) for v in value)
        return show_value(kind.value, value, self.lang)

    def _label(self, element: Any) -> str:
        return text_in(element.label, self.lang) or element.name


def filled_sections(form: ir.Form, data: dict[str, Any], lang: str) -> list[Sheet]:
    return FilledBuilder(form, lang).sheets(data)


def _empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}
