"""Building and reading SIP messages.

Parsing (start line, headers, compact forms, folding, Content-Length) is aiosipua's
`SipMessage.parse`; what goes out is written here as plain text, so the exact bytes a peer sees
are visible in one place.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from aiosipua import SipMessage, SipRequest, SipResponse

REQUIRED = ("Via", "From", "To", "Call-ID", "CSeq")
ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, REFER, NOTIFY"
USER_AGENT = "Dasan-Voice/1.0"
_URI_USER = re.compile(r"sips?:([^@;>]+)@")
_URI = re.compile(r"<([^>]+)>")
_DIGITS = re.compile(r"\D")


class SipParseError(Exception):
    """A datagram that is not a usable SIP message."""


@dataclass(frozen=True)
class Peer:
    host: str
    port: int

    @property
    def addr(self) -> tuple[str, int]:
        return (self.host, self.port)


def parse(data: bytes) -> SipRequest | SipResponse:
    try:
        msg = SipMessage.parse(data)
    except Exception as exc:  # aiosipua raises ValueError/IndexError on garbage
        raise SipParseError(str(exc)) from exc
    if isinstance(msg, SipRequest) and (
        not re.fullmatch(r"[A-Z]{2,16}", msg.method or "")
        or not msg.uri.startswith(("sip:", "sips:", "tel:"))
    ):
        raise SipParseError(f"bad request line {msg.method!r} {msg.uri!r}")
    return msg


def missing_headers(msg: SipMessage) -> list[str]:
    return [h for h in REQUIRED if not msg.get_header(h)]


def cseq(msg: SipMessage) -> tuple[int, str]:
    raw = (msg.get_header("CSeq") or "").split()
    if len(raw) != 2 or not raw[0].isdigit():
        raise SipParseError(f"bad CSeq {msg.get_header('CSeq')!r}")
    return int(raw[0]), raw[1].upper()


def top_branch(msg: SipMessage) -> str:
    vias = msg.get_header_values("Via")
    if not vias:
        return ""
    m = re.search(r";\s*branch=([^;,\s]+)", vias[0])
    return m.group(1) if m else ""


def tag_of(value: str | None) -> str | None:
    if not value:
        return None
    m = re.search(r";\s*tag=([^;,\s>]+)", value.split(">")[-1] if ">" in value else value)
    return m.group(1) if m else None


def uri_user(uri: str) -> str:
    m = _URI_USER.search(uri)
    return m.group(1) if m else ""


def caller_digits(msg: SipMessage) -> str:
    """Digits of the caller's number from From (P-Asserted-Identity first, when present)."""
    for name in ("P-Asserted-Identity", "From"):
        value = msg.get_header(name)
        if value:
            user = uri_user(value)
            digits = _DIGITS.sub("", user)
            if digits:
                return digits[:20]
    return ""


def contact_uri(msg: SipMessage) -> str | None:
    value = msg.get_header("Contact")
    if not value:
        return None
    m = _URI.search(value)
    return m.group(1) if m else value.split(";")[0].strip()


def new_tag() -> str:
    return secrets.token_hex(6)


def new_branch() -> str:
    return "z9hG4bK" + secrets.token_hex(8)


def new_call_id(host: str) -> str:
    return f"{secrets.token_hex(10)}@{host}"


def response(
    req: SipRequest,
    code: int,
    reason: str,
    *,
    to_tag: str | None = None,
    contact: str | None = None,
    body: bytes = b"",
    content_type: str | None = None,
    extra: dict[str, str] | None = None,
) -> bytes:
    """A response to `req` (RFC 3261 §8.2.6): Via, From, Call-ID, CSeq copied; To tagged."""
    lines = [f"SIP/2.0 {code} {reason}"]
    lines += [f"Via: {v}" for v in req.get_header_values("Via")]
    lines.append(f"From: {req.get_header('From')}")
    to = req.get_header("To") or ""
    if to_tag and tag_of(to) is None and code > 100:
        to = f"{to};tag={to_tag}"
    lines.append(f"To: {to}")
    lines.append(f"Call-ID: {req.get_header('Call-ID')}")
    lines.append(f"CSeq: {req.get_header('CSeq')}")
    if contact:
        lines.append(f"Contact: <{contact}>")
    lines.append(f"Server: {USER_AGENT}")
    if code in (405, 200) and req.method in ("OPTIONS", "INVITE"):
        lines.append(f"Allow: {ALLOW}")
    for k, v in (extra or {}).items():
        lines.append(f"{k}: {v}")
    if body:
        lines.append(f"Content-Type: {content_type or 'application/sdp'}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def request(
    method: str,
    uri: str,
    *,
    via_host: str,
    via_port: int,
    branch: str,
    from_: str,
    to: str,
    call_id: str,
    cseq_no: int,
    contact: str | None = None,
    body: bytes = b"",
    extra: dict[str, str] | None = None,
    cseq_method: str | None = None,
) -> bytes:
    lines = [
        f"{method} {uri} SIP/2.0",
        f"Via: SIP/2.0/UDP {via_host}:{via_port};branch={branch};rport",
        "Max-Forwards: 70",
        f"From: {from_}",
        f"To: {to}",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq_no} {cseq_method or method}",
        f"User-Agent: {USER_AGENT}",
    ]
    if contact:
        lines.append(f"Contact: <{contact}>")
    for k, v in (extra or {}).items():
        lines.append(f"{k}: {v}")
    if body and "Content-Type" not in (extra or {}):
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
