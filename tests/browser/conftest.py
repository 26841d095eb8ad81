"""Browser fixtures: Debian's Chromium driven by Playwright, pages served by a local server.

The server renders library forms with `Form.render_html` and answers posts with
`formlang.html_flow.respond`, as the form service does. Tools that pip does not
bring (Chromium, the npm packages axe-core and vnu-jar, Java) are installed by
`.ci/run`; without them these tests skip locally with the reason, and fail when
the environment variable CI is set.
"""

from __future__ import annotations

import hashlib
import threading
import urllib.parse
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from browser_env import AXE, FORMS, launch_chromium, need

from formlang.html_flow import respond
from formlang.html_render import static_dir


class Received:
    """What the server stored: the effective data of each submission that was sent."""

    def __init__(self) -> None:
        self.items: list[tuple[str, dict[str, Any]]] = []


def _handler(received: Received) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: str | bytes, kind: str = "text/html") -> None:
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'",
            )
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> tuple[Any, str] | None:
            url = urllib.parse.urlsplit(self.path)
            form = FORMS.get(url.path.strip("/").split("/")[0])
            query = urllib.parse.parse_qs(url.query)
            if form is None:
                self._send(404, "not found", "text/plain")
                return None
            return form, query.get("lang", [form.ir.default_language])[0]

        def do_GET(self) -> None:
            if self.path.startswith("/static/"):
                name = self.path.removeprefix("/static/")
                file = static_dir() / name
                if name in ("formlang.js", "formlang.css") and file.is_file():
                    kind = "text/javascript" if name.endswith(".js") else "text/css"
                    self._send(200, file.read_bytes(), kind)
                else:
                    self._send(404, "not found", "text/plain")
                return
            found = self._form()
            if found is not None:
                form, lang = found
                self._send(200, form.render_html(lang, action=self.path, assets="/static/"))

        def do_POST(self) -> None:
            found = self._form()
            if found is None:
                return
            form, lang = found
            length = int(self.headers.get("Content-Length", "0"))
            pairs = _pairs(self.headers.get("Content-Type", ""), self.rfile.read(length))
            step = respond(form, pairs, lang, action=self.path, assets="/static/")
            if step.kind == "done":
                received.items.append((form.id, step.data))
                self._send(
                    200,
                    f'<!DOCTYPE html><html lang="{lang}"><title>OK</title><p id="done">OK</p></html>',
                )
            else:
                self._send(200, step.html)

    return Handler


def _pairs(content_type: str, body: bytes) -> list[tuple[str, Any]]:
    """A posted form's name/value pairs; an uploaded file as the service describes it."""
    if not content_type.startswith("multipart/form-data"):
        return urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    pairs: list[tuple[str, Any]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            pairs.append((str(name), payload.decode("utf-8")))
        elif filename:
            upload = {
                "name": filename,
                "media_type": part.get_content_type(),
                "size": len(payload),
                "sha256": hashlib.sha256(payload).hexdigest(),
            }
            pairs.append((str(name), upload))
    return pairs


@pytest.fixture(scope="session")
def received() -> Received:
    return Received()


@pytest.fixture(scope="session")
def server(received: Received) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(received))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not problems, f"the page reported errors: {problems}"


@pytest.fixture()
def nojs_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    need(AXE.is_file(), f"axe-core is not installed ({AXE}); run npm install")
    return AXE.read_text(encoding="utf-8")
