"""What portals and citizens fetch besides the flow: assets, fragments, schemas, PDFs, receipts.

- `/static/…`: the two assets of the HTML renderer and the service's stylesheet,
  from a fixed list (no path from a request ever reaches the file system);
- `/forms/{id}/embed`, `/schema.json`, `/blank.pdf`: rendered once, then cached;
- `/receipts/{token}` and `/receipts/{token}.pdf`: the receipt of a submission,
  behind a signed token (the submission number and an HMAC);
- `/healthz`: whether the library is loaded and the database answers.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from formlang.html_render import static_dir
from formlang.service.app import STATIC, service_of
from formlang.service.web import entry_of, language

BERLIN = ZoneInfo("Europe/Berlin")
_ASSETS: dict[str, tuple[str, Callable[[], Path]]] = {
    "formlang.css": ("text/css; charset=utf-8", lambda: static_dir() / "formlang.css"),
    "formlang.js": ("text/javascript; charset=utf-8", lambda: static_dir() / "formlang.js"),
    "service.css": ("text/css; charset=utf-8", lambda: STATIC / "service.css"),
}
_CACHE: dict[str, bytes] = {}


def routes() -> list[Route]:
    return [
        Route("/static/{name}", asset, methods=["GET"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/favicon.ico", no_icon, methods=["GET"]),
        Route("/forms/{form_id}/embed", embed, methods=["GET"]),
        Route("/forms/{form_id}/schema.json", schema, methods=["GET"]),
        Route("/forms/{form_id}/blank.pdf", blank_pdf, methods=["GET"]),
        Route("/receipts/{token}", receipt, methods=["GET"]),
    ]


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in _ASSETS:
        raise HTTPException(404)
    kind, where = _ASSETS[name]
    if name not in _CACHE:
        _CACHE[name] = where().read_bytes()
    return Response(
        _CACHE[name], media_type=kind, headers={"cache-control": "public, max-age=3600"}
    )


async def no_icon(request: Request) -> Response:
    """Browsers ask for an icon; there is none, and that is not an error."""
    return Response(status_code=204, headers={"cache-control": "public, max-age=86400"})


async def health(request: Request) -> Response:
    service = service_of(request)
    try:
        await run_in_threadpool(service.storage.ping)
        database = "ok"
    except Exception as exc:
        database = f"unavailable ({type(exc).__name__})"
    library = service.library
    ok = database == "ok" and bool(library.forms)
    body = {
        "status": "ok" if ok else "unavailable",
        "database": database,
        "forms": len(library.forms),
        "forms_left_out": sorted(library.problems),
        "uptime_s": round(time.time() - service.started),
    }
    return JSONResponse(body, status_code=200 if ok else 503)


async def embed(request: Request) -> Response:
    entry = entry_of(request)
    lang = language(request, entry)
    action = f"/forms/{entry.id}"
    html = entry.cached(
        ("embed", lang),
        lambda: entry.form.render_html(lang, action=action, fragment=True, assets="/static/"),
    )
    return Response(
        html, media_type="text/html; charset=utf-8", headers={"cache-control": "no-cache"}
    )


async def schema(request: Request) -> Response:
    entry = entry_of(request)
    lang = language(request, entry)
    body = entry.cached(
        ("schema", lang),
        lambda: json.dumps(entry.form.schema(lang), ensure_ascii=False, indent=2).encode(),
    )
    return Response(
        body, media_type="application/schema+json", headers={"cache-control": "no-cache"}
    )


async def blank_pdf(request: Request) -> Response:
    entry = entry_of(request)
    lang = language(request, entry)
    pdf = entry.cached(("blank.pdf", lang), lambda: None)
    if pdf is None:
        made = await run_in_threadpool(entry.form.render_pdf, None, lang)
        pdf = entry.cached(("blank.pdf", lang), lambda: None) or made
        entry.cache[("blank.pdf", lang)] = pdf
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": f'inline; filename="{entry.id}.pdf"',
            "cache-control": "no-cache",
        },
    )


async def receipt(request: Request) -> Response:
    service = service_of(request)
    token = request.path_params["token"]
    as_pdf = token.endswith(".pdf")
    ident = service.signer.receipt_id(token.removesuffix(".pdf"))
    if ident is None:
        raise HTTPException(404)
    stored = await run_in_threadpool(service.storage.get_submission, ident)
    entry = service.library.get(stored.form_id) if stored else None
    if stored is None or entry is None:
        raise HTTPException(404)
    if as_pdf:
        pdf = await run_in_threadpool(submission_pdf, service, stored, False)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"content-disposition": f'attachment; filename="{stored.id}.pdf"'},
        )
    lang = language(request, entry, stored.lang)
    moment = received(stored.received_at)
    when = (
        moment.strftime("%d.%m.%Y um %H:%M Uhr")
        if lang == "de"
        else moment.strftime("%d %B %Y at %H:%M")
    )
    return service.render(
        "receipt.html.j2",
        lang,
        title=entry.form.title(lang),
        authority=(entry.form.ir.authority.get(lang) if entry.form.ir.authority else ""),
        number=stored.id,
        token=token,
        when=when,
    )


def received(stamp: str) -> dt.datetime:
    moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    return moment.astimezone(BERLIN)


def submission_pdf(service: object, stored: object, archive: bool) -> bytes:
    """The filled PDF of a stored submission (archive: PDF/A-3 with the data embedded)."""
    from formlang.service.app import Service
    from formlang.service.storage import Submission

    assert isinstance(service, Service) and isinstance(stored, Submission)
    entry = service.library.get(stored.form_id)
    if entry is None:
        raise HTTPException(404)
    moment = received(stored.received_at)
    return entry.form.render_pdf(
        stored.data,
        stored.lang,
        archive=archive,
        submitted_at=moment,
        submission_id=stored.id,
        today=moment.date(),
    )
