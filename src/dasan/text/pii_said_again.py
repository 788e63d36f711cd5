"""Numbers said the way a call goes (issue 12, fifteenth round), as families:

* a mobile gathered across the words a caller puts between its groups (공일공 팔 팔 팔 사 그
  다음이 뭐였더라 일 공 이 구; 공. 일. 공. 팔. ...; 공일공 삼팔 에 그 다음이 팔 일 팔 일 에 끝이
  사 사 사 공): runs of digits (``pii_rrn.digit_runs``) from one that starts like a mobile (010,
  011, 016-019), joined by a few words that name no other number, until ten or eleven digits make
  a valid mobile; a group before a word that takes it back (아, 아니, 잠깐), or begun and said
  again longer (칠칠 칠칠팔이), is dropped;
* a landline said aloud the same way after a word for a phone (집 전화 공이 그 삼사오 그 다음에
  육칠팔구), not a public office's;
* a mobile read in English digit words (zero one zero, four four five two, ...);
* a number said again after it was found: read back whole or by a group (012-345678-01-017
  ... 공일이 삼사오육칠팔 공일 공일칠), or a group of five digits or more said again after a
  correction or a slip (공일공 팔이일 사칠일팔... 죄송합니다 팔이일오 사칠일팔; 아 헷갈려
  일이일팔오칠공), close to the digits it corrects - the run takes the found number's type;
* a document number given in named parts (건강보험증 번호 앞 다섯 자리 삼일이공팔 뒤 여섯 자리
  칠칠사공일구; 카드 앞 여섯 자리는 ... 끝 네 자리는 ...) when the parts together hold nine digits
  or more: a card's or a phone's last four digits alone stay (most writers leave them unlabelled).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from dasan.text import pii_rrn
from dasan.text.pii_phone_digits import AREA_CODE, LANDLINE_RE, is_mobile, phone_replacement

Candidate = tuple[str, int, int, str]

# Types a number said again can take; names and addresses have their own echoes.
SAID_AGAIN_TYPES = frozenset({"phone", "rrn", "foreigner_rrn", "card", "account", "business_no",
                              "health_insurance", "driver_licence", "car_plate"})

# Words that name another number, a case number or an amount: no group of the number after them.
_OTHER_NUMBER = re.compile(
    r"접수|신청[ \t]?번호|민원|고지서|납부|계량기|버스|우편|금액|^[ \t]?원|[천만백][ \t]?원"
    r"|호(?![가-힣])|동(?![가-힣])|번지|사업자|여권|면허|차량|[Pp]assport")
# Words naming a kind of number other than a phone.
_OTHER_KIND = r"카드|계좌|통장|보험|주민|외국인|사업자|면허|여권|차량"
_KIND_WORD = re.compile(rf"전화|연락처|핸드폰|휴대폰|폰|{_OTHER_KIND}")


_NATIVE_TWO = frozenset(("하나", "다섯", "여섯", "일곱", "여덟", "아홉"))


def _digits_syllables(text: str, start: int, end: int) -> str:
    """The text with every digit said (written or a syllable) replaced by ``*``."""
    out = list(text[start:end])
    for run in pii_rrn.digit_runs(text, start, end):
        for e in run.ends:
            i = e - 1 - start
            if 0 <= i < len(out):
                out[i] = "*"
                # a native numeral of two syllables (다섯, 하나): both characters are the digit
                if i >= 1 and text[e - 2:e] in _NATIVE_TWO:
                    out[i - 1] = "*"
    return "".join(out)


# --- a mobile gathered across words --------------------------------------------------------------

_GATHER_GAP = 26
# A mobile's groups are not gathered across a question or a word naming another kind of number.
_GAP_STOP = re.compile(rf"[?!\n]|{_OTHER_KIND}")


# Between two turns of a transcript: a line break or a slash, the speaker's label, a short
# acknowledgement (네, 예) - and at least one turn change.
_TURN = (r"[ \t]*(?:\n|/|\|)[ \t]*(?:[가-힣A-Za-z]{1,5}[ \t]*[:：])?[ \t]*"
         r"(?:(?:네|예|응)[.,]?[ \t]*)?")
_TURN_GAP = re.compile(rf"(?:[ \t]*(?:이요|요|이고요|고요)?[.,]?)?(?:{_TURN})+")


# A group taken back between two groups: 아, 어 alone, 아니, 잠깐, 정정, 죄송.
_TAKEN_BACK = re.compile(r"(?:^|[ \t])(?:아|어)(?:[ \t]|$)|아니|잠깐|정정|죄송|헷갈|틀렸")


def _words(text: str, run: pii_rrn.Run) -> list[str]:
    """The digits of ``run`` word by word (공일공 오오삼삼 칠칠 -> 010, 5533, 77)."""
    words: list[str] = []
    prev = run.start
    for digit, end in zip(run.digits, run.ends, strict=False):
        if not words or any(ch in " \t,.-" for ch in text[prev:end - 1]):
            words.append("")
        words[-1] += digit
        prev = end
    return words


def _restarted(groups: list[str]) -> list[str]:
    """A group begun and said again longer is the same group (칠칠 칠칠팔이, 구구 그러니까 구구이):
    the first try is dropped."""
    return [g for k, g in enumerate(groups)
            if not (k + 1 < len(groups) and len(g) < len(groups[k + 1]) <= 4
                    and groups[k + 1].startswith(g))]


# A landline's area code, gathered only after a word for a phone (집 전화 공이 그 삼사오 ...).
_AREA = re.compile(AREA_CODE)
_LINE_CUE = re.compile(r"전화|번호|연락처|집|자택|폰")


def gathered_mobiles(text: str) -> Iterator[Candidate]:
    if not any(ch in text for ch in "공영빵0"):
        return
    runs = pii_rrn.digit_runs(text, 0, len(text))
    for i, first in enumerate(runs):
        # (a landline only said aloud: written ones with a range, 02-475-1403 ~ 4, are offices')
        landline = bool(_AREA.match(first.digits)) and not text[
            first.start:first.ends[-1]].isascii() and bool(
            _LINE_CUE.search(text, max(0, first.start - 15), first.start))
        if not (first.digits[:3] in ("010", "011", "016", "017", "018", "019")
                or first.digits in ("0", "01") or landline):
            continue
        groups, end = _words(text, first), first.ends[-1]
        used = 1
        for nxt in runs[i + 1:]:
            if len("".join(_restarted(groups))) >= 10:
                break
            if nxt.start < end:
                continue  # a second reading of the same words
            gap = text[end:nxt.start]
            if gap.strip(" \t") == "\n" or _TURN_GAP.fullmatch(gap):
                # a group on each line (010 / 4471 / 2290 in a chat), or in the caller's next
                # turn (고객: 010-4421 / 상담원: 네 / 고객: 7789)
                gap = " "
            if len(gap) > _GATHER_GAP or _GAP_STOP.search(gap) or _OTHER_NUMBER.search(gap):
                break
            if _TAKEN_BACK.search(gap) and len(groups) > 1:
                groups.pop()  # 오오삼삼 칠칠 아 칠칠팔팔: the group before 아 is said again
            groups += _words(text, nxt)
            end = nxt.ends[-1]
            used += 1
        digits = "".join(_restarted(groups))
        # one run alone only when it is said (written digits are the phone recognisers')
        valid = is_mobile(digits) and len(digits) in (10, 11) or landline and bool(
            LANDLINE_RE.fullmatch(digits)) and used > 1
        if valid and landline and not is_mobile(digits):
            from dasan.text import pii  # (pii imports this module)

            valid = not pii._office_line(text, first.start, end)  # a public office's line
        if valid and (used > 1 or not text[first.start:end].isascii()):
            yield "phone", first.start, end, _digits_syllables(text, first.start, end)


# --- English digit words -------------------------------------------------------------------------

_EN_DIGITS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3",
              "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_EN_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_EN_RUN_RE = re.compile(rf"(?<![A-Za-z])(?:zero|oh)(?:[ \t,.\-]+{_EN_WORD}){{9,10}}(?![A-Za-z])",
                        re.IGNORECASE)


def english_mobiles(text: str) -> Iterator[Candidate]:
    for m in _EN_RUN_RE.finditer(text):
        digits = "".join(_EN_DIGITS[w.lower()] for w in re.findall(r"[A-Za-z]+", m.group(0)))
        if is_mobile(digits):
            yield "phone", m.start(), m.end(), phone_replacement(digits[1:3], digits[-4:])


# --- a number said again --------------------------------------------------------------------------

_WINDOW = 80
_SLIP = re.compile(r"아니|죄송|헷갈|정정|잘못|틀렸|다시[ \t]?말|아[ \t]?참|실수|[Ss]orry")
# An amount, a year, a count or a place after the digits: not a group of the number.
_UNIT_AFTER = re.compile(
    r"[ \t]?(?:원|년|월|일|개|명|시|분|초|만|천|살|세|번째|층|호|동|번지|%|[Kk]m)")
# A part of the number named right before the group that corrects it (끝이, 뒷자리가, 마지막은).
_PART_NAMED = re.compile(r"(?:끝|뒷|뒤|가운데|중간|마지막|앞)[ \t]?"
                         r"(?:자리|번호|부분|네[ \t]?자리)?"
                         r"(?:는|가|은|이|을|를|요|에)?[ \t]*[:：]?[ \t]*$")


def _edits(a: str, b: str) -> int:
    """Levenshtein distance of two short digit strings."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _near(said: str, whole: str) -> bool:
    """``said`` corrects a digit or two of a stretch of ``whole`` (a slip: 구구일사 -> 구일구사,
    팔이일 사칠일팔 -> 팔이일오 사칠일팔), rather than being another number."""
    n = len(said)
    return any(_edits(said, whole[i:i + k]) <= 2
               for k in (n - 1, n, n + 1) if 0 < k <= len(whole)
               for i in range(len(whole) - k + 1))


