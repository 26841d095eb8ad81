"""One meaning everywhere: the compiled JSON Schema and `validate` agree (Hypothesis).

For a form whose schema says `complete: true`, the standard keywords alone must decide
every verdict: a submission is valid under the schema (reference engine, `jsonschema`)
exactly when `validate` accepts it without dropping a hidden value. The submissions are
canonical in spelling (no null, "", blanks, [] or {}, no numbers for money: what `validate`
merely tolerates, the schema refuses by design) but otherwise anything: fields absent,
valid or invalid, values for hidden fields, unknown keys, too many rows, two branches. Each
is tried as made and once more without the values `validate` found hidden, so that the
conditions themselves are put to the test.

For every form, complete or not: whenever `validate` accepts, its effective data is valid
under the compiled schema, so is the submission itself if it was canonical and dropped
nothing (an incomplete schema may accept too much, never too little), and `validate` never
needs the schema to find an error its own checks missed (the fallback that reports raw
schema errors is never reached). Last, the fast path gives the full path's verdict and data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from submissions import (
    ALL_FORMS,
    COMPLETE_FORMS,
    TODAY,
    DrawSource,
    RandomSource,
    form_id,
    submission,
    without,
)

import formlang
from formlang import validate as validate_module

SETTINGS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
_FORMS: dict[Path, tuple[formlang.form.Form, Draft202012Validator]] = {}


def _form(path: Path) -> tuple[formlang.form.Form, Draft202012Validator]:
    if path not in _FORMS:
        form = formlang.load(path)
        schema = form.schema()
        checker = Draft202012Validator.FORMAT_CHECKER
        _FORMS[path] = (form, Draft202012Validator(schema, format_checker=checker))
    return _FORMS[path]


@pytest.fixture(autouse=True)
def no_schema_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """`validate` reports raw schema errors only if its own checks missed something."""

    def fallback(self: Any, effective: dict[str, Any]) -> None:
        raise AssertionError(f"the schema refuses what validate's checks let pass: {effective}")

    monkeypatch.setattr(validate_module._Run, "schema_errors", fallback)


def test_the_complete_forms_are_complete() -> None:
    assert len(COMPLETE_FORMS) >= 4
    for path in COMPLETE_FORMS:
        assert _form(path)[0].schema()["x-formlang"]["complete"] is True, path.name


def _explain(data: Any, result: Any, reference: Draft202012Validator) -> str:
    schema_errors = [
        f"{list(e.absolute_path)}: {e.message[:200]}" for e in reference.iter_errors(data)
    ]
    mine = [(e.path, e.code, e.severity) for e in result.errors]
    return f"\nsubmission: {data}\nvalidate: {mine}\nschema: {schema_errors[:5]}"


@pytest.mark.parametrize("path", COMPLETE_FORMS, ids=form_id)
@SETTINGS
@given(data=st.data())
def test_schema_verdict_equals_validate_verdict(path: Path, data: st.DataObject) -> None:
    form, reference = _form(path)
    made = submission(form.ir, DrawSource(data), data.draw(st.sampled_from(["mixed", "valid"])))
    result = form.validate(made, today=TODAY)
    hidden = [e.path for e in result.errors if e.code == "hidden_value"]
    tries = [made, without(made, hidden)] if hidden else [made]
    for attempt in tries:
        result = form.validate(attempt, today=TODAY)
        clean = result.ok and not any(e.code == "hidden_value" for e in result.errors)
        assert reference.is_valid(attempt) == clean, _explain(attempt, result, reference)
        if result.ok:
            assert reference.is_valid(result.data), _explain(result.data, result, reference)


@pytest.mark.parametrize("path", ALL_FORMS, ids=form_id)
@settings(SETTINGS, max_examples=60)
@given(data=st.data())
def test_accepted_data_is_valid_under_the_schema(path: Path, data: st.DataObject) -> None:
    form, reference = _form(path)
    mode = data.draw(st.sampled_from(["valid", "lenient", "mixed"]))
    made = submission(form.ir, DrawSource(data), mode)
    result = form.validate(made, today=TODAY)
    hidden = [e.path for e in result.errors if e.code == "hidden_value"]
    for attempt in [made, without(made, hidden)] if hidden else [made]:
        result = form.validate(attempt, today=TODAY)
        for error in result.errors:
            assert error.path == "" or error.path.startswith("/"), error
            assert error.code and error.message
        if not result.ok:
            continue
        assert reference.is_valid(result.data), _explain(result.data, result, reference)
        assert form.validate(result.data, today=TODAY).ok  # the effective data stays valid
        dropped = any(e.code == "hidden_value" for e in result.errors)
        if mode != "lenient" and not dropped:
            # complete or not, the schema never refuses a canonical submission validate
            # accepts: an incomplete schema may accept too much, never too little
            assert reference.is_valid(attempt), _explain(attempt, result, reference)


@pytest.mark.parametrize("path", ALL_FORMS, ids=form_id)
def test_fast_path_and_full_path_agree(path: Path) -> None:
    """The fast path for clean submissions must give the full path's verdict and data."""
    import copy

    from formlang.validate import Validator

    form = formlang.load(path)
    fast = form.validator
    full = Validator(form.ir)
    full._fast = None
    for seed in range(150):
        made = submission(form.ir, RandomSource(seed), ("mixed", "valid", "lenient")[seed % 3])
        hidden = [
            e.path for e in full.validate(made, today=TODAY).errors if e.code == "hidden_value"
        ]
        for attempt in (made, without(made, hidden)):
            quick = fast.validate(copy.deepcopy(attempt), today=TODAY)
            slow = full.validate(copy.deepcopy(attempt), today=TODAY)
            assert (quick.ok, quick.data if quick.ok else None) == (
                slow.ok,
                slow.data if slow.ok else None,
            ), attempt
