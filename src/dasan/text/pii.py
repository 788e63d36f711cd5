"""Personal data in Korean consultation text: find it and mask it so the text stays readable.

Recognised types (``PiiSpan.type``):

* ``rrn`` / ``foreigner_rrn`` - 주민등록번호 / 외국인등록번호 (YYMMDD-GNNNNNN with a real date;
  the 7th digit 1-4 and 9/0 is Korean, 5-8 is foreign) -> ``901231-1******``
* ``phone`` - mobile, Seoul and area codes, 070/050x, +82, any separator or none, in brackets,
  and read aloud in sino-Korean digits ("공일공 일이삼사 오육칠팔") -> ``010-****-5678``
* ``card`` - 16-digit (4-4-4-4) and 15-digit (4-6-5) card numbers -> ``1234-****-****-5678``
* ``account`` - hyphenated bank-account numbers (10-14 digits in 2-4 groups), bare ones next to
  bank words (계좌, 농협, 입금 ...) -> ``110-***-***789``
* ``email`` -> ``ho***@example.com``
* ``car_plate`` - 12가3456, 123가4567, 서울12가3456 -> ``12가****``
* ``address`` - road-name (서울시 강남구 테헤란로 123) and lot (역삼동 123-45번지) addresses and
  apartment details (101동 1203호); the region and road stay, the numbers go -> ``테헤란로 ***``
* ``name`` - personal names where the context says so (제 이름은 홍길동, 성함: 김영희,
  김철수 씨) -> ``홍*동``

Representative business numbers (1588-xxxx, 120) are not personal data and are left alone.
Presidio (the peer) ships its Korean recognisers disabled and only as ASCII patterns; this module
also reads Korean context (particles, spoken digits, bank names) to tell the types apart.

Only :func:`mask` is needed by callers; :func:`find` returns the spans without masking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from dasan.errors import Invalid
from dasan.text import (
    pii_documents,
    pii_grouped,
    pii_kind,
    pii_name_model,
    pii_names,
    pii_number_typer,
    pii_parts,
    pii_read_out,
    pii_rrn,
    pii_said_again,
    pii_spoken,
)
from dasan.text.pii_names import mask_name
from dasan.text.pii_phone_digits import phone_replacement, valid_phone_digits

PII_TYPES: tuple[str, ...] = (
    "rrn",
    "foreigner_rrn",
    "phone",
    "card",
    "account",
    "email",
    "car_plate",
    "address",
    "name",
    "passport",
    "driver_licence",
    "business_no",
    "health_insurance",
)
NUMBER_TYPES: frozenset[str] = frozenset(
    {"rrn", "foreigner_rrn", "phone", "card", "account", "car_plate", "email", "passport",
     "driver_licence", "business_no", "health_insurance"}
)
MAX_TEXT_CHARS = 100_000

# Priority when two candidate spans overlap: lower wins.
_PRIORITY = {t: i for i, t in enumerate(
    ("email", "rrn", "foreigner_rrn", "passport", "driver_licence", "business_no",
     "health_insurance", "card", "phone", "account", "car_plate", "address", "name")
)}
# The two registration numbers are one family: of two overlapping readings the longer wins.
_PRIORITY["foreigner_rrn"] = _PRIORITY["rrn"]


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: character offsets into the original text."""

    type: str
    start: int
    end: int
    text: str
    replacement: str

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "replacement": self.replacement,
        }


@dataclass(frozen=True)
class MaskResult:
    """The masked text and the spans (offsets into the *original* text) that were replaced."""

    original: str
    masked: str
    spans: list[PiiSpan] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        return sorted({s.type for s in self.spans})

    @property
    def has_pii(self) -> bool:
        return bool(self.spans)

    def to_dict(self) -> dict[str, object]:
        return {"masked": self.masked, "spans": [s.to_dict() for s in self.spans]}


# --- helpers ---------------------------------------------------------------------------------

# ㅡ (the Hangul vowel) is how a dash is often typed on a Korean keyboard: 010ㅡ1234ㅡ5678
_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212~\u3161\u30fc_"
# Optional separator between digit groups: a dash/dot (with spaces around) or one or two spaces.
SEP = rf"(?:[ \t]*[{_DASH}./][ \t]*|[ \t]{{1,2}})?"
_DIGIT_VALUE = pii_spoken.DIGIT_VALUE
_SINO = pii_spoken.SINO_DIGITS


def _ascii_digits(s: str) -> str:
    return "".join(str(int(ch)) for ch in s if ch.isdigit())


_valid_birth = pii_rrn.valid_birth  # one birth-date check for every resident-number shape


def _luhn(number: str) -> bool:
    return pii_number_typer.luhn(number)


def _context_before(text: str, start: int, words: re.Pattern[str], width: int = 20) -> bool:
    return bool(words.search(text[max(0, start - width):start]))


# --- recognisers -----------------------------------------------------------------------------

Candidate = tuple[str, int, int, str]  # type, start, end, replacement
Recogniser = Callable[[str], Iterator[Candidate]]

_RRN_RE = re.compile(rf"(?<![\d\w])(\d{{6}}){SEP}([0-9])(\d{{6}})(?!\d)")


_RRN_SPLIT_RE = re.compile(
    r"앞\s?자리(?:는|가)?\s*(\d{6})\s*(?:,|이고|이구요|이요|요)?\s*뒷\s?자리(?:는|가)?\s*([0-9])(\d{6})(?!\d)"
)


# The two halves with a word between them: 850312 뒤에 1234567, 920817 뒷자리 2048311.
_RRN_WORD_RE = re.compile(
    r"(?<![\d\w])(\d{6})[ \t]*,?[ \t]*(?:(?:이고|이구요|이요|요|고)[ \t,]*)?"
    r"(?:(?:[가-힣]{1,3}[ \t,]+)?뒷[ \t]?(?:자리|번호)(?:는|가|요|은)?|뒤[ \t]?번호(?:는|가)?"
    r"|뒤(?:에|는|에는)?[ \t]?(?:일곱|7)[ \t]?자리(?:는|가|요|은)?"
    # one joining word or a few (880515에 다시 1234567, 880515 그리고 뒤에 1234567)
    r"|(?:(?:뒤에|뒤는|뒤|다시|하고|의|에|대시|그리고|다음에?|다음은)(?![가-힣])[ \t,]*){1,3})"
    r"[ \t]*([0-9])(\d{6})(?!\d)"
)


# The birth date and the first digit of the second half only (주민번호 770205-2로 시작해요,
# 앞에가 030419-3이에요, 881012-1******): still a person's, after a cue or before the stars.
_RRN_PARTIAL_RE = re.compile(
    r"(?<![\d\w])(\d{6})[ \t]{0,2}[-\u2010\u2011\u2012\u2013\u2212][ \t]?([0-9])"
    r"(?P<tail>[*xX●○]{1,6})?(?![\d*xX●○])"
)
# The second half masked whole, or the first digit kept with no dash (850101-*******,
# 8501011******, 850101 - 1 * * * * * *): the birth date is still a person's.
_RRN_MASKED_RE = re.compile(
    r"(?<![\d\w])(\d{6})[ \t]{0,2}[-\u2010\u2011\u2012\u2013\u2212]?[ \t]{0,2}"
    r"(?:([0-9])[ \t]?)?(?:[*xX●○][ \t]?){5,6}[*xX●○](?![*xX●○])"
)
_RRN_CUE = re.compile(r"주민|등록[ \t]?번호|외국인|생년월일|앞자리|앞\s?에|뒷자리|신분증")


# The birth date and the first digit of the second half with a word between (생년월일 830211
# 다시 1, 외국인번호 앞자리 870630 뒤에 6, 570623 뒷자리 첫 번째 일), after a cue.
_RRN_PARTIAL_WORD_RE = re.compile(
    r"(?<![\d\w])(\d{6})[ \t,]*(?:(?:이고|이구요|고)[ \t,]*)?"
    r"(?:다시|뒤에|뒤는|하고|뒷[ \t]?(?:자리|번호)(?:는|가|은)?)"
    # 뒷자리 첫 번째, 뒷자리는 맨 앞이, 뒷번호 첫 글자가, 뒤에 첫자리
    r"(?:[ \t]?(?:첫|맨[ \t]?앞|제일[ \t]?앞)[ \t]?(?:번째|째|자리|글자|숫자|번호)?"
    r"(?:[ \t]?(?:숫자|자리))?(?:는|가|은|이)?)?[ \t]*"
    r"(?:(?P<g>[0-9])(?![\d*])|(?P<s>[일이삼사오육칠팔])"
    r"(?=$|[^가-힣\d]|(?:이에요|이요|요|이고|로|으로|입니다|번)(?![가-힣])))"
)
_RRN_WORD = r"(?:주민[ \t]?(?:등록)?[ \t]?번호|외국인[ \t]?(?:등록)?[ \t]?번호|등록[ \t]?번호)"
# One half read out alone after its name: 주민번호 앞자리는 850101이에요, 주민번호 뒷자리 1234567,
# 주민등록번호(앞자리): 990503, 주민번호 앞 여섯 자리 570623.
_RRN_HALF_RE = re.compile(
    rf"(?P<cue>{_RRN_WORD})"
    r"(?:는|가|요|의|은)?[ \t]*[(\[]?[ \t]*(?:(?P<front>앞(?:의|에)?[ \t]?(?:(?:여섯|6)[ \t]?)?"
    r"(?:자리|부분|번호)|(?=\d))|(?:뒷|끝)[ \t]?(?:자리|부분|번호)"
    r"|뒤(?:의|에)?[ \t]?(?:(?:일곱|7)[ \t]?)?(?:자리|번호|부분))"
    r"(?:는|가|은|요|가요|만|만요|이요)?[ \t]*[)\]]?[ \t]*[:：]?[ \t]*,?[ \t]*"
    r"(?P<n>\d{7}|\d{6})(?!\d|[ \t]?[-\u2010\u2011\u2012\u2013\u2212.]?[ \t]?\d)"
    # the other half follows: the whole-number patterns take it
    r"(?![ \t,]*(?:이고|이구요|이요|요|고)?[ \t,]*"
    r"(?:(?:뒷|뒤|다시|하고)[^\d\n]{0,10}\d|[의에][ \t]?\d))"
)
# The other half named later in the same message: 주민번호 뒤 일곱 자리는 2048316 이고 앞은 851103.
_RRN_OTHER_HALF_RE = re.compile(
    r"(?<![가-힣])(?:(?P<front>앞)|뒤|뒷)(?:[ \t]?(?:여섯|일곱|6|7)?[ \t]?(?:자리|번호|부분))?"
    r"(?:는|은|가|이|요|에는|에만|만|에)?"
    # a few words between: 앞에만 말씀드릴게요 850101
    r"(?:[ \t]+[가-힣]{1,8}[.,]?)?[ \t]*(?P<n>\d{7}|\d{6})(?!\d|[ \t]?[-.]?[ \t]?\d)"
    r"(?![ \t,]*(?:이고|이구요|이요|요|고)?[ \t,]*"
    r"(?:(?:뒷|뒤|다시|하고)[^\d\n]{0,10}\d|[의에][ \t]?\d))"
)


def _rrn_half(n: str, front: bool, foreign: bool) -> Candidate | None:
    """A half of a resident number said alone: (type, 0, 0, replacement), or None."""
    if front:
        if len(n) == 7 and _valid_birth(n[:6], n[6]):  # the birth date and the first back digit
            kind = "foreigner_rrn" if foreign or n[6] in "5678" else "rrn"
            return kind, 0, 0, f"{n[:6]}-{n[6]}******"
        if len(n) != 6 or not _valid_birth(n, "1"):
            return None
        return "foreigner_rrn" if foreign else "rrn", 0, 0, "******"
    if len(n) == 7 and n[0] in "12345678":
        return "foreigner_rrn" if foreign or n[0] in "5678" else "rrn", 0, 0, f"{n[0]}******"
    return None


def _rrn(text: str) -> Iterator[Candidate]:
    if ("앞" in text or "뒤" in text or "뒷" in text) and "번호" in text:
        for m in _RRN_OTHER_HALF_RE.finditer(text):
            cues = list(re.finditer(_RRN_WORD, text[max(0, m.start() - 40):m.start()]))
            cue = cues[-1] if cues else None
            half = cue and _rrn_half(m.group("n"), bool(m.group("front")),
                                     cue.group(0).startswith("외국인"))
            if half:
                yield half[0], m.start("n"), m.end("n"), half[3]
    worded = "다시" in text or "뒤" in text or "뒷" in text or "하고" in text
    for m in _RRN_PARTIAL_WORD_RE.finditer(text) if worded else ():
        gender = m.group("g") or _DIGIT_VALUE[m.group("s")]
        if not _valid_birth(m.group(1), gender) or not (
                "뒷" in m.group(0) or _context_before(text, m.start(), _RRN_CUE, 20)):
            continue
        kind = "foreigner_rrn" if gender in "5678" else "rrn"
        yield kind, m.start(), m.end(), f"{m.group(1)}-{gender}******"
    for m in _RRN_HALF_RE.finditer(text):
        # (front is "" when the digits follow the cue with no 앞자리: a front half all the same)
        half = _rrn_half(m.group("n"), m.group("front") is not None,
                         m.group("cue").startswith("외국인"))
        if half:
            yield half[0], m.start("n"), m.end("n"), half[3]
    masked = "*" in text or "●" in text or "○" in text or "xx" in text or "XX" in text
    for m in _RRN_MASKED_RE.finditer(text) if masked else ():
        birth, gender = m.group(1), m.group(2) or ""
        stars = sum(ch in "*xX●○" for ch in m.group(0))
        # (round 19: a star too many or too few, 920417-2*******, is still the back half masked)
        if not 6 <= stars + len(gender) <= 8 or not _valid_birth(birth, gender or "1"):
            continue
        kind = "foreigner_rrn" if gender and gender in "5678" else "rrn"
        yield kind, m.start(), m.end(), f"{birth}-{gender or '*'}******"
    for m in _RRN_PARTIAL_RE.finditer(text):
        birth, gender = m.group(1), m.group(2)
        if not _valid_birth(birth, gender) or not (
                m.group("tail") or _context_before(text, m.start(), _RRN_CUE, 20)):
            continue
        kind = "foreigner_rrn" if gender in "5678" else "rrn"
        yield kind, m.start(), m.end(), f"{birth}-{gender}******"
    for m in (*_RRN_SPLIT_RE.finditer(text), *_RRN_WORD_RE.finditer(text)):
        birth, gender = _ascii_digits(m.group(1)), _ascii_digits(m.group(2))
        if _valid_birth(birth, gender):
            kind = "foreigner_rrn" if gender in "5678" else "rrn"
            yield kind, m.start(1), m.end(3), f"{birth} 뒷자리 {gender}******"
    for m in _RRN_RE.finditer(text):
        birth, gender = _ascii_digits(m.group(1)), _ascii_digits(m.group(2))
        if not _valid_birth(birth, gender):
            continue
        if _context_before(text, m.start(), _REFERENCE_CONTEXT, 12) and not _context_before(
                text, m.start(), _RRN_CUE, 12):
            continue  # 접수번호 880515-1234567 is a case number
        kind = "foreigner_rrn" if gender in "5678" else "rrn"
        yield kind, m.start(), m.end(), f"{birth}-{gender}******"


# A 주민번호 read aloud or written in odd groups, shortly after its name (a few words may come
# between): 주민번호 구공공일일이에 일이삼사오육칠, 주민번호가요 팔팔 공오 일오 일이삼 사오육칠,
# 주민등록번호 말씀드리면 880515 1 234567. Thirteen digits whose first six are a birth date.
_RRN_NAME_RE = re.compile(
    r"주민[ \t]?(?:등록)?[ \t]?번호|(?P<f>외국인)[ \t]?(?:등록)?[ \t]?번호|생년월일|생일")
_RRN_SAID = "공영빵일이삼사오육륙칠팔구0-9"
_RRN_SAID_RE = re.compile(
    rf"(?<![가-힣\d])[{_RRN_SAID}](?:[{_RRN_SAID}]|[ \t\-.,/]"
    rf"|(?:에|의|다시|하고|대시|뒤에|뒤는|뒷[ \t]?자리(?:는|가)?)(?=[ \t]?[{_RRN_SAID}])){{5,60}}"
)
# After a front half said in groups, the first digit of the back half: ... 하고 뒤에 첫자리 이.
_RRN_FIRST_BACK_RE = re.compile(
    r"[ \t,]*(?:(?:하고|다시|이고|고)[ \t,]*)?"
    # (fillers and the number's name may come between: 요 그리고 주민번호 뒤 첫자리는 일)
    r"(?:(?:요|이요|이고요|고요|그리고|그리고요|네|아|음|주민[ \t]?(?:등록)?[ \t]?번호(?:는|의)?)"
    r"[ \t,]*){0,4}"
    r"(?:뒤에|뒤는|뒷[ \t]?(?:자리|번호)(?:는|가|은)?|뒤(?=[ \t]?(?:첫|맨|제일)))"
    r"(?:[ \t]?(?:첫|맨[ \t]?앞|제일[ \t]?앞)[ \t]?(?:번째|째|자리|글자|숫자|번호)?"
    r"(?:[ \t]?(?:숫자|자리))?(?:는|가|은|이)?)?[ \t]*"
    r"(?P<g>[0-9일이삼사오육칠팔])(?![\d공영빵일이삼사오육륙칠팔구])"
)


def _spoken_rrn(text: str) -> Iterator[Candidate]:
    if "번호" not in text and "생년월일" not in text and "생일" not in text:
        return
    for cue in _RRN_NAME_RE.finditer(text):
        for m in _RRN_SAID_RE.finditer(text, cue.end(), min(len(text), cue.end() + 90)):
            if m.start() - cue.end() > 30:
                break
            chunk = m.group(0)
            positions = [(i, _DIGIT_VALUE.get(ch) or _ascii_digits(ch))
                         for i, ch in enumerate(chunk) if ch in _DIGIT_VALUE or ch.isdigit()]
            digits = "".join(d for _, d in positions[:13])
            foreign = bool(cue.group("f"))
            if len(positions) >= 13 and _valid_birth(digits[:6], digits[6]):
                kind = "foreigner_rrn" if digits[6] in "5678" or foreign else "rrn"
                end = m.start() + positions[12][0] + 1
                yield kind, m.start(), end, f"{digits[:6]}-{digits[6]}******"
                break
            if len(positions) == 6 and _valid_birth(digits, "1") and any(
                    ch in _DIGIT_VALUE for ch in chunk):
                end = m.start() + positions[5][0] + 1
                tail = _RRN_FIRST_BACK_RE.match(text, end)
                gender = tail and (_DIGIT_VALUE.get(tail.group("g")) or tail.group("g"))
                if tail and gender and _valid_birth(digits, gender):
                    kind = "foreigner_rrn" if gender in "5678" or foreign else "rrn"
                    yield kind, m.start(), tail.end(), f"{digits}-{gender}******"
                elif not cue.group(0).startswith("생"):  # a birth date alone is no rrn
                    yield "foreigner_rrn" if foreign else "rrn", m.start(), end, "******"
                break


_INTL = r"(?:\+[ \t]?82|\b82)[ \t\-]*(?:\(0\)[ \t]*)?"
_PHONE_RE = re.compile(
    r"(?<![\d\w+])"
    rf"(?:\((?:0|{_INTL})?(?P<ap>1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50[2-8]?)\)[ \t]*"
    rf"|(?:0|{_INTL})(?P<a>1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|50[2-8]?)"
    rf"(?:[ \t]?\)[ \t]?|{SEP}))"
    # a fourth group after a dash: part of a longer number (전자납부번호 0218-4471-2093-58)
    rf"(?P<mid>\d{{3,4}}){SEP}(?P<last>\d{{4}})(?!\d|[{_DASH}]\d)"
)
_LOCAL_PHONE_RE = re.compile(
    rf"(?<![\d\w\-])(\d{{3,4}}){SEP}(\d{{4}})(?![\d\-]|[ \t]*[{_DASH}.][ \t]*\d)")
_PHONE_CONTEXT = re.compile(r"전화|연락처|연락|번호|핸드폰|휴대폰|휴대전화|폰|tel|TEL|Tel|☎|📞")
_BUSINESS_PREFIX = ("15", "16", "18")
# A mobile number read digit by digit after its prefix: 010 8 8 2 7 4 4 1 9
_DIGITWISE_PHONE_RE = re.compile(
    r"(?<![\d\w+])0(?P<a>1[016789])(?P<rest>(?:[ \t]?[-.]?[ \t]\d|[ \t]?[-.][ \t]?\d){8})(?![\d\w])"
)