def _joined(runs: Sequence[pii_rrn.Run]) -> str:
    digits, end = "", -1
    for run in runs:
        if run.start >= end:
            digits, end = digits + run.digits, run.ends[-1]
    return digits if len(digits) >= 6 else ""


def said_again(text: str, kept: Sequence[Candidate]) -> Iterator[Candidate]:
    """Said runs after a found number that read it back (its digits whole, or one of its groups of
    four or more) or say a group again after a slip (아니, 죄송, 헷갈려): the found number's
    type. ``kept`` are the spans found so far."""
    numbers = [c for c in kept if c[0] in SAID_AGAIN_TYPES]
    if not numbers:
        return
    taken = [(s, e) for _, s, e, _ in kept]
    for kind, s, e, _ in numbers:
        groups = pii_rrn.digit_runs(text, s, e)
        # each reading of the found number (a final 이 may be a digit or the copula), and its
        # runs put together (일오삼 다시 팔일 다시 ...)
        wholes = {g.digits for g in groups if len(g.digits) >= 6} | {_joined(groups)}
        wholes.discard("")
        if not wholes:
            continue
        whole = max(wholes, key=len)
        parts = {g.digits for g in groups if len(g.digits) >= 4} | set(
            re.findall(r"\d{4,}", text[s:e]))
        # the lengths of the number's groups as written or said (010-3928-4417: 3, 4, 4)
        group_lengths = {len(g) for g in re.split(r"[ \t\-.,/]+", text[s:e]) if g}
        last = e
        for run in pii_rrn.digit_runs(text, e, min(len(text), e + _WINDOW)):
            end = run.ends[-1]
            if run.start < last or any(run.start < te and ts < end for ts, te in taken):
                continue
            gap = text[last:run.start]
            if _OTHER_NUMBER.search(gap) or (_KIND_WORD.search(gap) and kind not in (
                    "rrn", "foreigner_rrn")):
                break
            said = run.digits
            # (round 20) a group of the number corrected by its part's name after a slip (010-3928-
            # 4417 이요 아 죄송해요 끝이 7789 예요): as long as one of its groups, written or said
            part_fix = (bool(_SLIP.search(gap)) and bool(_PART_NAMED.search(gap))
                        and len(said) >= 3 and len(said) in group_lengths
                        and not _UNIT_AFTER.match(text, end))
            if part_fix:
                yield kind, run.start, end, _digits_syllables(text, run.start, end)
                taken.append((run.start, end))
                last = end
                continue
            if text[run.start:end].isascii():
                continue  # written digits are the recognisers' (an office's line stays out)
            # read back whole, by a group, or a stretch of six digits or more
            echo = len(said) >= 4 and (said in parts or any(
                w in said or len(said) >= 6 and said in w for w in wholes))
            # the correction word stands just before the group said again
            # (a plate's four digits: 사구 거 에 일일일팔 아 아니 일일팔일)
            shortest = 4 if kind == "car_plate" else 5
            slip = bool(_SLIP.search(gap[-16:])) and shortest <= len(said) <= len(whole) and any(
                _near(said, w) for w in wholes)
            if not (echo or slip):
                continue
            yield kind, run.start, end, _digits_syllables(text, run.start, end)
            taken.append((run.start, end))
            last = end


