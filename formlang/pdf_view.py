"""The view model of the PDF renderer: a form on paper, blank or filled (PDF renderer stage).

Reads the IR (never the syntax tree) and prepares what the print templates in
`renderers/pdf/templates/` place:

- `blank_sections(form, lang, rows)`: every element with its label, hint, the
  plain-language condition ("Nur ausfüllen, wenn …", `formlang.html_conditions`)
  and a write-in area chosen by the field's type: comb boxes for dates
  (TT.MM.JJJJ), postal codes, IBAN, BIC and Steuer-ID; lines for text; squares
  for choices and yes/no. Repeats get `rows` blank rows (at least their
  minimum, at most their maximum). The same items carry the AcroForm names of
  the fillable form: the field's data path as a JSON pointer (`/hunde/0/name`).
- `comb_rules()`: the print stylesheet's rules that draw each row of comb boxes
  as one picture (an SVG made from its pattern in `COMBS`), so WeasyPrint lays
  out one box per row instead of one per character cell.
The filled form's view is in `formlang.pdf_filled`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from formlang import ir
from formlang._data import data_path
from formlang.html_conditions import Describer
from formlang.html_texts import texts
from formlang.types import FieldKind

FONT_FILES = (("DejaVuSansCondensed.ttf", 400), ("DejaVuSansCondensed-Bold.ttf", 700))
BLANK_ROWS = 2  # blank rows of a repeat on paper, unless its minimum asks for more
LONG_CHOICE = 20  # more codes than this: written in by name instead of ticked

# comb boxes on paper: "_" is a box to write one character in, any other character is printed
# between the groups of boxes (a space leaves a gap, two spaces a wide one)
COMBS: dict[FieldKind, str] = {
    FieldKind.POSTAL_CODE: "_____",
    FieldKind.IBAN: "____ ____ ____ ____ ____ __",
    FieldKind.BIC: "____ __ __ ___",
    FieldKind.TAX_ID: "__ ___ ___ ___",
    FieldKind.DATE: "__.__.____",
    FieldKind.TIME: "__:__",
    FieldKind.DATETIME: "__.__.____  __:__",
}
CELL_MM = 5.5  # a box's width (the boxes are 6.5 mm high)
MARK_MM = 3.0  # the width of what stands between two groups
_BOX_HEIGHT_MM = 6.5
_LINE_MM = 0.6 * 25.4 / 72  # the boxes' lines: 0.6 pt, like the write-in lines
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CHOICES = {FieldKind.CHOICE, FieldKind.MULTICHOICE, FieldKind.BOOLEAN}


@dataclass
class Item:
    """One element of the blank form. `template` names the macro that prints it."""

    template: str  # field | computed | group | repeat | alternative | info
    name: str = ""  # the data path as a JSON pointer: the AcroForm field's name
    label: str = ""
    hint: str | None = None
    note: str | None = None
    kind: str = ""  # the field kind's value
    area: str = "line"  # line | lines | comb | choices | checks | consent | file
    optional: bool = False
    marks: list[tuple[float, str]] = field(default_factory=list)  # comb: (gap in mm, mark)
    comb_width: float = 0.0  # comb: the width in mm of the row of boxes
    lines: int = 1
    width: str = "full"  # full | short | medium
    suffix: str | None = None
    maxlength: int | None = None
    options: list[tuple[str, str]] = field(default_factory=list)  # (export value, label)
    children: list[Item] = field(default_factory=list)
    rows: list[Item] = field(default_factory=list)


@dataclass
class Section:
    heading: str | None
    hint: str | None
    note: str | None
    items: list[Item]


def blank_rows(repeat: ir.Repeat, wanted: int = BLANK_ROWS) -> int:
    """How many blank rows a repeat gets: `wanted`, at least its minimum, at most its maximum."""
    count = max(repeat.min, wanted, 1)
    return min(count, repeat.max) if repeat.max is not None else count


# ---- the blank form ----------------------------------------------------------------------


class BlankBuilder:
    def __init__(self, form: ir.Form, lang: str, rows: int = BLANK_ROWS) -> None:
        self.lang = lang
        self.rows = rows
        self.words = texts(lang)
        self.describer = Describer(form, lang)
        self.form = form

    def sections(self) -> list[Section]:
        out: list[Section] = []
        loose: list[ir.Element] = []
        for element in self.form.children:
            if isinstance(element, ir.Page):
                items = self.items(element.children, "")
                note = self.describer.note(element.when)
                out.append(
                    Section(
                        text_in(element.label, self.lang),
                        text_in(element.hint, self.lang),
                        note,
                        items,
                    )
                )
            else:
                loose.append(element)
        if loose:
            out.insert(0, Section(None, None, None, self.items(tuple(loose), "")))
        return out

    def items(self, elements: tuple[ir.Element, ...], pointer: str) -> list[Item]:
        out: list[Item] = []
        for element in elements:
            if isinstance(element, ir.Page):
                out.extend(self.items(element.children, pointer))
            elif isinstance(element, ir.Info):
                note = self.describer.note(element.when)
                out.append(
                    Item(
                        "info",
                        label=element.text.get(self.lang),
                        kind=element.kind.value,
                        note=note,
                    )
                )
            else:
                out.append(self.item(element, f"{pointer}/{element.name}"))
        return out

    def item(self, element: Any, pointer: str) -> Item:
        label = text_in(element.label, self.lang) or ""
        if isinstance(element, ir.Field):
            item = self.field(element, pointer, label)
        elif isinstance(element, ir.Computed):
            item = Item("computed", name=pointer, label=label, kind=element.kind.value)
            item.hint = _join(text_in(element.hint, self.lang), self.words["computed"])
        elif isinstance(element, ir.Group):
            item = Item("group", name=pointer, label=label, hint=text_in(element.hint, self.lang))
            item.children = self.items(element.children, pointer)
        elif isinstance(element, ir.Repeat):
            item = self.repeat(element, pointer, label)
        else:
            item = self.alternative(element, pointer, label)
        item.note = self.describer.note(element.when)
        return item

    def field(self, element: ir.Field, pointer: str, label: str) -> Item:
        kind = element.kind
        item = Item("field", name=pointer, label=label, kind=kind.value)
        item.hint = text_in(element.hint, self.lang)
        item.optional = element.optional and element.required_when is None
        limit = element.constraints.max_length
        item.maxlength = limit
        if kind in COMBS:
            item.area = "comb"
            item.marks = comb_marks(COMBS[kind])
            item.comb_width = comb_width(COMBS[kind])
            item.maxlength = len(" ".join(COMBS[kind].split()))  # as typed: "01.03.2021 10:15"
            item.hint = _join(item.hint, self._pattern(kind))
        elif kind is FieldKind.TEXTAREA:
            item.area = "lines"
            item.lines = 4 if limit is None else max(2, min(8, limit // 250 + 2))
        elif kind in _CHOICES and len(self._options(element)) > LONG_CHOICE:
            first = self._options(element)[0][1]
            words = _LONG.get(self.lang[:2], _LONG["de"])
            item.hint = _join(item.hint, words[kind is FieldKind.MULTICHOICE].format(first))
        elif kind in _CHOICES:
            item.area = "checks" if kind is FieldKind.MULTICHOICE else "choices"
            item.options = self._options(element)
        elif kind is FieldKind.CONSENT:
            item.area = "consent"
        elif kind is FieldKind.FILE:
            item.area = "file"
            item.hint = _join(
                item.hint, self.words.get("attach", _ATTACH.get(self.lang[:2], _ATTACH["de"]))
            )
        else:
            short = kind in (FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.MONEY) or (
                limit is not None and limit <= 20
            )
            item.width = "short" if short else "full"
            item.suffix = "€" if kind is FieldKind.MONEY else None
        return item

    def _options(self, element: ir.Field) -> list[tuple[str, str]]:
        if element.kind is FieldKind.BOOLEAN:
            return [("true", self.words["yes"]), ("false", self.words["no"])]
        codes = element.codelist.codes if element.codelist else ()
        return [(code.value, code.label.get(self.lang)) for code in codes]

    def _pattern(self, kind: FieldKind) -> str | None:
        spelled = _PATTERNS.get(self.lang[:2], _PATTERNS["de"])
        return spelled.get(kind.value)

    def repeat(self, element: ir.Repeat, pointer: str, label: str) -> Item:
        item = Item("repeat", name=pointer, label=label, hint=text_in(element.hint, self.lang))
        entry = text_in(element.item_label, self.lang) or label
        for index in range(blank_rows(element, self.rows)):
            row = Item("group", name=f"{pointer}/{index}", label=f"{entry} {index + 1}")
            row.children = self.items(element.children, row.name)
            item.rows.append(row)
        return item

    def alternative(self, element: ir.Alternative, pointer: str, label: str) -> Item:
        item = Item("alternative", name=pointer, label=label, area="choices")
        item.hint = _join(text_in(element.hint, self.lang), self.words["branch"])
        for branch in element.branches:
            branch_label = text_in(branch.label, self.lang) or branch.name
            item.options.append((branch.name, branch_label))
            group = Item("group", name=f"{pointer}/{branch.name}", label=branch_label)
            says = self.describer.words["is"].format(label, branch_label)
            group.note = self.describer.words["intro"].format(says)
            group.children = self.items(branch.children, group.name)
            item.children.append(group)
        return item


_PATTERNS = {
    "de": {
        "date": "Format: TT.MM.JJJJ",
        "time": "Format: HH:MM",
        "datetime": "Format: TT.MM.JJJJ HH:MM",
    },
    "en": {
        "date": "Format: DD.MM.YYYY",
        "time": "Format: HH:MM",
        "datetime": "Format: DD.MM.YYYY HH:MM",
    },
}
_LONG = {  # [choice, multichoice]
    "de": [
        "Tragen Sie die Bezeichnung ein, z. B. „{}“.",
        "Tragen Sie die Bezeichnungen ein, getrennt durch Semikolon, z. B. „{}“.",
    ],
    "en": [
        "Write the name, e.g. “{}”.",
        "Write the names, separated by semicolons, e.g. “{}”.",
    ],
}
_ATTACH = {
    "de": "Bitte legen Sie das Dokument dem Antrag bei.",
    "en": "Please enclose the document with the application.",
}


def blank_sections(form: ir.Form, lang: str, rows: int = BLANK_ROWS) -> list[Section]:
    return BlankBuilder(form, lang, rows).sections()


# ---- comb boxes --------------------------------------------------------------------------


def comb_width(pattern: str) -> float:
    """The width in mm of the row of comb boxes drawn for `pattern` (see `COMBS`)."""
    return sum(CELL_MM if c == "_" else MARK_MM for c in pattern)


def comb_marks(pattern: str) -> list[tuple[float, str]]:
    """The printed marks of `pattern` ("." and ":"), each with its distance in mm from the
    end of the mark before it (or from the start): the template places them over the boxes."""
    marks: list[tuple[float, str]] = []
    x = end = 0.0
    for c in pattern:
        if c not in "_ ":
            marks.append((round(x - end, 2), c))
            end = x + MARK_MM
        x += CELL_MM if c == "_" else MARK_MM
    return marks


def comb_svg(pattern: str) -> str:
    """The boxes of `pattern` as one SVG path: a frame per group and a line between boxes."""
    half, height, steps = _LINE_MM / 2, _BOX_HEIGHT_MM, []
    x = 0.0
    for run in re.findall(r"_+|[^_]", pattern):
        if run[0] != "_":
            x += MARK_MM
            continue
        right = x + len(run) * CELL_MM
        steps.append(f"M{_mm(x + half)} {_mm(half)}H{_mm(right - half)}")
        steps.append(f"V{_mm(height - half)}H{_mm(x + half)}Z")
        steps.extend(f"M{_mm(x + i * CELL_MM)} 0V{_mm(height)}" for i in range(1, len(run)))
        x = right
    width = _mm(comb_width(pattern))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}mm" height="{_mm(height)}mm" viewBox="0 0 {width} {_mm(height)}">'
        f'<path fill="none" stroke="#000" stroke-width="{_mm(_LINE_MM)}" d="{"".join(steps)}"/>'
        "</svg>"
    )


def comb_rules() -> str:
    """Print stylesheet rules: `.comb-<kind>` is as wide as its boxes and draws them."""
    return "".join(
        f".comb-{kind.value} {{ width: {_mm(comb_width(pattern))}mm; "
        f'background-image: url("data:image/svg+xml,{quote(comb_svg(pattern))}"); }}\n'
        for kind, pattern in COMBS.items()
    )


def _mm(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


# ---- helpers ---------------------------------------------------------------------------


def printable(text: str) -> str:
    """`text` with what the embedded fonts cannot show replaced by "�" (control characters dropped).

    A letter no font has would print as an empty box and spoil the text layer
    that screen readers and `pypdf` read; "�" says that something was there.
    """
    text = _CONTROL.sub("", text)
    covered = _covered()
    if all(ord(c) in covered for c in text):
        return text
    return "".join(c if ord(c) in covered or c in "\n\t" else "\ufffd" for c in text)


@functools.cache
def _covered() -> frozenset[int]:
    """The code points that every font of the renderer has (`renderers/pdf/fonts/`)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    folder = data_path("renderers") / "pdf" / "fonts"
    maps = [set(TTFont(folder / name, lazy=True).getBestCmap()) for name, _ in FONT_FILES]
    return frozenset(maps[0].intersection(*maps[1:]))


def data_elements(elements: tuple[ir.Element, ...]) -> list[Any]:
    """The elements that hold data, pages dissolved, info texts left out."""
    out: list[Any] = []
    for element in elements:
        if isinstance(element, ir.Page):
            out.extend(data_elements(element.children))
        elif not isinstance(element, ir.Info):
            out.append(element)
    return out


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def text_in(text: ir.Text | None, lang: str) -> str | None:
    return text.get(lang) if text is not None else None


def _join(first: str | None, second: str | None) -> str | None:
    if not second:
        return first
    return f"{first} {second}" if first else second
