"""The third stage's second opinion (text/crisis_opinion.py): where the stage's n-grams are
unsure, a classifier over sentence vectors has a share of the decision; elsewhere it is never
asked, and without it the stage decides alone."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from dasan.text import crisis, crisis_opinion, crisis_stage
from dasan.text.crisis import CrisisModel, detect_crisis
from dasan.text.crisis_opinion import CrisisOpinion

needs_encoder = pytest.mark.skipif(not crisis_opinion.onnx_path().is_file(),
                                   reason="the ONNX sentence encoder is not built")

_CRISES = [("편의점 유통기한 지난 도시락으로 버티는 중 월세도 석 달 밀림", "destitution"),
           ("저수지 앞에 차 세워놨어 들어가면 끝날 것 같아", "suicide")]
_NONE = ["편의점 도시락 할인 행사 언제까지예요", "저수지 낚시 허가 어디서 받아요",
         "주차장 자리 문의드려요", "도서관 휴관일 알려주세요"]
UNSURE = "저수지 옆에 차 대놨는데 그냥 들어가 버릴까 싶다"
PLAIN = "도서관 휴관일 알려주세요 주차장도요"


@pytest.fixture
def tiny_stage() -> Iterator[CrisisModel]:
    rows = [(crisis.stage_input(t), k) for t, k in _CRISES] + \
        [(crisis.stage_input(t), "none") for t in _NONE]
    stage = CrisisModel(rows, 0.99, c=10.0, viewed=True, analyzer="char")
    crisis_stage.set_stage(stage)
    yield stage
    crisis_stage.set_stage(None)
    crisis_stage._LOADED = False  # the next caller loads the installed stage (and opinion)


def _opinion(crisis_texts: list[str], none_texts: list[str]) -> CrisisOpinion:
    texts = crisis_texts + none_texts
    x = crisis_opinion.vectors([crisis.stage_input(t) for t in texts])
    labels = ["suicide"] * len(crisis_texts) + ["none"] * len(none_texts)
    return CrisisOpinion(x, labels, [1.0] * len(texts), c=100.0)


def test_the_opinion_scores_as_scikit_learn_does() -> None:
    rng = np.random.default_rng(17)
    x = rng.normal(size=(40, 8))
    labels = ["none"] * 20 + ["suicide"] * 10 + ["abuse"] * 10
    opinion = CrisisOpinion(x, labels, [1.0] * 40, c=2.0)
    from sklearn.linear_model import LogisticRegression

    ref = LogisticRegression(C=2.0, max_iter=3000, class_weight="balanced").fit(x, labels)
    none = list(ref.classes_).index("none")
    expected = 1.0 - ref.predict_proba(x)[:, none]
    assert opinion.crisis_probability(x) == pytest.approx(expected, abs=1e-9)
    binary = CrisisOpinion(x[:30], labels[:30], [1.0] * 30, c=2.0)
    ref = LogisticRegression(C=2.0, max_iter=3000, class_weight="balanced").fit(x[:30], labels[:30])
    expected = 1.0 - ref.predict_proba(x)[:, list(ref.classes_).index("none")]
    assert binary.crisis_probability(x) == pytest.approx(expected, abs=1e-9)


def test_only_a_near_crisis_reaches_the_mix() -> None:
    # (1 - a) p + a * 1 >= t needs p >= (t - a) / (1 - a)
    assert crisis_opinion.unsure_from(0.2, 0.91) == pytest.approx(0.8875)
    assert crisis_opinion.unsure_from(0.5, 0.9) == pytest.approx(0.8)


@needs_encoder
def test_the_opinion_decides_where_the_stage_is_unsure(
        tiny_stage: CrisisModel, monkeypatch: pytest.MonkeyPatch) -> None:
    (_kind, p), = tiny_stage.predict([crisis.stage_input(UNSURE)])
    assert p < tiny_stage.threshold and not detect_crisis(UNSURE).crisis  # the stage alone
    # mixed half and half, flagged when the opinion's P(crisis) is at least 0.5
    monkeypatch.setattr(crisis_opinion, "WEIGHT", 0.5)
    monkeypatch.setattr(crisis_opinion, "THRESHOLD", 0.5 * p + 0.25)
    crisis_opinion.set_opinion(_opinion([UNSURE, _CRISES[1][0]], _NONE))
    result = detect_crisis(UNSURE)
    assert result.crisis and result.source == "stage" and result.kind == "suicide"
    assert result.score is not None and result.score >= crisis_opinion.THRESHOLD
    crisis_opinion.set_opinion(_opinion([_CRISES[1][0]], [UNSURE, *_NONE]))
    assert not detect_crisis(UNSURE).crisis


@needs_encoder
def test_the_encoder_never_reads_what_the_stage_settles(
        tiny_stage: CrisisModel, monkeypatch: pytest.MonkeyPatch) -> None:
    crisis_opinion.set_opinion(_opinion([UNSURE], _NONE))
    (_kind, p), = tiny_stage.predict([crisis.stage_input(PLAIN)])
    monkeypatch.setattr(crisis_opinion, "WEIGHT", 0.5)
    monkeypatch.setattr(crisis_opinion, "THRESHOLD", 0.5 * (p + 0.02) + 0.5)  # p under the band
    read: list[str] = []
    real = crisis_opinion.vectors
    monkeypatch.setattr(crisis_opinion, "vectors", lambda ts: read.extend(ts) or real(ts))
    assert not detect_crisis(PLAIN).crisis
    assert read == []


def test_a_stage_set_by_hand_goes_without_the_installed_opinion(
        tiny_stage: CrisisModel) -> None:
    assert crisis_opinion.get_opinion() is None


def test_the_opinion_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASAN_CRISIS_OPINION", "off")
    assert crisis_opinion.get_opinion() is None
