"""Alternatives in submissions: one branch, `$choice`, and what happens to the others."""

from __future__ import annotations

import pytest

import formlang

FORM = """
form antrag version "1.0.0" {
  title "Antrag"
  alternative antragsteller "Wer stellt den Antrag?" {
    group person "Eine Person" {
      field name: text "Name"
    }
    group firma "Eine Firma" {
      field firmenname: text "Firmenname"
    }
  }
}
"""
PERSON = {"name": "Erika Muster"}
FIRMA = {"firmenname": "Muster GmbH"}


@pytest.fixture(scope="module")
def form() -> formlang.Form:
    return formlang.parse(FORM, path="antrag.form")


def _summary(result: object) -> list[tuple[str, str, str]]:
    return [(e.severity, e.path, e.code) for e in result.errors]  # type: ignore[attr-defined]


def test_one_branch(form: formlang.Form) -> None:
    result = form.validate({"antragsteller": {"firma": FIRMA}})
    assert result.ok and not result.errors
    assert result.data == {"antragsteller": {"firma": FIRMA}}


def test_choice_drops_the_other_branch_with_a_warning(form: formlang.Form) -> None:
    result = form.validate(
        {"antragsteller": {"$choice": "firma", "firma": FIRMA, "person": PERSON}}
    )
    assert result.ok
    assert _summary(result) == [("warning", "/antragsteller/person", "hidden_value")]
    assert result.data == {"antragsteller": {"firma": FIRMA}}


def test_two_branches_without_choice(form: formlang.Form) -> None:
    result = form.validate({"antragsteller": {"firma": FIRMA, "person": PERSON}}, lang="en")
    assert not result.ok
    assert _summary(result) == [("error", "/antragsteller", "alternative_ambiguous")]
    assert result.errors[0].message == "Give only one of the options for “Wer stellt den Antrag?”."


def test_choice_of_no_branch(form: formlang.Form) -> None:
    result = form.validate({"antragsteller": {"$choice": "verein", "firma": FIRMA}})
    assert not result.ok
    assert ("error", "/antragsteller", "alternative_choice") in _summary(result)


def test_missing_alternative(form: formlang.Form) -> None:
    assert _summary(form.validate({})) == [("error", "/antragsteller", "required_alternative")]