# A mobile number remembered in part (010-5394-21 까지만 기억나요): the prefix, the middle group
# and one to three digits of the last.
_PARTIAL_MOBILE_RE = re.compile(
    rf"(?<![\d\w+{_DASH}])01[016789](?:[ \t]*[{_DASH}.][ \t]*|[ \t])\d{{3,4}}"
    rf"(?:[ \t]*[{_DASH}.][ \t]*|[ \t])\d{{1,3}}(?![{_DASH}\d]|[ \t]?[{_DASH}]\d)")


# A public office's or a building's line is no personal data (구청 대표번호 02-..., 행정복지센터
# 팩스 02-..., 관리사무소 02-..., 02-... 이 다산 맞아요?): a landline right after such a word - with
# no word of one's own between (제 번호, 집, 휴대) - or right before one. A mobile is a person's.
_OFFICE_WORD = (r"영사관|대사관|구청|시청|도청|군청|주민센터|행정복지센터|동사무소|사무소|관리실"
                r"|경비실|부서|직통"
                r"|대표[ \t]?(?:번호|전화)|팩스|[Ff][Aa][Xx]|센터|민원실|공단|경찰서|지구대|파출소"
                r"|소방서|보건소|우체국|청사|다산|문[ \t]?의[ \t]?처|담당자?|주무관|사무관|사업소"
                r"|협회|재단|상담실|예약실|ARS|세무서|법원|등기소|교육청|문의"
                # a restaurant, a clinic or a branch (식당 예약 전화, 동네 약국 번호, 지점 번호);
                # not 가게 or 회사, which writers label when it is the caller's own
                r"|식당|음식점|약국|병원|의원|치과|지점|마트|학원|학교|행정실|교무실|정비소|세탁소"
                r"|부동산|중개소|미용실|편의점|철물점|꽃집|빵집|안경점|대리점|영업소|서점"
                r"|관리소|매표소|안내소|안내[ \t]?데스크|프런트|프론트|헬스장|수영장|주차장"
                r"|교회|성당|호텔|모텔|콜택시|영업점|차고지|업체"
                # a public place (노인복지관 전화번호 ... 02-...)
                r"|도서관|복지관|체육관|박물관|미술관|문화원|구민회관|경로당|어린이집|유치원"
                # a department or team: 환경정책과, 기업지원팀 (결과, 효과 are words)
                r"|[가-힣]{2,}(?<![결효])(?:과|팀)(?=[ \t:()☎\xa0]|$)")
_OFFICE_BEFORE = re.compile(rf"(?:{_OFFICE_WORD})(?!.*(?:{_OFFICE_WORD}))")
_OWN_LINE = re.compile(r"(?:^|[ \t])(?:제|저|내|저희[ \t]?집|우리[ \t]?집|집|자택|개인|본인)"
                       r"|휴대|핸드폰|폰|가게|매장|사무실")
_OFFICE_AFTER = re.compile(
    # (session 22) the office's place before its word (02-3707-9400 서울시청 맞죠)
    rf"[ \t]*(?:번)?(?:이|가|은|는|로|이요|요)?[ \t]*(?:(?:서울|[가-힣]{{1,3}}구)[ \t]?)?"
    rf"(?:{_OFFICE_WORD}"
    # 02-6360-4000 번이 도서관 대표 맞죠: a public place's main line
    r"|[가-힣]{0,8}(?:도서관|복지관|체육관|박물관|미술관|문화원|구민회관)[ \t]?(?:대표|번호|전화)"
    # 02-335-7180 이건 가게 번호고 (제 폰은 ...): a shop's line said whose after it
    r"|(?:이건|이거는|그건|그거는|이게|그게)[ \t]?(?:가게|매장|식당)[ \t]?(?:번호|전화))")


# ... unless the line is said to be one's own right after it (그게 저희 집 팩스예요).
_OWN_AFTER = re.compile(r"(?:저희|우리|제|내)[ \t]?(?:집|가게|매장|사무실|개인|자리)|자택"
                        r"|(?:본인|개인)[ \t]?(?:번호|전화|팩스)")


def _office_line(text: str, start: int, end: int) -> bool:
    if _OWN_AFTER.search(text, end, min(len(text), end + 30)):
        return False
    before = text[max(0, start - 20):start]
    office = _OFFICE_BEFORE.search(before)
    if office and not _OWN_LINE.search(before, office.end()):
        return True
    return bool(_OFFICE_AFTER.match(text, end))


def _phone(text: str) -> Iterator[Candidate]:
    for m in _PHONE_RE.finditer(text):
        area = _ascii_digits(m.group("ap") or m.group("a"))
        if not area.startswith("1") and (_office_line(text, m.start(), m.end())
                                         or _reference_before(text, m.start(), 14)):
            continue  # an office's line; a bill's customer number (고객번호 0618774021)
        yield "phone", m.start(), m.end(), phone_replacement(area, _ascii_digits(m.group("last")))
    for m in _PARTIAL_MOBILE_RE.finditer(text):
        yield "phone", m.start(), m.end(), m.group(0)[:3] + "-****-**"
    for m in _DIGITWISE_PHONE_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group("rest"))
        yield "phone", m.start(), m.end(), phone_replacement(m.group("a"), digits[-4:])
    for m in _LOCAL_PHONE_RE.finditer(text):
        first = _ascii_digits(m.group(1))
        if first.startswith(_BUSINESS_PREFIX) or first.startswith("0"):
            continue
        if not _context_before(text, m.start(), _PHONE_CONTEXT, 15):
            continue
        if _reference_before(text, m.start()) or _office_line(text, m.start(), m.end()) or (
                _account_before(text, m.start())) or _MORE_DIGITS_AFTER.match(text, m.end()):
            continue  # 고지서 번호 1102-3344 is a bill number; 계좌 ... 1459983 an account's;
            # 카드 번호 4518 1234 5678 901: the first groups of a longer number
        yield "phone", m.start(), m.end(), f"{'*' * len(first)}-{_ascii_digits(m.group(2))}"


# Phone numbers read aloud: 공일공 일이삼사 오육칠팔, 공일공에 1234에 5678, 010 하고 1234 하고
# 5678, 공 일 공 (one syllable at a time), native numerals (공하나공 둘둘셋넷 다섯여섯일곱여덟),
# 쩜 between the groups, and a correction inside (공일공 칠칠... 아니다 칠팔이일 사오육공: the
# group before 아니 is dropped).
_SPOKEN_CHARS = "".join(_DIGIT_VALUE) + "0-9"
_NATIVE_DIGITS = {"하나": "1", "둘": "2", "셋": "3", "넷": "4", "다섯": "5", "여섯": "6",
                  "일곱": "7", "여덟": "8", "아홉": "9"}
_SPOKEN_DIGIT = rf"(?:다섯|여섯|일곱|여덟|아홉|하나|둘|셋|넷|[{_SPOKEN_CHARS}])"
_CORRECTION = (r"(?:아[ \t])?아니(?:다|고|요)?|잠깐(?:만요)?|아[ \t]참|정정(?:할게요)?"
               r"|틀렸(?:어요|네요|다)|다시[ \t]말(?:할게요|씀드릴게요|씀드리면)")
# 의 is how 에 is often written down (공일공의 사칠팔구의 ...); 음/어 are fillers between groups.
_SPOKEN_JOINER = re.compile(r"하고|다시|에|의|쩜|대시|그리고|다음|[ \t](?:음|어)[ \t]")
_SPOKEN_RE = re.compile(
    rf"(?<![가-힣\d])[공영빵0][ \t]?{_SPOKEN_DIGIT}(?:{_SPOKEN_DIGIT}|[ \t\-.,…~/]"
    rf"|(?:에|의|하고|다시|쩜)(?=[ \t]?{_SPOKEN_DIGIT})"
    rf"|(?<=[ \t])(?:음|어)(?=[ \t]{_SPOKEN_DIGIT})"
    rf"|(?<=[ \t,])(?:대시|그리고|(?:그[ \t]?)?다음(?:이|에|은|엔)?)(?=[ \t]?{_SPOKEN_DIGIT})"
    rf"|(?<=[ \t.…,])(?:{_CORRECTION})(?=[ \t,.…]*{_SPOKEN_DIGIT}))+"
)
_SPOKEN_TOKEN_RE = re.compile(
    rf"(?P<c>{_CORRECTION})|(?P<d>{_SPOKEN_DIGIT})|(?P<j>다음(?:이|에|은|엔)?|[^\s]+?|\s+)")


def _spoken_digits(chunk: str) -> list[tuple[int, str, int]]:
    """(end offset, digit, how it was said) of each digit in ``chunk``; how: 0 written, 1 a word,
    2 a one-syllable word after a space. The group said just before a correction (아니,
    아니다) is dropped."""
    out: list[tuple[int, str, int]] = []
    group_start = 0  # index in ``out`` where the group being said began
    joined = True
    for tok in _SPOKEN_TOKEN_RE.finditer(chunk):
        if tok.group("c"):
            del out[group_start:]
            group_start, joined = len(out), True
        elif tok.group("d"):
            word = tok.group("d")
            if joined:
                group_start = len(out)
            if word.isdigit():
                out.append((tok.end(), _ascii_digits(word), 0))
            else:
                alone = len(word) == 1 and tok.start() > 0 and chunk[tok.start() - 1].isspace()
                out.append((tok.end(), _NATIVE_DIGITS.get(word) or _DIGIT_VALUE[word],
                            2 if alone else 1))
            joined = False
        else:
            joined = True
    return out


# The groups of a mobile said as numbers, as some elderly callers do: 공일공 천이백삼십사
# 오천육백칠십팔 (1234, 5678); the middle group may be hundreds (구백팔십칠).
_SINO_GROUP = r"[일이삼사오육칠팔구]?[천백][일이삼사오육칠팔구십백]{0,6}"
# Between the groups: a separator or a joining word (에, 의, 다시, 하고, 대시).
_SINO_JOIN = r"(?:[ \t\-,]|에|의|다시|하고|대시)*"
_SINO_PHONE_RE = re.compile(
    rf"(?<![가-힣\d])(?P<a>공일[공육칠팔구]|영일[영육칠팔구]|01[016789]){_SINO_JOIN}"
    rf"(?P<m>{_SINO_GROUP}){_SINO_JOIN}(?P<l>{_SINO_GROUP})"
)
# A local number said aloud after a word for a phone, with no area code: 집 전화 이삼사오 육칠팔구.
_SPOKEN_LOCAL_RE = re.compile(
    r"(?<![가-힣\d])(?P<m>[일이삼사오육칠팔구][공영일이삼사오육칠팔구]{2,3})[ \t\-]?(?:에[ \t]?)?"
    r"(?P<l>[공영일이삼사오육칠팔구]{4})(?=$|[^가-힣]|(?:요|이요|예요|이에요|입니다|번|으로|로)(?![가-힣]))"
)


def _sino_phone(text: str) -> Iterator[Candidate]:
    if "천" in text or "백" in text:
        for m in _SINO_PHONE_RE.finditer(text):
            mid, last = pii_spoken.sino_value(m.group("m")), pii_spoken.sino_value(m.group("l"))
            if 100 <= mid <= 9999 and 1000 <= last <= 9999:
                area = "".join(_DIGIT_VALUE.get(ch, ch) for ch in m.group("a"))[1:]
                yield "phone", m.start(), m.end(), phone_replacement(area, str(last))
    for m in _SPOKEN_LOCAL_RE.finditer(text):
        if _context_before(text, m.start(), _PHONE_CONTEXT, 10) and not _reference_before(
                text, m.start()) and not _account_before(text, m.start()) and not _office_line(
                text, m.start(), m.end()):
            tail = "".join(_DIGIT_VALUE[ch] for ch in m.group("l"))
            yield "phone", m.start(), m.end(), f"{'*' * len(m.group('m'))}-{tail}"


_LAST_DIGIT_ENDING = re.compile(
    r"(?:로|으로|요|예요|에요|입니다|이고|고|번|까지|는|은|를|을|랑|하고|라고|야|인데|맞)(?![가-힣])"
    r"|(?:로|요|번|까지|라고|인데|맞)")


# A phone read aloud in groups with words between them (공일공이고요 그 다음이 칠사 칠사 그리고
# 마지막이 이팔공일; 공일공 다시 삼삼구이 다시… 어 잠깐 메모 좀 보고요… 칠공사팔): each group a
# word of digit syllables, with an ending or 다시 after it; a group taken back with 아니 is
# dropped. It starts with 0 (공일공, 공이, 공칠공) - or with 이 for Seoul after 집 전화.
_FILLED_GROUP_RE = re.compile(
    r"(?<![가-힣\d\-])(?P<d>[공영빵일이삼사오육칠팔구]{2,}?|[공영빵일이삼사오육칠팔구]"
    # (or written digits in groups: 010에 3821 그리고 마지막이 7765예요)
    r"|0\d{1,2}(?=[^\d\-])|\d{3,4}(?=[^\d\-]|$))"
    r"(?:이고요|이고|이요|이에요|예요|에요|요|에|의|고|하고|다시|이구요)?"
    r"(?=$|[^가-힣\d]|[ \t])"
)
_WRITTEN_JOIN = re.compile(r"[가-힣 \t.…]*")
_LIST_JOIN = re.compile(r"[ \t]*[,/][ \t]*")
_FILLED_TAKEN_BACK = re.compile(r"아니(?:고|요|다)?(?![가-힣])|정정|틀렸")
_HOME_LINE_CUE = re.compile(r"집[ \t]?전화|자택[ \t]?전화|유선|집[ \t]?번호")


def _filled_phone(text: str) -> Iterator[Candidate]:
    if not ("공" in text or "영" in text or "집" in text or "0" in text):
        return
    groups = list(_FILLED_GROUP_RE.finditer(text))
    for i, first in enumerate(groups):
        d0 = first.group("d")
        seoul = d0 == "이" and bool(_HOME_LINE_CUE.search(text, max(0, first.start() - 12),
                                                         first.start()))
        if not (d0[0] in "공영빵0" and len(d0) >= 2 or seoul):
            continue
        digits = ["0" + "2" if seoul else "".join(_DIGIT_VALUE.get(ch, ch) for ch in d0)]
        last_end, prev = first.end("d"), first
        for g in groups[i + 1:]:
            gap = text[prev.end():g.start()]
            if len(gap) > 30 or any(ch in gap for ch in "?!"):
                break
            if len(g.group("d")) < 2:
                continue  # 이, 오: a word of one syllable between the groups, no digit
            if (prev.group("d")[0].isdigit() or g.group("d")[0].isdigit()) and not (
                    _WRITTEN_JOIN.fullmatch(gap) and (
                        len(prev.group(0)) > len(prev.group("d")) or re.search("[가-힣]|[.]{2}|…",
                                                                              gap))
                    or _LIST_JOIN.fullmatch(gap) and len(g.group("d")) >= 3):
                break  # written groups are joined by words (010에 3821 그리고), not by 02, 04
            if _FILLED_TAKEN_BACK.search(gap):
                digits.pop()
            digits.append("".join(_DIGIT_VALUE.get(ch, ch) for ch in g.group("d")))
            last_end, prev = g.end("d"), g
            joined = "".join(digits)
            if len(joined) >= 9:
                break
        joined = "".join(digits)
        found = valid_phone_digits(joined)
        if found is None or len(digits) < 3:
            continue
        yield "phone", first.start(), last_end, phone_replacement(found[0], found[1])
        return


# A whole word of digit syllables or digits right before a spoken run (육칠구 공일...).
_DIGIT_WORD_BEFORE = re.compile(r"(?<![가-힣])[공영빵일이삼사오육칠팔구0-9]{2,}[ \t]+$")


def _spoken_phone(text: str) -> Iterator[Candidate]:
    yield from _sino_phone(text)
    yield from _filled_phone(text)
    for m in _SPOKEN_RE.finditer(text):
        chunk = m.group(0)
        if _DIGIT_WORD_BEFORE.search(text, max(0, m.start() - 8), m.start()) and _account_before(
                text, m.start(), 30):
            continue  # 계좌번호 ... 육칠구 공일 공이삼사오육칠: the tail of an account read aloud
        said = _spoken_digits(chunk)
        digits = "".join(d for _, d, _ in said)
        for length in (11, 10, 9):
            if len(digits) < length:
                continue
            found = valid_phone_digits(digits[:length])
            if found is None:
                continue
            # A trailing digit syllable that starts a word (오육칠팔 이에요) is not part of it.
            end = m.start() + said[length - 1][0]
            if said[length - 1][2] == 2 and end < len(text) and "가" <= text[end] <= "힣" and (
                    text[end] not in _DIGIT_VALUE) and (
                    text[end - 1] == "이" or not _LAST_DIGIT_ENDING.match(text, end)):
                # 삼삼사공 이에요: 이 begins the ending, not the number; ... / 영등포구: a word
                # that starts like a digit (칠로, 오요: the digit and its particle)
                continue
            if not any(how for _, _, how in said[:length]) and not _SPOKEN_JOINER.search(
                    text, m.start(), end) and (not found[0].startswith("1") or (
                    end < len(text) and text[end].isdigit())
                    or max(map(len, re.findall(r"\d+", text[m.start():end]))) > 4):
                # written digits with odd separators (010-77 82-3341, 0 1 0 5 5 ...): a mobile
                # only, in groups of at most four, not cut inside a group (010-123456-01-012
                # is an account); a landline is the written recogniser's
                break
            yield "phone", m.start(), end, phone_replacement(found[0], found[1])
            break


_CARD_RE = re.compile(
    rf"(?<![\d\w])(?:(\d{{4}}){SEP}(\d{{4}}){SEP}(\d{{4}}){SEP}(\d{{4}})"
    rf"|(3[47]\d{{2}}){SEP}(\d{{6}}){SEP}(\d{{5}})"
    # 14 digits (4-6-4: Diners), only after a card word
    rf"|(\d{{4}}){SEP}(\d{{6}}){SEP}(\d{{4}}))(?![\d])"
)
_CARD_CONTEXT = re.compile(r"카드|card|결제|신용|체크")
# A card number half masked, its first four digits shown (5412-****-****-9047, 5412-75**-****-9047,
# 5412 **** **** 9047); only the last four shown is no personal data.
_MASKED_CARD_RE = re.compile(
    rf"(?<![\d\w*])\d{{4}}{SEP}[\d*xX●]{{4}}{SEP}[\d*xX●]{{4}}{SEP}"
    # the last group masked in part as well (4082****1937**31)
    r"(?:\d{4}|[\d*xX●]{2}\d{2})(?![\d*])")
# A card number read one digit at a time: 4 5 1 2 - 3 3 4 4 - ... (only after a card word).
_DIGITWISE_CARD_RE = re.compile(r"(?<![\d\w])\d(?:[ \t]*[-./]?[ \t]*\d){15}(?!\d)")


def _card(text: str) -> Iterator[Candidate]:
    for m in _CARD_RE.finditer(text):
        groups = [g for g in m.groups() if g]
        digits = _ascii_digits("".join(groups))
        separated = len(re.findall(r"\d+", m.group(0))) > 1
        cued = _context_before(text, m.start(), _CARD_CONTEXT)
        if not (separated or _luhn(digits) or cued) or len(digits) == 14 and not cued:
            continue
        if len(digits) == 16:
            repl = f"{digits[:4]}-****-****-{digits[-4:]}"
        elif len(digits) == 14:
            repl = f"{digits[:4]}-******-{digits[-4:]}"
        else:
            repl = f"{digits[:4]}-******-*{digits[-4:]}"
        yield "card", m.start(), m.end(), repl
    if "*" in text or "●" in text or "xx" in text or "XX" in text:
        for m in _MASKED_CARD_RE.finditer(text):
            raw = m.group(0)
            if any(ch in "*xX●" for ch in raw):
                digits = _ascii_digits(raw)
                yield "card", m.start(), m.end(), f"{digits[:4]}-****-****-{digits[-4:]}"
    for m in _DIGITWISE_CARD_RE.finditer(text):
        digits = _ascii_digits(m.group(0))
        if " " in m.group(0) and _context_before(text, m.start(), _CARD_CONTEXT):
            yield "card", m.start(), m.end(), f"{digits[:4]}-****-****-{digits[-4:]}"


_ACCOUNT_RE = re.compile(
    rf"(?<![\d\w\-])\d{{2,7}}(?:[ \t]{{0,2}}[{_DASH}][ \t]{{0,2}}\d{{1,7}}){{1,4}}(?![\d\-])"
)
_BARE_ACCOUNT_RE = re.compile(r"(?<![\d\w\-])\d{10,14}(?![\d\-])")
# Groups separated by spaces, read out after a bank word: 기업은행 028 123456 01 011.
_SPACED_ACCOUNT_RE = re.compile(r"(?<![\d\w\-])\d{2,6}(?:[ \t]\d{2,7}){1,4}(?![\d\-])")
_BANK_CONTEXT = re.compile(
    r"계좌|통장|은행|뱅크|입금|송금|이체|환불|예금주|농협|국민|신한|우리|하나|기업|우체국|새마을"
    r"|수협|신협|카카오|토스|케이뱅크|SC|씨티|부산|대구|경남|광주|전북|제주|산업|저축"
)


