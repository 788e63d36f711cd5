"""The search cascade (dasan.knowledge.search.Cascade): the query encoder is skipped only when
the lexical stage is decisive, and never for the chatbot's answer search."""

from __future__ import annotations

import numpy as np
import pytest

from dasan.knowledge.embeddings import default_embedder
from dasan.knowledge.search import (
    DEFAULT_CASCADE,
    Calibration,
    Cascade,
    IndexConfig,
    SearchDoc,
    SearchIndex,
    duplicate_key,
)

INF = float("inf")

DOCS = [
    SearchDoc("climate-refund", "기후동행카드 환불은 어떻게 받나요?", ("기후동행카드 환불 방법",),
              "역사 고객안내센터에서 환불받을 수 있습니다.", owner="transport"),
    SearchDoc("climate-youth", "기후동행카드, 청소년도 구매할 수 있나요?", (),
              "청소년도 구매할 수 있습니다.", owner="fares"),
    SearchDoc("bike-rent", "따릉이 대여는 어떻게 하나요?", ("공공자전거 빌리는 방법",),
              "따릉이 앱에서 대여권을 구매한 뒤 대여합니다.", owner="transport"),
    SearchDoc("resident-copy", "주민등록등본은 어디서 발급받나요?", (),
              "주민센터나 정부24에서 발급합니다.", answerable=False),
]
RULE = Cascade(margin=0.3, min_top=0.5, calibration=Calibration(a=4.0, b=6.0, c=-5.0))


@pytest.mark.parametrize(
    "scores, decisive",
    [
        ([1.0, 0.5, 0.1], True),  # leads by 0.5
        ([1.0, 0.8, 0.1], False),  # leads by 0.2 < 0.3
        ([0.4, 0.0, 0.0], False),  # leads, but the top is below min_top
        ([1.0, 0.75, -INF], False),  # the filtered-out entry does not count as a runner-up
        ([1.0, -INF, -INF], True),  # the only entry left by the filters, and it matched
        ([0.0, -INF, -INF], False),  # ... but not when it shares nothing with the query
        ([0.0, 0.0, 0.0], False),  # no lexical match at all: embed
        ([-INF, -INF], False),
    ],
)
def test_decisive_rule(scores: list[float], decisive: bool) -> None:
    assert RULE.decisive(np.asarray(scores)) is decisive


def test_a_verbatim_copy_of_the_top_entry_is_not_a_rival() -> None:
    scores = np.asarray([1.0, 1.0, 0.5])
    assert not RULE.decisive(scores)
    keys = np.array([duplicate_key("민원사무란 ?"), duplicate_key("민원사무란?"), "x"], dtype=object)
    assert RULE.decisive(scores, keys)
    assert not RULE.decisive(np.asarray([1.0, 1.0, 0.9]), keys)  # the real rival is close


def test_rule_values_are_checked() -> None:
    for bad in ({"margin": -0.1}, {"margin": 1.5}, {"min_top": float("nan")}):
        with pytest.raises(ValueError):
            Cascade(**bad)  # type: ignore[arg-type]
    assert 0.0 < DEFAULT_CASCADE.margin <= 1.0


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    idx = SearchIndex(DOCS, config=IndexConfig(cascade=RULE))
    idx.build()
    return idx


def encoder_calls(index: SearchIndex, query: str, **kw: object) -> tuple[int, list]:
    emb = default_embedder()
    emb._recent.clear()  # a repeated query would come from the LRU without an encoder call
    before = emb.batches
    hits = index.search(query, k=3, **kw)  # type: ignore[arg-type]
    return emb.batches - before, hits


def test_a_decisive_lexical_match_skips_the_encoder(index: SearchIndex) -> None:
    calls, hits = encoder_calls(index, "따릉이 대여 방법")
    assert calls == 0
    assert hits[0].id == "bike-rent" and hits[0].stage == "lexical"
    assert all(h.dense == 0.0 and h.stage == "lexical" for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    # the confidence is the rule's lexical calibration on the top score and its margin
    assert hits[0].confidence == pytest.approx(
        RULE.calibration(hits[0].score, hits[0].score - hits[1].score))


def test_an_undecided_query_is_embedded(index: SearchIndex) -> None:
    # both climate-card entries share the service name: the lexical margin is narrow
    calls, hits = encoder_calls(index, "기후동행카드 문의")
    assert calls == 1
    assert {hits[0].id, hits[1].id} == {"climate-refund", "climate-youth"}
    assert all(h.stage == "hybrid" for h in hits) and hits[0].dense > 0.5


def test_the_cascade_is_off_for_the_bot_and_when_asked(index: SearchIndex) -> None:
    calls, hits = encoder_calls(index, "따릉이 대여 방법", answerable_only=True)
    assert calls == 1 and hits[0].stage == "hybrid"
    assert "resident-copy" not in {h.id for h in hits}
    calls, hits = encoder_calls(index, "따릉이 대여 방법", cascade=False)
    assert calls == 1 and hits[0].stage == "hybrid"
    plain = SearchIndex(DOCS)  # no cascade configured: always embeds, unless asked
    calls, hits = encoder_calls(plain, "따릉이 대여 방법")
    assert calls == 1 and hits[0].stage == "hybrid"
    calls, hits = encoder_calls(plain, "따릉이 대여 방법", cascade=RULE)
    assert calls == 0 and hits[0].stage == "lexical"


def test_a_copied_entry_does_not_force_the_encoder() -> None:
    idx = SearchIndex([*DOCS, SearchDoc("bike-rent-copy", "따릉이 대여는 어떻게 하나요 ?")],
                      config=IndexConfig(cascade=RULE))
    calls, hits = encoder_calls(idx, "따릉이 대여 방법")
    assert calls == 0 and {hits[0].id, hits[1].id} == {"bike-rent", "bike-rent-copy"}


def test_filters_apply_before_the_lexical_decision(index: SearchIndex) -> None:
    calls, hits = encoder_calls(index, "기후동행카드 환불 방법", owner="transport")
    assert {h.id for h in hits} <= {"climate-refund", "bike-rent"}
    assert hits[0].id == "climate-refund"
    assert index.search("따릉이 대여 방법", k=3, status="draft") == []
