# ruff: noqa: E501  (the default playbooks hold Korean sentences; Hangul counts double)
"""Crisis response: the playbook a supervisor edits, and what it does when a crisis is detected.

`respond(...)` is the one entry point every channel calls after `dasan.text.crisis` found a
crisis on a contact (live chat calls it from the chat hub). Following the kind's playbook it
1. moves the contact to the crisis-trained queue with the playbook's priority (it jumps the
   queue: assignment takes the highest priority first);
2. raises a `CrisisAlert` and an event on the ``crisis`` channel for the supervisor page
   (badge, sound, acknowledge button);
3. gives the agent the kind's guidance and the hand-over numbers;
4. opens a welfare case for the district's 동 주민센터 when the kind requires it by law
   (abuse: reporting duty; neighbour at risk: 고독사 예방법) - otherwise the agent opens one
   when the citizen consents (`open_welfare_case`);
5. audits every step.
`escalate_overdue(...)` re-raises alerts that nobody acknowledged in time and crisis contacts
still waiting or left unanswered, so that none ends quietly in a queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from dasan import audit
from dasan.db.base import utcnow
from dasan.db.models import Agent, AgentSkill, Consultation, Queue, Skill, User
from dasan.db.models_protection import CrisisAlert, CrisisPlaybook, DongCentre, WelfareCase
from dasan.errors import Conflict, Invalid, NotFound
from dasan.protection import welfare
from dasan.text.crisis import KIND_LABELS, KINDS, CrisisChannel, CrisisResult, detect_crisis
from dasan.text.pii import mask

CRISIS_CHANNEL = "crisis"
CRISIS_QUEUE = "crisis"
CRISIS_SKILL = "crisis"
WELFARE_BASES = ("none", "consent", "law")
# A phone number an agent can hand over: a short code (109, 112, 1366) or a full number.
_PHONE = re.compile(r"^(?:1\d{2,3}|1[5-9]\d{2}-?\d{4}|0\d{1,2}-?\d{3,4}-?\d{4})$")


def _num(label_ko: str, label_en: str, number: str) -> dict[str, str]:
    return {"label_ko": label_ko, "label_en": label_en, "number": number}


DEFAULTS: dict[str, dict[str, Any]] = {
    "suicide": {
        "priority": 20, "welfare_case": "consent",
        "guidance_ko": "끊지 말고 곁에 있어 주세요. 지금 있는 곳과 안전 여부를 확인하고, 위험 수단(약, 높은 곳)"
                       "에서 떨어지도록 권하세요. 즉시 위험하면 119·112에 3자 연결합니다.",
        "guidance_en": "Stay on the line. Ask where they are and whether they are safe; ask them to "
                       "move away from the means. If life is at risk now, bridge 119/112.",
        "handover": [_num("자살예방상담전화", "Suicide prevention", "109"),
                     _num("경찰", "Police", "112"), _num("119 구급", "Ambulance", "119")]},
    "violence": {
        "priority": 18, "welfare_case": "consent",
        "guidance_ko": "가해자가 곁에 있는지, 말하기 안전한지 먼저 묻고 예/아니오로 답하게 하세요. 위급하면 112.",
        "guidance_en": "Ask first whether the abuser is near and whether it is safe to talk; use "
                       "yes/no questions. If in danger now, 112.",
        "handover": [_num("경찰", "Police", "112"),
                     _num("여성긴급전화", "Women's emergency line", "1366")]},
    "abuse": {
        "priority": 16, "welfare_case": "law",
        "guidance_ko": "아동·노인 학대는 신고 의무 대상입니다. 장소와 피해자 상태를 확인하고 112(아동학대) 또는 "
                       "노인보호전문기관에 연결하세요.",
        "guidance_en": "Child and elder abuse must be reported. Confirm the place and the "
                       "victim's state; hand over to 112 (child) or the elder protection agency.",
        "handover": [_num("아동학대 신고", "Child abuse (police)", "112"),
                     _num("노인학대 신고", "Elder abuse line", "1577-1389")]},
    "emergency": {
        "priority": 20, "welfare_case": "none",
        "guidance_ko": "즉시 119에 3자 연결하고 주소를 확인하세요. 구급대 도착까지 안내를 이어 가세요.",
        "guidance_en": "Bridge 119 at once and confirm the address; keep guiding until help "
                       "arrives.",
        "handover": [_num("119 구급·화재", "Fire & ambulance", "119"), _num("경찰", "Police", "112")]},
    "destitution": {
        "priority": 12, "welfare_case": "consent",
        "guidance_ko": "긴급복지지원 대상인지 확인하고, 동의를 받아 동 주민센터 위기가구 상담으로 연계하세요.",
        "guidance_en": "Check eligibility for emergency welfare support; with consent, refer to "
                       "the community centre's crisis-household team.",
        "handover": [_num("보건복지상담센터(긴급복지)", "Health & welfare (emergency aid)", "129")]},
    "neighbour": {
        "priority": 14, "welfare_case": "law",
        "guidance_ko": "주소와 마지막으로 본 때를 확인하세요. 고독사 위험은 동 주민센터에 통보하고, 냄새·무응답 등 "
                       "긴급 징후가 있으면 112·119에 연결합니다.",
        "guidance_en": "Confirm the address and when the person was last seen. Notify the "
                       "community centre; with a smell or no answer, hand over to 112/119.",
        "handover": [_num("경찰", "Police", "112"), _num("119", "Fire & ambulance", "119"),
                     _num("보건복지상담센터", "Health & welfare", "129")]},
}


# --- set-up ---------------------------------------------------------------------------------


def ensure_crisis_queue(s: Session) -> Queue:
    """The crisis-trained skill and its queue (created once; agents who take welfare contacts
    are crisis-trained until a supervisor says otherwise)."""
    queue = s.scalar(select(Queue).where(Queue.code == CRISIS_QUEUE))
    if queue is not None:
        return queue
    skill = s.scalar(select(Skill).where(Skill.code == CRISIS_SKILL))
    if skill is None:
        skill = Skill(code=CRISIS_SKILL, name="위기상담", name_en="Crisis counselling")
        s.add(skill)
        s.flush()
        welfare = s.scalar(select(Skill.id).where(Skill.code == "welfare_admin"))
        if welfare is not None:
            for aid in s.scalars(select(AgentSkill.agent_id).where(AgentSkill.skill_id == welfare)):
                s.add(AgentSkill(agent_id=aid, skill_id=skill.id))
    queue = Queue(code=CRISIS_QUEUE, name="위기상담", name_en="Crisis", skill_id=skill.id,
                  priority=10)
    s.add(queue)
    s.flush()
    return queue


def set_crisis_trained(s: Session, user: User, agent_id: int, trained: bool) -> None:
    """Give or take the crisis-trained skill (caller commits)."""
    queue = ensure_crisis_queue(s)
    if s.get(Agent, agent_id) is None:
        raise NotFound(f"agent {agent_id} not found")
    row = s.get(AgentSkill, (agent_id, queue.skill_id))
    if trained and row is None:
        s.add(AgentSkill(agent_id=agent_id, skill_id=queue.skill_id))
    elif not trained and row is not None:
        s.delete(row)
    audit.record(s, user, "crisis.trained", object_type="agent", object_id=agent_id,
                 detail={"trained": trained})
    s.flush()


def playbooks(s: Session) -> list[CrisisPlaybook]:
    """Every kind's playbook (the defaults are stored on first use)."""
    have = {p.kind: p for p in s.scalars(select(CrisisPlaybook))}
    for kind in KINDS:
        if kind not in have:
            d = DEFAULTS[kind]
            row = CrisisPlaybook(kind=kind, queue_code=CRISIS_QUEUE, priority=d["priority"],
                                 welfare_case=d["welfare_case"], guidance_ko=d["guidance_ko"],
                                 guidance_en=d["guidance_en"], handover=list(d["handover"]))
            s.add(row)
            have[kind] = row
    s.flush()
    return [have[k] for k in KINDS]


