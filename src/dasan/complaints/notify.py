"""Status back to the citizen: notices go through an outbox to a small notifier port.

Adapters: `log` (writes the notice to the log; the default on a laptop) and `smtp` (e-mail via
the standard library). SMS notices go through the city's SMS port (`dasan.channels`: Korean
length rules, opt-out, the channels outbox with retries) whenever an SMS adapter is configured
(`DASAN_SMS_ADAPTER=http|smpp`); without one they fall back to this module's notifier.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.complaints import system_notes
from dasan.config import get_settings
from dasan.db.base import utcnow
from dasan.db.models_complaints import NotificationOutbox, ServiceRequest

log = logging.getLogger("dasan.complaints.notify")
MAX_ATTEMPTS = 5

STATUS_KO = {
    "received": "접수", "accepted": "처리 부서 접수", "in_progress": "처리 중",
    "resolved": "처리 완료", "rejected": "처리 불가", "escalated": "처리 지연(상급자 확인)",
    "duplicate": "같은 신고로 병합", "reassigned": "담당 부서 변경",
}
STATUS_EN = {
    "received": "Received", "accepted": "Accepted by the office", "in_progress": "In progress",
    "resolved": "Resolved", "rejected": "Rejected", "escalated": "Overdue (escalated)",
    "duplicate": "Merged with the same report", "reassigned": "Reassigned",
}


class Notifier(Protocol):
    def send(self, channel: str, recipient: str, subject: str, body: str) -> None: ...


class LogNotifier:
    """Writes each notice to the log and keeps the last ones (useful on a laptop and in tests)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str, str]] = []

    def send(self, channel: str, recipient: str, subject: str, body: str) -> None:
        self.sent.append((channel, recipient, subject, body))
        del self.sent[:-200]
        log.info("notice %s to %s: %s", channel, recipient[:3] + "***", subject)


class SmtpNotifier:
    """E-mail through an SMTP relay (stdlib); SMS falls back to `fallback` until the SMS port
    of the channels room is merged."""

    def __init__(self, host: str, port: int, sender: str, fallback: Notifier) -> None:
        self.host, self.port, self.sender, self.fallback = host, port, sender, fallback

    def send(self, channel: str, recipient: str, subject: str, body: str) -> None:
        if channel != "email":
            self.fallback.send(channel, recipient, subject, body)
            return
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, recipient, subject
        msg.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(msg)


_LOG = LogNotifier()


def notifier() -> Notifier:
    s = get_settings()
    if s.complaints_notifier == "smtp":
        return SmtpNotifier(s.complaints_smtp_host, s.complaints_smtp_port, s.complaints_smtp_from,
                            _LOG)
    return _LOG


def tracking_url(request: ServiceRequest) -> str:
    return f"{get_settings().complaints_public_url.rstrip('/')}/report/track/{request.token}"


# The citizen's number and e-mail address for notices are sealed in the PII vault under the
# report's id (ADR 0005); `service_requests.notify_phone` / `notify_email` and the notice rows
# keep only their masked forms (010-****-5678, c***@example.com).
PHONE_KIND = "service_requests.notify_phone"
EMAIL_KIND = "service_requests.notify_email"


def mask_email(address: str) -> str:
    """c***@example.com: the first character of the local part and the domain."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return (address[:1] + "***") if address else ""
    return f"{local[:1]}***@{domain}"[:254]


def keep_email(session: Session, request: ServiceRequest, address: str) -> None:
    """Seal the notice e-mail address of a (flushed) report and keep its masked form."""
    from dasan.privacy import vault

    vault.seal(session, EMAIL_KIND, request.id, address)
    request.notify_email = mask_email(address)


def keep_phone(session: Session, request: ServiceRequest, digits: str) -> None:
    """Seal the notice number of a (flushed) report and keep its masked form on the row."""
    from dasan.auth import mask_phone
    from dasan.privacy import vault

    vault.seal(session, PHONE_KIND, request.id, digits)
    request.notify_phone = mask_phone(digits)


def _phones(session: Session, request_ids: list[int]) -> dict[int, str]:
    """The raw notice numbers of these reports, opened in memory for a send."""
    from dasan.privacy import vault

    return vault.open_many(session, PHONE_KIND, request_ids)


def _emails(session: Session, request_ids: list[int]) -> dict[int, str]:
    """The raw notice e-mail addresses of these reports, opened in memory for a send."""
    from dasan.privacy import vault

    return vault.open_many(session, EMAIL_KIND, request_ids)


def queue_notice(session: Session, request: ServiceRequest, status: str,
                 note: str | None = None) -> int:
    """Queue a notice about `status` to every contact the citizen gave; returns how many."""
    en = request.language == "en"
    label = (STATUS_EN if en else STATUS_KO).get(status, status)
    head = "[Seoul 120] Your report" if en else "[서울 120] 불편신고"
    body = f"{head} #{request.id}: {label}."
    note = system_notes.render(note, "en" if en else "ko")
    if note:
        body += f" {note[:200]}"
    body += f" {tracking_url(request)}"
    count = 0
    for channel, to in (("sms", request.notify_phone), ("email", request.notify_email)):
        if to and channel == "sms" and _sms_port_configured():
            count += _queue_sms(session, request, status, body)
        elif to:  # a notice keeps the masked number or address; the send opens the sealed one
            session.add(NotificationOutbox(request_id=request.id, channel=channel, recipient=to,
                                           subject=f"{head} #{request.id}: {label}", body=body))
            count += 1
    return count


def drain_notifications(session: Session, port: Notifier | None = None, limit: int = 100) -> int:
    """Send due notices; failures are retried with backoff, then parked as dead."""
    port = port or notifier()
    now = utcnow()
    rows = session.scalars(
        select(NotificationOutbox)
        .where(NotificationOutbox.state == "pending", NotificationOutbox.next_attempt_at <= now)
        .order_by(NotificationOutbox.id).limit(limit)
    ).all()
    sent = 0
    opened = {"sms": _phones(session, [r.request_id for r in rows if r.channel == "sms"]),
              "email": _emails(session, [r.request_id for r in rows if r.channel == "email"])}
    for row in rows:
        row.attempts += 1
        recipient = opened.get(row.channel, {}).get(row.request_id, row.recipient)
        try:
            port.send(row.channel, recipient, row.subject, row.body)
        except (OSError, smtplib.SMTPException) as exc:
            row.last_error = str(exc)[:500]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = "dead"
            else:
                row.next_attempt_at = now + timedelta(seconds=30 * 2 ** row.attempts)
            continue
        row.state, row.sent_at = "sent", now
        sent += 1
    session.commit()
    return sent


def _sms_port_configured() -> bool:
    return get_settings().sms_adapter != "none"


def _queue_sms(session: Session, request: ServiceRequest, status: str, body: str) -> int:
    """Hand a notice to the channels room's SMS outbox (one item per SMS/LMS part), unless the
    citizen opted out of SMS; the outbox key makes a repeated notice a no-op. The outbox item
    carries a reference to the sealed number, opened only at send time."""
    from dasan.auth import phone_hash
    from dasan.channels.addresses import SEALED
    from dasan.channels.outbound import enqueue_sms, opted_out
    from dasan.channels.sms.encoding import segment
    from dasan.config import signing_key

    raw = _phones(session, [request.id]).get(request.id)
    if raw is None:
        return 0
    digits = "".join(ch for ch in raw if ch.isdigit())
    if opted_out(session, phone_hash(digits, signing_key())):
        return 0
    enqueue_sms(session, {SEALED: [PHONE_KIND, request.id]}, segment(body),
                f"complaint:{request.id}:{status}")
    return 1
