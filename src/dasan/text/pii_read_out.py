"""Document numbers read aloud, as families: business registration numbers, driver's licences
and passports said in any grouping near the word that names them (issue 12).

The digits are read as the resident-number family reads them (``pii_rrn.digit_runs``: written
digits, sino-Korean syllables, native numerals, with spaces, commas, dashes or dots inside; a run
only as a word of its own), runs joined by a joining word (다시, 에, 하고, 의, 대시, a filler)
are put together, and the count decides: ten digits after 사업자 (with its check digit, or named
right before), twelve after 면허 whose first two are a region code, or a region's name and ten;
after 여권/passport one or two letters (written, or said: 엠, 에스, 지, 씨) and seven to nine
digits, or the 2021 form (three digits, a letter, four). The kind's word may come before the
digits or right after them (... 이게 사업자번호예요). A case or receipt number (접수번호) named in
between keeps the digits out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dasan.text import pii_kind, pii_rrn, pii_spoken

Candidate = tuple[str, int, int, str]

# Between two runs of one number: a joining word or a filler, nothing else.
_JOIN_GAP = re.compile(
    r"[ \t,.\-]*(?:(?:다시|에|의|하고|대시|하이픈|그리고|다음에?|음|어|그[ \t]?다음)"
    r"[ \t,.\-]*){0,2}")
_REFERENCE = re.compile(
    r"접수|신청[ \t]?번호|민원[ \t]?번호|예약|발급[ \t]?번호|시험|수험|고유[ \t]?번호")
_LICENCE_REGIONS = re.compile(
    r"(?:서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산|세종)"
    r"[ \t]*$")
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("business_no", re.compile(pii_kind.BUSINESS_WORDS)),
    ("driver_licence", re.compile(r"면허[ \t]?(?:증|번호)|[Ll]icen[cs]e")),
    # (round 20) the health-insurance card read aloud whole, its name after it (오일구이팔삼칠사
    # 육오공 이게 제 건강보험증 번호예요)
    ("health_insurance", pii_kind.HEALTH_CUE),
)
_ANY_KIND = re.compile(
    r"사업자|면허|[Ll]icen[cs]e|여권|[Pp]assport|전화|연락처|핸드폰|휴대폰|계좌|통장|카드|주민|외국인"
    r"|보험|차량|차[ \t]?번호|접수")
_WINDOW = 70


def _groups(text: str, runs: list[pii_rrn.Run]) -> Iterator[tuple[int, int, str]]:
    """Runs joined by joining words, every chain from every run: (start, end, digits). Two
    readings of the same words (a final 이 as a digit or the copula) are both followed."""

    def chains(i: int, start: int, digits: str) -> Iterator[tuple[int, int, str]]:
        end = runs[i].ends[-1]
        digits += runs[i].digits
        yield start, end, digits
        if len(digits) >= 12:
            return
        for j in range(i + 1, len(runs)):
            if runs[j].start < end:
                continue
            if not _JOIN_GAP.fullmatch(text, end, runs[j].start):
                break
            yield from chains(j, start, digits)

    for i, run in enumerate(runs):
        yield from chains(i, run.start, "")


def _fits(kind: str, digits: str, text: str, start: int) -> str | None:
    """The replacement when ``digits`` fit ``kind``, else None."""
    if kind == "business_no" and len(digits) == 10 and digits[0] != "0":  # 0...: a phone
        return f"{digits[:3]}-{digits[3:5]}-*****"
    if kind == "driver_licence":
        if len(digits) == 12 and 11 <= int(digits[:2]) <= 28:
            return f"{digits[:2]}-{digits[2:4]}-******-**"
        if len(digits) == 10 and _LICENCE_REGIONS.search(text, max(0, start - 6), start):
            return f"{digits[:2]}-******-**"
    if kind == "health_insurance" and len(digits) == 11 and digits[0] != "0":
        return "*" * 8 + digits[-3:]
    return None


def _region_start(text: str, start: int) -> int:
    m = _LICENCE_REGIONS.search(text, max(0, start - 6), start)
    return m.start() if m else start


# Two digits said as a number (이십삼 -> 23, 이십 -> 20, 십오 -> 15), as licences are read (면허증
# 번호요 이십삼 에 이십 에 ...): rewritten in place, the same length (이십삼 -> 2-3).
_TENS_RE = re.compile(r"(?<![가-힣])([이삼사오육칠팔구])?십([일이삼사오육칠팔구])?(?![가-힣])")
_SINO_DIGIT = "영일이삼사오육칠팔구"


def tens_view(text: str) -> str:
    def said(m: re.Match[str]) -> str:
        tens = str(_SINO_DIGIT.index(m.group(1))) if m.group(1) else "1"
        ones = str(_SINO_DIGIT.index(m.group(2))) if m.group(2) else "0"
        if len(m.group(0)) == 3:
            return f"{tens}-{ones}"
        return tens + ones if len(m.group(0)) == 2 else m.group(0)

    return _TENS_RE.sub(said, text)


def documents(text: str) -> Iterator[Candidate]:
    """Business and licence numbers read aloud near their name."""
    if "십" in text and "면허" in text:
        yield from _documents(tens_view(text))
    yield from _documents(text)


def _documents(text: str) -> Iterator[Candidate]:
    for kind, cue_re in _KINDS:
        for cue in cue_re.finditer(text):
            # after the cue, up to the next word of another kind
            hi = min(len(text), cue.end() + _WINDOW)
            other = _ANY_KIND.search(text, cue.end(), hi)
            if other:
                hi = other.start()
            if _REFERENCE.search(text, cue.end(), min(hi, cue.end() + 12)):
                continue
            # (a health-insurance number after its name is the other recognisers')
            after = () if kind == "health_insurance" else pii_rrn.digit_runs(text, cue.end(), hi)
            for start, end, digits in _groups(text, list(after)):
                if start - cue.end() > 40:
                    break
                repl = _fits(kind, digits, text, start)
                if repl:
                    yield kind, _region_start(text, start), end, repl
                    break
            # just before it: 일 사 이 오 오 삼 팔 일 공 일 이게 사업자번호예요
            lo = max(0, cue.start() - _WINDOW)
            other_before = list(_ANY_KIND.finditer(text, lo, cue.start()))
            if other_before:
                lo = other_before[-1].end()
            for start, end, digits in _groups(text, pii_rrn.digit_runs(text, lo, cue.start())):
                repl = _fits(kind, digits, text, start) if cue.start() - end <= 12 else None
                if repl and kind == "health_insurance" and re.search(r"\d", text[start:end]):
                    continue  # written digits are the card recogniser's (and 이 a copula)
                if repl:
                    yield kind, _region_start(text, start), end, repl
                    break


# --- passports ---------------------------------------------------------------------------------

_LETTER_NAMES = {"에이": "A", "비": "B", "씨": "C", "디": "D", "에프": "F", "지": "G",
                 "에이치": "H", "아이": "I", "제이": "J", "케이": "K", "엘": "L", "엠": "M",
                 "엔": "N",
                 "피": "P", "큐": "Q", "알": "R", "에스": "S", "티": "T", "유": "U", "브이": "V",
                 "더블유": "W", "엑스": "X", "와이": "Y", "제트": "Z"}
_LETTER = "(?:" + "|".join(sorted(_LETTER_NAMES, key=len, reverse=True)) + "|[A-Za-z])"
_PASSPORT_HEAD = re.compile(
    rf"(?<![가-힣A-Za-z]){_LETTER}(?:[ \t]?{_LETTER})?"
    # (a filler may follow the joiner: 엠 이고 그 다음 공 구 ...)
    # (round 20: 다시, and the letter closed as an answer: 엠이고요 숫자는 ..., 엠이요 그 다음 ...)
    r"(?:[ \t]*(?:에|다음에?|하고|이고(?:요|예요)?|이요|다시|,|-)"
    r"(?:[ \t]*(?:그[ \t]?다음(?:에|은|엔)?|그리고))?[ \t]*"
    r"(?:숫자(?:는|가|로)?[ \t]*)?|[ \t]?)")
_SAID = "공영빵일이삼사오육륙칠팔구0-9"
_DIGIT = pii_spoken.DIGIT_VALUE
# The digits of a passport, in groups with joining words (공팔공육삼-육영, 일 이 이 다시 이 팔).
_PASSPORT_DIGITS = re.compile(
    rf"[{_SAID}](?:[{_SAID}]|[ \t,.\-]+(?=[{_SAID}])"
    rf"|[ \t]*(?:다시|에|하고|의)[ \t]*(?=[{_SAID}]))*")
_PASSPORT_CUE = pii_kind.PASSPORT_CUE
_MID_LETTER = re.compile(rf"[ \t,.\-]{{0,3}}({_LETTER})[ \t,.\-]{{0,3}}")


def _said(s: str) -> str:
    return "".join(_DIGIT.get(ch, ch) for ch in s if ch.isdigit() or ch in _DIGIT)


def passports(text: str) -> Iterator[Candidate]:
    """A passport number read aloud, its letters written or said, its digits in any grouping,
    shortly after 여권/passport or right before it."""
    for cue in _PASSPORT_CUE.finditer(text):
        for lo, hi in ((cue.end(), min(len(text), cue.end() + _WINDOW)),
                       (max(0, cue.start() - 45), cue.start())):
            for head in _PASSPORT_HEAD.finditer(text, lo, hi):
                if lo == cue.end() and (_REFERENCE.search(text, lo, head.start())
                                        or pii_kind.REFERENCE_CUE.search(text, lo, head.start())):
                    break  # 여권 발급 접수번호 M20241205, 택배 송장번호 AB...: a case number
                found = _passport_at(text, head, hi)
                if found and (lo == cue.end() or cue.start() - found[2] <= 14):
                    yield found
                    break


# Between 여권/passport and a number of digits only: its name and a particle, nothing else.
_DIGIT_PASSPORT_GAP = re.compile(
    r"[ \t]*(?:번호|넘버|[Nn]o\.?|[Nn]umber)?[ \t]*(?:는|은|가|이|요|는요|:)?[ \t]*[:：]?[ \t]*")


def digit_passports(text: str) -> Iterator[Candidate]:
    """A passport of digits only (some countries issue them: 09182736, 75 1234567): eight or
    nine digits, in any grouping, right after 여권/passport and its number's name."""
    for cue in _PASSPORT_CUE.finditer(text):
        gap = _DIGIT_PASSPORT_GAP.match(text, cue.end())
        start = gap.end() if gap else cue.end()
        runs = [r for r in pii_rrn.digit_runs(text, start, min(len(text), start + 40))
                if r.start == start]
        for run in sorted(runs, key=lambda r: -len(r.digits)):
            end = run.ends[-1]
            if 8 <= len(run.digits) <= 9 and not (end < len(text) and (
                    text[end].isascii() and text[end].isalnum())):
                yield "passport", run.start, end, "*" * (len(run.digits) - 4) + run.digits[-4:]
                break


