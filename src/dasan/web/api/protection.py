"""Malicious-caller programme API: nominations, reviews, appeals, legal cases, evidence bundles,
agent care, statistics. Roles: agents nominate, hand over and answer care offers; supervisors
review, track legal cases and export masked evidence; raw evidence is for admins only."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.protection import evidence, programme
from dasan.web.deps import get_db, require_roles
from dasan.web.live import hub_of
from dasan.web.responses import errors_doc, files_doc

router = APIRouter(prefix="/api/protection", tags=["protection"])


class NominateIn(BaseModel):
    incident_id: int | None = Field(default=None, description="the abuse incident (required)")
    evidence_note: str = Field(default="", max_length=4000)


class ReviewIn(BaseModel):
    approve: bool
    note: str = Field(default="", max_length=2000)
    period_days: int = programme.DEFAULT_PERIOD_DAYS
    review_days: int = programme.DEFAULT_REVIEW_DAYS


class NoteIn(BaseModel):
    note: str = Field(min_length=1, max_length=4000)


class CaseIn(BaseModel):
    designation_id: int
    agent_statement: str = Field(default="", max_length=8000)


class StageIn(BaseModel):
    stage: str
    note: str = Field(default="", max_length=1000)
    outcome: str | None = Field(default=None, max_length=128)


class CareIn(BaseModel):
    taken: bool


class CounsellingIn(BaseModel):
    agent_id: int | None = Field(default=None, description="default: the caller's own agent")
    incident_id: int | None = None


class ReviewDecisionIn(BaseModel):
    keep: bool
    note: str = Field(min_length=1, max_length=2000)
    review_days: int = programme.DEFAULT_REVIEW_DAYS


@router.post("/nominations", status_code=201)
def nominate(body: NominateIn, db: Session = Depends(get_db),
             user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    d = programme.nominate(db, user, body.incident_id, body.evidence_note)
    db.commit()
    return programme.designation_view(d)


@router.get("/designations")
def designations(status: str | None = None, db: Session = Depends(get_db),
                 _user: User = Depends(require_roles(*access.SUPERVISORS))) -> list[dict[str, Any]]:
    return [programme.designation_view(d) for d in programme.designations(db, status)]


@router.post("/designations/{did}/review")
def review(did: int, body: ReviewIn, db: Session = Depends(get_db),
           user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    d = programme.review(db, user, did, body.approve, body.note, body.period_days,
                         body.review_days)
    db.commit()
    return programme.designation_view(d)


@router.post("/designations/{did}/periodic-review")
def periodic_review(did: int, body: ReviewDecisionIn, db: Session = Depends(get_db),
                    user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    """A designation whose review date passed: keep it (next review date) or end it."""
    d = programme.decide_review(db, user, did, body.keep, body.note, body.review_days)
    db.commit()
    return programme.designation_view(d)


@router.get("/consultations/{cid}/incidents")
def incidents(cid: int, db: Session = Depends(get_db),
              user: User = Depends(require_roles(*access.AGENTS))) -> list[dict[str, Any]]:
    """The contact's abuse incidents, for the desktop's nomination button."""
    rows = programme.incidents_of(db, user, cid)
    db.commit()
    return rows


@router.post("/designations/{did}/appeal")
def appeal(did: int, body: NoteIn, db: Session = Depends(get_db),
           user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    d = programme.appeal(db, user, did, body.note)
    db.commit()
    return programme.designation_view(d)


@router.post("/designations/{did}/revoke")
def revoke(did: int, body: NoteIn, db: Session = Depends(get_db),
           user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    d = programme.revoke(db, user, did, body.note)
    db.commit()
    return programme.designation_view(d)


@router.post("/legal-cases", status_code=201)
def open_case(body: CaseIn, db: Session = Depends(get_db),
              user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    c = programme.open_case(db, user, body.designation_id, body.agent_statement)
    db.commit()
    return programme.case_view(c)


@router.post("/legal-cases/{case_id}/stage")
def advance(case_id: int, body: StageIn, db: Session = Depends(get_db),
            user: User = Depends(require_roles(*access.SUPERVISORS))) -> dict[str, Any]:
    c = programme.advance_case(db, user, case_id, body.stage, body.note, body.outcome)
    db.commit()
    return programme.case_view(c)


class RevealIn(BaseModel):
    reason: str = Field(max_length=500, description="why the raw text is needed (audited)")


@router.post("/legal-cases/{case_id}/statement/reveal",
             responses=errors_doc(401, 403, 404, 422, 429))
def reveal_statement(case_id: int, body: RevealIn, request: Request,
                     db: Session = Depends(get_db),
                     user: User = Depends(require_roles(*access.STAFF))
                     ) -> dict[str, Any]:
    """원문 보기 of the agent's statement (shown masked on the case page): supervisors and
    admins, with a reason, within the reveal limit; audited. Any other staff role is refused
    by the reveal's own check, so the refusal is in the reveal log."""
    return programme.reveal_statement(db, user, case_id, body.reason,
                                      ip=request.client.host if request.client else None)