def playbook(s: Session, kind: str) -> CrisisPlaybook:
    if kind not in KINDS:
        raise NotFound(f"no crisis kind {kind!r}", code="unknown_kind")
    return next(p for p in playbooks(s) if p.kind == kind)


def playbook_view(p: CrisisPlaybook) -> dict[str, Any]:
    return {"kind": p.kind, "label_ko": KIND_LABELS[p.kind][0], "label_en": KIND_LABELS[p.kind][1],
            "queue_code": p.queue_code, "priority": p.priority,
            "alert_supervisor": p.alert_supervisor, "welfare_case": p.welfare_case,
            "guidance_ko": p.guidance_ko, "guidance_en": p.guidance_en,
            "handover": list(p.handover or []),
            "escalate_after_seconds": p.escalate_after_seconds, "version": p.version,
            "updated_at": p.updated_at.isoformat() if p.updated_at else None}


# Korean and English text for each refusal of a playbook edit (the page shows these; the API
# answers the code with the English message).
ERRORS: dict[str, tuple[str, str]] = {
    "bad_phone_number": ("연계 번호가 전화번호 형식이 아닙니다 (예: 109, 1366, 02-123-4567).",
                         "A hand-over number is not a phone number (e.g. 109, 1366, 02-123-4567)."),
    "missing_label": ("연계 번호마다 한국어 이름이 필요합니다.",
                      "Each hand-over number needs a Korean label."),
    "bad_welfare_basis": ("복지 사례 개설 기준이 올바르지 않습니다.",
                          "The welfare-case basis must be none, consent or law."),
    "unknown_queue": ("없는 대기열입니다.", "No such queue."),
    "bad_priority": ("우선순위는 0에서 100 사이의 정수여야 합니다.",
                     "The priority must be a whole number from 0 to 100."),
    "bad_escalation_time": ("재알림 시간은 10초에서 3600초 사이의 정수여야 합니다.",
                            "The escalation time must be a whole number of seconds, 10-3600."),
    "unknown_agent": ("없는 상담사가 선택되었습니다.", "An unknown agent was chosen."),
    "no_trained_agent": ("위기상담 상담사를 한 명 이상 선택해야 합니다.",
                         "Choose at least one crisis-trained agent."),
    "unknown_kind": ("없는 위기 유형입니다.", "No such crisis kind."),
}


