"""The miss loop: every question the KB did not answer becomes work for its owner.

A *gap event* is recorded when the bot has no confident answer (``miss``), when a citizen says
"아니요" to "도움이 되었나요?" (``not_helpful``), when a chat is handed to an agent after a bot
answer (``handoff``), and for the issue alerter's "needs an answer" topics (``alert``). The
question is masked (:mod:`dasan.text.pii`) before it is stored.

Events are grouped by topic into *clusters*: each event joins the most similar open cluster
(cosine of query embeddings, or of hashed character bigrams when the embedder is off) or starts
a new one; :func:`cluster_pending` assigns events that were stored without a cluster (the daily
job, ``dasan kb gaps``). Each cluster is routed to the owner agency of the entries nearest to
its questions, shown on that owner's KB dashboard with its count this week and masked
examples, and resolved by an editor: turned into a draft entry, merged into an existing entry
as question variants, or dismissed with a reason.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from dasan import audit
from dasan.auth import can_edit_agency
from dasan.config import get_settings
from dasan.db import bulk
from dasan.db.base import utcnow
from dasan.db.models import KbEntry, User
from dasan.db.models_kbquality import KbGapCluster, KbGapEvent
from dasan.errors import DomainError, Forbidden, NotFound
from dasan.text.korean import char_ngrams
from dasan.text.pii import mask

KINDS = ("miss", "not_helpful", "handoff", "alert", "proposal")
MAX_QUESTION_CHARS = 500
MAX_EXAMPLES = 8
HASH_DIM = 4096
# Join a cluster at or above this cosine (dense e5 vectors / hashed bigram vectors).
DENSE_JOIN = 0.90
HASHED_JOIN = 0.2
CLUSTER_WINDOW_DAYS = 28  # a cluster stops taking new questions after this long unseen


class GapError(DomainError):
    status = 422
    code = "bad_gap"


def masked(text: str) -> str:
    return mask(text.strip()[:MAX_QUESTION_CHARS]).masked


def _use_dense() -> bool:
    return get_settings().embedder != "none"


def hashed_vector(text: str) -> np.ndarray:
    v = np.zeros(HASH_DIM, dtype=np.float32)
    for g in char_ngrams(text, 2):
        h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
        v[h % HASH_DIM] += 1.0
    n = float(np.linalg.norm(v))
    return v / n if n else v


def topic_vector(text: str) -> tuple[np.ndarray, float]:
    """(unit vector, join threshold) for a question."""
    if _use_dense():
        from dasan.knowledge.embeddings import default_embedder

        v = np.asarray(default_embedder().query(text), dtype=np.float32)
        n = float(np.linalg.norm(v))
        return (v / n if n else v), DENSE_JOIN
    return hashed_vector(text), HASHED_JOIN


def _owner_of(session: Session, entry_ids: Sequence[int]) -> int | None:
    if not entry_ids:
        return None
    owners = dict(session.execute(select(KbEntry.id, KbEntry.owner_agency_id)
                                  .where(KbEntry.id.in_(list(entry_ids)))).all())
    votes: Counter[int] = Counter()
    for rank, eid in enumerate(entry_ids):
        owner = owners.get(eid)
        if owner is not None:
            votes[owner] += len(entry_ids) - rank  # nearer entries weigh more
    return votes.most_common(1)[0][0] if votes else None


def nearest_entries(session: Session, question: str, k: int = 3) -> list[int]:
    from dasan.knowledge.live import get_live_index

    try:
        return [e.id for e, _ in get_live_index().search(session, question, k=k)]
    except (ValueError, DomainError):
        return []


def record_gap(session: Session, kind: str, question: str, *,
               consultation_id: int | None = None, entry_id: int | None = None,
               nearest: Sequence[int] | None = None, detail: dict[str, Any] | None = None,
               assign: bool = True, masks: Mapping[str, str] | None = None
               ) -> KbGapEvent | None:
    """Store one miss (masked) and put it in a cluster. Blank questions are ignored. `masks`:
    texts the caller has already masked (text -> `mask(text).masked`), used when the stored
    question is one of them (the message's own text) instead of masking it again."""
    if kind not in KINDS:
        raise GapError(f"gap kind must be one of {', '.join(KINDS)}")
    if not question or not question.strip():
        return None
    near = list(nearest) if nearest is not None else nearest_entries(session, question)
    cut = question.strip()[:MAX_QUESTION_CHARS]
    known = masks.get(cut) if masks else None
    event = KbGapEvent(kind=kind, question=known if known is not None else mask(cut).masked,
                       consultation_id=consultation_id,
                       entry_id=entry_id, nearest_entry_ids=near,
                       owner_agency_id=_owner_of(session, near), detail=detail or {})
    deferred = session.info.get(_DEFERRED)
    if assign and deferred is not None:
        deferred.append(event)  # stored and clustered when the `clustering_deferred` block ends
        return event
    session.add(event)
    session.flush()
    if assign:
        assign_event(session, event)
    return event


def best_match(vec: np.ndarray, centroids: Sequence[np.ndarray]) -> tuple[int, float]:
    """Index and cosine of the closest centroid (-1, -1.0 when there is none)."""
    best, sim = -1, -1.0
    for i, cv in enumerate(centroids):
        if cv.shape != vec.shape:
            continue
        s = float(cv @ vec) / (float(np.linalg.norm(cv)) or 1.0)
        if s > sim:
            best, sim = i, s
    return best, sim


def merged_centroid(centroid: np.ndarray, count: int, vec: np.ndarray) -> np.ndarray:
    cv = centroid * count + vec
    return cv / (float(np.linalg.norm(cv)) or 1.0)


def greedy_clusters(vectors: Sequence[np.ndarray], join: float) -> list[int]:
    """The clustering :func:`assign_event` does, on plain vectors in arrival order: each joins
    the closest cluster at cosine >= ``join`` or starts one. Returns a cluster index each."""
    centroids: list[np.ndarray] = []
    counts: list[int] = []
    out = []
    for v in vectors:
        i, sim = best_match(v, centroids)
        if i >= 0 and sim >= join:
            centroids[i] = merged_centroid(centroids[i], counts[i], v)
            counts[i] += 1
        else:
            centroids.append(v)
            counts.append(1)
            i = len(centroids) - 1
        out.append(i)
    return out


def assign_event(session: Session, event: KbGapEvent) -> KbGapCluster:
    """The cluster of one event: it joins the closest open cluster of the last
    `CLUSTER_WINDOW_DAYS` when close enough, else starts one (`assign_events` for one)."""
    return assign_events(session, [event])[0]


_DEFERRED = "dasan.gaps.deferred"


@contextmanager
def clustering_deferred(session: Session) -> Iterator[None]:
    """Gap events recorded inside the block are stored and clustered together when it ends
    (`assign_events`: one load of the open clusters, each touched cluster written once) instead
    of one by one; the events get the clusters `assign_event` would give them in the order they
    were recorded. For a batch of intake (the SMS webhook's 100 messages: one cluster query
    instead of 100). Nothing is stored when the block raises. Nested blocks are the outer one."""
    if _DEFERRED in session.info:
        yield
        return
    events: list[KbGapEvent] = []
    session.info[_DEFERRED] = events
    try:
        yield
    finally:
        session.info.pop(_DEFERRED, None)
    assign_events(session, events)


def assign_events(session: Session, events: Sequence[KbGapEvent]) -> list[KbGapCluster]:
    """Cluster events in order (each sees the clusters the earlier ones made or moved) and
    add them to the session with their cluster: the open clusters are read once, the
    centroids merged in memory (rounded as stored), and each touched cluster written once.
    Returns each event's cluster."""
    if not events:
        return []
    since = utcnow() - timedelta(days=CLUSTER_WINDOW_DAYS)
    candidates = list(session.scalars(select(KbGapCluster).where(
        KbGapCluster.status == "open", KbGapCluster.last_seen >= since)
        .order_by(KbGapCluster.id)))
    centroids = [np.asarray(c.centroid or [], dtype=np.float32) for c in candidates]
    touched: dict[int, int] = {}  # candidate index -> 1 (ordered set)
    chosen: list[int] = []
    for event in events:
        vec, join = topic_vector(event.question)
        i, sim = best_match(vec, centroids)
        if i >= 0 and sim >= join:
            c = candidates[i]
            centroids[i] = _stored(merged_centroid(centroids[i], c.count, vec))
            c.count += 1
            c.last_seen = utcnow()
            if len(c.examples) < MAX_EXAMPLES and event.question not in c.examples:
                c.examples = [*c.examples, event.question]
            c.nearest_entry_ids = list(dict.fromkeys([*c.nearest_entry_ids,
                                                      *event.nearest_entry_ids]))[:10]
            if c.owner_agency_id is None:
                c.owner_agency_id = event.owner_agency_id
        else:
            c = KbGapCluster(label=event.question[:256], owner_agency_id=event.owner_agency_id,
                             status="open", count=1, examples=[event.question],
                             nearest_entry_ids=list(event.nearest_entry_ids))
            session.add(c)
            candidates.append(c)
            centroids.append(_stored(vec))
            i = len(candidates) - 1
        touched[i] = 1
        chosen.append(i)
    for i in touched:
        candidates[i].centroid = [round(float(x), 5) for x in centroids[i]]
    session.flush()  # the new clusters' ids
    for event, i in zip(events, chosen, strict=True):
        event.cluster_id = candidates[i].id
    fresh = [e for e in events if sa_inspect(e).transient]  # deferred: new, not added
    session.add_all([e for e in events if not sa_inspect(e).transient])
    bulk.add_objects(session, fresh)
    session.flush()
    return [candidates[i] for i in chosen]


def _stored(vec: np.ndarray) -> np.ndarray:
    """A centroid as it is read back once stored: rounded to 5 decimals, float32."""
    return np.round(vec.astype(np.float64), 5).astype(np.float32)


def cluster_pending(session: Session) -> int:
    """Assign every event stored without a cluster (the daily job); returns how many."""
    events = list(session.scalars(select(KbGapEvent).where(KbGapEvent.cluster_id.is_(None))
                                  .order_by(KbGapEvent.id)))
    assign_events(session, events)
    return len(events)


def dashboard(session: Session, agency_id: int | None = None, days: int = 7,
              status: str = "open", limit: int = 100) -> list[dict[str, Any]]:
    """Clusters with their count in the last ``days`` days, most asked first."""
    since = utcnow() - timedelta(days=days)
    recent = dict(session.execute(
        select(KbGapEvent.cluster_id, func.count(KbGapEvent.id))
        .where(KbGapEvent.created_at >= since, KbGapEvent.cluster_id.is_not(None))
        .group_by(KbGapEvent.cluster_id)).all())
    kinds: dict[int, dict[str, int]] = {}
    for cid, kind, n in session.execute(
            select(KbGapEvent.cluster_id, KbGapEvent.kind, func.count(KbGapEvent.id))
            .where(KbGapEvent.created_at >= since, KbGapEvent.cluster_id.is_not(None))
            .group_by(KbGapEvent.cluster_id, KbGapEvent.kind)):
        if cid is not None:
            kinds.setdefault(int(cid), {})[str(kind)] = int(n)
    q = select(KbGapCluster).where(KbGapCluster.status == status)
    if agency_id is not None:
        q = q.where(KbGapCluster.owner_agency_id == agency_id)
    rows: list[dict[str, Any]] = []
    for c in session.scalars(q):
        rows.append({"id": c.id, "label": c.label, "owner_agency_id": c.owner_agency_id,
                     "owner_name": c.owner.name if c.owner else None, "status": c.status,
                     "count_total": c.count, "count_week": int(recent.get(c.id, 0)),
                     "kinds": kinds.get(c.id, {}), "examples": list(c.examples),
                     "nearest_entry_ids": list(c.nearest_entry_ids),
                     "last_seen": c.last_seen.isoformat(), "draft_entry_id": c.draft_entry_id,
                     "resolution_note": c.resolution_note})
    rows.sort(key=lambda r: (-int(r["count_week"]), -int(r["count_total"]), int(r["id"])))
    return rows[:limit]


def get_cluster(session: Session, cluster_id: int) -> KbGapCluster:
    c = session.get(KbGapCluster, cluster_id)
    if c is None:
        raise NotFound(f"gap cluster {cluster_id} not found")
    return c


def check_may_resolve(user: User, cluster: KbGapCluster) -> None:
    """The owning agency's editors (or an admin) resolve a cluster; an unrouted cluster is
    open to every editor."""
    if cluster.owner_agency_id is None and user.role == "kb_editor":
        return
    if not can_edit_agency(user, cluster.owner_agency_id):
        raise Forbidden(f"{user.username} may not resolve gaps routed to agency "
                        f"{cluster.owner_agency_id}")


def _open(cluster: KbGapCluster) -> None:
    if cluster.status != "open":
        raise GapError(f"gap cluster {cluster.id} is already {cluster.status}", status=409,
                       code="gap_closed")


def to_draft(session: Session, user: User, cluster_id: int, title: str | None = None,
             answer: str = "") -> KbEntry:
    """A draft entry (needs an answer) with the cluster's questions as variants."""
    from dasan.knowledge.service import MAX_QUESTION_VARIANTS, EntryIn, create_entry

    c = get_cluster(session, cluster_id)
    check_may_resolve(user, c)
    _open(c)
    if not answer.strip():
        answer = proposed_answer(session, c.id)
    owner = c.owner_agency_id if c.owner_agency_id is not None else user.agency_id
    entry = create_entry(session, user, EntryIn(
        title=(title or c.label)[:512],
        question_variants=list(c.examples)[:MAX_QUESTION_VARIANTS], answer=answer,
        owner_agency_id=owner, status="draft"))
    c.status, c.draft_entry_id = "drafted", entry.id
    c.resolution_note = f"draft entry {entry.id}"
    audit.record(session, user, "kb.gap_draft", object_type="kb_gap_cluster", object_id=c.id,
                 detail={"entry_id": entry.id, "count": c.count})
    return entry


def merge_into(session: Session, user: User, cluster_id: int, entry_id: int) -> KbEntry:
    """Add the cluster's questions to an existing entry as variants."""
    from dasan.knowledge.service import MAX_QUESTION_VARIANTS, EntryPatch, get_entry, update_entry

    c = get_cluster(session, cluster_id)
    check_may_resolve(user, c)
    _open(c)
    entry = get_entry(session, entry_id)
    variants = list(dict.fromkeys([*(entry.question_variants or []), *c.examples]))
    variants = variants[:MAX_QUESTION_VARIANTS]
    entry = update_entry(session, user, entry_id, EntryPatch(
        question_variants=variants, change_note=f"question variants from gap cluster {c.id}"))
    c.status, c.draft_entry_id = "merged", entry.id
    c.resolution_note = f"merged into entry {entry.id}"
    audit.record(session, user, "kb.gap_merge", object_type="kb_gap_cluster", object_id=c.id,
                 detail={"entry_id": entry.id})
    return entry


def dismiss(session: Session, user: User, cluster_id: int, reason: str) -> KbGapCluster:
    reason = (reason or "").strip()
    if not reason:
        raise GapError("a dismissal needs a reason")
    c = get_cluster(session, cluster_id)
    check_may_resolve(user, c)
    _open(c)
    c.status, c.resolution_note = "dismissed", reason[:512]
    audit.record(session, user, "kb.gap_dismiss", object_type="kb_gap_cluster", object_id=c.id,
                 detail={"reason": c.resolution_note})
    return c


def last_week(session: Session, now: datetime | None = None) -> int:
    now = now or utcnow()
    return int(session.scalar(select(func.count(KbGapEvent.id)).where(
        KbGapEvent.created_at >= now - timedelta(days=7))) or 0)


def collect_alerts(session: Session) -> int:
    """The issue alerter's "needs an answer" topics become gap events (once per alert)."""
    from dasan.db.models import Alert

    done = {int(e.detail.get("alert_id", 0)) for e in session.scalars(
        select(KbGapEvent).where(KbGapEvent.kind == "alert"))}
    n = 0
    for alert in session.scalars(select(Alert).where(Alert.needs_answer.is_(True))
                                 .order_by(Alert.id)):
        if alert.id in done:
            continue
        subjects = [str(x.get("subject") or "") for x in (alert.examples or [])
                    if isinstance(x, dict)]
        question = subjects[0] if subjects and subjects[0].strip() else alert.topic
        record_gap(session, "alert", question,
                   detail={"alert_id": alert.id, "topic": alert.topic, "count": alert.count})
        n += 1
    return n


def propose(session: Session, user: User, question: str, answer: str = "",
            entry_id: int | None = None, consultation_id: int | None = None) -> KbGapEvent:
    """An agent proposes a new entry (or an edit of ``entry_id``) after a consultation; it is
    routed to the owner like any gap, and the owner's editor approves it by turning the
    cluster into a draft (which takes the proposed answer) or merging it."""
    if not question or not question.strip():
        raise GapError("a proposal needs the citizen's question")
    if entry_id is not None and session.get(KbEntry, entry_id) is None:
        raise NotFound(f"knowledge-base entry {entry_id} not found")
    event = record_gap(session, "proposal", question, consultation_id=consultation_id,
                       entry_id=entry_id, nearest=[entry_id] if entry_id else None,
                       detail={"proposed_answer": masked(answer)[:MAX_QUESTION_CHARS] if answer
                               else "", "by": user.username})
    assert event is not None
    audit.record(session, user, "kb.propose", object_type="kb_gap_event", object_id=event.id,
                 detail={"entry_id": entry_id})
    return event


def proposed_answer(session: Session, cluster_id: int) -> str:
    for detail in session.scalars(select(KbGapEvent.detail).where(
            KbGapEvent.cluster_id == cluster_id, KbGapEvent.kind == "proposal")
            .order_by(KbGapEvent.id.desc())):
        text = str((detail or {}).get("proposed_answer") or "")
        if text.strip():
            return text
    return ""
