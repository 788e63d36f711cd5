"""Numbers however their digits are grouped and said (issue 12, seventeenth round): one broader
candidate finder per type over the groups of digits of a message, rather than one pattern per way
of saying a number - cards (below), car plates with any part said aloud (``said_plates``), the
halves of a 주민번호 in the turn after its name (``resident_halves``), a passport read in parts
(``gathered_passports``) and an e-mail's ID read back letter by letter (``spelled_back``).

Cards:

The digits are read as groups (``pii_rrn.digit_runs``: written digits, sino-Korean syllables with
공/영/빵 for zero, native numerals; a run said one digit at a time, 9 4 1 0, is one group), and
consecutive groups are put together across what a caller puts between them: separators (a
slash, a comma, a dash), joining words (다시, 하고, 그리고, 에, 다음에, 그 다음), a group taken
back (구사일이 공공팔칠 아 아니다 공공칠팔 ...: the group before 아니 is dropped), and - for
groups said aloud - a few words of hesitation (음 잠깐만요 ... 아 여기 있다). The groups make a
card when

* they are four groups of four digits (the card's own grouping: no other personal number is
  said so), or an American Express number of fifteen (34/37, 4-6-5), whatever word is near; or
* they hold sixteen digits in another grouping (or fifteen from 34/37) and a card is named in
  the turn (카드, 아멕스, 비자 ...).

A group that starts like a mobile (010) is no card's, and no group is taken across a word naming
another kind of number (계좌, 전화, 주민 ...); a kind named nearer the number (an account's bank)
still decides through ``pii_kind`` in ``dasan.text.pii``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from dasan.text import pii_rrn, pii_spoken

Candidate = tuple[str, int, int, str]


class Group(NamedTuple):
    start: int
    end: int
    digits: str
    said: bool  # read aloud (syllables), not written digits


# Between two groups of one number: a separator, a joining word, or nothing but spaces.
_JOIN = re.compile(
    r"[ \t]*(?:[/,.\-|][ \t]*)?"
    r"(?:(?:다시|하고|그리고|에|의|다음에?|그[ \t]?다음(?:에|이|은)?|쩜|대시|하이픈|띄고)[ \t]*"
    r"(?:[/,.\-][ \t]*)?)?")
# A group taken back: the words a caller says before saying it again.
_TAKEN_BACK = re.compile(r"[ \t]*(?:아|어)?[ \t]*(?:아니(?:다|고|요|라)?|정정|틀렸(?:어요|다)?)"
                         r"[ \t,.]*(?:그러니까|그게)?[ \t]*")
# Hesitation between groups said aloud (음 잠깐만요 안경을 어디 뒀더라 아 여기 있다): a short
# stretch of words with no digit, question, line break or word naming another number.
_HESITATION_MAX = 40
_STOP = re.compile(
    r"[?？!.:：/\n]|계좌|통장|은행|전화|연락처|핸드폰|휴대폰|폰|주민|외국인|여권|면허|사업자|보험|차량"
    r"|차[ \t]?번호|메일|접수|신청|주문|예약|고지서|납부|우편|유효|기간|CVC|cvc|비밀")
_CARD_WORD = re.compile(
    r"카드|[Cc]ard|CARD|아멕스|아메리칸[ \t]?익스프레스|[Aa]mex|AMEX|비자|[Vv]isa|VISA|마스터"
    r"|[Mm]aster|JCB|유니온페이|은련|결제")
_TURN = re.compile(r"\n|[ \t]/[ \t]")
_MOBILE_START = ("010", "011", "016", "017", "018", "019")


def _groups(text: str) -> list[Group]:
    out: list[Group] = []
    for run in pii_rrn.digit_runs(text, 0, len(text)):
        said = not text[run.start:run.ends[-1]].isascii()
        # the words of the run: split where a separator stands between two digits
        words: list[tuple[int, int, str]] = []
        prev = run.start
        for digit, end in zip(run.digits, run.ends, strict=False):
            if not words or any(ch in " \t,.-" for ch in text[prev:end - 1]):
                words.append((end - 1, end, ""))
            s, _, d = words[-1]
            words[-1] = (s, end, d + digit)
            prev = end
        # a run said one digit at a time (9 4 1 0, 사 오 일 팔) is one group
        if len(words) >= 3 and all(len(d) == 1 for _, _, d in words):
            words = [(words[0][0], words[-1][1], "".join(d for _, _, d in words))]
        out.extend(Group(s, e, d, said) for s, e, d in words)
    return out


def _card_named(text: str, start: int, end: int) -> bool:
    """A card is named in the turn of the number (before it, or after it)."""
    lo = max(0, start - 60)
    turn = [m.end() for m in _TURN.finditer(text, lo, start)]
    if turn:
        lo = turn[-1]
    hi = min(len(text), end + 40)
    stop = _TURN.search(text, end, hi)
    if stop:
        hi = stop.start()
    return bool(_CARD_WORD.search(text, lo, start) or _CARD_WORD.search(text, end, hi))


def _card_shape(lengths: list[int], digits: str, named: bool) -> bool:
    if lengths == [4, 4, 4, 4]:
        return True
    if len(digits) == 15 and digits[:2] in ("34", "37"):
        return lengths == [4, 6, 5] or named
    return len(digits) == 16 and named and all(n >= 2 for n in lengths)


# A word for the rest of a number (나머지는, 남은 자리, 이어서, 뒷자리).
_REST_BEFORE = re.compile(
    r"나머지|남은[ \t]?(?:번호|자리|숫자)|이어서|뒤[ \t]?(?:번호|자리)|뒷자리")


def gathered_cards(text: str) -> Iterator[Candidate]:
    said = sum(ch.isdigit() or ch in "공영빵일이삼사오육칠팔구" for ch in text)
    if said < 12:
        return
    groups = _groups(text)
    for i, first in enumerate(groups):
        if first.digits.startswith(_MOBILE_START) and len(first.digits) in (3, 10, 11):
            continue
        if i and (_JOIN.fullmatch(text, groups[i - 1].end, first.start)
                  or _TAKEN_BACK.fullmatch(text, groups[i - 1].end, first.start)):
            continue  # not the first group said (공일공 이팔삼칠 ...: inside another number)
        kept = [first]
        for nxt in groups[i + 1:]:
            gap = text[kept[-1].end:nxt.start] if kept else ""
            if nxt.digits.startswith(_MOBILE_START) and len(nxt.digits) == 3:
                break
            if _JOIN.fullmatch(gap):
                kept.append(nxt)
            elif _TAKEN_BACK.fullmatch(gap) and len(kept) > 1 and len(
                    kept[-1].digits) == len(nxt.digits):
                kept[-1] = nxt  # 공공팔칠 아 아니다 공공칠팔: the group said again
            elif (first.said and nxt.said and len(gap) <= _HESITATION_MAX
                  and not _STOP.search(gap) and not any(ch.isdigit() for ch in gap)
                  and len(nxt.digits) == 4 and all(len(g.digits) == 4 for g in kept)):
                kept.append(nxt)  # 일이삼공 음 잠깐만요 ... 사육칠칠
            else:
                break
            total = sum(len(g.digits) for g in kept)
            if total >= 15:
                break
        digits = "".join(g.digits for g in kept)
        if (len(digits) == 12 and [len(g.digits) for g in kept] == [4, 4, 4]
                and _REST_BEFORE.search(text, max(0, first.start - 40), first.start)
                and _card_named(text, first.start, kept[-1].end)
                and not re.match(r"[ \t]*(?:원|만|천)", text[kept[-1].end:])):
            # the rest of a card said after its first four (앞에 4518 까지만 말했는데 나머지도
            # ... 4211 9034 7720): three groups of four, a word for the rest before them
            yield "card", first.start, kept[-1].end, f"****-****-{digits[-4:]}"
            continue
        if said < 15 or len(digits) not in (15, 16) or len(kept) < 2 and not first.said:
            continue
        start, end = first.start, kept[-1].end
        marks = {ch for a, b in zip(kept, kept[1:], strict=False)
                 for ch in text[a.end:b.start] if ch in ",-/.|"}
        if len(marks) > 1:
            continue  # 1588 - 1515, 1644-1515: a list of numbers, not one said in groups
        lengths = [len(g.digits) for g in kept]
        if not _card_shape(lengths, digits, _card_named(text, start, end)):
            continue
        if len(digits) == 16:
            repl = f"{digits[:4]}-****-****-{digits[-4:]}"
        else:
            repl = f"{digits[:4]}-******-*{digits[-4:]}"
        yield "card", start, end, repl


# --- car plates however their parts are said -------------------------------------------------

# A plate is two or three digits, a plate syllable and four digits; each digit part may be
# written, read a digit at a time (일이, 공 이, 하나둘) or said as a number (십이, 삼천사백오십육),
# with 에/하고/다시 or a dash between the parts (십이에 가 삼사오육, 오공삼 러 하고 칠일칠일).
PLATE_SYLLABLES = (
    "가나다라마거너더러머버서어저고노도로모보소오조"
    "구누두루무부수우주아바사자배하허호육해공국합"
)
_TOKEN = r"(?:[0-9]|[공영빵일이삼사오육륙칠팔구]|하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉)"
_TOKEN_RE = re.compile(_TOKEN)
_SINO_NUM = r"[일이삼사오육칠팔구]?[십백][일이삼사오육칠팔구십]{0,3}"
_SINO_TAIL = r"[일이삼사오육칠팔구]?천[일이삼사오육칠팔구백십]{0,6}"
_PART_JOIN = (r"(?:[ \t]*(?:에|하고|다시|-|(?:그[ \t]?)?다음(?:에|이|은)?|그리고)[ \t]*"
              r"|[ \t]{0,2})")
_SAID_PLATE_RE = re.compile(
    rf"(?<![가-힣0-9])(?P<num>{_SINO_NUM}|{_TOKEN}(?:[ \t]?{_TOKEN}){{1,2}})"
    rf"{_PART_JOIN}(?P<h>[{PLATE_SYLLABLES}]){_PART_JOIN}"
    rf"(?P<tail>{_SINO_TAIL}|{_TOKEN}(?:[ \t]?{_TOKEN}){{3}})"
    # no fifth digit; a copula's or particle's 이 may follow (삼사오육이여, 칠일칠일이요)
    rf"(?:(?![0-9공영빵일이삼사오육륙칠팔구]|하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉)"
    rf"|(?=이[가-힣]))")
_VEHICLE = re.compile(
    r"차량|차[ \t]?번호|번호판|차번|자동차|오토바이|이륜차|승용차|화물차|승합차|트럭|택시|렌터카"
    # a traffic or parking report names no vehicle but is about one (불법주정차 신고합니다 ...)
    r"|주정차|주차|정차|과속|신호[ \t]?위반|역주행|뺑소니|블랙박스|운전자|견인"
    r"|(?<![가-힣])차(?:는|가|를|도|요|예요|에|인데|이고)(?![가-힣])"
    # bare 차 only after whose it is (우리 사위 차; 차 마시러 is tea)
    r"|(?:제|내|우리|저희|아들|딸|남편|아내|사위|며느리|엄마|아빠|회사|친구|옆집)[ \t]?차"
    r"(?![가-힣])")
# Sino-Korean digit words and native numerals (하나 둘 셋 ...), one digit each.
_DIGIT_VALUE = pii_spoken.DIGIT_VALUE | {
    "하나": "1", "둘": "2", "셋": "3", "넷": "4", "다섯": "5", "여섯": "6", "일곱": "7",
    "여덟": "8", "아홉": "9"}


def _part_digits(said: str) -> str:
    if "십" in said or "백" in said or "천" in said:
        return str(pii_spoken.sino_value(said))
    return "".join(_DIGIT_VALUE.get(t, t) for t in _TOKEN_RE.findall(said))


def vehicle_named(text: str, start: int, end: int) -> bool:
    """A word for a vehicle stands in the turn of ``text[start:end]``, before it or after it."""
    lo = max(0, start - 60)
    turn = [m.end() for m in _TURN.finditer(text, lo, start)]
    if turn:
        lo = turn[-1]
    hi = min(len(text), end + 60)
    stop = _TURN.search(text, end, hi)
    if stop:
        hi = stop.start()
    return bool(_VEHICLE.search(text, lo, start) or _VEHICLE.search(text, end, hi))


def said_plates(text: str) -> Iterator[Candidate]:
    """A plate with a part said aloud (written plates are ``pii``'s own pattern), after or
    before a word for a vehicle in its turn."""
    for m in _SAID_PLATE_RE.finditer(text):
        said_tail, end = m.group("tail"), m.end()
        if "천" in said_tail and said_tail.endswith("이") and end < len(text) and (
                "가" <= text[end] <= "힣"):
            said_tail, end = said_tail[:-1], end - 1  # 사천오백육십칠이에요: the copula's 이
        num, tail = _part_digits(m.group("num")), _part_digits(said_tail)
        if m.group(0).isascii() or not (2 <= len(num) <= 3 and len(tail) == 4):
            continue
        if any(re.search(r"[0-9]", p) and re.search(r"[가-힣]", p)
               for p in (m.group("num"), m.group("tail"))):
            continue  # a part both written and said (26일에서 2024): a date, no plate
        if not vehicle_named(text, m.start(), end):
            continue
        yield "car_plate", m.start(), end, f"{num}{m.group('h')}****"


# --- the halves of a 주민번호 said in the turn after its name ------------------------------------

# The number's name; 뒷자리 right after it says the digits that follow are the back half.
_RRN_NAME = re.compile(r"주민[ \t]?(?:등록)?[ \t]?번호|외국인[ \t]?(?:등록)?[ \t]?번호")
_BACK_NAMED = re.compile(r"[^\d공영빵일이삼사오육칠팔구]{0,6}?(?:뒷|뒤)[ \t]?(?:자리|번호)")
# Words naming another number, a code or an amount: no half after them.
_NOT_RRN = re.compile(
    r"전화|연락처|핸드폰|휴대폰|폰|카드|계좌|통장|여권|면허|사업자|보험|차량|차[ \t]?번호|메일"
    r"|접수|신청|민원|인증|비밀|OTP|otp|우편|고지서|납부|금액|원(?![가-힣])|주소|[?？]")
_RRN_WINDOW = 90


def resident_halves(text: str) -> Iterator[Candidate]:
    """Each half of a 주민번호 said in the words after its name, however far into the turn and
    however often (a half said, then corrected: 아까 900314 라고 했는데 900413 이에요); a back half
    begun, broken off and finished (뒷자리가 이공삼... 하고 뭐더라 아 사팔팔일) is put together."""
    for cue in _RRN_NAME.finditer(text):
        foreign = cue.group(0).startswith("외국인")
        hi = min(len(text), cue.end() + _RRN_WINDOW)
        stop = _NOT_RRN.search(text, cue.end(), hi)
        turn = _TURN.search(text, cue.end(), hi)
        for found in (stop, turn):
            if found:
                hi = min(hi, found.start())
        back = bool(_BACK_NAMED.match(text, cue.end()))
        pieces: list[pii_rrn.Run] = []
        for run in pii_rrn.digit_runs(text, cue.end(), hi):
            d = run.digits
            if text[run.ends[-1] - 1] == "이" and len(run.ends) > 1 and text[
                    run.start:run.ends[-2]].isascii():
                # written digits and a lone 이 after them (2142073 이 맞아요): the copula's
                d, run = d[:-1], pii_rrn.Run(run.start, run.ends[:-1], d[:-1])
            end = run.ends[-1]
            if len(d) == 7 and text[end - 1] == "이" and end < len(text) and (
                    "가" <= text[end] <= "힣"):
                # the copula's 이 after six digits (사육 영사 이팔이고요): the front half alone
                d, run = d[:6], pii_rrn.Run(run.start, run.ends[:6], d[:6])
            if len(d) == 6 and not back and pii_rrn.valid_birth(d, "1"):
                yield "foreigner_rrn" if foreign else "rrn", run.start, run.ends[-1], "******"
            elif len(d) == 7 and not back and pii_rrn.valid_birth(d[:6], d[6]):
                # the front half and the first back digit (칠공 공구 일팔이: 700918-2)
                kind = "foreigner_rrn" if foreign or d[6] in "5678" else "rrn"
                yield kind, run.start, run.ends[-1], f"{d[:6]}-{d[6]}******"
            elif len(d) == 7 and d[0] in "12345678" and not re.search(
                    r"^\S{6}[ \t]*[-.]", text[run.start:end]):
                # (not six digits, a dash and one: 771340-2 is a front half, here no date)
                kind = "foreigner_rrn" if foreign or d[0] in "5678" else "rrn"
                yield kind, run.start, run.ends[-1], f"{d[0]}******"
            elif back and len(d) < 7:
                pieces.append(run)
                said = "".join(p.digits for p in pieces)
                if len(said) == 7 and said[0] in "12345678" and len(pieces) > 1:
                    kind = "foreigner_rrn" if foreign or said[0] in "5678" else "rrn"
                    for p in pieces:
                        yield kind, p.start, p.ends[-1], f"{said[0]}******"
                    pieces = []
                elif len(said) > 7:
                    pieces = []


# --- an e-mail's ID read back letter by letter ---------------------------------------------------

_DIGIT_SAID = {"공": "0", "영": "0", "빵": "0", "제로": "0", "일": "1", "원": "1", "이": "2",
               "투": "2", "삼": "3", "쓰리": "3", "사": "4", "포": "4", "오": "5", "파이브": "5",
               "육": "6", "식스": "6", "칠": "7", "세븐": "7", "팔": "8", "에잇": "8", "구": "9",
               "나인": "9"}
_WORD_RE = re.compile(r"[가-힣A-Za-z0-9]+")
_READ_BACK_WINDOW = 90


def _readings(word: str, letters: dict[str, str]) -> set[str]:
    """What one spoken word can spell: a letter's name, a digit, a run of digit syllables, or
    Latin letters and digits as written."""
    out = {letters[word]} if word in letters else set()
    if word in _DIGIT_SAID:
        out.add(_DIGIT_SAID[word])
    if all(ch in _DIGIT_SAID for ch in word):
        out.add("".join(_DIGIT_SAID[ch] for ch in word))
    if word.isascii():
        out.add(word.lower())
    return out


def spelled_back(text: str, kept: list[Candidate], letters: dict[str, str]) -> Iterator[Candidate]:
    """A found e-mail's ID read back after it letter by letter (jh0918 골뱅이 네이버 닷컴이요 제이
    에이치 공구일팔): the words after the address that spell the whole ID are the same e-mail."""
    taken = [(s, e) for _, s, e, _ in kept]
    for kind, s, e, _ in kept:
        if kind != "email":
            continue
        local = re.split(r"[ \t]*(?:@|＠|골뱅이|앳|엣)", text[s:e])[0].strip().lower()
        if not re.fullmatch(r"[a-z0-9._\-]{3,}", local):
            continue
        local = re.sub(r"[._\-]", "", local)
        words = list(_WORD_RE.finditer(text, e, min(len(text), e + _READ_BACK_WINDOW)))
        for k in range(len(words)):
            reach = {0}
            for m in words[k:]:
                reach = {j + len(r) for j in reach for r in _readings(m.group(0), letters)
                         if r and local.startswith(r, j)}
                if not reach:
                    break
                if len(local) in reach:
                    start, end = words[k].start(), m.end()
                    if m is not words[k] and not any(start < te and ts < end for ts, te in taken):
                        yield "email", start, end, local[:2] + "***"
                        taken.append((start, end))
                    break


# --- a passport read in parts --------------------------------------------------------------------

_PASSPORT_LETTER = re.compile(
    r"(?<![A-Za-z])(?P<letter>[A-Z]{1,2})(?![A-Za-z])"
    # (round 20) a letter said as a word (엠, 에스, 알), maybe closed as an answer (엠이요)
    r"|(?<![가-힣A-Za-z])(?P<said>엠|에스|알|엔|에이|케이|제이|티|디|씨|피)"
    r"(?:이요|이에요|이고요|이고|요)?(?![가-힣A-Za-z])")
_LETTER_SAID = {"엠": "M", "에스": "S", "알": "R", "엔": "N", "에이": "A", "케이": "K", "제이": "J",
                "티": "T", "디": "D", "씨": "C", "피": "P"}
# Between a passport's letters and its digits, or between its digit groups.
_PASSPORT_JOIN = re.compile(
    r"(?:[ \t]*(?:[-,.]|다시|하고|그리고|그[ \t]?다음(?:에|은|이)?|숫자(?:는|가|로)?|이렇게)[ \t]*"
    r"|[ \t]+"
    # (round 19) the next turn of the same reading (고객: M / 고객: 칠칠공 ...)
    r"|[ \t]*(?:\n|[ \t]/[ \t])[ \t]*(?:[가-힣A-Za-z]{1,5}[ \t]*[:：])?[ \t]*"
    r"(?:(?:네|예)[ \t,.]*)?)*")
# A turn that goes on reading the number: its label, a yes, then a letter or a digit.
_READING_TURN = re.compile(
    r"[ \t]*(?:\n|[ \t]/[ \t])[ \t]*(?:[가-힣A-Za-z]{1,5}[ \t]*[:：])?[ \t]*(?:(?:네|예)[ \t,.]*)?"
    r"(?:[A-Z](?![A-Za-z])|[0-9공영빵일이삼사오육칠팔구]|에이|비|씨|디|엠|엔|에스|케이|제이|티|알)")
_LETTER_NAME_AFTER = re.compile(
    r"(?:[ \t]*(?:다시|하고|그리고|-)[ \t]*|[ \t]+)"
    r"(?:[A-Z](?![A-Za-z])|에이|비|씨|디|에프|지|에이치|아이|제이|케이|엘|엠|엔|피|큐|알|에스|티|유"
    r"|브이|더블유|엑스|와이|제트)(?![가-힣])")
_PASSPORT_STOP = re.compile(r"[?？]|전화|연락처|핸드폰|휴대폰|카드|계좌|통장|주민"
                            r"|외국인[ \t]?등록|면허|사업자|보험|차량|메일")


def _digits_after(text: str, pos: int, hi: int, want: tuple[int, ...]) -> tuple[int, str] | None:
    """The digit runs from ``pos`` joined by separators or joining words, when together they
    hold one of the ``want`` counts: (end, digits)."""
    digits, end = "", pos
    for run in pii_rrn.digit_runs(text, pos, hi):
        if not _PASSPORT_JOIN.fullmatch(text, end, run.start):
            break
        digits += run.digits
        end = run.ends[-1]
        if len(digits) >= max(want):
            break
    return (end, digits) if len(digits) in want else None


def gathered_passports(text: str) -> Iterator[Candidate]:
    """A passport read in parts after its word in the turn: its letters, then its digits in
    groups joined by words (M 다시 칠칠일 다시 공팔삼 다시 이이; EJ 그리고 숫자 7 1 4 0 9 2 6 3;
    P 다시 삼삼공구사일팔 다시 에이), or nine digits said one at a time (a US passport)."""
    from dasan.text.pii_kind import PASSPORT_CUE, REFERENCE_CUE

    for cue in PASSPORT_CUE.finditer(text):
        hi = min(len(text), cue.end() + 70)
        # the turn ends it, unless the next turn goes on reading (고객: 엠 / 고객: 칠칠공 ...)
        turn = next((t for t in _TURN.finditer(text, cue.end(), hi)
                     if not _READING_TURN.match(text, t.start())), None)
        # (nor after a case's own number: 여권 발급 접수번호 ...)
        for found in (_PASSPORT_STOP.search(text, cue.end(), hi), turn,
                      REFERENCE_CUE.search(text, cue.end(), hi)):
            if found:
                hi = min(hi, found.start())
        for m in _PASSPORT_LETTER.finditer(text, cue.end(), hi):
            got = _digits_after(text, m.end(), hi, (7, 8))
            if not got or got[0] == m.end():
                continue
            end, digits = got
            tail = _LETTER_NAME_AFTER.match(text, end)
            if tail and tail.end() <= hi:
                end = tail.end()
            letter = m.group("letter") or _LETTER_SAID[m.group("said")]
            yield "passport", m.start(), end, f"{letter}{'*' * len(digits)}"
            break
        else:
            for run in pii_rrn.digit_runs(text, cue.end(), hi):
                said = text[run.start:run.ends[-1]]
                if len(run.digits) == 9 and len(run.ends) == 9 and len(said.split()) == 9:
                    yield "passport", run.start, run.ends[-1], "*" * 9
                    break
