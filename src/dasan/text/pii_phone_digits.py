"""Korean phone numbers as bare digits: which digit strings are a mobile or a landline, and how a
found one is masked. Shared by the phone recognisers of ``dasan.text.pii`` and the gathered and
read-back numbers of ``dasan.text.pii_said_again`` (which ``pii`` imports, so neither can hold
them for the other)."""

from __future__ import annotations

import re

# Mobile prefixes (010, 011, 016-019) and landline area codes (02 Seoul, 031-064, 070).
MOBILE_RE = re.compile(r"01[016789]\d{7,8}")
AREA_CODE = r"02|0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)"
LANDLINE_RE = re.compile(rf"(?:{AREA_CODE})\d{{7,8}}")


def is_mobile(digits: str) -> bool:
    return MOBILE_RE.fullmatch(digits) is not None


def valid_phone_digits(digits: str) -> tuple[str, str] | None:
    """(area, last4) when ``digits`` is a plausible full Korean phone number."""
    if is_mobile(digits):
        return digits[1:3], digits[-4:]
    if LANDLINE_RE.fullmatch(digits):
        return ("2" if digits.startswith("02") else digits[1:3]), digits[-4:]  # Seoul: one digit
    return None


def phone_replacement(area: str, last: str) -> str:
    """The masked form of a phone: its area or mobile code and last four digits (010-****-1234)."""
    return f"0{area}-****-{last}"
