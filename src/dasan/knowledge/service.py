"""Standard Consultation DB (표준상담DB): entries, versions, owner scope, the review cycle."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.auth import can_edit_agency
from dasan.db.base import utcnow
from dasan.db.models import Agency, KbEntry, KbEntryVersion, ReviewReminder, User
from dasan.errors import BadRequest, DomainError, Forbidden, Invalid
from dasan.knowledge.editor_gists import clean_gists

_T = TypeVar("_T")

REVIEW_CYCLE_DAYS = 91  # refreshed every quarter
REMIND_EVERY_DAYS = 7


class ScopeError(Forbidden):
    """The user may not touch this agency's entries (the API audits it via the access
    policy before answering 403)."""


Status = Literal["draft", "published", "retired"]
Kind = Literal["standard", "special", "tip"]  # 표준상담, 특별상담자료, 알쓸상자


def clean_variants(variants: list[str]) -> list[str]:
    cleaned = [q.strip() for q in variants if q.strip()]
    if any(len(q) > 512 for q in cleaned):
        raise BadRequest("a question variant is longer than 512 characters")
    return cleaned


def check_entry_rules(
    valid_from: date | None, valid_to: date | None, status: str, answer: str
) -> None:
    """Rules that span fields, for new entries and for an entry after a change."""
    if valid_from and valid_to and valid_to < valid_from:
        raise BadRequest("valid_to is before valid_from")
    if status == "published" and not answer.strip():
        raise BadRequest("a published entry needs an answer")


def _as_validation(check: Callable[..., _T], *args: Any) -> _T:
    """Run a room rule inside a pydantic validator, which reports through ValueError."""
    try:
        return check(*args)
    except DomainError as exc:
        raise ValueError(exc.message) from exc


MAX_QUESTION_VARIANTS = 50  # an entry keeps at most this many question variants


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2, max_length=512)
    program: str | None = Field(default=None, max_length=256)
    question_variants: list[str] = Field(default_factory=list, max_length=MAX_QUESTION_VARIANTS)
    answer: str = Field(default="", max_length=20000)
    # the answer's gist in the residents' languages (dasan.knowledge.editor_gists)
    gists: dict[str, str] = Field(default_factory=dict)
    category: str | None = Field(default=None, max_length=64)
    owner_agency_id: int | None = None
    status: Status = "draft"
    kind: Kind = "standard"
    valid_from: date | None = None
    valid_to: date | None = None
    review_due: date | None = None

    @field_validator("question_variants")
    @classmethod
    def _variants(cls, v: list[str]) -> list[str]:
        return _as_validation(clean_variants, v)

    @field_validator("gists")
    @classmethod
    def _gists(cls, v: dict[str, str]) -> dict[str, str]:
        return _as_validation(clean_gists, v)

    @model_validator(mode="after")
    def _rules(self) -> EntryIn:
        _as_validation(check_entry_rules, self.valid_from, self.valid_to, self.status, self.answer)
        return self


class EntryPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=2, max_length=512)
    program: str | None = Field(default=None, max_length=256)
    question_variants: list[str] | None = Field(default=None,
                                                max_length=MAX_QUESTION_VARIANTS)
    answer: str | None = Field(default=None, max_length=20000)
    gists: dict[str, str] | None = None
    category: str | None = Field(default=None, max_length=64)
    status: Status | None = None
    kind: Kind | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    review_due: date | None = None
    change_note: str | None = Field(default=None, max_length=512)

    @field_validator("question_variants")
    @classmethod
    def _variants(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _as_validation(clean_variants, v)

    @field_validator("gists")
    @classmethod
    def _gists(cls, v: dict[str, str] | None) -> dict[str, str] | None:
        return None if v is None else _as_validation(clean_gists, v)


# Fields a patch may change but never empty with null.
NOT_NULL_FIELDS = frozenset({"title", "question_variants", "answer", "status", "kind"})

SNAPSHOT_FIELDS = (
    "title", "program", "question_variants", "answer", "gists", "category", "owner_agency_id",
    "status", "kind", "valid_from", "valid_to", "review_due", "needs_answer",
)


def snapshot(entry: KbEntry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(entry, name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


def _check_scope(user: User, agency_id: int | None) -> None:
    if not can_edit_agency(user, agency_id):
        raise ScopeError(
            f"{user.username} ({user.role}) may not edit entries owned by agency {agency_id}"
        )


def _add_version(session: Session, entry: KbEntry, user: User | None, note: str | None) -> None:
    session.add(
        KbEntryVersion(
            entry_id=entry.id,
            version=entry.version,
            snapshot=snapshot(entry),
            changed_by=user.id if user else None,
            change_note=note,
        )
    )


def create_entry(session: Session, user: User, data: EntryIn) -> KbEntry:
    owner = data.owner_agency_id if data.owner_agency_id is not None else user.agency_id
    _check_scope(user, owner)
    if owner is not None and session.get(Agency, owner) is None:
        raise BadRequest(f"unknown owner agency {owner}")
    values = data.model_dump()
    values["owner_agency_id"] = owner
    entry = KbEntry(**values, needs_answer=not data.answer.strip(), version=1, source="editor")
    if entry.review_due is None:
        entry.review_due = date.today() + timedelta(days=REVIEW_CYCLE_DAYS)
    session.add(entry)
    session.flush()
    _add_version(session, entry, user, "created")
    _assess(session, entry)
    audit.record(session, user, "kb.create", object_type="kb_entry", object_id=entry.id,
                 detail={"title": entry.title, "owner_agency_id": owner})
    return entry


def update_entry(session: Session, user: User, entry_id: int, patch: EntryPatch) -> KbEntry:
    entry = get_entry(session, entry_id)
    _check_scope(user, entry.owner_agency_id)
    changes = patch.model_dump(exclude_unset=True)
    note = changes.pop("change_note", None)
    if not changes:
        raise BadRequest("nothing to change")
    nulls = sorted(k for k, v in changes.items() if v is None and k in NOT_NULL_FIELDS)
    if nulls:  # checked before anything changes: a refused patch saves nothing
        raise Invalid(f"these fields cannot be null: {', '.join(nulls)}", status=400)
    before = snapshot(entry)
    for name, value in changes.items():
        setattr(entry, name, value)
    check_entry_rules(entry.valid_from, entry.valid_to, entry.status, entry.answer)
    entry.needs_answer = not entry.answer.strip()
    content_changed = any(k in changes for k in ("answer", "title", "question_variants"))
    if content_changed and "review_due" not in changes:
        entry.review_due = date.today() + timedelta(days=REVIEW_CYCLE_DAYS)  # 현행화 done
    entry.version += 1
    entry.updated_at = utcnow()
    session.flush()
    _add_version(session, entry, user, note)
    _assess(session, entry)
    diff = {k: [before.get(k), snapshot(entry).get(k)] for k in changes}
    audit.record(session, user, "kb.update", object_type="kb_entry", object_id=entry.id,
                 detail={"version": entry.version, "changes": _short(diff), "note": note})
    return entry


def _assess(session: Session, entry: KbEntry) -> None:
    from dasan.knowledge.quality import assess_entries

    assess_entries(session, [entry])


def _short(diff: dict[str, Any], limit: int = 300) -> dict[str, Any]:
    return {k: [str(v)[:limit] for v in pair] for k, pair in diff.items()}


def get_entry(session: Session, entry_id: int) -> KbEntry:
    entry = session.get(KbEntry, entry_id)
    if entry is None:
        raise LookupError(f"knowledge-base entry {entry_id} not found")
    return entry


def history(session: Session, entry_id: int) -> list[KbEntryVersion]:
    get_entry(session, entry_id)
    return list(
        session.scalars(
            select(KbEntryVersion)
            .where(KbEntryVersion.entry_id == entry_id)
            .order_by(KbEntryVersion.version)
        )
    )


def overdue(session: Session, today: date, agency_id: int | None = None) -> list[KbEntry]:
    """Published entries past their review date ("overdue for 현행화")."""
    query = select(KbEntry).where(
        KbEntry.status == "published", KbEntry.review_due.is_not(None), KbEntry.review_due < today
    )
    if agency_id is not None:
        query = query.where(KbEntry.owner_agency_id == agency_id)
    return list(session.scalars(query.order_by(KbEntry.review_due, KbEntry.id)))


def owner_dashboard(session: Session, today: date) -> list[dict[str, Any]]:
    """Per owner agency: entries, published, overdue, needing an answer."""
    rows = session.execute(
        select(
            Agency.id, Agency.code, Agency.name, Agency.kind,
            func.count(KbEntry.id),
            func.sum(case((KbEntry.status == "published", 1), else_=0)),
            func.sum(
                case(((KbEntry.status == "published") & (KbEntry.review_due < today), 1), else_=0)
            ),
            func.sum(case((KbEntry.needs_answer.is_(True), 1), else_=0)),
        )
        .join(KbEntry, KbEntry.owner_agency_id == Agency.id)
        .group_by(Agency.id, Agency.code, Agency.name, Agency.kind)
        .order_by(Agency.kind, Agency.code)
    ).all()
    return [
        {"agency_id": r[0], "code": r[1], "name": r[2], "kind": r[3], "entries": r[4],
         "published": int(r[5] or 0), "overdue": int(r[6] or 0), "needs_answer": int(r[7] or 0)}
        for r in rows
    ]


def send_reminders(session: Session, today: date) -> dict[int | None, int]:
    """Remind each owner of overdue entries (at most once a week per entry)."""
    since = utcnow() - timedelta(days=REMIND_EVERY_DAYS)
    recent = set(
        session.scalars(select(ReviewReminder.entry_id).where(ReviewReminder.sent_at >= since))
    )
    sent: dict[int | None, int] = {}
    for entry in overdue(session, today):
        if entry.id in recent:
            continue
        session.add(ReviewReminder(entry_id=entry.id, agency_id=entry.owner_agency_id,
                                   due=entry.review_due))
        sent[entry.owner_agency_id] = sent.get(entry.owner_agency_id, 0) + 1
    if sent:
        audit.record(session, None, "kb.reminders_sent",
                     detail={"per_agency": {str(k): v for k, v in sent.items()}})
    return sent


def reminders_for(session: Session, agency_id: int, limit: int = 100) -> list[ReviewReminder]:
    return list(
        session.scalars(
            select(ReviewReminder)
            .where(ReviewReminder.agency_id == agency_id)
            .order_by(ReviewReminder.sent_at.desc())
            .limit(limit)
        )
    )


EXPORT_FIELDS = ("id", "external_id", "kind", "status", "title", "program", "category",
                 "owner", "question_variants", "answer", "valid_from", "valid_to", "review_due",
                 "version", "needs_answer")


def export_rows(entries: Sequence[KbEntry]) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        out.append({
            "id": e.id, "external_id": e.external_id, "kind": e.kind, "status": e.status,
            "title": e.title, "program": e.program, "category": e.category,
            "owner": e.owner.code if e.owner else None,
            "question_variants": list(e.question_variants or []), "answer": e.answer,
            "valid_from": e.valid_from.isoformat() if e.valid_from else None,
            "valid_to": e.valid_to.isoformat() if e.valid_to else None,
            "review_due": e.review_due.isoformat() if e.review_due else None,
            "version": e.version, "needs_answer": e.needs_answer,
        })
    return out


def export(session: Session, user: User | None, fmt: str, agency_id: int | None = None) -> str:
    """Export entries as CSV or JSON lines; the export is audited."""
    if fmt not in ("csv", "jsonl"):
        raise BadRequest("format must be csv or jsonl")
    query = select(KbEntry).order_by(KbEntry.id)
    if agency_id is not None:
        query = query.where(KbEntry.owner_agency_id == agency_id)
    rows = export_rows(list(session.scalars(query)))
    audit.record(session, user, "kb.export", detail={"format": fmt, "rows": len(rows),
                                                     "agency_id": agency_id})
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for r in rows:
        writer.writerow(r | {"question_variants": " | ".join(r["question_variants"])})
    return buf.getvalue()


# -- the quarterly 현행화 workflow ----------------------------------------------------------


def confirm_unchanged(session: Session, user: User, entry_ids: Sequence[int],
                      today: date | None = None) -> list[int]:
    """Bulk review: each entry is confirmed as still right, with a new version recording it
    and its next review date. Entries outside the user's scope raise ScopeError, and nothing
    is confirmed."""
    today = today or date.today()
    entries = [get_entry(session, i) for i in dict.fromkeys(entry_ids)]
    for e in entries:
        _check_scope(user, e.owner_agency_id)
    for e in entries:
        e.review_due = today + timedelta(days=REVIEW_CYCLE_DAYS)
        e.version += 1
        e.updated_at = utcnow()
        session.flush()
        _add_version(session, e, user, "현행화: confirmed unchanged")
    if entries:
        audit.record(session, user, "kb.confirm_unchanged",
                     detail={"entries": [e.id for e in entries]})
    return [e.id for e in entries]


def version_snapshot(session: Session, entry_id: int, version: int) -> dict[str, Any]:
    row = session.scalar(select(KbEntryVersion).where(KbEntryVersion.entry_id == entry_id,
                                                      KbEntryVersion.version == version))
    if row is None:
        raise LookupError(f"entry {entry_id} has no version {version}")
    return dict(row.snapshot)


def diff_versions(session: Session, entry_id: int, a: int, b: int) -> dict[str, Any]:
    """Fields that differ between two versions, and a line diff of the answer."""
    import difflib

    sa, sb = version_snapshot(session, entry_id, a), version_snapshot(session, entry_id, b)
    fields = {k: [sa.get(k), sb.get(k)] for k in SNAPSHOT_FIELDS if sa.get(k) != sb.get(k)}
    answer = list(difflib.unified_diff(
        str(sa.get("answer") or "").splitlines(), str(sb.get("answer") or "").splitlines(),
        fromfile=f"v{a}", tofile=f"v{b}", lineterm=""))
    return {"entry_id": entry_id, "from": a, "to": b, "fields": fields, "answer_diff": answer}


def restore_version(session: Session, user: User, entry_id: int, version: int) -> KbEntry:
    """A new version whose content is that of an earlier one."""
    snap = version_snapshot(session, entry_id, version)
    entry = get_entry(session, entry_id)
    current = snapshot(entry)
    content = ("title", "program", "question_variants", "answer", "category", "status", "kind",
               "valid_from", "valid_to")
    changes = {k: snap.get(k) for k in content if snap.get(k) != current.get(k)}
    if not changes:
        raise BadRequest(f"version {version} has the same content as the current one")
    changes["change_note"] = f"restored version {version}"
    return update_entry(session, user, entry_id, EntryPatch(**changes))


def reassign_owner(session: Session, user: User, entry_id: int, agency_id: int,
                   note: str | None = None) -> KbEntry:
    """Move an entry to another department or district (the current owner's editor or an
    admin); audited and versioned."""
    entry = get_entry(session, entry_id)
    _check_scope(user, entry.owner_agency_id)
    if session.get(Agency, agency_id) is None:
        raise BadRequest(f"unknown owner agency {agency_id}")
    if entry.owner_agency_id == agency_id:
        raise BadRequest("the entry already belongs to that agency")
    before = entry.owner_agency_id
    entry.owner_agency_id = agency_id
    entry.version += 1
    entry.updated_at = utcnow()
    session.flush()
    _add_version(session, entry, user, note or f"owner {before} -> {agency_id}")
    audit.record(session, user, "kb.reassign", object_type="kb_entry", object_id=entry.id,
                 detail={"from": before, "to": agency_id, "note": note})
    return entry


def retire_expired(session: Session, today: date | None = None) -> list[int]:
    """Published entries past their validity date are retired (versioned, audited)."""
    today = today or date.today()
    rows = list(session.scalars(select(KbEntry).where(
        KbEntry.status == "published", KbEntry.valid_to.is_not(None), KbEntry.valid_to < today)))
    for e in rows:
        e.status = "retired"
        e.version += 1
        e.updated_at = utcnow()
        session.flush()
        _add_version(session, e, None, f"retired: valid until {e.valid_to}")
    if rows:
        audit.record(session, None, "kb.retire_expired", detail={"entries": [e.id for e in rows]})
    return [e.id for e in rows]
