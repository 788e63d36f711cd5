"""Group commit for Open311 intake: the reports that arrive together share one transaction.

Each `POST requests` without photos is handed to this process's writer for its database (one
thread on SQLite, `WRITER_THREADS` on PostgreSQL) and answered when its future resolves. A
writer thread takes whatever has queued while it was busy (up to `BATCH_MAX`), and in one
transaction first checks each report (`check_fields`: the API key, the service, the
attributes, the place; reads only, a refusal refuses that report alone), then stores each
accepted one with its consultation, first status, dispatch outbox row or duplicate link, and
notice (`accept_many`: the plain ones with one statement per table for the whole batch; on
PostgreSQL in two round trips, the commit with the INSERTs - docs/complaints.md). It commits
once, and only then are the futures resolved: a client is answered 200 only when its own
report is durable, its outbox row with it. Each writer thread keeps its own connection
(`HeldConnection`).

If anything fails at the database (a constraint, a lock timeout, the commit itself), the whole
batch is rolled back and its reports are written again one by one, each in its own
transaction (`take_report`), so one bad row rejects only itself. A report refused by its
checks stays refused.

Why (issue 15): per report, the statements, the commit and the session around them were most
of the CPU, and on SQLite concurrent request threads waited on each other's write lock with
sleeps. One SQLite writer per process serialises the writes (no lock waits inside a process)
and pays one commit per batch; on PostgreSQL a few writers overlap their round trips. Reports
with photos keep their own transaction in a worker thread (their photos are processed and
stored first; a slow photo must not hold up a batch).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from dasan.complaints import intake
from dasan.config import get_settings
from dasan.db.session import get_engine, session_scope
from dasan.errors import DomainError

log = logging.getLogger(__name__)

BATCH_MAX = 64
WRITER_THREADS = 2


@dataclass
class Job:
    fields: dict[str, str]
    attributes: dict[str, Any]
    future: Future[intake.Accepted] = field(default_factory=Future)


class HeldConnection:
    """A writer thread's own database connection, kept from one batch to the next: no pool
    check-out (on PostgreSQL the pool's pre-ping is a round trip) per batch. It is dropped
    after any failure, and when this process's engine for the database was replaced
    (`reset_caches`); the next batch connects afresh."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._connection: Connection | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session on the held connection: committed at the end, rolled back on error."""
        engine = get_engine(self.url)
        held = self._connection
        if held is not None and (self._engine is not engine or held.closed
                                 or held.invalidated):
            self.close()
        if self._connection is None:
            self._connection, self._engine = engine.connect(), engine
        session = Session(bind=self._connection, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            with suppress(Exception):  # a broken connection cannot roll back: it is dropped
                session.rollback()
            self.close()
            raise
        finally:
            session.close()

    def close(self) -> None:
        if self._connection is not None:
            with suppress(Exception):
                self._connection.close()
        self._connection = self._engine = None


def write_batch(url: str | None, jobs: list[Job], *, connection: HeldConnection | None = None
                ) -> list[intake.Accepted | BaseException]:
    """Write `jobs` in one transaction (see the module's note), on `connection` if given (a
    writer thread's), else on one from the pool; the result of each, in order: its `Accepted`
    (committed) or the exception that refused or failed it."""
    results: list[intake.Accepted | BaseException | None] = [None] * len(jobs)
    if jobs:
        try:
            with (connection.transaction() if connection is not None
                  else session_scope(url)) as session:
                # Every check first (reads only): on SQLite the write lock is then held only
                # for the stores.
                checked: list[intake.Checked | None] = []
                for i, job in enumerate(jobs):
                    try:
                        checked.append(intake.check_fields(session, job.fields,
                                                           job.attributes, []))
                    except DomainError as exc:  # refused: nothing of it is written
                        results[i] = exc
                        checked.append(None)
                stored = iter(intake.accept_many(session, [c for c in checked if c],
                                                 commit=True))
                for i, report in enumerate(checked):
                    if report is not None:
                        results[i] = next(stored)
            return [r for r in results if r is not None]
        except Exception:  # noqa: BLE001 - each report is tried alone below
            log.warning("a batch of %d reports failed; writing them one by one", len(jobs),
                        exc_info=True)
    out: list[intake.Accepted | BaseException] = []
    for job, earlier in zip(jobs, results, strict=True):
        if isinstance(earlier, DomainError):
            out.append(earlier)
            continue
        try:
            out.append(intake.take_report(job.fields, job.attributes, [], url=url))
        except Exception as exc:  # noqa: BLE001 - handed to the report's own request
            out.append(exc)
    return out


def writer_threads(url: str) -> int:
    """SQLite takes one writer at a time: one thread (no lock waits inside the process).
    PostgreSQL writes concurrently, and a batch spends most of its time waiting for round
    trips: `WRITER_THREADS` threads take batches from the same queue."""
    return 1 if url.startswith("sqlite") else WRITER_THREADS


class IntakeWriter:
    """The writer threads for one database, started on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._queue: queue.SimpleQueue[Job] = queue.SimpleQueue()
        for k in range(writer_threads(url)):
            threading.Thread(target=self._run, name=f"open311-intake-writer-{k}",
                             daemon=True).start()

    def submit(self, fields: dict[str, str], attributes: dict[str, Any]
               ) -> Future[intake.Accepted]:
        job = Job(fields, attributes)
        self._queue.put(job)
        return job.future

    def _run(self) -> None:
        connection = HeldConnection(self.url)
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH_MAX:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                results = write_batch(self.url, batch, connection=connection)
            except BaseException as exc:  # noqa: BLE001 - never leave a request unanswered
                results = [exc] * len(batch)
            for job, result in zip(batch, results, strict=True):
                if isinstance(result, BaseException):
                    job.future.set_exception(result)
                else:
                    job.future.set_result(result)


_WRITERS: dict[str, IntakeWriter] = {}
_LOCK = threading.Lock()


def submit(fields: dict[str, str], attributes: dict[str, Any],
           url: str | None = None) -> Future[intake.Accepted]:
    """Queue one photo-less Open311 report for this process's writer of `url` (default: the
    configured database); the future resolves once it is committed, or with its refusal."""
    key = url or get_settings().database_url
    writer = _WRITERS.get(key)
    if writer is None:
        with _LOCK:
            writer = _WRITERS.get(key)
            if writer is None:
                writer = _WRITERS[key] = IntakeWriter(key)
    return writer.submit(fields, attributes)