def refusal(code: str, detail: str = "") -> Invalid:
    """An `Invalid` with the code's English message (and `detail`, e.g. the bad value)."""
    en = ERRORS[code][1]
    return Invalid(f"{en} {detail}".strip(), code=code)


def _whole(value: Any, low: int, high: int, code: str) -> int:
    if isinstance(value, bool):
        raise refusal(code, repr(value))
    try:
        n = int(str(value).strip())
    except ValueError:
        raise refusal(code, repr(value)) from None
    if not low <= n <= high:
        raise refusal(code, repr(value))
    return n


def validate_handover(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for i, it in enumerate(items):
        number = str(it.get("number", "")).strip()
        label = str(it.get("label_ko", "")).strip()
        if not _PHONE.match(number):
            raise refusal("bad_phone_number", f"(#{i + 1}: {number!r})")
        if not label:
            raise refusal("missing_label", f"(#{i + 1})")
        out.append({"label_ko": label[:64], "label_en": str(it.get("label_en", ""))[:64],
                    "number": number})
    return out


def update_playbook(s: Session, user: User, kind: str, changes: dict[str, Any]
                    ) -> CrisisPlaybook:
    """Validate everything first, then apply; a refusal changes nothing (caller commits)."""
    p = playbook(s, kind)
    new: dict[str, Any] = {}
    if "handover" in changes and changes["handover"] is not None:
        new["handover"] = validate_handover(list(changes["handover"]))
    if changes.get("welfare_case") is not None:
        if changes["welfare_case"] not in WELFARE_BASES:
            raise refusal("bad_welfare_basis", repr(changes["welfare_case"]))
        new["welfare_case"] = changes["welfare_case"]
    if changes.get("queue_code") is not None:
        if changes["queue_code"] == CRISIS_QUEUE:
            ensure_crisis_queue(s)
        elif s.scalar(select(Queue.id).where(Queue.code == changes["queue_code"])) is None:
            raise refusal("unknown_queue", repr(changes["queue_code"]))
        new["queue_code"] = changes["queue_code"]
    if changes.get("priority") is not None:
        new["priority"] = _whole(changes["priority"], 0, 100, "bad_priority")
    if changes.get("escalate_after_seconds") is not None:
        new["escalate_after_seconds"] = _whole(changes["escalate_after_seconds"], 10, 3600,
                                               "bad_escalation_time")
    for key in ("guidance_ko", "guidance_en"):
        if changes.get(key) is not None:
            new[key] = str(changes[key])[:4000]
    if changes.get("alert_supervisor") is not None:
        new["alert_supervisor"] = bool(changes["alert_supervisor"])
    before = playbook_view(p)
    for key, value in new.items():
        setattr(p, key, value)
    p.version = (p.version or 1) + 1
    p.updated_by = user.id
    p.updated_at = utcnow()
    audit.record(s, user, "crisis.playbook.update", object_type="crisis_playbook",
                 object_id=kind, detail={"changed": sorted(new), "before_version":
                                         before["version"]})
    s.flush()
    return p


def queue_choices(s: Session) -> list[dict[str, str]]:
    """The queues a playbook may send a crisis to (the crisis queue first)."""
    ensure_crisis_queue(s)
    rows = s.execute(select(Queue.code, Queue.name, Queue.name_en).order_by(Queue.id)).all()
    out = [{"code": c, "name": n, "name_en": e or n} for c, n, e in rows]
    return sorted(out, key=lambda q: q["code"] != CRISIS_QUEUE)


def trained_agents(s: Session) -> list[dict[str, Any]]:
    """Every agent, with whether they are crisis-trained (the playbook page's list)."""
    queue = ensure_crisis_queue(s)
    trained = set(s.scalars(select(AgentSkill.agent_id)
                            .where(AgentSkill.skill_id == queue.skill_id)))
    return [{"id": a.id, "name": a.name, "employee_no": a.employee_no,
             "trained": a.id in trained}
            for a in s.scalars(select(Agent).order_by(Agent.employee_no))]


def set_trained_agents(s: Session, user: User, agent_ids: list[Any]) -> list[int]:
    """Make exactly these agents crisis-trained (the page's checkboxes); an unknown id refuses
    the whole change. Audited once with who was added and removed (caller commits)."""
    wanted: set[int] = set()
    for value in agent_ids:
        try:
            wanted.add(int(str(value)))
        except ValueError:
            raise refusal("unknown_agent", repr(value)) from None
    if not wanted:
        raise refusal("no_trained_agent")
    known = set(s.scalars(select(Agent.id).where(Agent.id.in_(wanted))))
    if wanted - known:
        raise refusal("unknown_agent", repr(sorted(wanted - known)))
    queue = ensure_crisis_queue(s)
    have = {r.agent_id: r for r in s.scalars(select(AgentSkill)
                                              .where(AgentSkill.skill_id == queue.skill_id))}
    added = sorted(wanted - set(have))
    removed = sorted(set(have) - wanted)
    for aid in added:
        s.add(AgentSkill(agent_id=aid, skill_id=queue.skill_id))
    for aid in removed:
        s.delete(have[aid])
    audit.record(s, user, "crisis.trained", object_type="skill", object_id=CRISIS_SKILL,
                 detail={"added": added, "removed": removed})
    s.flush()
    return sorted(wanted)


# --- the response ---------------------------------------------------------------------------


@dataclass
class Response:
    """What `respond` did, and the events the caller publishes (channel, event)."""

    alert_id: int | None = None
    queue_code: str | None = None
    welfare_case_id: int | None = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def alert_view(a: CrisisAlert, c: Consultation | None = None) -> dict[str, Any]:
    return {"id": a.id, "consultation_id": a.consultation_id, "channel": a.channel,
            "kind": a.kind, "label_ko": KIND_LABELS[a.kind][0], "label_en": KIND_LABELS[a.kind][1],
            "severity": a.severity, "imminent": a.imminent, "excerpt": a.excerpt_masked,
            "status": a.status, "created_at": a.created_at.isoformat() if a.created_at else None,
            "escalations": a.escalations, "reescalations": a.reescalations or 0,
            "level": escalation_level(a),
            "waiting": bool(c is not None and c.status == "open" and c.agent_id is None)}


def respond(s: Session, c: Consultation, kind: str, severity: int, imminent: bool,
            text: str, actor: User | None = None) -> Response:
    """Run the kind's playbook for a crisis found on `c` (caller commits and publishes)."""
    if kind not in KINDS:
        raise Invalid(f"unknown crisis kind {kind!r}")
    p = playbook(s, kind)
    out = Response()
    c.crisis = True
    c.priority = max(c.priority or 0, p.priority)
    audit.record(s, actor, "crisis.detected", object_type="consultation", object_id=c.id,
                 detail={"kind": kind, "severity": severity, "imminent": imminent,
                         "channel": c.channel})
    if c.status == "open" and c.agent_id is None:  # waiting (or still with the bot)
        queue = (ensure_crisis_queue(s) if p.queue_code == CRISIS_QUEUE else
                 s.scalar(select(Queue).where(Queue.code == p.queue_code)))
        if queue is not None:
            c.queue_id = queue.id
            c.queued_at = c.queued_at or utcnow()
            out.queue_code = queue.code
            audit.record(s, actor, "crisis.routed", object_type="consultation", object_id=c.id,
                         detail={"queue": queue.code, "priority": c.priority})
    alert = s.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == c.id,
                                               CrisisAlert.status == "open"))
    if alert is None:
        alert = CrisisAlert(consultation_id=c.id, channel=c.channel, kind=kind,
                            severity=severity, imminent=imminent,
                            excerpt_masked=mask(text).masked[:500])
        s.add(alert)
    elif severity > alert.severity or (imminent and not alert.imminent):
        alert.kind, alert.severity, alert.imminent = kind, severity, imminent
    s.flush()
    out.alert_id = alert.id
    if p.welfare_case == "law" and s.scalar(select(WelfareCase.id).where(
            WelfareCase.consultation_id == c.id)) is None:
        case = _open_and_refer(s, c, kind, "law", actor, "", welfare.known_dong(s, c))
        out.welfare_case_id = case.id
    if p.alert_supervisor:
        out.events.append((CRISIS_CHANNEL, {"type": "crisis_alert", "alert": alert_view(alert, c)}))
        audit.record(s, actor, "crisis.alerted", object_type="crisis_alert", object_id=alert.id)
    if c.agent_id is not None:
        out.events.append((f"agent:{c.agent_id}", guidance_event(p, c.id, alert)))
    return out


