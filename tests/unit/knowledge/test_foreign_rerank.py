"""The foreign re-ranker (dasan.knowledge.foreign_rerank): the gist maps an index learns at
build, the shipped coefficients, and a foreign search re-ordered by it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dasan.knowledge.foreign_rerank import (
    COEFFICIENTS,
    LANGS,
    RESIDUALS,
    ForeignReranker,
    feature_names,
    features,
    fit_map,
    learn_maps,
    programme,
    programme_centres,
    residual_cosines,
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
    assert model.depth in (5, 10) and model.maps
    width = 3 * (2 + 3 * len(model.maps) + len(model.residuals)) + len(LANGS)
    assert model.coef.shape == model.mean.shape == model.scale.shape == (width,)
    assert len(model.feature_names) == width
    assert np.all(model.scale > 0)
    again = ForeignReranker.from_json(model.to_json())
    assert np.allclose(again.coef, model.coef) and again.maps == model.maps
    with pytest.raises(ValueError, match="coefficients"):
        ForeignReranker.from_json({**model.to_json(), "coef": [0.0]})
    # the file names its features, and they are the ones the code computes
    data = json.loads(COEFFICIENTS.read_text(encoding="utf-8"))
    if "features" in data:
        assert data["features"] == model.feature_names


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


# -- residual cosines (twenty-first session) ------------------------------------------------

def test_programme_centres_group_by_the_title_before_the_comma() -> None:
    titles = ["청년수당, 신청 자격", "청년수당, 결과 발표일", "따릉이 대여"]
    vecs = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    c = programme_centres(titles, vecs)
    # the two 청년수당 entries share their mean; the lone entry gets every entry's mean
    assert np.allclose(c[0], [0.5, 0.5, 0.0]) and np.allclose(c[1], c[0])
    assert np.allclose(c[2], [1 / 3, 1 / 3, 1 / 3])
    assert programme("청년수당, 신청 자격") == "청년수당" and programme("따릉이 대여") == "따릉이 대여"


def test_residual_cosines_tell_twins_apart_once_their_programme_is_removed() -> None:
    # two twins: mostly their programme's direction (axis 0), a little their own (axes 1, 2);
    # the question is mostly the programme too, and leans a little to the second twin
    twins = np.array([[0.95, 0.31, 0.0], [0.95, 0.0, 0.31]])
    q = np.array([0.99, 0.05, 0.1])
    plain = twins @ q / np.linalg.norm(twins, axis=1) / np.linalg.norm(q)
    assert abs(plain[0] - plain[1]) < 0.02  # the shared part makes them near equal
    centre = np.repeat(twins.mean(0, keepdims=True), 2, 0)
    res = residual_cosines(q, centre, twins)
    # removed, the second twin is clearly the nearer, the first points away
    assert res[1] > 0 > res[0] and res[1] - res[0] > 10 * (plain[1] - plain[0])


RES_WIDTH = len(feature_names(MAPS, RESIDUALS))


def test_features_and_names_with_residuals() -> None:
    names = feature_names(MAPS, RESIDUALS)
    assert len(names) == 3 * (2 + 3 * len(MAPS) + len(RESIDUALS)) + len(LANGS)
    assert names[2 + 3 * len(MAPS)] == "residual:answer" and names[-1] == "lang:mn"
    cos = np.zeros((4, 3 * len(MAPS) + len(RESIDUALS)))
    assert features(np.array([0.9, 0.8, 0.7, 0.6]), cos, "en").shape == (4, RES_WIDTH)


def test_the_feature_list_is_checked_on_load() -> None:
    model = ForeignReranker(maps=MAPS, depth=10, mean=np.zeros(RES_WIDTH),
                            scale=np.ones(RES_WIDTH), coef=np.zeros(RES_WIDTH), intercept=0.0,
                            residuals=RESIDUALS)
    data = model.to_json()
    assert data["features"] == feature_names(MAPS, RESIDUALS)
    again = ForeignReranker.from_json(data)
    assert again.residuals == RESIDUALS and again.depth == 10
    with pytest.raises(ValueError, match="feature list"):
        ForeignReranker.from_json({**data, "features": list(reversed(data["features"]))})
    with pytest.raises(ValueError, match="residual"):
        ForeignReranker.from_json({**data, "residuals": ["window"]})
    # without the residuals, the same coefficients are the wrong number
    with pytest.raises(ValueError, match="coefficients"):
        ForeignReranker.from_json({k: v for k, v in data.items()
                                   if k not in ("residuals", "features")})


TWINS = [
    SearchDoc("youth-apply", "청년수당, 신청 자격은 무엇인가요?", (),
              "만 19세에서 34세 서울 거주 미취업 청년이 신청할 수 있습니다.",
              gists=("Unemployed Seoul residents aged 19 to 34 may apply.",),
              gist_languages=("en",)),
    SearchDoc("youth-result", "청년수당, 선정 결과 발표일은 언제인가요?", (),
              "선정 결과는 매달 말일에 문자로 알려 드립니다.",
              gists=("Selection results are sent by text message at the end of each month.",),
              gist_languages=("en",)),
    *DOCS,
]


def test_an_index_serves_residual_cosines_to_the_reranker() -> None:
    plain = SearchIndex(TWINS, config=CONFIG)
    w = np.zeros(RES_WIDTH)
    w[2 + 3 * len(MAPS) + 1] = 1.0  # only the raw residual cosine to the gist
    rr = ForeignReranker(maps=MAPS, depth=6, mean=np.zeros(RES_WIDTH), scale=np.ones(RES_WIDTH),
                         coef=w, intercept=0.0, residuals=RESIDUALS)
    index = SearchIndex(TWINS, cache=plain.cache, config=CONFIG, foreign_reranker=rr)
    built = index._ensure_built()
    assert built.prog_centres is not None and built.gist_rows is not None
    # the twins share their programme's centroid; the others are alone (the FAQ's mean)
    assert np.allclose(built.prog_centres[0], built.prog_centres[1])
    assert np.allclose(built.prog_centres[2], built.prog_centres[3])
    # each entry's English gist row; no Vietnamese gist: the title's row
    en, vi = LANGS.index("en"), LANGS.index("vi")
    starts = built.passage_starts
    assert starts is not None and list(built.gist_rows[:, vi]) == list(starts)
    assert all(built.gist_rows[i, en] > starts[i] for i in range(len(TWINS)))
    q = "When are the youth allowance selection results announced?"
    qv = index.embed_queries([q])[0]
    fused = np.linspace(1.0, 0.5, len(TWINS))
    got = index.foreign_candidates(qv, "en", fused, MAPS, 6, RESIDUALS)
    assert got is not None
    cand, cos = got
    assert cos.shape == (6, 3 * len(MAPS) + 2)
    gist_vecs = built.passage_vecs[built.gist_rows[cand, en]]
    assert np.allclose(cos[:, -1], residual_cosines(qv, built.prog_centres[cand], gist_vecs))
    assert np.allclose(cos[:, -2], residual_cosines(qv, built.prog_centres[cand],
                                                    built.answer_vecs[cand]))
    # the re-ranker reading only the residual gist cosine orders by it
    order = index.foreign_order(qv, "en", fused)
    assert order is not None and order[0] == cand[int(np.argmax(cos[:, -1]))]
    # a re-ranker without residuals builds no centroids
    assert SearchIndex(TWINS, cache=plain.cache, config=CONFIG,
                       foreign_reranker=_by_rank(1.0))._ensure_built().prog_centres is None
