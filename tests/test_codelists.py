"""Tests of formlang.codelists: real genericode lists, CSV files and every kind of bad file."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from formlang.codelists import CodeListFile, clear_cache, load_codelist
from formlang.diagnostics import Diagnostic, Severity
from formlang.source import Source, Span

DATA = Path(__file__).parent / "data" / "codelists"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS_DIRS = ("codelists", "fim/xdf2/codelists")


def span() -> Span:
    return Source(text='codes x from "f.csv"', path="t.form").span(13, 20)


def corpus() -> Path:
    """The shared corpus; skipped locally when absent, but a failure on CI."""
    if not CORPUS.is_dir():
        reason = f"the shared corpus is missing: {CORPUS} (clone shared/ beside the repository)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CORPUS


def corpus_files() -> list[Path]:
    root = corpus()
    files = sorted(p for d in CORPUS_DIRS for p in (root / d).iterdir() if ".xml" in p.name)
    assert len(files) >= 20, files
    return files


def load(path: Path, **kw: str) -> tuple[CodeListFile | None, list[Diagnostic]]:
    return load_codelist(path, span=span(), **kw)


def load_ok(path: Path, **kw: str) -> CodeListFile:
    codes, diags = load(path, **kw)
    assert [d.message for d in diags] == []
    assert codes is not None
    return codes


def load_corpus(name: str, **kw: str) -> CodeListFile:
    found = [p for p in corpus_files() if p.name.startswith(name)]
    assert len(found) == 1, found
    return load_ok(found[0], **kw)


def only_problem(path: Path, code: str = "FL705", **kw: str) -> tuple[CodeListFile | None, str]:
    codes, diags = load(path, **kw)
    assert [d.code for d in diags] == [code], [d.message for d in diags]
    assert diags[0].is_error
    assert str(diags[0].span) == "t.form:1:14"
    return codes, diags[0].message


# --- the real lists ----------------------------------------------------------


def test_every_corpus_genericode_file_loads_without_problems() -> None:
    failures = []
    for path in corpus_files():
        codes, diags = load(path)
        if codes is None or diags or not codes.entries or not codes.version:
            failures.append(f"{path.name}: {[d.message for d in diags]}")
            continue
        for entry in codes.entries:
            assert entry.code == entry.code.strip() and entry.code
            assert entry.label == entry.label.strip() and entry.label, (path.name, entry)
            assert entry.labels[0][0] == "de"
    assert failures == []


def test_xinneres_geschlecht() -> None:
    codes = load_corpus("xinneres-geschlecht")
    assert [e.code for e in codes.entries] == ["m", "w", "x", "d"]
    assert codes.entries[0].labels == (("de", "männlich"),)
    assert codes.name == "geschlecht"
    assert codes.uri == "urn:xoev-de:xinneres:codeliste:geschlecht"
    assert codes.version == "1"
    assert codes.version_uri == "urn:xoev-de:xinneres:codeliste:geschlecht_1"
    assert codes.source == "Koordinierungsstelle für IT-Standards"
    assert (codes.key_column, codes.label_column) == ("code", "beschreibung")


def test_destatis_bundesland_has_the_16_laender() -> None:
    codes = load_corpus("destatis-bundesland")
    assert [e.code for e in codes.entries] == [f"{n:02}" for n in range(1, 17)]
    assert dict((e.code, e.label) for e in codes.entries)["14"] == "Sachsen"
    assert codes.uri == "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:bundesland"
    assert codes.version == "2010-04-01"


def test_destatis_kreis() -> None:
    codes = load_corpus("destatis-kreis")
    assert len(codes.entries) == 518
    saxony = [e.code for e in codes.entries if e.code.startswith("14")]
    assert (len(saxony), saxony[0], saxony[-1]) == (13, "14511", "14730")


def test_destatis_ags_covers_all_municipalities() -> None:
    codes = load_corpus("destatis-ags")
    assert len(codes.entries) == 11227
    assert sum(e.code.startswith("14") for e in codes.entries) == 418
    assert codes.entries[0].labels == (("de", "Flensburg, Stadt"),)


def test_gzip_compressed_regionalschluessel_loads() -> None:
    codes = load_corpus("destatis-rs")
    assert codes.path.endswith(".xml.gz")
    assert len(codes.entries) == 11227
    assert all(len(e.code) == 12 for e in codes.entries)
    assert codes.version == "2026-04-30"


def test_key_column_names_differ_between_lists() -> None:
    keys = {load_ok(path).key_column for path in corpus_files()}
    assert {"code", "key", "Code", "SCHLUESSEL", "schluessel-staat"} <= keys
    assert "DESTATIS-Schluessel-Staatsangehoerigkeit" in keys


@pytest.mark.parametrize(
    ("name", "column", "first_label"),
    [
        ("xoev-erreichbarkeit", "Beschreibung", "E-Mail"),
        ("destatis-bezirk", "Bezeichnung", "Bezirk Hamburg-Mitte"),
        ("dsmeld-familienstand_2", "name", "ledig"),
        # required Bezeichnung-lang wins over the often empty Bezeichnung-kurz-1/-2
        ("xunternehmen-rechtsformen", "Bezeichnung-lang", "Rechtsfähige Personengesellschaft"),
        # the language suffix must fit default_lang
        ("fim-xzufi.anschrifttyp", "description-de-DE", "Hausanschrift"),
        # no label word: the first required string column that is not the key
        ("destatis-staatsangehoerigkeit", "Suchbegriff", "Afghanistan"),
        # no label word: the column of the second Key (codenameKey)
        ("C60000016", "suchbegriff", "Deutschland"),
        ("C05000073", "name", "Ich stimme zu."),
    ],
)
def test_label_column_rule(name: str, column: str, first_label: str) -> None:
    codes = load_corpus(name)
    assert (codes.label_column, codes.entries[0].label) == (column, first_label)


def test_default_lang_picks_the_matching_language_column() -> None:
    codes = load_corpus("fim-xzufi.anschrifttyp", default_lang="en")
    assert codes.label_column == "description-en-GB"
    assert codes.entries[0].labels == (("en", "Address"),)


def test_explicit_label_column_by_id() -> None:
    codes = load_corpus("destatis-staatsangehoerigkeit", label_column="Staatsangehoerigkeit")
    assert codes.entries[0].labels == (("de", "afghanisch"),)


def test_labels_are_one_line() -> None:
    # DSMeld values end in newlines, and some wrap inside; labels are shown on one line
    for path in corpus_files():
        if path.name.startswith("dsmeld-"):
            assert all(" ".join(e.label.split()) == e.label for e in load_ok(path).entries)
    codes = load_corpus("dsmeld-auskunftssperre")
    assert codes.entries[6].label.startswith("Übermittlung nach § 36 Abs. 2 BMG (Widerspruchsrecht")


# --- small genericode files ---------------------------------------------------


def test_genericode_with_another_prefix_and_positional_values() -> None:
    codes = load_ok(DATA / "farben.xml")
    assert [(e.code, e.label) for e in codes.entries] == [
        ("R", "rot"),
        ("G", "grün"),
        ("B", "blau & kalt"),
    ]
    assert (codes.key_column, codes.label_column) == ("Schluessel", "wert")
    assert (codes.name, codes.version, codes.source) == ("farben", "3", "formlang-Tests")
    assert codes.uri == "urn:example:formlang:codeliste:farben"
    assert codes.version_uri == "urn:example:formlang:codeliste:farben_3"


def test_label_column_by_short_name_warns_about_empty_labels() -> None:
    codes, diags = load(DATA / "farben.xml", label_column="KURZFORM")
    assert codes is not None and codes.label_column == "kurz"
    assert [(e.code, e.label) for e in codes.entries] == [("R", "rt"), ("G", "gn"), ("B", "B")]
    assert [(d.code, d.severity, d.message) for d in diags] == [
        (
            "FL705",
            Severity.WARNING,
            "farben.xml: the label column 'kurz' is empty for 1 code ('B'); the code is shown instead",
        )
    ]


def test_gzip_genericode(tmp_path: Path) -> None:
    path = tmp_path / "farben.xml.gz"
    path.write_bytes(gzip.compress((DATA / "farben.xml").read_bytes()))
    assert [e.code for e in load_ok(path).entries] == ["R", "G", "B"]


# --- CSV ------------------------------------------------------------------------


def test_csv_with_metadata_and_translations() -> None:
    codes = load_ok(DATA / "staat.csv")
    assert codes.entries[0].labels == (("de", "Deutschland"), ("en", "Germany"))
    assert codes.entries[1].labels == (("de", "Österreich"), ("en", "Austria"))
    assert codes.entries[2].labels == (
        ("de", "Schweiz"),
        ("en", "Switzerland"),
        ("de-CH", "Schweiz"),
    )
    assert codes.name == "staat-auswahl"
    assert codes.uri == "urn:example:formlang:codeliste:staat"
    assert codes.version == "2024-08-01"
    assert codes.version_uri == "urn:example:formlang:codeliste:staat_2024-08-01"
    assert codes.source == "Auszug aus Destatis Staatsangehörigkeit, von Hand gekürzt"
    assert codes.path == str(DATA / "staat.csv")


def test_csv_with_bom_and_crlf(tmp_path: Path) -> None:
    text = (DATA / "staat.csv").read_text(encoding="utf-8")
    path = tmp_path / "staat.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_ok(path).entries == load_ok(DATA / "staat.csv").entries


def test_csv_default_lang_names_the_label_column(tmp_path: Path) -> None:
    path = tmp_path / "ja.csv"
    path.write_text("code,label,label@de\nj,yes,ja\n", encoding="utf-8")
    assert load_ok(path, default_lang="en").entries[0].labels == (("en", "yes"), ("de", "ja"))


def test_csv_quoted_line_breaks_keep_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "umbruch.csv"
    path.write_text('# name: x\ncode,label\na,"zwei\nZeilen"\na,doppelt\n', encoding="utf-8")
    codes, message = only_problem(path)
    assert message == "umbruch.csv: duplicate code 'a' at line 3 and line 5"
    assert codes is not None and codes.entries[0].label == "zwei Zeilen"


def test_unknown_metadata_key_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text("# Verison: 2\ncode,label\na,A\n", encoding="utf-8")
    codes, diags = load(path)
    assert codes is not None
    assert [(d.severity, d.message) for d in diags] == [
        (Severity.WARNING, "meta.csv:1: unknown metadata key 'verison'")
    ]


# --- errors --------------------------------------------------------------------


def test_missing_file() -> None:
    codes, diags = load(DATA / "nope.csv")
    assert codes is None
    assert [(d.code, d.message) for d in diags] == [
        ("FL704", "code list file 'nope.csv' not found")
    ]
    assert diags[0].hint == f"looked for {DATA.resolve() / 'nope.csv'}"


def test_duplicate_code_names_it_and_its_rows() -> None:
    codes, message = only_problem(DATA / "duplicate.csv")
    assert message == "duplicate.csv: duplicate code 'm' at line 2, line 4 and line 6"
    assert codes is not None
    assert [(e.code, e.label) for e in codes.entries] == [
        ("m", "männlich"),
        ("w", "weiblich"),
        ("d", "divers"),
    ]


def test_missing_label_column() -> None:
    codes, message = only_problem(DATA / "no-label-column.csv")
    assert codes is None
    assert message == "no-label-column.csv:2: the header has no 'label' column"


def test_empty_code() -> None:
    codes, message = only_problem(DATA / "empty-code.csv")
    assert message == "empty-code.csv:3: empty code"
    assert codes is not None and [e.code for e in codes.entries] == ["m", "w"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('code,label\na,"offen\n', "bad.csv:2: malformed CSV: unexpected end of data"),
        ("code,label\na,A,zu viel\nb,B\n", "bad.csv:2: 3 cells, but the header has 2"),
        ("code,label\na,A,zu viel\n", "bad.csv:2: 3 cells, but the header has 2"),
        ("code,label\na,\n", "bad.csv:2: code 'a' has no label"),
        (
            "code,label,label@x_1\n",
            "bad.csv:1: 'x_1' in column 'label@x_1' is not a BCP 47 language tag",
        ),
        ("code,label,label@DE\n", "bad.csv:1: column 'label@DE' repeats the language 'DE'"),
        ("# name: leer\n", "bad.csv has no header row"),
        ("code,label\n", "bad.csv contains no codes"),
    ],
)
def test_bad_csv(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    assert only_problem(path)[1] == message


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("code,label\nä,Ä\n".encode("latin-1"))
    assert only_problem(path)[1] == "latin1.csv is not a UTF-8 text file (utf-8 at byte 11)"


def test_not_genericode() -> None:
    codes, message = only_problem(DATA / "not-genericode.xml")
    assert codes is None
    assert message == (
        "not-genericode.xml is not a genericode code list: the root element is <CodeList> "
        "in namespace 'http://docs.oasis-open.org/codelist/ns/genericode/2.0/'"
    )


def test_malformed_xml() -> None:
    codes, message = only_problem(DATA / "malformed.xml")
    assert codes is None
    assert message == (
        "malformed.xml:5: malformed XML: "
        "Opening and ending tag mismatch: Identification line 3 and Identifikation"
    )


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_documents_with_a_doctype_are_refused(name: str) -> None:
    codes, message = only_problem(DATA / name)
    assert codes is None
    assert message == f"{name}: a DOCTYPE (DTD) is not allowed in a code list file"


def test_doctype_refused_even_when_the_scan_misses_it(tmp_path: Path) -> None:
    # UTF-32 hides the DOCTYPE from the byte scan; the parsed document still shows it.
    text = (
        (DATA / "xxe.xml")
        .read_text(encoding="utf-8")
        .replace('encoding="UTF-8"', 'encoding="UTF-32"')
    )
    path = tmp_path / "xxe32.xml"
    path.write_bytes(text.encode("utf-32"))
    codes, message = only_problem(path)
    assert codes is None
    assert message == "xxe32.xml: a DOCTYPE (DTD) is not allowed in a code list file"


def test_unknown_extension() -> None:
    codes, message = only_problem(DATA / "codes.json")
    assert codes is None
    assert message == "unsupported code list format: 'codes.json'"
    _, diags = load(DATA / "codes.json")
    assert diags[0].hint == "use one of .csv, .xml, .xml.gz (CSV or OASIS genericode)"


def test_unknown_label_column_lists_the_columns() -> None:
    codes, diags = load(DATA / "farben.xml", label_column="farbe")
    assert codes is None
    assert [(d.code, d.message) for d in diags] == [
        ("FL705", "farben.xml: no column 'farbe' for the labels")
    ]
    assert diags[0].hint == "available columns: Schluessel, kurz (Kurzform), wert (Wert)"


def test_bad_gzip_and_directory(tmp_path: Path) -> None:
    (tmp_path / "kaputt.xml.gz").write_bytes(b"not gzip at all")
    assert only_problem(tmp_path / "kaputt.xml.gz")[1].startswith(
        "kaputt.xml.gz is not a valid gzip file"
    )
    (tmp_path / "ordner.csv").mkdir()
    assert (
        only_problem(tmp_path / "ordner.csv")[1]
        == "'ordner.csv' is a directory, not a code list file"
    )


# --- cache and import cost -----------------------------------------------------


def test_cache_parses_once_and_sees_changes(tmp_path: Path) -> None:
    clear_cache()
    path = tmp_path / "farben.xml"
    shutil.copy(DATA / "farben.xml", path)
    first, _ = load(path)
    second, _ = load(path)
    assert first is not None and second is not None
    assert first.entries is second.entries
    path.write_bytes((DATA / "farben.xml").read_bytes().replace(b"rot", b"rosa"))
    third, _ = load(path)
    assert third is not None and third.entries[0].label == "rosa"


def test_cached_problems_are_reported_at_each_callers_span() -> None:
    other = Source(text='\ncodes y from "dup.csv"', path="u.form").span(14, 23)
    load_codelist(DATA / "duplicate.csv", span=span())
    _, diags = load_codelist(DATA / "duplicate.csv", span=other)
    assert [str(d.span) for d in diags] == ["u.form:2:14"]


def test_importing_the_module_does_not_import_lxml() -> None:
    code = "import sys, formlang.codelists; sys.exit('lxml' in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])