# The bank named right after the number: 110123456789 신한이요, ... 농협 계좌예요.
_BANK_AFTER = re.compile(
    r"[ \t]*(?:[가-힣]{1,4}은행|계좌|통장|농협|신한|국민|우리|하나|기업|우체국|새마을|수협|신협"
    r"|카카오뱅크|토스뱅크|케이뱅크)"
)


def _mask_account(raw: str) -> str:
    first = re.match(r"\d+", raw)
    keep_head = len(first.group(0)) if first and len(first.group(0)) <= 4 else 3
    total = sum(ch.isdigit() for ch in raw)
    out: list[str] = []
    seen = 0
    for ch in raw:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep_head or seen > total - 3 else "*")
        elif ch in _DASH:
            out.append("-")
        # spaces around dashes are dropped
    return "".join(out)


_REFERENCE_CONTEXT = pii_kind.REFERENCE_CUE
# A word of one's own number after the reference word (접수번호 말고 제 전화번호는 ...).
_OWN_NUMBER_WORD = re.compile(r"전화|연락처|핸드폰|휴대폰|폰|계좌|통장|은행|카드")


_ACCOUNT_WORD = re.compile(r"계좌|통장|은행|뱅크|예금주|입금")
_MORE_DIGITS_AFTER = re.compile(r"[ \t]?[\-.]?[ \t]?\d")


def _account_before(text: str, start: int, width: int = 25) -> bool:
    """An account is being read (계좌번호 8043 하고 10에 1459983): the last number word before
    ``start`` is an account's, so a local phone's shape there is a part of it."""
    before = text[max(0, start - width):start]
    words = list(_ACCOUNT_WORD.finditer(before))
    return bool(words) and not _PHONE_WORD.search(before, words[-1].end())


_PHONE_WORD = re.compile(r"전화|연락처|핸드폰|휴대폰|폰|카드")


def _reference_before(text: str, start: int, width: int = 24) -> bool:
    """A case, bill or document number is named shortly before ``start`` (고지서 번호 990515
    1186264, 민원 접수번호는 ... 다시 ..., 등본 발급번호 9905-1511-8626), and no word of a phone
    or account comes after that name."""
    before = text[max(0, start - width):start]
    names = list(_REFERENCE_CONTEXT.finditer(before))
    return bool(names) and not _OWN_NUMBER_WORD.search(before, names[-1].end())


# A virtual account for a bill (관리비, 세입, 과태료 가상계좌) is the payee's, no one's own.
_VIRTUAL_ACCOUNT = re.compile(r"가상[ \t]?계좌")


def _account(text: str) -> Iterator[Candidate]:
    for m in _ACCOUNT_RE.finditer(text):
        digits = _ascii_digits(m.group(0))
        if not 10 <= len(digits) <= 16:
            continue
        if _reference_before(text, m.start()):
            continue  # a case or order number, not a bank account
        groups = re.findall(r"\d+", m.group(0))
        if (len(groups) >= 3 and groups[0].startswith("0") and 3 <= len(groups[1]) <= 4
                and len(groups[2]) == 4 and (valid_phone_digits("".join(groups[:3]))
                                             or groups[0] in ("080", "0505"))):
            # a phone number's shape (an office's line, 02-450-7532~7534: _phone's), or a
            # company's free line (080-870-0213 수신거부)
            continue
        if min(map(len, groups)) == 1 and not (_context_before(
                text, m.start(), _BANK_CONTEXT, 25) or _BANK_AFTER.match(text, m.end())):
            continue  # a one-digit group (9002-1938-4472-1) only after a bank word
        if len(groups[0]) == 4 and len(groups) == 3 and len(groups[1]) == 2 and len(
            groups[2]
        ) == 2:
            continue  # a date 2024-01-05 written with spaces/dashes has 8 digits anyway
        yield "account", m.start(), m.end(), _mask_account(m.group(0))
    for m in _SPACED_ACCOUNT_RE.finditer(text):
        if _reference_before(text, m.start()):
            continue  # 접수번호 123 456 7890 is a case number
        if 10 <= len(_ascii_digits(m.group(0))) <= 14 and (_context_before(
            text, m.start(), _BANK_CONTEXT, 25
        ) or _BANK_AFTER.match(text, m.end())):
            yield "account", m.start(), m.end(), _mask_account(m.group(0))
    for m in _BARE_ACCOUNT_RE.finditer(text):
        if _context_before(text, m.start(), _BANK_CONTEXT, 25) or _BANK_AFTER.match(
                text, m.end()):
            yield "account", m.start(), m.end(), _mask_account(m.group(0))


# Korean text may be glued to either end (주소는abc@naver.com이에요): the boundaries are ASCII.
# The @ may be written full-width or read out (골뱅이, 앳 or its common misspelling 엣), with
# spaces or brackets around it.
_AT = (r"(?:[ \t]?[@＠][ \t]?|[ \t]*\(?[ \t]*(?:골뱅이|앳|엣)[ \t]*\)?[ \t]*"
       r"|[ \t]*[\[({][ \t]?(?:at|AT)[ \t]?[\])}][ \t]*)")
_EMAIL_RE = re.compile(
    rf"(?<![A-Za-z0-9.+_%\-])([A-Za-z0-9][A-Za-z0-9._%+\-]*){_AT}"
    r"([A-Za-z0-9\-]+(?:(?:\.|[ \t]\.[ \t])[A-Za-z0-9\-]+)*"
    r"(?:\.|[ \t]\.[ \t])[A-Za-z]{2,})"
)


# An address read aloud: hong123 골뱅이 네이버 닷컴, minji.kim at gmail dot com.
_SPOKEN_DOMAIN = {"네이버": "naver", "다음": "daum", "한메일": "hanmail", "지메일": "gmail",
                  "구글": "google", "카카오": "kakao", "네이트": "nate", "야후": "yahoo",
                  "핫메일": "hotmail", "닷컴": ".com", "닷넷": ".net", "닷": ".", "점": ".",
                  "컴": "com", "넷": "net", "케이알": "kr", "씨오": "co", "고": "go",
                  "아웃룩": "outlook", "dot": ".", "쩜": "."}
_SPOKEN_DOMAIN_PART = (
    r"(?P<domain>(?:[A-Za-z0-9\-]+|네이버|다음|한메일|지메일|구글|카카오|네이트|야후|핫메일"
    r"|아웃룩)"
    r"(?:[ \t]*(?:닷컴|닷넷)"
    r"|(?:(?:\.|[ \t]\.[ \t]|[ \t]*\(?(?:닷|점|쩜|\bdot\b)\)?[ \t]*)"
    r"(?:[A-Za-z]{2,}\b|컴|넷|케이알|씨오|고))+)"
    # a mail service said alone after the @ (... 골뱅이 네이버, ... at gmail)
    r"|(?:네이버|한메일|지메일|카카오|네이트|naver|gmail|hanmail|daum|kakao|nate)(?![A-Za-z.]))"
)
_SPOKEN_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9.+_%\-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+\-]*)[ \t]*\(?[ \t]*"
    # a copula between (hgs7121 이고 골뱅이 한메일 닷넷)
    r"(?:(?:이고|이요|요|고|하고|에)[ \t,]+)?"
    r"(?:[@＠]|골뱅이|앳|엣|\bat\b)[ \t]*\)?[ \t]*" + _SPOKEN_DOMAIN_PART
)
# The part before the @ spelled letter by letter in Hangul (에이치 와이 케이 팔팔 골뱅이 지메일
# 닷컴): English letter names, digits read out, dots and underscores said as words.
_LETTER_NAMES = {"에이": "a", "비": "b", "씨": "c", "디": "d", "이": "e", "에프": "f", "지": "g",
                 "쥐": "g", "에이치": "h", "아이": "i", "제이": "j", "케이": "k", "엘": "l",
                 "엠": "m", "엔": "n", "오": "o", "피": "p", "큐": "q", "알": "r", "에스": "s",
                 "티": "t", "유": "u", "브이": "v", "더블유": "w", "더블류": "w", "엑스": "x",
                 "와이": "y", "제트": "z", "지읒": "z"}
_SPELLED_TOKEN = "|".join(sorted(
    [*_LETTER_NAMES, "공", "영", "일", "삼", "사", "육", "칠", "팔", "구", "점", "닷", "언더바",
     "언더스코어", "하이픈", "대시", "제로", "원", "투", "쓰리", "포", "파이브", "식스", "세븐",
     "에잇", "나인", r"[A-Za-z0-9]++"], key=len, reverse=True))
# Between the letters: a space, a comma, or a word that moves on (t, a, e 그 다음에 숫자 칠칠
# 그리고 앳 네이트 닷컴).
_SPELLED_JOIN = (r"(?:[ \t]?,[ \t]?|[ \t]?|[ \t]?,?[ \t]?(?:그[ \t]?다음에?|다음에?|그리고|하고)"
                 r"[ \t]?,?[ \t]?(?:숫자(?:는|로|가)?[ \t]?)?)")
_SPELLED_EMAIL_RE = re.compile(
    rf"(?<![가-힣A-Za-z0-9])(?P<local>(?:{_SPELLED_TOKEN})(?:{_SPELLED_JOIN}(?:{_SPELLED_TOKEN}))"
    r"{1,24})[ \t,]*(?:(?:그리고|하고|이고)[ \t]*)?\(?[ \t]*(?:[@＠]|골뱅이|앳|엣)[ \t]*\)?[ \t]*"
    # (round 19) a joining word after the @ too (... 그리고 골뱅이 그리고 gmail)
    r"(?:(?:그리고|하고)[ \t,]+)?"
    + _SPOKEN_DOMAIN_PART
)


# A public office's role address (help@seoul.go.kr, minwon@...or.kr) is nobody's own.
_ROLE_LOCAL = frozenset(str.split(
    "help info admin webmaster contact support master minwon noreply no-reply cs service "
    "helpdesk counsel question qna welfare office desk center centre mail news press hr recruit "
    "sales order orders booking reservation event events notice privacy team customer care "
    "hello ask inquiry inquiries enquiry feedback report biz business marketing civil complaint "
    "sinmungo edu education library culture"))
_PUBLIC_DOMAIN = re.compile(r"\.(?:go|or)\.kr$|seoul\.kr$", re.IGNORECASE)
# Mail services anyone signs up to: a role word there may still be a person's own address.
_FREE_MAIL = re.compile(
    r"(?:naver|gmail|daum|hanmail|kakao|nate|hotmail|outlook|yahoo|icloud|live|me|msn|aol"
    r"|proton|protonmail|korea|empas|paran|dreamwiz|chol|freechal|lycos|qq|163|126|mail)\.",
    re.IGNORECASE)


def _role_address(local: str, domain: str) -> bool:
    """An office's or a shop's address (help@...go.kr, info@hanbitmart.co.kr): a role word at a
    public domain or at an organisation's own domain - not at a mail service."""
    if local.lower() in ("example", "sample", "your_id", "yourid", "youremail", "xxx"):
        return True  # a form's example (example@seoul.go.kr): nobody's
    if local.isdigit() and _PUBLIC_DOMAIN.search(domain):
        return True  # a call centre's number as its ID (120@seoul.go.kr)
    return local.lower() in _ROLE_LOCAL and (
        bool(_PUBLIC_DOMAIN.search(domain)) or not _FREE_MAIL.match(domain))


def _role_mail(said: str) -> bool:
    """An address written with its @ whose ID is an office's role (info@daelimmuseum.org)."""
    local, at, domain = said.strip().partition("@")
    return bool(at) and _role_address(local.strip(), domain.strip())


# The mail services people name instead of a domain (네이버, gmail ...).
_MAIL_SERVICES = (r"(?:네이버|naver|지메일|gmail|다음|daum|한메일|hanmail|카카오|kakao|네이트|nate"
                  r"|야후|yahoo|핫메일|hotmail|아웃룩|outlook)")
# An address told as its ID, then its mail service (메일 yuna_kim 이고요 네이버예요, 메일 아이디는
# sunny77 이고 도메인은 카카오닷컴): the ID is the personal part.
_MAIL_ID_RE = re.compile(
    r"(?:메일|이메일|e-?mail|E-?mail)[ \t]?(?:아이디|주소|ID|id)?(?:는|은|가|이|:)?[ \t]*"
    # (round 19) a few words may come first (메일은 제 이름 영문으로 jiwoo.han 이고 지메일이에요)
    r"(?:(?:제|내|저의|이름|영문|영어|소문자|대문자|철자|스펠링|그냥|아이디|주소|계정)"
    r"(?:으로|로|은|는|이|가|도)?[ \t]+){0,3}?"
    r"(?P<local>[a-z0-9][A-Za-z0-9._\-]{2,30})(?![A-Za-z0-9@＠.])[ \t]*"
    r"(?:이고요|이고|이구요|고요|이에요|예요|요|이요|,)?[^\n@＠]{0,14}?"
    rf"{_MAIL_SERVICES}")

# ... or its service first, then the ID (메일은 네이버고 아이디는 minsu_k 예요).
_MAIL_SERVICE_FIRST_RE = re.compile(
    r"(?:(?:메일|이메일|e-?mail|E-?mail)[ \t]?(?:주소)?(?:는|은|이|:)?[ \t]*)?"
    rf"{_MAIL_SERVICES}(?:이|을|를)?[ \t]?(?:쓰)?"
    r"(?:이고요|이고|고요|고|인데|는데|요|,)?"
    r"[ \t]*(?:아이디|ID|id)(?:는|은|가|:)?[ \t]*"
    r"(?P<local>[a-z0-9][A-Za-z0-9._\-]{2,30})(?![A-Za-z0-9@＠.])")

# ... or the ID, then the service and its mail after it (아이디 chulwoo77 네이버 메일로 보내주세요).
_ID_THEN_SERVICE_MAIL_RE = re.compile(
    r"(?:아이디|ID|id)(?:는|은|가|:)?[ \t]*(?P<local>[a-z0-9][A-Za-z0-9._\-]{2,30})"
    r"(?![A-Za-z0-9@＠.])[ \t]*(?:이고요|이고|고요|이요|요|,)?[ \t]*"
    rf"{_MAIL_SERVICES}[ \t]?(?:메일|이메일|계정[ \t]?메일)")


# (round 20) An ID said in Hangul syllables, as its owner reads a romanised name
# (이메일은 팍지훈 골뱅이 네이버 닷컴이요; 메일 주소 팍 점 지훈 골뱅이 지메일 닷컴): after a mail
# word, right before the @ said aloud and a mail service; not a word of the sentence (주소는,
# 영어로, 아이디).
_HANGUL_ID_RE = re.compile(
    r"(?:메일|이메일)[^\n@＠]{0,14}?(?<![가-힣])"
    r"(?P<local>[가-힣]{1,6}(?:[ \t]?(?:점|닷|언더바)[ \t]?[가-힣]{1,6}){0,2})"
    r"[ \t]*(?:골뱅이|앳|엣)[ \t]*" + _SPOKEN_DOMAIN_PART)
_NOT_AN_ID = re.compile(r"(?:로|는|은|요|이|가|을|를|에|도|고)$|^(?:아이디|주소|제|저|내|그|이거)$")


def _email(text: str) -> Iterator[Candidate]:
    if "골뱅이" in text and "메일" in text:
        for m in _HANGUL_ID_RE.finditer(text):
            local = m.group("local")
            if _NOT_AN_ID.search(local) or local in _SPOKEN_DOMAIN:
                continue
            yield "email", m.start("local"), m.end(), "***@" + "".join(
                _SPOKEN_DOMAIN.get(w, w) for w in re.findall(
                    r"[A-Za-z0-9\-]+|[가-힣]+|\.", m.group("domain")))
    if "메일" in text or "mail" in text or "아이디" in text:
        for m in (*_MAIL_ID_RE.finditer(text), *_MAIL_SERVICE_FIRST_RE.finditer(text),
                  *_ID_THEN_SERVICE_MAIL_RE.finditer(text)):
            local = m.group("local")
            if re.fullmatch(_MAIL_SERVICES, local):
                continue  # 메일은 보통 naver 쓰고 gmail 도: a service, no ID
            if re.search(r"[0-9_.\-]", local) or local.islower():
                yield "email", m.start("local"), m.end("local"), f"{local[:2]}***"
    for m in _EMAIL_RE.finditer(text):
        local, domain = m.group(1), re.sub(r"[ \t]", "", m.group(2))
        if _role_address(local, domain):
            continue
        head = local[:2] if len(local) > 2 else local[:1]
        yield "email", m.start(), m.end(), f"{head}***@{domain}"
    for m in _SPOKEN_EMAIL_RE.finditer(text):
        local = m.group("local")
        head = local[:2] if len(local) > 2 else local[:1]
        domain = "".join(_SPOKEN_DOMAIN.get(w, w) for w in re.findall(
            r"[A-Za-z0-9\-]+|[가-힣]+|\.", m.group("domain")))
        if _role_address(local, domain):
            continue
        yield "email", m.start(), m.end(), f"{head}***@{domain}"
    if "골뱅이" in text or "앳" in text or "엣" in text or "@" in text or "＠" in text:
        for m in _SPELLED_EMAIL_RE.finditer(text):
            if not re.search(r"[가-힣]", m.group("local")):
                continue  # written letters: the patterns above
            domain = "".join(_SPOKEN_DOMAIN.get(w, w) for w in re.findall(
                r"[A-Za-z0-9\-]+|[가-힣]+|\.", m.group("domain")))
            head = re.sub(r"[ \t,]", "", m.group("local").split()[0])[:2]
            yield "email", m.start(), m.end(), f"{head}***@{domain}"


_REGIONS = (
    "서울특별시|서울시|서울|부산광역시|부산시|부산|대구광역시|대구시|대구|인천광역시|인천시|인천"
    "|광주광역시|광주시|광주|대전광역시|대전시|대전|울산광역시|울산시|울산|세종특별자치시|세종시|세종"
    "|경기도|경기|강원특별자치도|강원도|강원|충청북도|충북|충청남도|충남|전북특별자치도|전라북도|전북"
    "|전라남도|전남|경상북도|경북|경상남도|경남|제주특별자치도|제주도|제주"
)
_PLATE_HANGUL = (
    "가나다라마거너더러머버서어저고노도로모보소오조"
    "구누두루무부수우주아바사자배하허호육해공국합"
)
_PLATE_REGIONS = ("서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남"
                  "|제주")
# Between the parts: nothing, spaces, a dash, or 에 as the digits are read out (12가에 3456).
_PLATE_SEP = r"(?:[ \t]?[-.]?[ \t]?)"
# After the plate: anything but another digit or a unit that makes the four digits an amount
# (12가 3456원 is no plate; 12가 3456번이에요, 34너 5678이요 are).
_PLATE_END = r"(?!\d|[ \t]?(?:원|명|개|건|년|만|천|억|kg|km|대|번지|호)(?![가-힣]{2}))(?![A-Za-z])"
_PLATE_RE = re.compile(
    rf"(?<![\d\w])(?:(?P<region>{_PLATE_REGIONS})[ \t]?)?(?P<num>\d{{2,3}}|\d(?:[ \t]\d){{1,2}})"
    rf"{_PLATE_SEP}"
    rf"(?P<h>[{_PLATE_HANGUL}])(?:{_PLATE_SEP}|[ \t]?에[ \t]?)"
    # the four digits may be read in pairs or one at a time (12가 34 56, 12 가 3 4 5 6)
    rf"(?P<tail>\d{{4}}|\d{{2}}[ \t]\d{{2}}|\d(?:[ \t]\d){{3}})"
    rf"{_PLATE_END}"
)
# The old and the two-wheeler forms keep the region and drop the digits before the letter
# (서울 가 1234, 서울강남 가 1234): only right after a word for a vehicle's number.
_PLATE_CONTEXT = re.compile(r"차량|차[ \t]?번호|번호판|차번|오토바이|이륜차|자동차|승용차"
                            r"|화물차|택시|트럭|견인|넘버|(?<![가-힣])차(?:는|가|를|도|요|예요)(?![가-힣])")
_OLD_PLATE_RE = re.compile(
    rf"(?<![\d\w])(?P<region>{_PLATE_REGIONS})(?:[ \t]?[가-힣]{{1,3}})?[ \t]?(?P<num>\d{{0,2}})"
    rf"{_PLATE_SEP}(?P<h>[{_PLATE_HANGUL}]){_PLATE_SEP}(?P<tail>\d{{4}}){_PLATE_END}"
)
_VEHICLE_AFTER = re.compile(r"[ \t]*(?:번[ \t]?)?(?:택시|차량|차(?:가|는|를|에|요)?(?![가-힣])|트럭"
                            r"|오토바이|승용차|화물차|승합차|렌터카)")
