"""The access policy: role groups, district and agency scope; every denial is audited."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import access
from dasan.analytics.filters import Filters
from dasan.db.models import AuditLog, User
from dasan.errors import Forbidden


def _user(db: Session, name: str) -> User:
    user = db.scalar(select(User).where(User.username == name))
    assert user is not None
    return user


def _denials(db: Session) -> list[AuditLog]:
    return list(db.scalars(select(AuditLog).where(AuditLog.outcome == "denied")))


def test_role_groups_admit_members_and_admin_only(db: Session) -> None:
    agent = _user(db, "agent1")
    assert access.access_role(db, agent, access.AGENTS) is agent
    assert access.access_role(db, _user(db, "admin"), access.AGENTS).role == "admin"
    with pytest.raises(Forbidden):
        access.access_role(db, agent, access.PLANNERS, ip="10.0.0.1", path="/x")
    [row] = _denials(db)
    assert row.action == "role.denied" and row.actor == "agent1" and row.ip == "10.0.0.1"
    assert row.detail["required"] == sorted(access.PLANNERS) and row.detail["path"] == "/x"


def test_anonymous_is_401_not_403(db: Session) -> None:
    with pytest.raises(access.Unauthenticated) as exc:
        access.access_role(db, None, access.STAFF)
    assert exc.value.status == 401 and _denials(db) == []


def test_district_officer_scope(db: Session) -> None:
    officer = _user(db, "district")
    access.access_district(db, officer, "11545", "consultations.other_district")
    with pytest.raises(Forbidden):
        access.access_district(db, officer, "11110", "consultations.other_district")
    assert [r.action for r in _denials(db)] == ["consultations.other_district"]
    access.access_district(db, _user(db, "analyst"), "11110", "x")  # center roles see all
    scoped = access.access_analytics_scope(db, officer, Filters())
    assert scoped.district == "11545"
    with pytest.raises(Forbidden):
        access.access_analytics_scope(db, officer, Filters(district="11110"))
    assert access.access_analytics_scope(db, _user(db, "analyst"), Filters()).district is None


def test_kb_editor_edits_only_own_agency(db: Session) -> None:
    editor = _user(db, "kbeditor")
    access.access_agency_edit(db, editor, editor.agency_id)
    with pytest.raises(Forbidden):
        access.access_agency_edit(db, editor, (editor.agency_id or 0) + 1)
    with pytest.raises(Forbidden):
        access.access_agency_edit(db, editor, None)
    access.access_agency_edit(db, _user(db, "admin"), None)
    assert len(_denials(db)) == 2


def test_pii_reveal_only_supervisors_and_admins(db: Session) -> None:
    where = {"object_type": "call_transcript", "object_id": 5, "reason": "재확인"}
    access.access_pii_reveal(db, _user(db, "supervisor"), **where)
    access.access_pii_reveal(db, _user(db, "admin"), **where)
    for name in ("agent1", "analyst", "kbeditor", "district"):
        with pytest.raises(Forbidden):
            access.access_pii_reveal(db, _user(db, name), **where)
    assert len(_denials(db)) == 4


def test_no_module_keeps_its_own_role_list() -> None:
    import pathlib
    import re

    root = pathlib.Path(access.__file__).parent / "web"
    pattern = re.compile(r"^(STAFF|READERS|EDITORS|WRITERS|PLANNERS)\s*=\s*\(", re.M)
    offenders = [str(p) for p in root.rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []
    # nor names roles inline: role checks go through the policy's named groups
    inline = re.compile(r'require_(page_)?roles\(\s*"|\.role (not )?in \(|^[A-Z_]+ = \("(agent|supervisor)"'
                        r'|_guard\([^)]*\("', re.M)
    offenders = [str(p) for p in root.rglob("*.py") if inline.search(p.read_text())]
    assert offenders == []


def test_the_policy_is_the_only_access_module() -> None:
    """Who may do what lives in `dasan.access` alone: no room keeps an `access.py` of its own."""
    import pathlib

    root = pathlib.Path(access.__file__).parent
    others = [str(p.relative_to(root)) for p in root.rglob("access.py") if p.parent != root]
    assert others == []


def test_written_thread_refusals_are_audited(db: Session) -> None:
    from dasan.db.models_channels import WrittenThread

    thread = WrittenThread(id=1, consultation_id=1, channel="sms", status="claimed",
                           claimed_by_agent_id=99, owner_agency_id=None)
    agent, analyst = _user(db, "agent1"), _user(db, "analyst")
    access.access_written_queue(db, agent)
    with pytest.raises(Forbidden):
        access.access_written_queue(db, analyst)
    with pytest.raises(Forbidden) as exc:
        access.access_answer_thread(db, agent, thread, agent_id=1)
    assert exc.value.code == "thread_not_yours"
    access.access_answer_thread(db, agent, thread, agent_id=99)
    access.access_answer_thread(db, _user(db, "supervisor"), thread, agent_id=None)
    with pytest.raises(Forbidden):
        access.access_view_thread(db, analyst, thread)
    rows = _denials(db)
    assert [r.action for r in rows] == ["written.queue", "written.answer", "written.view"]
    assert [r.actor for r in rows] == ["analyst", "agent1", "analyst"]
    assert rows[0].detail == {"role": "analyst"} and rows[1].detail == {"thread": 1}
    # A thread handed to a department: that agency's KB editor answers it, no other.
    editor = _user(db, "kbeditor")
    handed = WrittenThread(id=2, consultation_id=2, channel="portal", status="handed",
                           claimed_by_agent_id=None, owner_agency_id=editor.agency_id)
    access.access_answer_thread(db, editor, handed, agent_id=None)
    elsewhere = WrittenThread(id=3, consultation_id=3, channel="portal", status="handed",
                              claimed_by_agent_id=None,
                              owner_agency_id=(editor.agency_id or 0) + 1)
    unowned = WrittenThread(id=4, consultation_id=4, channel="sms", status="open",
                            claimed_by_agent_id=None, owner_agency_id=None)
    for user, t in ((editor, elsewhere), (analyst, unowned), (analyst, handed)):
        with pytest.raises(Forbidden):
            access.access_answer_thread(db, user, t, agent_id=None)


def test_who_may_read_a_written_thread_and_what_a_refused_answer_leaves_in_the_audit_log(
        db: Session) -> None:
    """The written desk (agents, supervisors, admins) reads every thread, the department a
    thread was handed to reads that one; an analyst is refused, and the audit row of a refused
    answer names who, what, with which role and which thread."""
    from dasan.db.models_channels import WrittenThread

    editor = _user(db, "kbeditor")
    handed = WrittenThread(id=5, consultation_id=5, channel="portal", status="handed",
                           claimed_by_agent_id=None, owner_agency_id=editor.agency_id)
    unowned = WrittenThread(id=6, consultation_id=6, channel="sms", status="open",
                            claimed_by_agent_id=None, owner_agency_id=None)
    for name in ("agent1", "supervisor", "admin"):
        access.access_view_thread(db, _user(db, name), unowned)
        access.access_view_thread(db, _user(db, name), handed)
    access.access_view_thread(db, editor, handed)
    assert _denials(db) == []
    analyst = _user(db, "analyst")
    with pytest.raises(Forbidden):
        access.access_view_thread(db, editor, unowned)
    with pytest.raises(Forbidden):
        access.access_answer_thread(db, analyst, handed, agent_id=None)
    view, answer = _denials(db)
    assert (view.action, view.actor, view.detail) == (
        "written.view", "kbeditor", {"role": "kb_editor", "thread": 6})
    assert (answer.action, answer.actor, answer.detail) == (
        "written.answer", "analyst", {"role": "analyst", "thread": 5})


# --- the chat desk, calls and the malicious-caller programme: who may, who is refused -------


def _as(role: str, uid: int = 7) -> User:
    return User(id=uid, username=f"{role}{uid}", role=role)


def _chat(agent_id: int | None, cid: int = 3) -> Any:
    return SimpleNamespace(id=cid, agent_id=agent_id)


def test_predicates_name_exactly_their_roles() -> None:
    roles = ("agent", "supervisor", "kb_editor", "district_officer", "analyst", "admin")
    expected = {
        access.is_floor_lead: {"supervisor", "admin"},
        access.can_play_recording: {"supervisor", "admin"},
        access.can_watch_crisis: {"supervisor", "admin"},
        access.can_manage_qa: {"supervisor", "admin"},
        access.can_export_evidence: {"supervisor", "admin"},
        access.can_include_raw_evidence: {"admin"},
    }
    for predicate, allowed in expected.items():
        assert {r for r in roles if predicate(_as(r))} == allowed, predicate.__name__
    for anonymous_ok in (access.can_watch_crisis, access.can_manage_qa,
                         access.can_export_evidence, access.can_include_raw_evidence):
        assert anonymous_ok(None) is False
    assert access.has_role(None, access.STAFF) is False
    assert access.has_role(_as("analyst"), access.AGENTS) is False
    assert access.has_role(_as("agent"), access.AGENTS) and access.has_role(_as("admin"), ())
    # A chat is its assigned agent's and every floor lead's; an agent without a desk has none.
    me = SimpleNamespace(id=4)
    assert access.can_handle_chat(_as("agent"), me, _chat(4))
    assert not access.can_handle_chat(_as("agent"), me, _chat(5))
    assert not access.can_handle_chat(_as("agent"), None, _chat(None))
    assert access.can_handle_chat(_as("supervisor"), None, _chat(5))
    # Call actions: the agent on the call or a supervisor/admin.
    assert access.can_steer_call(_as("agent"), 4, 4)
    assert not access.can_steer_call(_as("agent"), 4, 5)
    assert not access.can_steer_call(_as("agent"), None, None)
    assert access.can_steer_call(_as("supervisor"), 4, None)
    assert access.can_steer_call(_as("admin"), 4, None)
    assert not access.can_steer_call(_as("analyst"), 4, None)
    assert access.can_take_separated(_as("agent"), True)
    assert not access.can_take_separated(_as("agent"), False)
    assert access.can_take_separated(_as("supervisor"), False)


def test_chat_desk_and_programme_refusals_are_audited(db: Session) -> None:
    agent, lead, analyst = _user(db, "agent1"), _user(db, "supervisor"), _user(db, "analyst")
    me, other = SimpleNamespace(id=4), SimpleNamespace(id=5)
    access.access_chat(db, agent, me, _chat(4), "chat.note")
    access.access_chat(db, lead, None, _chat(4), "chat.note")
    with pytest.raises(Forbidden):
        access.access_chat(db, agent, other, _chat(4, cid=31), "chat.note")
    access.access_floor(db, lead, "chat.monitor")
    with pytest.raises(Forbidden):
        access.access_floor(db, agent, "chat.monitor", consultation=3)
    assert access.chat_archive_scope(db, lead, None) is None
    assert access.chat_archive_scope(db, agent, me) == 4
    with pytest.raises(Forbidden):
        access.chat_archive_scope(db, agent, None)
    with pytest.raises(Forbidden):
        access.chat_archive_scope(db, analyst, me)
    # Canned answers: a personal one is its owner's; team ones belong to floor leads.
    access.access_canned_edit(db, agent, agent.id, None)
    access.access_canned_edit(db, lead, None, 2)
    for user, owner, team in ((agent, agent.id + 1, None), (agent, None, 2), (lead, None, None)):
        with pytest.raises(Forbidden):
            access.access_canned_edit(db, user, owner, team)
    # Call transcripts: the searchers, or the agent who answered.
    access.access_call_transcript(db, analyst, None)
    access.access_call_transcript(db, agent, agent.id)
    for user, answered_by in ((agent, agent.id + 1), (agent, None),
                              (_user(db, "kbeditor"), None)):
        with pytest.raises(Forbidden):
            access.access_call_transcript(db, user, answered_by, ip="10.0.0.2", path="/t")
    # The dedicated team's contacts, referrals, hand-overs and nominations.
    access.access_separated_contact(db, agent, True, 9)
    with pytest.raises(Forbidden):
        access.access_separated_contact(db, agent, False, 9)
    access.access_care_referral(db, agent, 4, 4)
    access.access_care_referral(db, lead, None, 4)
    with pytest.raises(Forbidden):
        access.access_care_referral(db, agent, 4, 5)
    with pytest.raises(Forbidden):
        access.access_care_referral(db, agent, None, 4)
    for check in (access.access_hand_to_team, access.access_nominate):
        check(db, lead, None, 5, 9)
        check(db, agent, 4, 4, 9)
        check(db, agent, 4, None, 9)
        for user, own, held in ((agent, 4, 5), (agent, None, None), (analyst, 4, 4)):
            with pytest.raises(Forbidden):
                check(db, user, own, held, 9)
    denied = [r.action for r in _denials(db)]
    assert denied == [
        "chat.note", "chat.monitor", "chat.archive", "chat.archive",
        *["chat.canned_edit"] * 3, *["transcript.read"] * 3,
        "malicious.separated_contact", *["agent_care.counselling"] * 2,
        *["malicious.hand_to_team"] * 3, *["malicious.nominate"] * 3,
    ]
    rows = _denials(db)
    # Each row names who was refused and what about.
    assert {r.actor for r in rows} == {"agent1", "analyst", "supervisor", "kbeditor"}
    assert rows[0].detail == {"consultation": 31}
    assert rows[1].detail == {"role": "agent", "consultation": 3}
    assert [r.detail for r in rows[4:7]] == [{"owner": agent.id + 1, "team": None},
                                             {"owner": None, "team": 2},
                                             {"owner": None, "team": None}]
    assert [r.detail for r in rows[2:4]] == [{"role": "agent"}, {"role": "analyst"}]
    assert rows[7].detail == {"path": "/t", "role": "agent"} and rows[7].ip == "10.0.0.2"
    assert [r.detail for r in rows[10:13]] == [{"consultation": 9}, {"agent": 5}, {"agent": 4}]
    assert {r.detail["consultation"] for r in rows[13:16]} == {9}
    assert {r.detail["incident"] for r in rows[16:19]} == {9}
