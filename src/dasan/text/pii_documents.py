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

from dasan.text import pii_kind

Candidate = tuple[str, int, int, str]

# A separator between digit groups: a dash/dot (spaces around allowed) or one space - and (round
# 19) the dashes a Korean keyboard types (ㅡ, ー) and a slash (123ㅡ45ㅡ67890, 11/19/384756/20).
_SEP = r"(?:[ \t]*[-\u2010\u2011\u2012\u2013\u2212.\u3161\u30fc/][ \t]*|[ \t])?"


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

_PASSPORT_CONTEXT = pii_kind.PASSPORT_CUE
_PASSPORT_RE = re.compile(
    r"(?<![A-Za-z\d])(?P<kind>[A-Za-z])[ \t]?-?[ \t]?(?P<a>\d{3,4})[ \t]?-?[ \t]?"
    r"(?P<mid>[A-Za-z])?[ \t]?-?[ \t]?(?P<b>\d{4,5})(?![A-Za-z\d])"
)
_PASSPORT_PLAIN = re.compile(r"[MSRODGT]\d{8}|[MSRODGT]\d{3}[A-Z]\d{4}")


# Other countries' passports, after 여권/passport only: one or two letters, 6-9 digits and maybe
# a letter (C4928173 Vietnam, EH6207319 China, P7382914B the Philippines, AA1234567 Uzbekistan,
# TK1234567 Japan), nine digits (the US), or written a character at a time (R 3 8 1 7 4 2 6 0).
# The digits may come in groups with spaces, dashes or dots between (FA 123 4567, M.1234.5678).
_PASSPORT_GAP = r"[ \t.,\-]{0,3}"
_FOREIGN_PASSPORT_RE = re.compile(
    rf"(?<![A-Za-z\d])(?:[A-Za-z]{{1,2}}{_PASSPORT_GAP}\d(?:{_PASSPORT_GAP}\d){{5,8}}[A-Za-z]?"
    rf"|\d{{9}}|[A-Za-z](?:{_PASSPORT_GAP}\d){{3}}{_PASSPORT_GAP}[A-Za-z](?:{_PASSPORT_GAP}\d){{4}}"
    # France and a few others: two digits, two letters, five digits (18FV40213)
    r"|\d{2}[A-Za-z]{2}\d{5}"
    # the letter, then a word, then the digits (영문 M에 숫자 12345678, M 하고 12345678)
    r"|[A-Za-z]{1,2}[ \t]*(?:에|이고|고|하고|다음에|,)[ \t]*(?:숫자(?:는|가|로)?[ \t]*)?\d{7,9}"
    # any country's mix of letters and digits, eight or nine in all (M04P91726, K12B345678):
    # the length is checked below; and eight digits alone (Nepal, India: 10283746)
    r"|[A-Za-z]{1,2}\d{1,5}[A-Za-z]\d{3,7}|\d{8})"
    r"(?![A-Za-z\d])"
)
_DATE_8 = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")
# A case or receipt number named right before the digits: no document number.
_REFERENCE_BEFORE = re.compile(
    r"(?:접수|신청|예약|민원|발급|관리|시험|수험)[ \t]?번호[ \t]?(?:는|가|은)?[ \t]*$")


def _passport_cued(text: str) -> bool:
    return _PASSPORT_CONTEXT.search(text) is not None


_PASSPORT_WORDS = pii_kind.PASSPORT_WORDS


def after_cues(text: str, cues: tuple[str, ...], width: int, longest: int = 40
                ) -> Iterator[tuple[int, int]]:
    """The stretches of ``text`` where a number can start within ``width`` characters after one
    of the ``cues`` (literal words) and end within ``longest`` after that start, merged: the
    cued shapes are only looked for there, not across a whole long message."""
    spans = []
    for cue in cues:
        at = text.find(cue)
        while at >= 0:
            spans.append((at, min(len(text), at + len(cue) + width + longest)))
            at = text.find(cue, at + 1)
    spans.sort()
    start = end = -1
    for lo, hi in spans:
        if start >= 0 and lo <= end:
            end = max(end, hi)
            continue
        if start >= 0:
            yield start, end
        start, end = lo, hi
    if start >= 0:
        yield start, end


