"""Every library form filled in with Chromium against the served library, JavaScript on and off.

The browser types the answers of tests/browser/answers.py page by page, adds
rows with the form's own buttons, uploads a small PDF for each file, checks
its answers and sends; the receipt page follows, and the stored data is the
effective data of the answers. Needs Debian's chromium (see tests/browser):
skipped locally without it, failing under CI.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from answers import PDF, answers
from browser_env import launch_chromium
from flow_client import without_refs
from service_env import LIBRARY, Served

from formlang.html_input import encode
from formlang.service import flow
from formlang.service.library import Library

FORMS = sorted(Library.load(LIBRARY).forms)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


def _fill(page: Any, entry: Any, data: dict[str, Any], step: str, upload: Path) -> None:
    names = flow.names_on(entry, step or None)
    part = {k: v for k, v in data.items() if k in names}
    for name, value in encode(entry.form.ir, part, "de"):
        if name.endswith("-kept"):
            _control(page, name.removesuffix("-kept")).set_input_files(str(upload))
            continue
        control = _control(page, name, value)
        kind = control.get_attribute("type") or control.evaluate("e => e.tagName.toLowerCase()")
        if kind in ("radio", "checkbox"):
            control.check()
        elif kind == "select":
            control.select_option(value)
        else:
            control.fill(value)


def _control(page: Any, name: str, value: str | None = None) -> Any:
    """The input for `name` (the option with `value` of a radio or checkbox group), adding
    rows of a repeat with its button until the input is there."""
    for _ in range(5):
        found = page.locator(f'[name="{name}"]')
        if found.count():
            if found.count() > 1 and value is not None:
                return page.locator(f'[name="{name}"][value="{value}"]')
            return found.first
        parts = name.split(".")
        rows = [i for i, p in enumerate(parts) if p.isdigit()]
        for index in reversed(rows):
            pointer = "/" + "/".join(parts[:index])
            button = page.locator(f'button[value="add:{pointer}"]')
            if button.count() and button.first.is_visible():
                button.first.click()
                page.wait_for_load_state()
                break
        else:
            break
    raise AssertionError(f"no input {name} on the page")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("form_id", FORMS)
def test_a_form_is_filled_in_and_sent_in_chromium(
    served: Served, browser: Any, form_id: str, javascript: bool, tmp_path: Path
) -> None:
    entry = served.service.library.get(form_id)
    data = answers(form_id, dt.date.today())
    upload = tmp_path / "nachweis.pdf"
    upload.write_bytes(PDF)
    context = browser.new_context(java_script_enabled=javascript, locale="de-DE")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{served.url}/forms/{form_id}")
        steps = entry.page_names() or [""]
        for number, step in enumerate(steps, 1):
            if len(steps) > 1:
                assert f"Schritt {number} von {len(steps)}" in page.content()
            _fill(page, entry, data, step, upload)
            page.locator("form[data-fl-form] .fl-actions button[value=check]").click()
            page.wait_for_load_state()
            assert not page.title().startswith("Fehler"), page.locator(
                ".fl-error-summary"
            ).inner_text()
        assert "Prüfen Sie Ihre Angaben" in page.content()
        page.locator(".fl-actions button[value=send]").click()
        page.wait_for_load_state()
        number = page.locator(".fl-receipt-number").inner_text()
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    finally:
        context.close()
    assert not problems, f"the page reported errors: {problems}"
    stored = served.service.storage.get_submission(number)
    expected = entry.form.validate(data, today=dt.date.today()).data
    for _, file in list(__import__("formlang.service.files", fromlist=["x"]).file_values(expected)):
        file["name"] = upload.name
    assert without_refs(stored.data) == without_refs(expected)


def test_the_javascript_checks_a_page_before_it_is_sent(served: Served, browser: Any) -> None:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    try:
        page.goto(f"{served.url}/forms/hundesteuer")
        page.locator("form[data-fl-form] .fl-actions button[value=check]").click()
        summary = page.locator(".fl-error-summary")
        summary.wait_for(state="visible")
        assert "Familienname" in summary.inner_text()
        assert "Hunde" not in summary.inner_text()  # a later page's parts are not this page's
        assert page.url.endswith("/forms/hundesteuer")  # nothing was posted
    finally:
        context.close()


def test_a_draft_is_saved_with_javascript_on_whatever_the_page_holds(
    served: Served, browser: Any
) -> None:
    # "Save and continue later" carries `formnovalidate`: the script lets it through unchecked,
    # as the browser would, and the server keeps the half-filled page as a draft.
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    try:
        page.goto(f"{served.url}/forms/hundesteuer")
        assert page.locator(".fl-js").count() == 1, "the runtime started"
        page.locator('[name="halter.familienname"]').fill("Muster")
        with page.expect_navigation():
            page.locator("button[value=save]").click()
        assert page.locator(".fl-error-summary:visible").count() == 0
        link = page.locator(".fl-resume-link a")
        assert link.count() == 1, page.content()[:2000]
        page.goto(link.get_attribute("href") or "")
        assert page.locator('[name="halter.familienname"]').input_value() == "Muster"
    finally:
        context.close()
