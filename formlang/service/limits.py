"""How often one client may post: a token bucket per client address (service stage).

`formlang serve --rate-limit N` lets each client address send N posts a minute
(form pages, "send", API submissions), with bursts of up to N at once; beyond
that the answer is 429 with `Retry-After`, and nothing is read or stored.
Reading pages is never limited. The address is the connection's, or the one
a trusted proxy puts in `X-Forwarded-For` (uvicorn's `--forwarded-allow-ips`,
env `FORWARDED_ALLOW_IPS`). Each worker process counts for itself, so with
`--workers 2` a client may get up to twice N through; a state-wide setup
limits at its load balancer as well.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from formlang.service.security import refuse

MAX_CLIENTS = 100_000  # addresses remembered; the longest unseen is forgotten first


class RateLimit:
    def __init__(
        self, app: ASGIApp, per_minute: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens a second
        self.clock = clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, when

    def wait(self, client: str) -> float:
        """Takes one token for `client`; 0 if there was one, else the seconds until there is."""
        now = self.clock()
        tokens, then = self.buckets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.rate)
        waited = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            waited = (1 - tokens) / self.rate
        self.buckets[client] = (tokens, now)
        if len(self.buckets) > MAX_CLIENTS:
            self.buckets.popitem(last=False)
        return waited

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        waited = self.wait(str(client))
        if not waited:
            await self.app(scope, receive, send)
            return
        seconds = math.ceil(waited)
        await refuse(
            scope,
            send,
            429,
            "too_many_requests",
            f"Zu viele Anfragen. Bitte versuchen Sie es in {seconds} Sekunden noch einmal.",
            f"Too many requests. Please try again in {seconds} seconds.",
            ((b"retry-after", str(seconds).encode()),),
        )
