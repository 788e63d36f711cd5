"""Shift planning: pick how many agents start each shift template so that the agents on the
phones cover the required agents in every half-hour, at least cost (OR-Tools CP-SAT).

Templates model the 120 center's practice: the 09-18 day shift, the afternoon shift moved from
13-22 to 11-20, a night shift (the center runs 24 hours), 4-hour part-time and very short 2-3
hour shifts for the weak hours (commute and lunch peaks), and remote agents (capped headcount).
Breaks are fixed slots inside a template; several variants of the same shift with staggered
lunch breaks let the solver spread breaks over the peak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from dasan.errors import BadRequest

SLOTS_PER_DAY = 48


def _slot(hhmm: str) -> int:
    try:
        h, m = hhmm.split(":")
        hour, minute = int(h), int(m)
    except ValueError:
        raise BadRequest(f"time must look like HH:MM, got {hhmm!r}") from None
    if not (0 <= hour <= 24 and minute in (0, 30)) or (hour == 24 and minute):
        raise BadRequest(f"time must be on a half hour between 00:00 and 24:00, got {hhmm!r}")
    return hour * 2 + minute // 30


def slot_label(slot: int) -> str:
    slot %= SLOTS_PER_DAY
    return f"{slot // 2:02d}:{(slot % 2) * 30:02d}"


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift: starts at ``start_slot`` (half-hours from midnight), lasts ``length`` slots
    (may cross midnight); ``breaks`` are slot offsets from the start spent off the phones."""

    name: str
    kind: str  # full | afternoon | night | part | short | remote
    start_slot: int
    length: int
    cost: float
    breaks: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start_slot < SLOTS_PER_DAY:
            raise BadRequest(f"{self.name}: start slot must be in 0..47")
        if not 0 < self.length <= SLOTS_PER_DAY:
            raise BadRequest(f"{self.name}: length must be 1..48 half-hours")
        if self.cost < 0:
            raise BadRequest(f"{self.name}: cost must be >= 0")
        if any(not 0 <= b < self.length for b in self.breaks):
            raise BadRequest(f"{self.name}: breaks must fall inside the shift")

    def on_phone(self) -> list[int]:
        """Slot offsets (from the shift's start) when the agent takes contacts."""
        return [i for i in range(self.length) if i not in set(self.breaks)]

    @property
    def label(self) -> str:
        return f"{slot_label(self.start_slot)}-{slot_label(self.start_slot + self.length)}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["label"] = self.label
        d["breaks"] = list(self.breaks)
        return d


def make_shift(
    name: str,
    kind: str,
    start: str,
    end: str,
    hourly_cost: float = 1.0,
    breaks: Sequence[str] = (),
) -> ShiftTemplate:
    """Build a template from wall-clock times, e.g. ``make_shift("주간", "full", "09:00", "18:00",
    breaks=["12:00", "12:30"])``. An end before the start crosses midnight."""
    s, e = _slot(start), _slot(end)
    length = (e - s) % SLOTS_PER_DAY or SLOTS_PER_DAY
    offs = tuple(sorted({(_slot(b) - s) % SLOTS_PER_DAY for b in breaks}))
    paid = (length - len(offs)) / 2.0  # meal breaks are unpaid
    return ShiftTemplate(name, kind, s % SLOTS_PER_DAY, length, round(paid * hourly_cost, 4), offs)


