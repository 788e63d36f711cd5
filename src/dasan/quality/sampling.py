"""Monthly QA sampling: targeted consultations first, then a random draw per agent.

The rules are exact, so that an agent (or an auditor) can check why a consultation was drawn:
1. Only answered consultations of the month with an agent count.
2. Targeted reasons, in this order (a consultation gets the first that applies):
   ``crisis`` (a crisis contact), ``abuse`` (an abuse incident or a forced termination),
   ``low_satisfaction`` (survey score <= `low_satisfaction_max`), ``transferred_twice`` (two or
   more transfers), ``long_handle`` (handle time > `long_handle_seconds`). Per agent and reason
   at most `targeted_cap` are taken: the earliest by consultation id.
3. Random: `random_per_agent` more of each agent's remaining consultations. Every
   consultation gets a pseudo-random key, a fixed integer hash of (`seed`, month, id)
   (:func:`random_keys`), and the agent's lowest keys win (ties: lowest id). An agent with
   fewer gets all of them.

`draw_month` stores what :func:`draw` returns; :func:`draw` does not read every row of the
month: one pass over the month in the covering index `ix_consultations_agent_month` (agent by
agent) returns only the rows a row-level rule applies to or whose random key is below a
threshold (the key computed in SQL), the abuse, survey and transfer rules are driven from their
own tables, and an agent the threshold leaves short of random rows is read whole. The sample is
the same as the plain reading (:func:`load_month` + :func:`select_samples`, every row of the
month); tests compare the two at several thresholds. docs/quality.md explains why the draw is
honest and how fast it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.db.models import User
from dasan.db.models_quality import QaSample
from dasan.errors import Conflict, Invalid
from dasan.timeutil import local_month

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
    """The instants (aware UTC) of the QA month: a month of the city's calendar (ADR 0018), so
    00:30 on 1 April in Seoul (15:30 UTC on 31 March) belongs to April."""
    try:
        datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise Invalid(f"month must be YYYY-MM, not {month!r}") from None
    return local_month(month)


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


_M32 = 1 << 32
_MUL1, _MUL2 = 2654435761, 1103515245  # odd multipliers; every product stays < 2^63


def _salt(seed: int, month: str) -> int:
    return (seed * 1_000_003 + int(month.replace("-", ""))) % _M32


def random_keys(ids: NDArray[np.int64], seed: int, month: str) -> NDArray[np.int64]:
    """The random draw's key of each consultation id: multiply-xorshift-multiply-xorshift in
    32 bits. A consultation's key depends on nothing but (seed, month, id), so the draw does
    not need the rows in any order, and an auditor can recompute any key."""
    k = (ids.astype(np.int64) * _MUL1 + _salt(seed, month)) % _M32
    k = k ^ (k >> 15)
    k = (k * _MUL2) % _M32
    return k ^ (k >> 13)


def select_samples(d: MonthData, rules: SamplingRules, month: str
                   ) -> list[tuple[int, int, str]]:
    """(consultation id, agent id, reason) of the month's sample, by the rules above."""
    taken, out = _targeted(d, rules)
    return out + _random_part(d.ids, d.agents, taken, rules, month)


def _random_part(ids: NDArray[np.int64], agents: NDArray[np.int64], taken: NDArray[np.bool_],
                 rules: SamplingRules, month: str) -> list[tuple[int, int, str]]:
    keys = random_keys(ids, rules.seed, month)
    chosen = _first_per_agent(agents, keys, np.flatnonzero(~taken), rules.random_per_agent)
    return [(int(ids[i]), int(agents[i]), "random") for i in chosen]


def _targeted(d: MonthData, rules: SamplingRules
              ) -> tuple[NDArray[np.bool_], list[tuple[int, int, str]]]:
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
    return taken, out


# The chat hub's system message for a transfer (`dasan.chat.hub.TRANSFERRED_KO`; a test keeps
# them equal). Not imported: the hub pulls in the whole chat stack.
TRANSFER_NOTICE = "다른 상담사에게 상담을 넘겨 드립니다. 잠시만 기다려 주세요."


def _naive_utc(t: datetime) -> datetime:
    """SQLite stores UtcDateTime as naive-UTC text (ADR 0009)."""
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def query(s: Session, sql: str, *params: Any) -> list[Any]:
    """Plain driver tuples for `sql` (``?`` placeholders; datetimes as naive UTC) in the
    session's transaction: no SQLAlchemy rows (550k of those cost seconds), and numpy converts
    the tuples in one C loop."""
    if s.get_bind().dialect.name == "postgresql":
        q = sql.replace("?", "%s")
        args = params
    else:
        q = sql
        args = tuple(_naive_utc(p).isoformat(" ") if isinstance(p, datetime) else p
                     for p in params)
    dbapi = s.connection().connection.dbapi_connection
    assert dbapi is not None
    cur = dbapi.cursor()
    try:
        cur.execute(q, args)
        return list(cur.fetchall())
    finally:
        cur.close()


