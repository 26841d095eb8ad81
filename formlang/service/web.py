"""What the citizen's pages share: the form of a URL, the language, cookies, drafts, CSRF.

Also the start page (`/`), the list of the forms offered.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from formlang.service import flow
from formlang.service.app import Service, service_of
from formlang.service.library import Entry
from formlang.service.security import CSRF_COOKIE, new_csrf_cookie
from formlang.service.words import LANGUAGE_NAMES


def entry_of(request: Request) -> Entry:
    entry = service_of(request).library.get(request.path_params["form_id"])
    if entry is None:
        raise HTTPException(404)
    return entry


def language(request: Request, entry: Entry | None, fallback: str | None = None) -> str:
    offered = entry.form.languages if entry else ("de", "en")
    asked = request.query_params.get("lang") or fallback
    if asked in offered:
        return str(asked)
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in offered:
            return code
    return entry.form.ir.default_language if entry else "de"


async def index(request: Request) -> Response:
    service = service_of(request)
    lang = language(request, None)
    shown = []
    for entry in service.library.forms.values():
        form_lang = lang if lang in entry.form.languages else entry.form.ir.default_language
        authority = entry.form.ir.authority
        shown.append(
            {
                "id": entry.id,
                "title": entry.form.title(form_lang),
                "authority": authority.get(form_lang) if authority else "",
                "version": entry.form.version or "–",
                "languages": entry.form.languages,
                "lang": form_lang,
            }
        )
    switch = [(c, LANGUAGE_NAMES[c], f"/?lang={c}") for c in ("de", "en")]
    response = service.render("index.html.j2", lang, forms=shown, switch=switch)
    response.headers["cache-control"] = "no-cache"
    return response


# ---- the flow -------------------------------------------------------------------------------


def draft_cookie(entry: Entry) -> str:
    return f"fl_draft_{entry.id}"


async def load_draft(request: Request, entry: Entry) -> tuple[str | None, flow.Draft | None]:
    token = request.cookies.get(draft_cookie(entry))
    if not token:
        return None, None
    found = await run_in_threadpool(service_of(request).storage.load_draft, token)
    if found is None or found[0] != entry.id:
        return None, None
    return token, flow.Draft.from_json(found[1])


def csrf_field(request: Request, service: Service) -> tuple[str, str | None]:
    """The CSRF field for this browser, and a new cookie to set (when it had none)."""
    cookie = request.cookies.get(CSRF_COOKIE)
    fresh = None
    if not cookie or len(cookie) > 64:
        cookie = fresh = new_csrf_cookie()
    return service.signer.sign("csrf", cookie), fresh


def set_cookie(response: Response, service: Service, name: str, value: str, days: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=days * 86400,
        httponly=True,
        samesite="lax",
        secure=service.config.secure_cookies,
        path="/",
    )


def authority(entry: Entry, lang: str) -> str:
    authority = entry.form.ir.authority
    return authority.get(lang) if authority else ""


def switch(entry: Entry, page: str) -> list[tuple[str, str, str]]:
    where = f"&page={quote(page)}" if page else ""
    return [
        (code, LANGUAGE_NAMES.get(code, code), f"/forms/{entry.id}?lang={code}{where}")
        for code in entry.form.languages
    ]


def save_draft(request: Request, entry: Entry, token: str | None, draft: flow.Draft) -> str:
    service = service_of(request)
    assert token is not None
    return service.storage.save_draft(token, entry.id, draft.to_json(), service.config.draft_days)


def redirect_with_draft(request: Request, entry: Entry, token: str, url: str) -> Response:
    service = service_of(request)
    response = RedirectResponse(url, status_code=303)
    set_cookie(response, service, draft_cookie(entry), token, service.config.draft_days)
    return response
