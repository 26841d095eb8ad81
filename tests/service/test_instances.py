"""Two instances on one PostgreSQL database, as a state runs the service behind a load balancer.

Each instance is a `formlang serve` process of its own on the same database.
Checked: submissions spread over both are each stored exactly once, also a double
click whose two requests reach different instances; a receipt link and a draft's
resume link made by one instance open on the other (the signing secret lives in
the database); and when one instance is killed mid-load, the other goes on and
nothing acknowledged by either is lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any

import httpx
import pytest
from answers import answers
from flow_client import csrf_of, page_pairs, post_page
from load_client import Outcome, load
from service_env import LIBRARY, free_port, kill_group

from formlang.service.library import Library
from formlang.service.storage import open_storage

pytestmark = pytest.mark.slow
TOTAL = 2000


def _stored(db: str) -> tuple[set[str], int, list[str]]:
    storage = open_storage(db)
    try:
        return storage.idempotency_keys(), storage.count_submissions(), storage.integrity_check()
    finally:
        storage.close()


def test_two_instances_share_one_postgresql(spawn_server: Any, fresh_postgres: str) -> None:
    ports = [free_port(), free_port()]
    servers = [spawn_server(fresh_postgres, port) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]

    first = Outcome()
    asyncio.run(load(urls, "a", TOTAL, first))
    assert not first.unknown, f"{len(first.unknown)} requests failed without an answer"
    assert len(first.acked) + len(first.refused) == TOTAL
    keys, count, problems = _stored(fresh_postgres)
    assert keys == first.acked  # each acknowledged one exactly once, none refused
    assert count == len(first.acked) and problems == []

    # a receipt made by one instance opens on the other
    key = sorted(first.acked)[0]
    with httpx.Client(base_url=urls[1], timeout=60) as other:
        receipt = other.get(first.receipts[key])
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF-")

    # a draft saved on one instance is resumed on the other
    entry = Library.load(LIBRARY).get("hundesteuer")
    assert entry is not None
    data = answers("hundesteuer", dt.date.today())
    page = entry.page_names()[0]
    with httpx.Client(base_url=urls[0], timeout=60) as one:
        shown = one.get("/forms/hundesteuer")
        fields, files = page_pairs(entry, data, page, "de")
        saved = post_page(one, entry, page, fields, files, csrf_of(shown.text), action="save")
    assert saved.status_code == 200
    link = re.search(r'<a href="[^"]*(/resume/[^"]+)">', saved.text)
    assert link, "no resume link"
    with httpx.Client(base_url=urls[1], timeout=60) as other:
        resumed = other.get(link.group(1), follow_redirects=True)
    assert resumed.status_code == 200
    name, values = next(iter(fields.items()))
    assert f'value="{values[0]}"' in resumed.text, f"{name} is not shown again"

    # one instance dies mid-load; the other goes on
    second = Outcome()

    async def cut() -> None:
        task = asyncio.create_task(load(urls, "b", TOTAL, second))
        while len(second.acked) < 300 and not task.done():
            await asyncio.sleep(0.01)
        kill_group(servers[0])
        await task

    asyncio.run(cut())
    assert len(second.acked) > 300
    keys, _, problems = _stored(fresh_postgres)
    assert second.acked <= keys, f"{len(second.acked - keys)} acknowledged submissions lost"
    assert not (second.refused & keys) and problems == []
    # the instance left takes submissions as before
    with httpx.Client(base_url=urls[1], timeout=60) as other:
        assert other.get("/healthz").json()["status"] == "ok"
        after = other.post("/api/forms/hundesteuer/submissions", json=data)
    assert after.status_code == 201
    keys, count, _ = _stored(fresh_postgres)
    assert count == len(keys) + 1  # the last one came without a key
