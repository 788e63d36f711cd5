"""Monthly QA sampling: targeted consultations first, then a random draw per agent.

The rules are exact, so that an agent (or an auditor) can check why a consultation was drawn:
1. Only answered consultations of the month with an agent count.
2. Targeted reasons, in this order (a consultation gets the first that applies):
   ``crisis`` (a crisis contact), ``abuse`` (an abuse incident or a forced termination),
   ``low_satisfaction`` (survey score <= `low_satisfaction_max`), ``transferred_twice`` (two or
   more transfers), ``long_handle`` (handle time > `long_handle_seconds`). Per agent and reason
   at most `targeted_cap` are taken: the earliest by consultation id.
3. Random: `random_per_agent` more of each agent's remaining consultations, drawn with a
   generator seeded by (`seed`, month): every consultation gets one uniform key and the agent's
   lowest keys win. An agent with fewer gets all of them.
The selection runs on numpy arrays (a Seoul month, ~550k consultations, in well under 3 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.db.models import User
from dasan.db.models_quality import QaSample
from dasan.errors import Conflict, Invalid

REASONS = ("crisis", "abuse", "low_satisfaction", "transferred_twice", "long_handle", "random")


@dataclass(frozen=True)
class SamplingRules:
    random_per_agent: int = 4
    targeted_cap: int = 5
    long_handle_seconds: float = 900.0
    low_satisfaction_max: int = 2
    seed: int = 120

    def check(self) -> None:
        if not 0 <= self.random_per_agent <= 100 or not 0 <= self.targeted_cap <= 100:
            raise Invalid("per-agent counts must be 0-100")
        if self.long_handle_seconds <= 0 or not 1 <= self.low_satisfaction_max <= 4:
            raise Invalid("long_handle_seconds must be > 0 and low_satisfaction_max 1-4")


@dataclass
class MonthData:
    """One row per answered consultation of the month (sorted by id)."""

    ids: NDArray[np.int64]
    agents: NDArray[np.int64]
    crisis: NDArray[np.bool_]
    abuse: NDArray[np.bool_]
    low_survey: NDArray[np.bool_]
    transfers: NDArray[np.int64]
    handle: NDArray[np.float64]


def month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        start = datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise Invalid(f"month must be YYYY-MM, not {month!r}") from None
    end = datetime(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


def _first_per_agent(agents: NDArray[np.int64], order_key: NDArray[Any], idx: NDArray[np.int64],
                     cap: int) -> NDArray[np.int64]:
    """Of the rows `idx`, the `cap` with the smallest `order_key` for each agent."""
    if cap <= 0 or idx.size == 0:
        return idx[:0]
    order = idx[np.lexsort((order_key[idx], agents[idx]))]
    a = agents[order]
    starts = np.r_[0, np.flatnonzero(a[1:] != a[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, a.size]))
    rank = np.arange(a.size) - group_start
    return order[rank < cap]


def select_samples(d: MonthData, rules: SamplingRules, month: str
                   ) -> list[tuple[int, int, str]]:
    """(consultation id, agent id, reason) of the month's sample, by the rules above."""
    n = d.ids.size
    taken = np.zeros(n, dtype=bool)
    out: list[tuple[int, int, str]] = []
    masks = {
        "crisis": d.crisis,
        "abuse": d.abuse,
        "low_satisfaction": d.low_survey,
        "transferred_twice": d.transfers >= 2,
        "long_handle": np.nan_to_num(d.handle, nan=0.0) > rules.long_handle_seconds,
    }
    for reason, mask in masks.items():
        idx = np.flatnonzero(mask & ~taken)
        chosen = _first_per_agent(d.agents, d.ids, idx, rules.targeted_cap)
        taken[chosen] = True
        out.extend((int(d.ids[i]), int(d.agents[i]), reason) for i in chosen)
    seed = rules.seed * 1_000_000 + int(month.replace("-", ""))
    keys = np.random.default_rng(seed).random(n)
    idx = np.flatnonzero(~taken)
    chosen = _first_per_agent(d.agents, keys, idx, rules.random_per_agent)
    out.extend((int(d.ids[i]), int(d.agents[i]), "random") for i in chosen)
    return out


# The chat hub's system message for a transfer (`dasan.chat.hub.TRANSFERRED_KO`; a test keeps
# them equal). Not imported: the hub pulls in the whole chat stack.
TRANSFER_NOTICE = "다른 상담사에게 상담을 넘겨 드립니다. 잠시만 기다려 주세요."


