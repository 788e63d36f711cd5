"""Evidence bundles for legal action against a malicious caller (chain of custody).

A bundle is a ZIP: every abuse incident of the citizen, the consultations they happened in as
masked transcripts (chat and written messages, and the calls' masked speech-to-text segments)
and - for roles allowed to see raw personal data - raw transcripts and the calls' recordings
(each leg's WAV under ``recordings/``; a recording is the caller's own voice, so a masked bundle
lists each one with its SHA-256 but does not carry it), and ``manifest.json`` listing every
file with its SHA-256. The manifest also names the previous
export's manifest hash, so the exports form a hash chain; its own hash is stored in
`evidence_exports` and written to the audit log, as is every refused attempt.

Who may export (`can_export_evidence`, `can_include_raw`): supervisors and admins export masked
bundles; only admins may include raw transcripts. A raw export is a reveal of personal data:
it needs a reason, counts against the account's reveal limit and is in the reveal log
(`build_bundle`).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.db.base import utcnow
from dasan.db.models import AbuseIncident, Citizen, Message, User
from dasan.db.models_protection import EvidenceExport
from dasan.db.models_smartvoice import CallTranscriptSegment
from dasan.db.models_voice import VoiceCall
from dasan.errors import Forbidden, NotFound
from dasan.privacy import vault
from dasan.privacy.reveal import ACTION as REVEAL_ACTION
from dasan.privacy.reveal import check_reason, limit_reveals

# The reveal log's object for a raw bundle (its id: the citizen's).
REVEAL_OBJECT = "evidence_bundle"


def can_export_evidence(user: User) -> bool:
    return access.can_export_evidence(user)


def can_include_raw(user: User) -> bool:
    return access.can_include_raw_evidence(user)


def exports_for(s: Session, citizen_id: int) -> list[dict[str, Any]]:
    """The chain of custody of one citizen's bundles: who exported what, when, with which hash."""
    rows = s.execute(select(EvidenceExport, User.username)
                     .join(User, User.id == EvidenceExport.exported_by, isouter=True)
                     .where(EvidenceExport.citizen_id == citizen_id)
                     .order_by(EvidenceExport.id.desc())).all()
    return [{"id": e.id, "exported_at": e.exported_at, "exported_by": name,
             "raw_included": e.raw_included, "files": e.files,
             "manifest_sha256": e.manifest_sha256, "prev_sha256": e.prev_sha256}
            for e, name in rows]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Bundle:
    data: bytes
    manifest: dict[str, Any]
    manifest_sha256: str
    export_id: int


def _transcript(rows: list[Message], raw: dict[int, str] | None = None) -> str:
    """The transcript as stored (masked), or with `raw`: each message's sealed raw text where
    it has one (ADR 0005: `messages.body` holds the masked text)."""
    opened = raw or {}
    return "\n".join(f"[{m.created_at:%Y-%m-%d %H:%M:%S}] #{m.seq} {m.sender}: "
                     f"{opened.get(m.id, m.body) if raw is not None else m.body_masked}"
                     for m in rows) + "\n"


