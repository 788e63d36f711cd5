from __future__ import annotations

import numpy as np
import pytest

from dasan.text import abuse, abuse_model
from dasan.text.abuse_model import is_held_out, load_curse, split_curse, train

ABUSIVE = ["씨발 꺼져", "병신 새끼", "개새끼야", "좆같은 소리", "미친놈 아니야", "닥쳐 이 새끼야",
           "존나 병신같네", "꺼져 쓰레기 같은 놈", "ㅅㅂ 뭐래", "지랄하네 진짜"] * 3
ORDINARY = ["버스 시간 알려주세요", "주차 요금이 얼마인가요", "여권 재발급 문의", "날씨가 좋네요",
            "따릉이 대여 방법", "청년 수당 신청", "쓰레기 배출 요일", "민원 접수 확인",
            "전입신고 서류", "감사합니다"] * 3


def test_train_and_predict_on_small_data() -> None:
    clf = train(ABUSIVE + ORDINARY, [1] * len(ABUSIVE) + [0] * len(ORDINARY))
    p = clf.predict_proba(["씨발 꺼져 새끼야", "주차 요금 문의"])
    assert p[0] > p[1]
    assert 0.2 <= clf.threshold <= 0.8
    assert clf.predict_proba([]).shape == (0,)


def test_train_rejects_bad_labels() -> None:
    with pytest.raises(ValueError, match="both"):
        train(["a", "b"], [0, 0])
    with pytest.raises(ValueError, match="length"):
        train(["a"], [0, 1])


def test_screen_uses_the_model_when_set() -> None:
    clf = train(ABUSIVE + ORDINARY, [1] * len(ABUSIVE) + [0] * len(ORDINARY))
    abuse_model.set_classifier(clf)
    result = abuse.screen("지랄 병신 꺼져")
    assert result.is_abusive and result.score is not None
    calm = abuse.screen("따릉이 대여 방법 알려주세요")
    assert not calm.is_abusive and calm.score is not None and calm.score < clf.threshold


def test_held_out_split_is_deterministic_and_disjoint(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "dataset.txt"
    lines = [f"문장 {i}|{i % 2}" for i in range(500)] + ["bad line", "a|b|1", "x|2"]
    data.write_text("\n".join(lines), encoding="utf-8")
    rows = load_curse(data)
    assert ("a|b", 1) in rows and len(rows) == 501
    train_rows, test_rows = split_curse(rows)
    assert len(train_rows) + len(test_rows) == len(rows)
    assert {t for t, _ in train_rows}.isdisjoint({t for t, _ in test_rows})
    assert 0.1 < len(test_rows) / len(rows) < 0.3
    assert split_curse(rows) == (train_rows, test_rows)
    assert all(is_held_out(t) for t, _ in test_rows)


def test_absent_data_means_rules_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert abuse_model.train_from_shared(tmp_path, cache=False) is None


def test_stack_features_shape() -> None:
    clf = train(ABUSIVE + ORDINARY, [1] * len(ABUSIVE) + [0] * len(ORDINARY))
    probs = clf.predict_proba(ORDINARY[:3] + ABUSIVE[:3])
    assert probs.shape == (6,)
    assert np.all((probs >= 0) & (probs <= 1))
