"""The scored name detector (issue 12): names the phrasing rules do not cover, and look-alikes
of a name's shape it must leave."""

from __future__ import annotations

import pytest

from dasan.text import pii, pii_name_model


def _names(text: str) -> list[str]:
    return [text[s:e] for _, s, e, _ in pii_name_model.scored_names(text)]


@pytest.mark.parametrize(("text", "name"), [
    ("오늘 오전에 변서하 씨가 다녀갔어요", "변서하"),
    ("담당 선생님이 곽도윤 선생님이셨어요", "곽도윤"),
    ("접수는 제갈현우 님이 하셨어요", "제갈현우"),
])
def test_it_masks_a_name_no_rule_is_written_for(text: str, name: str) -> None:
    assert name in _names(text)
    assert name not in pii.mask(text).masked


@pytest.mark.parametrize("text", [
    "다음 달에 이사 가는데 김치 냉장고는 어떻게 버려요?",
    "정말 감사합니다 신청 기간이 언제까지예요?",
    "이번 주에 구청 민원실 몇 시까지 해요?",
    "장애인 주차 표지 재발급 문의예요",
])
def test_it_leaves_common_words_of_a_names_shape(text: str) -> None:
    assert _names(text) == []
    assert pii.mask(text, {"name"}).masked == text


def test_the_masked_name_keeps_its_first_and_last_syllable() -> None:
    result = pii.mask("오늘 오전에 변서하 씨가 다녀갔어요")
    assert "변*하 씨가" in result.masked


def test_a_word_kiwi_knows_scores_lower_than_a_name_in_the_same_place() -> None:
    weights, bias, _, common, lexicon = pii_name_model._model()

    def score(text: str, word: str) -> float:
        return max(pii_name_model._score(f, weights, bias)
                   for s, e, f in pii_name_model.candidates(text, common, lexicon)
                   if text[s:e] == word)

    assert score("이슬비 씨가 왔어요", "이슬비") > score("이사회 때문에 왔어요", "이사회")