def default_templates(
    afternoon: str = "11-20", include_night: bool = True, remote: bool = True
) -> list[ShiftTemplate]:
    """The 120 center's shift menu. ``afternoon`` is "11-20" (since the change) or "13-22"."""
    out: list[ShiftTemplate] = []
    # Day shift 09-18 with a one-hour lunch staggered over 11:30-14:00.
    for lunch in ("11:30", "12:00", "12:30", "13:00"):
        h, m = divmod(_slot(lunch) + 1, 2)
        second = f"{h:02d}:{m * 30:02d}"
        out.append(
            make_shift(f"주간 09-18 (점심 {lunch})", "full", "09:00", "18:00", 1.0, [lunch, second])
        )
        if remote:
            out.append(
                make_shift(
                    f"재택 09-18 (점심 {lunch})", "remote", "09:00", "18:00", 0.95, [lunch, second]
                )
            )
    if afternoon == "11-20":
        for meal in ("14:00", "15:00", "16:00"):
            h, m = divmod(_slot(meal) + 1, 2)
            out.append(
                make_shift(
                    f"오후 11-20 (식사 {meal})",
                    "afternoon",
                    "11:00",
                    "20:00",
                    1.05,
                    [meal, f"{h:02d}:{m * 30:02d}"],
                )
            )
    elif afternoon == "13-22":
        for meal in ("17:00", "18:00"):
            h, m = divmod(_slot(meal) + 1, 2)
            out.append(
                make_shift(
                    f"오후 13-22 (식사 {meal})",
                    "afternoon",
                    "13:00",
                    "22:00",
                    1.1,
                    [meal, f"{h:02d}:{m * 30:02d}"],
                )
            )
    else:
        raise BadRequest('afternoon shift must be "11-20" or "13-22"')
    if include_night:
        for rest in ("02:00", "03:00"):
            h, m = divmod(_slot(rest) + 1, 2)
            out.append(
                make_shift(
                    f"야간 22-07 (휴게 {rest})",
                    "night",
                    "22:00",
                    "07:00",
                    1.3,
                    [rest, f"{h:02d}:{m * 30:02d}"],
                )
            )
        out.append(make_shift("저녁 18-22", "part", "18:00", "22:00", 1.1))
        out.append(make_shift("새벽 06-10", "part", "06:00", "10:00", 1.2))
    # Part-time 4 h and short 2-3 h shifts between 07:00 and 21:00, for the weak hours.
    for start_slot in range(_slot("07:00"), _slot("21:00")):
        start = slot_label(start_slot)
        if start_slot + 8 <= _slot("22:00"):
            out.append(
                make_shift(f"시간제 4h {start}", "part", start, slot_label(start_slot + 8), 1.1)
            )
        for hours, factor in ((2, 1.25), (3, 1.2)):
            if start_slot + 2 * hours <= _slot("22:00"):
                out.append(
                    make_shift(
                        f"단시간 {hours}h {start}",
                        "short",
                        start,
                        slot_label(start_slot + 2 * hours),
                        factor,
                    )
                )
    return out


@dataclass
class ShiftPlan:
    status: str  # OPTIMAL | FEASIBLE
    cost: float
    lower_bound: float
    counts: list[dict[str, Any]]  # {"day", "template", "count"} for every used shift
    requirement: list[int]
    coverage: list[int]
    templates: list[ShiftTemplate] = field(default_factory=list)
    solve_seconds: float = 0.0

    @property
    def shortfall(self) -> int:
        return int(sum(max(0, r - c) for r, c in zip(self.requirement, self.coverage, strict=True)))

    @property
    def surplus(self) -> int:
        return int(sum(max(0, c - r) for r, c in zip(self.requirement, self.coverage, strict=True)))

    def headcount_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.counts:
            kind = self.templates[row["template"]].kind
            out[kind] = out.get(kind, 0) + row["count"]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "cost": self.cost,
            "lower_bound": self.lower_bound,
            "solve_seconds": self.solve_seconds,
            "shortfall": self.shortfall,
            "surplus": self.surplus,
            "headcount_by_kind": self.headcount_by_kind(),
            "shifts": [
                {
                    "day": row["day"],
                    "count": row["count"],
                    "name": self.templates[row["template"]].name,
                    "kind": self.templates[row["template"]].kind,
                    "label": self.templates[row["template"]].label,
                }
                for row in self.counts
            ],
            "requirement": self.requirement,
            "coverage": self.coverage,
        }


