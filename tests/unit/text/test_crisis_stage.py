"""The third stage of crisis detection (text/crisis_stage.py): a message the rules, the first
classifier and the gate leave unflagged is flagged when the stage learnt across writers reads a
crisis in it; the stage keeps out of flagged messages, planned meetings, jokes said to be
jokes, and never learns from a hold-out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dasan.config import default_shared_data
from dasan.text import crisis, crisis_gate, crisis_stage
from dasan.text.crisis import CrisisModel, detect_crisis, detect_crisis_many

# A tiny stage trained here (a real CrisisModel over {none, kinds}, not a stand-in).
_CRISES = [("편의점 유통기한 지난 도시락으로 버티는 중 월세도 석 달 밀림", "destitution"),
           ("통기한 지난 거 주워 먹으면서 버텨요 전기세 석 달째", "destitution"),
           ("저수지 앞에 차 세워놨어 들어가면 끝날 것 같아", "suicide"),
           ("저수지 앞에 지금 차 세워놨는데 그냥 들어갈까", "suicide")]
_NONE = ["편의점 도시락 할인 행사 언제까지예요", "저수지 낚시 허가 어디서 받아요",
         "주차장 자리 문의드려요", "도서관 휴관일 알려주세요", "버스 노선 바뀌었나요"]
SILENT = "저수지 앞에 차 세워놨어 들어가면 끝날 것 같아"


@pytest.fixture
def tiny_stage() -> Iterator[CrisisModel]:
    rows = [(crisis.stage_input(t), k) for t, k in _CRISES] + \
        [(crisis.stage_input(t), "none") for t in _NONE]
    stage = CrisisModel(rows, 0.5, c=10.0, viewed=True)
    crisis_stage.set_stage(stage)
    yield stage
    crisis_stage.set_stage(None)
    crisis_stage._LOADED = False  # the next caller loads the installed stage again


def test_the_stage_flags_what_the_rules_leave_silent(tiny_stage: CrisisModel) -> None:
    assert not detect_crisis_many([SILENT], use_stage=False)[0].crisis
    result = detect_crisis(SILENT)
    assert result.crisis and result.source == "stage" and result.kind == "suicide"
    assert result.score is not None and result.score >= tiny_stage.threshold
    assert result.spans == [(0, len(SILENT))]
    assert not detect_crisis(SILENT, use_model=False).crisis  # rules only: no stage


def test_a_stage_flag_is_imminent_by_the_words_of_now(tiny_stage: CrisisModel) -> None:
    text = "저수지 앞에 지금 차 세워놨는데 그냥 들어갈까"
    result = detect_crisis(text)
    assert result.source == "stage" and result.imminent and result.severity == 3


def test_the_imminence_model_makes_a_stage_flag_imminent(tiny_stage: CrisisModel) -> None:
    assert not detect_crisis(SILENT).imminent  # no word of now, no imminence model
    rows = [(crisis.stage_input(SILENT), "imminent"), (crisis.stage_input("통장 잔고 0원"), "none")]
    now = CrisisModel(rows, 0.5, c=10.0, viewed=True, analyzer="char")
    crisis_stage.set_stage(tiny_stage, now)
    result = detect_crisis(SILENT)
    assert result.source == "stage" and result.imminent and result.severity == 3
    # hardship is imminent only by the rules' words of now (오늘, 내일, 영하 ...), as for a rule
    hardship = detect_crisis("통기한 지난 거 주워 먹으면서 버텨요 전기세 석 달째")
    assert hardship.source == "stage" and hardship.kind == "destitution"
    assert not hardship.imminent


def test_the_stage_never_speaks_below_its_threshold(tiny_stage: CrisisModel) -> None:
    text = "도서관 휴관일 알려주세요"
    (_kind, p), = tiny_stage.predict([crisis.stage_input(text)])
    assert p < tiny_stage.threshold and not detect_crisis(text).crisis


def test_a_flag_of_the_rules_keeps_its_kind_and_source(tiny_stage: CrisisModel) -> None:
    result = detect_crisis("남편이 때려요 무서워요")
    assert result.crisis and result.source == "rule" and result.kind == "violence"


def test_a_meeting_ahead_a_joke_or_a_clothesline_silences_the_stage(
        tiny_stage: CrisisModel) -> None:
    for text in (SILENT + " 다음에 또 봐요", SILENT + " 농담이고", SILENT + " 빨랫줄도 걸어놨어", SILENT + " 빨래 줄"):
        assert crisis.stage_silenced(crisis._view(text).text)
        assert not detect_crisis(text).crisis


def test_a_crisis_word_in_rhetoric_silences_the_stage(tiny_stage: CrisisModel) -> None:
    # the rules pass 죽고 싶 in 그렇게 … 으면 (rhetoric); the stage, which reads across words, is
    # kept out of it too, and out of nothing else the rules heard
    rhetoric = "그렇게 죽고 싶으면 혼자 죽어라"
    assert crisis.rhetorical(crisis._view(rhetoric).text)
    assert crisis.stage_silenced(crisis._view(rhetoric).text)
    assert not detect_crisis(rhetoric).crisis
    for text in (SILENT, "너무 힘들어서 죽고 싶어요", "그렇게 말하면 안 되지 너무 힘들어"):
        assert not crisis.rhetorical(crisis._view(text).text)


def test_a_fragment_is_too_short_for_the_stage(tiny_stage: CrisisModel) -> None:
    # a short reply (없어요), or what is left of a chaser's words, is never the stage's to flag
    for text in ("없어요", "무서워요", "연락이 없어요", "가로등이 쓰러졌어요"):
        assert crisis.stage_silenced(crisis._view(text).text)
    assert not crisis.stage_silenced(crisis._view(SILENT).text)
    eager = CrisisModel([("무서워요 정말", "violence"), ("네 알겠어요", "none")], 0.1, c=10.0)
    assert eager.predict([crisis.stage_input("무서워요")])[0][1] >= eager.threshold
    crisis_stage.set_stage(eager)
    assert not detect_crisis("무서워요").crisis


def test_the_stage_reads_the_text_without_harmless_spans() -> None:
    # a thing that fell over and a chaser's words are blanked, as for the first model's cue
    assert "쓰러" not in crisis.stage_input("가로등이 쓰러졌어요")
    assert "없어" not in crisis.stage_input("왜 답이 없어요")
    assert "쓰러" in crisis.stage_input("아버지가 쓰러졌어요")


def test_the_stage_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                   tiny_stage: CrisisModel) -> None:
    monkeypatch.setenv("DASAN_CRISIS_STAGE", "off")
    assert crisis_stage.get_stage() is None


def test_the_stage_learns_from_tune_sets_only() -> None:
    names = [n for ns in crisis_stage.WRITER_SETS.values() for n in ns]
    assert names and all("holdout" not in n for n in names)
    assert set(crisis_stage.writer_paths()) == set(crisis_stage.WRITER_SETS)


shared = default_shared_data()
needs_data = pytest.mark.skipif(not (shared / "chatbot-data-songys").is_dir(),
                                reason="the shared data is absent")


@needs_data
def test_the_stages_rows_every_writer_and_real_tune_rows_only() -> None:
    rows = crisis_stage.training_rows(shared)
    groups = {g for _t, _k, g, _h in rows}
    assert groups == {*crisis_stage.WRITER_SETS, "real"}
    # every writer's look-alike is a hard negative; no writer's crisis is
    assert all(hard == (k == "none") for _t, k, g, hard in rows if g != "real")
    allowed = {t.strip() for t, _k, _s in crisis_gate.real_tune_rows(shared)}
    real = [(t, k, hard) for t, k, g, hard in rows if g == "real"]
    assert all(t.strip() in allowed for t, _k, _h in real)  # the tune side of the real rows
    unlabelled = sum(1 for _t, k, hard in real if k == "none" and not hard)
    assert unlabelled == crisis_stage.REAL_SAMPLE
    assert any(k != "none" for _t, k, _h in real) and any(h for _t, _k, h in real)


def test_the_stage_scores_across_words_as_scikit_learn_does() -> None:
    rows = [(crisis.stage_input(t), k) for t, k in _CRISES] + \
        [(crisis.stage_input(t), "none") for t in _NONE]
    model = CrisisModel(rows, 0.5, c=10.0, viewed=True, analyzer="char")
    for text in [SILENT, "도서관  휴관일\t알려주세요", "ＡＢＣ 저수지"]:
        view = crisis.stage_input(text)
        expected = model.model.predict_proba(model.vectorizer.transform([view]))[0]
        assert model.probabilities(view) == pytest.approx(expected, abs=1e-9)
    with pytest.raises(ValueError, match="analyzer"):
        CrisisModel(rows, 0.5, analyzer="word")
