"""Korean SMS length rules: bytes counted the EUC-KR (KS X 1001) way, SMS vs LMS, splitting.

Korean carriers and SMS providers count a message in EUC-KR bytes: one byte for ASCII, two for
Hangul, Hanja and every other character (providers that accept characters outside KS X 1001,
such as emoji or Vietnamese letters, send them as UCS-2, which costs the same two bytes per
UTF-16 unit). An SMS holds 90 bytes; an LMS (long message) holds 2,000; longer text is split
into several LMS parts, each marked "(1/3)", cut at a line break or space where one is near.
"""

from __future__ import annotations

from dataclasses import dataclass

from dasan.errors import BadRequest

SMS_MAX_BYTES = 90
LMS_MAX_BYTES = 2000
MAX_PARTS = 10  # a longer reply is a sign of a bug, not a message
# Room for the " (10/10)" part marker (ASCII).
MARKER_BYTES = 8
# Look back this share of a part for a natural break (line, space) before cutting hard.
BREAK_WINDOW = 0.15

def byte_length(text: str) -> int:
    """The message's length in EUC-KR-counted bytes: ASCII 1, other BMP characters 2, astral
    characters (two UTF-16 units) 4. Counted with C-level encoders, no per-character loop."""
    if text.isascii():
        return len(text)
    n = len(text)
    ascii_count = len(text.encode("ascii", "ignore"))
    astral = len(text.encode("utf-16-le", "surrogatepass")) // 2 - n
    return 2 * n - ascii_count + 2 * astral


def euc_kr_encodable(text: str) -> bool:
    """Whether the text can go as KS C 5601 (cp949) rather than UCS-2."""
    try:
        text.encode("cp949")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Part:
    kind: str  # SMS | LMS
    text: str
    bytes: int


def _fit(text: str, budget: int) -> int:
    """The longest prefix (in characters) of `text` within `budget` bytes (binary search over
    prefix lengths; each probe is C-speed)."""
    if byte_length(text) <= budget:
        return len(text)
    lo, hi = 0, min(len(text), budget)  # every character costs at least one byte
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if byte_length(text[:mid]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _cut(text: str, budget: int) -> int:
    """How many characters of `text` fit into `budget` bytes, ending at a natural break."""
    end = _fit(text, budget)
    if end == len(text):
        return end
    floor = int(end * (1 - BREAK_WINDOW))
    for sep in ("\n", " "):
        at = text.rfind(sep, floor, end)
        if at > 0:
            return at + 1
    return end


def segment(text: str) -> list[Part]:
    """The parts an outbound text is sent as: one SMS, one LMS, or several LMS parts."""
    text = text.strip()
    size = byte_length(text)
    if size <= SMS_MAX_BYTES:
        return [Part("SMS", text, size)]
    if size <= LMS_MAX_BYTES:
        return [Part("LMS", text, size)]
    chunks: list[str] = []
    rest = text
    while rest:
        n = _cut(rest, LMS_MAX_BYTES - MARKER_BYTES)
        chunks.append(rest[:n].rstrip())
        rest = rest[n:].lstrip()
    if len(chunks) > MAX_PARTS:
        raise BadRequest(f"text needs {len(chunks)} LMS parts (limit {MAX_PARTS})")
    total = len(chunks)
    out = []
    for i, chunk in enumerate(chunks, 1):
        body = f"{chunk} ({i}/{total})"
        out.append(Part("LMS", body, byte_length(body)))
    return out


def shorten(text: str, budget: int, ellipsis: str = "…") -> str:
    """`text` cut to `budget` bytes at a natural break, with an ellipsis when cut."""
    text = text.strip()
    if byte_length(text) <= budget:
        return text
    n = _cut(text, budget - byte_length(ellipsis))
    return text[:n].rstrip() + ellipsis