def _passport_at(text: str, head: re.Match[str], hi: int) -> Candidate | None:
    letters = re.findall(_LETTER, head.group(0))
    if not letters or any(len(x) == 1 and x in _DIGIT for x in letters):
        return None
    first = _LETTER_NAMES.get(letters[0], letters[0].upper())
    m = _PASSPORT_DIGITS.match(text, head.end(), hi)
    if not m:
        return None
    said, end = _trim(text, m.group(0), m.end())
    digits = _said(said)
    if 7 <= len(digits) <= 9:
        if end < len(text) and (text[end].isdigit() or text[end].isascii() and text[end].isalpha()):
            return None
        return "passport", head.start(), end, first + "****" + digits[-4:]
    if len(digits) == 3:  # the 2021 form: M 472 A 1983
        mid = _MID_LETTER.match(text, end)
        if mid and not (len(mid.group(1)) == 1 and mid.group(1) in _DIGIT):
            tail = _PASSPORT_DIGITS.match(text, mid.end(), hi)
            if tail:
                said, end = _trim(text, tail.group(0), tail.end())
                if len(_said(said)) == 4:
                    return "passport", head.start(), end, first + "****" + _said(said)
    return None


def _trim(text: str, said: str, end: int) -> tuple[str, int]:
    """A last 이 before an ending begins it, not the number (사오육칠 이에요, 팔공이에요):
    the said digits and their end without it."""
    if end < len(text) and "가" <= text[end] <= "힣" and said[-1] == "이":
        if len(said) >= 2 and said[-2] in " \t":
            cut = said[:-1].rstrip(" \t,.-")
            return cut, end - (len(said) - len(cut))
        if said.endswith("이"):
            return said[:-1], end - 1
    return said, end