def _rows(s: Session, sql: str, start: datetime, end: datetime, *extra: Any) -> list[Any]:
    return query(s, sql, start, end, *extra)


_IN_MONTH = ("c.started_at >= ? AND c.started_at < ? AND c.agent_id IS NOT NULL "
             "AND c.answered_at IS NOT NULL")
@dataclass(frozen=True)
class AgentMonth:
    """SQL fragments for the month's consultations with an agent, read agent by agent: `FROM`,
    `WHERE` (two ``?``: start, end) and the agent column. On SQLite the agents drive the join
    (CROSS JOIN fixes that order), each one a range of `ix_consultations_agent_month`, so the
    month is read from the index alone, in agent order, without a sort. PostgreSQL plans the
    plain query freely (an index range, or a parallel scan when the month is most of the
    table); a join with `agents` there only cost it time."""

    frm: str
    where: str
    agent: str

    @property
    def answered(self) -> str:
        return f"{self.where} AND c.answered_at IS NOT NULL"


_MONTH = "c.started_at >= ? AND c.started_at < ?"


def agent_month(s: Session) -> AgentMonth:
    if s.get_bind().dialect.name == "sqlite":
        return AgentMonth("agents a CROSS JOIN consultations c", f"c.agent_id = a.id AND {_MONTH}",
                          "a.id")
    return AgentMonth("consultations c", f"c.agent_id IS NOT NULL AND {_MONTH}", "c.agent_id")


# Numbers only (no NULLs), so that numpy converts the rows in one C loop.
_COLS = ("c.id, c.agent_id, CASE WHEN c.crisis THEN 1 ELSE 0 END, "
         "CASE WHEN c.outcome = 'forced_terminated' THEN 1 ELSE 0 END, "
         "COALESCE(c.handle_seconds, -1)")


_TWICE_IDS = ("SELECT m.consultation_id AS consultation_id FROM messages m "
              "WHERE m.sender = 'system' AND m.body = ? "
              "GROUP BY m.consultation_id HAVING COUNT(*) >= 2")


def _month_data(rows: list[Any], abuse_ids: list[Any], low_ids: list[Any],
                twice_ids: list[Any]) -> MonthData:
    """MonthData from (id, agent, crisis, forced, handle) rows (any order, duplicates allowed)
    and the ids the abuse, low-survey and transferred-twice rules apply to."""
    table = np.array(rows, dtype=np.float64).reshape(len(rows), 5)
    del rows
    _, first = np.unique(table[:, 0], return_index=True)  # sorted by id, each id once
    table = table[first]
    n = table.shape[0]
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

    abuse |= mark(abuse_ids)
    twice = mark(twice_ids).astype(np.int64) * 2
    return MonthData(ids, agents, crisis, abuse, mark(low_ids), twice, handle)


def load_month(s: Session, month: str, low_satisfaction_max: int = 2) -> MonthData:
    """Every answered consultation of the month with an agent: the plain reading of the rules,
    which :func:`draw_month` must agree with (tests compare them)."""
    start, end = month_bounds(month)
    rows = _rows(s, f"SELECT {_COLS} FROM consultations c WHERE {_IN_MONTH}", start, end)
    return _month_data(
        rows,
        _rows(s, "SELECT a.consultation_id FROM abuse_incidents a JOIN consultations c "
                 f"ON c.id = a.consultation_id WHERE {_IN_MONTH}", start, end),
        _rows(s, "SELECT v.consultation_id FROM survey_answers v JOIN consultations c "
                 f"ON c.id = v.consultation_id WHERE {_IN_MONTH} AND v.score <= ?",
              start, end, low_satisfaction_max),
        _rows(s, "SELECT m.consultation_id FROM messages m JOIN consultations c "
                 f"ON c.id = m.consultation_id WHERE {_IN_MONTH} AND m.sender = 'system' "
                 "AND m.body = ? GROUP BY m.consultation_id HAVING COUNT(*) >= 2",
              start, end, TRANSFER_NOTICE))


_KEY_STEP = 1 << 19  # thresholds are multiples of this (see _key_below_sql)


def key_threshold(random_per_agent: int) -> int:
    """The pre-filter of the random part: rows whose key is below this (1/32 of the key
    space for 4 a month; a multiple of 2^19). An agent with at least `random_per_agent`
    untaken rows below it has all of its lowest keys there; the others are read whole."""
    return min(_M32, random_per_agent * (1 << 25))


