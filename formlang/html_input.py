"""Reading a posted HTML form back into a submission, and writing one as inputs (renderer stage).

The browser runtime reads its inputs with the same rules (tests/vectors/inputs.json
is run by both), so what the server decides for a page posted without
JavaScript is what the browser decided before sending:

- text is trimmed; IBAN and BIC lose their spaces and are upper-cased, a
  tax id loses its spaces; an empty input is no answer;
- whole numbers: digits with an optional sign (German "1.000" or English
  "1,000" thousands allowed), at most 15 digits; decimals and money in the
  page's language ("1.250,50", "1250,50", "12.5", "1,250.50"), a euro sign
  and spaces ignored, written as a decimal string;
- a date from its day, month and year inputs (`…-day`, `…-month`, `…-year`),
  day and month padded to two digits; a time as HH:MM ("8.30" → "08:30");
- anything that does not read as its kind is kept as typed, so the validator
  names the problem ("Geben Sie … eine ganze Zahl ein");
- the rows of a repeat in the order of their numbers, empty rows left out
  (kept while rows are added or removed); the branch of an alternative from
  its radio, or else every branch that was filled in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from formlang import ir
from formlang.html_texts import input_value
from formlang.types import FieldKind

_MAX_DIGITS = 15
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_INTEGER = re.compile(r"[+-]?\d+")
_PLAIN = re.compile(r"[+-]?\d+(\.\d+)?")
_GROUPED = {
    "de": re.compile(r"([+-]?\d{1,3}(?:\.\d{3})+)(?:,(\d+))?|([+-]?\d+),(\d+)"),
    "en": re.compile(r"([+-]?\d{1,3}(?:,\d{3})+)(?:\.(\d+))?"),
}
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")
_COMPACT = {FieldKind.IBAN, FieldKind.BIC, FieldKind.TAX_ID}
ACTION = "_action"


def read_pairs(pairs: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    """Posted name/value pairs (a query string's, a multidict's items) by name."""
    out: dict[str, list[Any]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


def decode(
    form: ir.Form, pairs: Iterable[tuple[str, Any]], lang: str, keep_empty_rows: bool = False
) -> tuple[dict[str, Any], str]:
    """The submission a posted page means, and the button that sent it (`_action`)."""
    posted = read_pairs(pairs)
    action = _first(posted, ACTION) or ""
    reader = _Reader(posted, lang.split("-")[0], keep_empty_rows)
    return reader.elements(form.children, ""), str(action)


class _Reader:
    def __init__(self, posted: dict[str, list[Any]], lang: str, keep_empty_rows: bool) -> None:
        self.posted = posted
        self.lang = lang
        self.keep = keep_empty_rows

    def elements(self, elements: tuple[ir.Element, ...], prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for element in elements:
            if isinstance(element, ir.Page):
                out.update(self.elements(element.children, prefix))
                continue
            if isinstance(element, ir.Info | ir.Computed):
                continue
            name = f"{prefix}{element.name}"
            value = self.element(element, name)
            if value is not None:
                out[element.name] = value
        return out

    def element(self, element: Any, name: str) -> Any:
        if isinstance(element, ir.Field):
            return self.field(element, name)
        if isinstance(element, ir.Group):
            return self.elements(element.children, f"{name}.") or None
        if isinstance(element, ir.Repeat):
            return self.rows(element, name)
        return self.alternative(element, name)

    def rows(self, element: ir.Repeat, name: str) -> list[dict[str, Any]] | None:
        found = re.compile(re.escape(name) + r"\.(\d{1,4})[.-]")
        indices = sorted({int(m.group(1)) for key in self.posted if (m := found.match(key))})
        rows = [self.elements(element.children, f"{name}.{i}.") for i in indices]
        rows = rows if self.keep else [row for row in rows if row]
        return rows or None

    def alternative(self, element: ir.Alternative, name: str) -> dict[str, Any] | None:
        chosen = _text(_first(self.posted, name))
        for branch in element.branches:
            if branch.name == chosen:
                return {branch.name: self.elements(branch.children, f"{name}.{branch.name}.")}
        filled = {}
        for branch in element.branches:
            value = self.elements(branch.children, f"{name}.{branch.name}.")
            if value:
                filled[branch.name] = value
        return filled or None

    def field(self, element: ir.Field, name: str) -> Any:
        kind = element.kind
        if kind in (FieldKind.DATE, FieldKind.DATETIME):
            return self.date(name, kind is FieldKind.DATETIME)
        if kind is FieldKind.MULTICHOICE:
            chosen = [v for v in (_text(x) for x in self.posted.get(name, ())) if v]
            return chosen or None
        if kind is FieldKind.FILE:
            return self.file(name)
        text = _text(_first(self.posted, name))
        if not text:
            return None
        return read_value(kind, text, self.lang)

    def date(self, name: str, with_time: bool) -> str | None:
        day, month, year = (
            _text(_first(self.posted, f"{name}-{p}")) for p in ("day", "month", "year")
        )
        clock = _text(_first(self.posted, f"{name}-time")) if with_time else ""
        if not (day or month or year or clock):
            return None
        value = f"{year}-{_pad(month)}-{_pad(day)}"
        return f"{value}T{read_value(FieldKind.TIME, clock, self.lang)}" if with_time else value

    def file(self, name: str) -> Any:
        upload = _first(self.posted, name)
        if isinstance(upload, Mapping):
            return dict(upload)
        kept = _text(_first(self.posted, f"{name}-kept"))
        if kept:
            try:
                value = json.loads(kept)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
        return None


def read_value(kind: FieldKind, text: str, lang: str) -> Any:
    """One trimmed, non-empty input as the value of its kind (or as typed, if it is not one)."""
    if kind in _COMPACT:
        compact = _SPACES.sub("", text)
        return compact.upper() if kind is not FieldKind.TAX_ID else compact
    if kind is FieldKind.INTEGER:
        number = _number(text, lang)
        if number is not None and _INTEGER.fullmatch(number):
            digits = number.lstrip("+-")
            return int(number) if len(digits) <= _MAX_DIGITS else text
        return text
    if kind in (FieldKind.DECIMAL, FieldKind.MONEY):
        number = _number(text.replace("€", ""), lang)
        return number.lstrip("+") if number is not None else text
    if kind is FieldKind.BOOLEAN:
        return {"true": True, "false": False}.get(text, text)
    if kind is FieldKind.CONSENT:
        return True if text == "true" else None
    if kind is FieldKind.TIME:
        match = _TIME.fullmatch(text)
        return f"{int(match.group(1)):02d}:{match.group(2)}" if match else text
    return text


def _number(text: str, lang: str) -> str | None:
    """A number typed in `lang` as a plain decimal string ("1.250,5" → "1250.5"), else None."""
    compact = _SPACES.sub("", text)
    if _PLAIN.fullmatch(compact) and not (lang == "de" and _GROUPED["de"].fullmatch(compact)):
        return compact
    grouped = _GROUPED.get(lang, _GROUPED["de"]).fullmatch(compact)
    if grouped is None:
        return None
    whole = (grouped.group(1) or grouped.group(3) or "").replace(".", "").replace(",", "")
    fraction = grouped.group(2) or (grouped.group(4) if grouped.re.groups > 2 else None)
    return f"{whole}.{fraction}" if fraction else whole


def _pad(part: str) -> str:
    return part.zfill(2) if part.isdigit() and len(part) == 1 else part


def _first(posted: dict[str, list[Any]], name: str) -> Any:
    values = posted.get(name)
    return values[0] if values else None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# ---- the other way: a submission as inputs ---------------------------------------------------


def encode(form: ir.Form, data: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The name/value pairs a page would post for `data` (check-your-answers' hidden inputs)."""
    out: list[tuple[str, str]] = []
    _encode(form.children, data, "", lang, out)
    return out


