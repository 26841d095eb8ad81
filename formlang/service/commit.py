"""Group commit for SQLite: submissions that arrive together share one transaction.

SQLite has one writer and, with `synchronous=FULL`, one sync to disk per
commit; a commit per submission makes the disk the limit. One thread per
process takes every submission waiting (up to `BATCH`), inserts each under a
savepoint (an idempotency key seen before rolls back that one only), commits
once, and only then answers each caller. Nothing is acknowledged before it is
on disk; a failed commit fails every submission of the batch.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Any

from formlang.service.records import NewSubmission, Submission

BATCH = 200
_GUARD = threading.Lock()
_STOP: Any = object()


class Committer:
    def __init__(self, storage: Any) -> None:
        self.storage = storage
        self.waiting: queue.SimpleQueue[tuple[NewSubmission, Future[Any]]] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="formlang-commit", daemon=True)
        self.thread.start()

    def add(self, new: NewSubmission) -> tuple[Submission, bool]:
        return self.submit(new).result()  # type: ignore[no-any-return]

    def submit(self, new: NewSubmission) -> Future[Any]:
        """Queues `new`; the future holds what `add` returns once the batch is committed
        (an event loop awaits it without holding a thread of its pool)."""
        done: Future[Any] = Future()
        self.waiting.put((new, done))
        return done

    def stop(self) -> None:
        self.waiting.put((_STOP, Future()))
        self.thread.join(10)

    def _run(self) -> None:
        while True:
            batch = [self.waiting.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self.waiting.get_nowait())
                except queue.Empty:
                    break
            stopping = any(new is _STOP for new, _ in batch)
            self._commit([(new, done) for new, done in batch if new is not _STOP])
            if stopping:
                self.storage.release_connection()
                return

    def _commit(self, batch: list[tuple[NewSubmission, Future[Any]]]) -> None:
        if not batch:
            return
        storage = self.storage
        outcomes: list[Any] = []
        try:
            with storage._tx(write=True) as cur:
                for new, _ in batch:
                    cur.execute("SAVEPOINT one")
                    try:
                        outcomes.append(storage.insert_submission(cur, new))
                    except storage.integrity_error as exc:
                        cur.execute("ROLLBACK TO one")
                        outcomes.append(exc)
                    cur.execute("RELEASE one")
        except BaseException as exc:
            for _, done in batch:
                done.set_exception(exc)
            return
        for (new, done), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Submission):
                done.set_result((outcome, True))
                continue
            try:
                done.set_result((storage.existing(new, outcome), False))
            except BaseException as exc:
                done.set_exception(exc)


def committer(storage: Any) -> Committer:
    """The committing thread of this storage (made on first use, stopped by `close`)."""
    with _GUARD:
        found = getattr(storage, "committer", None)
        if found is None:
            found = storage.committer = Committer(storage)
        return found
