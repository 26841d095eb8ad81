"""The citizen's pages: the list of forms and a form filled in page by page (service stage).

Works without JavaScript. Each posted page is read with the same rules as the
browser (`formlang.html_input`), merged into the draft kept on the server
(cookie `fl_draft_<form>`), and answered by redirecting to the next page
(POST/redirect/GET) or, with errors, by the same page with the error summary.
The last step is "check your answers"; "send" checks everything once more,
stores the effective data and leads to the receipt. "Save and continue later"
shows a link that resumes the draft until it expires.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from formlang.html_input import apply_action, decode
from formlang.service import flow
from formlang.service.app import service_of
from formlang.service.files import Refused, check_upload, field_for
from formlang.service.library import CSRF_SLOT, Entry
from formlang.service.logs import log_event
from formlang.service.security import CSRF_COOKIE
from formlang.service.storage import token_hash
from formlang.service.web import (
    authority,
    csrf_field,
    draft_cookie,
    entry_of,
    index,
    language,
    load_draft,
    redirect_with_draft,
    save_draft,
    set_cookie,
    switch,
)

ASSETS = "/static/"
MAX_FIELDS = 5000
MAX_FILES = 20


def routes() -> list[Route]:
    return [
        Route("/", index, methods=["GET"]),
        Route("/forms/{form_id}", form_page, methods=["GET", "POST"]),
        Route("/forms/{form_id}/check", check_page, methods=["GET"]),
        Route("/resume/{token}", resume, methods=["GET"]),
    ]


def _show(
    request: Request,
    entry: Entry,
    draft: flow.Draft | None,
    page: str,
    lang: str,
    errors: list[Any] | None = None,
    status: int = 200,
) -> Response:
    """One page of the form, with the draft's answers and the errors given."""
    service = service_of(request)
    csrf, fresh = csrf_field(request, service)
    action = f"/forms/{entry.id}?lang={lang}"
    hidden = {"_csrf": CSRF_SLOT, "_page": page}
    only = page or None
    if not errors and (draft is None or not draft.data):
        body = entry.cached(
            ("page", page, lang),
            lambda: entry.form.render_html(
                lang, page=only, action=action, hidden_fields=hidden, fragment=True, assets=ASSETS
            ),
        )
    else:
        body = entry.form.render_html(
            lang,
            data=draft.data if draft else {},
            errors=errors or [],
            page=only,
            action=action,
            hidden_fields=hidden,
            fragment=True,
            assets=ASSETS,
        )
    pages = entry.page_names() if draft is None else _visible(entry, draft)
    steps = [(entry.page_title(name, lang), _state(name, page, pages)) for name in pages]
    response = service.render(
        "flow.html.j2",
        lang,
        status,
        body=body.replace(CSRF_SLOT, csrf),
        title=entry.form.title(lang),
        step_title=entry.page_title(page, lang) if page else entry.form.title(lang),
        authority=authority(entry, lang),
        switch=switch(entry, page),
        script=True,
        steps=steps,
        current=pages.index(page) + 1 if page in pages else 1,
        back=_back(entry, pages, page, lang),
        has_errors=bool(errors),
    )
    if fresh:
        set_cookie(response, service, CSRF_COOKIE, fresh, 1)
    return response


def _back(entry: Entry, pages: list[str], page: str, lang: str) -> str:
    before = flow.neighbour(pages, page, -1) if page in pages else None
    return f"/forms/{entry.id}?lang={lang}&page={quote(before)}" if before else ""


def _state(name: str, page: str, pages: list[str]) -> str:
    if name == page:
        return "current"
    return "done" if page in pages and pages.index(name) < pages.index(page) else "todo"


def _visible(entry: Entry, draft: flow.Draft) -> list[str]:
    if not entry.pages:
        return [""]
    effective = entry.form.validate(draft.data, lang=draft.lang).data
    return flow.visible_pages(entry, effective)


async def form_page(request: Request) -> Response:
    entry = entry_of(request)
    if request.method == "POST":
        return await _post(request, entry)
    token, draft = await load_draft(request, entry)
    lang = language(request, entry, draft.lang if draft else None)
    pages = _visible(entry, draft) if draft else [flow.first_page(entry)]
    asked = request.query_params.get("page")
    page = asked if asked in pages else (draft.page if draft and draft.page in pages else pages[0])
    if draft is not None and lang != draft.lang:
        draft.lang = lang
        await run_in_threadpool(save_draft, request, entry, token, draft)
    return _show(request, entry, draft, page, lang)