def coverage_matrix(
    templates: Sequence[ShiftTemplate], days: int, cyclic: bool = True
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """0/1 matrix (slots x variables); variable v = (day, template index)."""
    horizon = days * SLOTS_PER_DAY
    variables = [(d, t) for d in range(days) for t in range(len(templates))]
    mat = np.zeros((horizon, len(variables)), dtype=np.int8)
    for v, (d, t) in enumerate(variables):
        tpl = templates[t]
        base = d * SLOTS_PER_DAY + tpl.start_slot
        for off in tpl.on_phone():
            s = base + off
            if s >= horizon:
                if not cyclic:
                    continue
                s %= horizon
            mat[s, v] = 1
    return mat, variables


def plan_shifts(
    requirement: Sequence[int] | np.ndarray,
    templates: Sequence[ShiftTemplate] | None = None,
    max_per_kind: dict[str, int] | None = None,
    cyclic: bool = True,
    time_limit: float = 10.0,
    workers: int = 2,
) -> ShiftPlan:
    """Least-cost integer shift counts with coverage >= requirement in every half-hour.

    ``requirement`` has 48 x days entries (agents needed on the phones per half-hour).
    ``max_per_kind`` caps the number of shifts of a kind per day (e.g. ``{"remote": 215}``).
    ``cyclic`` wraps shifts that run past the end of the horizon to its start (a typical week).
    """
    req = np.asarray(requirement)
    if req.ndim != 1 or req.size == 0 or req.size % SLOTS_PER_DAY:
        raise BadRequest("requirement must list agents for whole days of 48 half-hours")
    if np.any(req < 0) or np.any(req != np.round(req)):
        raise BadRequest("requirement must be whole numbers >= 0")
    if time_limit <= 0:
        raise BadRequest("time limit must be > 0 seconds")
    tpls = list(templates) if templates is not None else default_templates()
    if not tpls:
        raise BadRequest("no shift templates given")
    days = req.size // SLOTS_PER_DAY
    mat, variables = coverage_matrix(tpls, days, cyclic)
    uncovered = np.where((req > 0) & (mat.sum(axis=1) == 0))[0]
    if uncovered.size:
        raise BadRequest(
            "no shift covers half-hour(s) "
            + ", ".join(f"day {s // SLOTS_PER_DAY + 1} {slot_label(s)}" for s in uncovered[:5])
        )
    from ortools.sat.python import cp_model  # (and pandas) on the first solve, not at start-up

    model = cp_model.CpModel()
    ub = int(req.max()) if req.size else 0
    xs = [model.new_int_var(0, ub, f"x_{d}_{t}") for d, t in variables]
    for s in range(req.size):
        if req[s] <= 0:
            continue
        cols = np.nonzero(mat[s])[0]
        model.add(sum(xs[int(v)] for v in cols) >= int(req[s]))
    for kind, cap in (max_per_kind or {}).items():
        if cap < 0:
            raise BadRequest(f"cap for {kind!r} must be >= 0")
        for d in range(days):
            chosen = [
                xs[v] for v, (dd, t) in enumerate(variables) if dd == d and tpls[t].kind == kind
            ]
            if chosen:
                model.add(sum(chosen) <= int(cap))
    scale = 100  # CP-SAT needs integer costs
    model.minimize(
        sum(int(round(tpls[t].cost * scale)) * xs[v] for v, (_, t) in enumerate(variables))
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_search_workers = max(1, int(workers))
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise BadRequest(
            f"no shift plan found ({solver.status_name(status)}): the caps leave some half-hours "
            "uncoverable or the time limit is too short"
        )
    values = np.array([solver.value(x) for x in xs], dtype=int)
    coverage = mat.astype(int) @ values
    counts = [
        {"day": d, "template": t, "count": int(values[v])}
        for v, (d, t) in enumerate(variables)
        if values[v] > 0
    ]
    return ShiftPlan(
        status=solver.status_name(status),
        cost=float(solver.objective_value) / scale,
        lower_bound=float(solver.best_objective_bound) / scale,
        counts=counts,
        requirement=[int(r) for r in req],
        coverage=[int(c) for c in coverage],
        templates=tpls,
        solve_seconds=float(solver.wall_time),
    )
