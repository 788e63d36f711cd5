"""Spoken-style questions as a transcriber writes them, made searchable."""

from __future__ import annotations

from dasan.callbot.spoken import digits_read_aloud, normalise


def test_fillers_and_spacing_go_and_the_question_stays() -> None:
    assert normalise("어 그 저기요 수도  요금을 음 어디서 내나요") == "수도 요금을 어디서 내나요"
    assert normalise("음... 어") == ""


def test_digits_read_aloud_become_digits_but_words_stay() -> None:
    assert digits_read_aloud("번호는 공일공 이삼사오 육칠팔구") == "번호는 01023456789"
    assert digits_read_aloud("삼일절 행사 일정") == "삼일절 행사 일정"
    assert digits_read_aloud("이사 가요") == "이사 가요"
