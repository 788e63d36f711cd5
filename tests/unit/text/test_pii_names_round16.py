"""Issue 12, session 19 (sixteenth round, names): families written from tune set W1's misses and
false masks (and T1, S1) and from probes in other words - each with the look-alikes that must
stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    ("text", "given"),
    [("딸 이름이 이슬이에요 정이슬", "이슬"), ("손주 이름이 한결이라고 지었어요 문한결", "한결"),
     ("성함이 정란이었어요 허정란", "정란")],
)
def test_a_given_name_before_the_copulas_own_i(text: str, given: str) -> None:
    # the copula's 이 after a consonant is no part of the name (이슬, not 이슬이)
    assert given in _names(text)


@pytest.mark.parametrize(
    ("text", "names"),
    [("제 이름은 모 씨에 가 자 윤 자, 모가윤이요", ["모 씨에 가 자 윤 자", "모가윤"]),
     ("성은 길이고 다 자 은 자예요 길다은", ["길이고 다 자 은 자", "길다은"])],
)
def test_the_surname_said_as_such_before_a_spelled_given_name(
        text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_a_given_name_said_alone_and_in_the_full_name_spreads() -> None:
    # 단비 is a word (sweet rain); said alone and behind its surname it is a name each time
    text = "아이 이름이 새봄이에요, 하새봄. 새봄이가 일곱 살이고요"
    assert _names(text).count("새봄") == 2 and "하새봄" in _names(text)


def test_a_foreign_residents_one_word_name_said_again() -> None:
    text = "우즈베크 출신 동료 바흐롬이랑 일해요 바흐롬은 우즈베키스탄 사람이에요"
    assert _names(text).count("바흐롬") == 2


def test_a_word_the_detector_took_is_not_spread_without_a_foreign_resident() -> None:
    # no foreign resident is spoken of: an unknown word is not repeated as a name
    text = "학도암 가는 길 알려주세요 학도암은 노원구에 있어요"
    assert _names(text).count("학도암") <= 1


def test_a_foreign_names_i_before_ssi() -> None:
    assert "탕 메이" in _names("탕 메이 씨가 집주인이에요")  # not 탕 메 and a particle


@pytest.mark.parametrize(
    ("text", "name"),
    [("이름: 왕 샤오밍 (王小明) 입니다", "王小明"), ("성명 김하늘 한자로는 金하늘 아니고 金夏訥", "金夏訥")],
)
def test_a_name_in_chinese_characters_after_a_naming_word(text: str, name: str) -> None:
    assert name in _names(text)


def test_chinese_characters_with_no_naming_word_stay() -> None:
    assert _names("서울特別市 시청 앞 광장 행사") == []


def test_a_lower_case_name_said_to_be_written_so() -> None:
    assert "rosa mendez" in _names("rosa mendez 라고 영문 소문자로 썼어요")


def test_a_lower_case_phrase_without_a_naming_word_stays() -> None:
    assert _names("택배 송장에 fragile item 이라고 적혀 있어요") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("저 네팔에서 왔어요 라주 타망 구룽 이에요", "라주 타망 구룽"),
     ("카자흐스탄 고려인 최 알렉산드르 입니다", "최 알렉산드르")],
)
def test_a_foreign_residents_name_after_where_they_came_from(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text", ["인도네시아에서 왔고 제 남편이에요", "몽골에서 왔어요 비자 연장하려고요",
             "중국 사람 왕 씨가 가게 주인이에요"],
)
def test_after_where_they_came_from_no_name_is_said(text: str) -> None:
    assert _names(text) == []
