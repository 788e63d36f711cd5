"""Import a city's own Standard Consultation DB export: CSV, XLSX or JSON lines.

Columns (header names; Korean names in brackets are accepted too):

* ``external_id`` [외부ID] -- the city's id of the entry; required, unique in the file
* ``title`` [제목] -- the question as editors see it; required
* ``question_variants`` [질문변형] -- other wordings, separated by ``|`` (JSONL: a list)
* ``answer`` [답변] -- the standard answer; empty = a draft that needs an answer
* ``category`` [분류], ``owner`` [소관] (agency code, e.g. ``city-transport`` or ``gu-11545``)
* ``valid_from`` / ``valid_to`` [시작일 / 종료일] (YYYY-MM-DD), ``status`` [상태]
  (``draft`` | ``published`` | ``retired``; default published when there is an answer)

Each bad row gets a message (row number, what is wrong) and is skipped; the rest goes on. An
answer containing HTML script or event-handler markup is refused. Rows upsert by external id
(``file:<external_id>``), with a version per change, and answerability is assessed.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.db.models import Agency, KbEntry
from dasan.errors import BadRequest, DomainError
from dasan.knowledge.importer import upsert_entry
from dasan.knowledge.service import MAX_QUESTION_VARIANTS, REVIEW_CYCLE_DAYS

COLUMNS = {
    "external_id": ("external_id", "외부id", "외부ID", "id", "번호"),
    "title": ("title", "제목", "질문"),
    "question_variants": ("question_variants", "질문변형", "유사질문"),
    "answer": ("answer", "답변", "본문", "내용"),
    "category": ("category", "분류"),
    "owner": ("owner", "소관", "소관기관"),
    "valid_from": ("valid_from", "시작일"),
    "valid_to": ("valid_to", "종료일"),
    "status": ("status", "상태"),
}
STATUSES = ("draft", "published", "retired")
_UNSAFE = re.compile(r"<\s*/?\s*script\b|javascript\s*:|\son[a-z]+\s*=", re.IGNORECASE)
MAX_ROWS = 50_000


class ImportFileError(Exception):
    """The file as a whole cannot be read (unknown format, no header, missing columns)."""


# A small knowledge base in the project's own words, used by `dasan demo` where no seed data
# folder is given (see demo_kb/README.md).
DEMO_KB = Path(__file__).parent / "demo_kb" / "demo_kb.jsonl"


@dataclass
class FileImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.rows} rows: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {len(self.errors)} refused")


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames:
                raise ImportFileError(f"{path.name}: no header row")
            for n, row in enumerate(reader, start=2):
                yield n, dict(row)
    elif suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield n, {"__error__": f"not valid JSON ({exc.msg})"}
                    continue
                yield n, obj if isinstance(obj, dict) else {"__error__": "not a JSON object"}
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(path, read_only=True, data_only=True).active
        if ws is None:
            raise ImportFileError(f"{path.name}: no worksheet")
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if not header:
            raise ImportFileError(f"{path.name}: no header row")
        names = [str(h or "").strip() for h in header]
        for n, values in enumerate(it, start=2):
            yield n, {k: v for k, v in zip(names, values, strict=False) if k}
    else:
        raise ImportFileError(f"{path.name}: unknown format (use .csv, .xlsx or .jsonl)")


def _pick(row: dict[str, Any], name: str) -> Any:
    for key in COLUMNS[name]:
        if key in row and row[key] not in (None, ""):
            return row[key]
    return None


def _date(value: Any, name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value if not hasattr(value, "date") else value.date()  # datetime from XLSX
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise BadRequest(f"{name} {value!r} is not a date (YYYY-MM-DD)") from exc


def _clean_row(row: dict[str, Any], agencies: dict[str, int]) -> dict[str, Any]:
    """The entry's values, or ValueError with a message for the editor."""
    if "__error__" in row:
        raise BadRequest(row["__error__"])
    ext = _pick(row, "external_id")
    title = str(_pick(row, "title") or "").strip()
    if ext is None or not str(ext).strip():
        raise BadRequest("no external_id")
    if len(title) < 2:
        raise BadRequest("no question (title)")
    if len(title) > 512:
        raise BadRequest("title longer than 512 characters")
    answer = str(_pick(row, "answer") or "").strip()
    if _UNSAFE.search(answer) or _UNSAFE.search(title):
        raise BadRequest("answer contains script or event-handler markup")
    if len(answer) > 20000:
        raise BadRequest("answer longer than 20,000 characters")
    raw_variants = _pick(row, "question_variants")
    if isinstance(raw_variants, list):
        variants = [str(v).strip() for v in raw_variants if str(v).strip()]
    else:
        variants = [v.strip() for v in str(raw_variants or "").split("|") if v.strip()]
    owner = _pick(row, "owner")
    owner_id = None
    if owner is not None:
        owner_id = agencies.get(str(owner).strip())
        if owner_id is None:
            raise BadRequest(f"unknown owner agency {owner!r}")
    status = str(_pick(row, "status") or ("published" if answer else "draft")).strip()
    if status not in STATUSES:
        raise BadRequest(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if status == "published" and not answer:
        raise BadRequest("a published entry needs an answer")
    vf, vt = _date(_pick(row, "valid_from"), "valid_from"), _date(_pick(row, "valid_to"),
                                                                  "valid_to")
    if vf and vt and vt < vf:
        raise BadRequest("valid_to is before valid_from")
    category = _pick(row, "category")
    return {"external_id": f"file:{str(ext).strip()[:58]}", "title": title,
            "question_variants": variants[:MAX_QUESTION_VARIANTS], "answer": answer,
            "category": str(category).strip()[:64] if category else None,
            "owner_agency_id": owner_id, "status": status, "needs_answer": not answer,
            "valid_from": vf, "valid_to": vt}


def import_file(session: Session, path: Path | str, today: date | None = None
                ) -> FileImportReport:
    """Import one export file; bad rows are reported and skipped. ImportFileError when the
    file cannot be read at all."""
    from datetime import timedelta

    from dasan.knowledge.quality import assess_entries

    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"no such file: {path}")
    today = today or date.today()
    agencies = {code: aid for aid, code in session.execute(select(Agency.id, Agency.code))}
    existing = {e.external_id: e for e in session.scalars(
        select(KbEntry).where(KbEntry.external_id.like("file:%")))}
    report = FileImportReport()
    seen: dict[str, int] = {}
    touched: list[KbEntry] = []
    for n, row in _rows(path):
        report.rows += 1
        if report.rows > MAX_ROWS:
            report.errors.append((n, f"more than {MAX_ROWS} rows: the rest was not read"))
            break
        try:
            values = _clean_row(row, agencies)
        except (ValueError, DomainError) as exc:
            report.errors.append((n, str(exc)))
            continue
        ext = values.pop("external_id")
        if ext in seen:
            report.errors.append((n, f"duplicate external_id (first on row {seen[ext]})"))
            continue
        seen[ext] = n
        entry, what = upsert_entry(session, existing.get(ext), ext, values, source="file",
                                   review_due=today + timedelta(days=REVIEW_CYCLE_DAYS),
                                   origin=path.name)
        setattr(report, what, getattr(report, what) + 1)
        touched.append(entry)
    session.flush()
    assess_entries(session, touched, today)
    audit.record(session, None, "kb.import_file",
                 detail={"file": path.name, "report": str(report),
                         "errors": [f"row {n}: {m}" for n, m in report.errors[:50]]})
    return report
