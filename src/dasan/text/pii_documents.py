"""Identity-document numbers a citizen reads out: passport, driver's licence, business
registration (사업자등록번호) and national health insurance card (건강보험증) numbers.

Each recogniser follows the pattern + context + validation design of Presidio's recognisers
(learned from, not copied): a shape that alone is weak evidence, context words just before it
(여권, 면허, 사업자, 보험증) that make it strong, and a checksum where the number has one.
Shapes that are distinctive on their own (2-2-6-2 licence numbers with a valid region code, a
3-2-5 business number whose check digit is right) are masked without context.

Each recogniser yields ``(type, start, end, replacement)`` candidates for ``dasan.text.pii``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Candidate = tuple[str, int, int, str]

# A separator between digit groups: a dash/dot (spaces around allowed) or one space.
_SEP = r"(?:[ \t]*[-\u2010\u2011\u2012\u2013\u2212.][ \t]*|[ \t])?"


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isascii() and ch.isdigit())


def _near(text: str, start: int, words: re.Pattern[str], width: int = 25) -> bool:
    return bool(words.search(text[max(0, start - width):start]))


def _keep_tail(raw: str, keep: int) -> str:
    """Replace every digit/letter but the last ``keep`` ones with '*', keeping separators."""
    total = sum(ch.isalnum() for ch in raw)
    out, seen = [], 0
    for ch in raw:
        if ch.isalnum():
            seen += 1
            out.append(ch if seen > total - keep else "*")
        else:
            out.append(ch)
    return "".join(out)


# --- passport: M12345678 (letter + 8 digits) and the 2021 format M123A4567 -------------------

_PASSPORT_CONTEXT = re.compile(r"여권|passport|PASSPORT|Passport", re.IGNORECASE)
_PASSPORT_RE = re.compile(
    r"(?<![A-Za-z\d])(?P<kind>[A-Za-z])[ \t]?(?P<a>\d{3,4})[ \t]?(?P<mid>[A-Za-z])?[ \t]?"
    r"(?P<b>\d{4,5})(?![A-Za-z\d])"
)
_PASSPORT_PLAIN = re.compile(r"[MSRODGT]\d{8}|[MSRODGT]\d{3}[A-Z]\d{4}")


def passport(text: str) -> Iterator[Candidate]:
    for m in _PASSPORT_RE.finditer(text):
        digits = m.group("a") + m.group("b")
        shape_ok = (len(digits) == 8 and not m.group("mid")) or (
            len(digits) == 7 and m.group("mid") and len(m.group("a")) == 3
        )
        if not shape_ok:
            continue
        compact = re.sub(r"[ \t]", "", m.group(0))
        if not (_near(text, m.start(), _PASSPORT_CONTEXT) or _PASSPORT_PLAIN.fullmatch(compact)):
            continue
        yield "passport", m.start(), m.end(), compact[0] + "****" + compact[-4:]


# A passport number read aloud after 여권: 엠 일이삼사오육칠팔 (the letter spelled in Hangul)
_SPELLED_LETTER = {"엠": "M", "에스": "S", "알": "R", "디": "D", "지": "G", "티": "T"}
_SPOKEN_DIGIT = {"공": "0", "영": "0", "빵": "0", "일": "1", "이": "2", "삼": "3", "사": "4",
                 "오": "5", "육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9"}
_SPOKEN_PASSPORT_RE = re.compile(
    r"여권[ \t]?(?:번호)?(?:는|가|은|이)?[ \t]*"
    r"(?P<p>(?P<letter>엠|에스|알|디|지|티|[MSRODGTmsrodgt])[ \t]?"
    r"(?P<n>[공영빵일이삼사오육륙칠팔구\d](?:[ \t]?[공영빵일이삼사오육륙칠팔구\d]){7}))"
    r"(?![공영빵일이삼사오육륙칠팔구\d])"
)


# The 2021 format read aloud: 엠 사칠이 에이 일구팔삼 (M472A1983); a middle letter that also reads
# as a digit (이, 오) is not taken.
_SPELLED_MID = {"에이": "A", "비": "B", "씨": "C", "디": "D", "에프": "F", "제이": "J", "케이": "K",
                "엘": "L", "엔": "N", "피": "P", "큐": "Q", "알": "R", "에스": "S", "티": "T",
                "유": "U", "브이": "V", "엑스": "X", "와이": "Y", "제트": "Z"}
_SPOKEN_DIGITS = "공영빵일이삼사오육륙칠팔구\\d"
_SPOKEN_PASSPORT_2021_RE = re.compile(
    r"여권[ \t]?(?:번호)?(?:는|가|은|이)?[ \t]*"
    r"(?P<p>(?P<letter>엠|에스|알|디|지|티|[MSRODGTmsrodgt])[ \t]?"
    rf"(?P<a>[{_SPOKEN_DIGITS}](?:[ \t]?[{_SPOKEN_DIGITS}]){{2}})[ \t]?"
    rf"(?P<mid>{'|'.join(sorted(_SPELLED_MID, key=len, reverse=True))}|[A-Za-z])[ \t]?"
    rf"(?P<b>[{_SPOKEN_DIGITS}](?:[ \t]?[{_SPOKEN_DIGITS}]){{3}}))"
    rf"(?![{_SPOKEN_DIGITS}])"
)


def spoken_passport(text: str) -> Iterator[Candidate]:
    for m in _SPOKEN_PASSPORT_2021_RE.finditer(text):
        digits = "".join(_SPOKEN_DIGIT.get(ch, ch) for ch in m.group("b") if not ch.isspace())
        if not any(ch in _SPOKEN_DIGIT for ch in m.group("a") + m.group("b")):
            continue  # written digits are the passport recogniser's job
        letter = _SPELLED_LETTER.get(m.group("letter"), m.group("letter").upper())
        yield "passport", m.start("p"), m.end("p"), letter + "****" + digits[-4:]
    for m in _SPOKEN_PASSPORT_RE.finditer(text):
        digits = "".join(_SPOKEN_DIGIT.get(ch, ch) for ch in m.group("n") if not ch.isspace())
        if not any(ch in _SPOKEN_DIGIT for ch in m.group("n")):
            continue  # written digits are the passport recogniser's job
        letter = _SPELLED_LETTER.get(m.group("letter"), m.group("letter").upper())
        yield "passport", m.start("p"), m.end("p"), letter + "****" + digits[-4:]


# --- driver's licence: 11-19-123456-78 (region code) or 서울 13-045821-62 -----------------------

_LICENCE_REGIONS = (
    "서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|세종"
)
_LICENCE_CONTEXT = re.compile(r"면허")
_LICENCE_CODE_RE = re.compile(
    rf"(?<![\d\w])(?P<region>\d{{2}}){_SEP}(?P<year>\d{{2}}){_SEP}(?P<serial>\d{{6}}){_SEP}"
    r"(?P<check>\d{2})(?![\d])"
)
_LICENCE_NAME_RE = re.compile(
    rf"(?<![가-힣\w])(?P<region>{_LICENCE_REGIONS})[ \t]?(?P<year>\d{{2}}){_SEP}"
    rf"(?P<serial>\d{{6}}){_SEP}(?P<check>\d{{2}})(?![\d])"
)


def driver_licence(text: str) -> Iterator[Candidate]:
    for m in _LICENCE_NAME_RE.finditer(text):
        yield ("driver_licence", m.start(), m.end(),
               f"{m.group('region')} {m.group('year')}-******-**")
    for m in _LICENCE_CODE_RE.finditer(text):
        region = int(m.group("region"))
        separated = len(re.findall(r"\d+", m.group(0))) > 1
        if not (_near(text, m.start(), _LICENCE_CONTEXT)
                or (separated and 11 <= region <= 28)):
            continue
        yield ("driver_licence", m.start(), m.end(),
               f"{m.group('region')}-{m.group('year')}-******-**")


# --- business registration: 123-45-67890 with its check digit ---------------------------------

_BUSINESS_CONTEXT = re.compile(r"사업자|법인|business", re.IGNORECASE)
_BUSINESS_RE = re.compile(rf"(?<![\d\w\-])(\d{{3}}){_SEP}(\d{{2}}){_SEP}(\d{{5}})(?![\d\-])")
_BUSINESS_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def business_check_ok(number: str) -> bool:
    """The National Tax Service check digit of a 10-digit business registration number."""
    if len(number) != 10 or not number.isdigit():
        return False
    d = [int(c) for c in number]
    total = sum(w * x for w, x in zip(_BUSINESS_WEIGHTS, d, strict=False))
    total += d[8] * 5 // 10
    return (10 - total % 10) % 10 == d[9]


def business_no(text: str) -> Iterator[Candidate]:
    for m in _BUSINESS_RE.finditer(text):
        digits = _digits(m.group(0))
        separated = len(re.findall(r"\d+", m.group(0))) > 1
        if not (_near(text, m.start(), _BUSINESS_CONTEXT)
                or (separated and business_check_ok(digits))):
            continue
        yield "business_no", m.start(), m.end(), f"{digits[:3]}-{digits[3:5]}-*****"


# --- national health insurance card: 11 digits (1-2345678901), only with context --------------

_HEALTH_CONTEXT = re.compile(r"건강\s?보험|보험증|증\s?번호|의료보험")
# 11 digits, grouped any way (1-2345678901, 1 2345 678901); not a 0-led phone number.
_HEALTH_RE = re.compile(r"(?<![\d\w\-])([1-9](?:[ \t]?-?[ \t]?\d){10})(?![\d\-])")


def health_insurance(text: str) -> Iterator[Candidate]:
    for m in _HEALTH_RE.finditer(text):
        if not _near(text, m.start(), _HEALTH_CONTEXT, 30):
            continue
        yield "health_insurance", m.start(), m.end(), _keep_tail(m.group(0), 3)
