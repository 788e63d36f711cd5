"""Pages of issue 17: the crisis playbooks (`/crisis/playbooks`), the malicious-caller programme
(`/protection`, legal case files `/protection/legal-cases`), and quality management (`/qa`,
`/qa/evaluate/{id}`, `/qa/mine`, calibration sessions `/qa/calibrations`).

Server-rendered forms (no inline script: a strict CSP is coming); each POST calls the same room
function as the JSON API and redirects back (303) with a notice or shows the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.errors import DomainError
from dasan.privacy import reveal
from dasan.protection import crisis_playbook, evidence, programme, welfare
from dasan.quality import evaluation, forms, sampling, scorecards
from dasan.text.crisis import KINDS
from dasan.timeutil import local_today
from dasan.web.deps import get_db, require_page_roles
from dasan.web.templating import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, user: User, **ctx: Any) -> Response:
    return templates.TemplateResponse(request, name, {"user": user, **ctx})


def _back(path: str, notice: str = "", error: str = "") -> RedirectResponse:
    q = f"?notice={quote(notice)}" if notice else f"?error={quote(error)}" if error else ""
    return RedirectResponse(path + q, status_code=303)


def _month(value: str | None) -> str:
    return value if value and len(value) == 7 else local_today().strftime("%Y-%m")


# --- crisis playbooks -----------------------------------------------------------------------


@router.get("/crisis/playbooks", response_class=HTMLResponse)
def playbooks_page(request: Request, db: Session = Depends(get_db),
                   user: User = Depends(require_page_roles(*access.SUPERVISORS))) -> Response:
    books = [crisis_playbook.playbook_view(p) for p in crisis_playbook.playbooks(db)]
    queues = crisis_playbook.queue_choices(db)
    agents = crisis_playbook.trained_agents(db)
    db.commit()
    code = request.query_params.get("code") or ""
    error = request.query_params.get("error")
    known = crisis_playbook.ERRORS.get(code)
    return _page(request, "care/playbooks.html", user, books=books, queues=queues,
                 agents=agents, notice=request.query_params.get("notice"),
                 error=None if known else error, error_text=known)


def _playbook_back(notice: str = "", code: str = "", error: str = "") -> RedirectResponse:
    if code:
        return RedirectResponse(f"/crisis/playbooks?code={quote(code)}&error={quote(error)}",
                                status_code=303)
    return _back("/crisis/playbooks", notice=notice)


@router.post("/crisis/playbooks/trained")
def playbook_trained(agent: list[str] = Form(default=[]),
                     db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.SUPERVISORS))) -> Response:
    """The crisis-trained agents: exactly the checked ones."""
    try:
        chosen = crisis_playbook.set_trained_agents(db, user, agent)
    except DomainError as exc:
        db.rollback()
        return _playbook_back(code=exc.code, error=exc.message)
    db.commit()
    return _playbook_back(notice=f"{len(chosen)}")


@router.post("/crisis/playbooks/{kind}")
def playbook_save(kind: str, db: Session = Depends(get_db),
                  user: User = Depends(require_page_roles(*access.SUPERVISORS)),
                  guidance_ko: str = Form(""), guidance_en: str = Form(""),
                  handover: str = Form(""), welfare_case: str = Form("consent"),
                  priority: str = Form("10"), queue_code: str = Form(""),
                  escalate_after_seconds: str = Form("")) -> Response:
    """`handover`: one line per number, '한국어 이름 | English label | number' (the English
    label may be left out: 'label | number'). Numbers arrive as text so that a bad one gets the
    page's Korean refusal, not a JSON 422."""
    if kind not in KINDS:
        return _playbook_back(code="unknown_kind", error=kind)
    items = []
    for line in handover.splitlines():
        if line.strip():
            parts = [p.strip() for p in line.split("|")]
            items.append({"label_ko": parts[0] if len(parts) > 1 else "",
                          "label_en": parts[1] if len(parts) > 2 else "",
                          "number": parts[-1]})
    changes: dict[str, Any] = {"guidance_ko": guidance_ko, "guidance_en": guidance_en,
                               "handover": items, "welfare_case": welfare_case,
                               "priority": priority}
    if queue_code:
        changes["queue_code"] = queue_code
    if escalate_after_seconds:
        changes["escalate_after_seconds"] = escalate_after_seconds
    try:
        crisis_playbook.update_playbook(db, user, kind, changes)
    except DomainError as exc:
        db.rollback()
        return _playbook_back(code=exc.code, error=exc.message)
    db.commit()
    return _playbook_back(notice=kind)


