"""One base for domain errors: each carries the HTTP status and a stable code.

Rooms raise subclasses of `DomainError`; the web layer turns them into the API's error shape
(`{"detail": message, "code": code}`) with the status the error carries. A domain error never
subclasses ValueError, so a bug (a stray ValueError) is not mistaken for the client's fault.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal or failure the client can act on."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code


class BadRequest(DomainError):
    """Input the room cannot use (a malformed value, a bad combination of fields)."""

    status = 400
    code = "bad_request"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class TooMany(DomainError):
    status = 429
    code = "rate_limited"
