"""Files in scenario test data: `given { nachweis: { name: …, media_type: …, size: … } }`.

A file is given as it is submitted (docs/submission-format.md), so that a test can fill in a
required upload (and `expect valid`), or check `max_size` and `accept`. Anything else is FL801
at compile time: a text, which could never be a valid file at run time, an unknown key, a
missing name, media type or size.
"""

from __future__ import annotations

import pytest

from formlang.api import FormError, parse
from formlang.scenario_run import run_scenarios

FORM = """form nachweis version "1.0.0" {
  title "Antrag"
  field nachweis: file "Nachweis" max_size 1 MB
    accept "application/pdf"
  test "t" {
    given { nachweis: %s }
    expect valid
  }
}
"""


def _messages(value: str) -> list[str]:
    with pytest.raises(FormError) as raised:
        parse(FORM % value, "nachweis.form")
    return [f"{d.code}: {d.message}" for d in raised.value.diagnostics if d.is_error]


def _outcome(value: str) -> list[str]:
    (outcome,) = run_scenarios(parse(FORM % value, "nachweis.form"))
    return [failure.message for failure in outcome.failures]


def test_a_file_as_submitted_fills_a_required_upload() -> None:
    assert _outcome('{ name: "a.pdf", media_type: "application/pdf", size: 48213 }') == []


def test_a_sha256_may_be_given() -> None:
    value = '{ name: "a.pdf", media_type: "application/pdf", size: 1, sha256: "%s" }' % ("0" * 64)
    assert _outcome(value) == []


def test_the_file_options_are_checked_at_run_time() -> None:
    too_big = _outcome('{ name: "a.pdf", media_type: "application/pdf", size: 2000000 }')
    wrong_type = _outcome('{ name: "a.png", media_type: "image/png", size: 100 }')
    assert len(too_big) == 1 and "not valid" in too_big[0]
    assert len(wrong_type) == 1 and "not valid" in wrong_type[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"a.pdf"', "FL801: 'nachweis' is a file; this value does not fit"),
        ("12", "FL801: 'nachweis' is a file; this value does not fit"),
        ('{ name: "a.pdf", size: 1 }', "FL801: the file for 'nachweis' needs media_type"),
        (
            '{ name: "a.pdf", media_type: "application/pdf", size: 1, pages: 3 }',
            "FL801: a file has no 'pages'",
        ),
        (
            '{ name: "a.pdf", media_type: "application/pdf", size: "1 KB" }',
            "FL801: the size of a file is a whole number of bytes",
        ),
        (
            '{ name: "a.pdf", media_type: "application/pdf", size: -1 }',
            "FL801: the size of a file is a whole number of bytes",
        ),
        ('{ name: 1, media_type: "application/pdf", size: 1 }', "FL801: the name of a file"),
    ],
)
def test_anything_else_is_refused_with_a_hint(value: str, message: str) -> None:
    messages = _messages(value)
    assert len(messages) == 1 and messages[0].startswith(message), messages


def test_a_text_for_a_file_gets_a_hint_how_to_write_it() -> None:
    with pytest.raises(FormError) as raised:
        parse(FORM % '"a.pdf"', "nachweis.form")
    (error,) = raised.value.diagnostics
    assert error.hint is not None and 'media_type: "application/pdf"' in error.hint
