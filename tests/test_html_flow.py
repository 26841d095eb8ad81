"""`html_flow.respond`, the server's step for a posted page, on its own (the browser tests run it
behind a server): the steps, and what a portal embedding fragments needs from it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import lxml.html

import formlang
from formlang.html_flow import respond
from formlang.html_input import encode

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 6, 1)
FORM = formlang.load(ROOT / "tests" / "cases" / "valid" / "repeats.form")
VALID = {
    "rechnungen": [
        {
            "nummer": "R-1",
            "datum": "2025-05-02",
            "posten": [{"bezeichnung": "Taxi", "betrag": "20", "erstattungsfaehig": True}],
        }
    ]
}


def _pairs(data: dict[str, Any], button: str = "check") -> list[tuple[str, Any]]:
    return [*encode(FORM.ir, data, "de"), ("_action", button)]


def _doc(html: str) -> Any:
    return lxml.html.fromstring(html)


def test_errors_bring_the_page_back_with_its_summary() -> None:
    step = respond(FORM, _pairs({}), "de", today=TODAY)
    assert step.kind == "form"
    assert step.result is not None and not step.result.ok
    summary = _doc(step.html).xpath("//*[@data-fl-error-summary]//li")
    assert len(summary) == len([e for e in step.result.errors if e.severity == "error"])


def test_a_valid_page_leads_to_the_summary_and_send_to_the_effective_data() -> None:
    summary = respond(FORM, _pairs(VALID), "de", today=TODAY)
    assert summary.kind == "summary"
    done = respond(FORM, _pairs(VALID, "send"), "de", today=TODAY)
    assert done.kind == "done"
    assert done.data == FORM.validate(VALID, lang="de", today=TODAY).data


def test_adding_a_row_checks_nothing_yet() -> None:
    step = respond(FORM, _pairs(VALID, "add:/rechnungen"), "de", today=TODAY)
    assert step.kind == "form" and step.result is None
    assert len(step.data["rechnungen"]) == 2


def test_a_fragment_carries_the_portals_hidden_fields_through_every_step() -> None:
    token = {"csrf": "t0k3n<&>"}
    steps = (
        (VALID, "add:/rechnungen", "form"),
        ({}, "check", "form"),
        (VALID, "check", "summary"),
    )
    for data, button, kind in steps:
        step = respond(FORM, _pairs(data, button), "de", TODAY, fragment=True, hidden_fields=token)
        assert step.kind == kind
        assert "<html" not in step.html and "<body" not in step.html
        doc = _doc(step.html)
        assert doc.xpath("//form//input[@type='hidden'][@name='csrf']/@value") == ["t0k3n<&>"]


def test_two_forms_on_one_page_have_no_id_in_common() -> None:
    first = _doc(FORM.render_html("de", fragment=True))
    step = respond(FORM, _pairs({}), "de", TODAY, fragment=True, id_prefix="zweites-")
    second = _doc(step.html)
    ids = set(first.xpath("//@id")), set(second.xpath("//@id"))
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    assert all(i.startswith("zweites-") for i in ids[1])
    # the links of the error summary still lead to the inputs
    hrefs = second.xpath("//*[@data-fl-error-summary]//a/@href")
    assert hrefs and all(h[1:] in ids[1] for h in hrefs)
