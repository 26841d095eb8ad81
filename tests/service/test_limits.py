"""`--rate-limit`: posts a minute per client address, 429 with Retry-After beyond them."""

from __future__ import annotations

from pathlib import Path

import pytest
from service_env import TOKEN

from formlang.service import Config, create_app
from formlang.service.limits import RateLimit
from formlang.service.storage import open_storage

FORM = """form fundsache version "1.0.0" {
  title "Fundsache melden"
  field gegenstand: text "Was haben Sie gefunden?"
}
"""


def _config(tmp_path: Path, **settings: object) -> Config:
    library = tmp_path / "lib"
    (library / "forms").mkdir(parents=True)
    (library / "forms" / "fundsache.form").write_text(FORM, encoding="utf-8")
    return Config(library=library, db=f"sqlite:///{tmp_path / 'db.sqlite'}", **settings)  # type: ignore[arg-type]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_per_address_refills_with_time() -> None:
    clock = Clock()
    limit = RateLimit(lambda *a: None, per_minute=3, clock=clock)  # type: ignore[arg-type]
    assert [limit.wait("198.51.100.7") for _ in range(3)] == [0, 0, 0]  # a burst of three
    assert limit.wait("198.51.100.7") == pytest.approx(20.0)  # one every 20 s after that
    assert limit.wait("203.0.113.9") == 0  # another address has its own
    clock.now += 20
    assert limit.wait("198.51.100.7") == 0
    assert limit.wait("198.51.100.7") > 0
    clock.now += 600  # a long pause fills the bucket again, but never over its size
    assert [limit.wait("198.51.100.7") for _ in range(4)][3] > 0


def test_beyond_the_limit_a_post_gets_429_and_nothing_is_stored(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    config = _config(tmp_path, api_tokens=(TOKEN,), rate_limit=2)
    with TestClient(create_app(config), client=("198.51.100.7", 40000)) as client:
        sent = [
            client.post("/api/forms/fundsache/submissions", json={"gegenstand": f"Ring {n}"})
            for n in range(3)
        ]
        page = client.get("/forms/fundsache")  # reading is never limited
        posted = client.post("/forms/fundsache", data={"gegenstand": "Schirm"})
    assert [a.status_code for a in sent] == [201, 201, 429]
    refused = sent[2]
    assert refused.json()["error"] == "too_many_requests"
    assert int(refused.headers["retry-after"]) == 30  # two a minute: one every 30 s
    assert "30 seconds" in refused.json()["message"]
    assert page.status_code == 200
    assert posted.status_code == 429 and posted.headers["content-type"].startswith("text/plain")
    assert "Zu viele Anfragen" in posted.text and "Too many requests" in posted.text
    storage = open_storage(config.db)
    try:
        assert storage.count_submissions() == 2
    finally:
        storage.close()


def test_without_the_option_nothing_is_limited(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    config = _config(tmp_path)
    with TestClient(create_app(config)) as client:
        answers = [
            client.post("/api/forms/fundsache/submissions", json={"gegenstand": "Ring"})
            for _ in range(30)
        ]
    assert {a.status_code for a in answers} == {201}