# A plate read aloud after such a word: 차량 번호 일이가 삼사오육 (2-3 digits, a letter, 4 digits).
_SPOKEN_D = "공영빵일이삼사오육륙칠팔구0-9"
_SPOKEN_PLATE_RE = re.compile(
    rf"(?<![가-힣\d])(?P<num>[{_SPOKEN_D}](?:[ \t]?[{_SPOKEN_D}]){{1,2}})[ \t]?"
    rf"(?P<h>[{_PLATE_HANGUL}])"
    rf"(?:[ \t]?에)?[ \t]?(?P<tail>[{_SPOKEN_D}](?:[ \t]?[{_SPOKEN_D}]){{3}})"
    # a copula may follow (삼사오육이에요, 사오육칠이요: its 이 is no digit)
    r"(?:(?![" + _SPOKEN_D + r"])|(?=이(?:에요|요|고|예요|입니다|었|야|라고|구요)))"
)


# A plate read as numbers (차번호 이십육 하 오천이백삼십일): 10-999, the letter, 1000-9999.
_SINO_PLATE_RE = re.compile(
    rf"(?<![가-힣\d])(?P<num>[{_SINO}]?[십백][{_SINO}십]{{0,3}})[ \t]?(?P<h>[{_PLATE_HANGUL}])"
    rf"[ \t]?(?P<tail>[{_SINO}]?천[{_SINO}백십]{{0,6}})"
    rf"(?:(?![가-힣])|(?=이(?:에요|요|고|예요|입니다|었|야|라고|구요)|[ \t]))"
)


# (round 19) A temporary plate (임시번호판): 임시, the region, two or three digits and four.
_TEMP_PLATE_RE = re.compile(
    rf"(?<![가-힣\w])임시[ \t]*(?:(?:{_PLATE_REGIONS})[ \t]*)?"
    r"\d{2,3}[ \t]?[-.]?[ \t]?\d{4}(?!\d)")


# A bus's plate (its letter 아/바/사/자, a commercial vehicle's) is a company's, no one's own.
_BUS_CONTEXT = re.compile(r"버스")


def _bus_plate(text: str, start: int, end: int) -> bool:
    """A plate with a commercial vehicle's letter (아/바/사/자) after a bus named before it."""
    return bool(re.search("[아바사자]", text[start:end])) and _context_before(
        text, start, _BUS_CONTEXT, 20)


def _car_plate(text: str) -> Iterator[Candidate]:
    for m in _PLATE_RE.finditer(text):
        if _bus_plate(text, m.start(), m.end()):
            continue
        region = m.group("region") or ""
        num = m.group("num").replace(" ", "").replace("\t", "")
        yield "car_plate", m.start(), m.end(), f"{region}{num}{m.group('h')}****"
    if "임시" in text:
        for m in _TEMP_PLATE_RE.finditer(text):
            yield "car_plate", m.start(), m.end(), "임시 " + "*" * 4
    if not _PLATE_CONTEXT.search(text):
        return
    for m in _OLD_PLATE_RE.finditer(text):
        if _bus_plate(text, m.start(), m.end()):
            continue
        # (or a vehicle's word right after it: 서울 7 다 9013 택시가 승차거부)
        # (or, with its digits, a vehicle named in its turn: 서울 1나 4526 이라는 옛날 번호판)
        if _context_before(text, m.start(), _PLATE_CONTEXT, 15) or m.group("num") and (
                _VEHICLE_AFTER.match(text, m.end())
                or pii_grouped.vehicle_named(text, m.start(), m.end())):
            yield "car_plate", m.start(), m.end(), f"{m.group('region')} {m.group('h')}****"
    for m in _SINO_PLATE_RE.finditer(text):
        num, tail = pii_spoken.sino_value(m.group("num")), m.group("tail")
        if tail.endswith("이") and m.end() < len(text) and "가" <= text[m.end()] <= "힣":
            tail = tail[:-1]
        if 10 <= num <= 999 and 1000 <= pii_spoken.sino_value(tail) <= 9999 and _context_before(
                text, m.start(), _PLATE_CONTEXT, 15):
            yield ("car_plate", m.start(), m.start("tail") + len(tail),
                   f"{num}{m.group('h')}****")
    for m in _SPOKEN_PLATE_RE.finditer(text):
        num = "".join(_DIGIT_VALUE.get(ch, ch) for ch in m.group("num") if not ch.isspace())
        spoken = any(ch in _DIGIT_VALUE for ch in m.group("num") + m.group("tail"))
        if spoken and _context_before(text, m.start(), _PLATE_CONTEXT, 15):
            yield "car_plate", m.start(), m.end(), f"{num}{m.group('h')}****"


# Addresses: [region] [시/군/구 ...] [읍/면/동/리/가] road|lot number [detail]
# (a city is often said without its 시: 남양주 다산동 6097, 포항 양덕동, 수원 영통구)
_CITIES = (
    "수원|성남|고양|용인|부천|안산|안양|남양주|화성|평택|의정부|시흥|파주|김포|광명|하남|군포|오산"
    "|이천|양주|구리|안성|포천|의왕|여주|동두천|과천|춘천|원주|강릉|속초|청주|충주|천안|아산|전주"
    "|익산|군산|목포|여수|순천|포항|경주|구미|안동|김해|창원|진주|거제|통영|양산|서귀포"
)
_SIGUNGU = rf"(?:[가-힣]{{1,5}}(?:시|군|구)|(?:{_CITIES})(?=[ \t]+[가-힣]{{1,5}}(?:구|동|읍|면)))"
_EMD = r"[가-힣]{1,5}(?:\d{0,2}(?:읍|면|동|리)(?:[ \t]\d{1,2}가)?|\d{1,2}가)"
_ROAD = r"[가-힣A-Za-z\d]{1,12}(?:대로|로|길)(?:[ \t]?\d{1,4}[ \t]?(?:번?[가-힣]?길|로))?"
# (a run of dashes: how the spoken view below writes 다시 between the two numbers)
_BLDG = r"(?:지하[ \t]?)?\d{1,5}(?:-{1,4}\d{1,4})?(?:번지)?"
_UNITS = (
    r"(?:분|번(?!지|길)|개|원|명|년|월|일|시|초|회|건(?!너)|km|킬로|미터|m\b|%|퍼"
    r"|호선|층(?!\w)|세|살(?![아고았며면])|대|배|주)"
)
_UNIT_AFTER = (
    # a count or a measure right after the number (12세, 3주), or as a word of its own after a
    # space (3 분이면); a word that only starts like one (209 세종대, 27 주택) may follow
    rf"(?!\d|{_UNITS}|[ \t]{_UNITS}(?:$|[^가-힣]|(?:이|가|은|는|을|를|에|의|도|만|째|쯤|씩|이면"
    r"|이나|만에|정도|동안|이에요|예요|입니다|이요|요|이고|짜리|까지|부터|전|후)(?![가-힣])))"
    # a particle or the end of the word may follow the number, nothing else
    r"(?=$|[^\w]|(?:에서|에|은|는|이|가|을|를|으로|로|의|쪽|근처|앞|뒤|번지|번길|입니다|이에요"
    r"|예요|이요|요|이고|인데|동|호)(?![가-힣]{2}))"
)
_DETAIL = (
    r"(?:[ \t]?,?[ \t]?"
    r"(?:[가-힣A-Za-z\d]{1,15}(?:아파트|빌라|오피스텔|맨션|타워|하우스|빌딩|주택))?"
    r"[ \t]?\d{1,4}[ \t]?동[ \t]?\d{1,5}[ \t]?호"
    r"|[ \t]?,?[ \t]?\d{1,5}[ \t]?호"
    r"|[ \t]?,?[ \t]?(?:지하[ \t]?)?\d{1,3}[ \t]?층)?"
)
_ROAD_ADDR_RE = re.compile(
    rf"(?<![가-힣\w])(?P<prefix>(?:(?:{_REGIONS})[ \t]+)?(?:{_SIGUNGU}[ \t]+){{0,2}}"
    rf"(?:{_EMD}[ \t]+)?)"
    rf"(?P<road>{_ROAD})[ \t]?(?P<num>{_BLDG}){_UNIT_AFTER}(?P<detail>{_DETAIL})"
)
_LOT_ADDR_RE = re.compile(
    rf"(?<![가-힣\w])(?P<prefix>(?:(?:{_REGIONS})[ \t]+)?(?:{_SIGUNGU}[ \t]+){{0,2}}"
    r"(?:[가-힣]{1,5}(?:읍|면)[ \t]+)?)"  # 애월읍 애월리 123: a village (리) in its 읍/면
    rf"(?P<emd>{_EMD})[ \t]+"
    rf"(?P<num>(?:산[ \t]?)?\d{{1,5}}(?:-{{1,4}}\d{{1,4}})?(?P<bunji>[ \t]?번지)?)"
    rf"{_UNIT_AFTER}(?P<detail>{_DETAIL})"
)
_APT_DETAIL_RE = re.compile(
    r"(?<![\d\w])(?:[가-힣A-Za-z\d]{1,15}(?:아파트|빌라|오피스텔|맨션)[ \t]?)?"
    r"\d{1,4}[ \t]?동[ \t]?\d{1,5}[ \t]?호(?!선)"
    # after a building name: 래미안아파트 101-1203호, 행복빌라 B01호
    r"|(?<![\d\w])[가-힣A-Za-z\d]{1,15}(?:아파트|빌라|오피스텔|맨션)[ \t]?"
    r"(?:\d{1,4}[ \t]?-[ \t]?|[Bb비][ \t]?|지하[ \t]?)?\d{1,5}[ \t]?호(?!선)"
)
# A building's lettered wing (은행나무빌라 B동 302호, 나동 201호), a room of a 고시원 or a
# shared house (행복고시원 14호실, 원룸 3층 305호), a lot number said apart from its 동
# (면목동이고요 번지는 172-9번지요)
_WING_UNIT_RE = re.compile(
    r"(?<![\w])(?P<building>[가-힣A-Za-z\d]{1,15}(?:아파트|빌라|빌|오피스텔|맨션|하우스|타워|주택"
    r"|연립|캐슬|빌리지|타운|하이츠|팰리스)[ \t]?)?"
    r"(?<![\w])[A-Za-z가나다라마바사][ \t]?동[ \t]?(?:지하[ \t]?)?[Bb비]?\d{1,5}[ \t]?호(?!선)")
_NUMBER_JUST_BEFORE = re.compile(r"\d[ \t,]{1,2}$")
_ROOM_RE = re.compile(
    r"(?<![\w])[가-힣A-Za-z\d]{0,12}(?:고시원|고시텔|원룸|투룸|하숙집|하숙|기숙사|쉐어하우스"
    r"|셰어하우스|레지던스|리빙텔)[ \t]?(?:건물[ \t]?)?(?:\d{1,2}[ \t]?층[ \t]?)?"
    r"\d{1,4}[ \t]?(?:호실|호(?!선)|번[ \t]?방)(?!\d)")
# 노원구 중계동 은빛마을 2단지 205동: a complex's block said with its 동 and no 호
_COMPLEX_BLOCK_RE = re.compile(
    rf"(?<![가-힣\w])(?:(?:{_SIGUNGU}[ \t]+)?{_EMD}[ \t]+)?"
    r"[가-힣A-Za-z\d]{1,12}(?:[ \t]?(?:아파트|마을|주공|타운))?[ \t]?"
    r"(?P<block>\d{1,2}[ \t]?단지[ \t]?\d{1,4}[ \t]?동)"
    r"(?=$|[^가-힣]|이|에|은|는|으로|까지|쪽|앞|입니다|요)"
    r"(?:[ \t]?\d{1,5}[ \t]?호)?"
)
# 포항시 북구 양덕동 삼구트리니엔 101동: a complex named after its 동 and a block with no 호 (a
# home's only where one is said to be)
_EMD_COMPLEX_BLOCK_RE = re.compile(
    rf"(?<![가-힣\w])(?:{_SIGUNGU}[ \t]+){{0,2}}{_EMD}[ \t]+"
    r"[가-힣A-Za-z]{2,12}(?:[ \t]?\d차)?[ \t]?\d{1,4}[ \t]?동"
    r"(?=$|[^가-힣\d]|(?:이에요|이요|이고|입니다|에|이에)(?![가-힣]))")
# A block and a flat said with no complex's name, road or district before them in the sentence
# (101동 1702호 사는 사람인데요, 저희 아파트 102동 1504호 앞, 아파트 3단지 304동 802호): every
# blind writer left these unlabelled - they name no home anyone outside the complex can find.
_NO_COMPLEX_BEFORE = re.compile(
    r"(?:^|[.!?\n]|\][ \t]?)[ \t]*(?:(?:저희|우리|제|내|그|이|저|같은)[ \t]?)?"
    r"(?:아파트[ \t]?)?(?:\d{1,2}[ \t]?단지[ \t]?)?$")
_HOME_CUE = re.compile(r"주소|살아|살고|사는|살던|거주|우리[ \t]?집|저희[ \t]?집|댁|이사|배송|보내")
# A 동, a small building's name and its floor (망원동 새싹빌라 2층, 신길동 행복주택 반지하): the
# flat of a villa of a few households.
_VILLA_FLOOR_RE = re.compile(
    r"(?<![가-힣])[가-힣]{1,5}\d{0,2}동[ \t]+[가-힣A-Za-z\d]{1,12}(?:빌라|맨션|주택|빌|하우스|연립"
    r"|원룸|오피스텔|하이츠|캐슬|팰리스|빌리지)[ \t]?(?:\d{1,2}[ \t]?층"
    r"(?=$|[^가-힣]|(?:이요|이에요|입니다|이고|인데|이|에|요|으로)(?![가-힣]))|반지하"
    r"|지하(?:[ \t]?\d[ \t]?층)?|옥탑(?:방)?)")
# An address in Latin letters, as foreign residents write it: 34-2 Hoegi-ro, Dongdaemun-gu,
# room 201; 15, Gangnam-daero 84-gil, Gangnam-gu; Sinrim-dong 123-4 - a road (or a 동) with a
# building or lot number, the districts after it and a room.
_RNUM = r"\d{1,5}(?:-\d{1,4})?"
_RDIST = r"[A-Z][a-z]+(?:-[a-z]+)?-(?:gu|dong|si|gun|eup|myeon)(?![A-Za-z])"
_ROMAN_ADDR_RE = re.compile(
    rf"(?:(?P<n1>{_RNUM}),?[ \t]+(?:{_RNUM}[ \t]+)?)?"
    rf"(?:[A-Z][a-z]+(?:-[A-Za-z][a-z]*)*?-(?:ro|gil|daero)(?:[ \t]?\d{{1,3}}(?:beon)?-?gil)?"
    rf"(?![A-Za-z])(?:[ \t]+(?P<n2>{_RNUM})(?![\d\-]))?"
    rf"|[A-Z][a-z]+(?:-[a-z]+)?-(?:dong|ri)[ \t]+(?P<lot>(?:[Ss]an[ \t]?)?{_RNUM})(?![\d\-]))"
    rf"(?:,?[ \t]*{_RDIST})*"
    r"(?:,?[ \t]*(?:[Rr]oom|[Aa]pt\.?|[Uu]nit|#|[Ss]uite|[Nn]o\.)[ \t]*[A-Za-z]?\d{1,5}"
    r"(?![\d\-]))?")
_ROMAN_OFFICE = re.compile(r"(?:City[ \t]Hall|Gu[ \t]Office|[Oo]ffice|Center|Centre|Station"
                          r"|Hospital|Museum|Library|Court)[ \t]*(?:is[ \t]at|at|:|,)?[ \t]*$")
_LOT_AFTER_WORD_RE = re.compile(
    r"번지(?:는|가|요|는요)?[ \t]*(?P<num>(?:산[ \t]?)?\d{1,5}(?:-\d{1,4})?(?:[ \t]?번지)?)"
    r"(?![\d\-])(?![ \t]?(?:원|명|개|번(?!지)|년|월|일|층|호|세|살))")
_LOT_NUMBER_RE = re.compile(r"(?<![\w\-])(?:산[ \t]?)?\d{1,5}(?:-\d{1,4})?[ \t]?번지"
                            rf"{_DETAIL}")
_LOT_CUE_BEFORE = re.compile(
    r"[가-힣]{1,5}(?:\d{0,2}(?:동|리)|\d{1,2}가)(?=이|요|은|는|에|,|\.|\s|$)|주소")
# (not one of a list of lots - 응암동 302,300,298 번지 - nor an office's address in brackets)
_LOT_LIST_OR_BRACKET = re.compile(r"\d[ \t]?,[ \t]?$|\([^)]*$")
_PARTICLE_ROAD = re.compile(
    r"(?:으로|에로|로서|로써|하로|이로|그대로|마음대로|멋대로|제대로|이대로|저대로"
    r"|그길|이길|저길|뒷길|골목길|지름길|산책길|출근길|퇴근길|등굣길|하굣길|귀갓길|빗길|눈길"
    r"|밤길|^길"
    # (round 19) 대로 as "as" after a noun (상담원 말씀대로 02 누르고, 안내대로 1번), and 로 after
    # an amount, a rate or a noun said with it (92달러로 5, 수익률로 1-3, 실수로 65, 상대로 6)
    r"|말씀대로|말대로|생각대로|뜻대로|순서대로|규정대로|법대로|원칙대로|약속대로|예정대로"
    r"|계획대로|요청대로|안내대로|지시대로|설명대로|시키는대로|하는대로|하라는대로|들은대로"
    r"|달러로|유로로|펜스로|파운드로|엔화로|위안화로|센트로|[률율]로|실수로|상대로)$"
)


def _digits_to_stars(s: str) -> str:
    return re.sub(r"\d+", "***", s)


# A public building's own address is no personal data: 서울시청 주소가 세종대로 110 맞죠?
_OFFICE_ADDRESS = re.compile(
    r"(?:구청|시청|도청|군청|주민센터|행정복지센터|동사무소|우체국|경찰서|소방서|보건소|도서관"
    r"|센터|청사|공단|법원|세무서)[ \t]?(?:주소|위치)(?:가|는|는요|요|도)?[ \t]*$")


# A station named after a road (을지로3가역), and a public office's own address said with the
# office's name right before or after it (강남구청 학동로 426, 세종대로 110 서울시청).
_STATION_AFTER = re.compile(r"[ \t]?가?[ \t]?역(?![가-힣])|가역")
_PUBLIC_OFFICE = (r"(?:[가-힣]{1,4}(?:구청|시청|군청|도청|세무서|경찰서|소방서|우체국|보건소|법원"
                  r"|주민센터|행정복지센터|구민회관|시민청|도서관|교육청"
                  # and public places whose address is where a report is about (노점상 신고:
                  # 능동로 216 어린이대공원 정문 앞)
                  r"|공원|광장|경기장|야구장|운동장|박물관|미술관|기념관|터미널|문화회관|전통시장"
                  r")|서울시청|시청|구청)")
_OFFICE_BESIDE = re.compile(rf"{_PUBLIC_OFFICE}[ \t]*(?:은|는|이|가|:|,)?[ \t]*$")
# (not a home near the office: 은평로 195 은평구청 맞은편 빌라요)
_OFFICE_NAMED_AFTER = re.compile(
    rf"[ \t]*(?:\(|,)?[ \t]*{_PUBLIC_OFFICE}(?![가-힣]{{0,2}}[ \t]?"
    r"(?:옆|근처|앞|뒤|건너|맞은편|건너편|쪽|부근|인근|뒷편|옆집|위층|아래))")


# Numbers of an address read aloud (강북구 삼양로 오십구 길 이십이, 아현동 사구공 다시 이 번지):
# sino-Korean numbers (오십구 -> 059) and digit syllables (사구공 -> 490) become digits of the
# same length, 다시 between two of them dashes, so the address patterns read them in place.
_SAID_NUMBER_RE = re.compile(
    r"(?<![가-힣])(?:(?P<sino>[일이삼사오육칠팔구]?[십백천][일이삼사오육칠팔구십백천]{0,6})"
    r"|(?P<digits>[공영일이삼사오육칠팔구]{1,5}))"
    r"(?=[ \t]|$|[.,?!]|(?:요|이요|야|이야|번지|번|호|길)(?![가-힣]))"
)
_SAID_AGAIN_RE = re.compile(r"(?<=\d)[ \t]다시[ \t](?=\d)")


