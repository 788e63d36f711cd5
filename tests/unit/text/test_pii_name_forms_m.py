"""Issue 12, tenth round: name forms from set M1 (written blind), each beside a look-alike that
must stay unmasked; the examples are new wordings, not M's items."""

from __future__ import annotations

from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


def test_a_name_in_quotes_after_its_cue() -> None:
    assert _names("제 이름이 '차은별'이에요") == ["차은별"]


def test_a_found_name_spelled_out_again() -> None:
    # the syllables said one by one after the name, and its jamo after a spelling cue
    assert _names("제 이름이요? 노다온이요 노 다 온") == ["노다온", "노 다 온"]
    assert _names("철자가 ㄴ ㅗ 노 ㄷ ㅏ 다 ㅇ ㅗ ㄴ 온 노다온이에요") == [
        "ㄴ ㅗ 노 ㄷ ㅏ 다 ㅇ ㅗ ㄴ 온", "노다온"]
    # laughter in jamo, with a naming word nearby, is no name
    assert _names("ㅋㅋ ㅋ ㅋ ㅋ 이름이 웃기네요") == []


def test_words_after_a_naming_cue_that_are_no_names() -> None:
    assert _names("성함하고 생년월일 알려주세요") == []  # a particle
    assert _names("본인 인증 하려고요") == []  # a common word
    assert _names("담당자 이름은 모르고 민원실 분이었어요") == []
    assert _names("제 이름 영어로 쓰면 길어요") == []  # a common word and its particle


def test_a_forms_example_name_stays() -> None:
    assert _names("홍길동 이라고 예시로 적힌 칸에 쓰면 되나요?") == []
    assert _names("제 이름은 홍길동입니다") == ["홍길동"]