@router.get("/citizens/{citizen_id}/evidence",
            responses={**files_doc("application/zip"), **errors_doc(401, 403, 404, 422, 429)})
def export_evidence(citizen_id: int, request: Request, raw: bool = Query(False),
                    reason: str | None = Query(None, max_length=500, description=(
                        "why the raw transcripts are needed (required with raw; audited)")),
                    db: Session = Depends(get_db),
                    user: User = Depends(require_roles(*access.EVIDENCE_REQUESTERS))
                    ) -> Response:
    """ZIP with manifest + SHA-256 per file (masked; raw transcripts for admins only, with a
    reason: a raw bundle is a reveal - audited, in the reveal log, within the reveal limit)."""
    bundle = evidence.build_bundle(db, user, citizen_id, raw, reason,
                                   ip=request.client.host if request.client else None)
    db.commit()
    name = f"evidence-{citizen_id}-{bundle.export_id}.zip"
    return Response(bundle.data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Manifest-SHA256": bundle.manifest_sha256})


@router.post("/care/{care_id}")
def answer_care(care_id: int, body: CareIn, db: Session = Depends(get_db),
                user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    row = programme.answer_care(db, user, care_id, body.taken)
    db.commit()
    return {"id": row.id, "kind": row.kind, "status": row.status}


@router.post("/counselling", status_code=201)
def counselling(body: CounsellingIn, db: Session = Depends(get_db),
                user: User = Depends(require_roles(*access.AGENTS))) -> dict[str, Any]:
    row = programme.refer_counselling(db, user, body.agent_id, body.incident_id)
    db.commit()
    return {"id": row.id, "kind": row.kind, "message_ko": programme.COUNSELLING_KO}


@router.post("/consultations/{cid}/to-dedicated-team")
async def to_dedicated_team(cid: int, request: Request, db: Session = Depends(get_db),
                            user: User = Depends(require_roles(*access.AGENTS))
                            ) -> dict[str, Any]:
    """One click: hand the contact to the 전담 team's queue (a live call is transferred there
    by the gateway holding it)."""
    from dasan.voice import cti

    handed = programme.hand_to_dedicated_team(db, user, cid)
    db.commit()
    hub = hub_of(request.app)
    if handed.call_command is not None:
        await cti.send(hub.pubsub, handed.call_command)
    await hub.assign()
    return {"consultation_id": handed.consultation.id, "queue": access.SEPARATED_QUEUE}


@router.get("/statistics")
def statistics(year: int = Query(default_factory=lambda: date.today().year, ge=2000, le=2100),
               db: Session = Depends(get_db),
               _user: User = Depends(require_roles(*access.FLOOR_REPORT_READERS))
               ) -> dict[str, Any]:
    return programme.statistics(db, year)
