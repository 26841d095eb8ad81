"""The JSON API: submissions from portals, and the back office behind a bearer token.

- `POST /api/forms/{id}/submissions`: a submission as JSON (or multipart: the
  JSON in a part `submission`, each file in a part named by its JSON pointer).
  201 with the number and the receipt link; 422 with the errors of
  `form.validate`; an `Idempotency-Key` makes a retry return the first answer.
- `GET /api/forms`: the forms offered; `GET /api/openapi.json`: this API.
- Back office (`Authorization: Bearer …`): `GET /api/submissions` (by form,
  since a time, paged), `/api/submissions/{id}` with its PDF, archive PDF and
  files (always as attachments), and `/api/export` as JSON lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from formlang.service.app import Service, service_of
from formlang.service.files import Refused, check_upload, field_for, file_values
from formlang.service.logs import log_event
from formlang.service.openapi import document
from formlang.service.portal import submission_pdf
from formlang.service.security import bearer, token_matches
from formlang.service.storage import IdempotencyConflict, Submission, stamp
from formlang.service.web import entry_of

_KEY = re.compile(r"[\x21-\x7e]{1,200}")
_ID = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
BERLIN = ZoneInfo("Europe/Berlin")
PAGE = 100


def routes() -> list[Route]:
    return [
        Route("/api/openapi.json", openapi, methods=["GET"]),
        Route("/api/forms", forms, methods=["GET"]),
        Route("/api/forms/{form_id}/submissions", submit, methods=["POST"]),
        Route("/api/submissions", submissions, methods=["GET"]),
        Route("/api/submissions/{ident}", submission, methods=["GET"]),
        Route("/api/submissions/{ident}/pdf", submission_file, methods=["GET"]),
        Route("/api/submissions/{ident}/archive.pdf", submission_file, methods=["GET"]),
        Route("/api/submissions/{ident}/files/{ref}", submission_file, methods=["GET"]),
        Route("/api/export", export, methods=["GET"]),
    ]


def problem(status: int, code: str, message: str, **more: Any) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, **more}, status_code=status)


async def openapi(request: Request) -> Response:
    return JSONResponse(document(sorted(service_of(request).library.forms)))


async def forms(request: Request) -> Response:
    out = []
    for entry in service_of(request).library.forms.values():
        out.append(
            {
                "id": entry.id,
                "title": entry.form.title(),
                "version": entry.form.version,
                "languages": list(entry.form.languages),
                "schema": f"/forms/{entry.id}/schema.json",
                "submissions": f"/api/forms/{entry.id}/submissions",
            }
        )
    return JSONResponse({"forms": out})


# ---- submissions from portals ---------------------------------------------------------------


async def submit(request: Request) -> Response:
    service = service_of(request)
    entry = entry_of(request)
    lang = request.query_params.get("lang") or entry.form.ir.default_language
    if lang not in entry.form.languages:
        return problem(400, "unknown_language", f"lang must be one of {list(entry.form.languages)}")
    key = request.headers.get("idempotency-key")
    if key is not None and not _KEY.fullmatch(key):
        return problem(
            400, "bad_idempotency_key", "Idempotency-Key: 1 to 200 visible ASCII characters"
        )
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        data, uploads, refused = await _multipart(request, service, entry, lang)
    elif kind in ("application/json", ""):
        data, uploads, refused = _json(await request.body()), [], []
    else:
        return problem(
            415, "unsupported_media_type", "send application/json or multipart/form-data"
        )
    if isinstance(data, Response):
        return data
    described = {p for p, _ in refused} | {p for p, _ in uploads}
    files = file_values(data)
    for pointer, _ in files:
        if pointer not in described:
            refused.append(
                (
                    pointer,
                    Refused("file_not_uploaded", f"upload the file as a part named {pointer}"),
                )
            )
    fingerprint = _request_hash(data, lang, files)
    result = entry.form.validate(data, lang=lang)
    errors = [e.to_json() for e in result.errors]
    for pointer, why in refused:
        errors.insert(
            0, {"path": pointer, "code": why.code, "message": why.message, "severity": "error"}
        )
    if refused or not result.ok:
        return JSONResponse({"ok": False, "errors": errors}, status_code=422)
    still_there = {p for p, _ in file_values(result.data)}  # a hidden part's file is dropped
    kept = [(p, u) for p, u in uploads if p in still_there]
    new = entry.new_submission(
        lang,
        result.data,
        files=tuple((p, u.ref) for p, u in kept),
        uploads=tuple(u for _, u in kept),
        idempotency_key=key,
        request_hash=fingerprint,
    )
    try:
        stored, created = await service.storage.store(new)
    except IdempotencyConflict:
        return problem(
            409, "idempotency_key_reused", "this Idempotency-Key was used for another request"
        )
    if created:
        log_event("submission_stored", form=entry.id, submission=stored.id, route="api")
    receipt = service.signer.receipt_token(stored.id)
    body = {
        "id": stored.id,
        "form": stored.form_id,
        "version": stored.form_version,
        "received_at": stored.received_at,
        "receipt": f"/receipts/{receipt}.pdf",
        "receipt_page": f"/receipts/{receipt}",
        "warnings": [e for e in errors if e["severity"] == "warning"],
    }
    headers = {"location": f"/api/submissions/{stored.id}"}
    if not created:
        headers["idempotent-replayed"] = "true"
    return JSONResponse(body, status_code=201, headers=headers)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except (ValueError, RecursionError):
        return problem(400, "invalid_json", "the body is not JSON")


async def _multipart(request: Request, service: Service, entry: Any, lang: str) -> Any:
    try:
        posted = await request.form(max_files=50, max_fields=10)
    except (ValueError, KeyError, AssertionError):
        return problem(400, "invalid_multipart", "the multipart body could not be read"), [], []
    raw = posted.get("submission")
    if not isinstance(raw, str):
        return problem(400, "no_submission", "a part named 'submission' holds the JSON"), [], []
    data = _json(raw.encode("utf-8"))
    if isinstance(data, Response) or not isinstance(data, dict):
        return data, [], []
    uploads, refused = [], []
    for name, value in posted.multi_items():
        if not isinstance(value, UploadFile) or not name.startswith("/"):
            continue
        content = await value.read(service.config.max_upload + 1)
        dotted = name.strip("/").replace("/", ".")
        try:
            upload = check_upload(
                field_for(entry.form.ir, dotted),
                value.filename or "datei",
                content,
                lang,
                service.config.max_upload,
                service.config.default_accept,
            )
        except Refused as why:
            refused.append((name, why))
            continue
        if not _put(data, name, upload.describe()):
            refused.append(
                (name, Refused("file_place", f"{name} is not a place in the submission"))
            )
            continue
        uploads.append((name, upload))
    return data, uploads, refused


def _put(data: dict[str, Any], pointer: str, value: Any) -> bool:
    steps = pointer.strip("/").split("/")
    here: Any = data
    for step in steps[:-1]:
        if isinstance(here, list) and step.isdigit() and int(step) < len(here):
            here = here[int(step)]
        elif isinstance(here, dict):
            here = here.setdefault(step, {})
        else:
            return False
    if not isinstance(here, dict):
        return False
    here[steps[-1]] = value
    return True


def _request_hash(data: Any, lang: str, files: list[tuple[str, dict[str, Any]]]) -> str:
    """What a repeated request with the same Idempotency-Key must match: the language and
    the data, without the `ref`s that a new upload of the same files gets (`files` are the
    data's file descriptions, so most submissions are hashed without a copy)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "ref"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    plain = strip(data) if any("ref" in f for _, f in files) else data
    text = json.dumps([lang, plain], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- the back office ------------------------------------------------------------------------


def _authorize(request: Request) -> Service:
    service = service_of(request)
    if not token_matches(bearer(request.headers), service.config.api_tokens):
        raise HTTPException(401, "a valid bearer token is needed", {"www-authenticate": "Bearer"})
    return service


def _since(request: Request) -> str | None:
    value = request.query_params.get("since")
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HTTPException(
            400, "since: an ISO 8601 date or time, e.g. 2026-11-21T08:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BERLIN)  # a plain date or time is meant in Saxony
    return stamp(moment)


def _int(request: Request, name: str, default: int, top: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    if not value.isdigit() or int(value) > top:
        raise HTTPException(400, f"{name}: a whole number from 0 to {top}")
    return int(value)


def _summary(service: Service, stored: Submission) -> dict[str, Any]:
    base = f"/api/submissions/{stored.id}"
    return {
        "id": stored.id,
        "form": stored.form_id,
        "version": stored.form_version,
        "lang": stored.lang,
        "received_at": stored.received_at,
        "links": {"self": base, "pdf": f"{base}/pdf", "archive": f"{base}/archive.pdf"},
    }


async def submissions(request: Request) -> Response:
    service = _authorize(request)
    form_id = request.query_params.get("form")
    since = _since(request)
    after = _int(request, "after", 0, 2**62)
    limit = _int(request, "limit", PAGE, 1000) or PAGE
    found = await run_in_threadpool(service.storage.list_submissions, form_id, since, after, limit)
    body: dict[str, Any] = {"items": [_summary(service, s) for s in found], "next": None}
    if len(found) == limit:
        query = [("after", str(found[-1].seq)), ("limit", str(limit))]
        query += [(k, v) for k, v in request.query_params.items() if k in ("form", "since")]
        body["next"] = "/api/submissions?" + "&".join(f"{k}={quote(v)}" for k, v in query)
    return JSONResponse(body)


async def _stored(request: Request, service: Service) -> Submission:
    ident = request.path_params["ident"]
    stored = (
        await run_in_threadpool(service.storage.get_submission, ident)
        if _ID.fullmatch(ident)
        else None
    )
    if stored is None:
        raise HTTPException(404, "no such submission")
    return stored


async def submission(request: Request) -> Response:
    service = _authorize(request)
    stored = await _stored(request, service)
    body = {**_summary(service, stored), **stored.to_json()}
    body["files"] = [
        {**f, "link": f"/api/submissions/{stored.id}/files/{f['ref']}"} for f in stored.files
    ]
    return JSONResponse(body)


async def submission_file(request: Request) -> Response:
    service = _authorize(request)
    stored = await _stored(request, service)
    ref = request.path_params.get("ref")
    if ref is None:
        archive = request.url.path.endswith("/archive.pdf")
        pdf = await run_in_threadpool(submission_pdf, service, stored, archive)
        name = f"{stored.id}{'-archiv' if archive else ''}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )
    if not any(f["ref"] == ref for f in stored.files):
        raise HTTPException(404, "no such file in this submission")
    upload = await run_in_threadpool(service.storage.get_upload, ref, True)
    if upload is None:
        raise HTTPException(404, "no such file")
    disposition = (
        f"attachment; filename=\"{stored.id}-file\"; filename*=UTF-8''{quote(upload.name)}"
    )
    return Response(
        upload.content,
        media_type=upload.media_type,
        headers={
            "content-disposition": disposition,
            "content-security-policy": "sandbox; default-src 'none'",
        },
    )


async def export(request: Request) -> Response:
    service = _authorize(request)
    form_id = request.query_params.get("form")
    since = _since(request)

    async def lines() -> AsyncIterator[bytes]:
        after = 0
        while True:
            batch = await run_in_threadpool(
                service.storage.list_submissions, form_id, since, after, 500
            )
            for stored in batch:
                line = stored.to_json()
                line["files"] = [{**v, "pointer": p} for p, v in file_values(stored.data)]
                yield (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
            if len(batch) < 500:
                return
            after = batch[-1].seq

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"content-disposition": 'attachment; filename="submissions.jsonl"'},
    )
