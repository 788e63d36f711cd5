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


class Unauthenticated(DomainError):
    status = 401
    code = "login_required"


def deny(session: Session, user: User | None, action: str, *, ip: str | None = None,
         path: str | None = None, **detail: Any) -> NoReturn:
    """Refuse with `Forbidden` and leave a trace in the audit log (committed at once, so the
    row survives the caller's rollback)."""
    audit.record(session, user, action, outcome="denied",
                 detail={**({"path": path} if path else {}), **detail}, ip=ip)
    session.commit()
    raise Forbidden(f"not allowed: {action}")


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


def access_pii_reveal(session: Session, user: User, *, ip: str | None = None,
                      path: str | None = None, **detail: Any) -> None:
    """Raw (unmasked) personal data: supervisors and admins only."""
    if user.role not in ("supervisor", "admin"):
        deny(session, user, "pii.unmask", ip=ip, path=path, role=user.role, **detail)
