"""The library's code lists: official copies, and CSV lists derived from them as documented.

The derivation itself (which rows, which labels, English translations) is described and done
by `tests/library_codes.py`; these tests check that the files in library/codes/ are what it
gives, that every list reads cleanly in both languages, and that the genericode files are
unchanged copies of the XRepository downloads in ../shared/corpus.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest
from library_codes import CODES, DERIVED, Derived, derive, english_labels, official

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
COPIES = {  # file in library/codes/ -> file in the corpus (a .gz holds the file gzipped)
    "staat.xml": "codelists/destatis-staatsangehoerigkeit_2024-08-01.xml",
    "destatis-staat_2020-05-11.xml": "fim/xdf2/codelists/C60000016_genericode.xml",
    "destatis-bundesland_2010-04-01.xml": "codelists/destatis-bundesland_2010-04-01.xml",
    "dsmeld-familienstand_2.xml": "codelists/dsmeld-familienstand_2.xml",
    "dsmeld-pass.und.ausweisdokumente_5.xml": "codelists/dsmeld-pass.und.ausweisdokumente_5.xml",
    "xinneres-geschlecht_1.xml": "codelists/xinneres-geschlecht_1.xml",
    "xunternehmen-rechtsformen_2.4.xml": "codelists/xunternehmen-rechtsformen_2.4.xml",
    "xunternehmen-artgesetzlichervertreter_1.xml": "codelists/xunternehmen-artgesetzlichervertreter_1.xml",
    "destatis-kreis_2026-01-31.xml": "codelists/destatis-kreis_2026-01-31.xml",
    "destatis-ags_2026-04-30.xml.gz": "codelists/destatis-ags_2026-04-30.xml",
}


@pytest.mark.parametrize("spec", DERIVED, ids=lambda spec: spec.csv)
def test_the_csv_file_is_what_the_derivation_gives(spec: Derived) -> None:
    path = CODES / spec.csv
    assert path.read_text(encoding="utf-8") == derive(spec, english_labels(path)), (
        f"{spec.csv} differs from its source; run .venv/bin/python tests/library_codes.py"
    )


@pytest.mark.parametrize("path", sorted(CODES.glob("*.csv")), ids=lambda path: path.name)
def test_every_csv_list_has_german_and_english_labels_and_its_origin(path: Path) -> None:
    codes = official(path)
    assert codes.uri and codes.version and codes.version_uri and codes.source
    for entry in codes.entries:
        labels = dict(entry.labels)
        assert labels.get("de") and labels.get("en"), entry
    assert len({entry.code for entry in codes.entries}) == len(codes.entries)


def test_geschlecht_is_the_xinneres_list() -> None:
    csv_list = official(CODES / "geschlecht.csv")
    xinneres = official(CODES / "xinneres-geschlecht_1.xml")
    assert [(e.code, e.label) for e in csv_list.entries] == [
        (e.code, e.label) for e in xinneres.entries
    ]
    assert (csv_list.uri, csv_list.version) == (xinneres.uri, xinneres.version)
    assert [e.code for e in csv_list.entries] == ["m", "w", "x", "d"]


def test_saxony_has_13_districts_and_418_municipalities() -> None:
    kreise = official(CODES / "kreis_sachsen.csv").entries
    gemeinden = official(CODES / "gemeinde_sachsen.csv").entries
    assert len(kreise) == 13 and len(gemeinden) == 418
    assert all(e.code.startswith("14") and len(e.code) == 5 for e in kreise)
    assert all(e.code.startswith("14") and len(e.code) == 8 for e in gemeinden)
    # every municipality lies in one of the districts
    assert {e.code[:5] for e in gemeinden} == {e.code for e in kreise}
    assert dict((e.code, e.labels) for e in gemeinden)["14612000"] == (
        ("de", "Dresden, Stadt"),
        ("en", "Dresden, city"),
    )


def test_the_nationality_list_has_no_former_states_and_germany_first() -> None:
    codes = [e.code for e in official(CODES / "staatsangehoerigkeit.csv").entries]
    assert codes[0] == "000"
    assert "159" not in codes and "162" not in codes  # Sowjetunion, Tschechoslowakei
    assert {"997", "998", "999"} <= set(codes)  # staatenlos, ungeklärt, ohne Angabe
    assert "910" not in codes


def test_the_legal_forms_are_those_of_trade_notifications() -> None:
    codes = {e.code for e in official(CODES / "rechtsform.csv").entries}
    assert len(codes) == 46
    assert {"121000", "221100", "221200", "411000", "412000"} <= codes
    assert "100000" not in codes  # a category, not a legal form


def _corpus() -> Path:
    if not CORPUS.is_dir():
        reason = f"the shared corpus is missing: {CORPUS}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CORPUS


@pytest.mark.parametrize(("copy", "original"), COPIES.items(), ids=list(COPIES))
def test_the_genericode_files_are_unchanged_copies(copy: str, original: str) -> None:
    data = (CODES / copy).read_bytes()
    if copy.endswith(".gz"):
        data = gzip.decompress(data)
    assert data == (_corpus() / original).read_bytes()


def test_every_genericode_file_is_a_known_copy_and_listed_in_the_readme() -> None:
    files = sorted(p.name for p in CODES.iterdir() if ".xml" in p.name)
    assert files == sorted(COPIES)
    readme = (CODES / "README.md").read_text(encoding="utf-8")
    for name in [*files, *(p.name for p in CODES.glob("*.csv"))]:
        assert f"`{name}`" in readme, f"{name} is not described in library/codes/README.md"