def passport(text: str) -> Iterator[Candidate]:
    cued = _passport_cued(text)
    for m in _PASSPORT_RE.finditer(text):
        digits = m.group("a") + m.group("b")
        shape_ok = (len(digits) == 8 and not m.group("mid")) or (
            len(digits) == 7 and m.group("mid") and len(m.group("a")) == 3
        )
        if not shape_ok:
            continue
        compact = re.sub(r"[ \t-]", "", m.group(0))
        if _near(text, m.start(), _PASSPORT_CONTEXT) and not _REFERENCE_BEFORE.search(
                text, max(0, m.start() - 12), m.start()):
            pass
        elif not _PASSPORT_PLAIN.fullmatch(compact) or _REFERENCE_BEFORE.search(
                text, max(0, m.start() - 12), m.start()):
            continue  # 접수번호 M12345678 is a case number
        yield "passport", m.start(), m.end(), compact[0] + "****" + compact[-4:]
    if not cued:
        return
    for lo, hi in after_cues(text, _PASSPORT_WORDS, 90):
        for m in _FOREIGN_PASSPORT_RE.finditer(text, lo, hi):
            # within 30 characters of the word, or further when no other kind of number is
            # named in between (여권 번호 ... 케이 알 오 칠 ... 이렇게요 KR0751928)
            near = pii_kind.nearest_kind(text, m.start(), m.end(), 90)
            if not (_near(text, m.start(), _PASSPORT_CONTEXT, 30) or near == "passport") or (
                    near == "reference" or _REFERENCE_BEFORE.search(
                        text, max(0, m.start() - 12), m.start())):
                continue
            compact = re.sub(r"[^A-Za-z0-9]", "", m.group(0))
            if compact.isdigit() and len(compact) == 8 and (near != "passport" or _DATE_8.match(
                    compact)):
                continue  # eight digits alone: only when the passport is the kind named nearest,
                # and not a date (만료일 20291231)
            if not 7 <= len(compact) <= 11:
                continue
            yield "passport", m.start(), m.end(), compact[0] + "****" + compact[-4:]


# A passport number read aloud, shortly after 여권: 엠 일이삼사오육칠팔 (the letter spelled in
# Hangul or written), any country's length (a letter and 7-9 digits: 씨 사구이팔일칠삼), and the
# 2021 format 엠 사칠이 에이 일구팔삼 (M472A1983). A letter that also reads as a digit (이, 오) is
# not taken.
_SPOKEN_DIGIT = {"공": "0", "영": "0", "빵": "0", "일": "1", "이": "2", "삼": "3", "사": "4",
                 "오": "5", "육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9"}
_SPELLED_MID = {"에이": "A", "비": "B", "씨": "C", "디": "D", "에프": "F", "제이": "J", "케이": "K",
                "엘": "L", "엔": "N", "피": "P", "큐": "Q", "알": "R", "에스": "S", "티": "T",
                "유": "U", "브이": "V", "엑스": "X", "와이": "Y", "제트": "Z"}
_SPELLED_LETTER = {**_SPELLED_MID, "엠": "M", "지": "G", "에이치": "H", "아이": "I",
                   "더블유": "W"}
_LETTER = "|".join(sorted(_SPELLED_LETTER, key=len, reverse=True)) + "|[A-Za-z]"
_SPOKEN_DIGITS = "공영빵일이삼사오육륙칠팔구\\d"
_SPOKEN_PASSPORT_RE = re.compile(
    rf"(?<![가-힣A-Za-z])(?P<letter>{_LETTER})[ \t]?"
    rf"(?P<n>[{_SPOKEN_DIGITS}](?:[ \t]?[{_SPOKEN_DIGITS}]){{6,8}})(?![{_SPOKEN_DIGITS}])"
)
_SPOKEN_PASSPORT_2021_RE = re.compile(
    rf"(?<![가-힣A-Za-z])(?P<letter>{_LETTER})[ \t]?"
    rf"(?P<a>[{_SPOKEN_DIGITS}](?:[ \t]?[{_SPOKEN_DIGITS}]){{2}})[ \t]?"
    rf"(?P<mid>{'|'.join(sorted(_SPELLED_MID, key=len, reverse=True))}|[A-Za-z])[ \t]?"
    rf"(?P<b>[{_SPOKEN_DIGITS}](?:[ \t]?[{_SPOKEN_DIGITS}]){{3}})"
    rf"(?![{_SPOKEN_DIGITS}])"
)


