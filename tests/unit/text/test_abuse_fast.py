"""The compiled abuse classifier gives scikit-learn's probabilities (it only skips its
overhead), and makes the same n-grams as the ``char_wb`` analyser."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from dasan.text import abuse_model
from dasan.text.abuse_fast import CompiledClassifier
from dasan.text.ngrams import char_ngrams, char_wb_ngrams

ODD = ["", "  ", "a", "ab  c", "씨 발 놈", "병1신아", "x\ty\nz", "ＡＢＣ ｓｉｂａｌ", "ㅅㅂ 진짜",
       "기후동행카드 환불 방법이 궁금해요", "Sejong-daero 110, 서울"]


def test_char_wb_ngrams_match_scikit_learn() -> None:
    for lo, hi in ((1, 4), (2, 5)):
        analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=(lo, hi)).build_analyzer()
        for text in ODD:
            assert char_wb_ngrams(text, lo, hi) == analyse(text), (text, lo, hi)


def test_char_ngrams_match_scikit_learn() -> None:
    for lo, hi in ((1, 4), (2, 5)):
        analyse = TfidfVectorizer(analyzer="char", ngram_range=(lo, hi)).build_analyzer()
        for text in ODD:
            assert char_ngrams(text, lo, hi) == analyse(text), (text, lo, hi)


def test_compiled_probabilities_equal_the_classifier() -> None:
    rude = ["씨발 뭐하는 거야", "병신 같은 놈", "개새끼야 꺼져", "좆같네 진짜", "미친놈 아냐",
            "ㅅㅂ 짜증나", "닥쳐 이 새끼야", "존나 느리네 병신들"]
    calm = ["기후동행카드 환불 방법", "따릉이 정기권 구매", "여권 발급 준비물", "주차 위반 과태료",
            "쓰레기 배출 요일", "청년 월세 지원 신청", "수도 요금 납부", "지하철 첫차 시간"]
    texts = [f"{t} {i}" for i in range(4) for t in rude + calm]
    labels = [y for _ in range(4) for y in [1] * len(rude) + [0] * len(calm)]
    clf = abuse_model.train(texts, labels, hate=(texts[::-1], labels[::-1]))
    probe = ODD + ["씨발 환불", "병신같은 카드", "정기권 환불 문의드려요", "ㅆㅂ"]
    expected = clf.predict_proba(probe)
    got = CompiledClassifier(clf).predict_proba(probe)
    assert np.allclose(expected, got, rtol=0, atol=1e-9)
    assert len(set(np.round(expected, 6))) > 3  # the probe really exercises the model


def test_a_pickled_compiled_classifier_scores_the_same_without_scikit_learn(
        tmp_path: Path) -> None:
    """What servers and screening workers load (`screening_model` reads the compiled form from
    its file): the same probabilities and the curse view, and no scikit-learn import."""
    rude = ["씨발 뭐하는 거야", "병신 같은 놈", "개새끼야 꺼져", "미친놈 아냐"]
    calm = ["기후동행카드 환불 방법", "따릉이 정기권 구매", "여권 발급 준비물", "수도 요금 납부"]
    texts = [f"{t} {i}" for i in range(4) for t in rude + calm]
    labels = [y for _ in range(4) for y in [1] * len(rude) + [0] * len(calm)]
    clf = abuse_model.train(texts, labels)
    compiled = CompiledClassifier(clf)
    probe = ODD + ["씨발 환불", "병신같은 카드", "정기권 환불 문의드려요"]
    path = tmp_path / "compiled.pkl"
    path.write_bytes(pickle.dumps(compiled))
    script = (
        "import json, pickle, sys\n"
        f"m = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        f"probe = {probe!r}\n"
        "print(json.dumps([m.predict_proba(probe).tolist(), m.ngram_proba(probe).tolist(),\n"
        "                  m.threshold, m.clf is None, 'sklearn' in sys.modules]))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)
    proba, curse, threshold, no_clf, sklearn_loaded = json.loads(out.stdout)
    assert np.allclose(proba, clf.predict_proba(probe), rtol=0, atol=1e-9)
    assert np.allclose(curse, clf.ngram_proba(probe), rtol=0, atol=1e-9)
    assert threshold == clf.threshold and no_clf and not sklearn_loaded


def test_a_classifier_set_by_a_test_is_never_kept_as_the_servers_model(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.text import abuse_fast

    monkeypatch.setattr(abuse_model, "CACHE_DIR", tmp_path)
    model_path = abuse_model.shared_cache_path()
    if model_path is None:
        pytest.skip("no shared data: there is no servers' model to protect")
    model_path.write_bytes(b"the servers' model")
    texts = ["씨발 뭐하는 거야 1", "기후동행카드 환불 방법 1", "병신 같은 놈 2", "여권 발급 준비물 2"]
    toy = abuse_model.train(texts * 4, [1, 0, 1, 0] * 4)
    monkeypatch.setattr(abuse_fast, "_compiled", None)
    abuse_model.set_classifier(toy)  # restored by the conftest's fixture
    scorer = abuse_fast.screening_model()
    assert isinstance(scorer, CompiledClassifier) and scorer.clf is toy
    assert not abuse_fast.compiled_path(model_path).exists()
    assert list(tmp_path.iterdir()) == [model_path]
