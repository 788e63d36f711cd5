"""Files in a chat, both ways: JPEG/PNG images and PDFs.

Checked before anything is stored: the size (413), the claimed type against the file's own
first bytes (422), and the file itself — an image is re-encoded by the field-report photo
helper (`complaints.photos.process_photo`: pixels only, so EXIF and its location are gone),
a PDF must be a plain document (no script, launch action or embedded file). Stored through the
field-report photo store (`complaints.storage.photo_store`, disk or S3) under `chat/<id>/...`;
the chat gets one message whose flags carry the attachment (`kind: attachment`), so it is an
ordinary typed chat event, delivered, resumed and transcribed like any other message.
Served only to the chat's citizen (chat token) and to staff who may handle the chat.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dasan import ratelimit
from dasan.complaints.photos import BadPhoto, process_photo
from dasan.complaints.storage import PhotoStore, photo_store
from dasan.config import get_settings
from dasan.db.models import Consultation
from dasan.db.models_desk import ChatAttachment
from dasan.errors import DomainError, Invalid, NotFound
from dasan.protection.screening import mask_pii

IMAGE_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
PDF = "application/pdf"
ALLOWED = (*IMAGE_TYPES, PDF)
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
BODY_KO = "[첨부] {name}"


class AttachmentTooLarge(DomainError):
    status = 413
    code = "attachment_too_large"


class BadAttachment(Invalid):
    code = "attachment_invalid"


@dataclass(frozen=True)
class Checked:
    data: bytes
    content_type: str
    extension: str
    name: str
    sha256: str


def clean_name(name: str | None, extension: str) -> str:
    """A display name: no path, no control characters, personal data masked, at most 100
    characters, ending in the stored type's extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = mask_pii(stem)[:90].strip() or "첨부파일"
    return f"{stem}.{extension}"


def check(data: bytes, claimed_type: str | None, name: str | None) -> Checked:
    """Check (and, for an image, clean) one file; raises before anything is stored."""
    max_bytes = int(get_settings().chat_attachment_max_mb * 1_000_000)
    if len(data) > max_bytes:
        raise AttachmentTooLarge(f"the file is {len(data) / 1e6:.1f} MB; the limit is "
                                 f"{max_bytes / 1e6:.0f} MB")
    if not data:
        raise BadAttachment("the file is empty", code="attachment_empty")
    ctype = (claimed_type or "").split(";")[0].strip().lower()
    if ctype not in ALLOWED:
        raise BadAttachment(f"type {ctype or 'unknown'} is not accepted (JPEG, PNG or PDF)",
                            code="attachment_type")
    if ctype == PDF:
        if not data.startswith(b"%PDF-"):
            raise BadAttachment("the file is not the PDF it claims to be",
                                code="attachment_mismatch")
        if b"%%EOF" not in data[-2048:]:
            raise BadAttachment("the PDF is incomplete", code="attachment_invalid")
        if _PDF_ACTIVE.search(data):
            raise BadAttachment("PDFs with scripts, actions or embedded files are refused",
                                code="attachment_active_pdf")
        return Checked(data, PDF, "pdf", clean_name(name, "pdf"),
                       hashlib.sha256(data).hexdigest())
    if not data.startswith(IMAGE_TYPES[ctype]):
        raise BadAttachment(f"the file is not the {ctype} it claims to be",
                            code="attachment_mismatch")
    try:
        photo = process_photo(data, max_bytes=max_bytes)  # re-encoded: EXIF stripped
    except BadPhoto as exc:
        raise BadAttachment(f"not a readable image: {exc.message}") from None
    return Checked(photo.data, photo.content_type, photo.extension,
                   clean_name(name, photo.extension), photo.sha256)


def limit(cid: int, sender: str, started_at: Any) -> None:
    """`DASAN_CHAT_ATTACHMENTS_PER_MINUTE` files per side per chat (429 with a notice)."""
    per_minute = get_settings().chat_attachments_per_minute
    key = f"chat-att:{cid}:{sender}:{started_at.isoformat()}"
    if not ratelimit.allow(key, per_minute, 60.0):
        wait = ratelimit.retry_after(key)
        raise ratelimit.RateLimited(
            f"too many files in this chat (limit {per_minute} a minute); wait {wait} s",
            wait, code="chat_attachment_rate_limited")


def store(s: Session, c: Consultation, checked: Checked, sender: str,
          agent_id: int | None, store: PhotoStore | None = None) -> ChatAttachment:
    """Put the file in the store and add its row (caller sets `seq` and commits)."""
    key = f"chat/{c.id}/{secrets.token_hex(12)}.{checked.extension}"
    (store or photo_store()).put(key, checked.data, checked.content_type)
    row = ChatAttachment(consultation_id=c.id, sender=sender, sender_agent_id=agent_id,
                         storage_key=key, content_type=checked.content_type,
                         name=checked.name, size=len(checked.data), sha256=checked.sha256)
    s.add(row)
    s.flush()
    return row


def flags(row: ChatAttachment) -> dict[str, Any]:
    return {"kind": "attachment", "attachment": {
        "id": row.id, "name": row.name, "content_type": row.content_type, "size": row.size}}


def get(s: Session, attachment_id: int) -> ChatAttachment:
    row = s.get(ChatAttachment, attachment_id)
    if row is None or row.seq is None:
        raise NotFound("no such attachment")
    return row


def read(row: ChatAttachment, store: PhotoStore | None = None) -> bytes:
    return (store or photo_store()).get(row.storage_key)


def open_for_citizen(s: Session, token: str | None, attachment_id: int) -> ChatAttachment:
    """The file, for the citizen of its chat (their chat token)."""
    from dasan.chat.service import authorize_citizen

    row = get(s, attachment_id)
    authorize_citizen(s, token, row.consultation_id)
    return row


def open_for_staff(s: Session, user: Any, attachment_id: int) -> ChatAttachment:
    """The file, for the chat's agent or a floor lead (a refusal is audited)."""
    from dasan import access
    from dasan.chat.desk import agent_for

    row = get(s, attachment_id)
    c = s.get(Consultation, row.consultation_id)
    assert c is not None
    access.access_chat(s, user, agent_for(s, user), c, "chat.attachment")
    return row
