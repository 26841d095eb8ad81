"""The PDF renderer: text goldens of the blank and the filled PDF of every library form,
tagging (PDF/UA-1), the archive variant (PDF/A-3 with the submission embedded), fonts,
bad input (long values, 200 rows, markup, hostile strings) and the `build --format pdf` CLI.

WeasyPrint is slow, so each PDF is rendered once per module (module-scoped fixtures).
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pdf_samples import LIBRARY_FORMS, REPO_ROOT, TODAY, sample
from pypdf import PdfReader

import formlang
from formlang.cli import main

GOLDEN = REPO_ROOT / "tests" / "golden" / "pdf-text"
IDS = [p.stem for p in LIBRARY_FORMS]
SORBIAN = "ä ö ü ß Ä Ö Ü č ć ě ł ń ó ř š ž Č Ć Ě Ł Ń Ó Ř Š Ž"


def text_of(pdf: bytes) -> str:
    """The text of every page, as pypdf extracts it, pages marked."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for number, page in enumerate(reader.pages, 1):
        lines = [line.rstrip() for line in page.extract_text().splitlines()]
        pages.append(f"--- page {number} ---\n" + "\n".join(lines).strip() + "\n")
    return "".join(pages)


def _flat(text: str) -> str:
    """Text with all white space removed: values may wrap anywhere in a table cell."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def forms() -> dict[str, formlang.Form]:
    return {p.stem: formlang.load(p) for p in LIBRARY_FORMS}


@pytest.fixture(scope="module")
def blank(forms: dict[str, formlang.Form]) -> dict[str, bytes]:
    return {name: form.render_pdf() for name, form in forms.items()}


@pytest.fixture(scope="module")
def filled(forms: dict[str, formlang.Form]) -> dict[str, tuple[bytes, dict[str, Any]]]:
    out = {}
    for name, form in forms.items():
        data, today = sample(form)
        effective = form.validate(data, today=today).data
        pdf = form.render_pdf(
            data,
            today=today,
            submitted_at="2025-06-01T10:15:00",
            submission_id=f"{name.upper()}-2025-0042",
        )
        out[name] = (pdf, effective)
    return out


@pytest.fixture(scope="module")
def archived(forms: dict[str, formlang.Form]) -> dict[str, tuple[bytes, dict[str, Any]]]:
    out = {}
    for name, form in forms.items():
        data, today = sample(form)
        effective = form.validate(data, today=today).data
        out[name] = (form.render_pdf(data, today=today, archive=True), effective)
    return out


# ---- goldens ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", IDS)
def test_blank_pdf_text_matches_golden(
    name: str, blank: dict[str, bytes], file_regression: Any
) -> None:
    file_regression.check(
        text_of(blank[name]), fullpath=GOLDEN / f"{name}.blank.txt", encoding="utf-8"
    )


@pytest.mark.parametrize("name", IDS)
def test_filled_pdf_text_matches_golden(
    name: str, filled: dict[str, tuple[bytes, dict[str, Any]]], file_regression: Any
) -> None:
    file_regression.check(
        text_of(filled[name][0]), fullpath=GOLDEN / f"{name}.filled.txt", encoding="utf-8"
    )


# ---- the blank form -----------------------------------------------------------------------


def test_a_blank_form_is_rendered_once_per_language_and_kind(
    forms: dict[str, formlang.Form], blank: dict[str, bytes]
) -> None:
    form = forms["hundesteuer"]
    assert form.render_pdf() is blank["hundesteuer"]  # kept, not rendered again
    english = form.render_pdf(lang="en")
    assert english is form.render_pdf(lang="en") and english != blank["hundesteuer"]
    assert form.title("en") in text_of(english)
    fillable = form.render_pdf(fillable=True)
    assert fillable is form.render_pdf(fillable=True) and fillable != blank["hundesteuer"]
    assert PdfReader(io.BytesIO(fillable)).get_fields()
    with pytest.raises(ValueError, match="no language 'fr'"):
        form.render_pdf(lang="fr")


@pytest.mark.parametrize("name", IDS)
def test_blank_form_has_header_and_footer_on_every_page(
    name: str, forms: dict[str, formlang.Form], blank: dict[str, bytes]
) -> None:
    form = forms[name]
    reader = PdfReader(io.BytesIO(blank[name]))
    pages = [page.extract_text() for page in reader.pages]
    assert form.title() in pages[0]
    assert form.ir.authority is not None and form.ir.authority.default in pages[0]
    for number, text in enumerate(pages, 1):
        assert f"Seite {number} von {len(pages)}" in text
        assert f"{form.id} · Version {form.version}" in text


def test_blank_form_shows_conditions_in_words_and_comb_formats(blank: dict[str, bytes]) -> None:
    text = text_of(blank["gewerbeanmeldung"])
    assert (
        "Nur ausfüllen, wenn „Grund der Anmeldung“: Übernahme eines bestehenden Betriebs." in text
    )
    assert "Format: TT.MM.JJJJ" in text
    assert "Gesellschafter 2" in text  # min 2: two blank rows


def test_blank_form_in_english(forms: dict[str, formlang.Form]) -> None:
    text = text_of(forms["hundesteuer"].render_pdf(lang="en"))
    assert "Dog tax registration" in text
    assert "Page 1 of" in text
    assert "Format: DD.MM.YYYY" in text


# ---- the filled form: tagged, every answer there -------------------------------------------


@pytest.mark.parametrize("name", IDS)
def test_filled_pdf_is_tagged_pdf_ua(
    name: str, forms: dict[str, formlang.Form], filled: dict[str, tuple[bytes, dict[str, Any]]]
) -> None:
    reader = PdfReader(io.BytesIO(filled[name][0]))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "de"
    assert reader.metadata is not None and reader.metadata.title == forms[name].title()
    assert str(root["/ViewerPreferences"]["/DisplayDocTitle"]) in ("True", "true")
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp or "<pdfuaid:part>1</pdfuaid:part>" in xmp


def _structure_kinds(reader: PdfReader) -> list[str]:
    kinds: list[str] = []

    def visit(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif hasattr(node, "get") and node.get("/S") is not None:
            kinds.append(str(node["/S"]))
            visit(node.get("/K", []))

    visit(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return kinds


def test_filled_pdf_relates_labels_and_values(
    filled: dict[str, tuple[bytes, dict[str, Any]]],
) -> None:
    reader = PdfReader(io.BytesIO(filled["hundesteuer"][0]))
    kinds = _structure_kinds(reader)
    assert {"/Document", "/H1", "/H2", "/Table", "/TR", "/TH", "/TD", "/Caption"} <= set(kinds)
    assert kinds.count("/TH") >= 10


def _leaves(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in _leaves(value)]
    if isinstance(data, list):
        return [leaf for value in data for leaf in _leaves(value)]
    return [data]


@pytest.mark.parametrize("name", IDS)
def test_filled_pdf_shows_every_label_and_value(
    name: str, forms: dict[str, formlang.Form], filled: dict[str, tuple[bytes, dict[str, Any]]]
) -> None:
    from formlang.pdf_filled import filled_sections

    pdf, effective = filled[name]
    text = _flat(text_of(pdf))
    sheets = filled_sections(forms[name].ir, effective, "de")
    shown = 0
    for sheet in sheets:
        for table in sheet.tables:
            for label, value in table.rows:
                assert _flat(label) in text and _flat(value) in text, (label, value)
                shown += 1
            for cells in table.grid:
                assert all(_flat(cell) in text for cell in cells)
                shown += 1
    assert shown >= len([v for v in _leaves(effective) if not isinstance(v, dict)]) // 2
    assert "Eingegangenam:1.Juni2025,10:15" in text
    assert f"{name.upper()}-2025-0042" in text


def test_filled_values_are_german(filled: dict[str, tuple[bytes, dict[str, Any]]]) -> None:
    text = _flat(text_of(filled["hundesteuer"][0]))
    assert "96,00€" in text
    assert "28.Februar1980" in text
    gewerbe = text_of(filled["gewerbeanmeldung"][0])
    assert "Šołćina" in gewerbe and "Čěsław" in gewerbe and "Łužiska dróha" in gewerbe


@pytest.mark.parametrize("name", IDS)
def test_fonts_are_embedded(name: str, filled: dict[str, tuple[bytes, dict[str, Any]]]) -> None:
    reader = PdfReader(io.BytesIO(filled[name][0]))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values()), fonts
    # the renderer's own fonts; a letter they lack (an emoji) may come from the system's
    assert any("formlang-Sans" in name for name in fonts), fonts


def test_german_and_sorbian_letters_print(forms: dict[str, formlang.Form]) -> None:
    from formlang.pdf_render import render_filled

    data = {"halter": {"familienname": SORBIAN, "vornamen": "Jan"}}
    text = text_of(render_filled(forms["hundesteuer"].ir, data))
    assert SORBIAN in text


# ---- the archive: PDF/A-3 with the submission ----------------------------------------------


@pytest.mark.parametrize("name", IDS)
def test_archive_carries_the_submission(
    name: str, forms: dict[str, formlang.Form], archived: dict[str, tuple[bytes, dict[str, Any]]]
) -> None:
    pdf, effective = archived[name]
    reader = PdfReader(io.BytesIO(pdf))
    attachments = reader.attachments
    assert list(attachments) == [f"{forms[name].id}.submission.json"]
    (content,) = attachments[f"{forms[name].id}.submission.json"]
    assert json.loads(content.decode("utf-8")) == effective
    root = reader.trailer["/Root"]
    assert "/AF" in root and "/OutputIntents" in root and "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp


# ---- bad input -------------------------------------------------------------------------------


def test_long_values_wrap_and_many_rows_paginate(forms: dict[str, formlang.Form]) -> None:
    from formlang.pdf_render import render_filled

    long_word = "Hundename" * 60
    long_text = " ".join(["Sehr langer Wert"] * 400)
    dogs = [
        {
            "name": f"Hund {i} {long_word if i == 3 else ''}",
            "rasse": "dackel",
            "geboren": "2020-01-01",
        }
        for i in range(200)
    ]
    data = {"halter": {"familienname": long_text, "vornamen": long_word}, "hunde": dogs}
    pdf = render_filled(forms["hundesteuer"].ir, data)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 5
    text = _flat(text_of(pdf))
    assert _flat(long_word) in text
    assert "Hund199" in text
    assert text.count("SehrlangerWert") >= 395  # a few are cut by the page footers


def test_markup_and_hostile_strings_are_printed_as_text(forms: dict[str, formlang.Form]) -> None:
    from formlang.pdf_render import render_filled

    hostile = [
        '<b>fett</b> & <script>alert(1)</script> <img src="file:///etc/passwd">',
        "{{ 7*7 }} {% raw %} ${x} \\u0000",
        "\u202egnirts desrever\u202c \u200b zero width \ufeff",
        "Emoji 🐕 and CJK 漢字 and RTL שלום",
        "\x00\x01\x1f control",
        '</td></tr></table><h1>X</h1> url("file:///etc/passwd")',
    ]
    data = {
        "halter": {"familienname": hostile[0], "vornamen": hostile[1], "geburtsort": hostile[2]},
        "anschrift": {"strasse": hostile[3], "ort": hostile[4], "hausnummer": hostile[5]},
    }
    pdf = render_filled(forms["hundesteuer"].ir, data)
    text = text_of(pdf)
    assert "<b>fett</b>" in text and "<script>alert(1)</script>" in text
    assert "{{ 7*7 }}" in text
    assert "</td></tr></table><h1>X</h1>" in text
    assert b"/etc/passwd" not in pdf or "passwd" in text


def test_a_submission_that_validate_accepts_never_crashes(forms: dict[str, formlang.Form]) -> None:
    from submissions import RandomSource, submission

    form = forms["gewerbeanmeldung"]
    for seed in range(3):
        data = submission(form.ir, RandomSource(seed), "mixed")
        assert form.render_pdf(data, today=TODAY).startswith(b"%PDF-")


# ---- command line ------------------------------------------------------------------------------


def test_build_pdf_writes_blank_fillable_filled_and_archive(tmp_path: Path) -> None:
    form = REPO_ROOT / "library" / "forms" / "hundesteuer.form"
    data, _ = sample(formlang.load(form))
    submission = tmp_path / "antrag.json"
    submission.write_text(json.dumps(data), encoding="utf-8")
    runner = CliRunner()
    for extra, folder in (
        ([], "blank"),
        (["--fillable"], "fillable"),
        (["--data", str(submission)], "filled"),
        (["--data", str(submission), "--archive"], "archive"),
    ):
        out = tmp_path / folder
        result = runner.invoke(
            main, ["build", str(form), "--format", "pdf", "--out", str(out), *extra]
        )
        assert result.exit_code == 0, result.output
        assert (out / "hundesteuer.pdf").read_bytes().startswith(b"%PDF-")
    assert PdfReader(tmp_path / "fillable" / "hundesteuer.pdf").get_fields()
    assert PdfReader(tmp_path / "archive" / "hundesteuer.pdf").attachments


def test_build_pdf_refuses_wrong_combinations(tmp_path: Path) -> None:
    form = str(REPO_ROOT / "library" / "forms" / "hundesteuer.form")
    runner = CliRunner()
    result = runner.invoke(
        main, ["build", form, "--format", "pdf", "--archive", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "--archive needs --data" in result.output
    result = runner.invoke(main, ["build", form, "--fillable", "--out", str(tmp_path)])
    assert result.exit_code == 2
    result = runner.invoke(
        main, ["build", form, "--format", "pdf", "--lang", "fr", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