def screen(s: Session, c: Consultation, text: str, *, screened: str | None = None,
           actor: User | None = None, channel: CrisisChannel | None = None,
           ) -> tuple[CrisisResult, Response] | None:
    """Detect a crisis in a contact's text (any channel; `screened` is the text to judge when it
    differs, e.g. the Korean translation of a foreign message; `channel` as
    :func:`detect_crisis` takes it) and, when there is one, run the kind's playbook on `c`
    (caller commits and publishes). None when it is no crisis."""
    found = detect_crisis(screened if screened is not None else text, channel=channel)
    if not found.crisis or found.kind is None:
        return None
    return found, respond(s, c, found.kind, found.severity, found.imminent, text, actor)


_DEFERRED = "dasan.crisis.live_events"


def defer_events(s: Session, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Keep live events on the session for a caller that returns a row rather than a result
    (field reports): it takes them with `take_deferred` once it has committed."""
    s.info.setdefault(_DEFERRED, []).extend(events)


def take_deferred(s: Session) -> list[tuple[str, dict[str, Any]]]:
    """The deferred live events, once (empty when there are none)."""
    return list(s.info.pop(_DEFERRED, []))


def guidance_event(p: CrisisPlaybook, consultation_id: int, alert: CrisisAlert
                   ) -> dict[str, Any]:
    return {"type": "crisis_guidance", "consultation_id": consultation_id,
            "kind": p.kind, "severity": alert.severity, "imminent": alert.imminent,
            "guidance_ko": p.guidance_ko, "guidance_en": p.guidance_en,
            "handover": list(p.handover or []), "welfare_case": p.welfare_case}


def guidance_for(s: Session, consultation_id: int) -> dict[str, Any] | None:
    """The guidance the desktop shows for a crisis contact (None when it is no crisis)."""
    alert = s.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == consultation_id)
                     .order_by(CrisisAlert.severity.desc(), CrisisAlert.id.desc()).limit(1))
    if alert is None:
        return None
    return guidance_event(playbook(s, alert.kind), consultation_id, alert)


def guidance_for_agent(s: Session, user: User) -> list[dict[str, Any]]:
    """Guidance for every open crisis contact the user's agent is handling."""
    agent_id = s.scalar(select(Agent.id).where(Agent.user_id == user.id))
    if agent_id is None:
        return []
    out = []
    for cid in s.scalars(select(Consultation.id).where(
            Consultation.agent_id == agent_id, Consultation.status == "open",
            Consultation.crisis.is_(True)).order_by(Consultation.id)):
        g = guidance_for(s, cid)
        if g is not None:
            k = g["kind"]
            c = s.get(Consultation, cid)
            case = s.scalar(select(WelfareCase).where(WelfareCase.consultation_id == cid))
            out.append({**g, "label_ko": KIND_LABELS[k][0], "label_en": KIND_LABELS[k][1],
                        "channel": c.channel if c is not None else None,
                        "case": welfare.case_view(case) if case is not None else None})
    return out


def acknowledge(s: Session, user: User, alert_id: int) -> CrisisAlert:
    alert = s.get(CrisisAlert, alert_id)
    if alert is None:
        raise NotFound(f"crisis alert {alert_id} not found")
    if alert.status == "acknowledged" and not (
            alert.reescalations and alert.escalated_at is not None
            and alert.acknowledged_at is not None and alert.escalated_at > alert.acknowledged_at):
        # (an alert escalated again after its acknowledgement is acknowledged once more)
        raise Conflict("this alert is already acknowledged", code="already_acknowledged")
    alert.status = "acknowledged"
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by = user.id
    audit.record(s, user, "crisis.acknowledged", object_type="crisis_alert", object_id=alert.id)
    s.flush()
    return alert


def acknowledged_event(alert: CrisisAlert) -> tuple[str, dict[str, Any]]:
    """What the other supervisors' pages learn when an alert is acknowledged."""
    return (CRISIS_CHANNEL, {"type": "crisis_acknowledged", "alert_id": alert.id,
                             "consultation_id": alert.consultation_id})


def open_event(s: Session) -> dict[str, Any]:
    """The open alerts as one event (a supervisor's socket receives it on connect)."""
    return {"type": "crisis_open", "alerts": open_alerts(s)}


def open_alerts(s: Session, limit: int = 50) -> list[dict[str, Any]]:
    rows = s.execute(select(CrisisAlert, Consultation)
                     .join(Consultation, Consultation.id == CrisisAlert.consultation_id,
                           isouter=True)
                     .where(or_(CrisisAlert.status == "open", and_(
                         CrisisAlert.status == "acknowledged", CrisisAlert.reescalations > 0,
                         CrisisAlert.escalated_at > CrisisAlert.acknowledged_at)))
                     .order_by(CrisisAlert.severity.desc(), CrisisAlert.id).limit(limit)).all()
    return [alert_view(a, c) for a, c in rows]


def _new_case(s: Session, c: Consultation, kind: str, basis: str, actor: User | None,
              note: str) -> WelfareCase:
    case = WelfareCase(consultation_id=c.id, citizen_id=c.citizen_id, kind=kind, basis=basis,
                       district_code=c.district_code, note_masked=mask(note).masked[:2000],
                       created_by=actor.id if actor else None)
    s.add(case)
    s.flush()
    audit.record(s, actor, "welfare_case.opened", object_type="welfare_case", object_id=case.id,
                 detail={"consultation_id": c.id, "kind": kind, "basis": basis,
                         "district_code": c.district_code})
    return case


def _open_and_refer(s: Session, c: Consultation, kind: str, basis: str, actor: User | None,
                    note: str, centre: DongCentre | None) -> WelfareCase:
    case = _new_case(s, c, kind, basis, actor, note)
    if centre is not None:  # the dong is known: the 동 주민센터 is notified now
        welfare.refer(s, actor, case, centre)
    return case


def open_welfare_case(s: Session, user: User, consultation_id: int, consent: bool,
                      note: str = "", dong_code: str | None = None) -> WelfareCase:
    """Open a case for the 동 주민센터: with the citizen's consent, or because the law requires.
    The dong is the one chosen (it must be in the contact's district) or the one known (a field
    report's location); with a dong, its centre is notified through the outbox at once."""
    c = s.get(Consultation, consultation_id)
    if c is None:
        raise NotFound(f"consultation {consultation_id} not found")
    alert = s.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == c.id)
                     .order_by(CrisisAlert.id.desc()).limit(1))
    if alert is None:
        raise Invalid("no crisis was detected on this consultation", code="not_a_crisis")
    existing = s.scalar(select(WelfareCase).where(WelfareCase.consultation_id == c.id))
    if existing is not None:
        raise Conflict(f"welfare case {existing.id} is already open", code="case_exists")
    basis = playbook(s, alert.kind).welfare_case
    if basis != "law" and not consent:
        raise Invalid("the citizen's consent is required for this kind", code="consent_required")
    centre = welfare.pick_centre(s, c, dong_code)  # checked before anything is written
    return _open_and_refer(s, c, alert.kind, "law" if basis == "law" else "consent", user,
                           note, centre)


