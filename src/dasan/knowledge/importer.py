"""Import the seed FAQ files into the knowledge base (idempotent: upsert by source id)."""

from __future__ import annotations

import csv
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.consultations.districts import DISTRICTS
from dasan.db.base import utcnow
from dasan.db.models import Agency, KbEntry, KbEntryVersion
from dasan.demo import department_for_category
from dasan.knowledge.editor_gists import clean_gists, seed_gists
from dasan.knowledge.editor_variants import merged, seed_variants
from dasan.knowledge.faq_source import (
    PYTEXTBOOK_FILE,
    FaqRecord,
    load_seed_records,
    title_key,
)
from dasan.knowledge.service import MAX_QUESTION_VARIANTS, REVIEW_CYCLE_DAYS, snapshot

# District names as citizens write them: 중랑구 and 중랑 (but not 중구 inside 중구청 matches only
# with its suffix, since a bare 중 is far too common).
_DISTRICT_NAMES = [(d.name_ko, d.code) for d in DISTRICTS] + [
    (d.name_ko[:-1], d.code) for d in DISTRICTS if len(d.name_ko) >= 3
]


# Service names whose owner is unambiguous; checked on the program name, then the title. They
# override the title classifier, which was trained on older pages (before e.g. 기후동행카드).
CATEGORY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("교통", ("기후동행카드", "따릉이", "버스", "지하철", "택시", "주차", "교통", "킥보드")),
    ("건강", ("손목닥터", "보건", "건강검진", "의료", "병원", "예방접종")),
    ("복지", ("복지", "수당", "기초생활", "장애", "돌봄", "어르신", "노인", "긴급지원")),
    ("환경", ("폐기물", "쓰레기", "미세먼지", "재활용", "기후환경", "녹지", "공원")),
    ("주택도시계획", ("주택", "임대", "전세", "재개발", "재건축", "청년안심")),
    ("경제", ("서울페이", "소상공인", "상품권", "일자리", "창업")),
    ("여성가족", ("출산", "육아", "아이돌봄", "보육", "임산부", "저출산")),
)


def rule_category(record: FaqRecord) -> str | None:
    for text in (record.program or "", record.title):
        for category, words in CATEGORY_RULES:
            if any(w in text for w in words):
                return category
    return None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    needs_answer: int = 0
    reference: int = 0  # reference records: the chatbot never answers with them
    title_only_drafts: int = 0  # questions without an answer yet (seoul-120-text.csv titles)
    with_editor_variants: int = 0  # entries given editor question variants from a file
    with_editor_gists: int = 0  # entries given the editors' gists of their answer

    def __str__(self) -> str:
        return (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.needs_answer} need an answer, {self.reference} reference records, "
                f"{self.title_only_drafts} title-only drafts, {self.with_editor_variants} "
                f"with editor question variants, {self.with_editor_gists} with editor gists")


def owner_code(record: FaqRecord) -> str:
    """District entries go to that district, the rest to the department of their category."""
    if record.source == "geumcheon":
        return "gu-11545"
    head = f"{record.program or ''} {record.title}"[:80]
    for name, code in _DISTRICT_NAMES:
        if name in head:
            return f"gu-{code}"
    return department_for_category(rule_category(record) or record.category)