def _rows(s: Session, sql: str, start: datetime, end: datetime, *extra: Any) -> list[Any]:
    """Plain driver tuples (no SQLAlchemy rows: 550k of those cost seconds)."""
    if s.get_bind().dialect.name == "postgresql":
        q = sql.replace("?", "%s")
        params: tuple[Any, ...] = (start, end, *extra)
    else:
        q = sql
        params = (start.isoformat(" "), end.isoformat(" "), *extra)
    # The DBAPI cursor of the session's connection (same transaction): plain tuples, which
    # numpy converts in one C loop (SQLAlchemy Row objects took it 30x longer).
    dbapi = s.connection().connection.dbapi_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        cur.execute(q, params)
        return list(cur.fetchall())
    finally:
        cur.close()


_IN_MONTH = ("c.started_at >= ? AND c.started_at < ? AND c.agent_id IS NOT NULL "
             "AND c.answered_at IS NOT NULL")


def load_month(s: Session, month: str, low_satisfaction_max: int = 2) -> MonthData:
    start, end = month_bounds(month)
    # Numbers only (no NULLs), so that numpy converts the 550k rows in one C loop.
    rows = _rows(s, "SELECT c.id, c.agent_id, CASE WHEN c.crisis THEN 1 ELSE 0 END, "
                    "CASE WHEN c.outcome = 'forced_terminated' THEN 1 ELSE 0 END, "
                    "COALESCE(c.handle_seconds, -1) "
                    f"FROM consultations c WHERE {_IN_MONTH} ORDER BY c.id", start, end)
    n = len(rows)
    table = np.array(rows, dtype=np.float64).reshape(n, 5)
    del rows
    ids = table[:, 0].astype(np.int64)
    agents = table[:, 1].astype(np.int64)
    crisis = table[:, 2] > 0
    abuse = table[:, 3] > 0
    handle = np.where(table[:, 4] < 0, np.nan, table[:, 4])
    del table

    def mark(found: list[Any]) -> NDArray[np.bool_]:
        out = np.zeros(n, dtype=bool)
        if not found or n == 0:
            return out
        arr = np.unique(np.asarray([int(f[0]) for f in found], dtype=np.int64))
        pos = np.searchsorted(ids, arr)
        ok = (pos < n) & (ids[np.minimum(pos, n - 1)] == arr)
        out[pos[ok]] = True
        return out

    abuse |= mark(_rows(s, "SELECT a.consultation_id FROM abuse_incidents a JOIN consultations c "
                           f"ON c.id = a.consultation_id WHERE {_IN_MONTH}", start, end))
    low = mark(_rows(s, "SELECT v.consultation_id FROM survey_answers v JOIN consultations c "
                        f"ON c.id = v.consultation_id WHERE {_IN_MONTH} AND v.score <= ?",
                     start, end, low_satisfaction_max))
    twice = mark(_rows(s, "SELECT m.consultation_id FROM messages m JOIN consultations c "
                          f"ON c.id = m.consultation_id WHERE {_IN_MONTH} AND m.sender = 'system' "
                          "AND m.body = ? GROUP BY m.consultation_id HAVING COUNT(*) >= 2",
                       start, end, TRANSFER_NOTICE))
    return MonthData(ids, agents, crisis, abuse, low, twice.astype(np.int64) * 2, handle)


def draw_month(s: Session, user: User | None, month: str, rules: SamplingRules | None = None,
               replace: bool = False) -> dict[str, int]:
    """Draw and store the month's sample (caller commits); counts per reason."""
    rules = rules or SamplingRules()
    rules.check()
    month_bounds(month)
    existing = int(s.scalar(select(func.count()).select_from(QaSample)
                            .where(QaSample.month == month)) or 0)
    if existing and not replace:
        raise Conflict(f"{month} was sampled already ({existing} consultations)",
                       code="already_sampled")
    if existing:
        s.execute(delete(QaSample).where(QaSample.month == month))
    picked = select_samples(load_month(s, month, rules.low_satisfaction_max), rules, month)
    if picked:
        s.execute(insert(QaSample), [{"month": month, "consultation_id": c, "agent_id": a,
                                      "reason": r} for c, a, r in picked])
    counts = {r: 0 for r in REASONS}
    for _, _, r in picked:
        counts[r] += 1
    audit.record(s, user, "qa.sample", object_type="month", object_id=month,
                 detail={"counts": counts, "replaced": existing, "rules": rules.__dict__})
    return counts


def samples(s: Session, month: str, agent_id: int | None = None) -> list[QaSample]:
    q = select(QaSample).where(QaSample.month == month).order_by(QaSample.agent_id, QaSample.id)
    if agent_id is not None:
        q = q.where(QaSample.agent_id == agent_id)
    return list(s.scalars(q.limit(5000)))
