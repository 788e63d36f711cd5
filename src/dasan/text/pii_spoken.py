"""A second view of a message for the number recognisers of ``dasan.text.pii``: the same length
as the text, character for character, with

* full-width forms folded to ASCII (０１０－１２３４ -> 010-1234), the letter O typed for a zero
  inside a number folded to 0 (O1O-1234 -> 010-1234), and
* document numbers read aloud in sino-Korean digits after a word that names them
  (카드 번호 오삼일공 칠칠공공 ... -> 카드 번호 5310 7700 ...; 다시/하고/에 between the groups
  become a dash, as a written number has one).

Because every character keeps its offset, a span found in the view is a span of the original
text. Phone numbers read aloud have their own recogniser (they are recognised without a cue);
this view serves the longer numbers (주민/외국인등록번호, card, account, licence, business and
health-insurance numbers), which are only converted after a cue, so that ordinary words made of
digit syllables (이사, 오일) are left alone; six digits or more after a 주민번호 or birth-date cue
(the front half said alone).
"""

from __future__ import annotations

import re

# A digit said as a sino-Korean word (공/영/빵 for a zero), for every number recogniser.
DIGIT_VALUE = {"공": "0", "영": "0", "빵": "0", "일": "1", "이": "2", "삼": "3", "사": "4",
               "오": "5", "육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9"}
SINO_DIGITS = "일이삼사오육칠팔구"
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_TOKEN = r"[공영빵일이삼사오육륙칠팔구0-9]+"
_JOIN = (r"(?:[ \t]*(?:다시|하고|에|뒷[ \t]?자리(?:는|가)?|뒤에)[ \t]*|[ \t]*[,\-./][ \t]*"
         r"|[ \t]+)")
_RUN_RE = re.compile(rf"(?<![가-힣0-9]){_TOKEN}(?:{_JOIN}{_TOKEN})*")
# A word that names a long number, shortly before it.
_CUE_RE = re.compile(
    r"번호|카드|계좌|통장|면허|사업자|보험|여권|주민|등록|생년월일|입금|은행|뒷자리|앞자리"
)
# ... or right after it (구사일공 일일팔삼 이칠육오 사공삼이 이 카드요).
_CUE_AFTER_RE = re.compile(r"[ \t]*(?:이[ \t])?[ \t]*(?:카드|계좌|통장)")
_MIN_DIGITS = 10
_MIN_SPOKEN = 3
# The front half of a 주민번호 (six digits, a birth date) is converted after its own cue:
# 주민번호 앞 여섯 자리 오칠공육이삼.
_HALF_CUE_RE = re.compile(r"주민|외국인|생년월일|앞[ \t]?(?:여섯[ \t]?)?자리")
_MIN_HALF_DIGITS = 6
# Written digit groups joined by a word: 110 하고 123 하고 456789.
_WORDED_DIGITS = re.compile(r"\d[ \t]*(?:하고|다시)[ \t]*\d")


# The letter O typed for a zero inside a number (O1O-1234-5678): a token of digits and O's.
_LETTER_O_RE = re.compile(r"(?<![A-Za-z])(?=[0-9]*[Oo])(?=[Oo]*[0-9])[0-9Oo]{2,}(?![A-Za-z])")


def sino_value(said: str) -> int:
    """The value of a number said in sino-Korean words (오천이백삼십일 -> 5231)."""
    total, digit = 0, 0
    for ch in said:
        if ch in SINO_DIGITS:
            digit = SINO_DIGITS.index(ch) + 1
        else:
            total += (digit or 1) * {"십": 10, "백": 100, "천": 1000}[ch]
            digit = 0
    return total + digit


def _convert(run: str) -> str:
    out = run
    for word, repl in (("다시", " -"), ("하고", " -")):
        out = out.replace(word, repl)
    out = re.sub(r"(?<=[공영빵일이삼사오육륙칠팔구0-9])에", "-", out)
    out = out.replace(",", " ")
    return "".join(DIGIT_VALUE.get(ch, ch) for ch in out)


def digit_view(text: str) -> str:
    """``text`` with full-width forms folded and cued spoken numbers as ASCII digits (same
    length, same offsets); ``text`` itself when there is nothing to change."""
    view = text.translate(_FULL_WIDTH) if any(
        "\uff01" <= ch <= "\uff5e" for ch in text) else text
    if "O" in view or "o" in view:
        view = _LETTER_O_RE.sub(lambda m: m.group(0).replace("O", "0").replace("o", "0"), view)
    if not any(ch in DIGIT_VALUE for ch in view) and not _WORDED_DIGITS.search(view):
        return view
    parts: list[str] = []
    pos = 0
    for m in _RUN_RE.finditer(view):
        start, end = m.start(), m.end()
        run = view[start:end]
        # 오육칠팔구공이에요: the last 이 begins the ending when a syllable follows at once.
        if end < len(view) and "가" <= view[end] <= "힣" and run.endswith("이"):
            run, end = run[:-1], end - 1
        spoken = sum(ch in DIGIT_VALUE for ch in run)
        digits = spoken + sum(ch.isdigit() for ch in run)
        before = view[max(0, start - 20):start]
        # written groups joined by words (110 하고 123 하고 456789) are converted as well
        worded = spoken >= _MIN_SPOKEN or bool(_WORDED_DIGITS.search(run))
        if not worded or not (
                digits >= _MIN_DIGITS and (_CUE_RE.search(before) or _CUE_AFTER_RE.match(view, end))
                or digits >= _MIN_HALF_DIGITS and _HALF_CUE_RE.search(before)):
            continue
        parts.append(view[pos:start])
        parts.append(_convert(run))
        pos = end
    if not parts:
        return view
    parts.append(view[pos:])
    out = "".join(parts)
    assert len(out) == len(text)
    return out