@router.get("/crisis/dong-centres", response_class=HTMLResponse)
def dong_centres_page(request: Request, db: Session = Depends(get_db),
                      user: User = Depends(require_page_roles(*access.DONG_DIRECTORY_EDITORS))
                      ) -> Response:
    """The 동 주민센터 directory, one district at a time (welfare cases are notified to it)."""
    from dasan.consultations.districts import DISTRICT_BY_CODE, DISTRICTS

    district = request.query_params.get("district") or DISTRICTS[0].code
    if district not in DISTRICT_BY_CODE:
        district = DISTRICTS[0].code
    rows = [welfare.centre_view(c) for c in welfare.centres(db, district)]
    db.commit()  # seeded on first use
    return _page(request, "care/dong_centres.html", user, rows=rows, districts=DISTRICTS,
                 district=DISTRICT_BY_CODE[district], notice=request.query_params.get("notice"),
                 error=None,
                 error_text=welfare.ERRORS.get(request.query_params.get("code") or ""))


@router.post("/crisis/dong-centres/{dong_code}")
def dong_centre_save(dong_code: str, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.DONG_DIRECTORY_EDITORS)),
                     centre_name: str = Form(""), phone: str = Form(""),
                     sms_number: str = Form(""), webhook_url: str = Form("")) -> Response:
    back = f"/crisis/dong-centres?district={quote(dong_code[:5])}"
    try:
        row = welfare.update_centre(db, user, dong_code, {
            "centre_name": centre_name, "phone": phone, "sms_number": sms_number,
            "webhook_url": webhook_url})
    except DomainError as exc:
        db.rollback()
        return RedirectResponse(f"{back}&code={quote(exc.code)}", status_code=303)
    db.commit()
    return RedirectResponse(f"{back}&notice={quote(row.dong_name)}", status_code=303)


# --- malicious-caller programme -------------------------------------------------------------


