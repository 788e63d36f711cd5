"""Report filters (period, channel, district, topic) and the tables every report returns.

A :class:`Filters` turns into one parameterised DuckDB WHERE clause; the same filters travel in
drill-down links (`/reports/drill?start=...&channel=...`) so that every figure leads to the
consultations behind it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from dasan.analytics.qtypes import TYPE_LABELS, type_case_sql
from dasan.consultations.channels import CATEGORIES, CHANNEL_BY_CODE, OUTCOMES, resolve_channel
from dasan.consultations.districts import DISTRICT_BY_CODE, DISTRICT_BY_NAME
from dasan.errors import BadRequest

MAX_SPAN_DAYS = 3660


def parse_day(value: str | date, name: str = "date") -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest(f"{name} must be YYYY-MM-DD, got {value!r}") from exc


def resolve_district(value: str) -> str:
    """A SIG_CD code (`11545`) or a Korean district name (`금천구`)."""
    value = value.strip()
    if value in DISTRICT_BY_CODE:
        return value
    if value in DISTRICT_BY_NAME:
        return DISTRICT_BY_NAME[value].code
    raise BadRequest(f"unknown district {value!r}; expected a 5-digit SIG_CD such as 11545 "
                     f"or a name such as 금천구")


def month_range(spec: str) -> tuple[date, date]:
    """`2024-03` -> (2024-03-01, 2024-03-31)."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", spec.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise BadRequest(f"month must be YYYY-MM, got {spec!r}")
    y, mo = int(m.group(1)), int(m.group(2))
    return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])


def year_range(spec: str | int) -> tuple[date, date]:
    text = str(spec).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise BadRequest(f"year must be YYYY, got {spec!r}")
    y = int(text)
    return date(y, 1, 1), date(y, 12, 31)


