"""The view model of a rendered form: what the HTML templates see (HTML renderer stage).

`build_view(form, lang, data, errors, …)` walks the IR once and prepares, for
every element, plain values the templates print: ids and input names, labels
and hints in `lang`, the error message shown inline, the value shown back,
the options of a choice, the parts of a date, the plain-language note of a
condition. Templates hold no logic of the form; they only place these.

Names and ids follow the data: a field at `/gesellschafter/0/person/vorname`
is the input `gesellschafter.0.person.vorname` with the id
`fl-gesellschafter-0-person-vorname`; the parts of a date are `…-day`,
`…-month`, `…-year` (`-` never occurs in a formlang name). `formlang.html_input`
reads such a form submission back into the submission format.
"""

from __future__ import annotations

import json
from typing import Any

from formlang import ir
from formlang.html_conditions import Describer
from formlang.html_model import Context, Option, Part, Section, View
from formlang.html_texts import input_value, show_value, texts
from formlang.types import FieldKind

LONG_CHOICE = 8  # more codes than this: a select instead of radios
ROW = "%i"  # the row index in the template row of a repeat

_INPUTS: dict[FieldKind, dict[str, Any]] = {
    FieldKind.TEXT: {},
    FieldKind.EMAIL: {"type": "email", "autocomplete": "email", "spellcheck": False},
    FieldKind.PHONE: {"type": "tel", "autocomplete": "tel", "width": "20"},
    FieldKind.URL: {"type": "url", "autocomplete": "url", "spellcheck": False},
    FieldKind.POSTAL_CODE: {"inputmode": "numeric", "autocomplete": "postal-code", "width": "5"},
    FieldKind.IBAN: {"spellcheck": False, "capitalize": "characters", "width": "30"},
    FieldKind.BIC: {"spellcheck": False, "capitalize": "characters", "width": "10"},
    FieldKind.TAX_ID: {"inputmode": "numeric", "spellcheck": False, "width": "10"},
    FieldKind.INTEGER: {"inputmode": "numeric", "width": "10"},
    FieldKind.DECIMAL: {"inputmode": "decimal", "width": "10"},
    FieldKind.MONEY: {"inputmode": "decimal", "width": "10", "suffix": "€"},
    FieldKind.TIME: {"width": "5"},
}
_DATE_PARTS = (("day", "2"), ("month", "2"), ("year", "4"))


