"""Second-stage reranking of the fused top-k (dasan.knowledge.rerank, SearchIndex.search)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dasan.knowledge.rerank import (
    DEFAULT_RERANK_PATH,
    FEATURES,
    Reranker,
    candidate_features,
    load_reranker,
)
from dasan.knowledge.search import SearchDoc, SearchIndex

CORPUS = [
    SearchDoc("rent-2024", "2024년 청년 월세 지원 신청 기간은 언제인가요?", (),
              "2024년 신청은 마감되었습니다."),
    SearchDoc("rent-2025", "2025년 청년월세 지원", (), "2025년 신청은 5월에 시작합니다."),
    SearchDoc("bike", "따릉이 대여는 어떻게 하나요?", (), "앱에서 대여권을 구매합니다."),
    SearchDoc("copy", "주민등록등본은 어디서 발급받나요?", (), "주민센터에서 발급합니다."),
]
QUERY = "2025년 청년 월세 지원 신청 기간은 언제인가요?"

# A hand-made model: the fused score, and a strong preference for entries whose title holds
# every number of the question.
NUMBERS_FIRST = Reranker(mean=(0.0, 0.0), scale=(1.0, 1.0), weights=(1.0, 5.0), bias=0.0,
                         depth=20, features=("fused", "numbers"))


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(CORPUS)


def test_the_reranker_fixes_a_case_the_fusion_gets_wrong(index: SearchIndex) -> None:
    index.reranker = None
    fused = index.search(QUERY, k=2, cascade=False)
    assert fused[0].id == "rent-2024"  # the fusion prefers the entry with more shared words
    index.reranker = NUMBERS_FIRST
    try:
        reranked = index.search(QUERY, k=2, cascade=False)
        plain = index.search(QUERY, k=2, cascade=False, rerank=False)
    finally:
        index.reranker = None
    assert [h.id for h in reranked] == ["rent-2025", "rent-2024"]
    assert [h.id for h in plain] == ["rent-2024", "rent-2025"]
    # hits keep their fused scores: the reranked first has the lower one
    assert reranked[0].score < reranked[1].score


def test_an_answer_search_keeps_the_fused_order_unless_asked(index: SearchIndex) -> None:
    index.reranker = NUMBERS_FIRST
    try:
        assert index.search(QUERY, k=2, answerable_only=True)[0].id == "rent-2024"
        assert index.search(QUERY, k=2, answerable_only=True, rerank=True)[0].id == "rent-2025"
    finally:
        index.reranker = None


def test_without_a_model_file_the_search_keeps_the_fused_order(
        index: SearchIndex, tmp_path: Path) -> None:
    assert load_reranker(tmp_path / "absent.json") is None
    index.reranker = load_reranker(tmp_path / "absent.json")
    hits = index.search(QUERY, k=4, cascade=False, rerank=True)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_a_saved_model_loads_back_and_scores_the_same(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    model = Reranker(mean=tuple(rng.normal(size=len(FEATURES))),
                     scale=tuple(rng.uniform(0.5, 2.0, size=len(FEATURES))),
                     weights=tuple(rng.normal(size=len(FEATURES))), bias=0.3)
    path = tmp_path / "m.json"
    path.write_text(model.to_json(), encoding="utf-8")
    back = load_reranker(path)
    assert back == model
    x = rng.normal(size=(5, len(FEATURES)))
    assert np.allclose(back.scores(x), model.scores(x))


def test_a_malformed_model_is_refused() -> None:
    with pytest.raises(ValueError):
        Reranker(mean=(0.0,), scale=(1.0,), weights=(1.0, 2.0), features=("fused",))
    with pytest.raises(ValueError):
        Reranker(mean=(0.0,), scale=(0.0,), weights=(1.0,), features=("fused",))
    with pytest.raises(ValueError):
        Reranker(mean=(0.0,), scale=(1.0,), weights=(1.0,), features=("nonsense",))


def test_candidate_features_see_numbers_and_shared_words() -> None:
    fused = np.array([0.9, 0.8, 0.1])
    dense = np.array([0.85, 0.84, 0.7], dtype=np.float32)
    zeros = np.zeros(3, dtype=np.float32)
    x = candidate_features(
        fused=fused, dense=dense, title_dense=None, chars=zeros, bm25=zeros, mask=None,
        cand=np.array([0, 1]), query="2025년 월세 지원", query_tokens=["2025", "월세", "지원"],
        doc_tokens=[["2024", "월세", "지원"], ["2025", "월세"]],
        doc_titles=["2024년 월세 지원", "2025년 월세"])
    col = {n: x[:, i] for i, n in enumerate(FEATURES)}
    assert list(col["numbers"]) == [-1.0, 1.0]
    assert np.allclose(col["q_cover"], [2 / 3, 2 / 3])
    assert np.allclose(col["fused_gap"], [0.0, 0.1])
    assert list(col["fused_rank"]) == [1.0, 0.5]


def test_the_shipped_model_if_present_uses_known_features() -> None:
    model = load_reranker(DEFAULT_RERANK_PATH)
    if model is None:
        pytest.skip(f"no reranker at {DEFAULT_RERANK_PATH}")
    assert set(model.features) <= set(FEATURES) and model.depth >= 2
