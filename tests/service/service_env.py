"""What the service's tests share, by a name of its own: test modules import it from here, not
from `conftest` (two test folders have a conftest.py, and `import conftest` gets whichever came
first). It puts tests/browser on the path too, for its `answers` (a valid application per form).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "library"
TOKEN = "test-back-office-token-0123456789"
sys.path.insert(0, str(ROOT / "tests" / "browser"))

# one rule for the tools a test needs (skip locally, fail in CI), re-exported for tests/service
from browser_env import need as need  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    url: str
    app: Any
    db: Path

    @property
    def service(self) -> Any:
        return self.app.state.service

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)

    def office(self) -> httpx.Client:
        return self.client(headers={"authorization": f"Bearer {TOKEN}"})


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the server and its worker processes (its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"formlang serve exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("formlang serve did not answer in time")
