"""The visible-ARS link and page cookie: signed with the platform key, short-lived.

The SMS carries `/ars/v/<token>` where the token signs (session id, one-time nonce). The first
open exchanges it for a page cookie (session id, page nonce); opening the same link again
without that cookie is a replay and is refused.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from dasan.config import signing_key
from dasan.errors import DomainError, NotFound

PAGE_COOKIE = "dasan_vars"


class LinkExpired(DomainError):
    status = 410
    code = "link_expired"


@dataclass(frozen=True)
class LinkClaim:
    session_id: int
    nonce: str


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_key(), salt=f"visible-ars-{purpose}")


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def link_token(session_id: int, nonce: str) -> str:
    return _serializer("link").dumps({"s": session_id, "n": nonce})


def page_cookie(session_id: int, page_nonce: str) -> str:
    return _serializer("page").dumps({"s": session_id, "p": page_nonce})


def _read(purpose: str, token: str, max_age: float, field: str) -> LinkClaim:
    try:
        data = _serializer(purpose).loads(token, max_age=int(max_age))
    except SignatureExpired:
        raise LinkExpired("이 링크는 만료되었습니다 (this link has expired)") from None
    except BadSignature:
        raise NotFound("링크를 찾을 수 없습니다 (unknown link)") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) \
            or not isinstance(data.get(field), str):
        raise NotFound("링크를 찾을 수 없습니다 (unknown link)")
    return LinkClaim(data["s"], data[field])


def read_link(token: str, max_age: float) -> LinkClaim:
    return _read("link", token, max_age, "n")


def read_page_cookie(value: str | None, max_age: float) -> LinkClaim | None:
    if not value:
        return None
    try:
        return _read("page", value, max_age, "p")
    except DomainError:
        return None
