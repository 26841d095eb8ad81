"""Load on loopback: 5,000 JSON submissions from 50 concurrent clients, then a SIGKILL mid-load.

Bounded in count and time. Every submission carries its own idempotency key;
one in ten is invalid (422) and one in twenty is sent twice at once. Checked
afterwards in the database: every acknowledged (201) submission is stored
exactly once, none that was refused is. Then a second load is cut by SIGKILL
to the server's process group; after a restart on the same database every
acknowledged submission is still there and SQLite's integrity check passes.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from answers import answers
from service_env import free_port, kill_group

from formlang.service.storage import open_storage

pytestmark = pytest.mark.slow
TOTAL = 5000
CLIENTS = 50
TIME_LIMIT_S = 300


@dataclass
class Outcome:
    acked: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    ids: dict[str, str] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)


def _submission(index: int, base: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    data = copy.deepcopy(base)
    data["hunde"][0]["name"] = f"Hund {index}"
    if index % 10 == 3:
        del data["halter"]  # invalid: 422
        return data, False
    return data, True


async def _load(url: str, prefix: str, count: int, outcome: Outcome, stop_after: int = 0) -> None:
    base = answers("hundesteuer", dt.date.today())
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)

    async def send(client: httpx.AsyncClient, key: str, data: dict[str, Any]) -> None:
        try:
            answer = await client.post(
                "/api/forms/hundesteuer/submissions", json=data, headers={"idempotency-key": key}
            )
        except httpx.HTTPError:
            outcome.unknown.add(key)
            return
        if answer.status_code == 201:
            outcome.acked.add(key)
            previous = outcome.ids.setdefault(key, answer.json()["id"])
            assert previous == answer.json()["id"], "one key, two submissions"
        elif answer.status_code == 422:
            outcome.refused.add(key)
        else:
            outcome.unknown.add(key)

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            if stop_after and len(outcome.acked) >= stop_after:
                return
            index = queue.get_nowait()
            key = f"{prefix}-{index}"
            data, _ = _submission(index, base)
            if index % 20 == 7:  # a double click: the same request twice at once
                await asyncio.gather(send(client, key, data), send(client, key, data))
            else:
                await send(client, key, data)

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(CLIENTS)))


def test_load_then_sigkill_loses_nothing_acknowledged(spawn_server: Any, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'load.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = spawn_server(db, port, "--workers", "2")
    started = time.monotonic()
    first = Outcome()
    asyncio.run(_load(url, "a", TOTAL, first))
    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT_S
    assert not first.unknown, f"{len(first.unknown)} requests failed without an answer"
    assert len(first.acked) + len(first.refused) == TOTAL
    assert len(first.refused) == TOTAL // 10
    storage = open_storage(db)
    stored = storage.idempotency_keys()
    assert stored == first.acked  # each acknowledged one, exactly once, and nothing refused
    assert storage.count_submissions() == len(first.acked)
    storage.close()

    # a second load, cut by SIGKILL once 1,000 more are acknowledged
    second = Outcome()

    async def cut() -> None:
        task = asyncio.create_task(_load(url, "b", 4000, second))
        while len(second.acked) < 1000 and not task.done():
            await asyncio.sleep(0.01)
        kill_group(server)
        await task

    asyncio.run(cut())
    assert len(second.acked) >= 1000
    storage = open_storage(db)
    assert storage.integrity_check() == []
    storage.close()
    spawn_server(db, port)
    storage = open_storage(db)
    keys = storage.idempotency_keys()
    assert second.acked <= keys, f"{len(second.acked - keys)} acknowledged submissions lost"
    assert not (second.refused & keys) and not (first.refused & keys)
    assert storage.integrity_check() == []
    with httpx.Client(base_url=url) as client:
        assert client.get("/healthz").json()["status"] == "ok"
    print(
        f"\nload: {len(first.acked)} stored + {len(first.refused)} refused in {elapsed:.1f} s "
        f"({TOTAL / elapsed:.0f} requests/s); killed after {len(second.acked)} acknowledged, "
        f"{len(second.unknown)} without an answer"
    )
