"""Offers: a contact is offered to one agent, who accepts within the offer timeout
(`DASAN_OFFER_TIMEOUT_SECONDS`) or misses it; the contact then goes to the next agent and the
miss stays on record. Teams with auto-accept take their contacts at once (the offer is stored as
accepted, so the record is the same for both).

Exactly one accept wins: accepting is a conditional update of a *pending*, unexpired offer,
then a conditional claim of the still-unassigned contact; anything that loses either race gets
`OfferGone` (409) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dasan.config import get_settings
from dasan.db.models import Consultation
from dasan.db.models_presence import ContactOffer, TeamSetting
from dasan.errors import Conflict, Forbidden, NotFound

PENDING, ACCEPTED, MISSED, DECLINED, WITHDRAWN = (
    "pending", "accepted", "missed", "declined", "withdrawn")


class OfferGone(Conflict):
    code = "offer_gone"


class OfferNotYours(Forbidden):
    code = "offer_not_yours"


class OfferNotFound(NotFound):
    code = "offer_not_found"


def auto_accept(s: Session, team_id: int | None) -> bool:
    """The team's setting; teams without one follow `DASAN_CHAT_AUTO_ACCEPT`."""
    row = s.get(TeamSetting, team_id) if team_id is not None else None
    return bool(row.auto_accept) if row is not None else get_settings().chat_auto_accept


def set_auto_accept(s: Session, team_id: int, value: bool) -> None:
    row = s.get(TeamSetting, team_id)
    if row is None:
        s.add(TeamSetting(team_id=team_id, auto_accept=value))
    else:
        row.auto_accept = value
    s.commit()


def make(s: Session, cid: int, agent_id: int, now: datetime, accepted: bool) -> ContactOffer:
    """Record an offer (caller commits): pending, or accepted at once (auto-accept)."""
    timeout = timedelta(seconds=get_settings().offer_timeout_seconds)
    offer = ContactOffer(consultation_id=cid, agent_id=agent_id, offered_at=now,
                         expires_at=now + timeout, status=ACCEPTED if accepted else PENDING,
                         decided_at=now if accepted else None)
    s.add(offer)
    s.flush()
    return offer


def pending_for(s: Session, cids: Sequence[int]) -> set[int]:
    """Which of these contacts have an offer out."""
    if not cids:
        return set()
    return set(s.scalars(select(ContactOffer.consultation_id).where(
        ContactOffer.consultation_id.in_(list(cids)), ContactOffer.status == PENDING)))


def passed_by(s: Session, cids: Sequence[int]) -> dict[int, set[int]]:
    """Agents who missed or declined each contact (offered to someone else next)."""
    out: dict[int, set[int]] = {}
    if not cids:
        return out
    for cid, aid in s.execute(select(ContactOffer.consultation_id, ContactOffer.agent_id).where(
            ContactOffer.consultation_id.in_(list(cids)),
            ContactOffer.status.in_((MISSED, DECLINED)))):
        out.setdefault(int(cid), set()).add(int(aid))
    return out


@dataclass(frozen=True)
class Decided:
    offer_id: int
    consultation_id: int
    agent_id: int
    status: str


def _get(s: Session, offer_id: int, agent_id: int) -> ContactOffer:
    offer = s.get(ContactOffer, offer_id)
    if offer is None:
        raise OfferNotFound(f"offer {offer_id} not found")
    if offer.agent_id != agent_id:
        raise OfferNotYours("this offer was made to another agent")
    return offer


def accept(s: Session, offer_id: int, agent_id: int, now: datetime) -> Decided:
    """The agent takes the contact (commits). `OfferGone` when it timed out, was withdrawn or
    accepted already (another tab), or the citizen left meanwhile."""
    offer = _get(s, offer_id, agent_id)
    won = s.execute(update(ContactOffer).where(
        ContactOffer.id == offer_id, ContactOffer.status == PENDING,
        ContactOffer.expires_at > now).values(status=ACCEPTED, decided_at=now)
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    if won != 1:
        s.rollback()
        raise OfferGone("this offer is no longer open")
    claimed = s.execute(update(Consultation).where(
        Consultation.id == offer.consultation_id, Consultation.agent_id.is_(None),
        Consultation.status == "open").values(agent_id=agent_id)
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    if claimed != 1:
        s.rollback()
        s.execute(update(ContactOffer).where(ContactOffer.id == offer_id)
                  .values(status=WITHDRAWN, decided_at=now))
        s.commit()
        raise OfferGone("the citizen is no longer waiting")
    s.commit()
    return Decided(offer_id, offer.consultation_id, agent_id, ACCEPTED)


def decline(s: Session, offer_id: int, agent_id: int, now: datetime) -> Decided:
    offer = _get(s, offer_id, agent_id)
    done = s.execute(update(ContactOffer).where(
        ContactOffer.id == offer_id, ContactOffer.status == PENDING)
        .values(status=DECLINED, decided_at=now)
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    if done != 1:
        s.rollback()
        raise OfferGone("this offer is no longer open")
    s.commit()
    return Decided(offer_id, offer.consultation_id, agent_id, DECLINED)


def expire(s: Session, now: datetime) -> list[Decided]:
    """Pending offers past their time become missed (commits)."""
    rows = list(s.scalars(select(ContactOffer).where(
        ContactOffer.status == PENDING, ContactOffer.expires_at <= now)
        .order_by(ContactOffer.id).limit(500)))
    out: list[Decided] = []
    for offer in rows:
        done = s.execute(update(ContactOffer).where(
            ContactOffer.id == offer.id, ContactOffer.status == PENDING)
            .values(status=MISSED, decided_at=now)
            .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
        if done == 1:
            out.append(Decided(offer.id, offer.consultation_id, offer.agent_id, MISSED))
    s.commit()
    return out


def withdraw_for_contact(s: Session, cid: int, now: datetime) -> list[int]:
    """The contact ended or left the queue: withdraw its open offer (caller commits);
    returns the agents whose desktops should drop it."""
    agents = list(s.scalars(select(ContactOffer.agent_id).where(
        ContactOffer.consultation_id == cid, ContactOffer.status == PENDING)))
    if agents:
        s.execute(update(ContactOffer).where(ContactOffer.consultation_id == cid,
                                             ContactOffer.status == PENDING)
                  .values(status=WITHDRAWN, decided_at=now)
                  .execution_options(synchronize_session=False))
    return [int(a) for a in agents]
