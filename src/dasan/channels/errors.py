"""Errors of the written channels (each with an HTTP status and a stable code)."""

from __future__ import annotations

from dasan.errors import Conflict, DomainError, Invalid, NotFound


class BadSignature(DomainError):
    status = 401
    code = "bad_signature"


class Replayed(Conflict):
    code = "replayed"


class UnsupportedEncoding(DomainError):
    status = 415
    code = "unsupported_encoding"


class TooLong(DomainError):
    status = 413
    code = "too_long"


class BadAttachment(Invalid):
    code = "bad_attachment"


class ThreadNotFound(NotFound):
    code = "thread_not_found"


class ThreadClosed(Conflict):
    code = "thread_closed"


class NotConfigured(DomainError):
    status = 503
    code = "not_configured"
