"""SIP REGISTER for agents' softphones (RFC 3261 §10, digest authentication RFC 2617/8760).

An agent's softphone registers as `sip:<employee no>@<gateway>` with its Contact; the binding
(`voice_endpoints.sip_uri`, `registered_until`) is where that agent's calls ring until it
expires (`Expires` 60-3600 s; 0 removes it). Each agent's SIP password is derived from the
installation's secret key and the employee number (`sip_password`, shown to an admin by
`dasan voice phone-secret`), so no password is stored. The nonce is stateless (a timestamp and
its HMAC) and lives `NONCE_SECONDS`. Unknown agents and wrong passwords get the same 403.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.models import Agent
from dasan.db.models_voice import VoiceEndpoint

REALM = "dasan"
NONCE_SECONDS = 300
MIN_EXPIRES, MAX_EXPIRES, DEFAULT_EXPIRES = 60, 3600, 3600
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


def sip_password(secret: str, employee_no: str) -> str:
    return hmac.new(secret.encode(), f"sip-register:{employee_no}".encode(),
                    hashlib.sha256).hexdigest()[:20]


def new_nonce(secret: str, now: float | None = None) -> str:
    ts = str(int(now if now is not None else time.time()))
    return f"{ts}.{hmac.new(secret.encode(), ts.encode(), hashlib.sha256).hexdigest()[:16]}"


def nonce_fresh(secret: str, nonce: str, now: float | None = None) -> bool:
    ts, _, _sig = nonce.partition(".")
    if not ts.isdigit() or not hmac.compare_digest(new_nonce(secret, int(ts)), nonce):
        return False
    return 0 <= (now if now is not None else time.time()) - int(ts) <= NONCE_SECONDS


def challenge(secret: str) -> str:
    return f'Digest realm="{REALM}", nonce="{new_nonce(secret)}", algorithm=MD5, qop="auth"'


def parse_authorization(value: str | None) -> dict[str, str]:
    if not value or not value.strip().lower().startswith("digest "):
        return {}
    return {k.lower(): (q if q else b) for k, q, b in _PARAM.findall(value.strip()[7:])}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def expected_response(p: dict[str, str], password: str, method: str = "REGISTER") -> str:
    ha1 = _md5(f"{p.get('username', '')}:{p.get('realm', '')}:{password}")
    ha2 = _md5(f"{method}:{p.get('uri', '')}")
    if p.get("qop"):
        return _md5(f"{ha1}:{p.get('nonce', '')}:{p.get('nc', '')}:{p.get('cnonce', '')}:"
                    f"{p['qop']}:{ha2}")
    return _md5(f"{ha1}:{p.get('nonce', '')}:{ha2}")


@dataclass(frozen=True)
class Verdict:
    status: int  # 200 | 401 (challenge) | 403 | 400 | 423 (interval too brief)
    reason: str
    expires: int = 0


def check(secret: str, employee_no: str, authorization: str | None, expires: int | None
          ) -> Verdict:
    """Decide a REGISTER from its To user, Authorization and requested expiry (pure)."""
    p = parse_authorization(authorization)
    if not p:
        return Verdict(401, "Unauthorized")
    if p.get("realm") != REALM or not nonce_fresh(secret, p.get("nonce", "")):
        return Verdict(401, "Unauthorized")  # stale nonce: a fresh challenge
    if p.get("username") != employee_no or not hmac.compare_digest(
            expected_response(p, sip_password(secret, employee_no)), p.get("response", "")):
        return Verdict(403, "Forbidden")
    wanted = DEFAULT_EXPIRES if expires is None else expires
    if 0 < wanted < MIN_EXPIRES:
        return Verdict(423, "Interval Too Brief")
    return Verdict(200, "OK", min(wanted, MAX_EXPIRES))


def bind(session: Session, employee_no: str, contact: str, expires: int) -> bool:
    """Store (or with expires 0 remove) the agent's binding; False for an unknown agent."""
    agent = session.scalar(select(Agent).where(Agent.employee_no == employee_no))
    if agent is None:
        return False
    row = session.scalar(select(VoiceEndpoint).where(VoiceEndpoint.agent_id == agent.id))
    if row is None:
        if expires == 0:
            return True
        row = VoiceEndpoint(agent_id=agent.id, sip_uri=contact[:256])
        session.add(row)
    if expires == 0:
        row.active, row.registered_until = False, utcnow()
    else:
        row.sip_uri, row.active = contact[:256], True
        row.registered_until = utcnow() + timedelta(seconds=expires)
    session.commit()
    return True


def requested_expires(expires_header: str | None, contact_header: str | None) -> int | None:
    m = re.search(r";\s*expires=(\d+)", contact_header or "")
    value = m.group(1) if m else (expires_header or "").strip()
    if contact_header and contact_header.strip() == "*":
        return 0
    return int(value) if value.isdigit() else None
