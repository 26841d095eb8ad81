"""The service's storage, the same tests on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from formlang.service.storage import (
    IdempotencyConflict,
    NewSubmission,
    Storage,
    StorageError,
    Upload,
    open_storage,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    else:
        url = request.getfixturevalue("fresh_postgres")
    store = open_storage(url)
    store.migrate()
    yield store
    store.close()


def _new(**changes: object) -> NewSubmission:
    values: dict[str, object] = {
        "form_id": "hundesteuer",
        "form_version": "1.0.0",
        "form_hash": "abc",
        "lang": "de",
        "data": {"halter": {"familienname": "Müller"}, "n": 1},
    }
    values.update(changes)
    return NewSubmission(**values)  # type: ignore[arg-type]


def test_a_submission_is_stored_and_read_back(storage: Storage) -> None:
    stored, created = storage.add_submission(_new())
    assert created
    again = storage.get_submission(stored.id)
    assert again == stored
    assert again.data == {"halter": {"familienname": "Müller"}, "n": 1}
    assert again.received_at.endswith("Z") and len(stored.id) == 14


def test_migrating_twice_changes_nothing(storage: Storage) -> None:
    storage.add_submission(_new())
    assert storage.migrate() == 1
    assert storage.count_submissions() == 1


def test_submissions_are_append_only(storage: Storage) -> None:
    stored, _ = storage.add_submission(_new())
    for statement in ("UPDATE submissions SET lang = 'en'", "DELETE FROM submissions"):
        with pytest.raises(Exception, match="append-only"), storage._tx(write=True) as cur:
            cur.execute(statement)
    assert storage.get_submission(stored.id) == stored


def test_an_idempotency_key_stores_once(storage: Storage) -> None:
    first, created = storage.add_submission(_new(idempotency_key="k1", request_hash="h"))
    second, again = storage.add_submission(_new(idempotency_key="k1", request_hash="h"))
    assert created and not again and first == second
    with pytest.raises(IdempotencyConflict):
        storage.add_submission(_new(idempotency_key="k1", request_hash="other"))
    # the key belongs to its form: another form may use it
    _, other = storage.add_submission(_new(form_id="kitaplatz", idempotency_key="k1"))
    assert other and storage.count_submissions() == 2


def test_concurrent_requests_with_one_key_store_one_submission(storage: Storage) -> None:
    results: list[str] = []

    def send() -> None:
        stored, _ = storage.add_submission(_new(idempotency_key="same", request_hash="h"))
        results.append(stored.id)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and storage.count_submissions() == 1


def test_listing_filters_by_form_and_time_and_pages(storage: Storage) -> None:
    ids = [storage.add_submission(_new(form_id=f))[0].id for f in ("a", "b", "a", "a")]
    first = storage.list_submissions(limit=2)
    assert [s.id for s in first] == ids[:2]
    rest = storage.list_submissions(after=first[-1].seq)
    assert [s.id for s in rest] == ids[2:]
    assert [s.id for s in storage.list_submissions(form_id="a")] == [ids[0], ids[2], ids[3]]
    late = storage.get_submission(ids[2])
    assert late is not None
    assert [s.id for s in storage.list_submissions(since=late.received_at)] == ids[2:]


def test_files_belong_to_their_submission_and_stay(storage: Storage) -> None:
    upload = Upload("ref1", "a.pdf", "application/pdf", 9, "00" * 32, b"%PDF-1.4\n")
    stored, _ = storage.add_submission(
        _new(files=(("/datei", "ref1"),), uploads=(upload,), data={"datei": upload.describe()})
    )
    assert storage.get_submission(stored.id).files[0]["ref"] == "ref1"  # type: ignore[union-attr]
    assert storage.get_upload("ref1", with_content=True).content == b"%PDF-1.4\n"  # type: ignore[union-attr]
    with pytest.raises(Exception, match="belongs to a submission"), storage._tx(True) as cur:
        cur.execute("DELETE FROM uploads WHERE ref = 'ref1'")
    assert storage.purge() == 0
    assert storage.integrity_check() == []


def test_drafts_expire_with_their_uploads(storage: Storage) -> None:
    storage.save_draft("tok", "hundesteuer", {"page": "a"}, days=1)
    assert storage.load_draft("tok")[:2] == ("hundesteuer", {"page": "a"})  # type: ignore[index]
    assert storage.load_draft("other") is None
    from formlang.service.storage import token_hash

    storage.add_upload(Upload("r2", "b.png", "image/png", 1, "11" * 32, b"x"), token_hash("tok"))
    with storage._tx(write=True) as cur:  # let the draft expire
        cur.execute("UPDATE drafts SET expires_at = '2000-01-01T00:00:00.000000Z'")
    assert storage.load_draft("tok") is None
    assert storage.purge() == 2
    assert storage.get_upload("r2") is None


def test_the_token_itself_is_never_stored(storage: Storage) -> None:
    storage.save_draft("very-secret-token", "f", {}, days=1)
    with storage._tx() as cur:
        cur.execute("SELECT token_hash FROM drafts")
        assert cur.fetchone()[0] != "very-secret-token"


def test_the_secret_is_made_once(storage: Storage) -> None:
    assert storage.secret() == storage.secret()


def test_a_newer_schema_is_refused(storage: Storage) -> None:
    with storage._tx(write=True) as cur:
        cur.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'x')")
    with pytest.raises(StorageError, match="newer"):
        storage.migrate()


def test_unknown_database_urls_are_refused() -> None:
    with pytest.raises(StorageError, match="unknown database URL"):
        open_storage("mysql://x")
