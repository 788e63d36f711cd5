"""The foreign re-ranker (dasan.knowledge.foreign_rerank): the gist maps an index learns at
build, the shipped coefficients, and a foreign search re-ordered by it."""

from __future__ import annotations

import numpy as np
import pytest

from dasan.knowledge.foreign_rerank import (
    LANGS,
    ForeignReranker,
    features,
    fit_map,
    learn_maps,
    shipped,
)
from dasan.knowledge.search import IndexConfig, SearchDoc, SearchIndex

MAPS = (("procrustes", "title"), ("ridge10", "answer"))
WIDTH = 3 * (2 + 3 * len(MAPS)) + len(LANGS)
RANK = 1  # the raw rank column of foreign_rerank.features


def _orthogonal(dim: int, seed: int) -> np.ndarray:
    q, _r = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    return q


def test_procrustes_recovers_a_known_rotation() -> None:
    rot = _orthogonal(16, 1)
    x = np.random.default_rng(2).normal(size=(200, 16))
    assert np.allclose(fit_map(x, x @ rot, "procrustes"), rot, atol=1e-4)
    # a ridge map shrunk a little towards the identity finds it too; shrunk hard, it stays near I
    assert np.allclose(fit_map(x, x @ rot, "ridge", 1e-6), rot, atol=1e-3)
    far = fit_map(x[:3], x[:3] @ rot, "ridge", 1e6)
    assert np.allclose(far, np.eye(16), atol=1e-3)
    with pytest.raises(ValueError, match="unknown map method"):
        fit_map(x, x, "lasso")


def test_a_language_without_gists_gets_no_map() -> None:
    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(6, 8)).astype(np.float32)
    # two entries: title, en gist, title-and-answer-less; passages laid out entry by entry
    lang = ["", "en", "", "", "en", "vi"]
    doc = np.array([0, 0, 0, 1, 1, 1])
    maps = learn_maps(MAPS, vecs, lang, doc, np.array([0, 3]), rng.normal(size=(2, 8)))
    assert set(maps) == {"en", "vi"} and set(maps["en"]) == set(MAPS)
    assert maps["en"][MAPS[0]].shape == (8, 8)
    # without title-and-answer vectors, only the maps to the titles
    assert set(learn_maps(MAPS, vecs, lang, doc, np.array([0, 3]), None)["en"]) == {MAPS[0]}


def test_the_shipped_coefficients_load() -> None:
    model = shipped()
    assert model is not None, "src/dasan/knowledge/foreign_rerank.json is not shipped"
    assert model.depth == 5 and model.maps
    width = 3 * (2 + 3 * len(model.maps)) + len(LANGS)
    assert model.coef.shape == model.mean.shape == model.scale.shape == (width,)
    assert np.all(model.scale > 0)
    again = ForeignReranker.from_json(model.to_json())
    assert np.allclose(again.coef, model.coef) and again.maps == model.maps
    with pytest.raises(ValueError, match="coefficients"):
        ForeignReranker.from_json({**model.to_json(), "coef": [0.0]})


def _by_rank(sign: float) -> ForeignReranker:
    """A re-ranker that puts the fused order's last candidate first (``sign`` 1) or keeps it
    (``sign`` -1): its only weight is on the rank."""
    coef = np.zeros(WIDTH)
    coef[RANK] = sign
    return ForeignReranker(maps=MAPS, depth=5, mean=np.zeros(WIDTH), scale=np.ones(WIDTH),
                           coef=coef, intercept=0.0)


def test_a_constructed_case_reorders() -> None:
    fused = np.array([0.9, 0.8, 0.7])
    cos = np.zeros((3, 3 * len(MAPS)))
    assert list(_by_rank(1.0).order(fused, cos, "en")) == [2, 1, 0]
    assert list(_by_rank(-1.0).order(fused, cos, "en")) == [0, 1, 2]
    # a mapped cosine that singles out the second candidate moves it first
    coef = np.zeros(WIDTH)
    coef[2] = 5.0  # the first map's cosine to the Korean passages, raw
    cos[1, 0] = 1.0
    model = ForeignReranker(maps=MAPS, depth=5, mean=np.zeros(WIDTH), scale=np.ones(WIDTH),
                            coef=coef, intercept=0.0)
    assert list(model.order(fused, cos, "vi"))[0] == 1
    x = features(fused, cos, "mn")
    assert x.shape == (3, WIDTH) and x[0, -1] == 1.0 and x[0, -5:-1].sum() == 0