class ViewBuilder:
    def __init__(self, form: ir.Form, lang: str, errors: dict[str, str], prefix: str) -> None:
        self.form = form
        self.lang = lang
        self.words = texts(lang)
        self.describer = Describer(form, lang)
        self.ctx = Context(lang=lang, prefix=prefix, errors=errors)

    # ---- sections and elements ------------------------------------------------------------

    def sections(self, data: dict[str, Any], only: str | None = None) -> list[Section]:
        out: list[Section] = []
        loose: list[ir.Element] = []
        for element in self.form.children:
            if not isinstance(element, ir.Page):
                loose.append(element)
                continue
            if only is not None and element.name != only:
                continue
            out.append(
                Section(
                    name=element.name,
                    id=f"{self.ctx.prefix}page-{element.name}",
                    heading=self._text(element.label),
                    hint=self._text(element.hint),
                    note=self.describer.note(element.when),
                    when=_expr_json(element.when),
                    children=self.elements(element.children, data, "", ""),
                )
            )
        if loose and only is None:
            children = self.elements(tuple(loose), data, "", "")
            out.insert(0, Section("", f"{self.ctx.prefix}main", None, None, None, None, children))
        return out

    def elements(
        self, elements: tuple[ir.Element, ...], data: dict[str, Any], name: str, pointer: str
    ) -> list[View]:
        views: list[View] = []
        for element in elements:
            if isinstance(element, ir.Page):
                views.extend(self.elements(element.children, data, name, pointer))
            elif isinstance(element, ir.Info):
                views.append(self._info(element, pointer))
            else:
                own_name = f"{name}.{element.name}" if name else element.name
                own_pointer = f"{pointer}/{element.name}"
                value = data.get(element.name) if isinstance(data, dict) else None
                views.append(self._element(element, value, own_name, own_pointer))
        return views

    def _element(self, element: Any, value: Any, name: str, pointer: str) -> View:
        if isinstance(element, ir.Field):
            view = self.field(element, value, name, pointer)
        elif isinstance(element, ir.Computed):
            view = self._computed(element, value, name, pointer)
        elif isinstance(element, ir.Group):
            view = self._block("group", element, name, pointer)
            view.children = self.elements(element.children, _dict(value), name, pointer)
            view.attrs["fieldset"] = element.label is not None
        elif isinstance(element, ir.Repeat):
            view = self._repeat(element, value, name, pointer)
        else:
            view = self._alternative(element, value, name, pointer)
        if getattr(element, "when", None) is not None:
            view.note = self.describer.note(element.when)
        if pointer not in self.ctx.anchors and ROW not in pointer:
            first = _first_control(view)
            if first is not None:
                self.ctx.anchors[pointer] = first
        return view

    def _block(self, template: str, element: Any, name: str, pointer: str) -> View:
        return View(
            template=template,
            id=self._id(pointer),
            pointer=pointer,
            name=name,
            label=self._text(element.label) or "",
            hint=self._text(element.hint),
            error=self.ctx.errors.get(pointer),
        )

    def _info(self, element: ir.Info, pointer: str) -> View:
        view = View(template="info", id="", kind=element.kind.value)
        view.label = element.text.get(self.lang)
        view.when = _expr_json(element.when)
        view.note = self.describer.note(element.when)
        view.pointer = pointer
        return view

    # ---- fields -----------------------------------------------------------------------------

    def field(self, element: ir.Field, value: Any, name: str, pointer: str) -> View:
        kind = element.kind
        view = self._block("input", element, name, pointer)
        view.kind = kind.value
        view.optional = element.optional and element.required_when is None
        if kind is FieldKind.TEXTAREA:
            view.template = "textarea"
        elif kind in (FieldKind.CHOICE, FieldKind.MULTICHOICE, FieldKind.BOOLEAN):
            self._choice(view, element, value)
        elif kind is FieldKind.CONSENT:
            view.template = "consent"
            view.extra["checked"] = value is True
        elif kind in (FieldKind.DATE, FieldKind.DATETIME):
            self._date(view, element, value)
        elif kind is FieldKind.FILE:
            view.template = "file"
            view.extra["kept"] = value if isinstance(value, dict) else None
            view.extra["kept_json"] = json.dumps(value, ensure_ascii=False, sort_keys=True)
            view.attrs["accept"] = ",".join(element.constraints.accept) or None
        else:
            self._input(view, element)
        if view.template in ("input", "textarea"):
            view.value = input_value(kind.value, value, self.lang)
        if kind is FieldKind.TIME:
            view.hint = _join(view.hint, self.words["time_hint"])
        if element.readonly:
            view.attrs["readonly"] = True
        return view

    def _input(self, view: View, element: ir.Field) -> None:
        spec = _INPUTS.get(element.kind, {})
        view.attrs.update(
            type=spec.get("type", "text"),
            inputmode=spec.get("inputmode"),
            autocomplete=element.autocomplete or spec.get("autocomplete"),
            spellcheck="false" if spec.get("spellcheck") is False else None,
            autocapitalize=spec.get("capitalize"),
        )
        c = element.constraints
        width = spec.get("width")
        if width is None and c.max_length is not None and c.max_length <= 20:
            width = "10" if c.max_length > 5 else "5"
        view.extra["width"] = width
        view.extra["suffix"] = spec.get("suffix")

    def _choice(self, view: View, element: ir.Field, value: Any) -> None:
        other: dict[str, str] = {}  # code -> the language of its label, if not the page's
        if element.kind is FieldKind.BOOLEAN:
            codes = [("true", self.words["yes"]), ("false", self.words["no"])]
            chosen = {input_value("boolean", value, self.lang)}
            view.extra["inline"] = True
        else:
            codelist = element.codelist
            codes = [
                (c.value, c.label.get(self.lang)) for c in (codelist.codes if codelist else ())
            ]
            chosen = set(value) if isinstance(value, list) else {value}
            for code in codelist.codes if codelist else ():
                if self.lang not in code.label.languages and code.label.languages:
                    other[code.value] = code.label.languages[0]
        view.options = [
            Option(code, label, f"{view.id}-{i}" if i else view.id, code in chosen, other.get(code))
            for i, (code, label) in enumerate(codes)
        ]
        if element.kind is FieldKind.MULTICHOICE:
            view.template = "checkboxes"
        elif len(codes) > LONG_CHOICE:
            view.template = "select"
        else:
            view.template = "radios"

    def _date(self, view: View, element: ir.Field, value: Any) -> None:
        text = value if isinstance(value, str) else ""
        day_part, _, clock = text.partition("T")
        pieces = ([*day_part.split("-", 2), "", "", ""])[:3]
        year, month, day = pieces
        known = {"day": day, "month": month, "year": year}
        birthday = element.autocomplete == "bday"
        view.template = "date"
        view.parts = [
            Part(
                name=f"{view.name}-{part}",
                id=view.id if part == "day" else f"{view.id}--{part}",
                label=self.words[part],
                value=known[part],
                width=width,
                autocomplete=f"bday-{part}" if birthday else None,
            )
            for part, width in _DATE_PARTS
        ]
        view.hint = _join(view.hint, self.words["date_hint"])
        if element.kind is FieldKind.DATETIME:
            time = Part(f"{view.name}-time", f"{view.id}--time", self.words["time"], clock, "5")
            time.inputmode = None
            view.parts.append(time)

    def _computed(self, element: ir.Computed, value: Any, name: str, pointer: str) -> View:
        view = self._block("computed", element, name, pointer)
        view.kind = element.kind.value
        view.value = show_value(element.kind.value, value, self.lang) if value is not None else ""
        view.hint = _join(view.hint, self.words["computed"])
        return view

    # ---- repeats and alternatives ---------------------------------------------------------------

    def _repeat(self, element: ir.Repeat, value: Any, name: str, pointer: str) -> View:
        view = self._block("repeat", element, name, pointer)
        rows = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
        shown = max(len(rows), element.min, 1)
        if element.max is not None:
            shown = min(shown, max(element.max, len(rows)))
        item = self._text(element.item_label) or view.label
        view.rows = [
            self._row(element, rows[i] if i < len(rows) else {}, name, pointer, str(i), item)
            for i in range(shown)
        ]
        view.template_row = self._row(element, {}, name, pointer, ROW, item)
        view.extra.update(
            min=element.min,
            max=element.max,
            add=self.words["add"].format(item),
            can_add=element.max is None or shown < element.max,
        )
        return view

    def _row(
        self,
        element: ir.Repeat,
        data: dict[str, Any],
        name: str,
        pointer: str,
        index: str,
        item: str,
    ) -> View:
        row_pointer = f"{pointer}/{index}"
        number = str(int(index) + 1) if index.isdigit() else ROW
        row = View(template="row", id=self._id(row_pointer), pointer=row_pointer)
        row.label = self.words["row"].format(item, number)
        row.children = self.elements(element.children, data, f"{name}.{index}", row_pointer)
        row.extra["remove"] = self.words["remove"].format(row.label)
        row.extra["removable"] = index == ROW or int(index) >= element.min
        return row

    def _alternative(self, element: ir.Alternative, value: Any, name: str, pointer: str) -> View:
        view = self._block("alternative", element, name, pointer)
        chosen = [b.name for b in element.branches if isinstance(value, dict) and b.name in value]
        view.options = [
            Option(
                branch.name,
                self._text(branch.label) or branch.name,
                f"{view.id}-{i}" if i else view.id,
                branch.name in chosen[:1],
            )
            for i, branch in enumerate(element.branches)
        ]
        self.ctx.anchors[pointer] = view.id
        for branch, option in zip(element.branches, view.options, strict=True):
            branch_view = self._block(
                "group", branch, f"{name}.{branch.name}", f"{pointer}/{branch.name}"
            )
            branch_view.children = self.elements(
                branch.children,
                _dict(_dict(value).get(branch.name)),
                branch_view.name,
                branch_view.pointer,
            )
            branch_view.attrs["fieldset"] = False
            branch_view.extra["branch"] = option.value
            branch_view.note = _branch_note(view, option, self)
            view.children.append(branch_view)
        return view

    # ---- helpers ---------------------------------------------------------------------------

    def _id(self, pointer: str) -> str:
        return self.ctx.prefix + pointer.strip("/").replace("/", "-")

    def _text(self, text: ir.Text | None) -> str | None:
        return text.get(self.lang) if text is not None else None


def _branch_note(view: View, option: Option, builder: ViewBuilder) -> str:
    says = builder.describer.words["is"].format(view.label, option.label)
    return builder.describer.words["intro"].format(says)


_CONTROLS = {"input", "textarea", "radios", "checkboxes", "select", "date", "consent", "file"}


def _first_control(view: View) -> str | None:
    """The id of the first input in a block: where a link to the block's error leads."""
    if view.template in _CONTROLS or view.template == "alternative":
        return view.id
    for child in [*view.children, *view.rows]:
        found = _first_control(child)
        if found is not None:
            return found
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _join(first: str | None, second: str) -> str:
    return f"{first} {second}" if first else second


def _expr_json(condition: ir.Expr | None) -> str | None:
    """A condition in the browser's program spelling (types included), as JSON text."""
    if condition is None:
        return None
    from formlang.client_exprs import expr

    return json.dumps(expr(condition), ensure_ascii=False, separators=(",", ":"))
