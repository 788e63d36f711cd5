"""Welfare cases that reach the 동 주민센터 (issue 17).

A crisis contact's welfare case (opened by law, or with the citizen's consent from the desktop's
crisis panel) is *referred* to one dong's community centre:
- the dong comes from what is known - a field report's location (`ServiceRequest.dong_code`) -
  or the agent picks it from the district's dong list (the dong GeoJSON of ../shared/data,
  loaded by `dasan.complaints.geo`);
- the 동 주민센터 directory (`DongCentre`) is seeded from the GeoJSON's names with blank contact
  fields that a supervisor fills in (webhook URL, SMS number, phone);
- the referral enqueues the notice in the transactional outbox in the same transaction: a
  `welfare.webhook` POST (signed with DASAN_WELFARE_WEBHOOK_SECRET, like the messenger
  webhooks) and/or an SMS, by what the directory holds. The notice carries masked text only;
- the district officer sees the open cases of their own district, acknowledges and closes them.
Every step is audited.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.channels import outbox
from dasan.channels.outbound import enqueue_sms
from dasan.channels.sms.encoding import segment
from dasan.db.base import utcnow
from dasan.db.models import Consultation, User
from dasan.db.models_complaints import ServiceRequest
from dasan.db.models_protection import DongCentre, WelfareCase
from dasan.errors import Conflict, Forbidden, Invalid, NotFound
from dasan.text.crisis import KIND_LABELS
from dasan.text.pii import mask

WEBHOOK_KIND = "welfare.webhook"
_PHONE = re.compile(r"^(?:1\d{2,3}|1[5-9]\d{2}-?\d{4}|0\d{1,2}-?\d{3,4}-?\d{4})$")
_MOBILE_OR_OFFICE = re.compile(r"^0\d{1,2}-?\d{3,4}-?\d{4}$")

# Korean and English text of each refusal (pages show these, the API the English one).
ERRORS: dict[str, tuple[str, str]] = {
    "unknown_dong": ("없는 동입니다.", "No such dong."),
    "dong_outside_district": ("상담 구와 다른 구의 동입니다.",
                              "The dong is not in the contact's district."),
    "dong_required": ("동을 선택해야 합니다.", "Choose the dong."),
    "bad_phone_number": ("전화번호 형식이 아닙니다.", "Not a phone number."),
    "bad_sms_number": ("문자 받을 번호는 지역번호나 휴대전화 번호여야 합니다.",
                       "The SMS number must be a full office or mobile number."),
    "bad_webhook_url": ("웹훅 주소는 http(s)://로 시작해야 합니다.",
                        "The webhook URL must start with http(s)://."),
    "case_closed": ("이미 종결된 사례입니다.", "The case is already closed."),
    "already_acknowledged": ("이미 확인한 사례입니다.", "The case is already acknowledged."),
    "already_referred": ("이미 주민센터에 통보된 사례입니다.",
                         "The case was already referred to its community centre."),
    "other_district": ("다른 구의 사례입니다.", "The case belongs to another district."),
}


def refusal(code: str, detail: str = "", *, conflict: bool = False) -> Invalid | Conflict:
    en = ERRORS[code][1]
    message = f"{en} {detail}".strip()
    return Conflict(message, code=code) if conflict else Invalid(message, code=code)


# --- the directory --------------------------------------------------------------------------


def ensure_directory(s: Session) -> int:
    """Seed the directory from the dong GeoJSON's names once (blank contact fields); the number
    of rows. Without the map data (../shared absent) the directory stays as it is."""
    have = s.scalar(select(func.count()).select_from(DongCentre)) or 0
    if have:
        return have
    from dasan.complaints.geo import GeoDataMissing, geo_index

    try:
        index = geo_index()
    except GeoDataMissing:
        return 0
    rows = [{"dong_code": code, "district_code": code[:5], "dong_name": name,
             "centre_name": f"{name} 주민센터", "phone": "", "sms_number": "", "webhook_url": ""}
            for code, name in sorted(zip(index.dong_codes, index.dong_names, strict=True))]
    if not rows:  # no dong known (the approximate districts of a demo without the map data)
        return 0
    # Two first uses at once (the crisis panel asks for two contacts' dongs together) both see
    # an empty directory: the second one's rows are skipped, not a unique-key error.
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(insert(DongCentre).values(rows).on_conflict_do_nothing(
        index_elements=[DongCentre.dong_code]))
    return len(index.dong_codes)


def centre_view(c: DongCentre) -> dict[str, Any]:
    return {"dong_code": c.dong_code, "district_code": c.district_code,
            "dong_name": c.dong_name, "centre_name": c.centre_name, "phone": c.phone,
            "sms_number": c.sms_number, "webhook_url": c.webhook_url,
            "reachable": bool(c.webhook_url or c.sms_number),
            "updated_at": c.updated_at.isoformat() if c.updated_at else None}


def centres(s: Session, district_code: str | None = None) -> list[DongCentre]:
    ensure_directory(s)
    q = select(DongCentre).order_by(DongCentre.district_code, DongCentre.dong_name)
    if district_code:
        q = q.where(DongCentre.district_code == district_code)
    return list(s.scalars(q))


def update_centre(s: Session, user: User, dong_code: str, fields: dict[str, Any]
                  ) -> DongCentre:
    """Edit one centre's name and contacts; everything is checked first, a refusal changes
    nothing (caller commits)."""
    ensure_directory(s)
    row = s.get(DongCentre, dong_code)
    if row is None:
        raise NotFound(f"{ERRORS['unknown_dong'][1]} {dong_code!r}", code="unknown_dong")
    new: dict[str, str] = {}
    if fields.get("centre_name") is not None:
        name = str(fields["centre_name"]).strip()[:128]
        new["centre_name"] = name or f"{row.dong_name} 주민센터"
    if fields.get("phone") is not None:
        phone = str(fields["phone"]).strip()
        if phone and not _PHONE.match(phone):
            raise refusal("bad_phone_number", repr(phone))
        new["phone"] = phone
    if fields.get("sms_number") is not None:
        sms = str(fields["sms_number"]).strip()
        if sms and not _MOBILE_OR_OFFICE.match(sms):
            raise refusal("bad_sms_number", repr(sms))
        new["sms_number"] = sms
    if fields.get("webhook_url") is not None:
        url = str(fields["webhook_url"]).strip()
        parsed = urlparse(url)
        if url and (parsed.scheme not in ("http", "https") or not parsed.netloc
                    or len(url) > 512):
            raise refusal("bad_webhook_url", repr(url[:80]))
        new["webhook_url"] = url
    changed = sorted(k for k, v in new.items() if getattr(row, k) != v)
    for key, value in new.items():
        setattr(row, key, value)
    row.updated_by, row.updated_at = user.id, utcnow()
    audit.record(s, user, "welfare.centre.update", object_type="dong_centre",
                 object_id=dong_code, detail={"changed": changed})
    s.flush()
    return row


# --- the dong of a contact ------------------------------------------------------------------


def known_dong(s: Session, c: Consultation) -> DongCentre | None:
    """The dong we already know for a contact: the field report's location."""
    code = s.scalar(select(ServiceRequest.dong_code)
                    .where(ServiceRequest.consultation_id == c.id).limit(1))
    if not code:
        return None
    ensure_directory(s)
    return s.get(DongCentre, code)


