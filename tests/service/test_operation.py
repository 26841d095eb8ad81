"""Running the service: `formlang serve` and its errors, reloading the library, logs, health."""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from service_env import LIBRARY, TOKEN, free_port

from formlang.cli import main
from formlang.service import Config, create_app
from formlang.service.logs import JsonFormatter

FORM = """form fundsache version "1.0.0" {
  title "Fundsache melden"
  field gegenstand: text "Was haben Sie gefunden?"
}
"""


def _library(tmp_path: Path) -> Path:
    library = tmp_path / "lib"
    (library / "forms").mkdir(parents=True)
    (library / "forms" / "fundsache.form").write_text(FORM, encoding="utf-8")
    return library


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "/no/such/folder"], "no library folder"),
        (["serve", str(LIBRARY), "--db", "mysql://x"], "unknown database URL"),
        (["serve", str(LIBRARY), "--db", "sqlite:////proc/forbidden/x.db"], "database"),
        (["serve", str(LIBRARY), "--port", "70000"], "70000"),
    ],
)
def test_serve_refuses_what_it_cannot_use_with_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_broken_form_is_left_out_and_the_others_are_served(tmp_path: Path) -> None:
    library = _library(tmp_path)
    (library / "forms" / "kaputt.form").write_text(
        'form kaputt version "1.0.0" {\n  field', "utf-8"
    )
    app = create_app(Config(library=library, db=f"sqlite:///{tmp_path / 'db.sqlite'}"))
    service = app.state.service
    assert list(service.library.forms) == ["fundsache"]
    assert any("kaputt.form" in f for f in service.library.problems)


def test_the_library_is_read_again_and_changes_are_noticed(tmp_path: Path) -> None:
    library = _library(tmp_path)
    app = create_app(Config(library=library, db=f"sqlite:///{tmp_path / 'db.sqlite'}"))
    service = app.state.service
    assert not service.library.changed()
    time.sleep(0.01)
    second = FORM.replace("fundsache", "verlust").replace("Fundsache melden", "Verlust melden")
    (library / "forms" / "verlust.form").write_text(second, encoding="utf-8")
    assert service.library.changed()
    assert service.reload()
    assert sorted(service.library.forms) == ["fundsache", "verlust"]


def test_sighup_reloads_a_running_server(spawn_server: object, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = spawn_server(f"sqlite:///{tmp_path / 'db.sqlite'}", port)  # type: ignore[operator]
    assert httpx.get(f"{url}/api/forms").json()["forms"]
    # a HUP re-reads the library, and the server keeps serving
    os.kill(server.pid, signal.SIGHUP)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        log = (tmp_path / "server-0.log").read_text(encoding="utf-8")
        if '"library_loaded"' in log:
            break
        time.sleep(0.1)
    assert '"library_loaded"' in log
    assert httpx.get(f"{url}/healthz").json()["status"] == "ok"


def test_logs_name_events_but_no_answers_or_tokens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from starlette.testclient import TestClient

    library = _library(tmp_path)
    config = Config(
        library=library,
        db=f"sqlite:///{tmp_path / 'db.sqlite'}",
        api_tokens=(TOKEN,),
        access_log=True,
    )
    logger = logging.getLogger("formlang.service")
    logger.addHandler(caplog.handler)
    caplog.handler.setFormatter(JsonFormatter())
    try:
        with (
            caplog.at_level(logging.INFO, logger="formlang.service"),
            TestClient(create_app(config)) as client,
        ):
            sent = client.post(
                "/api/forms/fundsache/submissions", json={"gegenstand": "Goldring Erika Muster"}
            )
            ident = sent.json()["id"]
            client.get(sent.json()["receipt_page"])
            client.get("/api/submissions", headers={"authorization": f"Bearer {TOKEN}"})
    finally:
        logger.removeHandler(caplog.handler)
    lines = [json.loads(caplog.handler.format(r)) for r in caplog.records]
    text = json.dumps(lines, ensure_ascii=False)
    stored = [x for x in lines if x.get("event") == "submission_stored"]
    assert stored and stored[0]["submission"] == ident and stored[0]["form"] == "fundsache"
    routes = {x.get("route") for x in lines if x.get("event") == "request"}
    assert "/receipts/{token}" in routes and "/api/submissions" in routes
    assert "Muster" not in text and "Goldring" not in text and TOKEN not in text
    assert sent.json()["receipt_page"].split("/")[-1] not in text  # the receipt token


def test_a_form_without_pages_is_one_page_then_check_then_send(tmp_path: Path) -> None:
    import re

    from starlette.testclient import TestClient

    config = Config(library=_library(tmp_path), db=f"sqlite:///{tmp_path / 'db.sqlite'}")
    with TestClient(create_app(config)) as client:
        page = client.get("/forms/fundsache")
        assert "Schritt" not in page.text  # one page: no progress
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        body = {"_csrf": csrf, "_page": "", "_action": "check", "gegenstand": "Schirm"}
        checked = client.post("/forms/fundsache", data=body, follow_redirects=False)
        assert checked.status_code == 303 and checked.headers["location"].startswith(
            "/forms/fundsache/check"
        )
        summary = client.get(checked.headers["location"])
        assert "Schirm" in summary.text
        csrf = re.search(r'name="_csrf" value="([^"]+)"', summary.text).group(1)  # type: ignore[union-attr]
        sent = client.post(
            "/forms/fundsache",
            data={"_csrf": csrf, "_page": "_check", "_action": "send"},
            follow_redirects=False,
        )
        assert sent.headers["location"].startswith("/receipts/")
        assert "fl-receipt-number" in client.get(sent.headers["location"]).text


def test_the_service_runs_on_postgresql(tmp_path: Path, fresh_postgres: str) -> None:
    from starlette.testclient import TestClient

    config = Config(library=_library(tmp_path), db=fresh_postgres, api_tokens=(TOKEN,))
    office = {"authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(config)) as client:
        assert client.get("/healthz").json()["database"] == "ok"
        key = {"idempotency-key": "pg-1"}
        sent = client.post(
            "/api/forms/fundsache/submissions", json={"gegenstand": "Ring"}, headers=key
        )
        again = client.post(
            "/api/forms/fundsache/submissions", json={"gegenstand": "Ring"}, headers=key
        )
        assert sent.status_code == again.status_code == 201
        assert sent.json()["id"] == again.json()["id"]
        listed = client.get("/api/submissions", headers=office).json()["items"]
        assert [i["id"] for i in listed] == [sent.json()["id"]]
        one = client.get(f"/api/submissions/{sent.json()['id']}", headers=office).json()
        assert one["data"] == {"gegenstand": "Ring"}
