"""ADR 0005: sealing, key rotation, retiring keys, and back-filling rows from before 0004."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dasan.cli import app as cli_app
from dasan.config import get_settings
from dasan.db.models import Consultation, Message
from dasan.db.models_privacy import SealedText
from dasan.privacy import backfill, keys, vault
from dasan.privacy.keys import PiiKeyError


def _ring(monkeypatch: pytest.MonkeyPatch, spec: str) -> None:
    monkeypatch.setenv("DASAN_PII_KEYS", spec)
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _restore_settings() -> Iterator[None]:
    yield
    get_settings.cache_clear()


def _chat(db: Session) -> int:
    c = Consultation(channel="chatbot", started_at=datetime(2025, 3, 1, 9, 0))
    db.add(c)
    db.commit()
    return c.id


def test_rotation_moves_every_row_to_the_new_key(db: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _ring(monkeypatch, f"old:{old}")
    cid = _chat(db)
    row = vault.seal(db, vault.MESSAGE_BODY, 7001, "주민번호 850412-1234567")
    db.commit()
    assert row.key_id == "old" and "850412" not in row.token

    _ring(monkeypatch, f"new:{new},old:{old}")
    assert vault.open_one(db, vault.MESSAGE_BODY, 7001) == "주민번호 850412-1234567"
    assert vault.rotate(db) == {"old": 1}
    assert vault.key_usage(db) == {"new": 1}

    _ring(monkeypatch, f"new:{new}")  # the old key can go now
    assert vault.open_one(db, vault.MESSAGE_BODY, 7001) == "주민번호 850412-1234567"
    _ring(monkeypatch, f"old:{old}")  # and the old key alone opens nothing
    with pytest.raises(PiiKeyError):
        vault.open_one(db, vault.MESSAGE_BODY, 7001)
    assert cid


def test_a_wrong_key_with_the_same_id_is_refused(db: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _ring(monkeypatch, f"k1:{Fernet.generate_key().decode()}")
    vault.seal(db, vault.MESSAGE_BODY, 7002, "010-1234-5678")
    db.commit()
    _ring(monkeypatch, f"k1:{Fernet.generate_key().decode()}")
    with pytest.raises(PiiKeyError, match="does not open"):
        vault.open_one(db, vault.MESSAGE_BODY, 7002)


def test_backfill_masks_and_seals_old_rows(db: Session) -> None:
    cid = _chat(db)
    raw = "카드 4518-4420-1234-5678 로 냈어요"
    old = Message(consultation_id=cid, seq=1, sender="citizen", body=raw,
                  body_masked="카드 4518-****-****-5678 로 냈어요")
    clean = Message(consultation_id=cid, seq=2, sender="citizen", body="감사합니다",
                    body_masked="감사합니다")
    db.add_all([old, clean])
    db.commit()
    assert backfill.seal_existing_messages(db, batch=1) == 1
    assert backfill.seal_existing_messages(db) == 0  # idempotent
    db.expire_all()
    assert "4420" not in old.body and old.body == old.body_masked
    assert clean.body == "감사합니다"
    assert vault.open_one(db, vault.MESSAGE_BODY, old.id) == raw
    assert db.scalar(select(SealedText).where(SealedText.ref_id == clean.id)) is None


def test_key_file_is_private_and_required_outside_the_demo(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.delenv("DASAN_PII_KEYS", raising=False)
    path = tmp_path / "pii.keys"
    monkeypatch.setattr(keys, "keys_file", lambda: path)
    monkeypatch.setenv("DASAN_PII_KEY_AUTOCREATE", "false")
    get_settings.cache_clear()
    with pytest.raises(PiiKeyError, match="not set"):
        keys.key_ring()
    assert not path.exists()
    monkeypatch.setenv("DASAN_PII_KEY_AUTOCREATE", "true")
    get_settings.cache_clear()
    ring = keys.key_ring()
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.key_ring().active_id == ring.active_id  # read back, not re-created


@pytest.mark.parametrize("spec", ["", "nokey", "a:notfernet", "a:{k},a:{k}", "bad id!:{k}"])
def test_malformed_rings_are_refused(spec: str) -> None:
    with pytest.raises(PiiKeyError):
        keys.parse(spec.format(k=Fernet.generate_key().decode()))


def test_cli_new_key_rotate_retire(db: Session, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASAN_PII_KEYS", raising=False)
    path = tmp_path / "pii.keys"
    monkeypatch.setattr(keys, "keys_file", lambda: path)
    get_settings.cache_clear()
    first = keys.key_ring().active_id
    vault.seal(db, vault.MESSAGE_BODY, 7003, "010-2222-3333")
    db.commit()
    runner = CliRunner()
    r = runner.invoke(cli_app, ["privacy", "retire", first])
    assert r.exit_code == 2  # the active key
    r = runner.invoke(cli_app, ["privacy", "new-key"])
    assert r.exit_code == 0, r.output
    second = keys.key_ring().active_id
    assert second != first
    r = runner.invoke(cli_app, ["privacy", "retire", first])
    assert r.exit_code == 2 and "still sealed" in r.output
    r = runner.invoke(cli_app, ["privacy", "rotate"])
    assert r.exit_code == 0 and "re-sealed 1 rows" in r.output
    r = runner.invoke(cli_app, ["privacy", "retire", first])
    assert r.exit_code == 0, r.output
    assert [k for k, _ in keys.key_ring().keys] == [second]
    assert vault.open_one(db, vault.MESSAGE_BODY, 7003) == "010-2222-3333"