# --- the crisis panel's one-click hand-over ---------------------------------------------------


def _crisis_contact(s: Session, consultation_id: int) -> tuple[Consultation, CrisisPlaybook]:
    c = s.get(Consultation, consultation_id)
    if c is None:
        raise NotFound(f"consultation {consultation_id} not found")
    alert = s.scalar(select(CrisisAlert).where(CrisisAlert.consultation_id == c.id)
                     .order_by(CrisisAlert.severity.desc(), CrisisAlert.id.desc()).limit(1))
    if alert is None:
        raise Invalid("no crisis was detected on this consultation", code="not_a_crisis")
    if c.status == "closed":
        raise Conflict("the contact has ended", code="contact_ended")
    return c, playbook(s, alert.kind)


def warm_transfer_target(s: Session, user: User, consultation_id: int, number: str
                         ) -> tuple[Consultation, str]:
    """A call's warm (attended) transfer to one of its kind's hand-over numbers: the CTI
    target `external:<digits>` for a `consult` (the agent talks to 109/112/... first, then
    completes the transfer). Only a number of the playbook, only on a call. The caller checks
    that the user may steer the call, then audits with `record_warm_transfer`."""
    c, p = _crisis_contact(s, consultation_id)
    if c.channel != "phone":
        raise Invalid("a warm transfer is for calls; hand a chat to a crisis-trained agent",
                      code="not_a_call")
    numbers = [h["number"] for h in (p.handover or [])]
    if number not in numbers:
        raise Invalid(f"{number!r} is not a hand-over number of the {p.kind} playbook",
                      code="not_a_handover_number")
    return c, "external:" + number.replace("-", "")