async def check_page(request: Request) -> Response:
    entry = entry_of(request)
    _, draft = await load_draft(request, entry)
    if draft is None:
        return RedirectResponse(f"/forms/{entry.id}", status_code=303)
    lang = language(request, entry, draft.lang)
    result = entry.form.validate(draft.data, lang=lang)
    if not result.ok:
        page = flow.first_page_with_errors(entry, result.errors)
        return RedirectResponse(f"/forms/{entry.id}?lang={lang}&page={page}", status_code=303)
    service = service_of(request)
    csrf, fresh = csrf_field(request, service)
    body = entry.form.render_summary(
        result.data,
        lang,
        action=f"/forms/{entry.id}?lang={lang}",
        hidden_fields={"_csrf": csrf, "_page": flow.SUMMARY},
        fragment=True,
        assets=ASSETS,
    )
    response = service.render(
        "summary.html.j2",
        lang,
        body=body,
        title=entry.form.title(lang),
        authority=authority(entry, lang),
        switch=[(c, n, f"/forms/{entry.id}/check?lang={c}") for c, n, _ in switch(entry, "")],
        steps=_visible(entry, draft),
        back=_back(entry, [*_visible(entry, draft), flow.SUMMARY], flow.SUMMARY, lang),
    )
    if fresh:
        set_cookie(response, service, CSRF_COOKIE, fresh, 1)
    return response


async def _read(request: Request) -> list[tuple[str, Any]]:
    try:
        posted = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    except (ValueError, KeyError, AssertionError) as exc:
        raise HTTPException(400, "The form could not be read.") from exc
    pairs: list[tuple[str, Any]] = []
    for name, value in posted.multi_items():
        if isinstance(value, UploadFile):
            if value.filename:
                pairs.append((name, value))
        else:
            pairs.append((name, value))
    return pairs


async def _post(request: Request, entry: Entry) -> Response:
    service = service_of(request)
    pairs = await _read(request)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    given = next((v for k, v in pairs if k == "_csrf" and isinstance(v, str)), "")
    if not cookie or not service.signer.verify("csrf", cookie, given):
        lang = language(request, entry)
        return service.message(lang, 403, "csrf")
    token, draft = await load_draft(request, entry)
    lang = language(request, entry, draft.lang if draft else None)
    if draft is None or token is None:
        token = secrets.token_urlsafe(32)
        draft = flow.Draft(entry.id, lang, flow.first_page(entry))
    draft.lang = lang
    page = next((v for k, v in pairs if k == "_page" and isinstance(v, str)), "")
    refused = await _uploads(request, entry, token, draft, pairs)
    if page == flow.SUMMARY:
        return await _from_summary(request, entry, token, draft, pairs)
    if entry.pages and page not in entry.page_names():
        page = flow.first_page(entry)
    posted, button = decode(entry.form.ir, pairs, lang)
    flow.keep_known_files(draft, posted)
    if button.startswith(("add:", "remove:")):
        rows, _ = decode(entry.form.ir, pairs, lang, keep_empty_rows=True)
        flow.keep_known_files(draft, rows)
        apply_action(rows, button)
        flow.merge(draft, entry, page, rows)
        return await _stay(request, entry, token, draft, page)
    flow.merge(draft, entry, page, posted)
    pages = _visible(entry, draft)
    if button == "save":
        return await _saved(request, entry, token, draft, page)
    if button == "back":
        draft.page = flow.neighbour(pages, page, -1) or page
        return await _go(request, entry, token, draft, draft.page)
    result = entry.form.validate(draft.data, lang=lang)
    errors = refused + [
        e
        for e in flow.errors_on(entry, page or None, result.errors)
        if e.path not in {r["path"] for r in refused}
    ]
    if errors:
        draft.page = page
        await run_in_threadpool(save_draft, request, entry, token, draft)
        response = _show(request, entry, draft, page, lang, errors)
        set_cookie(response, service, draft_cookie(entry), token, service.config.draft_days)
        return response
    following = flow.neighbour(pages, page, 1) if entry.pages else None
    if following is None:
        draft.page = page
        await run_in_threadpool(save_draft, request, entry, token, draft)
        return redirect_with_draft(request, entry, token, f"/forms/{entry.id}/check?lang={lang}")
    draft.page = following
    return await _go(request, entry, token, draft, following)


