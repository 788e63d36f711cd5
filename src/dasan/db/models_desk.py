"""Tables of the agent desktop's tools: private notes (and supervisor whispers) on a chat,
tags, and the canned answers agents and teams keep for themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dasan.db.base import Base, UtcDateTime, utcnow


class ChatNote(Base):
    """A private note on a consultation (`kind` note) or a supervisor's whisper to the agent
    (`kind` whisper). Citizens never see either; the body is stored masked."""

    __tablename__ = "chat_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16), default="note")  # note | whisper
    body: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[str]] = mapped_column(JSON, default=list)  # usernames
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ChatTag(Base):
    """A tag on a consultation (one row per tag)."""

    __tablename__ = "chat_tags"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"),
                                                 primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CannedAnswer(Base):
    """A canned answer of one agent (`owner_user_id`) or of a team (`team_id`); the shared
    defaults live in code (`dasan.chat.canned`)."""

    __tablename__ = "canned_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FloorCounter(Base):
    """The live floor's counters (`dasan.db.floor_counters`): per queue waiting and live chats,
    per agent open chats, and chatbot sessions; `ref_id` is the queue or agent (0: none)."""

    __tablename__ = "floor_counters"

    ref_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class FloorCounterDelta(Base):
    """A change of a floor counter, appended by the triggers on `consultations` and folded
    into `floor_counters` now and then."""

    __tablename__ = "floor_counter_deltas"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref_id: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(16))
    d: Mapped[int] = mapped_column(Integer)


class ChatSnooze(Base):
    """A chat an agent put on hold (보류): until `until`, or until the citizen writes (`until`
    None). While it lasts the consultation's status is `pending`, so it counts in no load, queue
    or floor counter; `woke_at`/`woke_by` (time | citizen | agent | closed) end it."""

    __tablename__ = "chat_snoozes"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    snoozed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    until: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    woke_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    woke_by: Mapped[str | None] = mapped_column(String(16))


class ChatAttachment(Base):
    """A file sent in a chat (image or PDF), checked and stored through the field-report photo
    store (`complaints.storage`) under `storage_key`; `seq` is its message in the chat."""

    __tablename__ = "chat_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    seq: Mapped[int | None] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(16))  # citizen | agent
    sender_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
