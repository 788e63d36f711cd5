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


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("신고인 이겨울", "이겨울"),  # a form's field
        ("보호자 : 도미란 / 대상 아동 : 도하준 (7세)", "도하준"),
        ("같이 일하는 바트바야르가 다쳐서 대신 전화했어요", "바트바야르"),
        ("Hi, this is Daniyar Seitkali, I need help with my visa.", "Daniyar Seitkali"),
        ("My landlord refuses to return my deposit. - Sofia Marquez", "Sofia Marquez"),
        ("이름 철자가 설, 아, 린, 설아린이요", "설, 아, 린"),  # spelled with commas
    ],
)
def test_names_from_set_q(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "119에 먼저 신고했고요, 112도 불렀어요",  # a verb after a cue-like word
        "본인인증용 주민번호 990311",  # glued to the cue
        "저 베트남 여권이 씨 칠 오 이 팔 삼 일 사 예요",  # a noun and its particle before 씨
        "예금주 어머니",  # the start of a known word
        "It is raining. - Please help",
    ],
)
def test_no_name_in_these(text: str) -> None:
    assert _names(text) == []


def test_a_child_names_themselves_in_a_text() -> None:
    assert _names("[SMS] 엄마 나 다온이야. 다산콜에 전화했어") == ["다온"]
    assert _names("엄마 나 학생이야") == []
    assert _names("나 지금 집이야") == []


def test_age_words_and_verb_forms_are_no_names() -> None:
    assert _names("어제 오신 기사님이 친절했어요") == []
    assert _names("저는 화곡동에 사는 구순 노인이에요") == []
