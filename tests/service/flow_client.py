"""A citizen filling in a library form over HTTP, page by page, as a browser without JavaScript.

The answers are those of tests/browser/answers.py; each page posts the inputs
`formlang.html_input.encode` writes for its part of them, and every file as a
real upload of a small PDF.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
from answers import PDF, answers

from formlang.html_input import encode
from formlang.service import flow

CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def page_pairs(
    entry: Any, data: dict[str, Any], page: str, lang: str
) -> tuple[dict[str, list[str]], list[Any]]:
    """The fields and files one page posts for `data`."""
    names = flow.names_on(entry, page or None)
    part = {k: v for k, v in data.items() if k in names}
    fields: dict[str, list[str]] = {}
    files: list[Any] = []
    for name, value in encode(entry.form.ir, part, lang):
        if name.endswith("-kept"):
            described = __import__("json").loads(value)
            files.append((name.removesuffix("-kept"), (described["name"], PDF, "application/pdf")))
            continue
        fields.setdefault(name, []).append(value)
    return fields, files


def post_page(
    client: httpx.Client,
    entry: Any,
    page: str,
    fields: dict[str, list[str]],
    files: list[Any],
    csrf: str,
    action: str = "check",
    lang: str = "de",
) -> httpx.Response:
    body = {**fields, "_csrf": [csrf], "_page": [page], "_action": [action]}
    return client.post(
        f"/forms/{entry.id}?lang={lang}", data=body, files=files or None, follow_redirects=False
    )


def fill_in(
    client: httpx.Client, entry: Any, lang: str = "de"
) -> tuple[httpx.Response, dict[str, Any]]:
    """Fills in every page and sends; returns the answer to "send" and the answers given."""
    today = dt.date.today()
    data = answers(entry.id, today)
    first = client.get(f"/forms/{entry.id}?lang={lang}")
    assert first.status_code == 200
    csrf = csrf_of(first.text)
    pages = entry.page_names() or [""]
    for index, page in enumerate(pages):
        fields, files = page_pairs(entry, data, page, lang)
        answer = post_page(client, entry, page, fields, files, csrf, lang=lang)
        assert answer.status_code == 303, f"page {page}: {errors_in(answer.text)}"
        following = answer.headers["location"]
        if index + 1 < len(pages):
            assert following.endswith(f"page={pages[index + 1]}"), following
            shown = client.get(following)
            assert shown.status_code == 200
        else:
            assert following.startswith(f"/forms/{entry.id}/check")
    check = client.get(f"/forms/{entry.id}/check?lang={lang}")
    assert check.status_code == 200
    sent = client.post(
        f"/forms/{entry.id}?lang={lang}",
        data={"_csrf": csrf_of(check.text), "_page": flow.SUMMARY, "_action": "send"},
        follow_redirects=False,
    )
    return sent, data


def errors_in(html: str) -> list[str]:
    summary = html.split('class="fl-error-summary__list">', 1)[-1].split("</ul>", 1)[0]
    return re.findall(r">([^<>]+)</a>", summary) or re.findall(r"<li>([^<]+)</li>", summary)


def without_refs(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_refs(v) for k, v in value.items() if k != "ref"}
    if isinstance(value, list):
        return [without_refs(v) for v in value]
    return value
