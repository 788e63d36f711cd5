"""Password policy: a minimum length, not a common password, not the username."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from dasan.errors import Invalid

MIN_LENGTH = 10
MAX_LENGTH = 256
COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt"


class WeakPassword(Invalid):
    code = "weak_password"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def check_password(password: str, username: str | None = None) -> None:
    """Raise `WeakPassword` (422) with the reason when `password` breaks the policy."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"password must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"password must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in common_passwords():
        raise WeakPassword("password is too common; choose another")
    if username and len(username) >= 3 and username.lower() in lowered:
        raise WeakPassword("password must not contain the username")
