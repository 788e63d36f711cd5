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


def test_a_latin_name_after_an_english_title() -> None:
    assert _names("Ms. Altantsetseg Dorj 씨 서류 문의요") == ["Altantsetseg Dorj"]
    assert _names("Dear Mr. Tom Baker, 안녕하세요") == []  # an English letter


def test_names_in_a_list_with_only_spaces_between() -> None:
    assert _names("참가자 명단이에요 윤서진 한도윤 백지후") == ["윤서진", "한도윤", "백지후"]


def test_a_polite_verb_and_a_short_noun_with_its_particle_are_no_names() -> None:
    assert _names("번호로 다시 걸어 주실래요") == []
    assert _names("남편 폰은 꺼져 있어요") == []


def test_a_foreign_name_of_four_words() -> None:
    assert _names("베트남에서 온 응우옌 티 투 항 씨가 서류를 냈어요") == ["응우옌 티 투 항"]
