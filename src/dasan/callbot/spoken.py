"""Spoken-style questions, as a transcriber writes them, made searchable: fillers and
hesitations out, repeated spaces collapsed, and Korean numerals read aloud turned to digits
("공일공" -> "010") so that numbers match the knowledge base (and PII masking sees them)."""

from __future__ import annotations

import re

_FILLERS = re.compile(
    r"(?<![가-힣])(?:어+|음+|으음|그+|저기+요?|저|그러니까|뭐지|뭐냐면?|그거요?|아+|에+|네+|예+|막|"
    r"혹시|좀|제가요|있잖아요)(?![가-힣])[,.…]*")
_DIGITS = {"공": "0", "영": "0", "일": "1", "이": "2", "삼": "3", "사": "4", "오": "5",
           "육": "6", "륙": "6", "칠": "7", "팔": "8", "구": "9"}
# Runs of three or more digit syllables (a number read digit by digit), maybe spaced.
_READ_DIGITS = re.compile(r"(?<![가-힣])((?:[공영일이삼사오육륙칠팔구]\s?){3,})(?![가-힣])")


def digits_read_aloud(text: str) -> str:
    return _READ_DIGITS.sub(
        lambda m: "".join(_DIGITS[ch] for ch in m.group(1) if ch in _DIGITS), text)


def normalise(text: str) -> str:
    out = _FILLERS.sub(" ", text)
    out = digits_read_aloud(out)
    return re.sub(r"\s+", " ", out).strip(" ,.")