def _key_below_sql(seed: int, month: str, threshold: int) -> str:
    """SQL for ``random_keys(id) < threshold`` (threshold a multiple of 2^19), in operators
    SQLite and PostgreSQL share (no XOR: a ^ b = (a | b) - (a & b) for a, b >= 0). The last
    step of the key, x ^ (x >> 13), keeps the top 13 bits of x, so below a multiple of 2^19 it
    is the same test as x itself, and the SQL stops before it."""
    if threshold % _KEY_STEP or not 0 < threshold <= _M32:
        raise ValueError(f"threshold {threshold} is not a positive multiple of 2^19")
    mask = _M32 - 1
    k0 = f"((c.id * {_MUL1} + {_salt(seed, month)}) & {mask})"
    k1 = f"(({k0} | ({k0} >> 15)) - ({k0} & ({k0} >> 15)))"
    return f"((({k1} * {_MUL2}) & {mask}) < {threshold})"


def draw(s: Session, month: str, rules: SamplingRules,
         threshold: int | None = None) -> list[tuple[int, int, str]]:
    """The month's sample (the rules above), without reading every row of the month:
    1. one pass over the month in `ix_consultations_agent_month` returns only the rows a
       row-level rule applies to (crisis, forced termination, long handle) or whose random
       key is below `threshold` (:func:`key_threshold`; the key computed in SQL);
    2. the abuse, low-survey and transfer rules are driven from their own (small) tables;
    3. the targeted rules run over these rows (every row they apply to is among them);
    4. the random part: an agent with at least `random_per_agent` untaken rows below the
       threshold takes its lowest keys from them (every other row's key is higher); every
       other agent's month is read whole (few rows, or an agent the filter left short).
    Equal to ``select_samples(load_month(...))`` by construction; tests compare the two."""
    start, end = month_bounds(month)
    k = rules.random_per_agent
    threshold = key_threshold(k) if threshold is None else threshold
    below = _key_below_sql(rules.seed, month, threshold) if k else "0 = 1"
    am = agent_month(s)
    rows = query(s, f"SELECT {_COLS} FROM {am.frm} WHERE {am.answered} AND (c.crisis "
                    f"OR c.outcome = 'forced_terminated' OR c.handle_seconds > ? OR {below})",
                 start, end, rules.long_handle_seconds)
    one = f"SELECT {_COLS}, x.consultation_id FROM"
    abuse = query(s, f"{one} abuse_incidents x CROSS JOIN consultations c "
                     f"WHERE c.id = x.consultation_id AND {_IN_MONTH}", start, end)
    low = query(s, f"{one} survey_answers x CROSS JOIN consultations c "
                   f"WHERE c.id = x.consultation_id AND {_IN_MONTH} AND x.score <= ?",
                start, end, rules.low_satisfaction_max)
    twice = query(s, f"{one} ({_TWICE_IDS}) x CROSS JOIN consultations c "
                     f"WHERE c.id = x.consultation_id AND {_IN_MONTH}",
                  TRANSFER_NOTICE, start, end)
    extra = [r[:5] for r in (*abuse, *low, *twice)]
    d = _month_data(rows + extra, [r[5:] for r in abuse], [r[5:] for r in low],
                    [r[5:] for r in twice])
    taken, picked = _targeted(d, rules)
    if k == 0:
        return picked
    keys = random_keys(d.ids, rules.seed, month)
    pool = (keys < threshold) & ~taken
    ready, counts = np.unique(d.agents[pool], return_counts=True)
    ready = ready[counts >= k]
    chosen = _first_per_agent(d.agents, keys, np.flatnonzero(pool & np.isin(d.agents, ready)), k)
    picked += [(int(d.ids[i]), int(d.agents[i]), "random") for i in chosen]
    short = sorted(set(int(a) for a, in query(s, "SELECT id FROM agents")) - set(ready.tolist()))
    targeted_ids = np.fromiter((c for c, _, _ in picked), dtype=np.int64, count=len(picked))
    for i in range(0, len(short), 500):
        part = short[i:i + 500]
        pairs = query(s, f"SELECT c.id, c.agent_id FROM {am.frm} WHERE {am.answered} "
                         f"AND {am.agent} IN ({', '.join('?' * len(part))})", start, end, *part)
        if not pairs:
            continue
        both = np.array(pairs, dtype=np.int64).reshape(len(pairs), 2)
        order = np.argsort(both[:, 0], kind="stable")  # by id: ties between keys go lowest
        ids, agents = both[order, 0], both[order, 1]
        picked += _random_part(ids, agents, np.isin(ids, targeted_ids), rules, month)
    return picked


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
    picked = draw(s, month, rules)
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
