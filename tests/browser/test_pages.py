"""Library forms in a real browser: accessibility, the HTML checker, JS and no-JS paths, keyboard.

Each page is served by the local server of conftest.py under a strict Content
Security Policy; a script error or a CSP violation fails the test.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from answers import PDF, answers
from browser_env import ARTIFACTS, FORMS, VNU, vnu_available

from formlang.html_input import encode

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CASES = [(name, lang) for name, form in FORMS.items() for lang in form.languages]
CASE_IDS = [f"{name}-{lang}" for name, lang in CASES]


def _valid(form: Any) -> dict[str, Any]:
    """A complete application for a library form, valid today (tests/browser/answers.py)."""
    data = answers(form.id, dt.date.today())
    result = form.validate(data)
    assert result.ok, [e.message for e in result.errors]
    return result.data


def _axe(page: Any, axe_source: str) -> list[str]:
    page.evaluate(axe_source)  # through the debugging protocol: the page's CSP does not apply
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in result["violations"]
    ]


def _wait_for_heading(page: Any, heading: str) -> None:
    """Wait for the page a key press led to: a key press does not wait for the navigation it
    starts, as a click does. If the page stays, say what its error summary holds."""
    from playwright.sync_api import TimeoutError as PageTimeout

    try:
        page.wait_for_function(
            "h => (document.querySelector('h1') || {}).innerText === h", arg=heading
        )
    except PageTimeout as error:
        raise AssertionError(
            f"expected the page {heading!r}; the page stayed with errors {_summary(page)}"
        ) from error


def _summary(page: Any) -> list[str]:
    items = page.locator("[data-fl-error-summary] li")
    return [items.nth(i).inner_text() for i in range(items.count())]


@pytest.mark.parametrize(("name", "lang"), CASES, ids=CASE_IDS)
def test_no_axe_violations_initially_and_with_errors(
    page: Any, server: str, axe_source: str, name: str, lang: str
) -> None:
    page.goto(f"{server}/{name}?lang={lang}")
    assert page.locator(".fl-js").count() == 1, "the runtime started"
    assert _axe(page, axe_source) == []
    page.get_by_role(
        "button", name="Angaben prüfen" if lang == "de" else "Check your answers"
    ).last.click()
    assert page.locator("[data-fl-error-summary]").is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-fl-error-summary')")
    assert page.title().startswith("Fehler: " if lang == "de" else "Error: ")
    assert _axe(page, axe_source) == []
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}-errors-{width}.png"), full_page=True)
        wide = page.evaluate(
            "w => [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > w + 0.5)"
            ".map(e => e.tagName + '.' + e.className + ' ' + (e.id || e.name || ''))",
            width,
        )
        assert wide == [], f"wider than {width} px: no sideways scrolling"


def test_the_nu_html_checker_finds_no_errors(tmp_path: Path) -> None:
    vnu_available()
    files = []
    for name, form in FORMS.items():
        data = _valid(form)
        for lang in form.languages:
            pages = {
                "blank": form.render_html(lang),
                "errors": form.render_html(lang, data={}, errors=form.validate({}, lang=lang)),
                "summary": form.render_summary(data, lang),
            }
            for state, html in pages.items():
                file = tmp_path / f"{name}-{lang}-{state}.html"
                file.write_text(html, encoding="utf-8")
                files.append(str(file))
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == []


def _fill(page: Any, pairs: list[tuple[str, str]], tmp_path: Path) -> None:
    """Types each answer into its input, as a person would (choices are clicked)."""
    for name, value in pairs:
        if name.endswith("-kept"):  # a file: upload one with that name
            file = tmp_path / json.loads(value)["name"]
            file.write_bytes(PDF)
            page.locator(f'[name="{name.removesuffix("-kept")}"]').set_input_files(str(file))
            continue
        control = page.locator(f'[name="{name}"]')
        if control.count() == 0:
            continue
        kind = control.first.get_attribute("type")
        if kind in ("radio", "checkbox"):
            page.locator(f'[name="{name}"][value="{value}"]').check()
        elif kind == "hidden":
            continue
        elif control.first.evaluate("e => e.tagName") == "SELECT":
            control.first.select_option(value)
        else:
            control.first.fill(value)


def _add_button(page: Any, name: str) -> str | None:
    """The value of the button that adds the first missing row `name` lies in (rows nest)."""
    parts = name.split(".")
    for index, part in enumerate(parts):
        row = ".".join(parts[: index + 1])
        if part.isdigit() and page.locator(f'[name^="{row}."]').count() == 0:
            return "add:/" + "/".join(parts[:index])
    return None


def _add_rows(page: Any, pairs: list[tuple[str, str]]) -> None:
    """Adds rows until every row named in `pairs` exists."""
    for name, _ in pairs:
        while page.locator(f'[name="{name}"]').count() == 0:
            button = page.locator("[data-fl-add]:visible").first
            if button.count() == 0:
                break
            button.click()


def test_the_browser_shows_the_errors_the_server_finds(page: Any, server: str) -> None:
    form = FORMS["hundesteuer"]
    page.goto(f"{server}/hundesteuer")
    rasse_andere = page.locator('[name="hunde.0.rasse_andere"]')
    assert not rasse_andere.is_visible()
    page.locator('[name="hunde.0.rasse"][value="andere"]').check()
    assert rasse_andere.is_visible(), "the condition revealed the field"
    page.locator("[data-fl-add]").first.click()
    assert page.locator('[name="hunde.1.name"]').is_visible()
    page.locator('[name="hunde.1.name"]').fill("Rex")
    page.locator('[name="hunde.1.geboren-day"]').fill("31")
    page.locator('[name="hunde.1.geboren-month"]').fill("2")
    page.locator('[name="hunde.1.geboren-year"]').fill("2020")
    page.locator('[name="halter.familienname"]').fill("Muster")
    page.locator('[name="kontakt.email"]').fill("kein-at-zeichen")
    page.locator('[name="lastschrift"][value="true"]').check()
    page.locator('[name="konto.iban"]').fill("DE89 3704 0044 0532 0130 01")
    assert page.locator(".fl-computed output").first.inner_text() == "2"
    page.get_by_role("button", name="Angaben prüfen").last.click()
    in_browser = _summary(page)
    assert in_browser, "the browser found errors"
    assert any("IBAN" in m for m in in_browser)
    # The same page posted as it stands, past the browser's check: the server's verdict.
    with page.expect_navigation():
        page.evaluate(
            """() => {
        const form = document.querySelector('form[data-fl-form]');
        form.querySelectorAll('input,select,textarea').forEach(c => {
          if (c.closest('[hidden]') && !c.closest('template')) c.disabled = true;
        });
        const action = document.createElement('input');
        action.type = 'hidden'; action.name = '_action'; action.value = 'check';
        form.appendChild(action);
        form.submit();
      }"""
        )
    assert _summary(page) == in_browser
    assert form.id == "hundesteuer"


@pytest.mark.parametrize("name", sorted(FORMS))
def test_without_javascript_a_form_can_be_completed_and_sent(
    nojs_page: Any, server: str, received: Any, name: str, tmp_path: Path
) -> None:
    form = FORMS[name]
    data = _valid(form)
    pairs = encode(form.ir, data, "de")
    page = nojs_page
    page.goto(f"{server}/{name}")
    for _ in range(20):  # rows are added by a round trip to the server
        missing = [
            n for n, _ in pairs if page.locator(f'[name="{n.removesuffix("-kept")}"]').count() == 0
        ]
        adds = [a for a in (_add_button(page, n) for n in missing) if a is not None]
        if not adds:
            break
        page.locator(f'button[value="{adds[0]}"]').click()
    _fill(page, pairs, tmp_path)
    page.locator(".fl-actions button").click()
    assert page.locator("h1").inner_text() == "Prüfen Sie Ihre Angaben", page.content()[:2000]
    page.locator(".fl-actions button").click()
    assert page.locator("#done").inner_text() == "OK"
    assert received.items[-1] == (form.id, data)


def test_a_form_can_be_completed_with_the_keyboard_alone(
    page: Any, server: str, received: Any
) -> None:
    form = FORMS["hundesteuer"]
    data = _valid(form)
    wanted: dict[str, list[str]] = {}
    for name, value in encode(form.ir, data, "de"):
        wanted.setdefault(name, []).append(value)
    page.goto(f"{server}/hundesteuer")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    for _ in range(400):
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '',"
            " checked: !!e.checked, text: e.innerText || '', add: e.hasAttribute('data-fl-add')}; }"
        )
        values = wanted.get(focused["name"], [])
        if focused["tag"] == "BUTTON" and focused["text"] == "Angaben prüfen":
            page.keyboard.press("Enter")
            break
        if focused["add"] and any(page.locator(f'[name="{n}"]').count() == 0 for n in wanted):
            page.keyboard.press("Enter")  # a new row; the focus moves into it
            continue
        if focused["type"] == "radio" and values:
            for _ in range(10):
                current = page.evaluate("document.activeElement.value")
                if current in values:
                    page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
        elif (
            focused["type"] == "checkbox" and focused["value"] in values and not focused["checked"]
        ):
            page.keyboard.press("Space")
        elif (
            focused["tag"] in ("INPUT", "TEXTAREA")
            and values
            and focused["type"] not in ("radio", "checkbox", "file")
        ):
            page.keyboard.type(values[0])
        page.keyboard.press("Tab")
    else:
        raise AssertionError("never reached the check button")
    _wait_for_heading(page, "Prüfen Sie Ihre Angaben")
    page.keyboard.press("Tab")
    for _ in range(200):
        if (
            page.evaluate("document.activeElement.value") == "send"
            and page.evaluate("document.activeElement.className") == "fl-button"
        ):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#done").wait_for()
    assert page.locator("#done").inner_text() == "OK"
    assert received.items[-1] == ("hundesteuer", data)