# --- car plates read aloud -------------------------------------------------------------------

_PLATE_HANGUL = (
    "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주아바사자배하허호육해공국합"
)
_PLATE_REGION = ("서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남"
                 "|제주")
_D = "공영빵일이삼사오육륙칠팔구"
_N = "일이삼사오육칠팔구"
# 2-3 digits: written, said digit by digit, or said as a number (이십육, 사백이십).
_HEAD = (rf"(?P<hd>\d{{2,3}}|\d(?:[ \t]\d){{1,2}})|(?P<hs>[{_D}](?:[ \t]?[{_D}]){{1,2}})"
         rf"|(?P<hn>(?:[{_N}]?백)?(?:[{_N}]?십)?[{_N}]?)")
# 4 digits: written, said digit by digit, or said as a number (오천이백삼십일).
_TAIL = (rf"(?P<td>\d{{4}}|\d{{2}}[ \t]\d{{2}}|\d(?:[ \t]\d){{3}})"
         rf"|(?P<ts>[{_D}](?:[ \t]?[{_D}]){{3}})"
         rf"|(?P<tn>[{_N}]?천(?:[{_N}]?백)?(?:[{_N}]?십)?[{_N}]?)")
_READ_PLATE_RE = re.compile(
    rf"(?<![가-힣\d])(?:(?P<region>{_PLATE_REGION})[ \t]?)?(?:{_HEAD})[ \t]?"
    rf"(?P<h>[{_PLATE_HANGUL}])[ \t]?(?:에[ \t]?)?(?:{_TAIL})"
    rf"(?:(?![\d{_D}천백십]|[ \t]?(?:원|명|개|건|년|만|억|번지|호|층|살|시|분))"
    # a copula may follow (오일공칠이에요, 팔천팔백팔십칠이요: its 이 is no digit)
    r"|(?=이(?:에요|요|고|예요|입니다|었|야|라고|구요|에)))")
