"""The fillable PDF and the way back: for every library form, fill every field of the
fillable PDF through pypdf as a citizen would type it (German dates and decimals), read
it back with `pdf-extract`, validate, and compare with the original submission.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pdf_samples import LIBRARY_FORMS, REPO_ROOT, sample
from pypdf import PdfReader, PdfWriter

import formlang
from formlang import ir
from formlang.cli import main
from formlang.pdf_extract import ExtractError
from formlang.pdf_render import render_blank
from formlang.pdf_view import LONG_CHOICE
from formlang.types import FieldKind

IDS = [p.stem for p in LIBRARY_FORMS]


def _elements(elements: tuple[ir.Element, ...]) -> list[Any]:
    out: list[Any] = []
    for element in elements:
        if isinstance(element, ir.Page):
            out.extend(_elements(element.children))
        elif not isinstance(element, ir.Info | ir.Computed):
            out.append(element)
    return out


def typed(kind: FieldKind, value: Any) -> str:
    """A value as a person types it into the PDF."""
    if kind is FieldKind.DATE:
        year, month, day = value.split("-")
        return f"{day}.{month}.{year}"
    if kind is FieldKind.DATETIME:
        day_part, _, clock = value.partition("T")
        return f"{typed(FieldKind.DATE, day_part)} {clock[:5]}"
    if kind in (FieldKind.DECIMAL, FieldKind.MONEY):
        return str(value).replace(".", ",")
    return str(value)


def fill_values(
    elements: tuple[ir.Element, ...],
    data: dict[str, Any],
    pointer: str,
    options: dict[str, list[str]],
) -> dict[str, str]:
    """The PDF field values that say `data`: text, "/<n>" for a radio, "/on" for a check box."""
    out: dict[str, str] = {}
    for element in _elements(elements):
        name = f"{pointer}/{element.name}"
        value = data.get(element.name)
        if value is None:
            continue
        if isinstance(element, ir.Field):
            out.update(_field(element, name, value, options))
        elif isinstance(element, ir.Group):
            out.update(fill_values(element.children, value, name, options))
        elif isinstance(element, ir.Repeat):
            for index, row in enumerate(value):
                out.update(fill_values(element.children, row, f"{name}/{index}", options))
        else:
            (branch_name,) = value
            out[name] = f"/{options[name].index(branch_name)}"
            branch = next(b for b in element.branches if b.name == branch_name)
            out.update(
                fill_values(branch.children, value[branch_name], f"{name}/{branch_name}", options)
            )
    return out


def _field(
    element: ir.Field, name: str, value: Any, options: dict[str, list[str]]
) -> dict[str, str]:
    kind = element.kind
    if kind is FieldKind.FILE:
        return {}
    if kind is FieldKind.MULTICHOICE:
        return {f"{name}:{code}": "/on" for code in value}
    if kind is FieldKind.CONSENT:
        return {name: "/on"} if value else {}
    if element.codelist is not None and len(element.codelist.codes) > LONG_CHOICE:
        chosen = value if isinstance(value, list) else [value]
        labels = [c.label.default for code in chosen if (c := element.codelist.code(code))]
        return {name: "; ".join(labels)}  # written in by name
    if kind in (FieldKind.CHOICE, FieldKind.BOOLEAN):
        code = ("true" if value else "false") if kind is FieldKind.BOOLEAN else value
        return {name: f"/{options[name].index(code)}"}
    return {name: typed(kind, value)}


def without_files(form: ir.Form, data: Any, elements: tuple[ir.Element, ...] | None = None) -> Any:
    """`data` less its files: a fillable PDF takes no uploads (they are enclosed on paper)."""
    out = {}
    for element in _elements(form.children if elements is None else elements):
        if element.name not in data:
            continue
        value = data[element.name]
        if isinstance(element, ir.Field):
            if element.kind is not FieldKind.FILE:
                out[element.name] = value
        elif isinstance(element, ir.Group):
            out[element.name] = without_files(form, value, element.children)
        elif isinstance(element, ir.Repeat):
            out[element.name] = [without_files(form, row, element.children) for row in value]
        else:
            out[element.name] = {
                b.name: without_files(form, value[b.name], b.children)
                for b in element.branches
                if b.name in value
            }
    return out


def most_rows(data: Any) -> int:
    if isinstance(data, dict):
        return max([most_rows(v) for v in data.values()] or [0])
    if isinstance(data, list):
        return max([len(data), *(most_rows(v) for v in data)])
    return 0


def fill(blank: bytes, values: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def cases() -> dict[str, tuple[formlang.Form, Any, Any, bytes]]:
    out = {}
    for path in LIBRARY_FORMS:
        form = formlang.load(path)
        data, today = sample(form)
        effective = form.validate(data, today=today).data
        blank = render_blank(form.ir, fillable=True, rows=max(2, most_rows(effective)))
        out[path.stem] = (form, effective, today, blank)
    return out


@pytest.mark.parametrize("name", IDS)
def test_fields_are_named_by_data_path(name: str, cases: dict[str, Any]) -> None:
    form, _, _, blank = cases[name]
    fields = PdfReader(io.BytesIO(blank)).get_fields() or {}
    leaves = [e for e in ir.walk(form.ir.children) if isinstance(e, ir.Field)]
    top = [e for e in leaves if "/" + "/".join(e.path) in fields]
    assert top, "no field named by its data path"
    for name_, field in fields.items():
        assert name_.startswith("/"), name_
        assert field.get("/FT") in ("/Tx", "/Btn", "/Ch")
        if field.get("/Opt"):  # a radio group: the codes are its export values
            assert all(isinstance(str(o), str) for o in field["/Opt"])


@pytest.mark.parametrize("name", IDS)
def test_fillable_round_trip(name: str, cases: dict[str, Any]) -> None:
    form, effective, today, blank = cases[name]
    fields = PdfReader(io.BytesIO(blank)).get_fields() or {}
    options = {k: [str(o) for o in v["/Opt"]] for k, v in fields.items() if v.get("/Opt")}
    values = fill_values(form.ir.children, effective, "", options)
    assert set(values) <= set(fields), set(values) - set(fields)
    filled = fill(blank, values)
    extracted = form.read_pdf(filled)
    expected = form.validate(without_files(form.ir, effective), today=today)
    result = form.validate(extracted, today=today)
    assert result.data == expected.data
    assert result.ok == expected.ok
    assert [e.code for e in result.errors] == [e.code for e in expected.errors]


def test_extract_reads_german_numbers_and_dates(cases: dict[str, Any]) -> None:
    form, _, _, blank = cases["hundesteuer"]
    filled = fill(
        blank,
        {
            "/hunde/0/name": "  Bello ",
            "/hunde/0/geboren": "1.3.2021",
            "/hunde/0/seit": "2021-06-01",
            "/konto/iban": "de89 3704 0044 0532 0130 00",
        },
    )
    data = form.read_pdf(filled)
    assert data["hunde"] == [{"name": "Bello", "geboren": "2021-03-01", "seit": "2021-06-01"}]
    assert data["konto"] == {"iban": "DE89370400440532013000"}


def test_extract_refuses_what_is_not_a_filled_form(cases: dict[str, Any]) -> None:
    form, _, _, blank = cases["hundesteuer"]
    with pytest.raises(ExtractError):
        form.read_pdf(b"not a pdf at all")
    with pytest.raises(ExtractError):
        form.read_pdf(blank)  # nothing filled in


def test_pdf_extract_command(cases: dict[str, Any], tmp_path: Path) -> None:
    form, effective, _, blank = cases["hundesteuer"]
    fields = PdfReader(io.BytesIO(blank)).get_fields() or {}
    options = {k: [str(o) for o in v["/Opt"]] for k, v in fields.items() if v.get("/Opt")}
    pdf = tmp_path / "ausgefuellt.pdf"
    pdf.write_bytes(fill(blank, fill_values(form.ir.children, effective, "", options)))
    source = str(REPO_ROOT / "library" / "forms" / "hundesteuer.form")
    runner = CliRunner()
    result = runner.invoke(main, ["pdf-extract", source, str(pdf)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["halter"] == effective["halter"]
    out = tmp_path / "antrag.json"
    result = runner.invoke(main, ["pdf-extract", source, str(pdf), "--out", str(out), "--check"])
    assert out.exists()
    assert result.exit_code in (0, 1)
    result = runner.invoke(main, ["pdf-extract", source, str(tmp_path / "missing.pdf")])
    assert result.exit_code == 2
