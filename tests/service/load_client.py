"""Many clients sending JSON submissions at once, for the load tests (one instance or several).

Every submission carries its own idempotency key; one in ten is invalid (422) and one in
twenty is a double click: the same request twice at once, to the first and the last of the
instances given (so with two instances, one to each). The outcome records which keys were
acknowledged (201), refused (422) or left without an answer.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
from answers import answers

CLIENTS = 50


@dataclass
class Outcome:
    acked: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    ids: dict[str, str] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    receipts: dict[str, str] = field(default_factory=dict)  # key → the receipt link


def submission(index: int, base: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    data["hunde"][0]["name"] = f"Hund {index}"
    if index % 10 == 3:
        del data["halter"]  # invalid: 422
    return data


async def load(urls: list[str], prefix: str, count: int, outcome: Outcome) -> None:
    """`count` submissions from CLIENTS clients, spread over the instances at `urls`."""
    base = answers("hundesteuer", dt.date.today())
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)

    async def send(client: httpx.AsyncClient, url: str, key: str, data: dict[str, Any]) -> None:
        try:
            answer = await client.post(
                f"{url}/api/forms/hundesteuer/submissions",
                json=data,
                headers={"idempotency-key": key},
            )
        except httpx.HTTPError:
            outcome.unknown.add(key)
            return
        if answer.status_code == 201:
            outcome.acked.add(key)
            previous = outcome.ids.setdefault(key, answer.json()["id"])
            assert previous == answer.json()["id"], "one key, two submissions"
            outcome.receipts[key] = answer.json()["receipt"]
        elif answer.status_code == 422:
            outcome.refused.add(key)
        else:
            outcome.unknown.add(key)

    async def client_loop(client: httpx.AsyncClient, number: int) -> None:
        while not queue.empty():
            index = queue.get_nowait()
            key = f"{prefix}-{index}"
            data = submission(index, base)
            if index % 20 == 7:  # a double click: the same request twice at once
                await asyncio.gather(
                    send(client, urls[0], key, data), send(client, urls[-1], key, data)
                )
            else:
                await send(client, urls[number % len(urls)], key, data)

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(client_loop(client, n) for n in range(CLIENTS)))