def dong_choices(s: Session, consultation_id: int) -> dict[str, Any]:
    """What the crisis panel offers: the known dong, else the district's dongs (all of
    Seoul's, grouped by district, when the contact's district is unknown)."""
    c = s.get(Consultation, consultation_id)
    if c is None:
        raise NotFound(f"consultation {consultation_id} not found")
    known = known_dong(s, c)
    rows = centres(s, c.district_code) if known is None else [known]
    return {"consultation_id": c.id, "district_code": c.district_code,
            "known": known.dong_code if known else None,
            "dongs": [{"dong_code": r.dong_code, "dong_name": r.dong_name,
                       "district_code": r.district_code} for r in rows]}


def _pick(s: Session, c: Consultation, dong_code: str | None) -> DongCentre | None:
    known = known_dong(s, c)
    if not dong_code:
        return known
    ensure_directory(s)
    row = s.get(DongCentre, dong_code)
    if row is None:
        raise refusal("unknown_dong", repr(dong_code))
    if c.district_code and row.district_code != c.district_code:
        raise refusal("dong_outside_district", repr(dong_code))
    return row


# --- referral and notice --------------------------------------------------------------------


def case_view(case: WelfareCase) -> dict[str, Any]:
    return {"id": case.id, "consultation_id": case.consultation_id, "kind": case.kind,
            "label_ko": KIND_LABELS.get(case.kind, (case.kind, case.kind))[0],
            "label_en": KIND_LABELS.get(case.kind, (case.kind, case.kind))[1],
            "basis": case.basis, "district_code": case.district_code, "dong": case.dong,
            "dong_code": case.dong_code, "status": case.status, "note": case.note_masked,
            "created_at": case.created_at.isoformat() if case.created_at else None,
            "acknowledged_at": (case.acknowledged_at.isoformat()
                                if case.acknowledged_at else None),
            "closed_at": case.closed_at.isoformat() if case.closed_at else None}


def notice_payload(case: WelfareCase, centre: DongCentre) -> dict[str, Any]:
    """What the 동 주민센터 receives: masked text only, no contact details (the officer reads
    the case on Dasan, where any unmasking is an audited reveal)."""
    return {"welfare_case_id": case.id, "kind": case.kind,
            "kind_label": KIND_LABELS.get(case.kind, (case.kind, ""))[0], "basis": case.basis,
            "district_code": centre.district_code, "dong_code": centre.dong_code,
            "dong_name": centre.dong_name, "centre_name": centre.centre_name,
            "note": case.note_masked,
            "opened_at": case.created_at.isoformat() if case.created_at else None}