def record_warm_transfer(s: Session, user: User, c: Consultation, number: str) -> None:
    alert_kind = s.scalar(select(CrisisAlert.kind).where(CrisisAlert.consultation_id == c.id)
                          .order_by(CrisisAlert.severity.desc(), CrisisAlert.id.desc()).limit(1))
    audit.record(s, user, "crisis.warm_transfer", object_type="consultation", object_id=c.id,
                 detail={"kind": alert_kind, "number": number})


def crisis_queue_for_handover(s: Session, user: User, consultation_id: int) -> str:
    """A chat handed to a crisis-trained agent: the playbook's queue (its guidance stays with
    the contact, so the next agent's panel shows it). Audited; the chat room transfers."""
    c, p = _crisis_contact(s, consultation_id)
    if c.channel == "phone":
        raise Invalid("a call is handed over by a warm transfer", code="not_a_chat")
    if p.queue_code == CRISIS_QUEUE:
        ensure_crisis_queue(s)
    audit.record(s, user, "crisis.handover", object_type="consultation", object_id=c.id,
                 detail={"kind": p.kind, "queue": p.queue_code})
    return p.queue_code


LEVELS = ("supervisor", "floor_lead", "department_head")


def escalation_level(alert: CrisisAlert) -> str:
    """Who an alert is escalated to: the supervisors first; after an acknowledgement whose
    contact still did not reach a crisis-trained agent, the floor lead, then the department
    head."""
    return LEVELS[min(alert.reescalations or 0, 2)]


