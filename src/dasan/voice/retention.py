"""Recordings past their retention period are destroyed, not only hidden (PIPA art. 21).

A call's recordings (the caller's and the agent's legs, and an interpreter's) are kept for
`DASAN_VOICE_RECORDING_RETENTION_DAYS` after the call arrived. Playback refuses an older one
(`voice.desk.recording_path`), and :func:`purge_expired_recordings` deletes its files and clears
the record's paths, so a later reader finds "no recording" rather than a dangling path. The
gateway runs it at start and every `DASAN_VOICE_RECORDING_PURGE_SECONDS`; `dasan voice
purge-recordings` runs it by hand (`--dry-run` counts without deleting). Each pass that
deletes anything leaves one audit row with its counts.

The raw (unmasked) text of the same calls' transcripts goes with them: it is what was said on
the recording, sealed in the vault under `call_transcripts.text`, and the pass deletes those
sealed rows. The masked transcript stays with the consultation record, as a chat's masked
messages do.

Only files inside the configured recording folder are deleted: a path outside it (a record
edited by hand, a moved store) is left on disk, counted and logged, and its record keeps the
path so that an administrator can see what needs attention.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from dasan import audit
from dasan.db.base import utcnow
from dasan.db.models_privacy import SealedText
from dasan.db.models_smartvoice import CallConferenceLeg, CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.stt.transcripts import SEALED_KIND as RAW_TRANSCRIPT
from dasan.voice.settings import get_voice_settings

log = logging.getLogger(__name__)

BATCH = 500  # calls per transaction


def retention_cutoff(now: datetime | None = None, days: int | None = None) -> datetime:
    """Calls that arrived before this instant are past the retention period."""
    keep = get_voice_settings().recording_retention_days if days is None else days
    return (now or utcnow()) - timedelta(days=keep)


def is_past_retention(arrived_at: datetime, now: datetime | None = None) -> bool:
    """The one rule playback and the purge share."""
    return arrived_at < retention_cutoff(now)


@dataclass
class PurgeReport:
    calls: int = 0  # call records whose recordings were past retention
    files_deleted: int = 0
    files_missing: int = 0  # already gone from disk: the record is cleared all the same
    outside_store: list[str] = field(default_factory=list)  # left on disk, record kept
    raw_transcripts: int = 0  # sealed raw transcript segments deleted (or, dry, to delete)

    def as_dict(self) -> dict[str, int]:
        return {"calls": self.calls, "files_deleted": self.files_deleted,
                "files_missing": self.files_missing, "outside_store": len(self.outside_store),
                "raw_transcripts": self.raw_transcripts}


def _destroy(raw: str, root: Path, report: PurgeReport, dry_run: bool) -> bool:
    """Delete one recording file; True when its record may forget the path."""
    path = Path(raw)
    if not path.resolve().is_relative_to(root):
        report.outside_store.append(raw)
        return False
    if not path.is_file():
        report.files_missing += 1
        return True
    if not dry_run:
        path.unlink()
    report.files_deleted += 1
    return True


def _purge_raw_transcripts(session: Session, cutoff: datetime, report: PurgeReport,
                           dry_run: bool) -> None:
    """Delete the sealed raw text of every transcript segment of calls before `cutoff`."""
    expired = (SealedText.kind == RAW_TRANSCRIPT) & SealedText.ref_id.in_(
        select(CallTranscriptSegment.id)
        .join(VoiceCall, VoiceCall.id == CallTranscriptSegment.call_id)
        .where(VoiceCall.arrived_at < cutoff))
    report.raw_transcripts = session.scalar(
        select(func.count()).select_from(SealedText).where(expired)) or 0
    if report.raw_transcripts and not dry_run:
        session.execute(delete(SealedText).where(expired)
                        .execution_options(synchronize_session=False))
        session.commit()


def purge_expired_recordings(session: Session, now: datetime | None = None, *,
                             dry_run: bool = False) -> PurgeReport:
    """Delete every recording of calls that arrived before the retention cutoff (commits in
    batches; with `dry_run` nothing is deleted or changed, and the counts say what would be)."""
    cutoff = retention_cutoff(now)
    root = get_voice_settings().recording_dir.resolve()
    report = PurgeReport()
    last_id = 0
    while True:
        calls = list(session.scalars(
            select(VoiceCall)
            .where(VoiceCall.arrived_at < cutoff, VoiceCall.id > last_id,
                   or_(VoiceCall.recording_caller.is_not(None),
                       VoiceCall.recording_agent.is_not(None),
                       VoiceCall.id.in_(select(CallConferenceLeg.call_id).where(
                           CallConferenceLeg.recording.is_not(None)))))
            .order_by(VoiceCall.id).limit(BATCH)))
        if not calls:
            break
        last_id = calls[-1].id
        legs = list(session.scalars(select(CallConferenceLeg).where(
            CallConferenceLeg.call_id.in_([c.id for c in calls]),
            CallConferenceLeg.recording.is_not(None))))
        for call in calls:
            report.calls += 1
            if call.recording_caller and _destroy(call.recording_caller, root, report, dry_run):
                call.recording_caller = None
            if call.recording_agent and _destroy(call.recording_agent, root, report, dry_run):
                call.recording_agent = None
        for leg in legs:
            if leg.recording and _destroy(leg.recording, root, report, dry_run):
                leg.recording = None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    _purge_raw_transcripts(session, cutoff, report, dry_run)
    if report.outside_store:
        log.warning("%d expired recordings lie outside %s and were not deleted: %s",
                    len(report.outside_store), root, report.outside_store[:5])
    if not dry_run and (report.files_deleted or report.files_missing or report.outside_store
                        or report.raw_transcripts):
        audit.record(session, None, "voice.recordings.purged", object_type="voice_call",
                     detail={**report.as_dict(), "cutoff": cutoff.isoformat()})
        session.commit()
    return report
