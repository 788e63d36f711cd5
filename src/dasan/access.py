"""The access policy: who may do what, in one place.

Role groups name what a role may do (`KB_EDITORS`, `ANALYTICS_READERS`, ...); the `access_*`
functions check a user against the policy and raise `Forbidden` (403) after writing an audit
row for every denial. Rooms and the web layer call them; neither keeps its own role list.
An admin may do everything a role group allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy.orm import Session

from dasan import audit
from dasan.auth import ROLES, can_edit_agency, can_see_district
from dasan.db.models import User
from dasan.errors import DomainError, Forbidden

if TYPE_CHECKING:
    from dasan.analytics.filters import Filters
    from dasan.db.models import Agent, Consultation
    from dasan.db.models_channels import WrittenThread

# --- role groups -------------------------------------------------------------------------------

EVERYONE = frozenset(ROLES)
STAFF = frozenset({"agent", "supervisor", "kb_editor", "district_officer", "analyst", "admin"})
AGENTS = frozenset({"agent", "supervisor"})  # the chat desk
SUPERVISORS = frozenset({"supervisor"})
ADMINS = frozenset({"admin"})
USER_ADMINS = ADMINS  # the staff accounts page (dasan.useradmin)
KB_READERS = STAFF
KB_EDITORS = frozenset({"kb_editor", "admin"})
KB_OVERDUE_READERS = frozenset({"kb_editor", "supervisor", "admin"})
KB_EXPORTERS = frozenset({"kb_editor", "analyst", "supervisor", "admin"})
KB_REMINDER_SENDERS = frozenset({"supervisor", "admin"})
CONSULTATION_READERS = frozenset({"agent", "supervisor", "analyst", "district_officer", "admin"})
CONSULTATION_WRITERS = frozenset({"agent", "supervisor", "admin"})
ANALYTICS_READERS = frozenset({"analyst", "supervisor", "admin", "district_officer"})
ALERT_SCANNERS = frozenset({"analyst", "supervisor", "admin"})
PLANNERS = frozenset({"supervisor", "admin", "analyst"})
TOKEN_HOLDERS = frozenset({"admin", "supervisor", "analyst", "district_officer"})
API_DOC_READERS = STAFF
DISTRICT_DESK = frozenset({"district_officer", "supervisor", "analyst"})
FRONTLINE_AGENTS = frozenset({"agent"})  # an agent's own desk views (crisis guidance, ...)
FLOOR_REPORT_READERS = frozenset({"supervisor", "analyst"})  # floor reports and call logs
COMPLAINT_HANDLERS = frozenset({"district_officer", "supervisor"})  # act on field reports
CASE_READERS = frozenset({"agent", "supervisor", "analyst"})  # read a contact's case file
WRITTEN_DESK = AGENTS  # the written queue (SMS, portal, Q&A threads): claim, reply, hand over
DESK_AND_KB = frozenset({"agent", "supervisor", "kb_editor"})  # written desk, KB assistance
# a malicious caller's evidence file (masked; raw transcripts for admins only)
EVIDENCE_REQUESTERS = frozenset({"agent", "supervisor", "analyst", "district_officer",
                                 "kb_editor"})
FLOOR_LEADS = frozenset({"supervisor", "admin"})  # monitor, whisper, take over, broadcast
VOICE_FLOW_READERS = frozenset({"supervisor", "admin"})  # ARS flows, prompts: read, dry run
VOICE_FLOW_EDITORS = ADMINS  # save and publish ARS flows, upload recorded prompts
VOICE_CALL_LOG_READERS = frozenset({"supervisor", "analyst"})
VOICE_RECORDING_LISTENERS = SUPERVISORS  # every playback audited
# Call transcripts (masked): the floor searches them all; an agent reads the calls it answered.
TRANSCRIPT_SEARCHERS = frozenset({"supervisor", "analyst", "admin"})
TRANSCRIPT_READERS = frozenset({"agent", "supervisor", "analyst", "admin"})
CRISIS_WATCHERS = SUPERVISORS  # the live crisis alerts on the supervisor page
# welfare cases of the 동 주민센터: officers (own district) and supervisors list, acknowledge, close
WELFARE_CASE_HANDLERS = frozenset({"district_officer", "supervisor"})
DONG_DIRECTORY_EDITORS = frozenset({"supervisor", "admin"})  # the 동 주민센터 directory
QA_STAFF = SUPERVISORS  # forms, sampling, evaluation, calibration, disputes
QA_REPORT_READERS = frozenset({"supervisor", "analyst"})  # scorecards, KPI, XLSX
SURVEY_RECORDERS = AGENTS  # survey answers from integrations (ARS, SMS, field app)
LEGAL_CASE_MANAGERS = SUPERVISORS  # the malicious-caller legal case files
EVIDENCE_EXPORTERS = SUPERVISORS  # masked evidence bundles
EVIDENCE_RAW_READERS = ADMINS  # evidence bundles with raw transcripts (an unmasked access)


class Unauthenticated(DomainError):
    status = 401
    code = "login_required"


def deny(session: Session, user: User | None, action: str, *, ip: str | None = None,
         path: str | None = None, code: str | None = None, **detail: Any) -> NoReturn:
    """Refuse with `Forbidden` (with `code` when the refusal has a more precise one) and leave
    a trace in the audit log (committed at once, so the row survives the caller's rollback)."""
    audit.record(session, user, action, outcome="denied",
                 detail={**({"path": path} if path else {}), **detail}, ip=ip)
    session.commit()
    raise Forbidden(f"not allowed: {action}", code=code)


def has_role(user: User | None, group: Iterable[str]) -> bool:
    """Whether the user holds one of the group's roles (an admin always does)."""
    return user is not None and (user.role in frozenset(group) or user.role == "admin")


def access_role(session: Session, user: User | None, roles: Iterable[str], *,
                ip: str | None = None, path: str | None = None) -> User:
    """The user, who must be logged in and hold one of `roles` (an admin always may)."""
    if user is None:
        raise Unauthenticated("login required")
    allowed = frozenset(roles)
    if user.role in allowed or user.role == "admin":
        return user
    deny(session, user, "role.denied", ip=ip, path=path, required=sorted(allowed),
         role=user.role)


def access_district(session: Session, user: User, district_code: str | None, action: str, *,
                    ip: str | None = None, path: str | None = None, **detail: Any) -> None:
    """District officers see only their own district; center roles see all."""
    if not can_see_district(user, district_code):
        deny(session, user, action, ip=ip, path=path, district=district_code, **detail)


def access_agency_edit(session: Session, user: User, agency_id: int | None, *,
                       ip: str | None = None, path: str | None = None, **detail: Any) -> None:
    """KB editors edit only their own agency's entries; admins edit any."""
    if not can_edit_agency(user, agency_id):
        deny(session, user, "kb.other_agency", ip=ip, path=path, agency=agency_id, **detail)


def access_analytics_scope(session: Session, user: User, filters: Filters, *,
                           ip: str | None = None, path: str | None = None) -> Filters:
    """A district officer's figures are always their own district's (and only theirs)."""
    if user.role != "district_officer":
        return filters
    if filters.district is not None and not can_see_district(user, filters.district):
        deny(session, user, "analytics.other_district", ip=ip, path=path,
             district=filters.district)
    if not user.district_code:
        deny(session, user, "analytics.no_district", ip=ip, path=path)
    return filters.with_(district=user.district_code)


# Who may reveal any contact's raw (unmasked) personal data: a chat's own agent may also reveal
# it while the chat is open (dasan.privacy.reveal.may_reveal).
PII_REVEALERS = ("supervisor", "admin")
PII_REVEAL_ACTION = "pii.reveal"  # the audit action of every reveal and refused reveal


def may_reveal_any_pii(user: User | None) -> bool:
    """Whether ``user`` may reveal any contact's raw personal data (the staff screens offer the
    원문 보기 control only to them)."""
    return user is not None and user.role in PII_REVEALERS


def access_pii_reveal(session: Session, user: User, *, object_type: str,
                      object_id: int | str, reason: str | None, ip: str | None = None,
                      path: str | None = None, **detail: Any) -> None:
    """Raw (unmasked) personal data of a call, a legal case's statement or a raw evidence
    bundle: supervisors and admins only. A refusal is written as a refused reveal - `pii.reveal`,
    denied, on the object asked for, with the reason given - as the chat reveal writes its own,
    so the reveal log lists and counts it with the others (committed, so it survives the
    caller's rollback)."""
    if may_reveal_any_pii(user):
        return
    audit.record(session, user, PII_REVEAL_ACTION, object_type=object_type, object_id=object_id,
                 outcome="denied", ip=ip,
                 detail={**({"path": path} if path else {}), "role": user.role,
                         "reason": reason, **detail})
    session.commit()
    raise Forbidden("not allowed to reveal personal data", code="reveal_denied")


# --- the chat desk ------------------------------------------------------------------------------


def is_floor_lead(user: User) -> bool:
    """Supervisors (and admins) watch and steer every chat on the floor."""
    return user.role in FLOOR_LEADS


def can_handle_chat(user: User, agent: Agent | None, c: Consultation) -> bool:
    """A chat is its assigned agent's, and every floor lead's."""
    return is_floor_lead(user) or (agent is not None and c.agent_id == agent.id)


def access_chat(session: Session, user: User, agent: Agent | None, c: Consultation,
                action: str) -> None:
    """Notes, tags, canned answers and transcripts of a chat: its agent or a floor lead."""
    if not can_handle_chat(user, agent, c):
        deny(session, user, action, consultation=c.id)


def access_floor(session: Session, user: User, action: str, **detail: Any) -> None:
    """Monitor, whisper, take over, broadcast: floor leads only."""
    if not is_floor_lead(user):
        deny(session, user, action, role=user.role, **detail)


def chat_archive_scope(session: Session, user: User, agent: Agent | None) -> int | None:
    """Whose closed chats the user may search: None for every chat (floor leads), else the
    agent's own id (an agent sees the conversations they handled)."""
    if is_floor_lead(user):
        return None
    if agent is None or user.role not in AGENTS:
        deny(session, user, "chat.archive", role=user.role)
    return agent.id


def access_canned_edit(session: Session, user: User, owner_user_id: int | None,
                       team_id: int | None) -> None:
    """A personal canned answer is its owner's; team answers are kept by floor leads."""
    allowed = (owner_user_id == user.id) if owner_user_id is not None else (
        team_id is not None and is_floor_lead(user))
    if not allowed:
        deny(session, user, "chat.canned_edit", owner=owner_user_id, team=team_id)
# --- written threads (SMS, portals/messengers, the Q&A board) -----------------------------------


def access_written_queue(session: Session, user: User) -> None:
    """The written queue: agents and floor leads."""
    if not has_role(user, WRITTEN_DESK):
        deny(session, user, "written.queue", role=user.role)


def access_answer_thread(session: Session, user: User, thread: WrittenThread,
                         agent_id: int | None) -> None:
    """Agents answer threads they hold (or nobody holds); floor leads any; the department that
    owns the topic (a kb_editor of the thread's owner agency) answers threads handed to it."""
    if has_role(user, SUPERVISORS):
        return
    if user.role == "agent":
        if thread.claimed_by_agent_id not in (None, agent_id):
            deny(session, user, "written.answer", code="thread_not_yours", thread=thread.id)
        return
    if user.role == "kb_editor" and thread.owner_agency_id is not None \
            and thread.owner_agency_id == user.agency_id:
        return
    deny(session, user, "written.answer", role=user.role, thread=thread.id)


def access_view_thread(session: Session, user: User, thread: WrittenThread) -> None:
    """A thread's transcript: the written desk, or the department it was handed to."""
    if has_role(user, WRITTEN_DESK):
        return
    if user.role == "kb_editor" and thread.owner_agency_id == user.agency_id:
        return
    deny(session, user, "written.view", role=user.role, thread=thread.id)


# --- the phone channel -------------------------------------------------------------------------


def can_play_recording(user: User) -> bool:
    """Call recordings: supervisors (and admins); every playback is audited by the room."""
    return user.role in VOICE_RECORDING_LISTENERS or user.role == "admin"


def can_steer_call(user: User, call_agent_id: int | None, user_agent_id: int | None) -> bool:
    """Desktop call actions (hold, transfer, hang-up, ...): the agent on the call, or a
    supervisor."""
    if user.role in SUPERVISORS or user.role == "admin":
        return True
    return user_agent_id is not None and call_agent_id == user_agent_id
def access_call_transcript(session: Session, user: User, call_agent_user_id: int | None, *,
                           ip: str | None = None, path: str | None = None) -> None:
    """A call's masked transcript: the searchers, or the agent who answered the call."""
    if user.role in TRANSCRIPT_SEARCHERS:
        return
    if user.role == "agent" and call_agent_user_id is not None and \
            call_agent_user_id == user.id:
        return
    deny(session, user, "transcript.read", ip=ip, path=path, role=user.role)
def can_watch_crisis(user: User | None) -> bool:
    """May this user's socket receive the live crisis alerts (an admin always may)?"""
    return _holds(user, CRISIS_WATCHERS)


def _holds(user: User | None, group: frozenset[str]) -> bool:
    return user is not None and (user.role in group or user.role == "admin")


def can_manage_qa(user: User | None) -> bool:
    return _holds(user, QA_STAFF)


def can_export_evidence(user: User | None) -> bool:
    return _holds(user, EVIDENCE_EXPORTERS)


def can_include_raw_evidence(user: User | None) -> bool:
    return _holds(user, EVIDENCE_RAW_READERS)


# --- the malicious-caller programme -----------------------------------------------------------

SEPARATED_QUEUE = "malicious"  # the 전담 (dedicated) team's queue


def can_take_separated(user: User, dedicated: bool) -> bool:
    """A separated caller's contact (the dedicated team's queue): the dedicated team's agents
    and the floor leads, nobody else."""
    return is_floor_lead(user) or dedicated


def access_separated_contact(session: Session, user: User, dedicated: bool,
                             consultation_id: int) -> None:
    if not can_take_separated(user, dedicated):
        deny(session, user, "malicious.separated_contact", consultation=consultation_id)


def access_care_referral(session: Session, user: User, own_agent_id: int | None,
                         agent_id: int) -> None:
    """A counselling referral: an agent refers themself; a floor lead refers any agent."""
    if is_floor_lead(user) or (own_agent_id is not None and own_agent_id == agent_id):
        return
    deny(session, user, "agent_care.counselling", agent=agent_id)


def access_hand_to_team(session: Session, user: User, own_agent_id: int | None,
                        contact_agent_id: int | None, consultation_id: int) -> None:
    """Hand a contact to the dedicated team: the agent holding it (or an unheld one), or a
    floor lead."""
    if is_floor_lead(user):
        return
    if user.role in AGENTS and own_agent_id is not None and \
            contact_agent_id in (None, own_agent_id):
        return
    deny(session, user, "malicious.hand_to_team", consultation=consultation_id)


def access_nominate(session: Session, user: User, own_agent_id: int | None,
                    incident_agent_id: int | None, incident_id: int) -> None:
    """Nominate a caller from an incident: the agent the incident happened to (any agent for
    an incident with no agent, e.g. in the chatbot phase), or a floor lead."""
    if is_floor_lead(user):
        return
    if user.role in AGENTS and own_agent_id is not None and \
            incident_agent_id in (None, own_agent_id):
        return
    deny(session, user, "malicious.nominate", incident=incident_id)
