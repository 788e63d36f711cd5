"""QA evaluation forms: versioned, weighted items (weights sum to 100), auto-fail items.

A form is never edited in place: saving a form under an existing code adds the next version and
retires the previous one, so every evaluation keeps the exact form it was scored on.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dasan import audit
from dasan.db.models import User
from dasan.db.models_quality import QaForm
from dasan.errors import Invalid, NotFound

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

DEFAULT_FORM: dict[str, Any] = {
    "code": "standard", "title_ko": "표준 상담 품질 평가표", "title_en": "Standard consultation QA",
    "items": [
        {"key": "greeting", "label_ko": "첫인사와 본인 소개", "label_en": "Greeting", "weight": 10},
        {"key": "listening", "label_ko": "경청과 문의 파악", "label_en": "Listening", "weight": 20},
        {"key": "accuracy", "label_ko": "정확한 안내(표준상담DB)", "label_en": "Accurate answer",
         "weight": 35},
        {"key": "courtesy", "label_ko": "친절과 공감", "label_en": "Courtesy and empathy",
         "weight": 20},
        {"key": "closing", "label_ko": "추가 문의 확인과 끝인사", "label_en": "Closing",
         "weight": 15},
        {"key": "privacy", "label_ko": "개인정보 보호 위반 없음", "label_en": "No privacy breach",
         "weight": 0, "auto_fail": True},
    ],
}


def validate_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not items:
        raise Invalid("a form needs at least one item", code="no_items")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, it in enumerate(items, 1):
        key = str(it.get("key", "")).strip()
        if not _KEY.match(key) or key in seen:
            raise Invalid(f"item {i}: key {key!r} must be unique, lower-case letters/digits/_")
        seen.add(key)
        try:
            weight = float(it.get("weight", 0))
        except (TypeError, ValueError):
            raise Invalid(f"item {i}: weight must be a number") from None
        auto_fail = bool(it.get("auto_fail", False))
        if weight < 0 or (weight == 0 and not auto_fail):
            raise Invalid(f"item {i}: weight must be > 0 (0 only for auto-fail items)")
        label = str(it.get("label_ko", "")).strip()
        if not label:
            raise Invalid(f"item {i}: a Korean label is required")
        out.append({"key": key, "label_ko": label[:128],
                    "label_en": str(it.get("label_en", ""))[:128], "weight": weight,
                    "auto_fail": auto_fail})
    total = sum(it["weight"] for it in out)
    if abs(total - 100.0) > 1e-6:
        raise Invalid(f"item weights must sum to 100, not {total:g}", code="weights_not_100")
    return out


def create_form(s: Session, user: User | None, code: str, title_ko: str, title_en: str,
                items: list[dict[str, Any]]) -> QaForm:
    """Save the next version of form `code` (caller commits); refusals change nothing."""
    code = (code or "").strip()
    if not _KEY.match(code):
        raise Invalid("form code must be lower-case letters/digits/_ (max 32)")
    if not (title_ko or "").strip():
        raise Invalid("a Korean title is required")
    clean = validate_items(items)
    version = int(s.scalar(select(func.max(QaForm.version)).where(QaForm.code == code)) or 0) + 1
    s.execute(update(QaForm).where(QaForm.code == code).values(active=False))
    form = QaForm(code=code, version=version, title_ko=title_ko.strip()[:128],
                  title_en=(title_en or "").strip()[:128], items=clean, active=True,
                  created_by=user.id if user else None)
    s.add(form)
    s.flush()
    audit.record(s, user, "qa.form.create", object_type="qa_form", object_id=form.id,
                 detail={"code": code, "version": version})
    return form


def ensure_default_form(s: Session) -> QaForm:
    form = s.scalar(select(QaForm).where(QaForm.code == DEFAULT_FORM["code"], QaForm.active))
    if form is None:
        form = create_form(s, None, DEFAULT_FORM["code"], DEFAULT_FORM["title_ko"],
                           DEFAULT_FORM["title_en"], DEFAULT_FORM["items"])
    return form


def get_form(s: Session, form_id: int) -> QaForm:
    form = s.get(QaForm, form_id)
    if form is None:
        raise NotFound(f"QA form {form_id} not found")
    return form


def form_view(f: QaForm) -> dict[str, Any]:
    return {"id": f.id, "code": f.code, "version": f.version, "title_ko": f.title_ko,
            "title_en": f.title_en, "items": list(f.items or []), "active": f.active}


def list_forms(s: Session) -> list[QaForm]:
    return list(s.scalars(select(QaForm).order_by(QaForm.code, QaForm.version.desc())))
