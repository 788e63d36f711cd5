"""The process-wide search index over the knowledge-base table, kept in step with edits.

Each API worker holds its own in-memory `SearchIndex`. Before a search it asks the database one
cheap question — the newest `updated_at` and the entry count — and, when another worker (or the
importer) changed entries, upserts just those. Embeddings are cached on disk under `var/`, so a
restart does not re-embed the whole knowledge base.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.config import PROJECT_ROOT, get_settings
from dasan.db.models import Agency, KbEntry
from dasan.db.models_kbquality import KbAnswerability
from dasan.errors import DomainError
from dasan.knowledge.embeddings import EmbeddingCache, default_embedder
from dasan.knowledge.foreign_rerank import shipped as shipped_foreign_reranker
from dasan.knowledge.rerank import load_reranker
from dasan.knowledge.search import (
    ANSWER_DENSE_CHARS,
    ANSWER_LEXICAL_CHARS,
    DEFAULT_CASCADE,
    FusionWeights,
    Hit,
    IndexConfig,
    SearchDoc,
    SearchIndex,
)

log = logging.getLogger(__name__)

# Shared with bench/bench_search.py, so that the demo and the benchmark embed each text once.
EMBEDDING_CACHE = PROJECT_ROOT / "var" / "cache" / "search-embeddings.npz"

# How long a session holding SQLite's write transaction waits for an index another thread is
# building (the start-up warm-up: tens of seconds on a real knowledge base). SQLite has one
# writer: every other writer of the server waits for this one, and gave up with "database is
# locked" after its 30 s busy timeout while a Q&A question waited for the warm-up's index.
WRITER_WAIT_SECONDS = 2.0


class IndexWarming(DomainError):
    """The knowledge index is still being built (the server is warming up) and the caller
    could not wait for it: a search that is only a help is skipped, a bot hands over."""

    status = 503
    code = "index_warming"


def _holds_sqlite_write(session: Session) -> bool:
    """True when `session` has begun a write on SQLite (pysqlite opens its transaction at the
    first INSERT, UPDATE or DELETE, so a reading session holds nothing)."""
    if not session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        return False
    raw = session.connection().connection.dbapi_connection
    return bool(getattr(raw, "in_transaction", False))


def to_doc(entry: KbEntry, owner_code: str | None, verdict: str | None = None) -> SearchDoc:
    return SearchDoc(
        id=entry.id,
        title=entry.title,
        question_variants=tuple(entry.question_variants or ()),
        answer=entry.answer or "",
        gists=tuple((entry.gists or {}).values()),
        gist_languages=tuple((entry.gists or {}).keys()),
        category=entry.category,
        owner=owner_code,
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        status=entry.status,
        answerable=verdict != "reference",
    )


@dataclass
class _State:
    index: SearchIndex
    db_url: str
    stamp: tuple[datetime | None, int]
    dense: bool


class LiveIndex:
    """Search over the KB table; thread-safe; one per process and database."""

    def __init__(self, cache_path: Path | None = EMBEDDING_CACHE) -> None:
        self._lock = threading.RLock()
        self._state: _State | None = None
        self._cache_path = cache_path
        self._warming: threading.Thread | None = None
        self._warming_lock = threading.Lock()

    def _stamp(self, session: Session) -> tuple[datetime | None, int]:
        newest, count = session.execute(
            select(func.max(KbEntry.updated_at), func.count(KbEntry.id))
        ).one()
        return newest, int(count)

    def _docs(self, session: Session, since: datetime | None = None) -> list[SearchDoc]:
        query = (select(KbEntry, Agency.code, KbAnswerability.verdict)
                 .outerjoin(Agency, KbEntry.owner_agency_id == Agency.id)
                 .outerjoin(KbAnswerability, KbAnswerability.entry_id == KbEntry.id))
        if since is not None:
            query = query.where(KbEntry.updated_at > since)
        return [to_doc(e, code, verdict) for e, code, verdict in session.execute(query)]

    @contextmanager
    def pinned(self, session: Session) -> Iterator[None]:
        """Within the block, `sync` on `session` brings the index up to date the first time and
        then reuses it: for a batch that searches many times in one transaction and edits no
        entry (the SMS batch: one freshness query instead of one per message)."""
        if _PINNED in session.info:
            yield
            return
        session.info[_PINNED] = None
        try:
            yield
        finally:
            session.info.pop(_PINNED, None)

    def sync(self, session: Session, wait: float | None = None) -> SearchIndex:
        """The index, brought up to date with the table. While another thread builds it (the
        warm-up), the caller waits at most `wait` seconds (None: until it is built), and a
        session holding SQLite's write transaction at most `WRITER_WAIT_SECONDS`; then
        `IndexWarming`."""
        pinned = session.info.get(_PINNED)
        if pinned is not None:
            return cast(SearchIndex, pinned)
        if _holds_sqlite_write(session):
            wait = WRITER_WAIT_SECONDS if wait is None else min(wait, WRITER_WAIT_SECONDS)
        if _GAVE_UP in session.info:
            wait = 0.0  # a batch in one transaction (SMS, a webhook's messages) waits once
        if not self._lock.acquire(timeout=-1 if wait is None else max(wait, 0.0)):
            session.info[_GAVE_UP] = True
            raise IndexWarming("the knowledge index is still being built (the server is "
                               "warming up); try again in a minute")
        try:
            index = self._sync(session)
        finally:
            self._lock.release()
        if _PINNED in session.info:
            session.info[_PINNED] = index
        return index

    def _sync(self, session: Session) -> SearchIndex:
        url = get_settings().database_url
        with self._lock:
            stamp = self._stamp(session)
            state = self._state
            use_dense = get_settings().embedder != "none"
            if (state is None or state.db_url != url or stamp[1] < state.stamp[1]
                    or state.dense != use_dense):
                cache = EmbeddingCache(default_embedder(), self._cache_path) if use_dense else None
                # The cascade skips the query encoder for agents' and citizens' searches whose
                # lexical match is decisive; the chatbot's answer search always embeds.
                # The second-stage reranker runs only when its model file ships
                # (dasan.knowledge.rerank; none does yet: it did not beat the fusion on tune).
                # The answers are indexed for the answer scorer, the non-Korean words of the
                # titles and variants for the foreign-word scorer and each title with its
                # answer's start as a passage of its own, which only the search for a foreign
                # question weighs (CROSSLINGUAL). A foreign question's top 5 is re-ordered by
                # the shipped foreign re-ranker over maps the index learns from the gists at
                # each build (dasan.knowledge.foreign_rerank).
                index = SearchIndex(self._docs(session), use_dense=use_dense, cache=cache,
                                    config=IndexConfig(
                                        cascade=DEFAULT_CASCADE,
                                        answer_lexical_chars=ANSWER_LEXICAL_CHARS,
                                        foreign_lexical=True,
                                        answer_dense_chars=ANSWER_DENSE_CHARS),
                                    reranker=load_reranker(),
                                    foreign_reranker=shipped_foreign_reranker())
                index.build()
                if cache is not None:
                    cache.save_if_changed()
                self._state = _State(index, url, stamp, use_dense)
            elif stamp != state.stamp:
                changed = self._docs(session, since=state.stamp[0])
                known = set(state.index.ids)
                if stamp[1] != len(known) + sum(1 for d in changed if d.id not in known):
                    changed = self._docs(session)  # rows were removed or added out of order
                state.index.upsert(changed)
                state.index.build()
                if state.index.cache is not None:
                    state.index.cache.save_if_changed()
                state.stamp = stamp
            assert self._state is not None
            return self._state.index

    def is_warm(self) -> bool:
        """True when the index is built for this process's database (it may still lag a few
        edits behind: `sync` catches up cheaply). Never waits."""
        state = self._state
        return (state is not None and state.db_url == get_settings().database_url
                and state.dense == (get_settings().embedder != "none"))

    def warm_in_background(self) -> None:
        """Build the index in a daemon thread (its own session) unless it is warm or being
        built; a caller that must not wait (a page) shows what it can and asks again."""
        with self._warming_lock:
            if self.is_warm() or (self._warming is not None and self._warming.is_alive()):
                return
            self._warming = threading.Thread(target=self._warm, name="kb-index-warm",
                                             daemon=True)
            self._warming.start()

    def _warm(self) -> None:
        from dasan.db.session import new_session

        session = new_session()
        try:
            self.sync(session)
        except Exception:
            log.exception("building the knowledge index in the background failed")
        finally:
            session.close()

    def search(
        self,
        session: Session,
        query: str,
        k: int = 5,
        *,
        category: str | None = None,
        owner: str | None = None,
        valid_on: date | None = None,
        published_only: bool = True,
        answerable_only: bool = False,
        lexical_query: str | None = None,
        weights: FusionWeights | None = None,
        language: str | None = None,
        wait: float | None = None,
    ) -> list[tuple[KbEntry, Hit]]:
        """Entries best matching `query`, with their hit scores and confidence (`wait`: see
        `sync`)."""
        return self.search_in(session, self.sync(session, wait), query, k, category=category,
                              owner=owner, valid_on=valid_on, published_only=published_only,
                              answerable_only=answerable_only, lexical_query=lexical_query,
                              weights=weights, language=language)

    def search_in(
        self,
        session: Session,
        index: SearchIndex,
        query: str,
        k: int = 5,
        *,
        category: str | None = None,
        owner: str | None = None,
        valid_on: date | None = None,
        published_only: bool = True,
        answerable_only: bool = False,
        lexical_query: str | None = None,
        weights: FusionWeights | None = None,
        language: str | None = None,
    ) -> list[tuple[KbEntry, Hit]]:
        """`search` in an index the caller has just synced (`sync`: one freshness query);
        `language`: a foreign question's (SearchIndex.search)."""
        hits = index.search(query, k=k, category=category, owner=owner, valid_on=valid_on,
                            status="published" if published_only else None,
                            answerable_only=answerable_only, lexical_query=lexical_query,
                            weights=weights, language=language)
        if not hits:
            return []
        entries = {e.id: e for e in session.scalars(
            select(KbEntry).where(KbEntry.id.in_([int(h.id) for h in hits])))}
        return [(entries[int(h.id)], h) for h in hits if int(h.id) in entries]


_PINNED = "dasan.kb_index.pinned"
# Set on a session that gave up waiting for an index being built: its later searches take the
# index only if it is free at once (it is, as soon as the build is over).
_GAVE_UP = "dasan.kb_index.gave_up"
_LIVE = LiveIndex()


def get_live_index() -> LiveIndex:
    return _LIVE