def _spoken_address_view(text: str) -> str:
    """``text`` with the numbers of a spoken address as digits (same length), or ``text``."""
    out = list(text)
    for m in _SAID_NUMBER_RE.finditer(text):
        if m.group("sino"):
            value = str(pii_spoken.sino_value(m.group("sino")))
            if len(value) > len(m.group(0)):
                continue
            value = value.rjust(len(m.group(0)), "0")
        else:
            said = m.group("digits")
            after = text[m.end():m.end() + 4].lstrip(" \t")
            before = text[max(0, m.start() - 4):m.start()].rstrip(" \t")
            # one or two syllables are words (이사, 오이) unless a number's word is beside them
            # (or a building's number after its numbered road: 연희로 이십칠길 팔이요)
            if len(said) < 3 and not (after.startswith(("번지", "다시", "호", "번", "길"))
                                      or before.endswith("다시") or re.search(
                                          r"[\d일이삼사오육칠팔구십백천][ \t]?길$", before)):
                continue
            value = "".join(_DIGIT_VALUE[ch] for ch in said)
        out[m.start():m.end()] = value
    view = "".join(out)
    return _SAID_AGAIN_RE.sub("----", view) if "다시" in view else view


def _address(text: str) -> Iterator[Candidate]:
    yield from _address_in(text)
    if any(ch in _DIGIT_VALUE or ch in "십백" for ch in text) and re.search(
            r"[가-힣](?:구|동|로|길|리)[ \t]", text):
        view = _spoken_address_view(text)
        if view != text:
            for kind, start, end, _ in _address_in(view):
                if view[start:end] != text[start:end]:
                    yield kind, start, end, text[start:end].split()[0] + " ***"


# (round 19) A lot said by a landmark's lane after its 동 (중랑구 면목동 그 시장 뒤 골목 52-9,
# 방학동 우체국 뒷골목 18-4): the district, the 동, up to three words ending in a lane's word,
# the lot.
_LANE_ADDR_RE = re.compile(
    rf"(?<![가-힣\w])(?P<prefix>(?:(?:{_REGIONS})[ \t]+)?(?:{_SIGUNGU}[ \t]+){{0,2}})"
    rf"(?P<emd>{_EMD})[ \t]+(?:그[ \t]+)?(?:[가-힣]{{1,8}}[ \t]+){{0,2}}"
    r"[가-힣]{0,6}(?:골목(?:길)?|뒷골목|뒷길|샛길|안길|안쪽|막다른[ \t]?길)(?:로|에|에서)?[ \t]+"
    rf"(?P<num>(?:산[ \t]?)?\d{{1,5}}(?:-\d{{1,4}})?(?:[ \t]?번지)?){_UNIT_AFTER}"
)


# (round 19) A district, its 동 and a lot typed with no space (마포구망원동123-4): one word with a
# 구/군/시, a 동/읍/면/리 and a lot with its dash (or 번지).
_GLUED_LOT_RE = re.compile(
    rf"(?<![가-힣\w])(?:(?:{_REGIONS}))?[가-힣]{{1,4}}(?:구|군|시)[가-힣]{{1,5}}\d{{0,2}}(?:동|읍|면|리)"
    r"(?P<num>(?:산)?\d{1,5}(?:-\d{1,4}|[ \t]?번지))(?![\d\-])")


# A lot number never starts with a zero (a written area code does: 02-2126), nor has a third
# group after its two (02-2126-4519).
_PHONE_LIKE_LOT = re.compile(r"0\d{1,2}-\d{3,4}(?![\d\-])")
_PHONE_GROUP_AFTER = re.compile(r"-\d")


# A verb's conditional ending that looks like a township (면) when no city or district is
# named before it: 않으시면, 하려면, 되면.
_CONDITIONAL_MYEON = re.compile(r"(?:으|시|하|라|다|지|려|되|거|보|으시|니)면$")


def _address_in(text: str) -> Iterator[Candidate]:
    for m in _ROAD_ADDR_RE.finditer(text):
        if _OFFICE_ADDRESS.search(text[max(0, m.start() - 15):m.start()]):
            continue
        if _STATION_AFTER.match(text, m.end()) or _OFFICE_BESIDE.search(
                text, max(0, m.start() - 12), m.start()) or _OFFICE_NAMED_AFTER.match(
                text, m.end()):
            continue  # 을지로3가역; 강남구청 학동로 426, 세종대로 110 서울시청: no one's home
        road = m.group("road")
        road_word = re.match(r"[가-힣A-Za-z\d]+", road)
        word = road_word.group(0) if road_word else road
        prefix = m.group("prefix")
        particle = _PARTICLE_ROAD.search(word)
        # 성수이로, 보하로: a road whose name ends like 이로 is one after its district
        # 돌곶이로 30길 12-5: a numbered 길 after it makes it a road
        numbered = particle and particle.group(0) in ("이로", "하로") and len(word) >= 4 and (
            re.search(r"\d[ \t]?번?[가-힣]?길$", road))
        if particle and not numbered and not (
                particle.group(0) in ("이로", "하로") and len(word) >= 4
                and re.search(r"[가-힣](?:구|시|군)[ \t]", prefix)) or len(word) < 2:
            continue
        if not prefix.strip() and not re.search(r"(?:대로|[가-힣]{2,}로|[가-힣\d]+길)$", word):
            continue
        start = m.start()
        head = text[start:m.start("num")]
        yield "address", start, m.end(), head + _digits_to_stars(text[m.start("num"):m.end()])
    for m in _LOT_ADDR_RE.finditer(text):
        has_context = bool(m.group("prefix").strip()) or bool(m.group("bunji")) or "-" in m.group(
            "num"
        )
        if not has_context or not m.group("prefix").strip() and _CONDITIONAL_MYEON.search(
                m.group("emd")):
            continue  # 원치 않으시면 080-3321-...: a verb's ending, no 면 (포항시 청하면 is one)
        if _PHONE_LIKE_LOT.match(m.group("num")) or "-" in m.group("num") and (
                _PHONE_GROUP_AFTER.match(text, m.end("num"))):
            continue  # 서울시 회원관리 02-2126-4519: an office's name and its phone, no lot
        head = text[m.start():m.start("num")]
        yield "address", m.start(), m.end(), head + _digits_to_stars(text[m.start("num"):m.end()])
    for m in _GLUED_LOT_RE.finditer(text):
        if not _PHONE_LIKE_LOT.match(m.group("num")):
            yield ("address", m.start(), m.end(),
                   text[m.start():m.start("num")] + _digits_to_stars(m.group("num")))
    if "골목" in text or "길" in text or "안쪽" in text:
        for m in _LANE_ADDR_RE.finditer(text):
            if m.group("prefix").strip() or _HOME_CUE.search(
                    text, max(0, m.start() - 30), min(len(text), m.end() + 12)):
                head = text[m.start():m.start("num")]
                yield "address", m.start(), m.end(), head + _digits_to_stars(m.group("num"))
    for m in _APT_DETAIL_RE.finditer(text):
        raw = m.group(0)
        if raw[0].isdigit() and _NO_COMPLEX_BEFORE.search(text, 0, m.start()):
            continue  # 저희 아파트 102동 1504호 앞 복도: a block and a flat of no named complex
        yield "address", m.start(), m.end(), _digits_to_stars(raw)
    if "호" in text:
        for m in _WING_UNIT_RE.finditer(text):
            # 시청 별관 나동 201호: a wing with no home's name is one only where a home is said
            # (한강대로 92길 14 가동 101호: a wing right after a building's number is its own)
            if m.group("building") or _HOME_CUE.search(
                    text, max(0, m.start() - 30), min(len(text), m.end() + 12)) or (
                    _NUMBER_JUST_BEFORE.search(text, max(0, m.start() - 4), m.start())) or (
                    # (연희로 32길 5 에요 아 그리고 B동 101호: the wing of the address just said)
                    _ROAD_ADDR_RE.search(text, max(0, m.start() - 60), m.start())):
                yield "address", m.start(), m.end(), _digits_to_stars(m.group(0))
        for m in _ROOM_RE.finditer(text):
            yield "address", m.start(), m.end(), _digits_to_stars(m.group(0))
    if "단지" in text:
        for m in _COMPLEX_BLOCK_RE.finditer(text):
            if _NO_COMPLEX_BEFORE.search(text, 0, m.start("block")):
                continue  # 아파트 3단지 304동 802호 관리사무소: no complex is named
            if m.group(0)[-1] == "호" or _HOME_CUE.search(
                    text, max(0, m.start() - 30), min(len(text), m.end() + 12)) or re.match(
                    rf"{_SIGUNGU}|[가-힣]+동", m.group(0)):
                yield "address", m.start(), m.end(), _digits_to_stars(m.group(0))
    for m in _EMD_COMPLEX_BLOCK_RE.finditer(text) if "동" in text else ():
        if _HOME_CUE.search(text, max(0, m.start() - 30), min(len(text), m.end() + 12)):
            yield "address", m.start(), m.end(), _digits_to_stars(m.group(0))
    if "층" in text or "지하" in text or "옥탑" in text:
        for m in _VILLA_FLOOR_RE.finditer(text):
            yield "address", m.start(), m.end(), _digits_to_stars(m.group(0))
    if "-ro" in text or "-gil" in text or "-dong" in text or "-daero" in text:
        for m in _ROMAN_ADDR_RE.finditer(text):
            if (m.group("n1") or m.group("n2") or m.group("lot")) and not _ROMAN_OFFICE.search(
                    text, max(0, m.start() - 25), m.start()):
                yield "address", m.start(), m.end(), _digits_to_stars(m.group(0))
    if "번지" in text:
        # 면목동이요... 아 번지는 174-6: the word before the number
        for m in _LOT_AFTER_WORD_RE.finditer(text):
            if _LOT_CUE_BEFORE.search(text, max(0, m.start() - 40), m.start()):
                yield "address", m.start("num"), m.end("num"), _digits_to_stars(m.group("num"))
        for m in _LOT_NUMBER_RE.finditer(text):
            if _LOT_CUE_BEFORE.search(text, max(0, m.start() - 40), m.start()) and not (
                    _LOT_LIST_OR_BRACKET.search(text, max(0, m.start() - 40), m.start())):
                yield "address", m.start(), m.end(), _digits_to_stars(m.group(0))


# Personal names, only where the context says so.
_SURNAMES = (
    "남궁|황보|제갈|선우|독고|사공|서문|동방|"
    "김|이|박|최|정|강|조|윤|장|임|한|오|서|신|권|황|안|송|류|유|전|홍|고|문|양|손|배|백|허|남|"
    "심|노|하|곽|성|차|주|우|구|민|진|지|엄|채|원|천|방|공|현|함|변|염|여|추|도|소|석|선|설|마|"
    "길|연|위|표|명|기|반|라|왕|금|옥|육|인|맹|제|모|탁|국|어|은|편|용|예|경|봉|태|피|감|나|빈|"
    "계|두|호|범|좌|팽|승|간|상|시|하|복|형|견|당|화|가|단|온|탄|운|천|빙|묵|판|뇌|매|야|학|영|"
    "옹|부|궁|근|음|순"
)
_NAME = rf"(?:{_SURNAMES})[가-힣]{{1,2}}"
COMPOUND_SURNAMES = frozenset(s for s in _SURNAMES.split("|") if len(s) == 2)
# Surnames too rare to take without a naming word right before (성함은 목현주): 목 starts words
# (목소리, 목요일) the detector would read as names.
_CUED_NAME = rf"(?:{_SURNAMES}|목|초)[가-힣]{{1,2}}"
_NAME_END = (
    # (유: a Chungcheong copula, 표명자유)
    r"(?=[ \t]*(?:유(?![가-힣])|입니다|이에요|이예요|예요|에요|이고|이구요|이요|요|이라고|라고|이랑"
    r"|이며|인데|이세요|세요|이십니다|이신데|였|이었|으로요|로요|"
    r"이[ \t]|가[ \t]|은[ \t]|는[ \t]|을[ \t]|를[ \t]|의[ \t]|씨|님|고객|으로[ \t]|로[ \t]|"
    r"으로$|로$|고요|이고요|,|\.|\)|$|[ \t]|[^가-힣]))"
)
_NAME_CUE_RE = re.compile(
    r"(?:(?:제|내|저의|나의|본인|우리|저희[ \t]?[가-힣]{1,4}|어머니|아버지|남편|아내|아들|딸)"
    r"[ \t]?(?:이름|성함|성명)(?:은|는|이|이요|:)?"
    r"|(?:이름|성함|성명|신청인|신청자|예금주|수령인|수취인|받는[ \t]?(?:분|사람)|보호자|환자|"
    r"민원인|대상자|본인|고객명|신고인|대상[ \t]?아동|아동명|피해자|"
    r"(?:예약|가입|계약|신고|접수|작성|명의|소유|등록|수신|발신|대표)자(?:명|[ \t]이름)?|"
    r"세대주"
    # a form's field named for whose name it holds (환자명, 회원명, 수강생명: 환자명 변태호)
    r"|(?:환자|회원|학생|수강생|원생|직원|이용자|참가자|참석자|근로자|피보험자|입금자|주문자|수령자"
    r"|보호자|사용자|소유자|임차인|임대인|수급자|청구인|의뢰인|발신자|수신자)명(?![가-힣]))"
    r"[ \t]*(?:의[ \t]?)?(?:(?:이름|성함|성명)[ \t]?)?(?:은|는|이|:|=|-|[란칸]에)?"
    r"|(?:이|가)[ \t]아니(?:라|고))"
    # 성함이 어떻게 되세요? 박서준이요: the question, then the answer
    r"(?:[ \t]*(?:어떻게|뭐|무엇)[^?\n]{0,12}\?[ \t]*(?:네[,.]?[ \t]*)?)?"
    # 이름이 아마 도기철이었을 거예요: a word said while remembering
    r"(?:[ \t]*(?:아마|아마도|음|어|그러니까|정확히|분명히?|원래)[,.]?(?=[ \t]))?"
    # 보호자는 아들 최동훈이에요: a relative's title before the name
    r"(?:[ \t]*(?:아들|딸|남편|아내|어머니|아버지|엄마|아빠|동생|형|누나|언니|오빠|장남|장녀|차남"
    r"|차녀|막내|큰아들|큰딸|작은아들|작은딸|며느리|사위|손자|손녀|조카|이모|고모|삼촌|배우자|부인"
    r"|할머니|할아버지)[ \t]+)?"
    # 이름이 '소나무'예요: the name may stand in quotes
    rf"[ \t]*['\"‘“]?(?P<name>{_CUED_NAME})"
    rf"(?:['\"’”](?=[가-힣]{{0,4}}(?:[ \t.,!?]|$))|{_NAME_END})"
)
_SELF_INTRO_RE = re.compile(
    rf"(?:저는|저|전|나는|난|여기는|안녕하세요[,.!]?)[ \t]*(?P<name>{_NAME})[ \t]?(?:입니다|이에요|"
    rf"이예요|예요|이라고[ \t]?(?:합니다|해요|하는데요)|라고[ \t]?(?:합니다|해요|하는데요)|인데요|"
    rf"이고요|고요|이라고요|라고요|(?:이라는|라는)[ \t]?(?:사람|사람인데요|사람입니다))"
)
# "제 동생 유하은이 ...": a relative, then the name
_KIN_RE = re.compile(
    r"(?:제|내|우리|저희)[ \t]?(?:동생|남동생|여동생|아들|딸|큰아들|작은아들|큰딸|작은딸|남편|아내|"
    r"와이프|집사람|어머니|아버지|엄마|아빠|형|누나|언니|오빠|할머니|할아버지|손자|손녀|조카|"
    r"시어머니|시아버지|장모님|장인어른|며느리|사위|이모|고모|삼촌)[ \t]+"
    rf"(?P<name>{_NAME})(?=이[ \t]|가[ \t]|는[ \t]|은[ \t]|도[ \t]|를[ \t]|을[ \t]|[ \t]|,|$"
    r"|(?:이에요|예요|입니다|이고요|이고|고요|이요|으로|로|이라고|라고|인데요|인데|씨|님)(?![가-힣]))"
)
# "남편이 배성우고": a relative as the subject, then the name and a copula
_KIN_IS_RE = re.compile(
    r"(?<![가-힣])(?:남편|아내|아들|딸|어머니|아버지|엄마|아빠|동생|조카|손자|손녀)"
    r"(?:이|은|는|가)[ \t]+"
    rf"(?P<name>{_NAME})(?=(?:이고|고|이에요|예요|입니다|이요|요|이거든요|거든요)(?![가-힣]))"
)
# "언니 권세희 대신 전화했어요", "막내 오태민 명의로": a kin word with no 제/우리, then a name of a
# name's shape and a word that says it stands for someone (a weak cue)
_KIN_BARE_RE = re.compile(
    r"(?<![가-힣])(?:언니|오빠|누나|형|동생|남동생|여동생|아들|딸|남편|아내|와이프|엄마|아빠|어머니"
    r"|아버지|할머니|할아버지|손자|손녀|조카|이모|고모|삼촌|며느리|사위|장남|장녀|막내)[ \t]+"
    rf"(?P<name>{_NAME})(?=[ \t]?(?:대신|명의|앞으로|이름으로|이름|씨|님|보호자)(?![가-힣]{{2}}))"
)
# "한국 이름으로 왕려나로 되어 있네요", "명의는 하정숙으로 돼 있어요": a name said to be what a
# record holds
_NAMED_AS_RE = re.compile(
    r"(?:이름|명의|성함|성명|예금주|명의자)(?:으로|은|는|이|가|도)?[ \t]+"
    rf"(?P<name>{_NAME})(?=(?:으로|로)[ \t]?(?:되어|돼|됐|되|등록|올라|나와|적혀|쓰여))"
)
# "외자예요 편 결, 편결": a two-syllable name spelled, then said whole
_SPELLED_TWO_RE = re.compile(
    rf"(?<![가-힣])(?P<spelled>(?P<s>{_SURNAMES})[ \t]+(?P<g>[가-힣]))[ \t,.]+"
    r"(?P<said>(?P=s)(?P=g))"
    r"(?=$|[^가-힣]|(?:이요|요|이에요|예요|입니다|이고|이고요|이라고|이에여)(?![가-힣]))"
)
# "-편지윤 드림", "... 감사합니다. 주나연 올림": a name before a letter's closing at the end of a
# line (a name of a name's shape: the closing is a weak cue)
_CLOSING_NAME_RE = re.compile(
    rf"(?:^|(?<=[\s\-–—.,:]))(?P<name>{_NAME})[ \t]*(?:드림|올림|배상)(?=[ \t.!\-–—]*(?:$|\n))"
)
# "윤서준 학생 보호자", "김도윤 엄마인데요", "송하윤 앞으로 와요": a name, then a word that
# says whose it is
_NAME_OF_RE = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME})[ \t]?(?:"
    r"(?:엄마|아빠|어머니|아버지|어머님|아버님|보호자|학생|어린이|환자|본인)"
    r"(?=인데|입니다|이에요|예요|이고|이요|요|되|맞|[ \t]|$)"
    r"|[ \t](?:앞으로|이름으로|명의로|명의의)(?![가-힣]))"
)
# "서 민 지 상담사님": a name spelled out syllable by syllable, before an honorific
_SPACED3_CALL_RE = re.compile(
    rf"(?<![가-힣])(?P<name>(?:{_SURNAMES})[ \t][가-힣][ \t][가-힣])[ \t]?"
    r"(?:씨|님|고객님|상담사님|주무관님|선생님|기사님)"
)
# "김 영희 님": surname, a space, then the given name, before an honorific
_SPACED_CALL_RE = re.compile(
    rf"(?<![가-힣])(?P<sur>{_SURNAMES})[ \t](?P<given>[가-힣]{{2}})[ \t]?(?:씨|님|고객님)"
)
# "남궁민수라고 합니다" at the start of an utterance
_INTRO_START_RE = re.compile(
    rf"(?:^|[.!?,]\s*|네[,.]?\s+)(?P<name>{_NAME}[가-힣]?)(?:이라고|라고)[ \t]?"
    r"(?:합니다|해요|하는데요)"
)
# "상담원 님 천가은입니다", "ㅎㅇ요 남기쁨이에요": who is speaking, first after a greeting or the
# start of the message (a name-like word only; 신청서입니다 is no name - see _names)
_GREETED_RE = re.compile(
    r"(?:^|[.!?~]\s*|(?:네|예|아|ㅎㅇ요|ㅎㅇ|안녕하세요|안녕하십니까|여보세요|수고하십니다"
    r"|상담원[ \t]?님|상담사[ \t]?님|선생님)[.,!~]*\s+)"
    rf"(?P<name>{_NAME})(?:입니다|이에요|예요)(?![가-힣])"
)
# "제 이름이 좀 특이해요 빈소라라고 해요": X라고 해요 anywhere (a name-like word only, as above)
_SAID_RE = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME})[ \t]?(?:이라고|라고)[ \t]?"
    r"(?:합니다|해요|하는데요|하고요|불러요"
    # (위지혜라고 서명했어요, 한소율이라고 적었는데: a name signed or written so)
    r"|서명|사인|적었|적어|썼|써[ \t]?(?:있|놓|주)|쓰여|적혀)"
)
# "성함 확인 부탁드립니다 - 네 김순덕이요": a request for the name, then 네 and the answer
_ANSWER_RE = re.compile(
    # (A: 성함이요? B: 나예림요, 상담원: 성함은요? 고객: ...: a speaker's label before the answer)
    rf"(?:이름|성함|성명)[^\n]{{0,24}}?(?:(?:네|예)[,.]?[ \t]+"
    r"|\?[ \t]*(?:/[ \t]*)?(?:[A-Z]|고객|민원인|신청인|보호자|어르신|손님)?[ \t]?[-:][ \t]*"
    r"|[ \t]-[ \t]+"
    r"|\?[ \t]*(?:아|음|어|네|예)[,.]?[ \t]+)"
    rf"(?P<name>{_NAME})"
    r"(?=[ \t]?(?:이요|입니다|이에요|예요|요|이고|이구요)(?![가-힣])|[ \t]*$)"
)
# "용산구 사는 정미숙인데요": where one lives or works, then a name and a copula
_LIVES_RE = re.compile(
    r"(?:사는|살고[ \t]?있는|다니는|일하는|근무하는)[ \t]+"
    rf"(?P<name>{_NAME})(?=(?:인데요|인데|입니다|이에요|예요|이고요|이고|이요|이라고|라고)(?![가-힣]))"
)
# "박물결이라는 분이", "정의로라는 사람": a name, then 이라는/라는 and a word for a person
_SO_CALLED_RE = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME})(?:이라는|라는)[ \t]?"
    r"(?:분(?!야|석|류|량|위기|식|리|명|노|실|해|배|만|양|쟁|당|담|할)|사람|이름|애(?![가-힣]{2})|아이"
    r"|친구|학생|직원|여자|남자|청년|할머니|할아버지|아저씨|아주머니|아줌마|언니|형(?![가-힣])"
    r"|누나|오빠|선생님|기사(?![가-힣])|환자)"
)
# "봉 자 현 자 우 자, 봉현우입니다": a name spelled with 자 after each syllable
_SPELLED_JA_RE = re.compile(
    rf"(?<![가-힣])(?P<sur>{_SURNAMES})[ \t]?자[ \t,]+(?P<g1>[가-힣])[ \t]?자"
    r"(?:[ \t,]+(?P<g2>[가-힣])[ \t]?자)?(?![가-힣])"
)
# ... and in more shapes: the surname said without its 자 (허 귀 자 동 자), or a foreign name's
# parts of two syllables (탕 자 밍 자 후이 자) - after a naming word, or said whole as well.
_SPELLED_JA_WIDE_RE = re.compile(
    # (the surname may be said as such: 마 씨에 다 자 해 자, 성은 길이고 다 자 은 자)
    r"(?<![가-힣])(?:(?P<s0>[가-힣])(?:[ \t]?씨(?:에|고|이고|요)?,?|이고,?|고,?)?[ \t]+)?"
    r"(?P<p1>[가-힣]{1,2})[ \t]?자[ \t,]+"
    r"(?P<p2>[가-힣]{1,2})[ \t]?자(?:[ \t,]+(?P<p3>[가-힣]{1,2})[ \t]?자)?"
    r"(?:(?![가-힣])|(?=(?:예요|요|이고|고|입니다|라고|이에요)(?![가-힣])))"
)
_SPELLED_JA_CUE = re.compile(r"이름|성함|함자|성명|존함|성은|성이")
_SPELLED_JA_CUE_WIDE = re.compile(r"이름|성함|함자|성명|존함|성은|성이|외자|한[ \t]?글자")
# "홍길순으로 예약했어요": a name, then what was booked or filed under it
_BOOKED_RE = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME})(?:으로|로)[ \t]?(?:예약|접수|신청|등록|가입)"
    r"(?:했|돼[ \t]?있|되어[ \t]?있)"
)
# "집주인은 조은숙이에요": a party to a lease or a business, then a name and a copula or title
_ROLE_RE = re.compile(
    r"(?:집주인|세입자|임대인|임차인|소유주|소유자|대표자|대표|사장님|(?:명의|신청|예약|가입|계약)자)"
    r"[ \t]?(?:(?:은|는|이|가|:)[ \t]*|[ \t])"
    rf"(?P<name>{_NAME})(?=[ \t]?(?:(?:이에요|예요|입니다|이고|이요|이세요|세요|씨|님|이라는|라는)"
    r"(?![가-힣])|(?:으로|로)[ \t]?(?:되어|돼|됐|되))|(?:하고|이랑|랑)[ \t])"
)
# "센터장 방수아", "발신: 불광2동 주민 예승환", "총무 길순자, 회원 추병호": a title, a role or
# a membership word, then a name where a clause, a list item or a signature ends
_TITLE_NAME_RE = re.compile(
    r"(?<![가-힣])(?:주민|회장|부회장|총무|회원|간사|센터장|원장|관장|소장|팀장|과장|계장|국장|실장"
    r"|주무관|담당자?|통장|반장|이장|대표|부대표|작성자|신고자|제보자|목격자|당사자|보호자|위원장?"
    r"|교사|담임|기사|사장|간호사|사회복지사|복지사|요양보호사|생활지원사|활동지원사|관리인"
    r"|경비원|집주인|세입자|이웃|학부모|학생|원생|어르신|환자|수신자|발신자|참조|건물주|업주"
    r"|경위|경사|경장|순경|형사|관장|입회|첫째|둘째|셋째|막내|큰애|작은애|제출자"
    # the parties a form or a report names (산모 X, 운전자 X, 상주 X, 보증인 X)
    r"|산모|임산부|운전자|운전기사|상주|고인|청구인|납부자|납세자|보증인|연대보증인|증인|동거인"
    r"|세대원|가구원|조합원|입주자|입주민|구매자|판매자|의뢰인|담당의|주치의|진료의|처리자|문의자"
    # who signs a form (작성인 X (인), 영수인 X, 확인자: X)
    r"|작성인|영수인|서명인|확인인|확인자|제출인|진술인|동의자|동의인|수령인)"
    r"(?:[ \t]*[:：][ \t]*|[ \t]+)"
    # (민원 처리자: 사회복지과 여상훈: the department between the role and the name)
    r"(?:[가-힣]{2,8}(?:과|팀|센터|계)[ \t]+)?"
    rf"(?P<name>{_NAME})"
    r"(?=[ \t]*(?:$|[/,.)\]·;:\n(]|드림|올림|배상|입니다|이고|이며|씨|님|하고|이랑|랑[ \t]"
    r"|(?:이요|이에요|예요|이고요|요)(?![가-힣])"
    r"|(?:의|은|는|이|가|와|도|에게|한테|께|께서)[ \t]))"
)
# "관할 파출소 경위 엄기현 인계", "담당 주무관 하지원 확인": a rank or a post that names one
# person, then a name and any word
_RANK_NAME_RE = re.compile(
    r"(?<![가-힣])(?:경위|경사|경장|순경|형사|주무관|팀장|반장|센터장|원장|관장|소장"
    r"|사회복지사|간호사|요양보호사"
    # a form's parties (주문자 표정민 수령인 표하나, 위임인 X 수임인 Y)
    r"|주문자|수령인|수령자|위임인|수임인|위임자|수임자|채무자|채권자|피의자|임대인|임차인"
    r"|대리인)[ \t]+"
    rf"(?P<name>{_NAME})(?=[ \t,/)]|$)"
)
# "강만석(65)씨", "명순덕(여, 72세)": a name, then the age or sex in brackets
_AGED_RE = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME})[ \t]?\((?:"
    # (여, 72세), (88세), (60대), (남): an age or a sex said as such ...
    r"(?:[남여](?:성|자)?[ \t]?[,/][ \t]?)?\d{1,3}(?:세|살|대)(?:[ \t]?[,/][ \t]?[남여](?:성|자)?)?"
    r"|[남여](?:성|자)?(?:[ \t]?[,/][ \t]?\d{1,3}(?:세|살|대)?)?"
    # ... or a bare number when 씨/님 follows the bracket: 강만석(65)씨
    r"|\d{1,3}\)[ \t]?(?=씨|님))\)?"
)
# "채다온 아니고 채다윤", "구민혁이 아니라 구민혜요": a name corrected to another of the same
# surname - the slip and the name are both the person's
_CORRECTED_RE = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME})(?:이|가)?[ \t]?(?:아니고|아니라|말고|아니에요)[,.]?[ \t]+"
    rf"(?P<again>{_NAME})(?=(?:이요|요|이에요|예요|입니다|이고|이라고|라고)?(?![가-힣]))"
)
# Syllables common in Korean given names: the weakest cues (a role word, 으로 예약했어요) take a
# name only when both given-name syllables are among them (인터넷으로 신청했어요 is no name).
_GIVEN_SYLLABLES = frozenset(
    "가각간갑강개건걸겸경계고곤공관광교구국군권귀규균근금기길나남내녀노누늘다단달담대덕도돈동두"
    "라란람래량려련렬령례로록뢰룡류륜률리린림립마만말매명모목몽무문미민바박반방배백범병보복본봉"
    "부분빈사산삼상새생서석선설섭성세소속손송수숙순술숭슬승시식신실심아안애야양어억언엄여연열염"
    "영예오옥온완왕요용우욱운웅원월위유윤율은을음의이익인일임자작잠장재전정제조종주준중지직진찬"
    "창채천철청초춘충치친탁태택파판평포표필하학한해향허헌혁현형혜호홍화환활황회효후훈휘희"
    "엽결봄별솔"
)