def _read(path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        return Path(path).read_bytes()
    except OSError:
        return None  # a recording removed by retention: the call's record still lists it


def build_bundle(s: Session, user: User, citizen_id: int, include_raw: bool = False,
                 reason: str | None = None, *, ip: str | None = None) -> Bundle:
    """Build and record an export (caller commits); refusals are audited and change nothing
    else.

    A bundle with raw transcripts opens sealed text, so it is a reveal like 원문 보기: it needs
    a reason (422 without one), a refusal is also written as a refused reveal (``pii.reveal``
    denied, object ``evidence_bundle``), one download counts as one reveal against the
    account's reveal limit (429 past it, nothing exported), and the export writes a
    ``pii.reveal`` row with the reason and the number of messages it opened - so the reveal
    log lists it. One download is one reveal (not one per message): the limit paces deliberate
    acts, each with its own reason, and a bundle is one such act - counted per text, a citizen
    with more messages than the limit could never be exported at all."""
    why = check_reason(reason) if include_raw else None
    if not can_export_evidence(user) or (include_raw and not can_include_raw(user)):
        audit.record(s, user, "evidence.export", object_type="citizen", object_id=citizen_id,
                     outcome="denied", ip=ip, detail={"raw": include_raw, "role": user.role})
        if include_raw:
            audit.record(s, user, REVEAL_ACTION, object_type=REVEAL_OBJECT, object_id=citizen_id,
                         outcome="denied", ip=ip, detail={"role": user.role, "reason": why})
        s.commit()
        raise Forbidden("your role may not export this evidence bundle"
                        + (" with raw transcripts" if include_raw else ""),
                        code="reveal_denied" if include_raw else None)
    if s.get(Citizen, citizen_id) is None:
        raise NotFound(f"citizen {citizen_id} not found")
    if include_raw:
        limit_reveals(s, user, object_type=REVEAL_OBJECT, object_id=citizen_id,
                      reason=why or "", ip=ip)
    incidents = list(s.scalars(select(AbuseIncident).where(AbuseIncident.citizen_id == citizen_id)
                               .order_by(AbuseIncident.at, AbuseIncident.id)))
    files: dict[str, bytes] = {}
    files["incidents.json"] = json.dumps([
        {"id": i.id, "consultation_id": i.consultation_id, "agent_id": i.agent_id,
         "message_id": i.message_id, "category": i.category, "severity": i.severity,
         "action": i.action, "at": i.at.isoformat()} for i in incidents],
        ensure_ascii=False, indent=1).encode()
    recordings: list[dict[str, Any]] = []
    opened: list[int] = []  # the consultations whose raw transcript the bundle carries
    raw_messages = 0
    for cid in sorted({i.consultation_id for i in incidents if i.consultation_id is not None}):
        rows = list(s.scalars(select(Message).where(Message.consultation_id == cid)
                              .order_by(Message.seq)))
        if rows:
            files[f"transcripts/masked/{cid}.txt"] = _transcript(rows).encode()
            if include_raw:
                files[f"transcripts/raw/{cid}.txt"] = _transcript(rows, vault.open_many(
                    s, vault.MESSAGE_BODY, [m.id for m in rows])).encode()
                opened.append(cid)
                raw_messages += len(rows)
        for call in s.scalars(select(VoiceCall).where(VoiceCall.consultation_id == cid)
                              .order_by(VoiceCall.id)):
            segments = list(s.scalars(select(CallTranscriptSegment)
                                      .where(CallTranscriptSegment.call_id == call.id)
                                      .order_by(CallTranscriptSegment.start_ms,
                                                CallTranscriptSegment.seq)))
            if segments:
                files[f"transcripts/masked/{cid}-call-{call.id}.txt"] = "".join(
                    f"[{g.start_ms / 1000:8.1f}s] {g.leg}: {g.text}\n" for g in segments).encode()
            for leg, path in (("caller", call.recording_caller), ("agent", call.recording_agent)):
                audio = _read(path)
                if audio is None:
                    continue
                name = f"recordings/{cid}-call-{call.id}-{leg}.wav"
                recordings.append({"path": name, "sha256": sha256(audio), "bytes": len(audio),
                                   "included": include_raw})
                if include_raw:
                    files[name] = audio
    prev = s.scalar(select(EvidenceExport.manifest_sha256).order_by(EvidenceExport.id.desc())
                    .limit(1))
    now = utcnow()
    manifest = {"citizen_id": citizen_id, "exported_by": user.username,
                "exported_at": now.isoformat(), "raw_included": include_raw,
                "previous_manifest_sha256": prev, "recordings": recordings,
                "files": [{"path": p, "sha256": sha256(b), "bytes": len(b)}
                          for p, b in sorted(files.items())]}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    digest = sha256(manifest_bytes)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, body in sorted(files.items()):
            z.writestr(path, body)
        z.writestr("manifest.json", manifest_bytes)
        z.writestr("manifest.sha256", digest + "  manifest.json\n")
    row = EvidenceExport(citizen_id=citizen_id, exported_by=user.id, exported_at=now,
                         raw_included=include_raw, manifest_sha256=digest, prev_sha256=prev,
                         files=len(files))
    s.add(row)
    s.flush()
    audit.record(s, user, "evidence.export", object_type="citizen", object_id=citizen_id,
                 ip=ip, detail={"export_id": row.id, "manifest_sha256": digest,
                                "raw": include_raw, "files": len(files)})
    if include_raw:
        audit.record(s, user, REVEAL_ACTION, object_type=REVEAL_OBJECT, object_id=citizen_id,
                     ip=ip, detail={"reason": why, "citizen_id": citizen_id,
                                    "export_id": row.id, "consultations": opened,
                                    "messages": raw_messages})
    return Bundle(buf.getvalue(), manifest, digest, row.id)


def verify_bundle(data: bytes) -> bool:
    """Every file's hash matches the manifest, and the manifest matches its own hash."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        manifest_bytes = z.read("manifest.json")
        if z.read("manifest.sha256").decode().split()[0] != sha256(manifest_bytes):
            return False
        manifest = json.loads(manifest_bytes)
        return all(sha256(z.read(f["path"])) == f["sha256"] for f in manifest["files"])
