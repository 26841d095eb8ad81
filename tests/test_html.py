"""The HTML renderer, read back with lxml: markup patterns, errors, values, escaping, decoding.

The browser tests (tests/browser/) check the same pages with axe-core, the Nu HTML Checker
and real typing; these tests check what can be read off the markup itself, for every
library form in every language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest

import formlang
from formlang.html_input import apply_action, decode, encode, read_value
from formlang.types import FieldKind

ROOT = Path(__file__).resolve().parents[1]
LIBRARY_FORMS = sorted((ROOT / "library" / "forms").glob("*.form"))
VECTORS = json.loads((ROOT / "tests" / "vectors" / "inputs.json").read_text(encoding="utf-8"))
CONTROLS = "//input[not(@type='hidden')] | //select | //textarea"


def _forms() -> list[tuple[Any, str]]:
    out = []
    for path in LIBRARY_FORMS:
        form = formlang.load(path)
        out.extend((form, lang) for lang in form.languages)
    return out


FORMS = _forms()
IDS = [f"{form.id}-{lang}" for form, lang in FORMS]


def _doc(html: str) -> Any:
    return lxml.html.document_fromstring(html)


def _labelled(doc: Any, control: Any) -> bool:
    """A control has a <label for> or, as a radio/checkbox, a label and a fieldset legend."""
    labels = doc.xpath("//label[@for=$id]", id=control.get("id"))
    return bool(labels) and all(label.text_content().strip() for label in labels)


@pytest.mark.parametrize(("form", "lang"), FORMS, ids=IDS)
def test_every_control_has_a_label_an_id_and_no_disabled(form: Any, lang: str) -> None:
    doc = _doc(form.render_html(lang=lang))
    ids = [e.get("id") for e in doc.xpath("//*[@id]")]
    assert len(ids) == len(set(ids)), "ids are unique"
    controls = [c for c in doc.xpath(CONTROLS) if not c.xpath("ancestor::template")]
    controls = [c for c in controls if c.get("class") != "fl-default-button"]
    assert controls
    for control in controls:
        assert control.get("id"), lxml.html.tostring(control)
        assert _labelled(doc, control), f"no label for {control.get('id')}"
        assert control.get("disabled") is None
        assert control.get("placeholder") is None
    for group in doc.xpath("//input[@type='radio' or @type='checkbox']"):
        if group.get("type") == "checkbox" and not group.xpath("ancestor::fieldset"):
            continue  # a consent: one checkbox, its label says it all
        legend = group.xpath("ancestor::fieldset[1]/legend")
        assert legend and legend[0].text_content().strip()
    for described in doc.xpath("//*[@aria-describedby]"):
        for target in described.get("aria-describedby").split():
            assert doc.xpath("//*[@id=$id]", id=target), f"aria-describedby {target} is missing"
    form_element = doc.xpath("//form")[0]
    assert form_element.get("novalidate") is not None
    assert doc.xpath("/html/@lang") == [lang]


@pytest.mark.parametrize(("form", "lang"), FORMS, ids=IDS)
def test_the_error_state_summarises_links_and_marks_every_error(form: Any, lang: str) -> None:
    result = form.validate({}, lang=lang)
    errors = [e for e in result.errors if e.severity == "error"]
    assert errors
    doc = _doc(form.render_html(lang=lang, data={}, errors=result))
    title = doc.xpath("//title")[0].text_content()
    assert title.startswith("Fehler: " if lang == "de" else "Error: ")
    summary = doc.xpath("//*[@data-fl-error-summary]")[0]
    assert summary.get("hidden") is None and summary.get("role") == "alert"
    items = summary.xpath(".//li")
    assert [i.text_content() for i in items] == [e.message for e in errors]
    for item, error in zip(items, errors, strict=True):
        link = item.xpath("./a/@href")
        assert link, f"no link for {error.path}"
        target = doc.xpath("//*[@id=$id]", id=link[0][1:])
        assert target and target[0].tag in ("input", "select", "textarea")
        inline = doc.xpath("//*[@data-fl-path=$p]//p[@class='fl-error-message']", p=error.path)
        assert inline and error.message in inline[0].text_content()


def test_values_are_shown_back_as_typed_in_german() -> None:
    form = formlang.load(ROOT / "benchmarks" / "data" / "reference.form")
    data = {
        "person": {"geburtsdatum": "1980-02-28", "familienname": "Muster"},
        "miete": "1250.50",
    }
    doc = _doc(form.render_html(lang="de", data=data))
    assert doc.xpath("//input[@name='person.geburtsdatum-day']/@value") == ["28"]
    assert doc.xpath("//input[@name='person.geburtsdatum-year']/@value") == ["1980"]
    assert doc.xpath("//input[@name='person.familienname']/@value") == ["Muster"]
    assert doc.xpath("//input[@name='miete']/@value") == ["1250,50"]


def test_conditional_blocks_say_when_to_answer() -> None:
    form = formlang.load(ROOT / "library" / "forms" / "hundesteuer.form")
    doc = _doc(form.render_html(lang="de"))
    note = doc.xpath("//*[@data-fl-path='/hunde/0/rasse_andere']//p[@class='fl-condition']")
    assert note[0].text_content() == "Nur ausfüllen, wenn „Rasse“: Andere Rasse."
    note = doc.xpath("//*[@data-fl-path='/konto']/p[@class='fl-condition']")
    text = "Nur ausfüllen, wenn „Soll die Steuer per Lastschrift eingezogen werden?“: Ja."
    assert note[0].text_content() == text
    english = _doc(form.render_html(lang="en"))
    note = english.xpath("//*[@data-fl-path='/hunde/0/rasse_andere']//p[@class='fl-condition']")
    assert note[0].text_content() == "Only answer if “Breed” is Other breed."


HOSTILE = '<script>alert(1)</script>" onfocus="alert(2)</textarea>{{ 7*7 }}'


def _hostile_form(tmp_path: Path) -> Any:
    text = HOSTILE.replace('"', '\\"')
    source = f"""form boese version "1.0.0" {{
  title "{text}"
  description "{text}"
  page seite "{text}" {{
    info "{text}"
    field name: text "{text}" hint "{text}"
    field notiz: textarea "{text}" optional
    field art: choice "{text}" {{
      a "{text}"
      b "B"
    }}
    field mehr: text "{text}" optional when art == "a"
  }}
  rule name != "x" on name message "{text}"
}}
"""
    path = tmp_path / "boese.form"
    path.write_text(source, encoding="utf-8")
    return formlang.load(path)


def test_author_strings_and_submitted_values_are_escaped(tmp_path: Path) -> None:
    form = _hostile_form(tmp_path)
    data = {"name": "x", "notiz": HOSTILE, "art": HOSTILE, "unbekannt": HOSTILE}
    result = form.validate(data)
    html = form.render_html(data=data, errors=result)
    doc = _doc(html)
    scripts = doc.xpath("//script")
    assert [s.get("src") or s.get("type") for s in scripts] == ["formlang.js", "application/json"]
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag in _ALLOWED_TAGS, f"an injected <{element.tag}>"
        for name in element.attrib:
            assert not name.startswith("on"), f"an injected attribute {name}"
    assert doc.xpath("//textarea")[0].text == HOSTILE
    assert HOSTILE in doc.xpath("//h1")[0].text_content()
    assert "{{ 7*7 }}" in html and "49" not in doc.xpath("//h1")[0].text_content()
    program = json.loads(doc.xpath("//script[@data-fl-program]")[0].text)
    assert program["program"]


_ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "a", "header", "p", "main",
    "div", "h1", "h2", "h3", "ul", "li", "form", "button", "section", "fieldset", "legend",
    "label", "input", "textarea", "select", "option", "span", "output", "template", "dl",
    "dt", "dd",
}  # fmt: skip


def test_the_fragment_has_no_document_no_running_script_and_only_prefixed_classes() -> None:
    form = formlang.load(ROOT / "library" / "forms" / "hundesteuer.form")
    html = form.render_html(fragment=True)
    assert "<html" not in html and "<body" not in html and "<head" not in html
    fragment = lxml.html.fragment_fromstring(html)
    scripts = fragment.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/json"]
    classes = {c for e in fragment.iter() for c in (e.get("class") or "").split()}
    assert classes and all(c.startswith("fl-") for c in classes)
    assert fragment.get("lang") == "de"


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: f"{v['kind']}:{v['text']}")
def test_typed_inputs_are_read_as_their_kind(vector: dict[str, Any]) -> None:
    kind = FieldKind(vector["kind"])
    assert read_value(kind, vector["text"], vector["lang"]) == vector["value"]


@pytest.mark.parametrize("path", LIBRARY_FORMS, ids=lambda p: p.stem)
def test_a_valid_submission_survives_the_round_trip_through_the_page(path: Path) -> None:
    """The scenario data of each form, validated, written as inputs and read back."""
    form = formlang.load(path)
    for scenario in form.ir.tests:
        result = form.validate(scenario.given, today=scenario.today)
        if not result.ok:
            continue
        pairs = encode(form.ir, result.data, "de")
        back, action = decode(form.ir, pairs, "de")
        assert action == ""
        assert form.validate(back, today=scenario.today).data == result.data


def test_posted_pages_are_read_like_the_browser_reads_them() -> None:
    form = formlang.load(ROOT / "library" / "forms" / "hundesteuer.form")
    pairs = [
        ("halter.familienname", "  Muster "),
        ("halter.geburtsdatum-day", "3"),
        ("halter.geburtsdatum-month", "2"),
        ("halter.geburtsdatum-year", "1980"),
        ("hunde.0.name", "Bello"),
        ("hunde.1.name", ""),
        ("hunde.2.name", "Rex"),
        ("hunde.2.gefaehrlich", "false"),
        ("lastschrift", "true"),
        ("datenschutz.einwilligung", "true"),
        ("_action", "check"),
    ]
    data, action = decode(form.ir, pairs, "de")
    assert action == "check"
    assert data["halter"] == {"familienname": "Muster", "geburtsdatum": "1980-02-03"}
    assert data["hunde"] == [{"name": "Bello"}, {"name": "Rex", "gefaehrlich": False}]
    assert data["lastschrift"] is True
    kept, _ = decode(form.ir, pairs, "de", keep_empty_rows=True)
    assert len(kept["hunde"]) == 3
    assert apply_action(kept, "remove:/hunde/1") and [r.get("name") for r in kept["hunde"]] == [
        "Bello",
        "Rex",
    ]
    assert apply_action(kept, "add:/hunde") and len(kept["hunde"]) == 3
    assert not apply_action(kept, "check")
    doc = _doc(form.render_html(data=kept))
    assert len(doc.xpath("//*[@data-fl-rows]/fieldset")) == 3


def test_check_your_answers_lists_each_answer_and_posts_them_again() -> None:
    form = formlang.load(ROOT / "library" / "forms" / "hundesteuer.form")
    scenario = form.ir.tests[0]
    result = form.validate(scenario.given, today=scenario.today)
    assert result.ok
    doc = _doc(form.render_summary(result.data))
    keys = [k.text_content() for k in doc.xpath("//dt")]
    values = [v.text_content() for v in doc.xpath("//dd[@class='fl-summary-list__value']")]
    answers = dict(zip(keys, values, strict=True))
    assert answers["Familienname"] == "Muster"
    assert answers["Geburtsdatum"] == "28. Februar 1980"
    assert answers["Hund 1: Rasse"] == "Dackel"
    assert answers["Voraussichtliche Steuer im Jahr"] == "96,00\xa0€"
    hidden = [(i.get("name"), i.get("value")) for i in doc.xpath("//input[@type='hidden']")]
    back, _ = decode(form.ir, hidden, "de")
    assert form.validate(back, today=scenario.today).data == result.data
    buttons = doc.xpath("//button[@name='_action']/@value")
    assert "send" in buttons and "edit:/halter/familienname" in buttons


def test_build_writes_pages_in_every_language_and_fragments(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from formlang.cli import main

    source = str(ROOT / "library" / "forms" / "hundesteuer.form")
    runner = CliRunner()
    result = runner.invoke(main, ["build", source, "--format", "html", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["formlang.css", "formlang.js", "hundesteuer.en.html", "hundesteuer.html"]
    first = (tmp_path / "hundesteuer.html").read_bytes()
    again = runner.invoke(main, ["build", source, "--format", "html", "--out", str(tmp_path)])
    assert again.exit_code == 0 and (tmp_path / "hundesteuer.html").read_bytes() == first
    result = runner.invoke(
        main,
        ["build", source, "--format", "html", "--fragment", "--lang", "en", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0
    assert (
        (tmp_path / "hundesteuer.en.fragment.html")
        .read_text()
        .startswith('<div class="fl-embed" lang="en">')
    )
    result = runner.invoke(
        main, ["build", source, "--format", "html", "--lang", "fr", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "has no language 'fr'" in result.output


def test_answers_in_another_language_than_the_page_say_so(tmp_path: Path) -> None:
    (tmp_path / "laender.csv").write_text("code,label\nde,Deutschland\nfr,Frankreich\n")
    (tmp_path / "l.form").write_text(
        'form laender version "1.0.0" {\n'
        '  title "Land" @en "Country"\n'
        "  languages de, en\n"
        '  codes land "Staat" @en "State" from "laender.csv"\n'
        '  field staat: choice from land "Staat" @en "State"\n'
        "}\n"
    )
    form = formlang.load(tmp_path / "l.form")
    english = _doc(form.render_html(lang="en"))
    assert english.xpath("//label[@for='fl-staat']/@lang") == ["de"]
    assert english.xpath("//legend")[0].get("lang") is None
    german = _doc(form.render_html(lang="de"))
    assert german.xpath("//label[@for='fl-staat']/@lang") == []


def test_check_your_answers_posts_every_answer_of_a_multiple_choice(tmp_path: Path) -> None:
    (tmp_path / "m.form").write_text(
        'form m version "1.0.0" {\n'
        '  title "M"\n'
        '  field farben: multichoice "Farben" {\n    rot "Rot"\n    gruen "Grün"\n    blau "Blau"\n  }\n'
        "}\n"
    )
    form = formlang.load(tmp_path / "m.form")
    result = form.validate({"farben": ["rot", "blau"]})
    assert result.ok
    doc = _doc(form.render_summary(result.data))
    hidden = [(i.get("name"), i.get("value")) for i in doc.xpath("//input[@type='hidden']")]
    assert hidden == [("farben", "rot"), ("farben", "blau")]
    assert decode(form.ir, hidden, "de")[0] == {"farben": ["rot", "blau"]}