# --- a document number in named parts -----------------------------------------------------------

_DOC_KINDS = (
    ("health_insurance", re.compile(r"건강[ \t]?보험|건보|보험증|의료[ \t]?보험")),
    ("card", re.compile(r"카드")),
    ("account", re.compile(r"계좌|통장")),
    ("business_no", re.compile(r"사업자")),
    ("driver_licence", re.compile(r"면허")),
)
_PART_RE = re.compile(
    r"(?:앞|뒤|뒷|끝|가운데|중간|마지막)[ \t]?(?:(?:\d{1,2}|한|두|세|네|다섯|여섯|일곱|여덟)[ \t]?"
    r"자리|자리|번호|부분)(?:는|가|은|이|요|는요)?[ \t]*[:：]?[ \t]*")


def named_parts(text: str) -> Iterator[Candidate]:
    if "자리" not in text and "부분" not in text and "번호" not in text:
        return
    for kind, word in _DOC_KINDS:
        for cue in word.finditer(text):
            parts: list[pii_rrn.Run] = []
            pos = cue.end()
            for part in _PART_RE.finditer(text, pos, min(len(text), cue.end() + 90)):
                if part.start() - pos > 30:
                    break
                runs = [r for r in pii_rrn.digit_runs(text, part.end(), min(len(text),
                                                                             part.end() + 30))
                        if r.start == part.end()]
                if not runs:
                    continue
                run = max(runs, key=lambda r: len(r.digits))
                parts.append(run)
                pos = run.ends[-1]
            if len(parts) >= 2 and sum(len(r.digits) for r in parts) >= 9:
                for run in parts:
                    yield kind, run.start, run.ends[-1], _digits_syllables(
                        text, run.start, run.ends[-1])
