"""Agents' phones (SIP endpoints) and registered welfare lines."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.auth import phone_hash
from dasan.config import signing_key
from dasan.db.models import Agent, Queue
from dasan.db.models_voice import VoiceEndpoint, WelfareLine
from dasan.errors import Invalid, NotFound

SIP_URI = re.compile(r"^sips?:[A-Za-z0-9._~%!$&'()*+,;=-]+@[A-Za-z0-9.-]+(:\d{1,5})?(;[^\s]*)?$")


def set_endpoint(session: Session, employee_no: str, sip_uri: str) -> VoiceEndpoint:
    if not SIP_URI.match(sip_uri):
        raise Invalid(f"not a SIP URI: {sip_uri!r} (expected sip:user@host[:port])")
    agent = session.scalar(select(Agent).where(Agent.employee_no == employee_no))
    if agent is None:
        raise NotFound(f"no agent with employee number {employee_no!r}")
    row = session.scalar(select(VoiceEndpoint).where(VoiceEndpoint.agent_id == agent.id))
    if row is None:
        row = VoiceEndpoint(agent_id=agent.id, sip_uri=sip_uri)
        session.add(row)
    row.sip_uri, row.active = sip_uri, True
    session.flush()
    return row


def register_welfare_line(session: Session, phone_digits: str, label: str) -> WelfareLine:
    digits = re.sub(r"\D", "", phone_digits)
    if len(digits) < 7:
        raise Invalid("a welfare line needs a phone number")
    key = phone_hash(digits, signing_key())
    row = session.scalar(select(WelfareLine).where(WelfareLine.phone_hash == key))
    if row is None:
        row = WelfareLine(phone_hash=key, label=label[:128])
        session.add(row)
        session.flush()
    return row


DIALLABLE = re.compile(r"^\+?[0-9*#-]{2,24}$")


def refer_target(session: Session, user: str) -> str | None:
    """Where a REFER from an agent's phone sends the call, by the Refer-To user part:
    `queue-<code>` a queue, an employee number another agent, digits an outside number
    (through the site's trunk); None if it names nothing."""
    if user.startswith("queue-"):
        code = user[6:]
        known = session.scalar(select(Queue.id).where(Queue.code == code))
        return f"queue:{code}" if known is not None else None
    agent_id = session.scalar(select(Agent.id).where(Agent.employee_no == user))
    if agent_id is not None:
        return f"agent:{agent_id}"
    if DIALLABLE.match(user):
        return "external:" + re.sub(r"[^0-9*#+]", "", user)
    return None
