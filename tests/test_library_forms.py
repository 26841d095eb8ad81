"""The library's forms as a whole: German and English, a complete valid application among the
scenario tests of each, and the check-your-answers page keeping a multiple choice whole.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

import formlang

ROOT = Path(__file__).resolve().parents[1]
FORMS = sorted((ROOT / "library" / "forms").glob("*.form"))
MODULES = sorted((ROOT / "library" / "modules").glob("*.form"))


@pytest.mark.parametrize("path", FORMS + MODULES, ids=lambda path: path.stem)
def test_every_library_file_is_in_german_and_english(path: Path) -> None:
    assert formlang.load(path).ir.languages == ("de", "en")


@pytest.mark.parametrize("path", FORMS, ids=lambda path: path.stem)
def test_every_library_form_has_a_complete_valid_application_among_its_tests(path: Path) -> None:
    tests = formlang.load(path).ir.tests
    assert any(e.kind == "valid" for test in tests for e in test.expectations), (
        f"{path.name}: add a test with a complete application and `expect valid`"
    )


def test_the_check_your_answers_page_keeps_every_code_of_a_multichoice() -> None:
    form = formlang.load(ROOT / "library" / "forms" / "wohnungsanmeldung.form")
    doc = lxml.html.document_fromstring(
        form.render_summary({"widerspruch": ["parteien", "adressbuch"]}, "de")
    )
    hidden = doc.xpath("//input[@type='hidden'][@name='widerspruch']/@value")
    assert hidden == ["parteien", "adressbuch"]
