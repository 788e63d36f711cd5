"""Tables of the quality room (issue 17): QA forms, samples, evaluations, calibration, surveys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow


class QaForm(Base):
    """A versioned evaluation form; `items`: [{key, label_ko, label_en, weight, auto_fail}]."""

    __tablename__ = "qa_forms"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_qa_forms_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    title_ko: Mapped[str] = mapped_column(String(128))
    title_en: Mapped[str] = mapped_column(String(128), default="")
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class QaSample(Base):
    """A consultation drawn for evaluation in a month, and why."""

    __tablename__ = "qa_samples"
    __table_args__ = (UniqueConstraint("month", "consultation_id", name="uq_qa_samples_month_c"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    # random | abuse | crisis | long_handle | low_satisfaction | transferred_twice
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class QaCalibration(Base):
    """Several evaluators score the same consultation to compare how they judge."""

    __tablename__ = "qa_calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    form_id: Mapped[int] = mapped_column(ForeignKey("qa_forms.id"))
    title: Mapped[str] = mapped_column(String(128), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class QaEvaluation(Base):
    """One evaluator's scores of one consultation on one form version."""

    __tablename__ = "qa_evaluations"
    __table_args__ = (
        UniqueConstraint("consultation_id", "evaluator_id", "calibration_id",
                         name="uq_qa_evaluations_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("qa_forms.id"))
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    calibration_id: Mapped[int | None] = mapped_column(ForeignKey("qa_calibrations.id"))
    month: Mapped[str] = mapped_column(String(7), index=True)
    scores: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)  # item key -> 0..1
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    total: Mapped[float] = mapped_column(Float)  # 0..100 after auto-fail
    auto_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    coaching_note: Mapped[str] = mapped_column(Text, default="")
    # submitted | acknowledged | disputed | resolved
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    dispute_note: Mapped[str | None] = mapped_column(Text)
    resolution_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SurveyAnswer(Base):
    """The citizen's satisfaction answer (1-5) after chat, call (ARS keys), SMS or field report."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), unique=True)
    channel: Mapped[str] = mapped_column(String(24))
    score: Mapped[int] = mapped_column(Integer)
    comment_masked: Mapped[str | None] = mapped_column(String(512))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
