"""Suggested questions for the citizen chat page, shown with the greeting before the first
message: the standard entries of the services citizens asked about most in recent weeks.

A service's popularity is read from the record: first the entries the chatbot answered with
(`consultations.kb_entry_id`), then the programmes (사업) consultations were about. Each
suggestion is a published entry the bot may answer with (not a reference record), so choosing
it gets an answer. The list is computed in the background, at most every `CACHE_SECONDS`
per process.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.models import Consultation, KbEntry
from dasan.db.models_kbquality import KbAnswerability

CACHE_SECONDS = 600.0
_cache: dict[str, tuple[float, list[str]]] = {}
_refreshing: set[str] = set()
_lock = threading.Lock()


def _answerable() -> tuple[ColumnElement[bool], ...]:
    """Published entries that are not reference records and have an answer."""
    reference = select(KbAnswerability.entry_id).where(KbAnswerability.verdict != "standard")
    return (KbEntry.status == "published", KbEntry.needs_answer.is_(False), KbEntry.answer != "",
            KbEntry.id.not_in(reference))


def popular_questions(session: Session, *, limit: int = 4, days: int = 28,
                      now: datetime | None = None) -> list[str]:
    """Up to `limit` question titles, most asked first; none when the KB is empty."""
    since = (now or utcnow()) - timedelta(days=days)
    titles: list[str] = []
    answered = session.execute(
        select(KbEntry.title).join(Consultation, Consultation.kb_entry_id == KbEntry.id)
        .where(Consultation.started_at >= since, *_answerable())
        .group_by(KbEntry.id, KbEntry.title).order_by(func.count().desc(), KbEntry.id)
        .limit(limit)).scalars()
    titles += [t for t in answered if t not in titles]
    if len(titles) < limit:
        programmes = session.execute(
            select(Consultation.program).where(Consultation.started_at >= since,
                                               Consultation.program.is_not(None))
            .group_by(Consultation.program).order_by(func.count().desc())
            .limit(limit * 3)).scalars()
        for programme in programmes:
            title = session.scalar(
                select(KbEntry.title).where(KbEntry.program == programme, *_answerable())
                .order_by(func.length(KbEntry.title), KbEntry.id).limit(1))
            if title and title not in titles:
                titles.append(title)
            if len(titles) >= limit:
                break
    return titles[:limit]


def cached_popular_questions(db_url: str, *, limit: int = 4) -> list[str]:
    """The last computed `popular_questions` for this database, never computed in the caller's
    request: a missing or stale list is refreshed in a background thread (the page shows the
    greeting alone until the first list is ready). Refreshed at most every CACHE_SECONDS."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(db_url)
        stale = hit is None or now - hit[0] >= CACHE_SECONDS
        if stale and db_url not in _refreshing:
            _refreshing.add(db_url)
            threading.Thread(target=_refresh, args=(db_url, limit), daemon=True,
                             name="chat-suggestions").start()
    return hit[1] if hit is not None else []


def _refresh(db_url: str, limit: int) -> None:
    from dasan.db.session import session_scope

    try:
        with session_scope(db_url) as session:
            titles = popular_questions(session, limit=limit)
        with _lock:
            _cache[db_url] = (time.monotonic(), titles)
    finally:
        with _lock:
            _refreshing.discard(db_url)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