_PLATE_BEFORE = re.compile(r"차량|차[ \t]?번호|번호판|차번|오토바이|이륜차|자동차|승용차|화물차"
                           r"|택시|트럭|렌트카|렌터카|(?<![가-힣])차(?:는|가|를|도|요|예요)(?![가-힣])"
                           r"|주정차|주차|정차|과속|신호[ \t]?위반|역주행|뺑소니|블랙박스"
                           # 이 차 팔구 소 이이삼삼, 그 차 ..., 제 차 ...: a car pointed at
                           r"|(?<![가-힣])(?:이|그|저|제|내|우리|앞|옆|뒤)[ \t]차[ \t]")
_PLATE_AFTER = re.compile(r"[ \t]*(?:이|가|인|은|는|로|으로)?[ \t]*"
                          r"(?:차량|차(?![가-힣])|차가|차는|차를|번호판|오토바이|렌트카|렌터카|렌트"
                          r"|택시|트럭|승용차|화물차)")
_SAID_NUMBER_VALUE = {"십": 10, "백": 100, "천": 1000}


def _number_value(said: str) -> int:
    total, digit = 0, 0
    for ch in said:
        if ch in _SAID_NUMBER_VALUE:
            total += (digit or 1) * _SAID_NUMBER_VALUE[ch]
            digit = 0
        else:
            digit = int(_DIGIT[ch])
    return total + digit


def plates(text: str) -> Iterator[Candidate]:
    """A car plate read aloud in any of its readings, after or right before a vehicle word."""
    if not (_PLATE_BEFORE.search(text) or "번호판" in text or "렌트" in text):
        return
    for m in _READ_PLATE_RE.finditer(text):
        written = m.group("hd") is not None and m.group("td") is not None
        if written:
            continue  # the written recogniser's
        if m.group("hn") is not None and (not any(ch in "십백" for ch in m.group("hn"))
                                          or not 10 <= _number_value(m.group("hn")) <= 999):
            continue
        end = m.end()
        if m.group("tn") is not None and not 1000 <= _number_value(m.group("tn")) <= 9999:
            continue
        if end < len(text) and "가" <= text[end] <= "힣" and not _CONTINUES.match(text, end):
            continue
        if not (_PLATE_BEFORE.search(text, max(0, m.start() - 20), m.start())
                or _PLATE_AFTER.match(text, end)):
            continue
        yield "car_plate", m.start(), end, f"{m.group('region') or ''}{m.group('h')}****"