def _name_like(name: str) -> bool:
    given = name[2:] if name[:2] in COMPOUND_SURNAMES else name[1:]
    return all(ch in _GIVEN_SYLLABLES for ch in given)

_CALLS_RE = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME})[ \t]?"
    r"(?:씨|님|고객님|어르신|선생님|주무관|팀장|과장|대리|주임|실장|기사님|원장"
    r"|할아버지|할아버님|할머니|할머님|아주머니|아저씨"
    r"|사회복지사|복지사|간호사|교수님|반장님|소장님|변호사님|세무사님|목사님|여사님"
    r"|(?:관장|센터장|국장|부장|계장|사무장|코치|감독)님"
    r"|(?:경위|경사|형사|순경|경장|경감)"
    r"(?=[ \t.,!?)]|$|(?:님|입니다|이에요|예요|이세요)(?![가-힣])))(?!앗)"
)
# "홍수아 군 말고 홍수아 양이에요": a young person's name before 군 or 양 said apart (a name of
# a name's shape: 군 and 양 are also a county and an amount)
_YOUNG_CALL_RE = re.compile(
    rf"(?<![가-힣])(?P<name>{_NAME})[ \t](?:군|양)"
    r"(?=[ \t,.!?]|$|(?:이|이에요|이요|은|이랑|한테|에게|도|의|말고|이고)(?![가-힣]))"
)
# Common nouns of the same shape that must not be read as names (and nouns ending in 이, which
# a consonant-final given name with 이 then a particle looks like: 거북이가 against 다운이가).
_NOT_NAMES: frozenset[str] = frozenset(
    str.split(
        """상담사 상담원 관리자 담당자 신청자 보호자 이용자 운전자 민원인 주무관 공무원 사용자 선생
    고객 어르신 사장 부장 과장 대리 주임 팀장 실장 원장 소장 기사 교수 의사 간호사 시민 주민
    구청장 시장 동장 이장 반장 통장 아저씨 아줌마 아주머니 할머니 할아버지 어머니 아버지 형님
    동생 누나 언니 오빠 남편 아내 아들 딸 손자 손녀 학생 주부 직원 회사원 자영업 무직 본인 가족
    기초수급 수급자 장애인 노인 청년 임산부 신혼부부 외국인 이웃 집주인 세입자 임대인 임차인
    문의 민원 신청 접수 확인 변경 해지 예약 상담 전화 연락 우리 저희 여기 거기 정말 진짜 그냥
    이번 다음 지난 제가 내가 그게 이게 저게 무슨 어떤 모든 각각 서울 시청 구청 주민센터 경찰
    이름 성함 성명 어떻게 어떻 누구 무엇 이상 이하 이내 이후 이전 정도 부분 대상 조건 방법
    절차 서류 기간 금액 비용 요금 시간 장소 연락처 연락 전화번호 주소 번호
    지원 지원금 수당 보험 연금 세금 주차 교통 버스 지하철 택시 도로 건물 아파트 주택 고양이
    강아지 기자 작가 감독 대표 위원 의원 국회 정부 이사 이사장 회장 총장 박사 석사 학사 도우미
    나중 지금 아직 이따 비밀 말씀 모르
    예금주 수령인 수취인 신청인 세대주 명의자 대리인 계약자 가입자 예약자 소유주 소유자
    인솔자 운영자 참가자 참여자 지원자 거주자 피해자 가해자 당사자 배우자 근로자 사업자 소비자
    후원자 양육자 담임 배우 인지 인데 인가 인걸 인줄
    거북이 원숭이 부엉이 호랑이 오뚝이 멍멍이 야옹이 꼬맹이 막둥이 돌멩이 지팡이 올챙이 달팽이
    하고 이랑 이나 이며 에서 부터 까지 처럼 보다 마다 조차 밖에 인증 명단 차량
    철자 함자 영문 한글 소방관 경찰관 유공자 후손 이름표 명찰 불러 알려 적어 말해 드려
    칠순 팔순 구순 환갑 회갑 고희 오신 가신 계신 하신 주신 보신 드신 되신
    부대표 부회장 부원장 부센터장 부반장 부녀회장 노인회장 총무 신고자 제보자 목격자 관리인
    경비원 경비 반장님 통장님 회장님 학부모 조사관 감독관 감사관 조리사 사회자 진행자 안내원
    복지사 고시원 고시텔 장학금 장학생 매니저 연결 태권도 합기도
    주인 정확히 한국인 중국인 일본인 미국인
    공청회 간담회 설명회 박람회 운영회 위원회 부녀회 노인회 청년회 자치회
    외자 가명 본명 예명 실명 별명 개명 닉네임 필명 아명 성 위임인 수임인 위임자 수임자
    시아버 시어머 할머 할아버 외할머 외할아버 아버 어머 시아주버 아가씨 총각
    끝자리 앞자리 뒷자리 첫글자 끝글자 가운데"""
    )
)


_QUANTITY_WORDS = frozenset(("이상", "이하", "이내", "미만", "초과", "정도", "가량", "내외"))


def _name_ok(name: str, strict: bool = True) -> bool:
    """``strict`` (weak cues such as 씨/님) also rejects names that start with a common noun."""
    if name in _NOT_NAMES or (strict and name[:2] in _NOT_NAMES):
        return False
    if name[-1] in "은는이가을를도의로" and name[:-1] in _NOT_NAMES:  # 이름은, 성함이
        return False
    if name[-1] == "으":  # 영문으(로): a word before 으로, no name ends so
        return False
    if len(name) == 3 and name[1:] in _QUANTITY_WORDS:
        return False  # (입주자 5)명이상의: a count's unit and a quantity word, no name
    if len(name) == 2 and name[1] in "씨님":  # 여씨예요: a surname and its honorific
        return False
    if name[2:] in pii_name_model.TITLES and name[:2] in COMPOUND_SURNAMES or (
            name[1:] in pii_name_model.TITLES):
        return False  # 육반장(님), 김과장: a surname and a title
    if pii_name_model.place_word(name) or name in pii_name_model.PLACE_NAMES:
        return False  # 복지관 사회복지사, 경로당 어르신, 시리아 군: a place, no name

    return not re.search(
        r"(?:입니|이에|이라|에요|예요|합니|하는|해요|세요|어요|아요|니다|요|에|예)$", name)


# What follows the 이 of a copula after a given name (기쁨이에요, 강산이라고, 한솔이었어요)
_COPULA_REST = re.compile(r"(?:에요|예요|라고|래요|었|에여|고요|거든요)")


def _has_final(syllable: str) -> bool:
    """A Hangul syllable with a final consonant (쁨, 산; not 비, 수)."""
    return "가" <= syllable <= "힣" and (ord(syllable) - 0xAC00) % 28 != 0


_WORD_AFTER = re.compile(r"[ \t]+(?!씨|님|선생님|학생|어린이|할머니|할아버지"
                         r"|(?:이라고|라고|이에요|예요|입니다|이요|요|이고|고|군|양)(?![가-힣]))[가-힣]")


