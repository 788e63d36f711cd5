"""주민등록번호 and 외국인등록번호 as one family, however they are said: the digits near the
number's name are read as runs (written digits, sino-Korean syllables with 공/영/빵 for zero, or
both, with spaces, commas, dashes or dots inside) and the runs are put together the way people
split the number - whole, in any grouping, the halves joined by a word or a filler, the halves in
two sentences or read back by an agent, a first try corrected (880515 아니 880516 다시 ...), the
front half with only the first back digit, the front or back half alone.

What makes digits a resident number here: an rrn cue (주민번호, 외국인등록번호, 등록번호, ARC,
생년월일 for the whole or front + first back digit only) shortly before or right after, thirteen
digits whose first six are a real date with a century digit that fits, and nothing between the
runs that names another kind of number (전화, 계좌, 접수번호 ...). A run is read as digits only
when it is a word of its own: it starts after a space or punctuation and what follows is not
Hangul or is an ending or a joining word (요, 이에요, 이고, 로, 까지, 다시, 하고, 에 ...), so
dates (1988년 5월 15일), amounts (880,515원), counts and ordinary words made of digit
syllables (이사, 오늘) stay out.

Yields ``(type, start, end, replacement)`` candidates for ``dasan.text.pii``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

Candidate = tuple[str, int, int, str]

_SYLLABLE = {"공": "0", "영": "0", "빵": "0", "일": "1", "이": "2", "삼": "3", "사": "4",
             "오": "5", "육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9"}
_SAID = "공영빵일이삼사오육륙칠팔구"
# A run: digit tokens (written digits or syllables) with spaces, commas, dashes or dots between.
_NATIVE = {"하나": "1", "둘": "2", "셋": "3", "넷": "4", "다섯": "5", "여섯": "6", "일곱": "7",
           "여덟": "8", "아홉": "9"}
_TOKEN = rf"(?:[0-9]+|(?:하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉|[{_SAID}])+)"
_DIGIT_RE = re.compile(rf"하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉|[0-9{_SAID}]")
_RUN_RE = re.compile(
    rf"(?<![가-힣0-9A-Za-z]){_TOKEN}"
    rf"(?:(?:[ \t]*[,.\-\u2010\u2011\u2012\u2013\u2212][ \t]*|[ \t]{{1,2}}){_TOKEN})*"
)
# After a lone 이 that is the copula (99 05 15 이에요, 이고): not after 이예요, 이요, 이에 (digits).
_COPULA_AFTER = ("에요", "고", "었", "야", "라", "죠", "지", "구", "며", "니", "네", "랑", "거")
# A native number before 자리/글자/개 is a count (앞 여섯 자리, 일곱 자리), no digit.
_COUNT_AFTER = re.compile(r"[ \t]*(?:자리|글자|번째|개|살|명|시|분)")
# What may follow a run at once (no space): an ending, a particle, a joining word.
_CONTINUATION = re.compile(
    r"(?:요|이요|예요|에요|이에요|입니다|이고|고|이구요|구요|로|으로|에|의|하고|다시|까지|만"
    r"|인데|은|는|이랑|랑|도|이라고|라고|이라는|라는|맞|이죠|죠|이었|였|뒤|다음|그리고|하이픈|대시"
    r"|이거든|거든|이며|며|이니|이구|이야|야|이네|네|입|이었어요|가|이|을|를)"
)
# The number's name, where the digits are looked for (after it, or just before it).
_CUE_RE = re.compile(
    r"(?P<f>외국인[ \t]?(?:등록[ \t]?(?:증[ \t]?)?(?:번호)?|번호|증[ \t]?번호)|\bARC\b"
    r"|(?:외국인[ \t]?)?등록증[ \t]?번호|[Aa]lien[ \t]registration"
    r"|[Rr]egistration[ \t](?:no|number))"
    r"|신분증[ \t]?번호"
    r"|주민[ \t]?(?:등록)?[ \t]?(?:번호|증)|(?<!사업자)(?<!사업자[ \t])(?<!차량)(?<!차량[ \t])"
    r"(?<!자동차)(?<!자동차[ \t])(?<!법인)(?<!고유)등록[ \t]?번호|(?P<b>생년월일)"
)
# A half named by itself, with no number's name in the message (앞자리 850127 에 뒤에 첫 자리 1,
# (이어서) 뒤 7자리 7638150): the digits must still make a birth date and a back half.
_HALF_CUE_RE = re.compile(
    r"앞[ \t]?(?:(?:6|여섯)[ \t]?)?자리|뒤[ \t]?(?:7|일곱)[ \t]?자리"
    r"|뒷[ \t]?(?:(?:7|일곱)[ \t]?)?자리")
# Words that name another kind of number: the digits after them are not this one's.
_OTHER_KIND = re.compile(
    r"전화|연락처|핸드폰|휴대폰|휴대전화|폰[ \t]?번호|카드|계좌|통장|여권|면허|사업자|보험|접수"
    r"|신청[ \t]?번호|민원[ \t]?번호|주소|번지|차량|차[ \t]?번호|메일|우편|고지서|납부|계량기|버스"
    r"|발급[ \t]?번호"
    r"|[Pp]hone|[Pp]assport"
)
# A word that says which half follows: 앞자리, 뒷자리, 뒤에, 뒷번호.
_BACK_WORD = re.compile(r"뒷|뒤")
_FRONT_WORD = re.compile(r"앞")
# Between the cue and a front half said alone: a particle, a bracket, a colon (주민번호는 850101,
# 주민등록번호(앞자리): 990503); anything longer needs 앞 (앞자리, 앞에) before the digits.
_NEAR_CUE = re.compile(r"[ \t]*(?:는|가|요|은|이요|가요|는요)?[ \t]*[(:：)]?[ \t]*")
# The words before a lone first back digit: 뒷자리 (첫 자리), 뒤 첫 자리, 뒷번호 첫째.
_FIRST_BACK_BEFORE = re.compile(
    r"(?:뒷[ \t]?(?:자리|번호)|뒤)(?:는|가|은|에)?[ \t]*"
    r"(?:(?:첫|맨[ \t]?앞)[ \t]?(?:자리|번째|째|숫자|글자)?(?:는|가|은|이)?[ \t]*)?$")
# The cue names the front half (주민번호 앞자리 ..., 주민번호 앞에 거): its first run is that half.
_FRONT_NAMED = re.compile(
    r"[ \t]*(?:의|는|가|은)?[ \t]*(?:앞|(?:첫|처음)?[ \t]?(?:여섯|6)[ \t]?(?:자리|글자|개))")
# A first try taken back (880515 아니 880516 ...): masked as well.
_CORRECTED = re.compile(r"[ \t,.…]*(?:아[ \t]*)?(?:아니|잠깐|정정|다시[ \t]?말|틀렸|죄송)")
_WINDOW = 160
_BEFORE = 45


class Run(NamedTuple):
    start: int
    ends: tuple[int, ...]  # char offset after each digit
    digits: str


def valid_birth(yymmdd: str, gender: str) -> bool:
    """``yymmdd`` is a real date in the century the first back digit ``gender`` names."""
    century = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900}.get(gender, 2000)
    try:
        date(century + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        return False
    return True


def digit_runs(text: str, lo: int, hi: int) -> list[Run]:
    """The digit runs in text[lo:hi] that stand as words of their own."""
    out = []
    for m in _RUN_RE.finditer(text, lo, hi):
        said = m.group(0)
        end = m.end()
        if end < len(text) and "가" <= text[end] <= "힣" and not _CONTINUATION.match(text, end):
            # 1988년, 15일, 오늘, 880,515원: the last word is no digit (오 육 이게 -> 오 육)
            last = max(said.rfind(" "), said.rfind("\t"), said.rfind(","), said.rfind("-"),
                       said.rfind("."))
            if last <= 0:
                continue
            said = said[:last].rstrip(" \t,.-")
            end = m.start() + len(said)
        if _COUNT_AFTER.match(text, end):
            last = max(said.rfind(" "), said.rfind("\t"), said.rfind(","), said.rfind("-"))
            if last <= 0:
                continue
            said = said[:last].rstrip(" \t,.-")
            end = m.start() + len(said)
        tokens = list(_DIGIT_RE.finditer(said))
        ends = tuple(m.start() + t.end() for t in tokens)
        digits = "".join(_NATIVE.get(t.group(0)) or _SYLLABLE.get(t.group(0)) or t.group(0)
                         for t in tokens)
        lone = said.endswith((" 이", "\t이"))
        if lone and text.startswith(_COPULA_AFTER, end):
            # a lone 이 before 이에요/이고 is the copula (99 05 15 이에요)
            ends, digits = ends[:-1], digits[:-1]
        elif said.endswith("이") and len(digits) > 1 and end < len(text) and (
                "가" <= text[end] <= "힣"):
            # two readings: 사오일이삼오이요 is ...2 + 요 or ... + 이요
            out.append(Run(m.start(), ends[:-1], digits[:-1]))
        if digits:
            out.append(Run(m.start(), ends, digits))
    return out


def _kind(foreign: bool, gender: str) -> str:
    """The back half's first digit says whose number it is (5-8: a foreign resident's); the cue
    only when that digit is not said."""
    if gender:
        return "foreigner_rrn" if gender in "5678" else "rrn"
    return "foreigner_rrn" if foreign else "rrn"


def _gap_ok(text: str, a: int, b: int, longest: int) -> bool:
    gap = text[a:b]
    return len(gap) <= longest and not _OTHER_KIND.search(gap)


# Between the groups of a half said in pairs or threes: 칠팔에 공이에 이팔, 칠팔 다시 공이 ...
_PAIR_JOIN = re.compile(r"[ \t]*(?:에|의|하고|다시)?[ \t]*")


def _paired_half(text: str, runs: list[Run], i: int) -> tuple[Run, list[int]] | None:
    """Runs from ``i`` joined only by 에/의/하고/다시 that make six digits, a birth date (the
    front half said in groups): one run of them, and the indices used. Of two readings of the
    same words (공이에: 공 + 이에, or 공이 + 에) each is tried."""

    def walk(picked: list[int], digits: str) -> list[int] | None:
        if len(digits) >= 6:
            return picked if len(digits) == 6 and len(picked) >= 2 else None
        j = picked[-1]
        alts = [k for k in range(j + 1, len(runs)) if runs[k].start >= runs[j].ends[-1]]
        if not alts or not _PAIR_JOIN.fullmatch(text, runs[j].ends[-1], runs[alts[0]].start):
            return None
        for k in (k for k in alts if runs[k].start == runs[alts[0]].start):
            found = walk([*picked, k], digits + runs[k].digits)
            if found:
                return found
        return None

    picked = walk([i], runs[i].digits)
    if picked is None:
        return None
    digits = "".join(runs[k].digits for k in picked)
    if not valid_birth(digits, "1"):
        return None
    ends = tuple(e for k in picked for e in runs[k].ends)
    return Run(runs[i].start, ends, digits), picked


def _assemble(text: str, runs: list[Run], foreign: bool, birth_cue: bool,
              cue_end: int | None, front_named: bool = False, half_alone: bool = True
              ) -> Iterator[Candidate]:
    """Candidates from the runs near one cue (``cue_end``: where the cue ends when the runs
    follow it)."""
    used: set[int] = set()
    # runs that share a start are two readings of the same words: try the longer first
    order = sorted(range(len(runs)), key=lambda i: (runs[i].start, -len(runs[i].digits)))
    # whole numbers: consecutive runs whose digits add up to thirteen
    for i in order:
        if any(runs[i].start < runs[j].ends[-1] and runs[j].start < runs[i].ends[-1]
               for j in used):
            continue
        picked, count = [i], len(runs[i].digits)
        j = i
        while count < 13:
            nxt = next((k for k in range(j + 1, len(runs))
                        if runs[k].start >= runs[j].ends[-1]), None)
            if nxt is None or not _gap_ok(text, runs[j].ends[-1], runs[nxt].start, 60):
                break
            # of two readings of the next words, take the one that completes the count
            alts = [k for k in range(nxt, len(runs)) if runs[k].start == runs[nxt].start]
            best = next((k for k in alts if count + len(runs[k].digits) == 13), alts[-1])
            picked.append(best)
            count += len(runs[best].digits)
            j = best
        if count != 13:
            continue
        digits = "".join(runs[k].digits for k in picked)
        if not valid_birth(digits[:6], digits[6]):
            continue
        ends = [e for k in picked for e in runs[k].ends]
        kind = _kind(foreign, digits[6])
        front_end, back_start = ends[5], ends[6] - 1
        while text[back_start] in " \t":
            back_start += 1
        gap = text[front_end:back_start]
        if len(gap) > 9 or any(ch in gap for ch in ".?!:"):
            # the halves apart: mask each, keep the words between
            start = runs[i].start
            yield kind, start, front_end, "******"
            back_from = next(runs[k].start for k in picked if runs[k].ends[-1] > front_end)
            back_from = max(back_from, ends[5])
            yield kind, _first_digit(text, back_from), ends[12], f"{digits[6]}******"
        else:
            yield kind, runs[i].start, ends[12], f"{digits[:6]}-{digits[6]}******"
        used.update(picked)
    # what is left: a front half (with the first back digit), or a half alone
    front_alone = False  # a front half said alone just before: its first back digit may follow
    for i, run in enumerate(runs):
        if i in used or any(run.start < runs[j].ends[-1] and runs[j].start < run.ends[-1]
                            for j in used):
            continue
        parts = [i]
        if len(run.digits) < 6 and (pairs := _paired_half(text, runs, i)) is not None:
            run, parts = pairs
            if any(runs[k].start < runs[j].ends[-1] and runs[j].start < runs[k].ends[-1]
                   for k in parts for j in used):
                continue
        if len(run.digits) == 6 and valid_birth(run.digits, "1"):
            nxt = next((k for k in range(i + 1, len(runs))
                        if runs[k].start >= run.ends[-1] and len(runs[k].digits) == 1), None)
            if nxt is not None and _gap_ok(text, run.ends[-1], runs[nxt].start, 14) and \
                    runs[nxt].start - run.ends[-1] >= 0 and _joined(text, run.ends[-1],
                                                                    runs[nxt].start):
                g = runs[nxt].digits
                if valid_birth(run.digits, g):
                    yield _kind(foreign, g), run.start, runs[nxt].ends[-1], \
                        f"{run.digits}-{g}******"
                    used.update((*parts, nxt))
                    continue
            # (생년월일 alone names a birth date; 생년월일 앞 여섯 자리 names the front half)
            if half_alone and (not birth_cue or front_named and i == 0) and not _back_before(
                    text, run.start) and (
                    _FRONT_WORD.search(text, max(0, run.start - 14), run.start)
                    or front_named and i == 0
                    or cue_end is not None and _NEAR_CUE.fullmatch(text, cue_end, run.start)
                    or _CORRECTED.match(text, run.ends[-1])):
                yield _kind(foreign, ""), run.start, run.ends[-1], "******"
                used.update(parts)
                front_alone = True
        elif len(run.digits) == 1 and run.digits in "12345678" and front_alone and (
                said_back := _FIRST_BACK_BEFORE.search(text, max(0, run.start - 14), run.start)):
            # 뒷자리 2로 시작하시는: the first back digit alone, the front said before
            yield _kind(foreign, run.digits), said_back.start(), run.ends[-1], "*"
            used.add(i)
        elif len(run.digits) == 7 and run.digits[0] in "12345678" and _back_before(
                text, run.start):
            yield _kind(foreign, run.digits[0]), run.start, run.ends[-1], \
                f"{run.digits[0]}******"
            used.add(i)
        elif len(run.digits) == 7 and valid_birth(run.digits[:6], run.digits[6]) and (
                not birth_cue or "-" in text[run.ends[5]:run.ends[6]]):
            # the front half and the first back digit in one run (사 삼 영 사 이 오-1, 6208152)
            yield _kind(foreign, run.digits[6]), run.start, run.ends[-1], \
                f"{run.digits[:6]}-{run.digits[6]}******"
            used.add(i)


def _first_digit(text: str, pos: int) -> int:
    while pos < len(text) and not (text[pos].isdigit() or text[pos] in _SYLLABLE):
        pos += 1
    return pos


# Between the front half and a lone first back digit: a dash, 다시, 에, 하고, 뒷자리 (첫째) ...
_JOIN_RE = re.compile(
    r"[ \t]*(?:(?:요|이요|이고요|이고|고요|고)(?![가-힣])[ \t]*)?"
    r"(?:[-\u2010\u2011\u2012\u2013\u2212][ \t]*"
    r"|(?:에|의|다시|하고|대시|하이픈|이고|고|,)[ \t]*)*"
    r"(?:(?:뒤에|뒤는|뒤|뒷[ \t]?(?:자리|번호)(?:는|가|은)?)[ \t]*"
    r"(?:(?:첫|맨[ \t]?앞|제일[ \t]?앞)[ \t]?(?:번째|째|자리|글자|숫자|번호)?"
    r"(?:[ \t]?(?:숫자|자리))?"
    r"(?:는|가|은|이)?[ \t]*)?)?$"
)


_STRONG_JOIN = re.compile(r"[-\u2010\u2011\u2012\u2013\u2212]|다시|에|의|하고|대시|하이픈|뒤|뒷")


def _joined(text: str, a: int, b: int) -> bool:
    """The words between a front half and a lone digit join them (a dash, 다시, 뒷자리 첫째;
    이고 alone does not: 생년월일 780914 이고 3 남았어요)."""
    gap = text[a:b]
    return bool(_JOIN_RE.match(gap)) and bool(_STRONG_JOIN.search(gap))


def _back_before(text: str, start: int) -> bool:
    """뒷자리 / 뒤 just before a run: the back half."""
    before = text[max(0, start - 22):start]
    back = max((m.end() for m in _BACK_WORD.finditer(before)), default=-1)
    front = max((m.end() for m in _FRONT_WORD.finditer(before)), default=-1)
    return back > front


def resident_numbers(text: str) -> Iterator[Candidate]:
    """Resident and foreigner registration numbers said in any shape near their name."""
    cued = ("주민" in text or "등록" in text or "외국인" in text or "생년월일" in text
            or "신분증" in text or "ARC" in text or "egistration" in text)
    cues = list(_CUE_RE.finditer(text)) if cued else []
    if not cues and ("자리" in text):
        # (회원번호 앞자리, 카드 앞자리: the half of another number)
        cues = [m for m in _HALF_CUE_RE.finditer(text)
                if "번호" not in text[max(0, m.start() - 8):m.start()]
                and not _OTHER_KIND.search(text, max(0, m.start() - 12), m.start())]
    seen_to = -1
    for k, cue in enumerate(cues):
        foreign = bool(cue.groupdict().get("f"))
        birth_cue = bool(cue.groupdict().get("b"))
        # after the cue, up to the next word that names another kind of number
        lo = max(cue.end(), seen_to)
        hi = min(len(text), cue.end() + _WINDOW)
        # ... or the next cue (외국인번호 ... 아이 주민번호 ...: each has its own digits)
        other = _OTHER_KIND.search(text, cue.end(), hi)
        if other:
            hi = other.start()
        if k + 1 < len(cues) and cues[k + 1].start() < hi and cue.re is _CUE_RE:
            hi = cues[k + 1].start()
        front_named = cue.re is _CUE_RE and bool(_FRONT_NAMED.match(text, cue.end()))
        runs = digit_runs(text, lo, hi)
        if runs and runs[0].start - cue.end() <= 70:
            yield from _assemble(text, runs, foreign, birth_cue, cue.end(), front_named)
        # right before the cue: 011123-4068513 이 딸 주민번호예요 (not when another kind's word
        # comes first: 계좌 우리 1002-133-847206, 주민번호 ... is an account)
        if not birth_cue and cue.re is _CUE_RE:
            back = max(0, cue.start() - _BEFORE, seen_to)
            before = digit_runs(text, back, cue.start())
            if before and cue.start() - before[-1].ends[-1] <= 16 and not _OTHER_KIND.search(
                    text, back, cue.start()):
                yield from _assemble(text, before, foreign, False, None,
                                     bool(_FRONT_NAMED.match(text, cue.end())))
        seen_to = max(seen_to, hi)
    yield from _said_without_name(text, seen_to)


# Six digits in a row (or in pairs) somewhere: where a number said with no name may start.
_SIX_RE = re.compile(
    r"(?<![가-힣0-9])(?:(?:하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉"
    rf"|[0-9{_SAID}])[ \t,.\-]{{0,2}}){{6}}")
_SAID_CHARS = frozenset(_SAID)


def _said_without_name(text: str, done_to: int) -> Iterator[Candidate]:
    """Thirteen digits said aloud with no name for them (a reply in a dialogue, an agent reading
    back: 칠삼공구공삼 다시 오공일팔공오칠 맞으십니까?): a birth date, a back half whose first
    digit is 1-8, the halves apart as words (a run boundary between the sixth and seventh digit),
    most of it said in syllables, and no word of another kind of number just before."""
    pos = 0
    for m in _SIX_RE.finditer(text):
        if m.start() < max(pos, done_to):
            continue
        lo, hi = m.start(), min(len(text), m.start() + 90)
        if _OTHER_KIND.search(text, max(0, lo - 25), lo) or _REFERENCE_WORD.search(
                text, max(0, lo - 25), lo):
            continue
        runs = digit_runs(text, lo, hi)
        for cand in _thirteen(text, runs):
            yield cand
            pos = cand[2]
            break


_SAID_GAP = re.compile(
    r"[ \t,.…]*(?:(?:다시|에|의|하고|대시|하이픈|그리고|뒤에|뒤는|뒷[ \t]?자리(?:는|가)?|음|어|요)"
    r"[ \t,.…]*){0,2}")
# Between written halves said with no name: a word that joins them (740811 대시 ...).
_HALVES_JOINED = re.compile(
    r"다시|대시|하이픈|에|의|뒤|뒷|어|음|하고|그리고|[-\u2010\u2011\u2012\u2013\u2212]|…|\.\.")
_REFERENCE_WORD = re.compile(r"접수|신청|민원|고지서|납부|계량기|발급|예약|주문|송장")


def _thirteen(text: str, runs: list[Run]) -> Iterator[Candidate]:
    for i in range(len(runs)):
        count, picked = 0, list[int]()
        for k in range(i, len(runs)):
            if picked and runs[k].start < runs[picked[-1]].ends[-1]:
                continue  # the other reading of the same words
            if picked and not _SAID_GAP.fullmatch(text, runs[picked[-1]].ends[-1], runs[k].start):
                break  # with no name, only a joining word or a filler between the groups
            picked.append(k)
            count += len(runs[k].digits)
            if count >= 13:
                break
        if count != 13:
            continue
        digits = "".join(runs[k].digits for k in picked)
        ends = [e for k in picked for e in runs[k].ends]
        if digits[6] not in "12345678" or not valid_birth(digits[:6], digits[6]):
            continue
        said = text[runs[i].start:ends[12]]
        spoken = sum(not ch.isascii() for ch in said if ch.isalnum()) >= 6
        if not spoken and not _HALVES_JOINED.search(text, ends[5], ends[6]):
            continue  # written digits in groups: an account's or a case number's shape
        yield _kind(False, digits[6]), runs[i].start, ends[12], f"{digits[:6]}-{digits[6]}******"