_CONTINUES = re.compile(
    r"이요|이에요|이고|이예요|입니다|이에|예요|에요|요|이|인|로|으로|고|을|를|은|는|도"
    r"|이랑|랑|번|차|이거든|거든|이었|였|였어요|인데|이라")


# --- bank accounts read aloud or in odd groups -------------------------------------------------

# A bank or an account word: the digits after it (or right before it) are an account's.
_BANK_WORD = re.compile(
    r"계좌|통장|입금|송금|이체|환불|예금주|[가-힣]{1,4}은행|뱅크|농협|국민|신한|우리|하나|기업"
    r"|우체국|새마을|수협|신협|카카오|토스|케이뱅크|SC|씨티")
_NOT_ACCOUNT = re.compile(r"전화|연락처|핸드폰|휴대폰|카드|주민|외국인|여권|면허|사업자|보험|접수"
                          r"|차량|차[ \t]?번호|고지서|납부|계량기")


# Bank names that are everyday words too (우리 시, 하나 더, 기업 지원): a bank only with digits
# or 은행/뱅크/계좌 right after.
_AMBIGUOUS_BANKS = frozenset(("우리", "하나", "기업", "국민", "새마을", "카카오", "토스", "SC"))
_BANK_NAMED = re.compile(rf"[ \t]?(?:은행|뱅크|계좌|통장|[0-9{_SAID}])")


def accounts(text: str) -> Iterator[Candidate]:
    """An account number of 10-14 digits in any grouping (a dash, a space, 다시, 에, 하고 between
    the groups), said or written, right after a bank or account word or right before it."""
    if not _BANK_WORD.search(text):
        return
    seen = -1
    for cue in _BANK_WORD.finditer(text):
        if cue.group(0) in _AMBIGUOUS_BANKS and not _BANK_NAMED.match(text, cue.end()):
            continue  # 우리 시 주택정책과, 하나 더: no bank unless digits or 은행/계좌 follow
        hi = min(len(text), cue.end() + _WINDOW)
        other = _NOT_ACCOUNT.search(text, cue.end(), hi)
        if other:
            hi = other.start()
        found = _account_in(text, max(cue.end(), seen), hi, after=cue.end())
        if found is None:
            lo = max(0, cue.start() - _WINDOW, seen)
            before = list(_NOT_ACCOUNT.finditer(text, lo, cue.start()))
            if before:
                lo = before[-1].end()
            found = _account_in(text, lo, cue.start(), before=cue.start())
        if found:
            seen = found[2]
            yield found


def _account_in(text: str, lo: int, hi: int, after: int | None = None,
                before: int | None = None) -> Candidate | None:
    """The account in text[lo:hi] starting at most 25 characters ``after`` a bank word, or
    ending at most 6 ``before`` one."""
    best: tuple[int, int, str] | None = None
    for start, end, digits in _groups(text, pii_rrn.digit_runs(text, lo, hi)):
        if not 10 <= len(digits) <= 14:
            continue
        if after is not None and start - after > 25 or before is not None and before - end > 6:
            continue
        if digits.startswith("0") and len(digits) <= 11:
            continue  # a phone number's shape (010-..., 02-2133-7704)
        if _REFERENCE.search(text, max(0, start - 14), start):
            continue
        if before is not None and _NOT_ACCOUNT.search(text, max(0, start - 10), start):
            continue  # 과태료 납부번호 0931-... 로 입금: the digits are named as another number
        if best is None or start < best[0] or start == best[0] and end > best[1]:
            best = (start, end, digits)
    if best is None:
        return None
    start, end, d = best
    return "account", start, end, d[:3] + "*" * (len(d) - 6) + d[-3:]