DOCS = [
    SearchDoc("bike-rent", "따릉이 대여는 어떻게 하나요?", (), "따릉이 앱에서 대여권을 구매한 뒤 대여합니다.",
              gists=("Public bikes are rented in the app after buying a pass.",),
              gist_languages=("en",)),
    SearchDoc("bike-lost", "따릉이 분실 신고는 어디에 하나요?", (), "따릉이 고객센터에 신고합니다.",
              gists=("A lost public bike is reported to the bike call centre.",),
              gist_languages=("en",)),
    SearchDoc("bike-pass", "따릉이 정기권 환불 방법", (), "따릉이 앱에서 환불 신청합니다.",
              gists=("A public bike pass is refunded in the app.",), gist_languages=("en",)),
    SearchDoc("bus-card", "어르신 교통카드 발급", (), "주민센터에서 발급합니다.",
              gists=("Seniors get a transport card at the community centre.",),
              gist_languages=("en",)),
]
CONFIG = IndexConfig(foreign_lexical=True, answer_dense_chars=400)
Q = "How do I rent a public bike?"


def test_a_foreign_search_goes_through_the_reranker() -> None:
    plain = SearchIndex(DOCS, config=CONFIG)
    flip = SearchIndex(DOCS, cache=plain.cache, config=CONFIG, foreign_reranker=_by_rank(1.0))
    keep = SearchIndex(DOCS, cache=plain.cache, config=CONFIG, foreign_reranker=_by_rank(-1.0))
    fused = [h.id for h in plain.search(Q, k=4, lexical_query="따릉이 대여", language="en")]
    assert len(fused) == 4
    assert set(flip._ensure_built().gist_maps) == {"en"}
    assert [h.id for h in flip.search(Q, k=4, lexical_query="따릉이 대여",
                                      language="en")] == fused[::-1]
    assert [h.id for h in keep.search(Q, k=4, lexical_query="따릉이 대여",
                                      language="en")] == fused
    # the bot's answer search too; rerank=False and a Korean search keep the fused order
    assert [h.id for h in flip.search(Q, k=4, lexical_query="따릉이 대여", language="en",
                                      answerable_only=True)] == fused[::-1]
    assert [h.id for h in flip.search(Q, k=4, lexical_query="따릉이 대여", language="en",
                                      rerank=False)] == fused
    ko = "따릉이 대여 방법"
    assert [h.id for h in flip.search(ko, k=4)] == [h.id for h in plain.search(ko, k=4)]


def test_a_language_without_gists_keeps_the_fused_order() -> None:
    plain = SearchIndex(DOCS, config=CONFIG)
    flip = SearchIndex(DOCS, cache=plain.cache, config=CONFIG, foreign_reranker=_by_rank(1.0))
    q = "Làm sao để thuê xe đạp công cộng?"
    assert [h.id for h in flip.search(q, k=4, lexical_query="따릉이 대여", language="vi")] == \
        [h.id for h in plain.search(q, k=4, lexical_query="따릉이 대여", language="vi")]
    # gists whose language is not known teach no map
    unknown = SearchIndex([SearchDoc(d.id, d.title, (), d.answer, gists=d.gists) for d in DOCS],
                          cache=plain.cache, config=CONFIG, foreign_reranker=_by_rank(1.0))
    assert unknown._ensure_built().gist_maps == {}


def test_gist_languages_follow_the_passages() -> None:
    d = SearchDoc("x", "제목", ("변형", "Same text"), "답변",
                  gists=("Same text", "Một bản tóm tắt."), gist_languages=("en", "vi"))
    assert d.passages(0) == ["제목", "변형", "Same text", "Một bản tóm tắt."]
    # a gist whose text is a variant's is the variant's passage: no language
    assert d.passage_languages(0) == ["", "", "", "vi"]
    assert len(d.passage_languages(10)) == len(d.passages(10))
    with pytest.raises(ValueError, match="gist languages"):
        SearchDoc("y", "제목", gists=("a", "b"), gist_languages=("en",))
