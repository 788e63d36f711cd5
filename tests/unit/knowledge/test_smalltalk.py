"""The small-talk recogniser: what it is trained on (never a benchmark line), what it flags,
and the answer policy's refusal of what it flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from dasan.config import PROJECT_ROOT, default_shared_data
from dasan.knowledge import smalltalk
from dasan.knowledge.answering import CITY_POLICY, decide

DATA = default_shared_data()
needs_songys = pytest.mark.skipif(not (DATA / smalltalk.SONGYS_FILE).is_file(),
                                  reason="no songys chit-chat under ../shared/data")

TALK = ["안녕하세요", "심심해", "오늘 너무 우울해", "너 이름이 뭐야?", "고마워요", "농담 해줘",
        "배고파", "나랑 놀자", "여자친구랑 헤어졌어", "잘 자", "사랑해", "택배가 안 와요"]
SERVICE = ["따릉이 대여 요금 안내", "전입신고는 어디서 하나요?", "자동차세 납부 기한이 언제예요?",
           "주민등록등본 인터넷 발급", "불법 주정차 신고 방법", "청년 월세 지원 신청 자격",
           "대형폐기물 배출 신고는 어떻게 해?", "여권 재발급 준비물", "지하철 분실물 찾는 곳",
           "수도요금 이사 정산", "기초연금 신청", "공공자전거 회원가입"]


def small_model() -> smalltalk.SmallTalkModel:
    return smalltalk.train(TALK * 3, SERVICE * 3)


def test_features_read_the_ending_and_character_ngrams() -> None:
    f = smalltalk.features("심심해?")
    assert {"_심", "심심", "심해", "해?_", "$1해", "$2심해", "$?"} <= f
    assert smalltalk.features("  ") == set()


def test_a_trained_model_tells_small_talk_from_service_questions() -> None:
    model = small_model()
    assert model.score("심심해") > 0.5 > model.score("전입신고는 어디서 하나요?")
    assert model("안녕하세요") and not model("자동차세 납부 기한이 언제예요?")
    assert model.trained_on == {"smalltalk": 36, "service": 36}


def test_the_policy_never_answers_what_the_recogniser_flags() -> None:
    hits = [(0.99, 1.0, 1.0, 1.0), (0.1, 0.0, 0.0, 0.0)]  # a sure answer on its scores
    assert decide(hits, "전입신고 방법", CITY_POLICY).kind == "answer"
    flagged = decide(hits, "전입신고 방법", CITY_POLICY, smalltalk=True)
    assert (flagged.kind, flagged.reason) == ("smalltalk", "smalltalk")
    assert decide([], "안녕", CITY_POLICY, smalltalk=True).kind == "smalltalk"


def test_the_exclusion_key_ignores_case_spaces_and_end_punctuation() -> None:
    assert smalltalk.key("  심심  해?!~ ") == smalltalk.key("심심 해") == "심심 해"
    lines = [f"대화 {i}" for i in range(1000)] + [f"대화 {i}?" for i in range(1000)]
    reserved = smalltalk.bench_lines(lines)  # the benchmarks' sample of these lines
    assert 450 < len(reserved) <= 600  # bench_search's 450, fresh_chitchat's 150 (may overlap)
    keys = {smalltalk.key(t) for t in reserved}
    free = [t for t in lines if smalltalk.key(t) not in keys]
    assert len(free) < len(lines) - len(reserved)  # "대화 1?" goes with a reserved "대화 1"
    pool = smalltalk.training_pool(lines, {smalltalk.key(free[0])})
    assert pool == [t for t in free if smalltalk.key(t) != smalltalk.key(free[0])]


def test_no_benchmark_question_is_a_training_line() -> None:
    """Every ``query`` of bench/data (tune and hold-out files alike) is out of both classes."""
    keys = smalltalk.benchmark_keys()
    assert len(keys) > 1000  # the answer benches' questions are read
    assert not smalltalk.training_pool(sorted(keys)[:50], keys)


@needs_songys
def test_no_songys_line_a_benchmark_scores_is_in_the_tune_pool() -> None:
    """The songys lines of hold-outs A and B (bench_answer: load_ood's 200 after the first 100,
    fresh_chitchat's 150), the tune split's 100 and bench_search's 150 more are never trained
    on; nor is any benchmark question, songys or hand-written."""
    import sys

    sys.path.insert(0, str(PROJECT_ROOT))  # the benchmarks' own samples (bench)
    from bench.bench_answer import fresh_chitchat
    from bench.bench_search import load_ood

    first = load_ood(DATA, 300)
    hold_a, hold_b = first[100:], fresh_chitchat(DATA, set(first))
    used = {*load_ood(DATA, 450), *hold_b}
    assert len(hold_a) == 200 and len(hold_b) == 150
    assert smalltalk.bench_lines(smalltalk.load_songys(DATA / smalltalk.SONGYS_FILE)) == used
    talk, service = smalltalk.training_lines(DATA)
    trained = {smalltalk.key(t) for t in [*talk, *service]}
    leaked_a = sum(smalltalk.key(t) in trained for t in hold_a)
    leaked_b = sum(smalltalk.key(t) in trained for t in hold_b)
    leaked_bench = len(trained & smalltalk.benchmark_keys())
    assert (leaked_a, leaked_b, leaked_bench) == (0, 0, 0)
    assert len(talk) > 10_000 and len(service) > 10_000  # the free pool is the rest


def test_the_recogniser_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.config import get_settings

    with smalltalk.using(small_model()):
        try:
            assert smalltalk.is_smalltalk("심심해")
            monkeypatch.setenv("DASAN_SMALLTALK_RECOGNISER", "off")
            get_settings.cache_clear()
            assert not smalltalk.is_smalltalk("심심해")
        finally:
            get_settings.cache_clear()


def test_the_model_is_kept_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    from dasan.text.model_files import keep_model, read_model

    model = small_model()
    keep_model(model, tmp_path / "m.pkl")
    back = read_model(tmp_path / "m.pkl", smalltalk.SmallTalkModel)
    assert back is not None and back.score("심심해") == model.score("심심해")


@pytest.mark.parametrize("text,kind", [("안녕하세요!", "greeting"), ("감사합니다", "thanks"),
                                       ("수고하세요", "farewell"), ("안녕히 계세요", "farewell"),
                                       ("심심해", "other")])
def test_the_line_follows_the_kind_of_small_talk(text: str, kind: str) -> None:
    from dasan.chat import bot

    assert bot.smalltalk_kind(text) == kind
    assert bot.smalltalk_reply(text).body == bot.SMALLTALK_KO[kind]


def test_using_a_model_puts_the_recogniser_back_after_the_block() -> None:
    before = (smalltalk._model, smalltalk._loaded)
    model = small_model()
    with smalltalk.using(model) as inside:
        assert inside is model and smalltalk.get_model() is model
        smalltalk.set_model(None)  # a test may change it again inside
    assert (smalltalk._model, smalltalk._loaded) == before