def _encode(
    elements: tuple[ir.Element, ...],
    data: Mapping[str, Any],
    prefix: str,
    lang: str,
    out: list[tuple[str, str]],
) -> None:
    for element in elements:
        if isinstance(element, ir.Page):
            _encode(element.children, data, prefix, lang, out)
            continue
        if isinstance(element, ir.Info | ir.Computed):
            continue
        value = data.get(element.name)
        name = f"{prefix}{element.name}"
        if value is None:
            continue
        if isinstance(element, ir.Group) and isinstance(value, Mapping):
            _encode(element.children, value, f"{name}.", lang, out)
        elif isinstance(element, ir.Repeat) and isinstance(value, list):
            for index, row in enumerate(value):
                if isinstance(row, Mapping):
                    _encode(element.children, row, f"{name}.{index}.", lang, out)
        elif isinstance(element, ir.Alternative) and isinstance(value, Mapping):
            for branch in element.branches:
                if isinstance(value.get(branch.name), Mapping):
                    out.append((name, branch.name))
                    _encode(
                        branch.children, value[branch.name], f"{name}.{branch.name}.", lang, out
                    )
        elif isinstance(element, ir.Field):
            out.extend(_encode_field(element, value, name, lang))


def _encode_field(element: ir.Field, value: Any, name: str, lang: str) -> list[tuple[str, str]]:
    kind = element.kind
    if kind is FieldKind.MULTICHOICE and isinstance(value, list):
        return [(name, str(v)) for v in value]
    if kind is FieldKind.FILE:
        return [(f"{name}-kept", json.dumps(value, ensure_ascii=False, sort_keys=True))]
    if kind in (FieldKind.DATE, FieldKind.DATETIME) and isinstance(value, str):
        day_part, _, clock = value.partition("T")
        year, month, day = ([*day_part.split("-", 2), "", "", ""])[:3]
        pairs = [(f"{name}-day", day), (f"{name}-month", month), (f"{name}-year", year)]
        return pairs + ([(f"{name}-time", clock)] if kind is FieldKind.DATETIME else [])
    return [(name, input_value(kind.value, value, lang))]


def apply_action(data: dict[str, Any], action: str) -> bool:
    """Adds or removes a repeat row for `add:/pointer` or `remove:/pointer/index`.

    Returns whether the action was one of these (the page is then shown again,
    without checking it).
    """
    verb, _, pointer = action.partition(":")
    if verb not in ("add", "remove") or not pointer.startswith("/"):
        return False
    steps = pointer.strip("/").split("/")
    if verb == "remove":
        *steps, last = steps
    here: Any = data
    for step in steps[:-1]:
        here = here[int(step)] if isinstance(here, list) and step.isdigit() else _child(here, step)
        if here is None:
            return True
    key = steps[-1] if steps else ""
    if isinstance(here, dict):
        rows = here.get(key)
        if verb == "add":
            here[key] = [*rows, {}] if isinstance(rows, list) else [{}, {}]
        elif isinstance(rows, list) and last.isdigit() and int(last) < len(rows):
            del rows[int(last)]
    return True


def _child(here: Any, step: str) -> Any:
    if isinstance(here, dict):
        return here.setdefault(step, {})
    if isinstance(here, list) and step.isdigit() and int(step) < len(here):
        return here[int(step)]
    return None
