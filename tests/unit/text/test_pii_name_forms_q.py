"""Issue 12, twelfth round: names the detector scored just short of its threshold where the
words around say "a person" (where a foreign resident comes from, a letter's closing), and
Vietnamese names in Hangul by their middle name (티, 반) - each beside words that must stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("몽골에서 온 바트바야르예요 아이 어린이집 신청하고 싶어요", "바트바야르"),
        ("중국 동포 리홍매 씨 대신 전화했어요", "리홍매"),
        ("부디 선처 부탁드립니다. 한지민 배상", "한지민"),
        ("베트남 며느리 레 티 투 하가 한국어를 잘 못해서 제가 대신 전화했어요", "레 티 투 하"),
        ("우리 직원 쩐 반 하이가 외국인등록증을 잃어버렸어요", "쩐 반 하이"),
        ("제 와이프가 응우옌 티 투 짱이고 한국 온 지 5년 됐어요", "응우옌 티 투 짱이"),
    ],
)
def test_names_said_in_these_ways(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "Zhang Yufei라고 하는데 중국 유학생이에요",  # 유학생 after 중국: no name
        "이거 반 반 나눠요",
        "오늘 하 반 정도 했어요",
        "도 반 나눠서 내요",
        "손해 배상 청구하려고요",
    ],
)
def test_words_that_stay(text: str) -> None:
    assert [n for n in _names(text) if n != "Zhang Yufei"] == []
