"""The citizen's way through every library form, over HTTP against a served library."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest
from flow_client import csrf_of, errors_in, fill_in, page_pairs, post_page, without_refs
from service_env import Served

from formlang.service.library import Library

LIBRARY_FORMS = sorted(Library.load(__import__("conftest").LIBRARY).forms)


def test_the_start_page_lists_every_form(served: Served) -> None:
    with served.client() as client:
        page = client.get("/")
    assert page.status_code == 200
    for form_id in LIBRARY_FORMS:
        entry = served.service.library.get(form_id)
        assert f'href="/forms/{form_id}?lang=de"' in page.text
        assert entry.form.title("de") in page.text
        assert entry.form.version in page.text
    assert "Gewerbeamt" in page.text or "Steueramt" in page.text
    english = served.client().get("/?lang=en")
    assert "Business registration" in english.text or "Dog tax" in english.text


@pytest.mark.parametrize("form_id", LIBRARY_FORMS)
def test_a_form_is_filled_in_page_by_page_and_sent(served: Served, form_id: str) -> None:
    entry = served.service.library.get(form_id)
    with served.client() as client:
        sent, data = fill_in(client, entry)
        assert sent.status_code == 303
        receipt_url = sent.headers["location"]
        assert receipt_url.startswith("/receipts/")
        receipt = client.get(receipt_url)
        assert receipt.status_code == 200
        number = re.search(r'class="fl-receipt-number">([^<]+)<', receipt.text).group(1)
        pdf = client.get(receipt_url.split("?")[0] + ".pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-disposition"].startswith("attachment")
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
        assert number in text
        # the draft is gone: the form starts afresh
        again = client.get(f"/forms/{form_id}")
        assert 'value="Muster"' not in again.text
    stored = served.service.storage.get_submission(number)
    expected = entry.form.validate(data, today=dt.date.today()).data
    assert without_refs(stored.data) == without_refs(expected)
    assert stored.form_hash == entry.form.fingerprint and stored.lang == "de"
    for file in stored.files:
        upload = served.service.storage.get_upload(file["ref"], with_content=True)
        assert upload.media_type == "application/pdf" and upload.content.startswith(b"%PDF")


@pytest.mark.parametrize("form_id", LIBRARY_FORMS)
def test_a_page_with_errors_comes_back_with_the_error_summary(served: Served, form_id: str) -> None:
    entry = served.service.library.get(form_id)
    with served.client() as client:
        first = client.get(f"/forms/{form_id}")
        page = entry.page_names()[0]
        answer = post_page(client, entry, page, {}, [], csrf_of(first.text))
    assert answer.status_code == 200
    assert "<title>Fehler: " in answer.text
    problems = errors_in(answer.text)
    assert problems and all(
        "Geben Sie" in p or "Wählen Sie" in p or "Bestätigen" in p for p in problems
    )
    # only this page's parts are named
    later = entry.page_names()[-1]
    assert f'id="fl-page-{later}"' not in answer.text


def test_english_pages_and_errors(served: Served) -> None:
    entry = served.service.library.get("hundesteuer")
    with served.client() as client:
        first = client.get("/forms/hundesteuer?lang=en")
        assert '<html lang="en">' in first.text and "Step 1 of 3" in first.text
        answer = post_page(client, entry, "halter", {}, [], csrf_of(first.text), lang="en")
    assert "<title>Error: " in answer.text and "Enter" in " ".join(errors_in(answer.text))


@pytest.mark.parametrize("form_id", LIBRARY_FORMS)
def test_a_draft_is_saved_and_resumed_with_its_link(served: Served, form_id: str) -> None:
    entry = served.service.library.get(form_id)
    from answers import answers

    data = answers(form_id, dt.date.today())
    first_page = entry.page_names()[0]
    with served.client() as client:
        first = client.get(f"/forms/{form_id}")
        fields, files = page_pairs(entry, data, first_page, "de")
        saved = post_page(
            client, entry, first_page, fields, files, csrf_of(first.text), action="save"
        )
    assert saved.status_code == 200 and "Ihre Angaben sind gespeichert" in saved.text
    link = re.search(r'<a href="([^"]+/resume/[^"]+)">', saved.text).group(1)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 40
    with served.client() as elsewhere:  # another browser: no cookies
        resumed = elsewhere.get(link.replace(served.url, ""), follow_redirects=True)
    assert resumed.status_code == 200
    assert fields
    for name, values in fields.items():
        for value in values:
            assert _shows(resumed.text, name, value), f"{name}={value} is not shown again"
    with served.client() as stranger:
        wrong = stranger.get(f"/resume/{token[:-2]}xx")
    assert wrong.status_code == 404 and "nicht mehr gültig" in wrong.text


def _shows(html: str, name: str, value: str) -> bool:
    """Whether a page shows `value` in its input `name` (typed, ticked or selected)."""
    for tag in re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html):
        if f'value="{value}"' in tag and (
            ('type="radio"' not in tag and 'type="checkbox"' not in tag) or " checked" in tag
        ):
            return True
    select = re.search(rf'<select[^>]*name="{re.escape(name)}".*?</select>', html, re.S)
    return bool(
        select and re.search(rf'<option value="{re.escape(value)}" selected', select.group(0))
    )


def test_rows_are_added_and_removed_without_javascript(served: Served) -> None:
    entry = served.service.library.get("hundesteuer")
    with served.client() as client:
        first = client.get("/forms/hundesteuer?page=hunde")
        csrf = csrf_of(first.text)
        fields = {"hunde.0.name": ["Bello"]}
        added = post_page(client, entry, "hunde", fields, [], csrf, action="add:/hunde")
        assert added.status_code == 200 and 'name="hunde.1.name"' in added.text
        assert 'value="Bello"' in added.text and "<title>Fehler" not in added.text


def test_a_renamed_executable_is_refused(served: Served) -> None:
    entry = served.service.library.get("bewohnerparken")
    fake = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200
    with served.client() as client:
        first = client.get("/forms/bewohnerparken?page=fahrzeug")
        files = [("fahrzeugschein", ("programm-umbenannt.pdf", fake, "application/pdf"))]
        answer = post_page(client, entry, "fahrzeug", {}, files, csrf_of(first.text))
    assert answer.status_code == 200
    assert "kein erlaubtes Format" in answer.text
    with served.service.storage._tx() as cur:
        cur.execute("SELECT count(*) FROM uploads WHERE name = 'programm-umbenannt.pdf'")
        assert cur.fetchone()[0] == 0


def test_a_post_without_the_csrf_token_is_refused(served: Served) -> None:
    with served.client() as client:
        client.get("/forms/hundesteuer")
        answer = client.post(
            "/forms/hundesteuer",
            data={"_page": "halter", "_csrf": "forged"},
            follow_redirects=False,
        )
    assert answer.status_code == 403
    with served.client() as client:  # a token made for another browser does not fit
        token = csrf_of(client.get("/forms/hundesteuer").text)
    with served.client() as other:
        other.get("/forms/hundesteuer")
        answer = other.post("/forms/hundesteuer", data={"_page": "halter", "_csrf": token})
    assert answer.status_code == 403