@dataclass(frozen=True)
class Filters:
    """Which consultations a figure counts. `start` and `end` are inclusive days."""

    start: date | None = None
    end: date | None = None
    channels: tuple[str, ...] = ()
    district: str | None = None
    category: str | None = None
    program: str | None = None
    keyword: str | None = None
    outcome: str | None = None
    queue_id: int | None = None
    team_id: int | None = None
    agent_id: int | None = None
    hour: int | None = None  # hour of day 0..23
    qtype: str | None = None  # question type (see qtypes.TYPE_RULES)

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise BadRequest(f"end {self.end} is before start {self.start}")
        if self.start and self.end and (self.end - self.start).days > MAX_SPAN_DAYS:
            raise BadRequest(f"period longer than {MAX_SPAN_DAYS} days")
        for ch in self.channels:
            if ch not in CHANNEL_BY_CODE:
                raise BadRequest(f"unknown channel {ch!r}")
        if self.district is not None and self.district not in DISTRICT_BY_CODE:
            raise BadRequest(f"unknown district {self.district!r}")
        if self.category is not None and self.category not in CATEGORIES:
            raise BadRequest(f"unknown category {self.category!r}; expected one of "
                             f"{', '.join(CATEGORIES)}")
        if self.outcome is not None and self.outcome not in OUTCOMES:
            raise BadRequest(f"unknown outcome {self.outcome!r}")
        if self.hour is not None and not 0 <= self.hour <= 23:
            raise BadRequest("hour must be 0..23")
        if self.qtype is not None and self.qtype not in TYPE_LABELS:
            raise BadRequest(f"unknown question type {self.qtype!r}; expected one of "
                             f"{', '.join(TYPE_LABELS)}")
        if self.keyword is not None and not self.keyword.strip():
            raise BadRequest("keyword is empty")

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Filters:
        """Build from query-string style values (all strings); raises ValueError on bad input."""

        def text(key: str) -> str | None:
            v = params.get(key)
            return None if v is None or str(v).strip() == "" else str(v).strip()

        def integer(key: str) -> int | None:
            v = text(key)
            if v is None:
                return None
            try:
                return int(v)
            except ValueError as exc:
                raise BadRequest(f"{key} must be an integer, got {v!r}") from exc

        channels_raw = text("channel")
        channels = tuple(resolve_channel(c.strip()) for c in channels_raw.split(",")
                         if c.strip()) if channels_raw else ()
        start = text("start")
        end = text("end")
        district = text("district")
        return cls(
            start=parse_day(start, "start") if start else None,
            end=parse_day(end, "end") if end else None,
            channels=channels,
            district=resolve_district(district) if district else None,
            category=text("category"),
            program=text("program"),
            keyword=text("keyword"),
            outcome=text("outcome"),
            queue_id=integer("queue_id"),
            team_id=integer("team_id"),
            agent_id=integer("agent_id"),
            hour=integer("hour"),
            qtype=text("qtype"),
        )

    def to_params(self) -> dict[str, str]:
        """Inverse of :meth:`from_params` (for drill-down links)."""
        out: dict[str, str] = {}
        if self.start:
            out["start"] = self.start.isoformat()
        if self.end:
            out["end"] = self.end.isoformat()
        if self.channels:
            out["channel"] = ",".join(self.channels)
        for key in ("district", "category", "program", "keyword", "outcome", "queue_id",
                    "team_id", "agent_id", "hour", "qtype"):
            v = getattr(self, key)
            if v is not None:
                out[key] = str(v)
        return out

    def with_(self, **changes: Any) -> Filters:
        return replace(self, **changes)

    def where(self, alias: str = "c") -> tuple[str, list[Any]]:
        """A WHERE clause (without the keyword) and its parameters."""
        a = f"{alias}." if alias else ""
        parts: list[str] = []
        params: list[Any] = []
        # Days and hours are the city's (ADR 0018): the mirror's `started_local` column.
        if self.start:
            parts.append(f"{a}started_local >= ?")
            params.append(datetime.combine(self.start, time()))
        if self.end:
            parts.append(f"{a}started_local < ?")
            params.append(datetime.combine(self.end + timedelta(days=1), time()))
        if self.channels:
            parts.append(f"{a}channel IN ({', '.join('?' * len(self.channels))})")
            params.extend(self.channels)
        for key in ("district_code", "category", "program", "outcome", "queue_id", "agent_id"):
            attr = "district" if key == "district_code" else key
            v = getattr(self, attr)
            if v is not None:
                parts.append(f"{a}{key} = ?")
                params.append(v)
        if self.team_id is not None:
            parts.append(f"{a}agent_id IN (SELECT id FROM agents WHERE team_id = ?)")
            params.append(self.team_id)
        if self.hour is not None:
            parts.append(f"hour({a}started_local) = ?")
            params.append(self.hour)
        if self.qtype is not None:
            parts.append(f"{type_case_sql(a + 'subject')} = ?")
            params.append(self.qtype)
        if self.keyword:
            kw = keyword_pattern(self.keyword)
            parts.append(
                f"(replace({a}subject, ' ', '') ILIKE ? OR replace({a}program, ' ', '') ILIKE ?"
                f" OR replace({a}summary, ' ', '') ILIKE ?)"
            )
            params.extend([kw, kw, kw])
        return (" AND ".join(parts) or "TRUE"), params


def keyword_pattern(keyword: str) -> str:
    """LIKE pattern for a keyword, insensitive to spaces ("기후 동행카드" = "기후동행카드")."""
    compact = re.sub(r"\s+", "", keyword)
    escaped = compact.replace("\\", "").replace("%", "").replace("_", "")
    if not escaped:
        raise BadRequest("keyword has no searchable characters")
    return f"%{escaped}%"


@dataclass(frozen=True)
class Column:
    key: str
    ko: str
    en: str
    kind: str = "text"  # text | int | float | pct | sec


@dataclass
class Table:
    """A titled table of rows; `drill` gives, per row, the filters behind its figures."""

    key: str
    ko: str
    en: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    drill: list[Filters | None] = field(default_factory=list)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.ko,
            "title_en": self.en,
            "columns": [c.__dict__ for c in self.columns],
            "rows": self.rows,
            "drill": [d.to_params() if d else None for d in self.drill],
            "note": self.note,
        }


def fmt(value: Any, kind: str) -> str:
    """Human formatting used by the pages and the PDF."""
    if value is None:
        return "-"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "float":
        return f"{float(value):,.1f}"
    if kind == "pct":
        return f"{100 * float(value):.1f}%"
    if kind == "sec":
        return f"{float(value):,.1f}s"
    return str(value)
