from __future__ import annotations

import pytest

from dasan.errors import DomainError
from dasan.text.langid import LANGUAGES, detect_language, language_scores


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("안녕하세요 여권 재발급 문의합니다", "ko"),
        ("Hello, how do I get a transit card?", "en"),
        ("パスポートの再発行について教えてください", "ja"),
        ("我想问一下怎么办理公交卡", "zh"),
        ("Xin chào, tôi muốn hỏi về thẻ xe buýt", "vi"),
        ("Сайн байна уу, би асуух зүйл байна", "mn"),
        ("서울 bus card 충전 문의", "ko"),
        ("東京の天気はどうですか", "ja"),
    ],
)
def test_detects_the_six_languages(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_no_letters_falls_back_to_default() -> None:
    assert detect_language("12345 !!!") == "ko"
    assert detect_language("12345", default="en") == "en"
    assert language_scores("...") == {}


def test_scores_are_over_the_six_codes() -> None:
    scores = language_scores("I would like to ask about the bus")
    assert set(scores) <= set(LANGUAGES)
    assert abs(sum(scores.values()) - 1.0) < 1e-6


def test_bad_input() -> None:
    with pytest.raises(DomainError, match="unknown default"):
        detect_language("hello", default="fr")
    with pytest.raises(DomainError):
        detect_language(None)  # type: ignore[arg-type]
