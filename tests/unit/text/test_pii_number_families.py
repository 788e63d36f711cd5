"""Issue 12, tenth round: number families from set M1 (written blind), each beside a look-alike
that must stay unmasked - phones read in native numerals, with 쩜 or a correction inside, and the
lines of public offices; the examples here are new wordings, not M's items."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _spans(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in find(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # native numerals, alone or mixed with sino-Korean ones
        ("제 번호 공하나공 셋셋넷다섯 여섯둘하나아홉 이에요", "공하나공 셋셋넷다섯 여섯둘하나아홉"),
        ("공일공 하나둘셋넷 오육칠팔 로 주세요", "공일공 하나둘셋넷 오육칠팔"),
        # 쩜 between the groups
        ("연락처 공일공 쩜 삼사오육 쩜 칠팔구공", "공일공 쩜 삼사오육 쩜 칠팔구공"),
        # a group corrected: the one before 아니 is dropped, the span keeps the whole
        ("공일공 사사... 아니 사오칠이 일일팔팔 이요", "공일공 사사... 아니 사오칠이 일일팔팔"),
        ("공일공에 삼삼삼 아니다 삼이일구에 팔팔칠공", "공일공에 삼삼삼 아니다 삼이일구에 팔팔칠공"),
    ],
)
def test_phones_read_aloud(text: str, value: str) -> None:
    assert _spans(text) == [("phone", value)]


def test_a_read_out_number_that_is_no_phone_stays() -> None:
    # a correction leaves too few digits; a count in native numerals is no number
    assert _spans("공일공 사사 아니 사오칠이 요") == []
    assert _spans("사과 하나 둘 셋 넷 다섯 개 주세요") == []


@pytest.mark.parametrize(
    "text",
    [
        "마포구청 대표번호 02-3153-8114 로 걸어 보세요",
        "주민센터 팩스 02-2148-5001 로 서류 보내래요",
        "관리사무소 031-912-4470 에 전화해도 안 받아요",
        "02-2290-6114 이 구청 번호 맞나요?",
        "자동차세 전자납부번호 0211-3302-4417-20 으로 냈어요",
    ],
)
def test_office_lines_and_longer_numbers_stay(text: str) -> None:
    assert _spans(text) == []


def test_ones_own_line_after_an_office_word_is_masked() -> None:
    # a mobile is always a person's; a landline after one's own word (제, 집) too
    assert _spans("구청에서 010-2233-4455 로 연락 준대요") == [("phone", "010-2233-4455")]
    assert _spans("관리사무소 말고 저희 집 02-972-1145 로 주세요") == [("phone", "02-972-1145")]
    assert _spans("사무실은 02)2658-4410 이에요") == [("phone", "02)2658-4410")]


def test_a_public_buildings_address_stays() -> None:
    assert _spans("구청 주소가 마포대로 100 맞죠?") == []
    assert _spans("우리 집 주소가 마포대로 100 이에요") == [("address", "마포대로 100")]