def _names(text: str) -> Iterator[Candidate]:
    # (the spelled form is rare: look for it only where 자 stands alone)
    spelled = _SPELLED_JA_RE.finditer(text) if ("자 " in text or "자," in text) else ()
    for m in spelled:
        name = m.group("sur") + m.group("g1") + (m.group("g2") or "")
        if name in _NOT_NAMES:
            continue
        if not m.group("g2") and name not in text[m.end():] and not _SPELLED_JA_CUE.search(
                text, max(0, m.start() - 20), m.start()):
            continue  # 이 자 저 자, 한 자 한 자: two letters with no name said or asked for
        yield "name", m.start(), m.end(), mask_name(name)
        for j in re.finditer(re.escape(name), text):  # the name said whole as well
            if not (m.start() <= j.start() < m.end()):
                yield "name", j.start(), j.end(), mask_name(name)
    wide = _SPELLED_JA_WIDE_RE.finditer(text) if ("자 " in text or "자," in text) else ()
    for m in wide:
        parts = [p for p in (m.group("s0"), m.group("p1"), m.group("p2"), m.group("p3")) if p]
        name = "".join(parts)
        if m.group("s0") and m.group("s0") not in SURNAME_SET:
            continue
        said = [j for j in re.finditer(rf"(?<![가-힣]){re.escape(name)}", text)
                if not (m.start() <= j.start() < m.end())]
        if name in _NOT_NAMES or not (said or _SPELLED_JA_CUE.search(
                text, max(0, m.start() - 20), m.start())):
            continue
        yield "name", m.start(), m.end(), mask_name(name)
        for j in said:
            yield "name", j.start(), j.end(), mask_name(name)
    for m in _SPELLED_TWO_RE.finditer(text) if _SPELLED_JA_CUE_WIDE.search(text) else ():
        name = m.group("s") + m.group("g")
        if (m.group("g") in _GIVEN_SYLLABLES and name not in _NOT_NAMES
                and name not in pii_name_model.common_word_set()):
            yield "name", m.start("spelled"), m.end("spelled"), f"{m.group('s')} *"
            yield "name", m.start("said"), m.end("said"), mask_name(name)
    if "아니" in text or "말고" in text:
        for m in _CORRECTED_RE.finditer(text):
            a, b = m.group("name"), m.group("again")
            common = pii_name_model.common_word_set()
            if len(a) == len(b) == 3 and a[0] == b[0] and a != b and all(
                    _name_like(n) and _name_ok(n) and n not in common
                    # 오전이 아니라 오후로: a word and its particle
                    and not (n[-1] in "은는이가을를의에로도" and n[:-1] in common)
                    for n in (a, b)):
                yield "name", m.start("name"), m.end("name"), mask_name(a)
                yield "name", m.start("again"), m.end("again"), mask_name(b)
    for m in _SPACED3_CALL_RE.finditer(text):
        syllables = m.group("name").split()
        if "".join(syllables) not in _NOT_NAMES and _name_like("".join(syllables)):
            yield "name", m.start(), m.end("name"), f"{syllables[0]} * {syllables[-1]}"
    for m in _SPACED_CALL_RE.finditer(text):
        if m.group("sur") + m.group("given") not in _NOT_NAMES and _name_ok(m.group("given")):
            yield "name", m.start(), m.end("given"), f"{m.group('sur')} {m.group('given')[0]}*"
    for pattern, sizes in ((_NAME_CUE_RE, (2, 3, 4)), (_SELF_INTRO_RE, (2, 3, 4)),
                           (_INTRO_START_RE, (3, 4)), (_CALLS_RE, (3,)), (_KIN_RE, (3,)),
                           (_BOOKED_RE, (3,)), (_ROLE_RE, (3,)), (_ANSWER_RE, (3,)),
                           (_KIN_IS_RE, (3,)), (_NAME_OF_RE, (3,)), (_LIVES_RE, (3,)),
                           (_SO_CALLED_RE, (3, 4)), (_GREETED_RE, (3,)),
                           (_SAID_RE, (3,)), (_TITLE_NAME_RE, (3, 4)), (_AGED_RE, (3, 4)),
                           (_RANK_NAME_RE, (3, 4)), (_KIN_BARE_RE, (3,)),
                           (_NAMED_AS_RE, (3, 4)), (_YOUNG_CALL_RE, (3,)),
                           (_CLOSING_NAME_RE, (3, 4))):
        if pattern is _YOUNG_CALL_RE and " 군" not in text and " 양" not in text:
            continue  # (a scan at every surname for a rare form: only where it can be)
        for m in pattern.finditer(text):
            name = m.group("name")
            # 이름이 기쁨이에요, 강산이라고: a given name ending in a consonant and the copula's
            # 이, not a name of three syllables ending in 이 (the given name is the name)
            given_said = (pattern is _NAME_CUE_RE and len(name) == 3 and name[-1] == "이"
                          and _has_final(name[-2])
                          and _COPULA_REST.match(text, m.end("name")) is not None)
            if given_said:
                name = name[:2]
            # A 4-syllable match may have swallowed a particle: 홍길동이 -> 홍길동.
            for cut in (name, name[:-1]):
                # Right before 씨/님 or after 저는, 이상민 and 이하늘 are names, though 이상 and
                # 이하 are also common nouns.
                strict = pattern not in (_NAME_CUE_RE, _SO_CALLED_RE, _ANSWER_RE) and not (
                    pattern in (_CALLS_RE, _SELF_INTRO_RE) and len(cut) == 3 and _name_like(cut))
                if len(cut) in sizes and _name_ok(cut, strict=strict):
                    name = cut
                    break
            else:
                continue
            # 본인 인증, 이름은 차량에, 성함은 모르고, 이름 영어로: a common word (and its
            # particle) after the cue, no name
            if pattern is _NAME_CUE_RE and not given_said and (
                    name[-1] in "은는을를의에로" and name[:-1] in pii_name_model.common_word_set()
                    or not _name_like(name) and name in pii_name_model.common_word_set()):
                continue
            if pattern is _NAME_CUE_RE and not given_said and (
                    # 이름이 길어요: an adjective or a verb after the cue, no name
                    name[-1] in "어워져겨뤄꿔눠"
                    # 이름은 한국말로: a noun kiwi is sure of, then 로
                    or re.match(r"으?로(?![가-힣])", text[m.end("name"):])
                    and pii_name_model.lexicon().get(name, "").startswith(("NNG:0", "NNG:1"))
                    # 차 이름 소나타, 가게 이름은 행복마트: a thing's name, no person's
                    or pii_name_model.thing_named_before(text, m.start("name"))):
                continue
            # 이름이 예전 주소로: a two-syllable common word after the cue and before another
            # word (not a title or a copula) is that word
            if pattern is _NAME_CUE_RE and len(name) == 2 and not given_said and (
                    name in pii_name_model.common_word_set()) and _WORD_AFTER.match(
                    text, m.start("name") + 2):
                continue
            # 본인 명의예요, 신청인 확인이요: a two-syllable common word after a cue that is no
            # naming word (이름/성함/성명) is that word
            if pattern is _NAME_CUE_RE and len(name) == 2 and (
                    name in pii_name_model.common_word_set()) and not re.search(
                    r"이름|성함|성명", text[m.start():m.start("name")]):
                continue
            # Weak cues take a three-syllable name, or four behind a two-syllable surname
            # (남궁민수).
            if pattern in (_BOOKED_RE, _ROLE_RE, _ANSWER_RE, _KIN_IS_RE, _KIN_BARE_RE,
                           _NAMED_AS_RE, _YOUNG_CALL_RE, _CLOSING_NAME_RE,
                           _NAME_OF_RE, _LIVES_RE, _GREETED_RE, _SAID_RE, _TITLE_NAME_RE,
                           _AGED_RE, _RANK_NAME_RE) and not _name_like(name):
                continue
            if pattern in (_KIN_BARE_RE, _NAMED_AS_RE, _YOUNG_CALL_RE, _RANK_NAME_RE) and (
                    name in pii_name_model.common_word_set() or pii_name_model.lexicon().get(
                        name, "").startswith(("NNG", "NNB", "MAG", "VV", "VA"))):
                continue  # 동생 한동안 대신: a word kiwi knows, no name
            if pattern in (_TITLE_NAME_RE, _RANK_NAME_RE) and name[-1] in "과팀실국청점관역당회":
                continue  # 주민 공청회, 담당 복지과: an office or a meeting, no name
            if pattern in (_GREETED_RE, _SAID_RE) and (name[-1] in "과팀실국청점관역당부" or (
                    {name, name[:2]} & pii_name_model.common_word_set())):
                continue  # 신청서입니다, 정보과입니다: a common word or an office
            # 서초구 아빠, 여자가 본인, 양평군 양: a district or a word with its particle, no name
            if pattern in (_NAME_OF_RE, _YOUNG_CALL_RE) and name[-1] in "구시군가동읍면리" or (
                    pattern is _YOUNG_CALL_RE and name[-1] in "의은는을를에로도와과"):
                continue
            if pattern in (_SELF_INTRO_RE, _CALLS_RE, _KIN_RE) and len(name) != 3 and not (
                    len(name) == 4 and name[:2] in COMPOUND_SURNAMES):
                continue
            start = m.start("name")
            if _part_of_a_word(text, start, name):
                continue
            yield "name", start, start + len(name), mask_name(name)


# "이름이 나비예요, 주나비", "성함이 강물이래요 신강물", "동생 하루랑 같이 갈게요, 윤하루": a word
# said alone and again behind a surname - the given name, then the full name (the given name may
# be a common word: the pair says it is a name).
_FULL_WORD_RE = re.compile(
    rf"(?<![가-힣])(?P<name>(?:{_SURNAMES})[가-힣]{{2}})"
    r"(?=$|[^가-힣]|(?:이요|요|이에요|예요|입니다|이고|이고요|이라고|이래요|이랍니다|씨|님|이가|가|은"
    r"|는|이는|이를|을|를|이랑|이한테|한테)(?![가-힣]))"
)

_GIVEN_SAID_AFTER = (
    r"(?=(?:이랑|랑|이하고|이한테|이에요|예요|이래요|래요|이요|이라고|라고|이거든요|거든요|[ \t]?씨"
    r"|[ \t]?님|아|야|이야|이가|이는)(?![가-힣]))"
)


_GIVEN_SAID_AFTER_RE = re.compile(_GIVEN_SAID_AFTER)


def _said_at(text: str, word: str, after: re.Pattern[str], digits: bool = False
             ) -> Iterator[int]:
    """Where ``word`` starts a word of ``text`` (no Hangul - or digit - right before it) and
    ``after`` matches right after it (patterns are compiled once: a pattern per name would
    fill re's cache)."""
    yield from _said_positions(text, word, after, digits)


@lru_cache(maxsize=128)
def _said_positions(text: str, word: str, after: re.Pattern[str], digits: bool
                    ) -> tuple[int, ...]:
    """``_said_at``'s positions, found once per text and word (session 22: a long text that
    repeats a name thousands of times scanned the whole text again for each of them)."""
    out = []
    pos = text.find(word)
    while pos >= 0:
        prev = text[pos - 1] if pos else " "
        if not ("가" <= prev <= "힣" or digits and prev.isdigit()) and after.match(
                text, pos + len(word)):
            out.append(pos)
        pos = text.find(word, pos + 1)
    return tuple(out)


# A person named by a role: a speaker's label in a chat or a transcript (상담원 하지민: 안녕하세요,
# [카톡] 상담사 금다인: ...), or a role then the name with a particle of a person (판매자
# 예상헌한테, 기사님 조영철 씨가) - three syllables (담당 부서: is no one). The roles of a
# speaker's label are pii_names.STAFF_ROLES, shared with pii_names.speaker_labels.
_ROLE_NAMED_RE = re.compile(
    rf"(?<![가-힣])(?:{pii_names.STAFF_ROLES}"
    r"|판매자|구매자|기사님|기사|간병인|요양보호사|관리인)[ \t]+"
    rf"(?P<name>(?:{_SURNAMES})[가-힣]{{2}})(?=[ \t]*[:：]|(?:한테|에게|께서|씨|님)(?![가-힣]))"
)


def _role_named(text: str) -> Iterator[Candidate]:
    for m in _ROLE_NAMED_RE.finditer(text):
        name = m.group("name")
        if _name_ok(name):
            yield "name", m.start("name"), m.end("name"), mask_name(name)


def _given_then_full(text: str) -> Iterator[Candidate]:
    for m in _FULL_WORD_RE.finditer(text):
        name = m.group("name")
        sur = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) == 4 else name[0]
        given = name[len(sur):]
        if len(given) != 2 or name in _NOT_NAMES or given in _NOT_NAMES:
            continue
        # the given name said as a person's (나비예요, 하루랑, 보라 씨): 하늘이 맑아서, 우수2 and
        # 고학년(4~6학년) are words
        said = [g for g in _said_at(text, given, _GIVEN_SAID_AFTER_RE, digits=True)
                if not m.start() <= g < m.end()]
        if not said or name in pii_name_model.common_word_set():
            continue
        yield "name", m.start(), m.end(), mask_name(name)
        for g in said:
            yield "name", g, g + len(given), given[0] + "*"


def _part_of_a_word(text: str, start: int, name: str) -> bool:
    """The found name is part of an ordinary word: glued after the cue (본인인증용), the start of
    a known word (어머 in 어머니), a common noun and its particle (여권이), or a verb (신고했)."""
    word = re.match(r"[가-힣]*", text[start:])
    whole = word.group(0) if word else name
    common = pii_name_model.common_word_set()
    return (start > 0 and "가" <= text[start - 1] <= "힣"
            or whole != name and (whole in _NOT_NAMES or whole in common
                                  or whole[:len(name) + 1] in _NOT_NAMES
                                  or whole[:len(name) + 1] in common)
            or name[-1] in "이가은는을를" and name[:-1] in common
            or name[-1] in "했았었겠")


def _kind_replacement(kind: str, raw: str, digits: str) -> str:
    if kind == "account" and all(ch.isdigit() or ch in _DASH or ch in " \t" for ch in raw):
        return _mask_account(raw)
    if kind == "health_insurance":
        return "*" * (len(digits) - 3) + digits[-3:]
    return pii_documents.read_out_replacement(kind, digits)


def _named_far(text: str) -> Iterator[Candidate]:
    for kind, s, e, digits in pii_kind.named_far(text):
        yield kind, s, e, _kind_replacement(kind, text[s:e], digits)


def _typed_by_cue(text: str, view: str, cand: Candidate) -> Candidate | None:
    """A number of digits only whose shape more than one kind shares (10 to 16 digits: health
    insurance, account, business, licence, card) takes the kind named nearest to it, when its
    digits fit that kind (``pii_kind``): an account said after 보험증 번호 말고 is an account."""
    kind, s, e, _ = cand
    if kind not in pii_kind.DECIDED:
        return cand
    said = view[s:e]
    if re.search(r"[^\d \t.\-\u3161\u30fc/]", said):
        return cand  # letters or words inside (서울 19-..., 다시): the recogniser's own reading
    digits = "".join(ch for ch in said if ch.isdigit())
    near = pii_kind.nearest_kind(text, s, e)
    if near == "reference":
        return None  # 등기번호 6070-1482-2391 우체국: a reference's digits
    if near not in pii_kind.DECIDED or not pii_kind.fits(near, digits):
        # no word names a kind it can be: the grouping decides, unless it is an amount
        amount = re.match(r"[ \t]*원", text[e:])
        near = pii_kind.shape_kind(said) if near != kind and not amount else None
    if near is None or near == kind:
        return cand
    return near, s, e, _kind_replacement(near, text[s:e], digits)


SURNAME_SET: frozenset[str] = frozenset(_SURNAMES.split("|"))
GIVEN_SYLLABLES: frozenset[str] = _GIVEN_SYLLABLES
NOT_NAMES: frozenset[str] = _NOT_NAMES

RECOGNISERS: tuple[Recogniser, ...] = (
    _email, _rrn, _spoken_rrn, pii_rrn.resident_numbers, _card, _phone, _spoken_phone, _account,
    _car_plate, _address, _names, pii_documents.passport, pii_documents.spoken_passport,
    pii_documents.driver_licence, pii_documents.business_no,
    pii_documents.health_insurance, pii_documents.read_out_numbers, pii_read_out.documents,
    pii_read_out.passports, pii_read_out.digit_passports, pii_read_out.plates,
    pii_read_out.accounts,
    pii_said_again.gathered_mobiles, pii_said_again.english_mobiles,
    pii_said_again.named_parts, pii_grouped.gathered_cards, pii_grouped.said_plates,
    pii_grouped.resident_halves, pii_grouped.gathered_passports, pii_parts.gathered_parts,
    pii_names.romanised_names,
    pii_names.spaced_names,
    pii_names.spelled_names, pii_names.said_and_spelled, pii_names.vietnamese_names,
    pii_names.self_named_banmal, pii_names.given_names_alone, pii_names.one_word_foreign_names,
    pii_names.latin_persons, pii_names.origin_names, pii_names.surname_then_name,
    pii_names.spaced_surname_names, pii_names.called_so,
    pii_names.latin_names, pii_names.han_names, pii_names.bracketed_names,
    pii_names.japanese_names,
    pii_names.cued_foreign_names,
    pii_names.speaker_labels, pii_names.self_named_one_word, pii_names.surname_and_given_apart,
    _given_then_full, _role_named,
    pii_name_model.scored_names, _named_far,
)


# Run again on ``pii_spoken.digit_view`` (full-width forms folded, cued spoken numbers as digits)
# when it differs from the text.
VIEW_RECOGNISERS: tuple[Recogniser, ...] = (
    _email, _rrn, _card, _phone, _account, _car_plate, pii_documents.passport,
    pii_documents.driver_licence, pii_documents.business_no, pii_documents.health_insurance,
)


# --- public API ------------------------------------------------------------------------------


def _check(text: object) -> str:
    if not isinstance(text, str):
        raise Invalid(f"text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise Invalid(f"text too long: {len(text)} characters (limit {MAX_TEXT_CHARS})")
    return text


# A form's example name (홍길동 이라고 예시로 쓰여 있는 칸, 예: 홍길동) is nobody's.
_EXAMPLE_AFTER = re.compile(
    r"[^.?!\n]{0,10}?(?:예시|견본|샘플|예를[ \t]?들)"
    # 홍길동 말고 실제 이름, 홍길동 대신 본인 성함: the name written instead of it is the real one
    r"|[ \t]*(?:이|이라고|라고|이런[ \t]거|같은[ \t]거)?[ \t]*(?:말고|대신|아니고|아니라)[ \t]*"
    r"(?:[가-힣]{1,4}[ \t]+)?(?:실제|진짜|본인|자기|제|자신의|원래)[ \t]?(?:의[ \t])?"
    r"(?:이름|성함|성명)")
_EXAMPLE_BEFORE = re.compile(
    r"(?:(?:예시|견본|샘플|예를[ \t]?들어)(?:에는|에|엔|로|처럼|란에|칸에)?[ \t]*[:：)]?"
    r"|예[ \t]?[:：)])[ \t]*"
    r"(?:(?:성명|이름|성함)(?:이|은|는|으로|로)?[ \t]*[:：]?[ \t]*)?$")
# ... and the rest of a form's example (예시: 성명 홍길동, 주소 서울시 중구 세종대로 110)
_EXAMPLE_LINE = re.compile(r"(?:예시|견본|샘플|작성[ \t]?예)[ \t]*[:：)][^\n]*$")
# A number said to be an example right after it (no sentence end between).
_NUMBER_EXAMPLE_AFTER = re.compile(
    r"[^.?!\n\d]{0,16}?(?:예시|예로[ \t]?든|예를[ \t]?들|견본|샘플)")
# ... or before it, in the same clause with no word of one's own between (작성 예시에 여권번호
# M12345678 라고, 연락처 칸 예시가 010-0000-0000, 예시 메일 주소가 example@...), or a number
# asked about as a kind (여권번호가 M12345678 이런 거 말하는 거예요?).
_NUMBER_EXAMPLE_BEFORE = re.compile(
    r"(?:예시|견본|샘플|예를[ \t]?들어|작성[ \t]?예)(?:에는|에|엔|가|는|로|처럼|란에|칸에)?"
    r"(?![^.?!\n]*(?:(?:^|[ \t])(?:제|저|내|저희|본인)(?:[ \t]|$|[것거꺼])|제가))"
    r"[^.?!\n\d]{0,16}$")
_NUMBER_ASKED_AFTER = re.compile(
    r"[ \t]*(?:이런|그런|같은|처럼)[ \t]?(?:거|것|식|번호)(?:를|을|이|가)?[ \t]?(?:말|얘기|애기)")
# Not a person: a historical figure's memorial (윤봉길 의사 기념관), a pet's name (고양이 이름은
# 두부예요, 장군이라는 이름의 강아지)
_MEMORIAL_AFTER = re.compile(
    r"[ \t]*(?:의사|열사|장군|선생|대왕|지사|선열|시인|작가|소설가|화가|음악가|작곡가|박사)[ \t]*"
    r"(?:기념관|동상|생가|묘역|기념사업회|기념비|기념공원|기념도서관|의거|탄신|사당|기념식|문학관"
    r"|시비|미술관|기념실|거리|길(?![가-힣]))")
_PETS = (r"(?:강아지|고양이|반려견|반려묘|반려동물|진돗개|푸들|말티즈|포메|시츄|햄스터|앵무새|토끼"
         r"|애완견)")
_PET_BEFORE = re.compile(rf"{_PETS}[ \t]?(?:이름|이름은|이름이|이름을|이름도)[ \t]*['\"‘“]?$")
_PET_AFTER = re.compile(rf"(?:이)?(?:라는|라고[ \t]?하는|란)[ \t]?(?:이름의[ \t]?)?(?:우리[ \t]?)?"
                        rf"{_PETS}")
# The letters of a name spelled out as jamo (ㅇ ㅕ ㅁ 염 ㅎ ㅐ 해): consonants and vowels.
_JAMO_RUN_RE = re.compile(r"(?<![가-힣ㄱ-ㅣ])[ㄱ-ㅎ](?:[ \t]+[ㄱ-ㅣ가-힣](?![가-힣ㄱ-ㅣ])){3,}")
_SPELLING_CUE = re.compile(r"이름|성함|철자|스펠링|한[ \t]?자씩|한[ \t]?글자씩")


# After a given name said alone: a title, a role or a kinship word (민재 주무관님, 미란 원장님,
# 순애 할머니), or the endings a given name takes (도현이가, 서윤아, 현철 씨).
_GIVEN_TITLE = (r"[ \t]?(?:씨|님|선생|주무관|팀장|과장|계장|원장|소장|통장|반장|실장|국장|부장|대리"
                r"|주임|기사|할머니|할아버지|할머님|할아버님|어머니|아버지|어머님|아버님|엄마|아빠"
                r"|언니|오빠|누나|형님|학생|어린이|환자|여사|사장|대표|간호사|복지사|보호사|이모"
                r"|삼촌|고모|군(?![가-힣])|양(?![가-힣]))")
_GIVEN_ENDING = (r"(?:이(?:가|는|를|도|랑|한테|하고|네|에게|의|야|에요|요|라고|었|가요|는요)?"
                 r"|아|야)(?![가-힣])")
_GIVEN_ENDING_STRONG = (r"(?:이(?:가|는|를|랑|한테|하고|네|에게|야|에요|라고|가요|는요)|아|야)"
                        r"(?![가-힣])")
# ... or a plain particle, or nothing (미경, 미경은): only for a given name that is no common word
_GIVEN_PARTICLE = r"(?:가|는|를|도|한테|에게|의|와|랑|은|을|과|께서|께|에게서|한테서)?(?![가-힣])"


# What may follow a name said again: a break, a particle, a copula or a title (not 이재민판정)
_NAME_SAID_AFTER = (
    r"(?=$|[^가-힣]|(?:이요|요|이에요|예요|입니다|이고|이고요|이라고|라고|이래요|씨|님|이가|가|은|는"
    r"|이는|이를|을|를|이랑|랑|이한테|한테|의|도|께서|께|에게|와|과|하고|이하고|이었|였|이세요"
    r"|선생님|고객님|주무관|팀장|과장|할머니|할아버지|어르신)(?![가-힣]))"
)


_NAME_SAID_AFTER_RE = re.compile(_NAME_SAID_AFTER)
_GIVEN_AFTER_COMMON_RE = re.compile(f"(?={_GIVEN_TITLE}|{_GIVEN_ENDING_STRONG})")
_GIVEN_AFTER_RE = re.compile(f"(?={_GIVEN_TITLE}|{_GIVEN_ENDING}|{_GIVEN_PARTICLE})")


def _name_family(text: str, name: str) -> Iterator[tuple[int, int]]:
    """Where ``text`` names the person of a found name again: the full name repeated (양미숙 ...
    양미숙 드림), the given name alone after a title, with 이/아/야 or a particle (하민재
    주무관님 ... 민재 주무관님), or one word of a foreign name (로사 델라크루즈 ... 로사 씨)."""
    words = name.split()
    common = pii_name_model.common_word_set()
    paired = False
    if len(words) == 1 and len(name) >= 3:
        surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) == 4 else name[0]
        given = name[len(surname):]
        # 이름이 단비예요, 어단비: the given name said alone as well makes a name of it
        paired = surname in SURNAME_SET and len(given) == 2 and any(
            not (at <= g < at + len(name)) for g in _said_at(text, given, _GIVEN_SAID_AFTER_RE)
            for at in _said_at(text, name, _NAME_SAID_AFTER_RE))
        # only a name of a name's shape spreads (a word the detector took for one - 이재민,
        # 여의도, 케이스 - is not repeated) - or a foreign resident's name no dictionary knows
        # (친구 어르헝이랑 ... 어르헝은 몽골 사람)
        if name in common or name in pii_name_model.PLACE_NAMES:
            return
        if not _name_like(name) and not paired:
            if name not in pii_name_model.lexicon() and len(name) <= 5 and (
                    pii_names.FOREIGN_TALK.search(text)):
                yield from ((at, at + len(name))
                            for at in _said_at(text, name, _NAME_SAID_AFTER_RE))
            return
        yield from ((at, at + len(name)) for at in _said_at(text, name, _NAME_SAID_AFTER_RE))
        if surname not in SURNAME_SET:
            return
        givens = [given]
    elif len(words) in (2, 3):
        givens = [w for w in words if len(w) >= 2]
    else:
        return
    for given in givens:
        if len(given) != 2 or given in _NOT_NAMES:
            continue
        # 하늘이 맑아서, 지원을 받았어요: a given name that is a common word takes only a title
        # or an ending no noun takes (unless said alone as a name already)
        after = _GIVEN_AFTER_COMMON_RE if given in common and not paired else _GIVEN_AFTER_RE
        yield from ((at, at + len(given)) for at in _said_at(text, given, after))