def _crisis_trained(s: Session, agent_id: int | None) -> bool:
    if agent_id is None:
        return False
    skill = s.scalar(select(Skill.id).where(Skill.code == CRISIS_SKILL))
    return skill is not None and s.get(AgentSkill, (agent_id, skill)) is not None


def _bump(s: Session, alert: CrisisAlert, now: datetime, *, after_ack: bool) -> bool:
    """Count one escalation, compare-and-set on the counter so two workers running at once
    escalate an alert once (False: another worker already did)."""
    if after_ack:
        guard = CrisisAlert.reescalations == (alert.reescalations or 0)
        values = {"reescalations": (alert.reescalations or 0) + 1,
                  "escalations": (alert.escalations or 0) + 1, "escalated_at": now}
    else:
        guard = CrisisAlert.escalations == (alert.escalations or 0)
        values = {"escalations": (alert.escalations or 0) + 1, "escalated_at": now}
    done = s.execute(update(CrisisAlert).where(CrisisAlert.id == alert.id, guard)
                     .values(**values).execution_options(synchronize_session=False))
    if getattr(done, "rowcount", 0) != 1:
        return False
    for key, value in values.items():
        set_committed_value(alert, key, value)
    return True


def escalate_overdue(s: Session, now: datetime | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Re-alert what nobody took in time (caller commits and publishes):
    - open alerts past the playbook's limit, and crisis contacts still waiting or closed
      without an answer (to the supervisors);
    - acknowledged alerts whose contact, one limit after the acknowledgement (or the last
      re-escalation), is still open and not answered by a crisis-trained agent (to the floor
      lead, then the department head). Each limit escalates once, however often this runs."""
    now = now or utcnow()
    limits = {p.kind: p.escalate_after_seconds for p in playbooks(s)}
    events: list[tuple[str, dict[str, Any]]] = []
    rows = s.execute(select(CrisisAlert, Consultation)
                     .join(Consultation, Consultation.id == CrisisAlert.consultation_id,
                           isouter=True)
                     .where(CrisisAlert.status.in_(("open", "acknowledged")))).all()
    for alert, c in rows:
        limit = timedelta(seconds=limits.get(alert.kind, 60))
        unanswered = c is not None and c.answered_at is None and (
            c.status == "open" or c.outcome != "answered")
        if alert.status == "open":
            since = alert.escalated_at or alert.created_at
            if now - since < limit:
                continue
            reason = ("left_unanswered" if c is not None and c.status == "closed" and unanswered
                      else "still_waiting" if unanswered else "not_acknowledged")
            after_ack = False
        else:
            if c is None or c.status != "open":
                continue  # closed since: nothing left to take
            if c.answered_at is not None and _crisis_trained(s, c.agent_id):
                continue  # with a crisis-trained agent: done
            marks = [t for t in (alert.acknowledged_at, alert.escalated_at) if t is not None]
            since = max(marks) if marks else alert.created_at
            if now - since < limit:
                continue
            reason = "still_waiting" if c.agent_id is None else "not_crisis_trained"
            after_ack = True
        if not _bump(s, alert, now, after_ack=after_ack):
            continue
        level = escalation_level(alert)
        audit.record(s, None, "crisis.escalated", object_type="crisis_alert", object_id=alert.id,
                     detail={"reason": reason, "escalations": alert.escalations,
                             "level": level})
        view = alert_view(alert, c)
        view["reason"] = reason
        events.append((CRISIS_CHANNEL, {"type": "crisis_escalation", "alert": view}))
    s.flush()
    return events
