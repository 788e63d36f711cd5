"""The access policy: role groups, district and agency scope; every denial is audited."""

from __future__ import annotations

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
    access.access_pii_reveal(db, _user(db, "supervisor"))
    access.access_pii_reveal(db, _user(db, "admin"))
    for name in ("agent1", "analyst", "kbeditor", "district"):
        with pytest.raises(Forbidden):
            access.access_pii_reveal(db, _user(db, name))
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
    assert [r.action for r in _denials(db)] == ["written.queue", "written.answer", "written.view"]