def _said_digits(said: str) -> str:
    return "".join(_SPOKEN_DIGIT.get(ch, ch) for ch in said if not ch.isspace())


def spoken_passport(text: str) -> Iterator[Candidate]:
    if not _passport_cued(text):
        return
    for lo, hi in after_cues(text, _PASSPORT_WORDS, 30, 60):
        yield from _spoken_passport_in(text, lo, hi)


def _spoken_passport_in(text: str, lo: int, hi: int) -> Iterator[Candidate]:
    for m in _SPOKEN_PASSPORT_2021_RE.finditer(text, lo, hi):
        if not any(ch in _SPOKEN_DIGIT for ch in m.group("a") + m.group("b")) or not _near(
                text, m.start(), _PASSPORT_CONTEXT, 30):
            continue  # written digits are the passport recogniser's job
        letter = _SPELLED_LETTER.get(m.group("letter"), m.group("letter").upper())
        yield "passport", m.start(), m.end(), letter + "****" + _said_digits(m.group("b"))[-4:]
    for m in _SPOKEN_PASSPORT_RE.finditer(text, lo, hi):
        said, end = m.group("n"), m.end()
        # 사오육칠 이에요: a last syllable said alone before an ending begins the ending
        if (len(said) >= 2 and said[-2].isspace() and end < len(text)
                and "가" <= text[end] <= "힣"):
            said, end = said[:-2], end - 2
        elif said.endswith("이") and end < len(text) and "가" <= text[end] <= "힣":
            said, end = said[:-1], end - 1  # 일이삼사오육칠팔이에요
        digits = _said_digits(said)
        if (len(digits) < 7 or not any(ch in _SPOKEN_DIGIT for ch in said)
                or not _near(text, m.start(), _PASSPORT_CONTEXT, 30)):
            continue  # written digits are the passport recogniser's job
        letter = _SPELLED_LETTER.get(m.group("letter"), m.group("letter").upper())
        yield "passport", m.start(), end, letter + "****" + digits[-4:]


# --- driver's licence: 11-19-123456-78 (region code) or 서울 13-045821-62 -----------------------

_LICENCE_REGIONS = (
    "서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|세종"
)
_LICENCE_CONTEXT = re.compile(r"면허")
_LICENCE_CODE_RE = re.compile(
    rf"(?<![\d\w])(?<!\d[-.])(?P<region>\d{{2}}){_SEP}(?P<year>\d{{2}}){_SEP}(?P<serial>\d{{6}}){_SEP}"
    r"(?P<check>\d{2})(?![\d])"
)
_LICENCE_NAME_RE = re.compile(
    rf"(?<![가-힣\w])(?P<region>{_LICENCE_REGIONS})[ \t]?(?P<year>\d{{2}}){_SEP}"
    rf"(?P<serial>\d{{6}}){_SEP}(?P<check>\d{{2}})(?![\d])"
)


# The first ten digits only, right after 면허 (운전면허번호 1119402837 ... 하고 뒤에 15): a region
# code, the year and the serial.
_LICENCE_HEAD_RE = re.compile(
    rf"(?<![\d\w\-])(?P<region>\d{{2}}){_SEP}(?P<year>\d{{2}}){_SEP}(?P<serial>\d{{6}})"
    r"(?![\d]|[ \t]?[-.]?[ \t]?\d)"
)


def driver_licence(text: str) -> Iterator[Candidate]:
    if _LICENCE_CONTEXT.search(text):
        for m in _LICENCE_HEAD_RE.finditer(text):
            if 11 <= int(m.group("region")) <= 28 and _near(
                    text, m.start(), _LICENCE_CONTEXT) and not _REFERENCE_BEFORE.search(
                    text, max(0, m.start() - 12), m.start()):
                yield ("driver_licence", m.start(), m.end(),
                       f"{m.group('region')}-{m.group('year')}-******")
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

