"""Who may do what on written threads (small named checks, ready for the access policy)."""

from __future__ import annotations

from dasan.channels.errors import NotYours
from dasan.db.models import User
from dasan.db.models_channels import WrittenThread
from dasan.errors import Forbidden

DESK_ROLES = ("agent", "supervisor", "admin")


def access_written_queue(user: User) -> None:
    if user.role not in DESK_ROLES:
        raise Forbidden("only agents and supervisors work the written queue")


def access_answer_thread(user: User, thread: WrittenThread, agent_id: int | None) -> None:
    """Agents answer threads they hold (or nobody holds); supervisors any; the department that
    owns the topic (a kb_editor of the thread's owner agency) answers threads handed to it."""
    if user.role in ("supervisor", "admin"):
        return
    if user.role == "agent":
        if thread.claimed_by_agent_id not in (None, agent_id):
            raise NotYours("another agent holds this thread")
        return
    if user.role == "kb_editor" and thread.owner_agency_id is not None \
            and thread.owner_agency_id == user.agency_id:
        return
    raise Forbidden("not allowed to answer this thread")


def access_view_thread(user: User, thread: WrittenThread) -> None:
    if user.role in DESK_ROLES:
        return
    if user.role == "kb_editor" and thread.owner_agency_id == user.agency_id:
        return
    raise Forbidden("not allowed to see this thread")
