"""Issue 12, round 19: the learnt name tagger (``pii_name_tagger``) beside the rules and the
scorer - names in shapes no rule foresees are found, words of a name's shape are not."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from dasan.text import pii_name_model, pii_name_tagger
from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.fixture
def tagger_off() -> Iterator[None]:
    saved = pii_name_model.TAGGER
    pii_name_model.TAGGER = False
    try:
        yield
    finally:
        pii_name_model.TAGGER = saved


# A foreign resident's name with no cue word before it and no copula after it, said as the
# subject of a clause: no rule of pii_names nor a scorer candidate takes it.
UNFORESEEN = [("손님 중에 이바나가 분실물을 찾는대요", "이바나"),
              ("어제 민원실에서 본 이바나가 또 왔어요", "이바나")]


@pytest.mark.parametrize(("text", "name"), UNFORESEEN)
def test_the_tagger_finds_a_name_no_rule_foresees(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(("text", "name"), UNFORESEEN)
def test_without_the_tagger_those_names_are_missed(tagger_off: None, text: str,
                                                   name: str) -> None:
    assert name not in _names(text)


@pytest.mark.parametrize(
    "text",
    ["이사 때문에 전화했어요", "정말 감사합니다 김치 나눔 행사는 언제예요", "신청서 조회가 안 돼요",
     "주차 위반 과태료 이의신청이요", "장애인 주차구역 신고하려고요", "고양이가 집을 나갔어요",
     "명동 성당 가는 버스 있나요", "경비원 아저씨가 택배를 맡아 주셨어요"],
)
def test_a_common_word_of_a_names_shape_is_no_name(text: str) -> None:
    assert _names(text) == []
    weights, bias, threshold = pii_name_tagger._model()
    assert all(p < threshold for _, _, p in pii_name_tagger.best_spans(text, weights, bias))


@pytest.mark.parametrize("text", ["박기사님 차 번호 알려주세요", "시리아에서 온 가족이에요"])
def test_a_surname_and_a_title_or_a_country_is_no_name_whatever_it_scores(text: str) -> None:
    assert _names(text) == []
    assert pii_name_tagger._no_name("박기사") and pii_name_tagger._no_name("시리아")
    assert not pii_name_tagger._no_name("이바나")


def test_every_stem_is_read_at_an_ending_a_name_can_take() -> None:
    assert pii_name_tagger.splits("이바나가") == [(3, "가"), (4, "")]
    assert (2, "") not in pii_name_tagger.splits("이바나가")  # 나가 is no name's ending
    assert pii_name_tagger.splits("티") == [(1, "")]


def test_the_score_at_masking_time_is_the_trained_features_sum() -> None:
    # best_spans sums cached parts; it must equal the sum over candidates()' features
    text = "손님 중에 이바나가 분실물을 찾는대요"
    weights, bias, _ = pii_name_tagger._model()
    best: dict[int, float] = {}
    for start, _, feats in pii_name_tagger.candidates(text):
        z = bias + sum(weights.get(f, 0.0) for f in feats)
        best[start] = max(best.get(start, -1.0), 1 / (1 + math.exp(-z)))
    got = {s: p for s, _, p in pii_name_tagger.best_spans(text, weights, bias)}
    assert got.keys() == best.keys()
    assert all(abs(got[s] - best[s]) < 1e-9 for s in got)
