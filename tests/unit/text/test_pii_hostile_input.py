"""A citizen's message must not stall the masker: every message of a chat, SMS or report is
masked, so a pattern that backtracks without bound is a denial of service (one message of 74
characters - an e-mail's @ and a long run of letters and digits - held a worker for seconds,
and the time doubled with each character). The masker runs in a child process with a generous
limit: a bounded pattern finishes in well under a second, an unbounded one never would."""

from __future__ import annotations

import subprocess
import sys

import pytest

HOSTILE = [
    # an @ in the message and a long run of letters and digits that no @ follows
    "메일은 hong@naver.com 이고 주문번호 " + "AB12CD34" * 5 + " 입니다",
    "메일 주소 골뱅이 없어요 " + "ab1" * 14 + "!",
    "앳 " + "x9" * 20 + " 끝",
    # the same run spelled in Hangul letter names and digits, no @ after it
    "메일 @ " + "에이 비 공 일 " * 10 + "입니다",
    # the grouped numbers' finders (pii_grouped): plate parts, card groups taken back, a
    # resident number's cue before endless digits, an e-mail's ID read back without end
    "차 " + "일이 가 " * 400,
    "카드 " + "사오일팔 아 아니 " * 300,
    "카드 " + "4 5 1 8 / " * 300,
    ("주민번호 뒷자리 " + "일 " * 40) * 50,
    "메일 abcdefgh12@naver.com " + "에이 비 씨 디 이 에프 지 에이치 " * 100,
    ("여권 " + "M 다시 " * 30 + "칠 ") * 40,
    # the eighteenth round's shapes: an ID spelled with commas and moving-on words, no @ after
    # it; a mobile's groups said as numbers joined by words without end; mixed passport runs;
    # an example's or a company's word before endless digits
    "메일 " + "t, a 그 다음에 숫자 칠 그리고 " * 200,
    "공일공 " + "다시 천이백 하고 " * 300,
    "여권 " + "AB1C2345D6 " * 200,
    ("예시에 " + "1 " * 40) * 30,
    "영수증 사업자번호 " + "123-45-67890 주식회사 " * 100,
    "건강보험 " + "일 쩜 " * 400,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_message_is_masked_without_stalling(text: str) -> None:
    code = ("import sys; from dasan.text import pii; "
            "print(len(pii.mask(sys.argv[1]).masked))")
    done = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True,
                          timeout=60, check=True)
    assert int(done.stdout.strip()) > 0