_BUSINESS_CONTEXT = re.compile(rf"{pii_kind.BUSINESS_WORDS}|법인|business", re.IGNORECASE)
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


def _named_after(text: str, end: int, words: re.Pattern[str], width: int = 12) -> bool:
    """The number's kind said right after it (123-45-67890 이 제 사업자 번호예요)."""
    return bool(words.search(text, end, min(len(text), end + width)))


def business_no(text: str) -> Iterator[Candidate]:
    for m in _BUSINESS_RE.finditer(text):
        digits = _digits(m.group(0))
        separated = len(re.findall(r"\d+", m.group(0))) > 1
        # the cue may come a clause before (사업자 번호 앞에 세 자리가 737 이고 전체는 ...)
        if not (_near(text, m.start(), _BUSINESS_CONTEXT, 25 if not separated else 45)
                or (separated and business_check_ok(digits))
                or _named_after(text, m.end(), _BUSINESS_CONTEXT)):
            continue
        yield "business_no", m.start(), m.end(), f"{digits[:3]}-{digits[3:5]}-*****"


# --- national health insurance card: 11 digits (1-2345678901), only with context --------------

_HEALTH_CONTEXT = pii_kind.HEALTH_CUE
# 11 digits, grouped any way (1-2345678901, 1 2345 678901); not a 0-led phone number. Ten when
# the word named nearest is the card's (건강보험증 번호 1102938475: some leave out a digit).
# Twelve when the card is the kind named nearest (10-2938475610: writers and forms vary).
# (round 20) also the dashes a Korean keyboard types and an underscore (3ㅡ1928374650, 3_19...).
_HEALTH_RE = re.compile(
    r"(?<![\d\w\-])([1-9](?:(?:[ \t]?[-\u2010-\u2013\u2212\uff0d\u3161\u30fc_][ \t]?|[ \t])?"
    r"\d){9,11})(?![\d\-])")


# A long-term care recognition number (장기요양인정번호): L and ten digits.
_CARE_RE = re.compile(r"(?<![A-Za-z\d])[Ll][ \t]?-?[ \t]?\d{10}(?!\d)")
_CARE_CONTEXT = re.compile(r"장기\s?요양|요양\s?인정|인정\s?번호")


# (round 20) The card's own printed shape, a digit, a dash and ten digits (5-1928374650): no
# other number is written so, and a caller types it as the card shows it with no word about it.
_HEALTH_SHAPE = re.compile(r"[1-9][ \t]?[-\u2010-\u2013\u2212\uff0d\u3161\u30fc][ \t]?\d{10}")
# (round 20) The number alone in its turn and the card named at the start of the next one (고객:
# 5-1928374650 이요 / 상담사: 네 건강보험증 번호 확인됐습니다).
_TURN_END = re.compile(r"[ \t]*(?:[가-힣]{1,3}[.?!]?)?[ \t]*(?:\n|[ \t]/[ \t])")


def _named_next_turn(text: str, end: int) -> bool:
    m = _TURN_END.match(text, end)
    return bool(m and _HEALTH_CONTEXT.search(text, m.end(), min(len(text), m.end() + 30)))


def health_insurance(text: str) -> Iterator[Candidate]:
    for m in _HEALTH_RE.finditer(text):
        if not (_near(text, m.start(), _HEALTH_CONTEXT, 40)
                or _named_after(text, m.end(), _HEALTH_CONTEXT)
                or _named_next_turn(text, m.end())
                or _HEALTH_SHAPE.fullmatch(m.group(0)) and pii_kind.nearest_kind(
                    text, m.start(), m.end()) is None):
            continue
        if len(_digits(m.group(0))) in (10, 12) and pii_kind.nearest_kind(
                text, m.start(), m.end()) != "health_insurance":
            continue
        yield "health_insurance", m.start(), m.end(), _keep_tail(m.group(0), 3)
    for m in _CARE_RE.finditer(text) if "요양" in text or "인정" in text else ():
        if _near(text, m.start(), _CARE_CONTEXT, 30):
            yield "health_insurance", m.start(), m.end(), _keep_tail(m.group(0), 3)


