"""The shipped Whisper model on a call recording made with espeak-ng at test time. Synthetic
Korean speech says nothing about accuracy (bench/bench_voice_ai.py reports the figures): this
asserts the pipeline — verified model files, non-empty text, timing inside the audio, rows
stored per leg. Runs only where the model parts and espeak-ng are installed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.models import Consultation
from dasan.db.models_smartvoice import CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.stt import whisper
from dasan.stt.port import SttSettings, make_stt
from dasan.stt.transcripts import transcribe_call
from dasan.voice.media import audio

pytestmark = [
    pytest.mark.stt_model,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.skipif(not whisper.shipped_model_available() or not shutil.which("espeak-ng"),
                       reason="the Whisper base parts or espeak-ng are not installed"),
]


def test_a_recorded_leg_is_transcribed_with_timestamps(db: Session, tmp_path: Path) -> None:
    wav = tmp_path / "caller.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-s", "150", "-w", str(tmp_path / "raw.wav"),
                    "수도 요금 문의 드립니다"], check=True, capture_output=True)
    pcm = audio.read_wav_8k(tmp_path / "raw.wav")
    audio.write_wav_8k(wav, audio.silence(0.5) + pcm)
    seconds = len(pcm) / 16000 + 0.5
    c = Consultation(channel="phone", started_at=utcnow())
    db.add(c)
    db.flush()
    call = VoiceCall(sip_call_id="whisper-1", consultation_id=c.id, dialed="120",
                     recording_caller=str(wav), ended_at=utcnow())
    db.add(call)
    db.commit()
    stt = make_stt(SttSettings(adapter="whisper", cache_dir=tmp_path.parent / "stt-models"))
    assert (whisper.assemble(tmp_path.parent / "stt-models") / ".verified").is_file()
    assert transcribe_call(db, call.id, stt) >= 1
    rows = list(db.scalars(select(CallTranscriptSegment)))
    assert rows and all(r.leg == "caller" and r.engine == "whisper" for r in rows)
    assert all(r.text.strip() for r in rows)
    assert all(0 <= r.start_ms < r.end_ms <= seconds * 1000 + 1000 for r in rows)
