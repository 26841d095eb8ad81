"""Connections and transactions of the service's database, whatever the dialect (service stage).

`Database` keeps one connection per thread and gives short transactions
(`_tx`); a dialect (`sqlite.py`, `postgres.py`) says how to connect, begin,
commit and name a parameter. `formlang.service.storage.Storage` builds on it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any


class Database:
    """The service's database; one connection per thread, short transactions."""

    dialect = "?"
    integrity_error: type[Exception] = Exception
    # SQLite has one writer: the threads of a process queue on a lock of their own rather
    # than in SQLite's busy handler, which sleeps in steps of milliseconds
    serialize_writes = False

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()

    # ---- the dialect's part -----------------------------------------------------------

    def _connect(self) -> Any:
        raise NotImplementedError

    def _begin(self, conn: Any, write: bool) -> None:
        raise NotImplementedError

    def _script(self, conn: Any, script: str) -> None:
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql

    def integrity_check(self) -> list[str]:
        """What the database's own check finds wrong (nothing: an empty list)."""
        raise NotImplementedError

    # ---- connections and transactions ---------------------------------------------------

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextlib.contextmanager
    def _tx(self, write: bool = False) -> Iterator[Any]:
        lock = self._writer() if write and self.serialize_writes else contextlib.nullcontext()
        with lock:
            conn = self._conn()
            self._begin(conn, write)
            try:
                yield _Cursor(conn.cursor(), self._sql)
            except BaseException:
                self._rollback(conn)
                raise
            self._commit(conn)

    def _writer(self) -> contextlib.AbstractContextManager[Any]:
        """What a write transaction holds first (SQLite: see `sqlite.SQLiteStorage`)."""
        return self._write_lock

    def _commit(self, conn: Any) -> None:
        conn.commit()

    def _rollback(self, conn: Any) -> None:
        with contextlib.suppress(Exception):
            conn.rollback()

    def release_connection(self) -> None:
        """Closes this thread's connection (a thread that ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            with self._lock:
                self._all.remove(conn)
            conn.close()
            self._local.conn = None

    def close(self) -> None:
        committer = getattr(self, "committer", None)
        if committer is not None:
            committer.stop()
            self.committer = None
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all.clear()
        self._local = threading.local()


class _Cursor:
    """A cursor that takes `?` parameters whatever the dialect."""

    def __init__(self, cursor: Any, sql: Any) -> None:
        self._cursor = cursor
        self._sql = sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(self._sql(sql), tuple(params))

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)
