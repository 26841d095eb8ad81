"""The JSON API for portals and the back office, over HTTP against a served library."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from typing import Any

import pypdf
import pytest
from answers import PDF, answers
from service_env import TOKEN, Served


def _valid(form_id: str) -> dict[str, Any]:
    return answers(form_id, dt.date.today())


def test_a_valid_submission_is_stored_and_answered_with_201(served: Served) -> None:
    with served.client() as client:
        sent = client.post("/api/forms/hundesteuer/submissions", json=_valid("hundesteuer"))
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert sent.headers["location"] == f"/api/submissions/{body['id']}"
    assert body["form"] == "hundesteuer" and body["receipt"].endswith(".pdf")
    stored = served.service.storage.get_submission(body["id"])
    form = served.service.library.get("hundesteuer").form
    assert stored.data == form.validate(_valid("hundesteuer")).data
    with served.client() as citizen:
        receipt = citizen.get(body["receipt"])
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "data",
    [{}, {"halter": "Muster"}, {"hunde": [{"name": 5}]}, [], "text", None, {"x": {"y": [1, 2]}}],
)
def test_an_invalid_submission_gets_422_with_the_errors_of_validate(
    served: Served, data: Any
) -> None:
    form = served.service.library.get("hundesteuer").form
    before = served.service.storage.count_submissions()
    with served.client() as client:
        sent = client.post("/api/forms/hundesteuer/submissions?lang=en", json=data)
    assert sent.status_code == 422
    expected = [e.to_json() for e in form.validate(data, lang="en").errors]
    assert sent.json() == {"ok": False, "errors": expected}
    assert served.service.storage.count_submissions() == before


def test_an_idempotency_key_stores_a_retry_once(served: Served) -> None:
    key = str(uuid.uuid4())
    data = _valid("kitaplatz")
    with served.client(headers={"idempotency-key": key}) as client:
        first = client.post("/api/forms/kitaplatz/submissions", json=data)
        again = client.post("/api/forms/kitaplatz/submissions", json=data)
        other = client.post("/api/forms/kitaplatz/submissions", json={**data, "geschwister": 2})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 409 and other.json()["error"] == "idempotency_key_reused"
    found = [
        s for s in served.service.storage.list_submissions(limit=1000) if s.idempotency_key == key
    ]
    assert len(found) == 1


def test_files_come_as_parts_and_are_sniffed(served: Served) -> None:
    data = _valid("bewohnerparken")
    data.pop("fahrzeugschein")
    with served.client() as client:
        missing = client.post(
            "/api/forms/bewohnerparken/submissions", json=_valid("bewohnerparken")
        )
        assert missing.status_code == 422
        assert missing.json()["errors"][0]["code"] == "file_not_uploaded"
        renamed = client.post(
            "/api/forms/bewohnerparken/submissions",
            data={"submission": json.dumps(data)},
            files={
                "/fahrzeugschein": (
                    "schein.pdf",
                    b"\x7fELF\x02\x01\x01" + b"\0" * 100,
                    "application/pdf",
                )
            },
        )
        assert renamed.status_code == 422 and renamed.json()["errors"][0]["code"] == "file_type"
        sent = client.post(
            "/api/forms/bewohnerparken/submissions",
            data={"submission": json.dumps(data)},
            files={"/fahrzeugschein": ("schein.pdf", PDF, "text/plain")},
        )
    assert sent.status_code == 201, sent.text
    stored = served.service.storage.get_submission(sent.json()["id"])
    described = stored.data["fahrzeugschein"]
    assert described["media_type"] == "application/pdf" and described["size"] == len(PDF)
    with served.office() as office:
        listed = office.get(f"/api/submissions/{stored.id}").json()
        link = listed["files"][0]["link"]
        file = office.get(link)
    assert file.status_code == 200 and file.content == PDF
    assert file.headers["content-disposition"].startswith("attachment")
    assert file.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "auth", [None, "Bearer wrong", f"Basic {TOKEN}", "Bearer", f"Bearer {TOKEN}x"]
)
@pytest.mark.parametrize(
    "path", ["/api/submissions", "/api/export", "/api/submissions/AAAA-BBBB-CCCC"]
)
def test_the_back_office_refuses_missing_or_wrong_tokens(
    served: Served, auth: str | None, path: str
) -> None:
    headers = {"authorization": auth} if auth else {}
    with served.client(headers=headers) as client:
        answer = client.get(path)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["error"] == "unauthorized"


def test_the_back_office_lists_shows_and_exports(served: Served) -> None:
    with served.client() as client:
        ids = [
            client.post(f"/api/forms/{f}/submissions", json=_valid(f)).json()["id"]
            for f in ("gewerbeanmeldung", "gewerbeabmeldung", "gewerbeanmeldung")
        ]
    first = served.service.storage.get_submission(ids[0])
    with served.office() as office:
        page = office.get(
            "/api/submissions", params={"form": "gewerbeanmeldung", "since": first.received_at}
        )
        assert [i["id"] for i in page.json()["items"]] == [ids[0], ids[2]]
        paged = office.get(
            "/api/submissions", params={"limit": 1, "since": first.received_at}
        ).json()
        assert [i["id"] for i in paged["items"]] == [ids[0]] and paged["next"]
        rest = office.get(paged["next"]).json()
        assert [i["id"] for i in rest["items"]] == [ids[1]]
        one = office.get(f"/api/submissions/{ids[1]}").json()
        assert one["data"] == served.service.storage.get_submission(ids[1]).data
        export = office.get("/api/export", params={"since": first.received_at})
        assert export.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in export.text.splitlines()]
        assert [line["id"] for line in lines] == ids
        assert office.get("/api/submissions", params={"since": "gestern"}).status_code == 400
        assert office.get("/api/submissions/ZZZZ-ZZZZ-ZZZZ").status_code == 404
        assert office.get("/api/submissions/../../etc").status_code == 404


def test_the_back_office_gets_the_pdf_and_the_archive(served: Served) -> None:
    with served.client() as client:
        ident = client.post(
            "/api/forms/gewerbeabmeldung/submissions", json=_valid("gewerbeabmeldung")
        ).json()["id"]
    with served.office() as office:
        pdf = office.get(f"/api/submissions/{ident}/pdf")
        archive = office.get(f"/api/submissions/{ident}/archive.pdf")
    assert pdf.status_code == archive.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(archive.content))
    embedded = reader.attachments
    assert "gewerbeabmeldung.submission.json" in embedded
    stored = served.service.storage.get_submission(ident)
    assert json.loads(embedded["gewerbeabmeldung.submission.json"][0]) == stored.data
    assert ident in "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    )


def test_portal_resources(served: Served) -> None:
    with served.client() as client:
        schema = client.get("/forms/kitaplatz/schema.json")
        assert schema.json() == served.service.library.get("kitaplatz").form.schema()
        embed = client.get("/forms/kitaplatz/embed?lang=en")
        assert embed.text.startswith('<div class="fl-embed" lang="en">')
        blank = client.get("/forms/kitaplatz/blank.pdf")
        assert blank.content.startswith(b"%PDF")
        forms = client.get("/api/forms").json()["forms"]
        assert {f["id"] for f in forms} == set(served.service.library.forms)
        health = client.get("/healthz").json()
        assert health["status"] == "ok" and health["forms"] == len(forms)


@pytest.mark.parametrize(
    "path",
    [
        "/forms/nope",
        "/forms/../pyproject.toml",
        "/forms/%2e%2e%2fpyproject.toml",
        "/static/../../pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "/static/formlang.form",
        "/forms/hundesteuer/../../etc/passwd",
        "/receipts/AAAA-BBBB-CCCC.0123456789abcdef0123456789abcdef",
        "/receipts/nothing.pdf",
        "/api/forms/nope/submissions",
    ],
)
def test_unknown_things_and_path_tricks_answer_404(served: Served, path: str) -> None:
    with served.client() as client:
        answer = client.request("POST" if path.startswith("/api/forms") else "GET", path, json={})
    assert answer.status_code == 404
    assert "Traceback" not in answer.text


def test_every_answer_carries_the_security_headers(served: Served) -> None:
    with served.client() as client:
        for path in ("/", "/forms/hundesteuer", "/api/forms", "/nope"):
            headers = client.get(path).headers
            assert "script-src 'self'" in headers["content-security-policy"]
            assert "unsafe-inline" not in headers["content-security-policy"]
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
        page = client.get("/forms/hundesteuer").text
    assert "<script>" not in page and '<script defer src="/static/formlang.js">' in page


def test_a_body_over_the_limit_is_refused_with_413(served: Served) -> None:
    big = b"x" * (served.service.config.max_body + 1)
    with served.client() as client:
        declared = client.post(
            "/api/forms/hundesteuer/submissions",
            content=big,
            headers={"content-type": "application/json"},
        )

        def chunks() -> Any:
            for _ in range(big.__len__() // 65536 + 1):
                yield b"x" * 65536

        streamed = client.post(
            "/api/forms/hundesteuer/submissions",
            content=chunks(),
            headers={"content-type": "application/json"},
        )
    assert declared.status_code == streamed.status_code == 413


def test_a_failure_inside_answers_500_without_a_trace(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("secret internals /work/main")

    monkeypatch.setattr(served.service.storage, "insert_submission", broken)
    with served.client() as client:
        answer = client.post("/api/forms/hundesteuer/submissions", json=_valid("hundesteuer"))
    assert answer.status_code == 500
    assert set(answer.json()) == {"error", "message", "incident"}
    assert "secret" not in answer.text and "Traceback" not in answer.text


def test_bad_bodies_get_clear_errors(served: Served) -> None:
    with served.client() as client:
        broken = client.post(
            "/api/forms/hundesteuer/submissions",
            content=b"{nope",
            headers={"content-type": "application/json"},
        )
        kind = client.post(
            "/api/forms/hundesteuer/submissions",
            content=b"a=b",
            headers={"content-type": "text/plain"},
        )
        key = client.post(
            "/api/forms/hundesteuer/submissions", json={}, headers={"idempotency-key": "a b"}
        )
    assert broken.status_code == 400 and broken.json()["error"] == "invalid_json"
    assert kind.status_code == 415
    assert key.status_code == 400