def upsert_entry(session: Session, entry: KbEntry | None, external_id: str,
                 values: Mapping[str, object], *, source: str, review_due: date, origin: str,
                 pending: list[tuple[KbEntry, str]] | None = None) -> tuple[KbEntry, str]:
    """Create the entry, or update it with a new version when a value changed; returns the
    entry and what happened ("created", "updated" or "unchanged"). `origin` names where the
    values came from, in the version's change note. With `pending`, a new entry's first version
    waits there for :func:`add_first_versions` (one flush for a whole import)."""
    if entry is None:
        entry = KbEntry(external_id=external_id, kind="standard", source=source, version=1,
                        review_due=review_due, **values)
        session.add(entry)
        note = f"imported from {origin}"
        if pending is not None:
            pending.append((entry, note))
        else:
            add_first_versions(session, [(entry, note)])
        return entry, "created"
    if any(getattr(entry, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(entry, k, v)
        entry.version += 1
        entry.updated_at = utcnow()
        session.flush()
        session.add(KbEntryVersion(entry_id=entry.id, version=entry.version,
                                   snapshot=snapshot(entry),
                                   change_note=f"re-imported from {origin}"))
        return entry, "updated"
    return entry, "unchanged"


def add_first_versions(session: Session, created: Sequence[tuple[KbEntry, str]]) -> None:
    """Flush new entries (one batched insert) and record each one's version 1."""
    if not created:
        return
    session.flush()
    session.add_all([KbEntryVersion(entry_id=e.id, version=1, snapshot=snapshot(e),
                                    change_note=note) for e, note in created])


def staggered_review_due(external_id: str, today: date) -> date:
    """The seed carries no review dates: spread a quarterly cycle over entries by id."""
    offset = zlib.crc32(external_id.encode()) % (REVIEW_CYCLE_DAYS + 30)
    return today - timedelta(days=30) + timedelta(days=offset)


def import_records(
    session: Session, records: Iterable[FaqRecord], today: date | None = None,
    variants: Mapping[str, Sequence[str]] | None = None,
    gists: Mapping[str, Mapping[str, str]] | None = None,
) -> ImportReport:
    """Create or update one entry per record (keyed by ``<source>:<id>``); ``variants``
    (external id -> editor question variants, :mod:`dasan.knowledge.editor_variants`) are
    added after the record's own question; ``gists`` (external id -> {language: gist},
    :mod:`dasan.knowledge.editor_gists`) are stored as the entry's gists."""
    today = today or date.today()
    variants = variants or {}
    gists = gists or {}
    agencies = {code: aid for aid, code in session.execute(select(Agency.id, Agency.code))}
    if not agencies:
        raise ValueError("no agencies: seed the organisation first (dasan demo or dasan db seed)")
    existing = {e.external_id: e for e in session.scalars(select(KbEntry))}
    report = ImportReport()
    created: list[tuple[KbEntry, str]] = []
    for rec in records:
        ext = f"{rec.source}:{rec.external_id}"
        answer = rec.answer.strip()
        values = {
            "title": rec.title[:512],
            "program": rec.program,
            "question_variants": merged(
                [rec.question] if rec.question else [], variants.get(ext, ()), rec.title,
                MAX_QUESTION_VARIANTS),
            "answer": answer,
            # None without gists, as entries imported before the column have it
            "gists": clean_gists(gists.get(ext)) or None,
            "category": rule_category(rec) or rec.category,
            "owner_agency_id": agencies.get(owner_code(rec)),
            "needs_answer": not answer,
            "status": "published" if answer else "draft",
        }
        entry, what = upsert_entry(session, existing.get(ext), ext, values, source=rec.source,
                                   review_due=staggered_review_due(ext, today),
                                   origin=rec.source, pending=created)
        existing[ext] = entry
        setattr(report, what, getattr(report, what) + 1)
        report.with_editor_variants += int(ext in variants)
        report.with_editor_gists += int(bool(gists.get(ext)))
        report.needs_answer += int(not answer)
    from dasan.knowledge.quality import assess_entries

    add_first_versions(session, created)
    session.flush()
    verdicts = assess_entries(session, list(existing.values()), today)
    report.reference = verdicts["reference"]
    audit.record(session, None, "kb.import", detail={"report": str(report)})
    return report


def import_seed_faq(session: Session, data_dir: Path) -> ImportReport:
    """Import every seed FAQ file found under `data_dir` (../shared/data), with the
    project's editor question variants for the real FAQ (``editor_variants.seed_variants``)
    and the editors' gists of its answers (``editor_gists.seed_gists``),
    then the pytextbook titles no FAQ file covers, as drafts that need an answer."""
    report = import_records(session, load_seed_records(data_dir), variants=seed_variants(),
                            gists=seed_gists())
    pt_path = Path(data_dir) / PYTEXTBOOK_FILE
    if pt_path.is_file():
        report.title_only_drafts = import_title_only_drafts(session, pt_path)
    return report


def import_title_only_drafts(session: Session, path: Path) -> int:
    """seoul-120-text.csv rows whose title no entry has yet, as drafts needing an answer.

    That file's ``내용`` had its digits and most punctuation stripped before publication
    (PROVENANCE), so it is not imported as an answer: the question and its category are real
    and tell the owner what citizens ask about; the editor writes the answer. Idempotent.
    """
    agencies = {code: aid for aid, code in session.execute(select(Agency.id, Agency.code))}
    known: set[str] = set()
    existing_ext: set[str] = set()
    for title, variants, ext in session.execute(
            select(KbEntry.title, KbEntry.question_variants, KbEntry.external_id)):
        known.add(title_key(title))
        known.update(title_key(v) for v in (variants or []))
        if ext:
            existing_ext.add(ext)
    drafts: list[tuple[KbEntry, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            title = " ".join((row.get("제목") or "").split())
            number = (row.get("번호") or "").strip()
            category = (row.get("분류") or "").strip() or None
            ext = f"pytextbook:{number}"
            key = title_key(title)
            if len(title) < 2 or not number or key in known or ext in existing_ext:
                continue
            known.add(key)
            rec = FaqRecord(number, title[:512], None, title, "", category, "pytextbook")
            entry = KbEntry(external_id=ext, kind="standard", source="pytextbook", version=1,
                            title=title[:512], question_variants=[], answer="",
                            category=rule_category(rec) or category,
                            owner_agency_id=agencies.get(owner_code(rec)), needs_answer=True,
                            status="draft", review_due=staggered_review_due(ext, date.today()))
            session.add(entry)
            drafts.append((entry, "title imported from seoul-120-text.csv; "
                                  "answer to be written"))
    add_first_versions(session, drafts)
    created = len(drafts)
    if created:
        audit.record(session, None, "kb.import_titles", detail={"drafts": created})
    return created