async def _uploads(
    request: Request, entry: Entry, token: str, draft: flow.Draft, pairs: list[tuple[str, Any]]
) -> list[dict[str, Any]]:
    """Checks and stores the uploaded files; the pairs then name them as a submission does."""
    service = service_of(request)
    refused: list[dict[str, Any]] = []
    for at, (name, value) in enumerate(pairs):
        if not isinstance(value, UploadFile):
            continue
        content = await value.read(service.config.max_upload + 1)
        element = field_for(entry.form.ir, name)
        try:
            upload = check_upload(
                element,
                value.filename or "datei",
                content,
                draft.lang,
                service.config.max_upload,
                service.config.default_accept,
            )
        except Refused as why:
            pointer = "/" + name.replace(".", "/")
            refused.append({"path": pointer, "message": why.message, "severity": "error"})
            pairs[at] = (name, "")
            continue
        await run_in_threadpool(service.storage.add_upload, upload, token_hash(token))
        draft.files[upload.ref] = upload.describe()
        pairs[at] = (name, upload.describe())
    return refused


async def _from_summary(
    request: Request, entry: Entry, token: str, draft: flow.Draft, pairs: list[tuple[str, Any]]
) -> Response:
    button = next((v for k, v in pairs if k == "_action" and isinstance(v, str)), "send")
    lang = draft.lang
    if button.startswith("edit"):
        page = flow.page_of(entry, button.partition(":")[2])
        draft.page = page
        return await _go(request, entry, token, draft, page)
    result = entry.form.validate(draft.data, lang=lang)
    if not result.ok:
        page = flow.first_page_with_errors(entry, result.errors)
        draft.page = page
        await run_in_threadpool(save_draft, request, entry, token, draft)
        errors = flow.errors_on(entry, page or None, result.errors)
        return _show(request, entry, draft, page, lang, errors)
    service = service_of(request)
    new = entry.new_submission(
        lang,
        result.data,
        files=flow.file_refs(result.data),
        # a second "send" of the same draft (a double click) stores nothing new
        idempotency_key="draft:" + token_hash(token),
        request_hash=token_hash(token),
    )
    stored, created = await service.storage.store(new)
    if created:
        log_event("submission_stored", form=entry.id, submission=stored.id, route="flow")
    await run_in_threadpool(service.storage.delete_draft, token)
    receipt = service.signer.receipt_token(stored.id)
    response = RedirectResponse(f"/receipts/{receipt}?lang={lang}", status_code=303)
    response.delete_cookie(draft_cookie(entry), path="/")
    return response


async def _go(request: Request, entry: Entry, token: str, draft: flow.Draft, page: str) -> Response:
    await run_in_threadpool(save_draft, request, entry, token, draft)
    url = f"/forms/{entry.id}?lang={draft.lang}" + (f"&page={quote(page)}" if page else "")
    return redirect_with_draft(request, entry, token, url)


async def _stay(
    request: Request, entry: Entry, token: str, draft: flow.Draft, page: str
) -> Response:
    draft.page = page
    await run_in_threadpool(save_draft, request, entry, token, draft)
    response = _show(request, entry, draft, page, draft.lang)
    service = service_of(request)
    set_cookie(response, service, draft_cookie(entry), token, service.config.draft_days)
    return response


async def _saved(
    request: Request, entry: Entry, token: str, draft: flow.Draft, page: str
) -> Response:
    service = service_of(request)
    draft.page = page
    expires = await run_in_threadpool(save_draft, request, entry, token, draft)
    base = service.config.public_url.rstrip("/") or str(request.base_url).rstrip("/")
    moment = dt.datetime.strptime(expires, "%Y-%m-%dT%H:%M:%S.%fZ").date()
    shown = moment.strftime("%d.%m.%Y") if draft.lang == "de" else moment.isoformat()
    response = service.render(
        "saved.html.j2",
        draft.lang,
        title=entry.form.title(draft.lang),
        authority=authority(entry, draft.lang),
        link=f"{base}/resume/{token}",
        expires=shown,
        form_id=entry.id,
    )
    set_cookie(response, service, draft_cookie(entry), token, service.config.draft_days)
    return response


async def resume(request: Request) -> Response:
    service = service_of(request)
    token = request.path_params["token"]
    found = await run_in_threadpool(service.storage.load_draft, token) if len(token) < 100 else None
    entry = service.library.get(found[0]) if found else None
    if found is None or entry is None:
        return service.message(language(request, None), 404, "expired")
    draft = flow.Draft.from_json(found[1])
    return redirect_with_draft(
        request, entry, token, f"/forms/{entry.id}?lang={draft.lang}&page={quote(draft.page)}"
    )
