"""Quality management API: forms, sampling, evaluations, disputes, calibration, surveys,
scorecards and the satisfaction KPI. Access rules: `dasan.access`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.db.models import User
from dasan.quality import evaluation, forms, sampling, scorecards, surveys
from dasan.web.deps import get_db, require_roles

router = APIRouter(prefix="/api/quality", tags=["quality"])
QA = require_roles(*access.SUPERVISORS)
MONTH = Query(..., pattern=r"^\d{4}-\d{2}$")


class ItemIn(BaseModel):
    key: str
    label_ko: str
    label_en: str = ""
    weight: float
    auto_fail: bool = False


class FormIn(BaseModel):
    code: str
    title_ko: str
    title_en: str = ""
    items: list[ItemIn]


class SampleIn(BaseModel):
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    random_per_agent: int = 4
    targeted_cap: int = 5
    long_handle_seconds: float = 900.0
    low_satisfaction_max: int = 2
    seed: int = 120
    replace: bool = False


class EvaluationIn(BaseModel):
    consultation_id: int
    form_id: int
    scores: dict[str, float]
    comments: dict[str, str] = Field(default_factory=dict)
    coaching_note: str = Field(default="", max_length=4000)
    calibration_id: int | None = None


class NoteIn(BaseModel):
    note: str = Field(default="", max_length=4000)


class ResolveIn(NoteIn):
    scores: dict[str, float] | None = None


class CalibrationIn(BaseModel):
    consultation_id: int
    form_id: int
    title: str = ""


class SurveyIn(BaseModel):
    consultation_id: int
    channel: str = Field(description="chat | call | sms | field_report")
    score: str | int = Field(description="1-5, or the ARS key pressed")
    comment: str | None = Field(default=None, max_length=1000)


class ChatSurveyIn(BaseModel):
    score: int
    comment: str | None = Field(default=None, max_length=1000)


@router.get("/forms")
def list_forms(db: Session = Depends(get_db),
               _user: User = Depends(require_roles(*access.CASE_READERS))
               ) -> list[dict[str, Any]]:
    forms.ensure_default_form(db)
    db.commit()
    return [forms.form_view(f) for f in forms.list_forms(db)]


@router.post("/forms", status_code=201)
def create_form(body: FormIn, db: Session = Depends(get_db), user: User = Depends(QA)
                ) -> dict[str, Any]:
    f = forms.create_form(db, user, body.code, body.title_ko, body.title_en,
                          [i.model_dump() for i in body.items])
    db.commit()
    return forms.form_view(f)


@router.post("/samples")
def draw_samples(body: SampleIn, db: Session = Depends(get_db), user: User = Depends(QA)
                 ) -> dict[str, Any]:
    rules = sampling.SamplingRules(body.random_per_agent, body.targeted_cap,
                                   body.long_handle_seconds, body.low_satisfaction_max, body.seed)
    counts = sampling.draw_month(db, user, body.month, rules, body.replace)
    db.commit()
    return {"month": body.month, "counts": counts, "total": sum(counts.values())}


@router.get("/samples")
def list_samples(month: str = MONTH, agent_id: int | None = None, db: Session = Depends(get_db),
                 _user: User = Depends(QA)) -> list[dict[str, Any]]:
    return [{"id": x.id, "consultation_id": x.consultation_id, "agent_id": x.agent_id,
             "reason": x.reason} for x in sampling.samples(db, month, agent_id)]


@router.get("/consultations/{cid}/review")
def review_material(cid: int, db: Session = Depends(get_db), user: User = Depends(QA)
                    ) -> dict[str, Any]:
    """The masked transcript the evaluator reads beside the form; for a call, the recorded
    legs the user may play and the masked speech-to-text with times."""
    messages = evaluation.transcript_masked(db, cid)
    return {"consultation_id": cid, "messages": messages,
            "call": evaluation.call_review(db, user, cid)}


@router.post("/evaluations", status_code=201)
def evaluate(body: EvaluationIn, db: Session = Depends(get_db), user: User = Depends(QA)
             ) -> dict[str, Any]:
    ev = evaluation.evaluate(db, user, body.consultation_id, body.form_id, body.scores,
                             body.comments, body.coaching_note, body.calibration_id)
    db.commit()
    return evaluation.evaluation_view(ev)


@router.get("/evaluations/mine")
def my_evaluations(db: Session = Depends(get_db),
                   user: User = Depends(require_roles(*access.FRONTLINE_AGENTS))
                   ) -> list[dict[str, Any]]:
    return [evaluation.evaluation_view(e) for e in evaluation.my_evaluations(db, user)]


@router.post("/evaluations/{eid}/acknowledge")
def acknowledge(eid: int, db: Session = Depends(get_db),
                user: User = Depends(require_roles(*access.FRONTLINE_AGENTS))) -> dict[str, Any]:
    ev = evaluation.acknowledge(db, user, eid)
    db.commit()
    return evaluation.evaluation_view(ev)


@router.post("/evaluations/{eid}/dispute")
def dispute(eid: int, body: NoteIn, db: Session = Depends(get_db),
            user: User = Depends(require_roles(*access.FRONTLINE_AGENTS))) -> dict[str, Any]:
    ev = evaluation.dispute(db, user, eid, body.note)
    db.commit()
    return evaluation.evaluation_view(ev)


@router.post("/evaluations/{eid}/resolve")
def resolve(eid: int, body: ResolveIn, db: Session = Depends(get_db), user: User = Depends(QA)
            ) -> dict[str, Any]:
    ev = evaluation.resolve(db, user, eid, body.note, body.scores)
    db.commit()
    return evaluation.evaluation_view(ev)


@router.post("/calibrations", status_code=201)
def create_calibration(body: CalibrationIn, db: Session = Depends(get_db),
                       user: User = Depends(QA)) -> dict[str, Any]:
    cal = evaluation.create_calibration(db, user, body.consultation_id, body.form_id, body.title)
    db.commit()
    return {"id": cal.id, "consultation_id": cal.consultation_id, "form_id": cal.form_id}


@router.get("/calibrations/{cal_id}")
def calibration(cal_id: int, db: Session = Depends(get_db), _user: User = Depends(QA)
                ) -> dict[str, Any]:
    return evaluation.calibration_spread(db, cal_id)


@router.post("/surveys", status_code=201)
def survey(body: SurveyIn, db: Session = Depends(get_db),
           _user: User = Depends(require_roles(*access.SURVEY_RECORDERS))) -> dict[str, Any]:
    """A survey answer from the ARS (key 1-5), SMS reply or field-report app."""
    row = surveys.answer(db, body.consultation_id, body.channel, body.score, body.comment)
    db.commit()
    return {"id": row.id, "consultation_id": row.consultation_id, "score": row.score}


@router.post("/surveys/chat/{cid}", status_code=201)
def chat_survey(cid: int, body: ChatSurveyIn,
                x_chat_token: str | None = Header(default=None),
                db: Session = Depends(get_db)) -> dict[str, Any]:
    """The citizen's answer after a chat (authorised by the chat token)."""
    from dasan.chat.service import authorize_citizen

    authorize_citizen(db, x_chat_token, cid)
    row = surveys.answer_chat(db, cid, body.score, body.comment)
    db.commit()
    return {"id": row.id, "consultation_id": cid, "score": row.score}


