"""SQLite storage: the standard library's driver in WAL mode, every commit synced (service stage).

`sqlite:///relative/path.db`, `sqlite:////absolute/path.db` (or `sqlite:///:memory:`
for a throwaway test). Writes take the lock at BEGIN (IMMEDIATE), so several
worker processes queue for it instead of failing half-way; `synchronous=FULL`
means a submission that was acknowledged survives a crash of the process and
of the machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from formlang.service.storage import Storage, StorageError

BUSY_MS = 30_000


class SQLiteStorage(Storage):
    dialect = "sqlite"
    serialize_writes = True
    integrity_error = sqlite3.IntegrityError

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.path = url.removeprefix("sqlite:").removeprefix("//").removeprefix("/")
        if not self.path:
            raise StorageError(f"no file in {url!r}: use sqlite:///path/to/file.db")
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd: int | None = None

    @contextlib.contextmanager
    def _writer(self) -> Iterator[None]:
        """The threads of this process queue on a lock, the processes on a file lock next to
        the database: SQLite's own wait for its write lock sleeps in steps of up to 100 ms,
        which a queue of writers turns into long waits; a released `flock` wakes the next
        writer at once."""
        with self._write_lock:
            if self.path == ":memory:":
                yield
                return
            if self._lock_fd is None:
                self._lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _connect(self) -> Any:
        try:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_MS / 1000
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the database {self.path}: {exc}") from None
        return conn

    def close(self) -> None:
        super().close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _begin(self, conn: Any, write: bool) -> None:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def _commit(self, conn: Any) -> None:
        conn.execute("COMMIT")

    def _rollback(self, conn: Any) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    def _script(self, conn: Any, script: str) -> None:
        # executescript would commit first; run the statements one by one in our transaction
        for statement in _split(script):
            conn.execute(statement)

    def integrity_check(self) -> list[str]:
        conn = self._conn()
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
        problems = [r for r in rows if r != "ok"]
        problems += [str(r) for r in conn.execute("PRAGMA foreign_key_check").fetchall()]
        return problems


def _split(script: str) -> list[str]:
    """A script's statements; the `;` inside a trigger's BEGIN … END stays in it."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out
