"""The service's guards: headers, body limit, CSRF, bearer tokens, signed links (service stage).

- Every response carries a strict Content-Security-Policy (scripts and styles
  from the service itself only, no inline script), `nosniff`, no referrer,
  no framing; pages with answers on them are not cached.
- A request body larger than the limit is refused with 413 before it is read
  to the end, whatever its Content-Length claimed.
- Browser posts carry a CSRF token: the HMAC of a random cookie, so a page of
  another site can neither read nor make it.
- Back-office tokens and signatures are compared in constant time (on their
  SHA-256, so not even the length leaks).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
CSRF_COOKIE = "fl_csrf"


class SecurityHeaders:
    """Adds the security headers to every response, and `no-store` unless one says otherwise."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [h for h in HEADERS if h[0] not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413 (counting what arrives)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await too_large(scope, send)
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge:
            if not started:
                await too_large(scope, send)


async def too_large(scope: Scope, send: Send) -> None:
    await refuse(
        scope,
        send,
        413,
        "request_too_large",
        "Die Anfrage ist zu groß.",
        "The request is too large.",
    )


async def refuse(
    scope: Scope,
    send: Send,
    status: int,
    code: str,
    german: str,
    english: str,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """Answers before the application does: JSON for the API, plain text in both languages
    for a browser (the form's language is not known yet)."""
    api = scope.get("path", "").startswith("/api/")
    body = (
        json.dumps({"error": code, "message": english}) if api else f"{german} / {english}"
    ).encode()
    kind = b"application/json" if api else b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *headers,
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Signer:
    """HMACs with the service's secret: CSRF tokens and receipt links."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(secret.encode("utf-8")).digest()

    def sign(self, purpose: str, value: str) -> str:
        mac = hmac.new(self._key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    def verify(self, purpose: str, value: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(purpose, value), signature)

    def receipt_token(self, submission_id: str) -> str:
        return f"{submission_id}.{self.sign('receipt', submission_id)}"

    def receipt_id(self, token: str) -> str | None:
        """The submission a receipt token is for, if its signature holds."""
        ident, _, signature = token.rpartition(".")
        if not ident or not self.verify("receipt", ident, signature):
            return None
        return ident


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)


def token_matches(given: str | None, tokens: Iterable[str]) -> bool:
    """Whether `given` is one of `tokens`, in time independent of where they differ."""
    if not given:
        return False
    digest = hashlib.sha256(given.encode("utf-8")).digest()
    found = False
    for token in tokens:
        found |= hmac.compare_digest(digest, hashlib.sha256(token.encode("utf-8")).digest())
    return found


def bearer(headers: Any) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
