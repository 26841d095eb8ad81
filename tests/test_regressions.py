"""Inputs that once made the validator raise or disagree with the browser runtime.

Each was found by the differential tests of the browser runtime (tests/test_js_runtime.py);
the JS side already behaved as tested here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import formlang

TODAY = dt.date(2025, 6, 1)


def _form(text: str, tmp_path: Path) -> formlang.Form:
    path = tmp_path / "f.form"
    path.write_text(text, encoding="utf-8")
    return formlang.load(path)


FORM = """form f version "1.0.0" {
  title "F"
  group g "Gruppe" {
    field name: text "Name" optional
  }
  field betrag: decimal "Betrag" optional
  field hinweis: text "Hinweis" optional when betrag > 100
  field datum: date "Datum" optional
  field spaeter: text "Später" optional when datum > 2020-01-01
}
"""


def test_a_key_of_superscript_digits_is_an_unknown_field(tmp_path: Path) -> None:
    form = _form(FORM, tmp_path)
    result = form.validate({"g": {"²": 1}}, today=TODAY)
    assert [(e.code, e.path) for e in result.errors] == [("unknown_field", "/g/²")]


def test_a_decimal_too_long_to_compute_with_reads_as_unknown(tmp_path: Path) -> None:
    form = _form(FORM, tmp_path)
    result = form.validate({"betrag": "1e1000000", "hinweis": "x"}, today=TODAY)
    codes = [(e.code, e.path) for e in result.errors]
    assert ("type_decimal", "/betrag") in codes
    assert not result.ok


def test_conditions_read_dates_only_in_the_spelling_the_field_accepts(tmp_path: Path) -> None:
    form = _form(FORM, tmp_path)
    result = form.validate({"datum": "20250601", "spaeter": "x"}, today=TODAY)
    codes = [(e.code, e.path) for e in result.errors]
    assert ("type_date", "/datum") in codes
    assert ("hidden_value", "/spaeter") in codes  # the condition is unknown: not shown


def test_unknown_fields_are_reported_in_the_order_they_were_sent(tmp_path: Path) -> None:
    form = _form(FORM, tmp_path)
    result = form.validate({"zz": 1, "aa": 2, "mm": 3}, today=TODAY)
    assert [e.path for e in result.errors] == ["/zz", "/aa", "/mm"]


@pytest.mark.parametrize("call", ["min(1 month, 2 months)", "max([1 day, 2 days])"])
def test_min_and_max_of_durations_are_refused_at_compile_time(call: str, tmp_path: Path) -> None:
    text = f'form f version "1.0.0" {{\n  title "F"\n  field a: text "A"\n  rule {call} > 1 day on a\n}}\n'
    with pytest.raises(formlang.FormError) as raised:
        _form(text, tmp_path)
    assert any("numbers, dates or times" in d.message for d in raised.value.diagnostics)


def test_a_repeat_sent_as_one_row_is_refused_and_its_rules_do_not_run(tmp_path: Path) -> None:
    # The outer repeat given as an object holding the inner one: the rule of the inner rows
    # once ran with one row instead of two and raised IndexError.
    form = formlang.load(Path(__file__).parent / "cases" / "valid" / "repeats.form")
    result = form.validate({"rechnungen": {"posten": [{"betrag": "20000"}]}}, today=TODAY)
    assert [(e.path, e.code) for e in result.errors] == [("/rechnungen", "type_list")]
