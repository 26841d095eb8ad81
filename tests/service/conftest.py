"""Fixtures of the form service's tests: a served library on a free loopback port, PostgreSQL.

- `served` runs the application in-process with uvicorn on 127.0.0.1 (a thread),
  on a fresh SQLite database, with a back-office token;
- `spawn_server` starts `formlang serve` as a process (for the load test and
  for killing it with SIGKILL);
- `postgres_url` starts a throwaway PostgreSQL cluster from Debian's packages
  (`initdb`/`pg_ctl` under /usr/lib/postgresql/*/bin) in a temporary folder.
  initdb refuses to run as root, so as root the cluster runs as the `postgres`
  user (via `runuser`). Without PostgreSQL these tests skip locally with the
  reason and fail when the environment variable CI is set (`.ci/run` installs it).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from service_env import (  # noqa: F401
    LIBRARY,
    ROOT,
    TOKEN,
    Served,
    free_port,
    kill_group,
    need,
    wait_until_up,
)


def _run_in_thread(app: Any) -> tuple[str, Callable[[], None]]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{port}", stop


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from formlang.service import Config, create_app

    db = tmp_path_factory.mktemp("service") / "service.db"
    config = Config(
        library=LIBRARY,
        db=f"sqlite:///{db}",
        api_tokens=(TOKEN,),
        max_body=4 << 20,
        max_upload=1 << 20,
    )
    app = create_app(config)
    url, stop = _run_in_thread(app)
    yield Served(url, app, db)
    stop()


@pytest.fixture()
def spawn_server(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Starts `formlang serve` processes; every one still running is killed at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def spawn(db: str, port: int, *extra: str) -> subprocess.Popen[bytes]:
        command = [
            str(Path(sys.executable).parent / "formlang"),
            "serve",
            str(LIBRARY),
            "--port",
            str(port),
            "--db",
            db,
            "--token",
            TOKEN,
            *extra,
        ]
        log = (tmp_path / f"server-{len(started)}.log").open("wb")
        # a session of its own: SIGKILL goes to uvicorn's supervisor and its workers at once
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True
        )
        started.append(process)
        wait_until_up(f"http://127.0.0.1:{port}", process)
        return process

    yield spawn
    for process in started:
        kill_group(process)


# ---- PostgreSQL --------------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    bin_dir = _pg_bin()
    need(bin_dir is not None, "PostgreSQL is not installed (apt-get install postgresql)")
    assert bin_dir is not None
    if os.geteuid() == 0:
        need(shutil.which("runuser") is not None, "runuser is needed to run PostgreSQL as root")
    # its own folder outside pytest's (which only root may enter, and initdb runs as postgres)
    base = Path(tempfile.mkdtemp(prefix="formlang-pg-"))
    data, sockets = base / "data", base / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    _run(
        _as_owner(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "formlang",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ]
        )
    )
    options = f"-p {port} -k {sockets} -c listen_addresses='' -c fsync=off"
    _run(
        _as_owner(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(base / "log"),
                "start",
            ]
        )
    )
    url = f"postgresql://formlang@/postgres?host={sockets}&port={port}"
    try:
        yield url
    finally:
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{command[-1]} failed: {done.stdout}{done.stderr}")


@pytest.fixture()
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """A database of its own for one test."""
    import psycopg

    name = f"t{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.replace("/postgres?", f"/{name}?")