_LATIN_WORD_RE = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,}(?![A-Za-z])")


def _name_echoes(text: str, kept: list[Candidate]) -> Iterator[Candidate]:
    """A found name spelled out again syllable by syllable (허다인이요 허 다 인), said again
    whole or by its given name (``_name_family``), and a name's letters spelled as jamo after a
    naming or spelling cue."""
    # in the order the names were found (not a set's order, which changes with the process's
    # hash seed: two echoes of one name overlap, and the first one yielded is kept)
    found = list(dict.fromkeys(text[s:e] for t, s, e, _ in kept if t == "name"
                               and all("가" <= ch <= "힣" or ch == " " for ch in text[s:e])))
    names = [name for name in found if 2 <= len(name) <= 4 and " " not in name]
    for name in names:
        spaced = "(?:[,.]?[ \t])".join(name)  # 허 다 인, 설, 아, 린
        for m in re.finditer(rf"(?<![가-힣]){spaced}(?![가-힣])", text):
            yield "name", m.start(), m.end(), f"{name[0]} * {name[-1]}"
        if len(name) == 3 and name[0] in SURNAME_SET:  # 맹에 수 진, 맹수진이요: the given name
            spaced = "(?:[,.]?[ \t])".join(name[1:])
            for m in re.finditer(rf"(?<![가-힣]){spaced}(?![가-힣])", text):
                yield "name", m.start(), m.end(), f"{name[1]} *"
    for name in found:
        for start, end in _name_family(text, name):
            yield "name", start, end, mask_name(text[start:end])
    # a name in Latin letters said again (성은 TRAN, Tran Doan): each word of three letters or
    # more, in any case, as a word of its own
    latin = {w.lower() for t, s, e, _ in kept if t == "name"
             for w in re.findall(r"[A-Za-z]{3,}", text[s:e])}
    if latin:
        for m in _LATIN_WORD_RE.finditer(text):
            if m.group(0).lower() in latin:
                yield "name", m.start(), m.end(), m.group(0)[0] + "*" * (m.end() - m.start() - 1)
    if _SPELLING_CUE.search(text):
        for m in _JAMO_RUN_RE.finditer(text):
            run = m.group(0)
            if re.search(r"[ㅏ-ㅣ]", run) and len(set(run.split())) >= 3:
                yield "name", m.start(), m.end(), run[0] + " *"


# A form's placeholder (000000-0000000, 1111-1111-1111-1111) is nobody's number.
_PLACEHOLDER_TYPES = frozenset({"rrn", "foreigner_rrn", "phone", "card", "account",
                                "business_no", "health_insurance", "driver_licence"})


# Whose number it is: a company's, a shop's or an office's, not the caller's - a business number
# on a receipt or a sign, or with a company's word after it (220-81-62517 주식회사 ..., 대형마트);
# an account an office's word owns (100-034-581920 으로 관리사무소 계좌); a corporation's
# registration number (법인등록번호 110111-...), which has a resident number's shape.
_COMPANY_BEFORE = re.compile(r"영수증|간판|전단지?|홈페이지")
_COMPANY_AFTER = re.compile(r"주식회사|㈜|\(주\)|본사|프랜차이즈|대형[ \t]?마트|체인")
_OFFICE_ACCOUNT_AFTER = re.compile(
    rf"[^.?!\n\d]{{0,8}}?(?:{_OFFICE_WORD})[ \t]?(?:의[ \t]?)?(?:계좌|통장)")
_CORPORATE_BEFORE = re.compile(r"법인[ \t]?(?:등록)?[ \t]?번호[^.?!\n\d]{0,6}$")
_APPLIED = re.compile(r"신청|지원[ \t]?사업")
_OWN_BUSINESS = re.compile(r"(?:^|[ \t])(?:제|저|내|저희|우리)(?:[ \t]|$)|본인")


def _company_number(text: str, kind: str, start: int, end: int) -> bool:
    if kind == "business_no":
        around = text[max(0, start - 25):min(len(text), end + 25)]
        if _OWN_BUSINESS.search(around):
            return False
        before = list(_COMPANY_BEFORE.finditer(text, max(0, start - 25), start))
        # (session 22) a programme applied for names the signboard (간판 교체 지원 사업
        # 신청서에 사업자번호 ...): the applicant's own business
        if before and _APPLIED.search(text, before[-1].end(), start):
            before = []
        return bool(before or _COMPANY_AFTER.search(text, end, min(len(text), end + 20)))
    if kind == "account" and _OFFICE_ACCOUNT_AFTER.match(text, end):
        return True
    if kind in ("rrn", "foreigner_rrn", "account"):
        return bool(_CORPORATE_BEFORE.search(text, max(0, start - 20), start))
    return False


def _placeholder(said: str) -> bool:
    """Digits all alike (000000-0000000), or a phone's all zeros after its prefix
    (010-0000-0000): a form's blank, nobody's number (010-2222-2222 may be someone's)."""
    digits = [ch for ch in said if ch.isdigit()]
    if len(digits) >= 6 and len(set(digits)) == 1:
        return True
    return len(digits) in (10, 11) and digits[0] == "0" and set(digits[-7:]) == {"0"} and (
        set(digits[3:]) == {"0"} or set(digits[2:]) == {"0"})


def _nobodys_number(text: str, cand: Candidate) -> bool:
    """A number no person owns, whoever found it: a form's blank (000000-0000000), a virtual
    account, a company's number, a form's example or a number asked about as a kind (90가 1234
    같은 예시로, ... 아 이건 제가 예로 든 거고요), an office's or a shop's landline said aloud
    (공이 팔칠공 ..., as written)."""
    kind, s, e, replacement = cand
    if kind in _PLACEHOLDER_TYPES and _placeholder(text[s:e]):
        return True
    if kind == "account" and _VIRTUAL_ACCOUNT.search(text, max(0, s - 25), s):
        return True
    if _company_number(text, kind, s, e):
        return True
    if kind in NUMBER_TYPES and (
            _NUMBER_EXAMPLE_AFTER.match(text, e) or _NUMBER_ASKED_AFTER.match(text, e)
            or _NUMBER_EXAMPLE_BEFORE.search(text, max(0, s - 30), s)):
        return True
    return kind == "phone" and not replacement.startswith("01") and bool(
        re.search("[가-힣]", text[s:e])) and _office_line(text, s, e)


def _example_name(text: str, start: int, end: int) -> bool:
    return bool(_EXAMPLE_AFTER.match(text, end) or _EXAMPLE_BEFORE.search(
        text, max(0, start - 12), start))


# A department before its official's title (복지정책과 주무관, 청소행정과 팀장): no person.
_DEPARTMENT_AFTER = re.compile(
    r"(?:과|팀|실|국|계)[ \t]+(?:주무관|팀장|과장|계장|담당|직원|국장|실장)")


# A date or a count said aloud (구공년 칠월 이십일, 삼십 분): digit syllables and a unit, no name.
_SAID_DATE_WORD = re.compile(r"[공영일이삼사오육칠팔구십백천]+(?:년|월|일|시|분|살|세|번|개)?")


_DIGIT_SYLLABLES = frozenset("공영빵일이삼사오육칠팔구")


# A bank's, a card company's or an insurer's name (하나카드, 우리은행, 신한페이): no person.
_BRAND_END = re.compile(r"(?:카드|은행|뱅크|페이|증권|생명|화재|손보|캐피탈|금고|저축|보험|택배"
                        r"|마트|몰|닷컴)$")
# Whose a thing is (우리 집사람 거고, 영감 거여, 남편 거예요): 거 with a copula, no name.
_WHOSE_THING = re.compile(r"(?:^|[ \t])(?:거|것|꺼)(?:고|여|유|예요|에요|요|야|라|이고|임|인데)?$")


# What a form writes where no name is known (성명 불상, 미상, 익명)
_NOBODY_WORDS = frozenset(("불상", "미상", "불명", "미기재", "무기명", "익명", "무명", "모름",
                           # who signs a form, no name (영수인 옥기철)
                           "작성인", "영수인", "서명인", "확인인", "제출인", "진술인", "동의인"))


def _letter_name_at(text: str, start: int, end: int) -> bool:
    """The span is a Latin letter read aloud among others (케이 에이 아이 요): a spelling."""
    if text[start:end] not in _LETTER_NAMES:
        return False
    before = text[max(0, start - 8):start].split()
    after = text[end:end + 8].split()
    return bool(before and before[-1] in _LETTER_NAMES or after and after[0] in _LETTER_NAMES)


# (eighteenth round) A number's kind said as one word (카드번호, 면허번호, 건보): no name.
_NUMBER_KIND_WORDS = frozenset(str.split("건보 건보증 여권 면허 면허증 통장 계좌 등본 초본 주민증 "
                                         "등록증 보험증"))
# A neighbourhood where one lives (망원동 사는, 동네는 신림동이에요): no name.
_LIVED_AFTER = re.compile(r"[ \t]*(?:에[ \t]?|에서[ \t]?)?(?:사는|살아|살고|살거든|살았|살던|살며)")
_NEIGHBOURHOOD_BEFORE = re.compile(r"동네(?:는|가|요|이름은)?[ \t]*$")
# A word that shows how a syllable is written (소나무 할 때 솔, 꽃 국화 할 때): no name.
_SPELLING_WORD_AFTER = re.compile(r"[ \t]*(?:할|하는)[ \t]?때")
# A historical figure's grave or namesake (방정환 선생 묘소, 정약용 선생 이름 따서)
_FIGURE_AFTER = re.compile(
    r"[ \t]*(?:선생|선생님|장군|열사|의사)[ \t]*(?:묘소|묘|묘지|이름[ \t]?따)")


def _no_persons_name(text: str, start: int, end: int) -> bool:
    said = text[start:end].replace(" ", "")
    if start and text[start - 1].isdigit():
        return True  # 1959년생, 102호 아저씨: glued to a number, a unit's word
    if said in pii_names.RESIDENT_WORDS:
        return True  # 조선족, 선원: what one is, no name
    if said.endswith("번호") or said in _NUMBER_KIND_WORDS:
        return True  # 카드번호, 건보: a number's kind
    if said[-1:] in "동리읍면" and len(said) >= 2 and (
            _LIVED_AFTER.match(text, end) or _NEIGHBOURHOOD_BEFORE.search(
                text, max(0, start - 8), start)):
        return True
    if _SPELLING_WORD_AFTER.match(text, end) or _FIGURE_AFTER.match(text, end):
        return True
    if _BRAND_END.search(said) and len(said) >= 4 or _WHOSE_THING.search(text[start:end]):
        return True  # 하나카드예요, 집사람 거고: a company, or whose a thing is
    if _letter_name_at(text, start, end):
        return True
    if said in _NOBODY_WORDS or said in ("성은", "성이", "성씨") and re.match(
            rf"[ \t]+(?:{_SURNAMES})(?![가-힣])", text[end:]):
        return True  # 성명 불상; 이름 예서, 성은 맹: the word for a surname, no name
    if len(said) >= 4 and all(ch in _DIGIT_SYLLABLES for ch in said):
        return True  # 일공구 사팔이고요: digits said aloud, no name
    if end - start == 2 and text[end - 1] == "에" and text[start] not in SURNAME_SET:
        return True  # 성명 란에, 칸에: a form's field with its particle, no name
    words = text[start:end].split()
    if len(words) >= 2 and all(_SAID_DATE_WORD.fullmatch(w) for w in words) and any(
            w[-1] in "년월시분살세" for w in words):
        return True
    if pii_name_model.thing_named_before(text, start):
        return True  # 차 이름 아반떼, 가게 이름은 행복마트: a thing's name
    return bool(_MEMORIAL_AFTER.match(text, end) or _PET_BEFORE.search(
        text, max(0, start - 14), start) or _PET_AFTER.match(text, end))


_ACCOUNT_DIGIT = re.compile(r"[0-9공영빵일이삼사오육칠팔구]")


def _number_typer(text: str, kept: list[Candidate], types: frozenset[str] | set[str] | None
                  ) -> list[Candidate]:
    """(round 21) the learnt typer after the rules: each rule's number span takes the typer's
    kind (its replacement made again when the kind changes), and the typer's own spans that
    overlap no kept span are added (:mod:`pii_number_typer`)."""
    numbers = [(t, s, e) for t, s, e, _ in kept if t in NUMBER_TYPES]
    others = [(s, e) for t, s, e, _ in kept if t not in NUMBER_TYPES]
    retyped, added = pii_number_typer.retype(text, numbers, others)
    kinds = {(s, e): k for k, s, e in retyped}
    out: list[Candidate] = []
    for cand in kept:
        kind = kinds.get((cand[1], cand[2]), cand[0]) if cand[0] in NUMBER_TYPES else cand[0]
        if kind != cand[0]:
            cand = (kind, cand[1], cand[2],
                    pii_number_typer.replacement(text, kind, cand[1], cand[2]))
        if types is None or kind in types:
            out.append(cand)
    for kind, s, e in added:
        cand = (kind, s, e, pii_number_typer.replacement(text, kind, s, e))
        if (types is None or kind in types) and not _typer_span_dropped(text, cand):
            out.append(cand)
    return out


def _typer_span_dropped(text: str, cand: Candidate) -> bool:
    """A span the typer adds is dropped as the rules drop theirs: nobody's number, an office's
    line written or said, a reference named before it, a bus's plate, an office's e-mail."""
    kind, s, e, _ = cand
    return _nobodys_number(text, cand) or (
        kind == "phone" and _office_line(text, s, e)) or (
        kind != "car_plate" and _reference_before(text, s, 14)) or (
        kind == "car_plate" and _bus_plate(text, s, e)) or (
        kind == "email" and _role_mail(text[s:e]))


def find(text: str, types: frozenset[str] | set[str] | None = None, *,
         number_typer: bool = True) -> list[PiiSpan]:
    """All personal-data spans in ``text`` (non-overlapping, in order). ``number_typer=False``
    gives the rules' spans alone (the learnt number typer's study trains on them)."""
    text = _check(text)
    if types is not None:
        unknown = set(types) - set(PII_TYPES)
        if unknown:
            raise Invalid(f"unknown PII types {sorted(unknown)}; known: {list(PII_TYPES)}")
    candidates: list[Candidate] = []
    for recogniser in RECOGNISERS:
        candidates.extend(recogniser(text))
    view = pii_spoken.digit_view(text)
    if view != text:
        for recogniser in VIEW_RECOGNISERS:
            candidates.extend(recogniser(view))
    candidates = [c for c in (_typed_by_cue(text, view, c) for c in candidates) if c]
    plates = [(s, e) for t, s, e, _ in candidates if t == "car_plate"]
    if plates:
        # a plate read aloud after a vehicle's word (차량 번호 영이구 호 오칠일이) is no phone,
        # though its digits make one
        candidates = [c for c in candidates if not (
            c[0] == "phone" and any(s < c[2] and c[1] < e for s, e in plates)
            and pii_kind.nearest_kind(text, c[1], c[2]) == "car_plate")]
    longer = [(s, e) for t, s, e, _ in candidates
              if t == "account" and len(_ACCOUNT_DIGIT.findall(text, s, e)) >= 12
              and pii_kind.nearest_kind(text, s, e) == "account"]
    if longer:
        # a phone's shape at the start of a longer account read after its bank (기업은행 계좌요
        # 공일공 일이삼사오육 공일 공일이): the account's
        candidates = [c for c in candidates if not (
            c[0] == "phone" and any(s <= c[1] and c[2] < e for s, e in longer))]
    if types is not None:
        candidates = [c for c in candidates if c[0] in types]
    # Higher priority first, then longer; keep a span only if it overlaps nothing kept.
    candidates.sort(key=lambda c: (_PRIORITY[c[0]], -(c[2] - c[1]), c[1]))
    kept: list[Candidate] = []
    examples: set[str] = set()  # names the message calls a form's example (예시에 홍길동)
    for cand in candidates:
        _, s, e, _ = cand
        if s >= e:
            continue
        if any(s < ke and ks < e for _, ks, ke, _ in kept):
            continue
        if cand[0] == "name" and _example_name(text, s, e):
            examples.add(text[s:e])
            continue
        if cand[0] == "name" and (_no_persons_name(text, s, e)
                                  or _DEPARTMENT_AFTER.match(text, e)):
            continue
        if cand[0] in ("name", "address") and _EXAMPLE_LINE.search(text, max(0, s - 40), s):
            continue
        if _nobodys_number(text, cand):
            continue
        kept.append(cand)
    # (round 19, the backstop) a number said in parts that nothing found, whose digits fit no
    # kind: of the kind named nearest to it
    for cand in pii_parts.backstop(text, kept):
        if (types is None or cand[0] in types) and not (
                _NUMBER_EXAMPLE_AFTER.match(text, cand[2])
                or _NUMBER_EXAMPLE_BEFORE.search(text, max(0, cand[1] - 30), cand[1])):
            kept.append(cand)
    if types is None or types & pii_said_again.SAID_AGAIN_TYPES:
        for cand in pii_said_again.said_again(text, kept):
            if types is None or cand[0] in types:
                kept.append(cand)
    if types is None or "email" in types:
        kept.extend(pii_grouped.spelled_back(text, kept, _LETTER_NAMES))
    if types is None or "name" in types:
        for cand in _name_echoes(text, kept):
            if not any(cand[1] < ke and ks < cand[2] for _, ks, ke, _ in kept):
                kept.append(cand)
        # a name written again beside itself in another script (왕리핑 王丽萍, Chen Wei 천웨이)
        for cand in pii_names.paired_names(
                text, [(ks, ke) for t, ks, ke, _ in kept if t == "name"]):
            if not any(cand[1] < ke and ks < cand[2] for _, ks, ke, _ in kept) and not (
                    _no_persons_name(text, cand[1], cand[2])):
                kept.append(cand)
    if examples:
        # the example said again elsewhere in the message is the example still
        kept = [c for c in kept if not (c[0] == "name" and text[c[1]:c[2]] in examples)]
    if number_typer:
        kept = _number_typer(text, kept, types)
    kept.sort(key=lambda c: c[1])
    return [PiiSpan(t, s, e, text[s:e], r) for t, s, e, r in kept]


def mask(text: str, types: frozenset[str] | set[str] | None = None) -> MaskResult:
    """Mask personal data in ``text``; the result keeps the text readable (010-****-5678)."""
    spans = find(text, types)
    out: list[str] = []
    pos = 0
    for span in spans:
        out.append(text[pos:span.start])
        out.append(span.replacement)
        pos = span.end
    out.append(text[pos:])
    return MaskResult(original=text, masked="".join(out), spans=spans)
