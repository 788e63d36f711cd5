"""Files in a chat, both ways (issue 11): JPEG/PNG/PDF checked against their first bytes and
the size limit (413/422 in the API's error shape, nothing stored), images re-encoded without
EXIF, stored through the field-report photo store, one typed message event, served only to
the chat's citizen (token) and the staff who may handle it, rate-limited."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from chat_helpers import start, until
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan import ratelimit
from dasan.config import get_settings
from dasan.db.models import AuditLog, Consultation, Message, Team
from dasan.db.models_desk import ChatAttachment
from dasan.presence import offers

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DASAN_COMPLAINTS_PHOTO_DIR", str(tmp_path / "photos"))
    get_settings.cache_clear()
    ratelimit.reset()
    yield tmp_path / "photos"
    get_settings.cache_clear()


def jpeg_with_location() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (37.0, 33.0, 58.0), 3: "E", 4: (126.0, 58.0, 41.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def files(store: Path) -> list[Path]:
    return [p for p in store.rglob("*") if p.is_file()] if store.exists() else []


@contextmanager
def live(client: Any, login: Any, db: Session, username: str = "agent1"
         ) -> Iterator[tuple[int, dict]]:
    """A chat handed to `username`, whose desktop stays open while the test runs (a closed
    desktop's agent is swept away after a grace of seconds, and their chat requeued: a loaded
    machine once took longer than that)."""
    for team_id in db.scalars(select(Team.id)):
        offers.set_auto_accept(db, team_id, True)
    login(username)
    cid, h = start(client)
    with client.websocket_connect("/api/chat/ws/agent") as ws:
        until(ws, lambda e: e["type"] == "hello")
        client.post(f"/api/chat/sessions/{cid}/handoff", headers=h)
        until(ws, lambda e: e["type"] == "assigned")
        yield cid, h


def test_files_both_ways_are_checked_cleaned_and_served_only_to_the_chat(
        client: Any, login: Any, db: Session, kb: dict[str, int], citizen_ws: Any,
        store: Path) -> None:
    with live(client, login, db) as (cid, h):
        other, other_h = start(client)
        with citizen_ws(cid, h["X-Chat-Token"]) as cit:
            r = client.post(f"/api/chat/sessions/{cid}/attachments", headers=h,
                            files={"file": ("사진 010-2222-3333.jpg", jpeg_with_location(),
                                            "image/jpeg")})
            assert r.status_code == 201, r.text
            sent = r.json()["attachment"]
            assert sent["content_type"] == "image/jpeg" and "2222" not in sent["name"]
            event = until(cit, lambda e: e["type"] == "message" and e["sender"] == "citizen"
                          and e["flags"].get("kind") == "attachment")
            assert event["flags"]["attachment"] == sent
            # The agent answers with a PDF: it reaches the citizen; that is an agent reply.
            r = client.post(f"/api/chat/consultations/{cid}/attachments",
                            files={"file": ("안내문.pdf", PDF, "application/pdf")})
            assert r.status_code == 201, r.text
            guide = r.json()["attachment"]
            until(cit, lambda e: e["type"] == "message" and e["sender"] == "agent"
                  and e["flags"].get("attachment", {}).get("id") == guide["id"])
        db.expire_all()
        c = db.get(Consultation, cid)
        assert c is not None and c.answered_at is not None
        # Stored through the photo store, without EXIF (no location, no maker).
        assert len(files(store)) == 2
        r = client.get(f"/api/chat/sessions/{cid}/attachments/{sent['id']}", headers=h)
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        assert r.headers["x-content-type-options"] == "nosniff"
        with Image.open(io.BytesIO(r.content)) as stored:
            assert dict(stored.getexif()) == {} and stored.size == (64, 48)
        r = client.get(f"/api/chat/sessions/{cid}/attachments/{guide['id']}", headers=h)
        assert r.content == PDF and r.headers["content-disposition"].startswith("attachment")
        # Only the chat's citizen, its agent and floor leads.
        assert client.get(f"/api/chat/sessions/{other}/attachments/{sent['id']}",
                          headers=other_h).status_code == 403
        assert client.get(f"/api/chat/sessions/{cid}/attachments/{sent['id']}"
                          ).status_code == 401
        assert client.get(f"/api/chat/attachments/{sent['id']}").status_code == 200  # agent1
        login("agent2")
        r = client.get(f"/api/chat/attachments/{sent['id']}")
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
        assert db.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action == "chat.attachment", AuditLog.outcome == "denied")) == 1
        login("supervisor")
        assert client.get(f"/api/chat/attachments/{guide['id']}").content == PDF
        client.cookies.clear()
        assert client.get(f"/api/chat/attachments/{sent['id']}").status_code == 401


def test_bad_files_are_refused_in_the_error_shape_and_nothing_is_stored(
        client: Any, login: Any, db: Session, kb: dict[str, int], store: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with live(client, login, db) as (cid, h):
        before = db.scalar(select(func.count(Message.id)).where(Message.consultation_id == cid))
        url = f"/api/chat/sessions/{cid}/attachments"
        cases = [
            (("x.png", jpeg_with_location(), "image/png"), 422, "attachment_mismatch"),
            (("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), 422, "attachment_mismatch"),
            (("x.exe", b"MZ\x90\x00", "application/x-msdownload"), 422, "attachment_type"),
            (("x.pdf", PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S "
                                   b"/JavaScript /JS (app.alert(1)) >>"), "application/pdf"),
             422, "attachment_active_pdf"),
            (("x.jpg", b"\xff\xd8\xff\xe0 broken", "image/jpeg"), 422, "attachment_invalid"),
            (("x.jpg", b"", "image/jpeg"), 422, "attachment_empty"),
        ]
        for file, status, code in cases:
            r = client.post(url, headers=h, files={"file": file})
            assert (r.status_code, r.json().get("code")) == (status, code), (file[0], r.text)
            assert set(r.json()) >= {"detail", "code"}
        monkeypatch.setenv("DASAN_CHAT_ATTACHMENT_MAX_MB", "0.01")  # 10 kB
        get_settings.cache_clear()
        r = client.post(url, headers=h, files={"file": ("big.pdf", PDF + b"0" * 20_000 + b"%%EOF",
                                                        "application/pdf")})
        assert (r.status_code, r.json()["code"]) == (413, "attachment_too_large")
        r = client.post(f"/api/chat/consultations/{cid}/attachments",
                        files={"file": ("big.png", png() + b"\0" * 20_000, "image/png")})
        assert r.status_code == 413
        assert files(store) == []
        db.expire_all()
        assert db.scalar(select(func.count(ChatAttachment.id))) == 0
        assert db.scalar(select(func.count(Message.id)).where(
            Message.consultation_id == cid)) == before


def test_files_are_rate_limited_per_chat(client: Any, login: Any, db: Session,
                                         kb: dict[str, int], store: Path) -> None:
    with live(client, login, db) as (cid, h):
        limit = get_settings().chat_attachments_per_minute
        for _ in range(limit):
            r = client.post(f"/api/chat/sessions/{cid}/attachments", headers=h,
                            files={"file": ("a.png", png(), "image/png")})
            assert r.status_code == 201, r.text
        r = client.post(f"/api/chat/sessions/{cid}/attachments", headers=h,
                        files={"file": ("a.png", png(), "image/png")})
        assert (r.status_code, r.json()["code"]) == (429, "chat_attachment_rate_limited")
        assert int(r.headers["retry-after"]) >= 1
        assert len(files(store)) == limit