@router.get("/scorecards")
def scorecards_json(month: str = MONTH, group: str = Query("agent", pattern="^(agent|team)$"),
                    db: Session = Depends(get_db),
                    _user: User = Depends(require_roles(*access.QA_REPORT_READERS)),
                    ) -> list[dict[str, Any]]:
    if group == "team":
        return scorecards.team_scorecards(db, month)
    return scorecards.agent_scorecards(db, month)


@router.get("/scorecards.xlsx")
def scorecards_export(request: Request, month: str = MONTH, lang: str = "ko",
                      db: Session = Depends(get_db),
                      user: User = Depends(require_roles(*access.QA_REPORT_READERS))) -> Response:
    data = scorecards.scorecards_xlsx(db, month, "en" if lang == "en" else "ko")
    audit.record(db, user, "export.qa_scorecards", object_type="month", object_id=month,
                 ip=request.client.host if request.client else None)
    db.commit()
    return Response(data, media_type="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="qa-{month}.xlsx"'})


@router.get("/kpi")
def kpi(month: str = MONTH, db: Session = Depends(get_db),
        _user: User = Depends(require_roles(*access.QA_REPORT_READERS))) -> dict[str, Any]:
    start, end = sampling.month_bounds(month)
    return {"month": month, **surveys.kpi(db, start, end)}
