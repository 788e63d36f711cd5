"""Drill-down: the consultations behind any figure, and CSV export one row per consultation."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.filters import Filters
from dasan.consultations.channels import CHANNEL_BY_CODE, OUTCOME_LABELS_KO
from dasan.consultations.districts import DISTRICT_BY_CODE
from dasan.errors import BadRequest
from dasan.text.record_clean import for_record, with_termination

MAX_PAGE = 500
CSV_BATCH = 20_000

EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "상담번호"),
    ("started_at", "시작시각(현지)"),
    ("channel", "채널"),
    ("queue", "큐"),
    ("agent", "상담사"),
    ("outcome", "처리결과"),
    ("district", "자치구"),
    ("category", "분야"),
    ("program", "사업"),
    ("subject", "질문(마스킹)"),
    ("summary", "요약(마스킹)"),
    ("language", "언어"),
    ("wait_seconds", "대기(초)"),
    ("handle_seconds", "처리(초)"),
)

_SELECT = (
    "SELECT c.id, c.started_local, c.channel, q.name AS queue, a.name AS agent, c.outcome, "
    "c.district_code, c.category, c.program, c.subject, c.summary, c.language, "
    "c.wait_seconds, c.handle_seconds FROM consultations c "
    "LEFT JOIN queues q ON q.id = c.queue_id LEFT JOIN agents a ON a.id = c.agent_id"
)

_mask_cache: dict[str, str] = {}


def _masked(text: str | None) -> str:
    """Mask personal data; repeated question texts are masked once."""
    if not text:
        return ""
    hit = _mask_cache.get(text)
    if hit is None:
        hit = for_record(text)
        if len(_mask_cache) < 50_000:
            _mask_cache[text] = hit
    return hit


def _row(r: tuple[Any, ...]) -> dict[str, Any]:
    (cid, started, channel, queue, agent, outcome, district, category, program, subject,
     summary, language, wait, handle) = r
    d = DISTRICT_BY_CODE.get(district or "")
    ch = CHANNEL_BY_CODE.get(channel)
    return {
        "id": int(cid),
        "started_at": started.isoformat(sep=" ", timespec="seconds"),
        "channel": ch.name_ko if ch else channel,
        "queue": queue or "",
        "agent": agent or "",
        "outcome": OUTCOME_LABELS_KO.get(outcome, outcome),
        "district": d.name_ko if d else "",
        "category": category or "",
        "program": program or "",
        "subject": _masked(subject),
        "summary": with_termination(_masked(summary), outcome),
        "language": language,
        "wait_seconds": wait,
        "handle_seconds": handle,
    }


def count(engine: AnalyticsEngine, filters: Filters) -> int:
    where, params = filters.where()
    return int(engine.rows(f"SELECT count(*) FROM consultations c WHERE {where}", params)[0][0])


def page(engine: AnalyticsEngine, filters: Filters, limit: int = 100, offset: int = 0
         ) -> list[dict[str, Any]]:
    """One page of the consultations behind a figure, newest first."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadRequest(f"limit must be 1..{MAX_PAGE}")
    if offset < 0:
        raise BadRequest("offset must be >= 0")
    where, params = filters.where()
    rows = engine.rows(
        f"{_SELECT} WHERE {where} ORDER BY c.started_at DESC, c.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_row(r) for r in rows]


def csv_chunks(engine: AnalyticsEngine, filters: Filters) -> Iterator[str]:
    """CSV (UTF-8 with BOM so that Excel reads Korean) one row per consultation, streamed."""
    where, params = filters.where()
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow([ko for _k, ko in EXPORT_COLUMNS])
    yield buf.getvalue()
    cur = engine.cursor()
    try:
        cur.execute(f"{_SELECT} WHERE {where} ORDER BY c.started_at, c.id", params)
        while True:
            rows = cur.fetchmany(CSV_BATCH)
            if not rows:
                break
            buf = io.StringIO()
            writer = csv.writer(buf)
            for r in rows:
                d = _row(r)
                writer.writerow([d[k] for k, _ko in EXPORT_COLUMNS])
            yield buf.getvalue()
    finally:
        cur.close()


def write_csv(engine: AnalyticsEngine, filters: Filters, path: str) -> int:
    """Write the CSV export to a file; returns the number of consultations written."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for chunk in csv_chunks(engine, filters):
            fh.write(chunk)
    return count(engine, filters)
