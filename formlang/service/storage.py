"""Where the service keeps submissions, uploads and drafts: one interface, two databases.

`open_storage(url)` gives a `Storage` for `sqlite:///path` (WAL mode, every
commit synced) or `postgresql://…` (psycopg 3). The SQL is shared; the
dialects differ in how they connect, begin a write and name a parameter.

- Submissions are append-only (triggers refuse UPDATE and DELETE). An
  idempotency key is unique per form: the same key with the same request
  gives back the first submission, with another request an `IdempotencyConflict`.
- Uploads are stored once, with the media type found by sniffing; a draft's
  uploads that no submission took are removed with the draft when it expires.
- Drafts are kept under the SHA-256 of their token, never the token itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
from collections.abc import Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool

from formlang.service.database import Database, _Cursor
from formlang.service.migrations import CREATE_LEDGER, MIGRATIONS
from formlang.service.records import (
    NewSubmission,
    Submission,
    Upload,
    new_id,
    now,
    stamp,
    token_hash,
)

__all__ = [
    "IdempotencyConflict",
    "NewSubmission",
    "Storage",
    "StorageError",
    "Submission",
    "Upload",
    "now",
    "open_storage",
    "stamp",
    "token_hash",
]


class StorageError(Exception):
    """The database cannot be used (unknown URL, newer schema, not reachable)."""


class IdempotencyConflict(Exception):
    """An idempotency key that was used before for a different request."""


_COLUMNS = "seq, id, form_id, form_version, form_hash, lang, received_at, data, idempotency_key"


class Storage(Database):
    """The service's database: submissions, uploads, drafts (connections: `Database`)."""

    # ---- schema --------------------------------------------------------------------------

    def migrate(self) -> int:
        """Applies the migrations this database lacks; returns the schema version."""
        conn = self._conn()
        with self._tx(write=True) as cur:
            self._lock_migrations(cur)
            cur.execute(CREATE_LEDGER)
            cur.execute("SELECT version FROM schema_migrations")
            done = {row[0] for row in cur.fetchall()}
        known = {m.version for m in MIGRATIONS}
        if done - known:
            raise StorageError(
                f"the database has schema version {max(done)}, newer than this service "
                f"knows ({max(known)}): upgrade formlang"
            )
        for migration in MIGRATIONS:
            if migration.version in done:
                continue
            script = migration.postgres if self.dialect == "postgresql" else migration.sqlite
            self._begin(conn, True)
            try:
                self._script(conn, script)
                _Cursor(conn.cursor(), self._sql).execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, now()),
                )
            except BaseException:
                self._rollback(conn)
                raise
            self._commit(conn)
        return max(known)

    def _lock_migrations(self, cur: _Cursor) -> None:
        """Several instances starting at once migrate one after the other."""

    def secret(self) -> str:
        """The signing secret of this database, made once."""
        with self._tx(write=True) as cur:
            cur.execute("SELECT value FROM settings WHERE name = 'secret'")
            row = cur.fetchone()
            if row:
                return str(row[0])
            value = secrets.token_urlsafe(32)
            cur.execute("INSERT INTO settings (name, value) VALUES ('secret', ?)", (value,))
            return value

    # ---- submissions ---------------------------------------------------------------------

    def add_submission(self, new: NewSubmission) -> tuple[Submission, bool]:
        """Stores `new` once; returns it and whether it is new (False: the key's first one).

        A key seen before is found by the unique constraint, not by a look-up first, so
        two requests racing with one key store one submission. With SQLite, submissions
        arriving together share one transaction (group commit, `formlang.service.commit`):
        each is acknowledged only once its commit is on disk.
        """
        if self.serialize_writes:
            from formlang.service.commit import committer

            return committer(self).add(new)
        try:
            with self._tx(write=True) as cur:
                stored = self.insert_submission(cur, new)
        except self.integrity_error as exc:
            return self.existing(new, exc), False
        return stored, True

    async def store(self, new: NewSubmission) -> tuple[Submission, bool]:
        """`add_submission` for a request handler. With group commit the handler waits for
        its batch's commit on the event loop, so a queue of submissions holds no threads."""
        if self.serialize_writes:
            from formlang.service.commit import committer

            return await asyncio.wrap_future(committer(self).submit(new))
        return await run_in_threadpool(self.add_submission, new)

    def insert_submission(self, cur: _Cursor, new: NewSubmission) -> Submission:
        """The INSERTs of one submission, in the caller's transaction."""
        ident, received = new_id(), now()
        data = json.dumps(new.data, ensure_ascii=False, sort_keys=True)
        for upload in new.uploads:
            self._insert_upload(cur, upload, None)
        cur.execute(
            "INSERT INTO submissions (id, form_id, form_version, form_hash, lang, "
            "received_at, data, idempotency_key, request_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
            (
                ident,
                new.form_id,
                new.form_version,
                new.form_hash,
                new.lang,
                received,
                data,
                new.idempotency_key,
                new.request_hash,
            ),
        )
        seq = int(cur.fetchone()[0])
        for pointer, ref in new.files:
            cur.execute(
                "INSERT INTO submission_files (submission_id, ref, pointer) VALUES (?, ?, ?)",
                (ident, ref, pointer),
            )
        files = tuple(
            {**_at(new.data, pointer), "pointer": pointer} for pointer, _ in sorted(new.files)
        )
        return Submission(
            id=ident,
            seq=seq,
            form_id=new.form_id,
            form_version=new.form_version,
            form_hash=new.form_hash,
            lang=new.lang,
            received_at=received,
            data=new.data,  # what was just written as `data`, without reading it back
            idempotency_key=new.idempotency_key,
            files=files,
        )

    def existing(self, new: NewSubmission, problem: Exception) -> Submission:
        """The submission stored before under `new`'s key (else `problem` is raised)."""
        if new.idempotency_key is None:
            raise problem
        found = self._by_key(new.form_id, new.idempotency_key, new.request_hash)
        if found is None:
            raise problem
        return found

    def _by_key(self, form_id: str, key: str, request_hash: str | None) -> Submission | None:
        with self._tx() as cur:
            cur.execute(
                f"SELECT {_COLUMNS}, request_hash FROM submissions "
                "WHERE form_id = ? AND idempotency_key = ?",
                (form_id, key),
            )
            row = cur.fetchone()
        if row is None:
            return None
        if row[-1] != request_hash:
            raise IdempotencyConflict(key)
        return self.get_submission(row[1])

    def get_submission(self, ident: str) -> Submission | None:
        with self._tx() as cur:
            cur.execute(f"SELECT {_COLUMNS} FROM submissions WHERE id = ?", (ident,))
            row = cur.fetchone()
            if row is None:
                return None
            cur.execute(
                "SELECT u.ref, u.name, u.media_type, u.size, u.sha256, f.pointer "
                "FROM submission_files f JOIN uploads u ON u.ref = f.ref "
                "WHERE f.submission_id = ? ORDER BY f.pointer",
                (ident,),
            )
            files = tuple(
                {**Upload(r[0], r[1], r[2], int(r[3]), r[4]).describe(), "pointer": r[5]}
                for r in cur.fetchall()
            )
        return _submission(row, files)

    def list_submissions(
        self,
        form_id: str | None = None,
        since: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[Submission]:
        """Submissions in the order they were stored, from `since` (a stored time) on."""
        where: list[str] = ["seq > ?"]
        params: list[Any] = [after]
        if form_id is not None:
            where.append("form_id = ?")
            params.append(form_id)
        if since is not None:
            where.append("received_at >= ?")
            params.append(since)
        with self._tx() as cur:
            cur.execute(
                f"SELECT {_COLUMNS} FROM submissions WHERE {' AND '.join(where)} "
                "ORDER BY seq LIMIT ?",
                (*params, limit),
            )
            return [_submission(row, ()) for row in cur.fetchall()]

    def ping(self) -> None:
        """Raises when the database does not answer."""
        with self._tx() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()

    def count_submissions(self) -> int:
        with self._tx() as cur:
            cur.execute("SELECT count(*) FROM submissions")
            return int(cur.fetchone()[0])

    def idempotency_keys(self) -> set[str]:
        with self._tx() as cur:
            cur.execute("SELECT idempotency_key FROM submissions WHERE idempotency_key IS NOT NULL")
            return {str(row[0]) for row in cur.fetchall()}

    # ---- uploads -------------------------------------------------------------------------

    def add_upload(self, upload: Upload, draft_hash: str | None = None) -> None:
        with self._tx(write=True) as cur:
            self._insert_upload(cur, upload, draft_hash)

    def _insert_upload(self, cur: _Cursor, upload: Upload, draft_hash: str | None) -> None:
        cur.execute(
            "INSERT INTO uploads (ref, draft_hash, name, media_type, size, sha256, content, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                upload.ref,
                draft_hash,
                upload.name,
                upload.media_type,
                upload.size,
                upload.sha256,
                upload.content,
                now(),
            ),
        )

    def get_upload(self, ref: str, with_content: bool = False) -> Upload | None:
        content = "content" if with_content else "NULL"
        with self._tx() as cur:
            cur.execute(
                f"SELECT ref, name, media_type, size, sha256, {content} FROM uploads WHERE ref = ?",
                (ref,),
            )
            row = cur.fetchone()
        if row is None:
            return None
        return Upload(row[0], row[1], row[2], int(row[3]), row[4], bytes(row[5] or b""))

    # ---- drafts --------------------------------------------------------------------------

    def save_draft(self, token: str, form_id: str, state: dict[str, Any], days: int) -> str:
        """Keeps a draft for `days` from now; returns when it expires."""
        moment = dt.datetime.now(dt.UTC)
        expires = stamp(moment + dt.timedelta(days=days))
        with self._tx(write=True) as cur:
            cur.execute(
                "INSERT INTO drafts (token_hash, form_id, state, created_at, updated_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO UPDATE SET "
                "state = excluded.state, updated_at = excluded.updated_at, "
                "expires_at = excluded.expires_at",
                (
                    token_hash(token),
                    form_id,
                    json.dumps(state, ensure_ascii=False),
                    stamp(moment),
                    stamp(moment),
                    expires,
                ),
            )
        return expires

    def load_draft(self, token: str) -> tuple[str, dict[str, Any], str] | None:
        """The form id, state and expiry of a draft that has not expired."""
        with self._tx() as cur:
            cur.execute(
                "SELECT form_id, state, expires_at FROM drafts "
                "WHERE token_hash = ? AND expires_at > ?",
                (token_hash(token), now()),
            )
            row = cur.fetchone()
        if row is None:
            return None
        return str(row[0]), json.loads(row[1]), str(row[2])

    def delete_draft(self, token: str) -> None:
        with self._tx(write=True) as cur:
            cur.execute("DELETE FROM drafts WHERE token_hash = ?", (token_hash(token),))

    def purge(self) -> int:
        """Removes expired drafts and the uploads no draft or submission holds; returns how many."""
        with self._tx(write=True) as cur:
            cur.execute("DELETE FROM drafts WHERE expires_at <= ?", (now(),))
            gone = int(cur.rowcount or 0)
            cur.execute(
                "DELETE FROM uploads WHERE draft_hash IS NOT NULL "
                "AND draft_hash NOT IN (SELECT token_hash FROM drafts) "
                "AND ref NOT IN (SELECT ref FROM submission_files)"
            )
            return gone + int(cur.rowcount or 0)


def _at(data: Any, pointer: str) -> dict[str, Any]:
    for step in pointer.strip("/").split("/"):
        data = data[int(step)] if isinstance(data, list) else data[step]
    return dict(data)


def _submission(row: Sequence[Any], files: tuple[dict[str, Any], ...]) -> Submission:
    return Submission(
        seq=int(row[0]),
        id=str(row[1]),
        form_id=str(row[2]),
        form_version=row[3],
        form_hash=str(row[4]),
        lang=str(row[5]),
        received_at=str(row[6]),
        data=json.loads(row[7]),
        idempotency_key=row[8],
        files=files,
    )


def open_storage(url: str) -> Storage:
    """The storage for a database URL: `sqlite:///path` or `postgresql://…`."""
    if url.startswith("sqlite:"):
        from formlang.service.sqlite import SQLiteStorage

        return SQLiteStorage(url)
    if url.startswith(("postgresql:", "postgres:")):
        from formlang.service.postgres import PostgresStorage

        return PostgresStorage(url)
    raise StorageError(f"unknown database URL {url!r}: use sqlite:///path or postgresql://…")
