"""PostgreSQL storage through psycopg 3, for several service instances on one database.

`postgresql://user:password@host/dbname` (any libpq URL). Each thread keeps
its own connection; migrations take an advisory lock so that instances
starting together apply them once.
"""

from __future__ import annotations

from typing import Any

from formlang.service.database import _Cursor
from formlang.service.storage import Storage, StorageError

_MIGRATION_LOCK = 72_617_001


class PostgresStorage(Storage):
    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        import psycopg

        self.integrity_error = psycopg.errors.IntegrityError

    def _connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as exc:
            raise StorageError(f"cannot connect to PostgreSQL: {exc}") from None

    def _begin(self, conn: Any, write: bool) -> None:
        # psycopg opens a transaction with the first statement; make sure none is left open
        if conn.info.transaction_status != 0:  # not IDLE
            conn.rollback()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def _script(self, conn: Any, script: str) -> None:
        conn.execute(script)

    def _lock_migrations(self, cur: _Cursor) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))

    def integrity_check(self) -> list[str]:
        problems: list[str] = []
        with self._tx() as cur:
            cur.execute(
                "SELECT count(*) FROM submission_files f "
                "LEFT JOIN uploads u ON u.ref = f.ref WHERE u.ref IS NULL"
            )
            missing = int(cur.fetchone()[0])
        if missing:
            problems.append(f"{missing} submission file(s) without their upload")
        return problems