# --- any of the above read out in odd groups: counted after the word that names it ------------

# A document number read aloud or written in groups no shape above expects (사업자 번호가 이 공 칠
# 다시 팔 일 다시 사 사 공 구 삼, 건강보험증 번호요? 칠 다시 일공구삼팔팔이사칠공): the digits of
# the run are counted, and a count that fits the kind named shortly before makes it that kind.
_SAID = "공영빵일이삼사오육륙칠팔구0-9"
_SAID_RUN_RE = re.compile(
    rf"(?<![가-힣0-9])[{_SAID}](?:[{_SAID}]|[ \t,.\-]"
    rf"|(?:다시|하고|대시|에|의|쩜|점)(?=[ \t]?[{_SAID}])"
    # 오사삼일 다음에 이팔 공공 그 다음 구일칠삼 마지막 육이공팔
    rf"|(?<=[ \t])(?:그[ \t]?)?(?:다음|마지막)(?:에|은|이|으로)?(?=[ \t][{_SAID}]))*"
)
_SAID_KINDS: tuple[tuple[str, re.Pattern[str], tuple[int, ...]], ...] = (
    ("business_no", re.compile(pii_kind.BUSINESS_WORDS), (10,)),
    ("health_insurance", _HEALTH_CONTEXT, (10, 11, 12)),
    ("driver_licence", _LICENCE_CONTEXT, (12,)),
    ("card", re.compile(r"카드"), (15, 16)),
    ("account", re.compile(r"계좌|통장|은행|입금|송금|이체|예금주|환불"), tuple(range(10, 15))),
)


_JOINING_WORD = re.compile(r"다시|하고|대시|에|의|다음|마지막|쩜|점")


def read_out_numbers(text: str) -> Iterator[Candidate]:
    if not any(cue.search(text) for _, cue, _ in _SAID_KINDS):
        return
    for m in _SAID_RUN_RE.finditer(text):
        run, end = m.group(0).rstrip(" \t,.-"), m.start() + len(m.group(0).rstrip(" \t,.-"))
        if run.endswith("이") and end < len(text) and "가" <= text[end] <= "힣":
            run, end = run[:-1].rstrip(" \t,.-"), m.start() + len(run[:-1].rstrip(" \t,.-"))
        digits = "".join(_SPOKEN_DIGIT.get(ch, ch) for ch in run if ch in _SPOKEN_DIGIT
                         or ch.isdigit())
        if len(digits) < 10 or not (any(ch in _SPOKEN_DIGIT for ch in run)
                                    or _JOINING_WORD.search(run)) or len(
                re.findall(rf"[{_SAID}]+", run)) < 2:
            # written digits with no word between the groups, or one unbroken group: the
            # shapes above (on the view); 5 다시 3021948817 is read here
            continue
        before = text[max(0, m.start() - 30):m.start()]
        if _REFERENCE_BEFORE.search(before[-14:]):
            continue  # 접수번호 ...: a case number
        best: tuple[int, str] | None = None
        for kind, cue, lengths in _SAID_KINDS:
            if len(digits) not in lengths:
                continue
            for c in cue.finditer(before):
                if best is None or c.end() > best[0]:
                    best = (c.end(), kind)
        if best is None or best[1] == "account" and digits.startswith("01") and len(digits) < 12:
            # 010 ...: a phone, unless longer than any phone (공일공 일이삼사오육 공일 공일이)
            continue
        yield best[1], m.start(), end, read_out_replacement(best[1], digits)


def read_out_replacement(kind: str, d: str) -> str:
    """The same masked form as the written number of that kind."""
    if kind == "card":
        return f"{d[:4]}-****-****-{d[-4:]}" if len(d) == 16 else f"{d[:4]}-******-*{d[-4:]}"
    if kind == "business_no":
        return f"{d[:3]}-{d[3:5]}-*****"
    if kind == "driver_licence":
        return f"{d[:2]}-{d[2:4]}-******-**"
    if kind == "account":
        return d[:3] + "*" * (len(d) - 6) + d[-3:]
    return "*" * (len(d) - 3) + d[-3:]
