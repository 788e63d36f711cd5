"""The SMS port: what every SMS backend offers, and what it hands to the SMS service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class InboundSms:
    """A message a citizen sent (MO), as any adapter delivers it."""

    provider: str
    external_id: str
    sender: str  # the citizen's number, digits only
    recipient: str  # our number (120 or a long code)
    text: str
    received_at: datetime | None = None


@dataclass(frozen=True)
class DeliveryReceipt:
    provider: str
    provider_message_id: str | None
    reference: str | None  # our idempotency key, when the provider echoes it
    delivered: bool
    detail: str | None = None


@dataclass(frozen=True)
class OutboundSms:
    to: str
    text: str
    kind: str  # SMS | LMS
    sender: str
    reference: str


class SmsGateway(Protocol):
    """An SMS backend. `send` returns the provider's message id; it raises
    `dasan.channels.outbox.DeliveryError` (retryable or not) when the send fails."""

    name: str

    async def send(self, message: OutboundSms) -> str | None: ...

    async def close(self) -> None: ...
