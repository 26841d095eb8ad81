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
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from load_client import Outcome, load
from service_env import free_port, kill_group

from formlang.service.storage import open_storage

pytestmark = pytest.mark.slow
TOTAL = 5000
TIME_LIMIT_S = 300


def test_load_then_sigkill_loses_nothing_acknowledged(spawn_server: Any, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'load.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = spawn_server(db, port, "--workers", "2")
    started = time.monotonic()
    first = Outcome()
    asyncio.run(load([url], "a", TOTAL, first))
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
        task = asyncio.create_task(load([url], "b", 4000, second))
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
