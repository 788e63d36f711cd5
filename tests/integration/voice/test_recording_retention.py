"""Recordings past the retention period are deleted from disk and forgotten by the call record;
newer ones, and files outside the recording folder, are left alone; a dry run changes nothing;
playback of an expired call is refused by the same rule; the CLI reports the counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dasan.db.base import utcnow
from dasan.db.models import AuditLog
from dasan.db.models_privacy import SealedText
from dasan.db.models_smartvoice import CallConferenceLeg, CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.privacy.vault import open_one, seal
from dasan.stt.transcripts import SEALED_KIND
from dasan.voice import retention
from dasan.voice.settings import get_voice_settings


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DASAN_VOICE_RECORDING_DIR", str(tmp_path / "recordings"))
    monkeypatch.setenv("DASAN_VOICE_RECORDING_RETENTION_DAYS", "30")
    get_voice_settings.cache_clear()
    (tmp_path / "recordings").mkdir()
    yield tmp_path / "recordings"
    get_voice_settings.cache_clear()


def _wav(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF....WAVE")
    return str(path)


def _call(db, name: str, age_days: float, caller: str | None, agent: str | None  # type: ignore[no-untyped-def]
          ) -> VoiceCall:
    call = VoiceCall(sip_call_id=f"retention-{name}", dialed="120", outcome="answered",
                     arrived_at=utcnow() - timedelta(days=age_days),
                     recording_caller=caller, recording_agent=agent)
    db.add(call)
    db.flush()
    return call


def test_expired_recordings_are_deleted_and_newer_ones_kept(db, store: Path,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    old = _call(db, "old", 31, _wav(store / "a" / "old-caller.wav"),
                _wav(store / "a" / "old-agent.wav"))
    new = _call(db, "new", 29, _wav(store / "b" / "new-caller.wav"), None)
    outside = _call(db, "outside", 40, _wav(tmp_path / "elsewhere" / "x.wav"), None)
    gone = _call(db, "gone", 45, str(store / "never-written.wav"), None)
    db.add(CallConferenceLeg(call_id=old.id, recording=_wav(store / "a" / "old-interp.wav")))
    db.commit()
    ids = (old.id, new.id, outside.id, gone.id)

    dry = retention.purge_expired_recordings(db, dry_run=True)
    assert (dry.calls, dry.files_deleted, dry.files_missing, len(dry.outside_store)) == (3, 3, 1, 1)
    assert dry.raw_transcripts == 0
    assert (store / "a" / "old-caller.wav").is_file()  # a dry run deletes nothing
    db.expire_all()
    assert db.get(VoiceCall, old.id).recording_caller is not None

    report = retention.purge_expired_recordings(db)
    assert report.as_dict() == {"calls": 3, "files_deleted": 3, "files_missing": 1,
                                "outside_store": 1, "raw_transcripts": 0}
    assert not list((store / "a").iterdir())  # both legs and the interpreter's
    assert (store / "b" / "new-caller.wav").is_file()
    assert (tmp_path / "elsewhere" / "x.wav").is_file()
    db.expire_all()
    o, n, out, g = (db.get(VoiceCall, i) for i in ids)
    assert (o.recording_caller, o.recording_agent) == (None, None)
    assert n.recording_caller is not None
    assert out.recording_caller is not None  # kept so an administrator sees it
    assert g.recording_caller is None
    leg = db.scalar(select(CallConferenceLeg).where(CallConferenceLeg.call_id == old.id))
    assert leg is not None and leg.recording is None
    row = db.scalar(select(AuditLog).where(AuditLog.action == "voice.recordings.purged"))
    assert row is not None and row.detail["files_deleted"] == 3

    again = retention.purge_expired_recordings(db)  # nothing left to do but the outsider
    assert (again.files_deleted, again.files_missing, len(again.outside_store)) == (0, 0, 1)


def test_playback_and_purge_share_the_retention_rule(store: Path) -> None:
    now = utcnow()
    assert retention.is_past_retention(now - timedelta(days=30, seconds=1), now)
    assert not retention.is_past_retention(now - timedelta(days=29, hours=23), now)


def test_cli_purges_and_reports(db, store: Path) -> None:  # type: ignore[no-untyped-def]
    from dasan.voice.cli import app

    _call(db, "cli", 60, _wav(store / "c" / "cli-caller.wav"), None)
    db.commit()
    runner = CliRunner()
    dry = runner.invoke(app, ["purge-recordings", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "files to delete: 1" in dry.output
    assert (store / "c" / "cli-caller.wav").is_file()
    done = runner.invoke(app, ["purge-recordings"])
    assert done.exit_code == 0, done.output
    assert "files deleted: 1" in done.output
    assert not (store / "c" / "cli-caller.wav").exists()


def _segment(db, call: VoiceCall, seq: int, masked: str, raw: str | None  # type: ignore[no-untyped-def]
             ) -> CallTranscriptSegment:
    row = CallTranscriptSegment(call_id=call.id, leg="caller", seq=seq, start_ms=0, end_ms=900,
                                text=masked, engine="test")
    db.add(row)
    db.flush()
    if raw is not None:
        seal(db, SEALED_KIND, row.id, raw)
    return row


def test_the_raw_transcripts_of_expired_calls_go_with_their_recordings(  # type: ignore[no-untyped-def]
        db, store: Path) -> None:
    old = _call(db, "old-transcript", 31, None, None)  # no recording left, a raw transcript
    new = _call(db, "new-transcript", 29, _wav(store / "n.wav"), None)
    old_seg = _segment(db, old, 1, "제 번호는 010-****-**** 이에요", "제 번호는 010-1234-5678 이에요")
    plain = _segment(db, old, 2, "수도요금 문의요", None)  # nothing masked: nothing sealed
    new_seg = _segment(db, new, 1, "주민번호는 ******-******", "주민번호는 900101-1234567")
    db.commit()

    dry = retention.purge_expired_recordings(db, dry_run=True)
    assert dry.raw_transcripts == 1
    assert open_one(db, SEALED_KIND, old_seg.id) is not None  # a dry run deletes nothing

    report = retention.purge_expired_recordings(db)
    assert report.raw_transcripts == 1
    assert open_one(db, SEALED_KIND, old_seg.id) is None
    assert open_one(db, SEALED_KIND, new_seg.id) == "주민번호는 900101-1234567"
    db.expire_all()
    kept = db.get(CallTranscriptSegment, old_seg.id)  # the masked record stays
    assert kept is not None and kept.text == "제 번호는 010-****-**** 이에요"
    assert db.get(CallTranscriptSegment, plain.id) is not None
    row = db.scalar(select(AuditLog).where(AuditLog.action == "voice.recordings.purged"))
    assert row is not None and row.detail["raw_transcripts"] == 1
    assert db.scalar(select(SealedText).where(SealedText.kind == SEALED_KIND,
                                              SealedText.ref_id == old_seg.id)) is None
