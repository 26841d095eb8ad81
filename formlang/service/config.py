"""The form service's settings: where the library and the database are, tokens and limits.

One frozen `Config` is built by `formlang serve` (from its options and the
environment) or by a test, and handed to `create_app`. With several worker
processes it travels to them as JSON in the environment (`to_env`/`from_env`).
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV = "FORMLANG_SERVICE_CONFIG"
MB = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class Config:
    library: Path
    db: str = "sqlite:///formlang-service.db"
    # Bearer tokens of the back-office API; none configured: the back office refuses everyone.
    api_tokens: tuple[str, ...] = ()
    # Signs CSRF tokens and receipt links. None: one is made once and kept in the database,
    # so that every instance on the same database agrees.
    secret: str | None = None
    max_body: int = 25 * MB  # a request's whole body
    max_upload: int = 10 * MB  # one file, unless the form says less
    # Media types a file field takes when the form says nothing (`accept`).
    default_accept: tuple[str, ...] = ("application/pdf", "image/jpeg", "image/png")
    draft_days: int = 30  # a saved draft can be resumed for this long
    reload: bool = False  # watch the library and re-read it when a file changes
    secure_cookies: bool = False  # set behind HTTPS (a reverse proxy)
    public_url: str = ""  # the address shown in links that leave the site (resume links)
    access_log: bool = False  # a log line per request (route template, status, time)
    rate_limit: int = 0  # posts a minute per client address (formlang.service.limits); 0: none
    extra: dict[str, Any] = field(default_factory=dict)

    def to_env(self) -> str:
        values = dataclasses.asdict(self)
        values["library"] = str(self.library)
        return json.dumps(values)

    @classmethod
    def from_json(cls, text: str) -> Config:
        values = json.loads(text)
        values["library"] = Path(values["library"])
        for name in ("api_tokens", "default_accept"):
            values[name] = tuple(values[name])
        return cls(**values)


def from_env() -> Config:
    """The configuration a worker process was started with (`formlang serve`)."""
    text = os.environ.get(ENV)
    if not text:
        raise RuntimeError(f"{ENV} is not set: start the service with `formlang serve`")
    return Config.from_json(text)


def tokens_from(values: tuple[str, ...], files: tuple[str, ...]) -> tuple[str, ...]:
    """Tokens given directly and in files (one per line; blank lines and # comments ignored)."""
    found = [v.strip() for v in values if v.strip()]
    for name in files:
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                found.append(line.strip())
    return tuple(found)
