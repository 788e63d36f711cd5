"""Who may do what with field complaints (small named checks, ready to move into the one
access policy module)."""

from __future__ import annotations

from dasan.db.models import User
from dasan.db.models_complaints import ServiceRequest

SEE_ALL = frozenset({"admin", "supervisor", "analyst"})
HANDLE_ALL = frozenset({"admin", "supervisor"})


def can_see_all_complaints(user: User) -> bool:
    return user.role in SEE_ALL


def district_scope(user: User) -> str | None:
    """The one district a district officer is limited to (None: every district)."""
    return None if can_see_all_complaints(user) else (user.district_code or "-")


def can_see_complaint(user: User, request: ServiceRequest) -> bool:
    if can_see_all_complaints(user):
        return True
    return user.role == "district_officer" and _owns(user, request)


def can_handle_complaint(user: User, request: ServiceRequest) -> bool:
    """Accept / progress / resolve / reject / reassign: the owning district's officers (and
    its integration tokens), supervisors and admins."""
    if user.role in HANDLE_ALL:
        return True
    return user.role == "district_officer" and _owns(user, request)


def _owns(user: User, request: ServiceRequest) -> bool:
    if user.district_code and request.district_code == user.district_code and \
            request.agency_code.startswith("gu-"):
        return True
    agency = user.agency.code if user.agency is not None else None
    return agency is not None and agency == request.agency_code


def can_manage_dispatch(user: User) -> bool:
    return user.role in HANDLE_ALL