def _sms_text(case: WelfareCase, centre: DongCentre) -> str:
    label = KIND_LABELS.get(case.kind, (case.kind, ""))[0]
    basis = "법정 통보" if case.basis == "law" else "본인 동의"
    return (f"[120다산콜] {centre.dong_name} 위기가구 연계 #{case.id} ({label}, {basis}). "
            f"구청 위기가구 목록에서 확인해 주세요.")


def refer(s: Session, actor: User | None, case: WelfareCase, centre: DongCentre) -> list[str]:
    """Send the case to its 동 주민센터: set the dong, enqueue the notices the directory allows
    (webhook and/or SMS) in this transaction, audit. The kinds enqueued (empty when the centre
    has no contact yet: the case still shows on the district officer's page)."""
    if case.status == "closed":
        raise refusal("case_closed", conflict=True)
    case.dong, case.dong_code = centre.dong_name, centre.dong_code
    case.district_code = case.district_code or centre.district_code
    sent: list[str] = []
    if centre.webhook_url:
        outbox.enqueue(s, WEBHOOK_KIND, f"welfare:{case.id}:{centre.dong_code}:webhook",
                       {"url": centre.webhook_url, "body": notice_payload(case, centre)})
        sent.append("webhook")
    if centre.sms_number:
        enqueue_sms(s, centre.sms_number, segment(_sms_text(case, centre)),
                    f"welfare:{case.id}:{centre.dong_code}:sms")
        sent.append("sms")
    if case.status == "open":
        case.status = "referred"
    audit.record(s, actor, "welfare_case.referred", object_type="welfare_case",
                 object_id=case.id, detail={"dong_code": centre.dong_code, "notices": sent})
    s.flush()
    return sent


def refer_known(s: Session, actor: User | None, case: WelfareCase, c: Consultation) -> None:
    """At opening: refer at once when the dong is already known (a field report)."""
    centre = known_dong(s, c)
    if centre is not None:
        refer(s, actor, case, centre)


def refer_to_dong(s: Session, user: User, case_id: int, dong_code: str) -> WelfareCase:
    """The agent names the dong of a case opened without one (e.g. by law, on a chat)."""
    case = s.get(WelfareCase, case_id)
    if case is None:
        raise NotFound(f"welfare case {case_id} not found")
    c = s.get(Consultation, case.consultation_id) if case.consultation_id else None
    if not dong_code:
        raise refusal("dong_required")
    if case.dong_code:
        raise refusal("already_referred", conflict=True)
    centre = _pick(s, c, dong_code) if c is not None else s.get(DongCentre, dong_code)
    if centre is None:
        raise refusal("unknown_dong", repr(dong_code))
    refer(s, user, case, centre)
    return case


def pick_centre(s: Session, c: Consultation, dong_code: str | None) -> DongCentre | None:
    """The centre for a new case: the chosen dong (checked), else the known one."""
    return _pick(s, c, dong_code)


# --- the district officer's list ------------------------------------------------------------


def open_cases(s: Session, user: User, district_code: str | None = None,
               limit: int = 200) -> list[WelfareCase]:
    """Open (not closed) cases of the officer's district (center roles: any, or one)."""
    scope = user.district_code if user.role == "district_officer" else district_code
    if user.role == "district_officer" and not scope:
        return []  # an officer without a district sees no one's cases
    q = select(WelfareCase).where(WelfareCase.status != "closed")
    if user.role == "district_officer" or scope:
        q = q.where(WelfareCase.district_code == scope)
    return list(s.scalars(q.order_by(WelfareCase.created_at, WelfareCase.id).limit(limit)))


def _case_for(s: Session, user: User, case_id: int, action: str) -> WelfareCase:
    case = s.get(WelfareCase, case_id)
    if case is None:
        raise NotFound(f"welfare case {case_id} not found")
    try:
        access.access_district(s, user, case.district_code, action, case_id=case_id)
    except Forbidden:
        s.commit()  # keep the denial's audit row
        raise
    if case.status == "closed":
        raise refusal("case_closed", conflict=True)
    return case


def acknowledge_case(s: Session, user: User, case_id: int) -> WelfareCase:
    case = _case_for(s, user, case_id, "welfare_case.other_district")
    if case.acknowledged_at is not None:
        raise refusal("already_acknowledged", conflict=True)
    case.status, case.acknowledged_at, case.acknowledged_by = "acknowledged", utcnow(), user.id
    audit.record(s, user, "welfare_case.acknowledged", object_type="welfare_case",
                 object_id=case.id, detail={"district_code": case.district_code})
    s.flush()
    return case


def close_case(s: Session, user: User, case_id: int, note: str = "") -> WelfareCase:
    case = _case_for(s, user, case_id, "welfare_case.other_district")
    case.status, case.closed_at, case.closed_by = "closed", utcnow(), user.id
    case.close_note_masked = mask(note).masked[:2000]
    case.acknowledged_at = case.acknowledged_at or case.closed_at
    case.acknowledged_by = case.acknowledged_by or user.id
    audit.record(s, user, "welfare_case.closed", object_type="welfare_case",
                 object_id=case.id, detail={"district_code": case.district_code})
    s.flush()
    return case
