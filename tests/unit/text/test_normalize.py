from __future__ import annotations

from dasan.text.normalize import heavy_view, light_view, views


def test_light_view_folds_width_and_case() -> None:
    v = light_view("ＳＩＢＡＬ 가")
    assert v.text == "sibal 가"
    assert len(v.index) == len(v.text)


def test_heavy_view_drops_noise_between_korean_letters() -> None:
    text = "병1신 씨@발"
    heavy = heavy_view(light_view(text))
    assert heavy.text == "병신 씨발"
    s, e = heavy.span(0, 2)
    assert text[s:e] == "병1신"


def test_heavy_view_joins_spaced_single_syllables_only() -> None:
    assert heavy_view(light_view("씨 발 놈")).text == "씨발놈"
    assert heavy_view(light_view("다시 발견")).text == "다시 발견"


def test_brackets_and_sentence_ends_are_not_noise() -> None:
    assert heavy_view(light_view("플라자] 위치")).text == "플라자] 위치"
    assert heavy_view(light_view("했다. 발")).text == "했다. 발"


def test_views_dedupes_identical() -> None:
    assert len(views("안녕하세요")) == 1
