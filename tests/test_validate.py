"""What `validate` says, word for word, in German and English.

The cases are data files: `tests/cases/validate/<form>.json` next to `<form>.form`, each
case with the submission, the language, the verdict, every error and warning (path, code,
severity and the exact message, in the order of the form) and, when the verdict is ok, the
effective data. Every message code of `formlang.messages.CATALOG` is produced by at least
one case (checked at the end). `today` is 2025-06-01 throughout.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from submissions import REPO_ROOT

import formlang
from formlang.messages import CATALOG

TODAY = dt.date(2025, 6, 1)
SUITES = sorted((REPO_ROOT / "tests" / "cases" / "validate").glob("*.json"))
_FORMS: dict[Path, formlang.form.Form] = {}


def _form(path: Path) -> formlang.form.Form:
    if path not in _FORMS:
        _FORMS[path] = formlang.load(path)
    return _FORMS[path]


def _cases() -> list[Any]:
    out = []
    for suite in SUITES:
        for case in json.loads(suite.read_text(encoding="utf-8")):
            out.append(
                pytest.param(suite.with_suffix(".form"), case, id=f"{suite.stem}: {case['name']}")
            )
    return out


def _errors(result: Any) -> list[dict[str, str]]:
    return [
        {"path": e.path, "code": e.code, "severity": e.severity, "message": e.message}
        for e in result.errors
    ]


@pytest.mark.parametrize(("form_path", "case"), _cases())
def test_suite_case(form_path: Path, case: dict[str, Any]) -> None:
    result = _form(form_path).validate(case["data"], lang=case["lang"], today=TODAY)
    assert _errors(result) == case["errors"]
    assert result.ok is case["ok"]
    if "effective" in case:
        assert result.data == case["effective"]


SIMPLE = """form simple version "1.0.0" {
  title "Einfach" @en "Simple"
  languages de, en

  field name: text "Name" @en "Name"
  group anschrift "Anschrift" @en "Address" {
    field ort: text "Ort" @en "Town"
  }
}
"""


@pytest.fixture(scope="module")
def simple() -> formlang.form.Form:
    return formlang.parse(SIMPLE, path="simple.form")


@pytest.mark.parametrize("data", [[], "text", None, 5, 1.5, True, float("nan")])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_not_an_object(simple: formlang.form.Form, data: Any, lang: str) -> None:
    result = simple.validate(data, lang=lang, today=TODAY)
    assert not result.ok and result.data == {}
    [error] = result.errors
    assert (error.path, error.code) == ("", "not_an_object")
    assert (
        error.message
        == {
            "de": "Die Angaben müssen ein JSON-Objekt sein.",
            "en": "The submission must be a JSON object.",
        }[lang]
    )


def test_too_deep(simple: formlang.form.Form) -> None:
    data: dict[str, Any] = {"name": "Ada"}
    for _ in range(100):
        data = {"anschrift": data}
    result = simple.validate(data, today=TODAY)
    assert [(e.path, e.code, e.message) for e in result.errors] == [
        ("", "too_deep", "Die Angaben sind zu tief verschachtelt.")
    ]
    english = simple.validate(data, lang="en", today=TODAY)
    assert english.errors[0].message == "The submission is nested too deeply."


def test_too_large(simple: formlang.form.Form) -> None:
    result = simple.validate({"name": "Ada", "x": list(range(200_000))}, today=TODAY)
    assert [(e.path, e.code, e.message) for e in result.errors] == [
        ("", "too_large", "Die Angaben sind zu umfangreich.")
    ]
    english = simple.validate({f"k{i}": 1 for i in range(200_000)}, lang="en", today=TODAY)
    assert [e.message for e in english.errors] == ["The submission is too large."]


def test_an_error_says_where_it_is_in_the_data_and_in_the_form(
    simple: formlang.form.Form,
) -> None:
    result = simple.validate({"anschrift": {}}, lang="en", today=TODAY)
    first, second = result.errors
    assert (first.path, first.field, first.label) == ("/name", "name", "Name")
    assert (second.path, second.field, second.label) == ("/anschrift/ort", "anschrift.ort", "Town")
    assert second.location == "simple.form:7:5"
    assert second.to_json() == {
        "path": "/anschrift/ort",
        "field": "anschrift.ort",
        "label": "Town",
        "code": "required",
        "message": "Enter “Town”.",
        "severity": "error",
        "location": "simple.form:7:5",
    }
    assert result.to_json()["ok"] is False


# ---- behaviour, spelled out ----------------------------------------------------------------

ANTRAG = REPO_ROOT / "tests" / "cases" / "validate" / "antrag.form"
BASE = {
    "art": "neu",
    "miete": "500",
    "anschrift": {"strasse": "Hauptstr. 1", "ort": "Dresden"},
    "zahlung": {"ueberweisung": {}},
}


def test_hidden_values_are_dropped_with_a_warning_and_ok_stays_true() -> None:
    form = _form(ANTRAG)
    result = form.validate({**BASE, "aktenzeichen": "AZ 1", "schulweg": 3}, today=TODAY)
    assert result.ok
    assert [(w.path, w.code) for w in result.warnings] == [
        ("/aktenzeichen", "hidden_value"),
        ("/schulweg", "hidden_value"),
    ]
    assert "aktenzeichen" not in result.data and "schulweg" not in result.data


def test_a_whole_hidden_repeat_is_one_warning() -> None:
    result = _form(ANTRAG).validate({**BASE, "kinder": [{"name": "A", "alter": 1}]}, today=TODAY)
    assert result.ok
    assert [(w.path, w.code) for w in result.warnings] == [("/kinder", "hidden_value")]
    assert "kinder" not in result.data


def test_computed_values_are_recomputed() -> None:
    form = _form(ANTRAG)
    result = form.validate({**BASE, "nebenkosten": "120.25", "gesamt": "1"}, today=TODAY)
    assert result.ok and result.data["gesamt"] == "620.25"
    assert [(w.path, w.code) for w in result.warnings] == [("/gesamt", "computed_value")]
    # without a value to compute from, the computed value is left out
    assert "gesamt" not in form.validate(BASE, today=TODAY).data


def test_defaults_apply_only_to_visible_fields_that_were_not_sent() -> None:
    form = _form(ANTRAG)
    assert form.validate(BASE, today=TODAY).data["personen"] == 1
    assert form.validate({**BASE, "personen": 4}, today=TODAY).data["personen"] == 4
    assert "schulweg" not in form.validate(BASE, today=TODAY).data  # hidden
    shown = {**BASE, "kinder_vorhanden": True, "anzahl": 1, "kinder": [{"name": "A", "alter": 1}]}
    assert form.validate(shown, today=TODAY).data["schulweg"] == 1
    cleared = form.validate({**BASE, "personen": None}, today=TODAY)
    assert [(e.path, e.code) for e in cleared.errors] == [("/personen", "required")]


def test_money_and_decimals_as_json_numbers_become_canonical_strings() -> None:
    form = _form(ANTRAG)
    result = form.validate({**BASE, "miete": 650.5, "nebenkosten": 100}, today=TODAY)
    assert result.ok
    assert (result.data["miete"], result.data["nebenkosten"]) == ("650.5", "100")
    assert result.data["gesamt"] == "750.5"
    assert form.validate({**BASE, "miete": 0.1}, today=TODAY).data["miete"] == "0.1"
    assert form.validate({**BASE, "miete": 1e400}, today=TODAY).errors[0].code == "type_money"


def test_two_branches_are_an_error_and_an_empty_branch_is_a_choice() -> None:
    form = _form(ANTRAG)
    both = {"lastschrift": {"iban": "DE89370400440532013000"}, "ueberweisung": {"x": 1}}
    result = form.validate({**BASE, "zahlung": both}, today=TODAY)
    assert ("/zahlung", "alternative_ambiguous") in [(e.path, e.code) for e in result.errors]
    chosen = form.validate(BASE, today=TODAY)
    assert chosen.ok and chosen.data["zahlung"] == {"ueberweisung": {}}


@pytest.mark.parametrize(
    ("field", "good", "bad", "code"),
    [
        ("iban", "DE89370400440532013000", "DE89370400440532013001", "iban_checksum"),
        ("bic", "COBADEFFXXX", "COBAXXFFXXX", "type_bic"),  # no country XX
        ("steuer_id", "86095742719", "86095742718", "tax_id_checksum"),
    ],
)
def test_check_digits(field: str, good: str, bad: str, code: str) -> None:
    form = _form(REPO_ROOT / "tests" / "cases" / "validate" / "fields.form")
    assert form.validate({field: good}, today=TODAY).ok
    assert [e.code for e in form.validate({field: bad}, today=TODAY).errors] == [code]


def test_dates_relative_to_today_move_with_today() -> None:
    form = _form(REPO_ROOT / "tests" / "cases" / "validate" / "fields.form")
    data = {"geburtsdatum": "2025-06-02"}
    assert not form.validate(data, today=TODAY).ok
    assert form.validate(data, today=dt.date(2025, 6, 2)).ok
    [error] = form.validate(data, lang="de", today=TODAY).errors
    assert error.message == "„Geburtsdatum“ darf nicht in der Zukunft liegen."
    # the library's person module: `max today()` on the date of birth
    library = formlang.load(REPO_ROOT / "library" / "forms" / "gewerbeanmeldung.form")
    result = library.validate({"inhaber": {"geburtsdatum": "2030-01-01"}}, today=TODAY)
    born = [e for e in result.errors if e.path == "/inhaber/geburtsdatum"]
    assert [(e.code, e.message) for e in born] == [
        ("date_not_future", "„Geburtsdatum“ darf nicht in der Zukunft liegen.")
    ]


def test_errors_follow_the_form_then_the_rows() -> None:
    form = _form(ANTRAG)
    data = {
        **BASE,
        "kinder_vorhanden": True,
        "anzahl": 2,
        "kinder": [{"alter": 30}, {"name": "B", "alter": 7}],
        "miete": "abc",
    }
    result = form.validate(data, today=TODAY)
    assert [e.path for e in result.errors] == [
        "/kinder/0/name",
        "/kinder/0/alter",  # the row's rule, on `alter`
        "/kinder/0/schule",
        "/kinder/1/schule",
        "/miete",
    ]


def test_every_message_code_is_produced_by_a_case() -> None:
    produced = {"not_an_object", "too_deep", "too_large"}  # the tests above
    for suite in SUITES:
        for case in json.loads(suite.read_text(encoding="utf-8")):
            produced |= {e["code"] for e in case["errors"]}
    assert produced == set(CATALOG), f"no case for {sorted(set(CATALOG) - produced)}"


def test_every_message_exists_in_every_language() -> None:
    for code, texts in CATALOG.items():
        assert set(texts) == {"de", "en"}, code
        de, en = texts["de"], texts["en"]
        assert ("{label}" in de) == ("{label}" in en), code
        assert ("{limit}" in de) == ("{limit}" in en), code
