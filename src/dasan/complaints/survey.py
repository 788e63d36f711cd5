"""The satisfaction survey after a field report (issue 17): once the district has resolved or
rejected the report, the citizen rates the handling 1-5 on the tracking page (the page the
status notices link to). The answer joins the report's consultation through
`dasan.quality.surveys` (once: a second answer is refused and changes nothing), so QA, the
scorecards and the KPI use it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dasan.complaints.status import CLOSED
from dasan.db.models_complaints import ServiceRequest
from dasan.db.models_quality import SurveyAnswer
from dasan.errors import Conflict
from dasan.quality import surveys


def state(session: Session, row: ServiceRequest) -> str:
    """`not_yet` (still being handled), `open` (may be answered) or `answered`."""
    if row.status not in CLOSED or row.consultation_id is None:
        return "not_yet"
    return "answered" if surveys.answered(session, row.consultation_id) else "open"


def answer(session: Session, row: ServiceRequest, raw_score: Any,
           comment: str | None = None) -> SurveyAnswer:
    """Record the citizen's rating of a closed report (caller commits)."""
    if row.status not in CLOSED or row.consultation_id is None:
        raise Conflict("the survey opens when the report has been handled",
                       code="report_not_closed")
    return surveys.answer(session, row.consultation_id, "field_report", raw_score,
                          (comment or "").strip() or None)
