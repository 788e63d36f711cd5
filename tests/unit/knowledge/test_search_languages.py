"""A Korean question is matched against the entries' Korean text only (IndexConfig.
korean_passages): the foreign-language question variants neither dilute its bm25 scores nor
give its dense score; a foreign question is matched against every passage."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from dasan.knowledge.search import (
    IndexConfig,
    SearchDoc,
    SearchIndex,
    is_korean,
    korean_passages,
)

FOREIGN = ("How do I rent a Seoul public bike?", "如何租借首尔公共自行车？",
           "Làm sao để thuê xe đạp công cộng Seoul?")
DOCS = [
    SearchDoc("bike-rent", "따릉이 대여는 어떻게 하나요?", ("공공자전거 빌리는 방법", *FOREIGN),
              "따릉이 앱에서 대여권을 구매한 뒤 대여합니다."),
    SearchDoc("bike-lost", "따릉이 분실 신고는 어디에 하나요?",
              ("자전거 잃어버렸어요", "I lost a Seoul bike, where do I report it?"),
              "따릉이 고객센터에 신고합니다."),
    SearchDoc("pay-merchant", "서울페이 가맹점 신청 방법은?", (),
              "제로페이 홈페이지에서 가맹 신청합니다."),
    SearchDoc("resident-copy", "주민등록등본은 어디서 발급받나요?", ("등본 떼는 곳",),
              "주민센터나 정부24에서 발급합니다."),
]


@pytest.mark.parametrize("text, korean", [
    ("서울시 QR코드 체크인", True),
    ("따릉이 대여 방법", True),
    ("How do I apply for 청년월세?", False),  # a foreign question naming a Korean term
    ("How do I rent a bike? 따릉이 대여", False),  # the written bot's question + its terms
    ("如何租借首尔公共自行车？", False),
    ("KTX", False),
    ("", False),
    ("1234", False),
])
def test_is_korean_weighs_hangul_against_the_other_letters(text: str, korean: bool) -> None:
    assert is_korean(text) is korean


def test_lexical_parts_put_the_title_korean_variants_and_answer_apart_from_foreign_ones(
) -> None:
    korean, foreign = DOCS[0].lexical_parts(answer_chars=5)
    assert korean == "따릉이 대여는 어떻게 하나요?\n공공자전거 빌리는 방법\n따릉이 앱"
    assert foreign == "\n".join(FOREIGN)
    assert DOCS[2].lexical_parts() == ("서울페이 가맹점 신청 방법은?", "")


def test_korean_passages_keep_an_entry_without_korean_text_whole() -> None:
    # entry 0: a Korean title and an English variant; entry 1: only foreign passages
    keep = korean_passages(np.array([True, False, False, False]), np.array([0, 2]))
    assert keep is not None and keep.tolist() == [True, False, True, True]
    assert korean_passages(np.array([True, True]), np.array([0, 1])) is None


@pytest.fixture(scope="module")
def indexes() -> tuple[SearchIndex, SearchIndex, SearchIndex]:
    """Korean-aware (the default), every passage for every question, and the same entries
    without their foreign variants."""
    aware = SearchIndex(DOCS)
    every = SearchIndex(DOCS, cache=aware.cache, config=IndexConfig(korean_passages=False))
    korean_only = SearchIndex(
        [replace(d, question_variants=tuple(v for v in d.question_variants if is_korean(v)))
         for d in DOCS], cache=aware.cache)
    return aware, every, korean_only


def test_a_korean_question_is_scored_on_the_korean_text_alone(
        indexes: tuple[SearchIndex, SearchIndex, SearchIndex]) -> None:
    aware, every, korean_only = indexes
    q = "공공자전거 빌리는 방법 알려주세요"
    got, ref, plain = aware.components(q), korean_only.components(q), every.components(q)
    # the lexical scorers read the entries as if they had no foreign variants ...
    assert np.allclose(got.bm25, ref.bm25) and np.allclose(got.chars, ref.chars)
    # ... which the peer does not (the foreign text lengthens the entries)
    assert not np.allclose(plain.chars, ref.chars)
    # the dense score is the best Korean passage's, and no foreign passage is a candidate
    assert np.allclose(got.dense, ref.dense)
    assert got.sims is not None and plain.sims is not None
    assert np.isneginf(got.sims).sum() == len(FOREIGN) + 1
    for doc_id in ("bike-rent", "bike-lost"):
        assert is_korean(aware.best_passage(got, doc_id) or "")


def test_a_foreign_question_is_scored_on_every_passage(
        indexes: tuple[SearchIndex, SearchIndex, SearchIndex]) -> None:
    aware, every, _ = indexes
    q = "How can I rent a public bike in Seoul?"
    got, plain = aware.components(q), every.components(q)
    assert np.array_equal(got.bm25, plain.bm25) and np.array_equal(got.chars, plain.chars)
    assert np.array_equal(got.dense, plain.dense)
    assert aware.best_passage(got, "bike-rent") in FOREIGN
    assert aware.search(q, k=1)[0].id == "bike-rent"


def test_the_foreign_question_s_vector_picks_the_passages_not_its_korean_terms(
        indexes: tuple[SearchIndex, SearchIndex, SearchIndex]) -> None:
    aware, every, _ = indexes
    q = "How can I rent a public bike in Seoul?"
    vec = aware.embed_queries([q])[0]
    # the lexical query is the question's Korean terms; the encoder read the English question
    got = aware.components("공공자전거 대여", vec, dense_query=q)
    assert np.array_equal(got.dense, every.components(q, vec).dense)
    as_korean = aware.components("공공자전거 대여", vec)
    assert as_korean.sims is not None and np.isneginf(as_korean.sims).any()


def test_an_index_without_foreign_variants_builds_no_second_lexical_index() -> None:
    index = SearchIndex(DOCS[2:], use_dense=False)
    index.build()
    assert index._ensure_built().bm25_ko is None
    assert index.search("서울페이 가맹점", k=1)[0].id == "pay-merchant"


def test_a_foreign_question_s_korean_terms_are_scored_against_all_the_text(
        indexes: tuple[SearchIndex, SearchIndex, SearchIndex]) -> None:
    aware, every, _ = indexes
    q, terms = "How can I rent a public bike in Seoul?", "공공자전거 대여"
    vec = aware.embed_queries([q])[0]
    got = aware.components(terms, vec, dense_query=q)
    plain = every.components(terms, vec)
    assert np.array_equal(got.bm25, plain.bm25) and np.array_equal(got.chars, plain.chars)
    # search() with lexical_query reads them the same way: the same hits as the peer's
    assert ([h.id for h in aware.search(q, k=4, lexical_query=terms)]
            == [h.id for h in every.search(q, k=4, lexical_query=terms)])


def test_a_vietnamese_question_without_diacritics_is_read_with_them_by_the_encoder(
        indexes: tuple[SearchIndex, SearchIndex, SearchIndex]) -> None:
    aware, _, _ = indexes
    typed, marked = "lam sao de thue xe dap cong cong seoul?", FOREIGN[2].lower()
    # the marks come back from the index's own Vietnamese (the variant of bike-rent)
    assert aware.for_encoder(typed, "vi") == "làm sao để thuê xe đạp công cộng seoul?"
    # only for a Vietnamese question typed without them
    assert aware.for_encoder(typed, None) == typed
    assert aware.for_encoder("the bike card", "en") == "the bike card"
    assert aware.for_encoder(FOREIGN[2], "vi") == FOREIGN[2]
    terms = "공공자전거 대여"
    got = aware.search(typed, k=4, lexical_query=terms, language="vi")
    want = aware.search(marked, k=4, lexical_query=terms)
    plain = aware.search(typed, k=4, lexical_query=terms)
    # the same fused scores as the marked question (the lexical scorers fold the marks)
    assert [(h.id, round(h.score, 5)) for h in got] == [(h.id, round(h.score, 5)) for h in want]
    assert [h.dense for h in got] != [h.dense for h in plain]
