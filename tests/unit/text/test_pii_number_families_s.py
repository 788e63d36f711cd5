"""Issue 12, session 16: a phone read aloud in groups with words between them (fillers, 그 다음이,
a group taken back with 아니, a Seoul home line starting with 이), and a birth date's six digits
named as the front half (생년월일 앞 여섯 자리) - beside counts, times and words made of digit
syllables that stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _found(text: str, kind: str) -> list[str]:
    return [s.text for s in find(text) if s.type == kind]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("아 번호요 일단 공일공이고요 그 다음이 칠사 칠사 그리고 마지막이 이팔공일",
         "공일공이고요 그 다음이 칠사 칠사 그리고 마지막이 이팔공일"),
        ("제 번호요 공일공 다시 삼삼구이 다시… 어 잠깐 메모 좀 보고요… 칠공사팔 이요",
         "공일공 다시 삼삼구이 다시… 어 잠깐 메모 좀 보고요… 칠공사팔"),
        ("집전화 이 다시 구사일 다시 공칠칠공 이에요 서울이요", "이 다시 구사일 다시 공칠칠공"),
    ],
)
def test_a_phone_read_in_groups_with_words_between(text: str, phone: str) -> None:
    assert _found(text, "phone") == [phone]


def test_a_group_taken_back_is_replaced_by_the_next() -> None:
    text = "어… 공일공에… 팔팔사일, 아니 팔팔사이 에 칠공공구요"
    spans = [s for s in find(text) if s.type == "phone"]
    assert len(spans) == 1 and spans[0].replacement.endswith("7009")


@pytest.mark.parametrize(
    "text",
    [
        "영하 이도에 이사 가요 오늘 일일이 다 해요",
        "공공기관 이사 일정이요 오후 사시 삼십분",
        "공원 이용 시간이 구시부터 육시까지예요",
    ],
)
def test_words_of_digit_syllables_stay(text: str) -> None:
    assert _found(text, "phone") == []


@pytest.mark.parametrize(
    ("text", "front"),
    [
        ("성함과 생년월일 앞 여섯 자리 말씀해 주세요. / 고객: 네 육팔일이공삼 이요.", "육팔일이공삼"),
        ("생년월일 앞 여섯 자리 말씀해 주세요. 네 681203 이요.", "681203"),
    ],
)
def test_a_birth_date_named_as_the_front_half(text: str, front: str) -> None:
    assert _found(text, "rrn") == [front]


def test_a_birth_date_alone_stays() -> None:
    assert _found("생년월일 910615 입니다", "rrn") == []


@pytest.mark.parametrize(
    "text",
    [
        "전화 02-6360-4000 번이 도서관 대표 맞죠",
        "신청서 예시에 주민번호 000000-0000000 으로 적혀 있는데 그냥 두면 되나요",
    ],
)
def test_a_public_main_line_and_a_placeholder_stay(text: str) -> None:
    assert [s.type for s in find(text)] == []


def test_a_mobile_of_repeated_digits_is_still_masked() -> None:
    assert _found("제 번호 010-2222-2222 예요", "phone") == ["010-2222-2222"]


def test_an_office_line_said_to_be_ones_own_desk_is_masked() -> None:
    assert _found("사무실 직통은 070-4412-8830 인데 제 자리 번호예요", "phone") == ["070-4412-8830"]
    assert _found("구청 직통은 02-2148-1234 예요", "phone") == []
