"""The Seoul field-complaint catalogue (Open311 services and their attributes), its seeding, the
editable owner table (routing rules), and validation of a report's attribute answers."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Agency
from dasan.db.models_complaints import (
    ComplaintRoutingRule,
    ComplaintService,
    ComplaintServiceAttribute,
)
from dasan.errors import DomainError

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


class UnknownService(DomainError):
    status = 404
    code = "unknown_service"


class BadAttribute(DomainError):
    status = 400
    code = "invalid_attribute"


@dataclass(frozen=True)
class Attr:
    code: str
    datatype: str
    description: str
    required: bool = False
    values: tuple[tuple[str, str, str], ...] = ()
    datatype_description: str | None = None


def attribute_texts() -> list[tuple[str, str, str]]:
    """(Korean, English, where) of every question and choice of the seeded services, as the
    Open311 service definitions give them (for the citizen pages' other languages)."""
    out: dict[tuple[str, str], str] = {}
    for svc in SERVICES:
        for a in svc.attrs:
            out.setdefault((_ko(a.description), _en(a.description)), f"{svc.code}.{a.code}")
            for key, ko, en in a.values:
                out.setdefault((ko, en), f"{svc.code}.{a.code}.{key}")
    return [(ko, en, where) for (ko, en), where in out.items()]


@dataclass(frozen=True)
class Svc:
    code: str
    name_ko: str
    name_en: str
    group: str
    category: str
    description: str
    keywords: str
    ack_hours: float
    resolve_hours: float
    notice: str
    attrs: tuple[Attr, ...] = field(default_factory=tuple)


_ROAD = Attr(
    "road_type",
    "singlevaluelist",
    "도로 종류 (Road type)",
    True,
    (
        (
            "city",
            "서울시 관리 도로 (간선·도시고속도로)",
            "City-managed road (arterial, expressway)",
        ),
        ("district", "구 관리 도로 (이면도로)", "District road (side street)"),
        ("unknown", "모름", "Don't know"),
    ),
)
SERVICES: tuple[Svc, ...] = (
    Svc(
        "PARKING",
        "불법주정차",
        "Illegal parking",
        "교통",
        "교통",
        "보도, 횡단보도, 소화전 앞 등의 불법 주정차 차량",
        "주정차, 불법주차, parking",
        2,
        24,
        "구청 주정차 단속반이 현장을 확인하고 단속합니다.",
        (
            Attr(
                "plate", "string", "차량 번호 (Plate number)", True, datatype_description="12가3456"
            ),
            Attr(
                "spot",
                "singlevaluelist",
                "위치 유형 (Where)",
                True,
                (
                    ("crosswalk", "횡단보도", "Crosswalk"),
                    ("sidewalk", "보도", "Sidewalk"),
                    ("hydrant", "소화전 5m 이내", "Within 5 m of a hydrant"),
                    ("bus_stop", "버스정류장 10m 이내", "Within 10 m of a bus stop"),
                    ("school_zone", "어린이보호구역", "School zone"),
                    ("other", "기타", "Other"),
                ),
            ),
        ),
    ),
    Svc(
        "POTHOLE",
        "도로 파손/포트홀",
        "Road damage / pothole",
        "도로",
        "교통",
        "차도의 포트홀, 균열, 침하",
        "포트홀, 도로파손, pothole",
        4,
        48,
        "도로 관리 부서가 확인 후 긴급 보수합니다.",
        (
            _ROAD,
            Attr(
                "size_cm",
                "number",
                "구멍 지름 cm (Pothole size, cm)",
                False,
                datatype_description="1-500",
            ),
            Attr(
                "lane",
                "singlevaluelist",
                "차로 (Lane)",
                False,
                (
                    ("edge", "가장자리 차로", "Edge lane"),
                    ("middle", "중앙 차로", "Middle lane"),
                    ("crossing", "교차로", "Intersection"),
                ),
            ),
        ),
    ),
    Svc(
        "STREETLIGHT",
        "가로등 고장",
        "Streetlight out",
        "시설물",
        "안전",
        "꺼지거나 깜박이는 가로등·보안등",
        "가로등, 보안등, streetlight",
        8,
        72,
        "가로등 관리 부서가 점검 후 수리합니다.",
        (
            Attr(
                "pole_no",
                "string",
                "가로등 관리번호 (Pole number)",
                False,
                datatype_description="A-1234",
            ),
            Attr(
                "symptom",
                "singlevaluelist",
                "증상 (Symptom)",
                True,
                (
                    ("off", "꺼짐", "Off"),
                    ("flicker", "깜박임", "Flickering"),
                    ("day_on", "낮에 켜짐", "On in daytime"),
                    ("damaged", "파손", "Damaged"),
                ),
            ),
        ),
    ),
    Svc(
        "DUMPING",
        "쓰레기 무단투기",
        "Illegal dumping",
        "청소",
        "환경",
        "무단투기 쓰레기, 대형 폐기물 방치",
        "쓰레기, 무단투기, dumping",
        8,
        72,
        "구청 청소 부서가 수거하고 투기자를 확인합니다.",
        (
            Attr(
                "kind",
                "multivaluelist",
                "쓰레기 종류 (Kind)",
                True,
                (
                    ("household", "생활쓰레기", "Household waste"),
                    ("bulky", "대형폐기물", "Bulky waste"),
                    ("construction", "건설폐기물", "Construction waste"),
                    ("food", "음식물", "Food waste"),
                ),
            ),
        ),
    ),
    Svc(
        "ADS",
        "불법 광고물",
        "Illegal advertisement",
        "도시미관",
        "주택도시계획",
        "불법 현수막, 전단, 입간판",
        "현수막, 전단, 광고물, banner",
        24,
        120,
        "구청 광고물 담당이 정비합니다.",
        (
            Attr(
                "ad_type",
                "singlevaluelist",
                "광고물 종류 (Type)",
                True,
                (
                    ("banner", "현수막", "Banner"),
                    ("flyer", "전단", "Flyer"),
                    ("standing", "입간판", "Standing sign"),
                    ("other", "기타", "Other"),
                ),
            ),
        ),
    ),
    Svc(
        "SIDEWALK",
        "보도 파손",
        "Broken sidewalk",
        "도로",
        "교통",
        "보도블록 파손, 들뜸, 점자블록 훼손",
        "보도블록, 인도, sidewalk",
        8,
        96,
        "보도 관리 부서가 확인 후 보수합니다.",
        (_ROAD, Attr("width_m", "number", "파손 폭 m (Width, m)", False)),
    ),
    Svc(
        "MANHOLE",
        "맨홀 이상",
        "Manhole",
        "시설물",
        "안전",
        "맨홀 뚜껑 파손, 이탈, 소음, 악취",
        "맨홀, manhole",
        1,
        24,
        "하수 관리 부서가 긴급 출동합니다.",
        (
            Attr(
                "symptom",
                "singlevaluelist",
                "증상 (Symptom)",
                True,
                (
                    ("open", "뚜껑 열림/이탈", "Cover open or missing"),
                    ("broken", "파손", "Damaged"),
                    ("noise", "덜컹거림", "Rattling"),
                    ("smell", "악취", "Bad smell"),
                ),
            ),
        ),
    ),
    Svc(
        "NOISE",
        "생활 소음",
        "Noise",
        "환경",
        "환경",
        "공사장, 확성기 등 생활 소음",
        "소음, 공사장, noise",
        4,
        72,
        "구청 환경 부서가 현장 측정 후 조치합니다.",
        (
            Attr(
                "source",
                "singlevaluelist",
                "소음원 (Source)",
                True,
                (
                    ("construction", "공사장", "Construction site"),
                    ("loudspeaker", "확성기", "Loudspeaker"),
                    ("business", "영업장", "Business"),
                    ("other", "기타", "Other"),
                ),
            ),
            Attr(
                "observed_at",
                "datetime",
                "발생 시각 (When)",
                False,
                datatype_description="2026-01-01T22:00:00+09:00",
            ),
        ),
    ),
    Svc(
        "OTHER",
        "기타 불편",
        "Other",
        "기타",
        "행정",
        "그 밖의 생활 불편",
        "기타, other",
        24,
        168,
        "담당 부서를 확인해 처리합니다.",
    ),
)

# Owner table defaults: the district office handles everything, except road damage on
# city-managed roads (서울시 도로 관리), which goes to the city's road department.
EXTRA_AGENCIES = (
    ("city-roads", "도시기반시설본부 도로관리과", "Road Management (Infrastructure HQ)"),
)
DEFAULT_RULES: tuple[tuple[str, str | None, str | None, str | None, str], ...] = (
    ("POTHOLE", None, "road_type", "city", "city-roads"),
    ("SIDEWALK", None, "road_type", "city", "city-roads"),
)


def _ko(text: str) -> str:
    """`한국어 (English)` -> the Korean part."""
    return text.split(" (", 1)[0]


def _en(text: str) -> str:
    return text.split(" (", 1)[1].rstrip(")") if " (" in text else text


def seed_catalogue(session: Session) -> int:
    """Insert the catalogue, its owner agencies and default routing rules (idempotent)."""
    have = set(session.scalars(select(ComplaintService.code)))
    for code, ko, en in EXTRA_AGENCIES:
        if session.scalar(select(Agency.id).where(Agency.code == code)) is None:
            session.add(Agency(code=code, name=ko, name_en=en, kind="city_department"))
    added = 0
    for svc in SERVICES:
        if svc.code in have:
            continue
        row = ComplaintService(
            code=svc.code,
            name_ko=svc.name_ko,
            name_en=svc.name_en,
            description=svc.description,
            group=svc.group,
            keywords=svc.keywords,
            category=svc.category,
            service_notice=svc.notice,
            sla_ack_hours=svc.ack_hours,
            sla_resolve_hours=svc.resolve_hours,
        )
        session.add(row)
        session.flush()
        for order, a in enumerate(svc.attrs, start=1):
            session.add(
                ComplaintServiceAttribute(
                    service_id=row.id,
                    code=a.code,
                    datatype=a.datatype,
                    required=a.required,
                    datatype_description=a.datatype_description,
                    order=order,
                    description=_ko(a.description),
                    description_en=_en(a.description),
                    values=[{"key": k, "name": n, "name_en": e} for k, n, e in a.values],
                )
            )
        added += 1
    if session.scalar(select(ComplaintRoutingRule.id).limit(1)) is None:
        for service, district, attr, value, agency in DEFAULT_RULES:
            session.add(
                ComplaintRoutingRule(
                    service_code=service,
                    district_code=district,
                    attribute_code=attr,
                    attribute_value=value,
                    agency_code=agency,
                )
            )
    session.flush()
    clear_cache()
    return added


@dataclass
class _Snapshot:
    at: float
    services: dict[str, ComplaintService]
    attributes: dict[int, list[ComplaintServiceAttribute]]
    rules: dict[str, list[ComplaintRoutingRule]]


_CACHE: dict[str, _Snapshot] = {}
CACHE_SECONDS = 30.0


def clear_cache() -> None:
    """Forget the cached catalogue (after an edit of services, attributes or rules)."""
    _CACHE.clear()


def _snapshot(session: Session) -> _Snapshot:
    """The catalogue and owner table, read once per `CACHE_SECONDS` per database (they change
    rarely, and intake reads them for every report). Rows are detached read-only copies."""
    bind = session.get_bind()
    key = str(bind.engine.url if hasattr(bind, "engine") else bind)
    snap = _CACHE.get(key)
    if snap is not None and time.monotonic() - snap.at < CACHE_SECONDS:
        return snap
    with Session(bind=bind) as fresh:
        services = {s.code: s for s in fresh.scalars(select(ComplaintService))}
        attributes: dict[int, list[ComplaintServiceAttribute]] = {}
        for a in fresh.scalars(
            select(ComplaintServiceAttribute).order_by(ComplaintServiceAttribute.order)
        ):
            attributes.setdefault(a.service_id, []).append(a)
        rules: dict[str, list[ComplaintRoutingRule]] = {}
        for r in fresh.scalars(select(ComplaintRoutingRule)):
            rules.setdefault(r.service_code, []).append(r)
    snap = _Snapshot(time.monotonic(), services, attributes, rules)
    if services:
        _CACHE[key] = snap
    return snap


def get_service(session: Session, code: str | None) -> ComplaintService:
    if not code:
        raise DomainError("service_code was not provided", status=400, code="missing_service")
    row = _snapshot(session).services.get(code)
    if row is None or not row.active:
        raise UnknownService(f"service_code {code!r} was not found")
    return row


def attributes_of(session: Session, service: ComplaintService) -> list[ComplaintServiceAttribute]:
    return list(_snapshot(session).attributes.get(service.id, []))


def all_services(session: Session) -> dict[str, ComplaintService]:
    """Every service by code, retired ones included (old reports still name them)."""
    return dict(_snapshot(session).services)


def active_services(session: Session) -> list[ComplaintService]:
    return sorted((s for s in _snapshot(session).services.values() if s.active),
                  key=lambda s: s.id)


def _one(value: Any, code: str) -> str:
    if isinstance(value, list):
        if len(value) != 1:
            raise BadAttribute(f"attribute[{code}] takes one value")
        value = value[0]
    return str(value).strip()


def validate_attributes(
    attrs: list[ComplaintServiceAttribute], given: dict[str, Any]
) -> dict[str, Any]:
    """Check answers against the service definition; returns them typed (number -> float,
    multivaluelist -> list). Unknown codes and wrong types are refused."""
    by_code = {a.code: a for a in attrs}
    unknown = sorted(set(given) - set(by_code))
    if unknown:
        raise BadAttribute(f"unknown attribute(s) for this service: {', '.join(unknown)}")
    out: dict[str, Any] = {}
    for a in attrs:
        raw = given.get(a.code)
        empty = raw is None or raw == "" or raw == []
        if empty:
            if a.required:
                raise BadAttribute(f"attribute[{a.code}] is required ({a.description})")
            continue
        keys = {v["key"] for v in a.values}
        if a.datatype == "number":
            text = _one(raw, a.code)
            try:
                number = float(text)
            except ValueError:
                raise BadAttribute(f"attribute[{a.code}] must be a number, got {text!r}") from None
            if not math.isfinite(number):
                raise BadAttribute(f"attribute[{a.code}] must be a finite number")
            out[a.code] = number
        elif a.datatype == "datetime":
            text = _one(raw, a.code)
            try:
                datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise BadAttribute(
                    f"attribute[{a.code}] must be a W3C datetime, got {text!r}"
                ) from None
            out[a.code] = text
        elif a.datatype == "singlevaluelist":
            text = _one(raw, a.code)
            if text not in keys:
                raise BadAttribute(f"attribute[{a.code}] must be one of {', '.join(sorted(keys))}")
            out[a.code] = text
        elif a.datatype == "multivaluelist":
            items = [str(v).strip() for v in (raw if isinstance(raw, list) else [raw])]
            bad = [v for v in items if v not in keys]
            if bad:
                raise BadAttribute(
                    f"attribute[{a.code}] values must be among {', '.join(sorted(keys))}"
                )
            out[a.code] = items
        else:
            text = _one(raw, a.code)
            limit = 4000 if a.datatype == "text" else 256
            if len(text) > limit:
                raise BadAttribute(f"attribute[{a.code}] is longer than {limit} characters")
            out[a.code] = text
    return out


def owner_agency(
    session: Session, service_code: str, district_code: str, answers: dict[str, Any]
) -> str:
    """The agency code that owns a report: the most specific matching rule, else the district
    office (`gu-<SIG_CD>`)."""
    rules = _snapshot(session).rules.get(service_code, [])
    best: tuple[int, str] | None = None
    for r in rules:
        if r.district_code is not None and r.district_code != district_code:
            continue
        if r.attribute_code is not None:
            value = answers.get(r.attribute_code)
            values = value if isinstance(value, list) else [value]
            if r.attribute_value not in [str(v) for v in values if v is not None]:
                continue
        score = (r.district_code is not None) * 2 + (r.attribute_code is not None)
        if best is None or score > best[0]:
            best = (score, r.agency_code)
    if best is None or best[1] == "district":
        return f"gu-{district_code}"
    return best[1]
