"""A document number said in parts, whatever words stand between the parts (issue 12, round 19).

Every earlier round added a pattern for one way of joining a number's groups (다시, 하고, 에,
그 다음, 앞 자리 ... 뒤 자리 ...). Callers and agents join them with any of the words they use to
go on talking - a clause's ending (12 고, 07 이고), 다음에, 그리고, 나머지는, 끝이, 마지막 두 개가,
the name of the part (지역이, 연도가, 가운데가) - and each new set brought a new one. Here the digit
groups of a message (written, syllables, native numerals, tens said as numbers: 이십삼 -> 23) are
chained across any gap made only of such words (``_GAP``: joining words, clause endings, the names
of a number's parts and counts of its digits, fillers and separators; no other digit, no question,
no new turn), and a chain of two groups or more is a number

* of the kind named nearest to it in its turn (``pii_kind.nearest_kind``: before it, or after it)
  when its digits fit that kind - 12 digits with a region code a licence, 10 a business number,
  10-11 a health-insurance number, 10-14 an account, 15-16 a card, 13 with a birth date a
  주민번호 or 외국인등록번호, a phone's digits a phone; or
* with no kind named, of the kind its grouping alone marks: 3-2-5 with the business number's
  check digit right, 2-2-6-2 with a region code, 6-7 with a birth date and a first back digit.

A reference's word (접수번호, 고지서 번호) nearest to it makes it nobody's, as everywhere in
``pii``. ``backstop`` then masks, after every recogniser has run, a chain of ten digits or more
that nothing found and whose digits fit no kind, when a personal number's kind is named nearest
to it (a number misheard or said with a digit too many is still that person's): typed by that
kind.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from dasan.text import pii_documents, pii_kind, pii_read_out, pii_rrn, pii_spoken
from dasan.text.pii_phone_digits import valid_phone_digits

Candidate = tuple[str, int, int, str]

# One word a caller puts between two parts of a number.
_JOINING = (
    r"다시|하고(?:요)?|그리고(?:요)?|에(?:요)?|의|쩜|점|대시|하이픈|띄고|이어서|그러고"
    r"|(?:그[ \t]?)?다음(?:에|이|은|으로|엔)?(?:는)?"
    # the copula's or a clause's ending said after a part (12 고, 07 이고, 081 이구요)
    r"|이고(?:요)?|고(?:요)?|이구(?:요)?|구요|이며|며|이랑|랑|하구"
)
# The name of a part, or of how many digits it has (지역이, 연도가, 가운데가, 마지막 두 개가,
# 앞 세 자리가, 나머지는, 끝이).
_PART = (
    r"(?:맨[ \t]?)?(?:앞|뒤|뒷|끝|가운데|중간|마지막|처음|첫|나머지|남은|지역|연도|년도|일련"
    r"|숫자|번호|그[ \t]?뒤|그[ \t]?뒤에)"
    r"(?:[ \t]?(?:번호|자리|부분|쪽|거|것|숫자|번째|째|꺼))?"
    r"(?:[ \t]?(?:[1-9]|한|두|세|네|다섯|여섯|일곱|여덟)[ \t]?(?:자리|개|글자))?"
    r"(?:는|은|이|가|에|에는|엔|으로|로|요|는요|이요|도)?"
)
# A filler or a word that points at what comes (음, 어, 이렇게, 그러니까).
_FILLER = r"음|어|그|저|이렇게|요렇게|그러니까|그니까|있잖아요"
_WORD = rf"(?:{_JOINING}|{_PART}|{_FILLER})(?![가-힣])"
# (a number said over two turns: the next line or " / ", its speaker's label, then the rest -
# with, between, the other speaker's yes or go on: 상담사: 네)
_NEXT_TURN = (r"(?:[ \t]*(?:\n|[ \t]/[ \t]|\|)[ \t]*(?:[가-힣A-Za-z]{1,5}[ \t]*[:：])?[ \t]*"
              r"(?:(?:네|예|네네|응|음|계속(?:하세요|말씀하세요)?|말씀하세요|불러[ \t]?주세요)"
              r"[ \t.,]*(?=\n|[ \t]/[ \t]|\|))?)+")
_GAP = re.compile(rf"(?:[ \t]*[,./\-·][ \t]*|[ \t]+|{_NEXT_TURN}|{_WORD})*")
_GAP_MAX = 30
_HAS_WORD = re.compile(r"[가-힣]")

_LICENCE_REGION = re.compile(r"1[1-9]|2[0-8]")
# A number said to be an example right after it or just before it (삼오일 다시 일이삼사 ... 아
# 이건 제가 예로 든 거고요; 예시로 ...): nobody's, as in ``pii``.
_EXAMPLE_AFTER = re.compile(r"[^.?!\n\d]{0,16}?(?:예시|예로[ \t]?든|예를[ \t]?들|견본|샘플)")
_EXAMPLE_BEFORE = re.compile(r"(?:예시|견본|샘플|예를[ \t]?들어)[^.?!\n\d]{0,16}$")
_MIN_DIGITS = 9


def _fits(kind: str | None, digits: str) -> bool:
    if kind in pii_kind.DECIDED:
        return pii_kind.fits(kind, digits)
    if kind in ("rrn", "foreigner_rrn"):
        return len(digits) == 13 and pii_rrn.valid_birth(digits[:6], digits[6])
    if kind == "phone":
        return valid_phone_digits(digits) is not None
    return False


def _shape(lengths: list[int], digits: str) -> str | None:
    """The kind the grouping alone marks (with its check where it has one)."""
    if lengths == [3, 2, 5] and pii_documents.business_check_ok(digits):
        return "business_no"
    if lengths == [2, 2, 6, 2] and _LICENCE_REGION.fullmatch(digits[:2]):
        return "driver_licence"
    if lengths[0] == 6 and len(digits) == 13 and digits[6] in "12345678" and (
            pii_rrn.valid_birth(digits[:6], digits[6])):
        # a birth date said as the front half, then the back (in one part or several)
        return "foreigner_rrn" if digits[6] in "5678" else "rrn"
    return None


# A group said as a number (사백십팔 -> 418, 사천이백일 -> 4201, 이십일 -> 21): sino-Korean
# numerals with 천, 백 or 십, as a word of its own.
_SINO_GROUP_RE = re.compile(
    r"(?<![가-힣])(?:[일이삼사오육칠팔구]?천|[일이삼사오육칠팔구]?백|[이삼사오육칠팔구]?십)"
    r"(?:[일이삼사오육칠팔구]?백)?(?:[일이삼사오육칠팔구]?십)?[일이삼사오육칠팔구]?"
    r"(?=[ \t,.\-]|$|(?:다시|하고|에|이고|고|요|이요|이에요|예요|입니다)(?![가-힣]))")


def _sino_runs(text: str) -> list[pii_rrn.Run]:
    out = []
    for m in _SINO_GROUP_RE.finditer(text):
        said = m.group(0)
        if not said or said[-1] in "천백" and len(said) <= 2:
            continue  # 천, 삼백: a round amount, no group of digits
        value = str(pii_spoken.sino_value(said))
        out.append(pii_rrn.Run(m.start(), (m.end(),) * len(value), value))
    return out


def _all_runs(text: str) -> list[pii_rrn.Run]:
    """Digit runs and groups said as numbers, in order (of two that overlap, the longer)."""
    runs = pii_rrn.digit_runs(text, 0, len(text))
    if "천" in text or "백" in text or "십" in text:
        runs = sorted([*runs, *_sino_runs(text)], key=lambda r: (r.start, -r.ends[-1]))
    out: list[pii_rrn.Run] = []
    for run in runs:
        if out and run.start < out[-1].ends[-1]:
            continue
        out.append(run)
    return out


# A pause between two parts (일이 다시 일칠... 잠시만요 지갑 좀 꺼내고요 ... 사삼일구팔공): a
# stretch of words with a word of hesitation, no digit, question or word naming a number.
_HESITATION = re.compile(
    r"\.\.\.|…|잠시만|잠깐|뭐더라|뭐였더라|어디[ \t]?보자|찾아|꺼내|보고[ \t]?읽")
_NOT_A_PAUSE = re.compile(
    r"[?？!\n]|번호|카드|계좌|통장|전화|연락처|핸드폰|휴대폰|주민|외국인|여권|면허|사업자|보험|차량"
    r"|메일|주소|[0-9]")
_PAUSE_MAX = 40


def _joined(text: str, lo: int, hi: int) -> str | None:
    """How two runs are joined: "gap" (joining words), "pause", or not (None)."""
    if hi - lo <= _GAP_MAX and _GAP.fullmatch(text, lo, hi):
        return "gap"
    if hi - lo <= _PAUSE_MAX and _HESITATION.search(text, lo, hi) and not (
            _NOT_A_PAUSE.search(text, lo, hi)):
        return "pause"
    return None


def _chains(text: str) -> Iterator[list[pii_rrn.Run]]:
    """Maximal chains of digit runs with a joining gap (or a pause) between each two."""
    runs = _all_runs(text)
    chain: list[pii_rrn.Run] = []
    for run in runs:
        if chain and run.start < chain[-1].ends[-1]:
            continue  # a second reading of the same run (a final 이)
        if chain:
            gap_lo = chain[-1].ends[-1]
            joined = _joined(text, gap_lo, run.start)
            if joined == "pause" and (run.digits.startswith(chain[-1].digits)
                                      or chain[-1].digits.startswith(run.digits)):
                chain[-1] = run  # the part said again after the pause (337 ... 잠깐만요 337 이)
                continue
            if joined:
                chain.append(run)
                continue
            yield chain
        chain = [run]
    if chain:
        yield chain


_DIGIT_CHAR = re.compile(r"[0-9공영빵일이삼사오육륙칠팔구십천백]")


def _digit_chars(text: str) -> int:
    return len(_DIGIT_CHAR.findall(text))


def _worded(text: str, part: Sequence[pii_rrn.Run]) -> bool:
    """A word stands between two of the parts, or a part is said aloud (not only written groups
    and separators: a written number in groups is the recognisers' own, and a list of numbers is
    no number)."""
    return any(_HAS_WORD.search(text, a.ends[-1], b.start) for a, b in zip(part, part[1:],
                                                                          strict=False)) or any(
        _HAS_WORD.search(text, r.start, r.ends[-1]) for r in part)


Found = tuple[tuple[str | None, tuple[pii_rrn.Run, ...], str, bool], ...]


@functools.lru_cache(maxsize=8)
def _found(text: str) -> Found:
    """``_stretches`` of ``text``, once for both the recogniser and the backstop (``find`` runs
    both on the same text)."""
    return tuple(_stretches(text))


def _stretches(text: str) -> Iterator[tuple[str | None, tuple[pii_rrn.Run, ...], str, bool]]:
    """(kind or None, runs, digits, fits) for each stretch of a chain of two runs or more with a
    word between two of them: the longest stretch that fits the kind named nearest to it (or its
    grouping's kind) first."""
    view = pii_read_out.tens_view(text) if "십" in text else text
    for chain in _chains(view):
        if len(chain) < 2 or sum(len(r.digits) for r in chain) < _MIN_DIGITS:
            continue
        i = 0
        while i < len(chain) - 1:
            best: tuple[int, str | None, str, bool] | None = None
            for j in range(len(chain) - 1, i, -1):
                part = chain[i:j + 1]
                digits = "".join(r.digits for r in part)
                if len(digits) < _MIN_DIGITS or len(digits) > 16 or not _worded(view, part):
                    continue
                start, end = part[0].start, part[-1].ends[-1]
                kind = pii_kind.nearest_kind(text, start, end, 60)
                if kind == "reference" or _EXAMPLE_AFTER.match(text, end) or (
                        _EXAMPLE_BEFORE.search(text, max(0, start - 30), start)):
                    best = (j, None, digits, False)
                    break
                if _fits(kind, digits):
                    best = (j, kind, digits, True)
                    break
                shaped = _shape([len(r.digits) for r in part], digits) if kind is None else None
                if shaped:
                    best = (j, shaped, digits, True)
                    break
                if best is None and j == len(chain) - 1:
                    best = (j, kind, digits, False)
            if best is None:
                i += 1
                continue
            j, kind, digits, fits = best
            yield kind, tuple(chain[i:j + 1]), digits, fits
            i = j + 1


def _parts(kind: str, runs: Sequence[pii_rrn.Run]) -> Iterator[Candidate]:
    """Each part its own span (the words between them stay readable)."""
    for run in runs:
        yield kind, run.start, run.ends[-1], "*" * len(run.digits)


def gathered_parts(text: str) -> Iterator[Candidate]:
    """A number said in parts joined by any of the words between a number's parts, of the kind
    named nearest to it (or marked by its grouping): each part."""
    if _digit_chars(text) < _MIN_DIGITS:
        return
    for kind, runs, _, fits in _found(text):
        if kind and fits:
            yield from _parts(kind, runs)


# A personal number's kinds: what the backstop may name a number it finds.
_PERSONAL = frozenset({"rrn", "foreigner_rrn", "phone", "card", "account", "driver_licence",
                       "business_no", "health_insurance", "passport"})
_AMOUNT_OR_DATE_AFTER = re.compile(r"[ \t]*(?:원|만|천|억|년|월|일|시|분|개|명|번째|km|kg)")
_BACKSTOP_MIN = 10
# An office's or a public place's word before the number: its line or its own number.
_OFFICE_BEFORE = re.compile(r"센터|구청|시청|군청|도청|사무소|관리실|공단|은행[ \t]?(?:지점|대표)"
                            r"|대표[ \t]?번호|콜센터|고객센터|회사|업체|가게|매장")


def backstop(text: str, kept: Sequence[Candidate]) -> Iterator[Candidate]:
    """Chains of ten digits or more that nothing found, whose digits fit no kind, with a personal
    number's kind named nearest to them: that kind (a number said with a digit too many or too
    few is still the person's)."""
    if _digit_chars(text) < _BACKSTOP_MIN:
        return
    taken = [(s, e) for _, s, e, _ in kept]
    for kind, runs, digits, fits in _found(text):
        if fits or kind not in _PERSONAL or len(digits) < _BACKSTOP_MIN:
            continue
        start, end = runs[0].start, runs[-1].ends[-1]
        if any(start < te and ts < end for ts, te in taken):
            continue
        if _AMOUNT_OR_DATE_AFTER.match(text, end) or valid_phone_digits(digits) or (
                _OFFICE_BEFORE.search(text, max(0, start - 30), start)):
            continue  # an amount; a phone the phone recognisers left out (an office's line)
        if len(digits) >= 7 and digits[6] in "12345678" and pii_rrn.valid_birth(digits[:6],
                                                                                 digits[6]):
            # a birth date and a first back digit: a 주민번호 begun, whatever word is near
            kind = "foreigner_rrn" if digits[6] in "5678" or kind == "foreigner_rrn" else "rrn"
        taken.append((start, end))
        yield from _parts(kind, runs)
