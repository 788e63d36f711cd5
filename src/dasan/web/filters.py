"""Report filters from a query string, scoped by the access policy (shared by the analytics
API and the report pages)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from dasan import access
from dasan.analytics.filters import Filters
from dasan.db.models import User
from dasan.web.deps import client_ip

FILTER_KEYS = ("start", "end", "channel", "district", "category", "program", "keyword",
               "outcome", "queue_id", "team_id", "agent_id", "hour", "qtype")


def scoped_filters(request: Request, db: Session, user: User,
                   params: dict[str, Any] | None = None) -> Filters:
    """Filters from the query string, restricted to the caller's district when scoped."""
    raw = params if params is not None else {
        k: v for k, v in request.query_params.items() if k in FILTER_KEYS
    }
    f = Filters.from_params(raw)
    return access.access_analytics_scope(db, user, f, ip=client_ip(request),
                                         path=request.url.path)