@router.get("/protection", response_class=HTMLResponse)
def protection_page(request: Request, db: Session = Depends(get_db),
                    user: User = Depends(require_page_roles(*access.SUPERVISORS))) -> Response:
    year = date.today().year
    return _page(request, "care/protection.html", user,
                 designations=[programme.designation_view(d)
                               for d in programme.designations(db)],
                 review_queue=[programme.designation_view(d)
                               for d in programme.designations(db, "review_due")],
                 stats=programme.statistics(db, year),
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


@router.post("/protection/designations/{did}/review")
def protection_review(did: int, db: Session = Depends(get_db),
                      user: User = Depends(require_page_roles(*access.SUPERVISORS)),
                      decision: str = Form(...), note: str = Form(""),
                      period_days: int = Form(programme.DEFAULT_PERIOD_DAYS)) -> Response:
    return _designation_step(db, did, lambda: programme.review(
        db, user, did, decision == "approve", note, period_days,
        min(programme.DEFAULT_REVIEW_DAYS, period_days)))


def _designation_step(db: Session, did: int, step: Callable[[], object]) -> Response:
    """One supervisor step on a designation: commit it, or roll back and show the refusal."""
    try:
        step()
    except DomainError as exc:
        db.rollback()
        return _back("/protection", error=exc.message)
    db.commit()
    return _back("/protection", notice=f"#{did}")


@router.post("/protection/designations/{did}/periodic-review")
def protection_periodic_review(did: int, db: Session = Depends(get_db),
                               user: User = Depends(require_page_roles(*access.SUPERVISORS)),
                               decision: str = Form(...), note: str = Form(""),
                               review_days: int = Form(programme.DEFAULT_REVIEW_DAYS)
                               ) -> Response:
    return _designation_step(db, did, lambda: programme.decide_review(
        db, user, did, decision == "keep", note, review_days))


@router.post("/protection/designations/{did}/appeal")
def protection_appeal(did: int, db: Session = Depends(get_db),
                      user: User = Depends(require_page_roles(*access.SUPERVISORS)),
                      note: str = Form("")) -> Response:
    """The citizen's appeal, recorded by a supervisor (by letter, phone or in person)."""
    return _designation_step(db, did, lambda: programme.appeal(db, user, did, note))


@router.post("/protection/designations/{did}/revoke")
def protection_revoke(did: int, db: Session = Depends(get_db),
                      user: User = Depends(require_page_roles(*access.SUPERVISORS)),
                      note: str = Form("")) -> Response:
    """The appeal upheld (or the separation ended early): the caller leaves the registry."""
    return _designation_step(db, did, lambda: programme.revoke(db, user, did, note))


# --- quality management ---------------------------------------------------------------------


@router.get("/qa", response_class=HTMLResponse)
def qa_page(request: Request, db: Session = Depends(get_db),
            user: User = Depends(require_page_roles(*access.FLOOR_REPORT_READERS))) -> Response:
    month = _month(request.query_params.get("month"))
    form = forms.ensure_default_form(db)
    db.commit()
    return _page(request, "care/qa.html", user, month=month, form=forms.form_view(form),
                 samples=sampling.samples(db, month)[:300],
                 cards=(cards := scorecards.agent_scorecards(db, month)),
                 teams=scorecards.team_scorecards(db, month, cards),
                 can_manage=access.has_role(user, access.SUPERVISORS),
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


@router.post("/qa/samples")
def qa_draw(db: Session = Depends(get_db),
            user: User = Depends(require_page_roles(*access.SUPERVISORS)),
            month: str = Form(...), random_per_agent: int = Form(4)) -> Response:
    try:
        counts = sampling.draw_month(db, user, month,
                                     sampling.SamplingRules(random_per_agent=random_per_agent))
    except DomainError as exc:
        db.rollback()
        return _back(f"/qa?month={month}", error=exc.message)
    db.commit()
    return RedirectResponse(f"/qa?month={month}&notice={sum(counts.values())}", status_code=303)


def _eval_form(db: Session, raw: str | None) -> Any:
    """The form to score on: an active form chosen on the page, else the standard one."""
    if raw and raw.isdigit():
        chosen = forms.get_form(db, int(raw))
        if chosen.active:
            return chosen
    return forms.ensure_default_form(db)


@router.get("/qa/evaluate/{cid}", response_class=HTMLResponse)
def qa_evaluate_page(cid: int, request: Request, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.SUPERVISORS))) -> Response:
    """The evaluator's page: the masked transcript (a call's recording player and masked
    speech-to-text with times) beside the form."""
    form = _eval_form(db, request.query_params.get("form"))
    db.commit()
    raw_cal = request.query_params.get("calibration", "")
    calibration = int(raw_cal) if raw_cal.isdigit() else None
    if calibration:
        form = forms.get_form(db, evaluation.get_calibration(db, calibration).form_id)
    call = evaluation.call_review(db, user, cid)
    db.commit()
    return _page(request, "care/evaluate.html", user, cid=cid, form=forms.form_view(form),
                 forms_active=[forms.form_view(f) for f in forms.list_forms(db) if f.active],
                 messages=evaluation.transcript_masked(db, cid), call=call,
                 calibration=calibration, error=request.query_params.get("error"),
                 can_reveal=reveal.may_reveal_any(user))


@router.post("/qa/evaluate/{cid}")
async def qa_evaluate(cid: int, request: Request, db: Session = Depends(get_db),
                      user: User = Depends(require_page_roles(*access.SUPERVISORS))) -> Response:
    data = await request.form()
    raw_cal = str(data.get("calibration_id", ""))
    cal_id = int(raw_cal) if raw_cal.isdigit() else None
    form = forms.get_form(db, evaluation.get_calibration(db, cal_id).form_id) if cal_id \
        else _eval_form(db, str(data.get("form_id", "")))
    scores = {it["key"]: str(data.get(f"score_{it['key']}", "")) for it in form.items}
    try:
        evaluation.evaluate(db, user, cid, form.id, scores,
                            coaching_note=str(data.get("coaching_note", "")),
                            calibration_id=cal_id)
    except DomainError as exc:
        db.rollback()
        return _back(f"/qa/evaluate/{cid}" + (f"?calibration={cal_id}" if cal_id else ""),
                     error=exc.message)
    db.commit()
    if cal_id:
        return _back(f"/qa/calibrations/{cal_id}", notice=f"#{cid}")
    return _back("/qa", notice=f"#{cid}")


