"""What the service stores, as values: submissions, uploads, and the times and ids they carry.

Times are UTC text with microseconds (`2026-11-21T08:00:00.000000Z`), so that
they sort as text in both databases; submission numbers are 12 characters of
Crockford's base 32 (no I, L, O, U), 60 random bits, so they cannot be guessed
from one another and read well over the phone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U


def now() -> str:
    """The current time in UTC, as stored: sortable text with microseconds."""
    return stamp(dt.datetime.now(dt.UTC))


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_id() -> str:
    """A submission number people can read out: 12 characters, 60 random bits."""
    bits = int.from_bytes(secrets.token_bytes(8)) >> 4
    chars = "".join(_ALPHABET[(bits >> shift) & 31] for shift in range(55, -1, -5))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


@dataclass(frozen=True, slots=True)
class Upload:
    ref: str
    name: str
    media_type: str
    size: int
    sha256: str
    content: bytes = field(repr=False, default=b"")

    def describe(self) -> dict[str, Any]:
        """The file as a submission names it (docs/submission-format.md)."""
        return {
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
            "ref": self.ref,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class NewSubmission:
    form_id: str
    form_version: str | None
    form_hash: str
    lang: str
    data: dict[str, Any]
    files: tuple[tuple[str, str], ...] = ()  # (JSON pointer, upload ref)
    idempotency_key: str | None = None
    request_hash: str | None = None
    uploads: tuple[Upload, ...] = ()  # files stored with the submission, in one transaction


@dataclass(frozen=True, slots=True, kw_only=True)
class Submission:
    id: str
    seq: int
    form_id: str
    form_version: str | None
    form_hash: str
    lang: str
    received_at: str
    data: dict[str, Any]
    idempotency_key: str | None = None
    files: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "form": self.form_id,
            "version": self.form_version,
            "form_hash": self.form_hash,
            "lang": self.lang,
            "received_at": self.received_at,
            "data": self.data,
            "files": list(self.files),
        }
