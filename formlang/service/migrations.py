"""The service's own tables, as numbered migrations for SQLite and PostgreSQL (service stage).

A migration is applied once, in order, inside a transaction, and recorded in
`schema_migrations`; a database made by a newer service (a version this one does
not know) is refused rather than guessed at. Submissions, their files and the
uploads they use are append-only: triggers refuse UPDATE and DELETE, so not even
a bug in the service can change what a citizen sent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sqlite: str
    postgres: str


_TABLES = """
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE submissions (
    seq {seq},
    id TEXT NOT NULL UNIQUE,
    form_id TEXT NOT NULL,
    form_version TEXT,
    form_hash TEXT NOT NULL,
    lang TEXT NOT NULL,
    received_at TEXT NOT NULL,
    data TEXT NOT NULL,
    idempotency_key TEXT,
    request_hash TEXT,
    UNIQUE (form_id, idempotency_key)
);
CREATE INDEX submissions_form ON submissions (form_id, received_at);
CREATE INDEX submissions_received ON submissions (received_at);
CREATE TABLE uploads (
    ref TEXT PRIMARY KEY,
    draft_hash TEXT,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content {blob} NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX uploads_draft ON uploads (draft_hash);
CREATE TABLE submission_files (
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    ref TEXT NOT NULL REFERENCES uploads (ref),
    pointer TEXT NOT NULL,
    PRIMARY KEY (submission_id, ref)
);
CREATE INDEX submission_files_ref ON submission_files (ref);
CREATE TABLE drafts (
    token_hash TEXT PRIMARY KEY,
    form_id TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX drafts_expiry ON drafts (expires_at);
"""

_SQLITE_GUARDS = """
CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
CREATE TRIGGER submission_files_no_update BEFORE UPDATE ON submission_files
BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
CREATE TRIGGER submission_files_no_delete BEFORE DELETE ON submission_files
BEGIN SELECT RAISE(ABORT, 'submissions are append-only'); END;
CREATE TRIGGER uploads_no_update BEFORE UPDATE ON uploads
BEGIN SELECT RAISE(ABORT, 'uploads are never changed'); END;
CREATE TRIGGER uploads_kept BEFORE DELETE ON uploads
WHEN EXISTS (SELECT 1 FROM submission_files WHERE ref = OLD.ref)
BEGIN SELECT RAISE(ABORT, 'the file belongs to a submission'); END;
"""

_POSTGRES_GUARDS = """
CREATE FUNCTION formlang_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
CREATE FUNCTION formlang_upload_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM submission_files WHERE ref = OLD.ref) THEN
    RAISE EXCEPTION 'the file belongs to a submission';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER submissions_append_only BEFORE UPDATE OR DELETE ON submissions
FOR EACH ROW EXECUTE FUNCTION formlang_append_only();
CREATE TRIGGER submission_files_append_only BEFORE UPDATE OR DELETE ON submission_files
FOR EACH ROW EXECUTE FUNCTION formlang_append_only();
CREATE TRIGGER uploads_no_update BEFORE UPDATE ON uploads
FOR EACH ROW EXECUTE FUNCTION formlang_append_only();
CREATE TRIGGER uploads_kept BEFORE DELETE ON uploads
FOR EACH ROW EXECUTE FUNCTION formlang_upload_kept();
"""

MIGRATIONS = (
    Migration(
        1,
        "submissions, uploads, drafts, settings",
        _TABLES.format(seq="INTEGER PRIMARY KEY AUTOINCREMENT", blob="BLOB") + _SQLITE_GUARDS,
        _TABLES.format(seq="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", blob="BYTEA")
        + _POSTGRES_GUARDS,
    ),
)

CREATE_LEDGER = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)
