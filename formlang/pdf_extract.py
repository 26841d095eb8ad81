"""Reading a filled fillable PDF back into a submission (the way back from the PDF renderer).

The fillable form (`render_blank(…, fillable=True)`) names each AcroForm field
by its data path as a JSON pointer (`/hunde/0/name`); a multiple choice has one
check box per code (`/tiere:hund`); a choice, a yes/no question and the branch
of an alternative are radio groups whose export values (`/Opt`) are the codes.
`extract(form, pdf, lang)` turns the fields' values into the name/value pairs
of a posted HTML page and reads them with `formlang.html_input.decode`, so a
form filled offline is normalised exactly like one sent from the browser:
"1.250,50" becomes "1250.50", "31.1.2024" becomes "2024-01-31", empty rows
are left out. What does not read as its kind is kept as typed, and
`form.validate` names the problem.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from formlang import ir
from formlang.html_input import decode
from formlang.pdf_view import LONG_CHOICE
from formlang.types import FieldKind

_DATE = re.compile(r"(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{2,4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATETIME = re.compile(r"(.+?)(?:\s+|T)(\d{1,2}[:.]\d{2}(?::\d{2})?)\s*(?:Uhr)?")


class ExtractError(ValueError):
    """The file is not a PDF, or has no form fields of this form."""


def extract(
    form: ir.Form, pdf: bytes | Path | IO[bytes], lang: str | None = None
) -> dict[str, Any]:
    """The submission that a filled fillable PDF of `form` holds (not yet validated)."""
    values = read_fields(pdf)
    if not values:
        raise ExtractError("the PDF has no filled form fields")
    language = lang or form.default_language
    pairs = list(_pairs(values, _date_kinds(form), _written_choices(form, language)))
    data, _ = decode(form, pairs, language)
    return data


def read_fields(pdf: bytes | Path | IO[bytes]) -> dict[str, str | bool]:
    """The filled fields of a PDF: name → text, export value of a radio, or True for a check box."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    source: Any = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    try:
        reader = PdfReader(source)
        fields = reader.get_fields() or {}
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractError(f"not a readable PDF ({exc})") from None
    out: dict[str, str | bool] = {}
    for name, field in fields.items():
        value = _field_value(field)
        if value is not None and value != "":
            out[str(name)] = value
    return out


def _field_value(field: Any) -> str | bool | None:
    value = field.get("/V")
    if field.get("/FT") != "/Btn":
        return str(value) if value is not None else None
    state = str(value) if value is not None else "/Off"
    if state in ("/Off", "Off", ""):
        return None
    options = field.get("/Opt")
    if options:
        # the state is the button's position in the group; /Opt holds its export value
        index = state.lstrip("/")
        if index.isdigit() and int(index) < len(options):
            return str(_resolve(options[int(index)]))
        return state.lstrip("/")
    return True


def _resolve(item: Any) -> Any:
    return item.get_object() if hasattr(item, "get_object") else item


def _date_kinds(form: ir.Form) -> dict[ir.Path, FieldKind]:
    """The data paths (without row numbers) of the date and date-and-time fields."""
    return {
        element.path: element.kind
        for element in ir.walk(form.children)
        if isinstance(element, ir.Field) and element.kind in (FieldKind.DATE, FieldKind.DATETIME)
    }


def _written_choices(form: ir.Form, lang: str) -> dict[ir.Path, dict[str, str]]:
    """Choices with long code lists, written in by name: the code of each label (and code)."""
    out: dict[ir.Path, dict[str, str]] = {}
    for element in ir.walk(form.children):
        if isinstance(element, ir.Field) and element.codelist is not None:
            codes = element.codelist.codes
            if len(codes) > LONG_CHOICE:
                names = {_key(c.value): c.value for c in codes}
                for code in codes:
                    for _, label in code.label.translations:
                        names.setdefault(_key(label), code.value)
                    names[_key(code.label.get(lang))] = code.value
                out[element.path] = names
    return out


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _pairs(
    values: dict[str, str | bool],
    dates: dict[ir.Path, FieldKind],
    written: dict[ir.Path, dict[str, str]],
) -> Iterator[tuple[str, str]]:
    """The fields as the name/value pairs of a posted HTML page of the form."""
    for pointer, value in values.items():
        pointer, _, code = pointer.partition(":")
        if not pointer.startswith("/"):
            continue  # not a field of a formlang form
        steps = pointer.strip("/").split("/")
        name = ".".join(steps)
        if code:
            if value is True:
                yield name, code
            continue
        if value is True:
            yield name, "true"
            continue
        text = str(value).strip()
        path = tuple(s for s in steps if not s.isdigit())
        kind = dates.get(path)
        if path in written:
            for part in text.split(";"):
                yield name, written[path].get(_key(part), part.strip())
        elif kind is None:
            yield name, text
        else:
            yield from _date_pairs(name, text, kind is FieldKind.DATETIME)


def _date_pairs(name: str, text: str, with_time: bool) -> Iterator[tuple[str, str]]:
    """A date as typed on paper (TT.MM.JJJJ, or ISO) as the day, month and year inputs."""
    clock = ""
    if with_time:
        match = _DATETIME.fullmatch(text)
        if match:
            text, clock = match.group(1).strip(), match.group(2)
    german = _DATE.fullmatch(text)
    iso = _ISO_DATE.fullmatch(text)
    if german:
        day, month, year = german.groups()
    elif iso:
        year, month, day = iso.groups()
    else:
        day, month, year = "", "", text  # kept as typed: the validator says what is wrong
    yield f"{name}-day", day
    yield f"{name}-month", month
    yield f"{name}-year", year
    if with_time:
        yield f"{name}-time", clock