# --- QA form authoring and disputes -----------------------------------------------------------

FORM_ROWS_SPARE = 3


@router.get("/qa/forms", response_class=HTMLResponse)
def qa_forms_page(request: Request, db: Session = Depends(get_db),
                  user: User = Depends(require_page_roles(*access.QA_STAFF))) -> Response:
    """Versioned evaluation forms: each save of a code is its next version."""
    forms.ensure_default_form(db)
    db.commit()
    all_forms = [forms.form_view(f) for f in forms.list_forms(db)]
    base_code = request.query_params.get("code", "standard")
    base = next((f for f in all_forms if f["code"] == base_code and f["active"]),
                next((f for f in all_forms if f["active"]), None))
    rows = list(base["items"]) if base else []
    rows += [{"key": "", "label_ko": "", "label_en": "", "weight": "", "auto_fail": False}
             for _ in range(FORM_ROWS_SPARE)]
    return _page(request, "care/qa_forms.html", user, forms=all_forms, base=base, rows=rows,
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


@router.post("/qa/forms")
async def qa_forms_save(request: Request, db: Session = Depends(get_db),
                        user: User = Depends(require_page_roles(*access.QA_STAFF))
                        ) -> Response:
    """The rows of the page's table: `key_N`, `label_ko_N`, `label_en_N`, `weight_N`,
    `auto_fail_N`; a row whose key and label are both empty is left out. The room refuses
    weights that do not sum to 100 (and every other bad row), and nothing is saved."""
    data = await request.form()
    items: list[dict[str, Any]] = []
    for n in range(200):
        if f"key_{n}" not in data:
            break
        key = str(data.get(f"key_{n}", "")).strip()
        label = str(data.get(f"label_ko_{n}", "")).strip()
        if not key and not label:
            continue
        items.append({"key": key, "label_ko": label,
                      "label_en": str(data.get(f"label_en_{n}", "")),
                      "weight": str(data.get(f"weight_{n}", "")).strip() or "0",
                      "auto_fail": data.get(f"auto_fail_{n}") == "1"})
    code = str(data.get("code", ""))
    try:
        form = forms.create_form(db, user, code, str(data.get("title_ko", "")),
                                 str(data.get("title_en", "")), items)
    except DomainError as exc:
        db.rollback()
        return _back("/qa/forms", error=exc.message)
    db.commit()
    return RedirectResponse(f"/qa/forms?code={quote(form.code)}&notice="
                            + quote(f"{form.code} v{form.version}"), status_code=303)


@router.get("/qa/disputes", response_class=HTMLResponse)
def qa_disputes_page(request: Request, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.QA_STAFF))) -> Response:
    return _page(request, "care/qa_disputes.html", user,
                 disputes=[{**d, "form": forms.form_view(d["form"])}
                           for d in evaluation.disputed(db)],
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


@router.post("/qa/disputes/{eid}")
async def qa_dispute_resolve(eid: int, request: Request, db: Session = Depends(get_db),
                             user: User = Depends(require_page_roles(*access.QA_STAFF))
                             ) -> Response:
    """Resolve a dispute: keep the scores (`rescore` absent) or re-score every item."""
    data = await request.form()
    scores = None
    if data.get("rescore") == "1":
        ev = evaluation.get_evaluation(db, eid)
        form = forms.get_form(db, ev.form_id)
        scores = {it["key"]: str(data.get(f"score_{it['key']}", "")) for it in form.items}
    try:
        evaluation.resolve(db, user, eid, str(data.get("note", "")), scores)
    except DomainError as exc:
        db.rollback()
        return _back("/qa/disputes", error=exc.message)
    db.commit()
    return _back("/qa/disputes", notice=f"#{eid}")


@router.get("/qa/mine", response_class=HTMLResponse)
def qa_mine(request: Request, db: Session = Depends(get_db),
            user: User = Depends(require_page_roles(*access.FRONTLINE_AGENTS))) -> Response:
    return _page(request, "care/mine.html", user,
                 evaluations=[evaluation.evaluation_view(e)
                              for e in evaluation.my_evaluations(db, user)],
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


@router.post("/qa/mine/{eid}")
def qa_mine_answer(eid: int, db: Session = Depends(get_db),
                   user: User = Depends(require_page_roles(*access.FRONTLINE_AGENTS)),
                   action: str = Form(...), note: str = Form("")) -> Response:
    try:
        if action == "dispute":
            evaluation.dispute(db, user, eid, note)
        else:
            evaluation.acknowledge(db, user, eid)
    except DomainError as exc:
        db.rollback()
        return _back("/qa/mine", error=exc.message)
    db.commit()
    return _back("/qa/mine", notice=f"#{eid}")


# --- QA calibration sessions ----------------------------------------------------------------


@router.get("/qa/calibrations", response_class=HTMLResponse)
def calibrations_page(request: Request, db: Session = Depends(get_db),
                      user: User = Depends(require_page_roles(*access.QA_STAFF))) -> Response:
    return _page(request, "care/calibrations.html", user,
                 calibrations=evaluation.calibrations(db),
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


@router.post("/qa/calibrations")
def calibration_create(db: Session = Depends(get_db),
                       user: User = Depends(require_page_roles(*access.QA_STAFF)),
                       consultation_id: int = Form(...), title: str = Form("")) -> Response:
    form = forms.ensure_default_form(db)
    try:
        cal = evaluation.create_calibration(db, user, consultation_id, form.id, title)
    except DomainError as exc:
        db.rollback()
        return _back("/qa/calibrations", error=exc.message)
    db.commit()
    return _back(f"/qa/calibrations/{cal.id}", notice=f"#{cal.id}")


@router.get("/qa/calibrations/{cal_id}", response_class=HTMLResponse)
def calibration_page(cal_id: int, request: Request, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.QA_STAFF))) -> Response:
    spread = evaluation.calibration_spread(db, cal_id)
    form = forms.form_view(forms.get_form(db, evaluation.get_calibration(db, cal_id).form_id))
    return _page(request, "care/calibration.html", user, spread=spread, form=form,
                 mine=any(e["evaluator_id"] == user.id for e in spread["evaluators"]),
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


# --- legal case files -------------------------------------------------------------------------


@router.get("/protection/legal-cases", response_class=HTMLResponse)
def legal_cases_page(request: Request, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.LEGAL_CASE_MANAGERS))
                     ) -> Response:
    return _page(request, "care/legal_cases.html", user,
                 cases=[programme.case_view(c) for c in programme.legal_cases(db)],
                 designated=[programme.designation_view(d)
                             for d in programme.designations(db, programme.ACTIVE)],
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


@router.post("/protection/legal-cases")
def legal_case_open(db: Session = Depends(get_db),
                    user: User = Depends(require_page_roles(*access.LEGAL_CASE_MANAGERS)),
                    designation_id: int = Form(...), agent_statement: str = Form("")
                    ) -> Response:
    try:
        case = programme.open_case(db, user, designation_id, agent_statement)
    except DomainError as exc:
        db.rollback()
        return _back("/protection/legal-cases", error=exc.message)
    db.commit()
    return _back(f"/protection/legal-cases/{case.id}", notice=f"#{case.id}")


@router.get("/protection/legal-cases/{case_id}", response_class=HTMLResponse)
def legal_case_page(case_id: int, request: Request, db: Session = Depends(get_db),
                    user: User = Depends(require_page_roles(*access.LEGAL_CASE_MANAGERS))
                    ) -> Response:
    return _page(request, "care/legal_case.html", user, **programme.case_file(db, case_id),
                 can_export=evidence.can_export_evidence(user),
                 can_raw=evidence.can_include_raw(user),
                 can_reveal=reveal.may_reveal_any(user),
                 notice=request.query_params.get("notice"),
                 error=request.query_params.get("error"))


@router.post("/protection/legal-cases/{case_id}/stage")
def legal_case_stage(case_id: int, db: Session = Depends(get_db),
                     user: User = Depends(require_page_roles(*access.LEGAL_CASE_MANAGERS)),
                     stage: str = Form(...), note: str = Form(""), outcome: str = Form("")
                     ) -> Response:
    try:
        programme.advance_case(db, user, case_id, stage, note, outcome or None)
    except DomainError as exc:
        db.rollback()
        return _back(f"/protection/legal-cases/{case_id}", error=exc.message)
    db.commit()
    return _back(f"/protection/legal-cases/{case_id}", notice=stage)
