"""Issue 12, eleventh round: name forms from set O1 (written blind), as families, each beside a
look-alike that must stay - a name spelled then said whole, 자-spelling in more shapes, Latin
letters spelled after a spelling cue, Latin names after 성은/저 and English cues, and words that
only looked like names (철자, 영문으로, 소방관). The examples are new wordings, not O's items."""

from __future__ import annotations

from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


def test_a_name_spelled_then_said_whole() -> None:
    assert _names("손자 이름 불러 드려요 한 도 윤, 한도윤") == ["한 도 윤", "한도윤"]
    assert _names("그 건 이 번 주에 할게요") == []  # spaced words, nothing said whole


def test_ja_spelling_in_more_shapes() -> None:
    # the surname without its 자, then the name said whole
    assert _names("아버지 함자가 노 병 자 철 자예요 노병철") == ["노 병 자 철 자", "노병철"]
    # a foreign name's parts of two syllables after a naming word
    assert _names("성함이 리 자 웨이 자 밍 자 이렇게요") == ["리 자 웨이 자 밍 자"]
    # two letters with no name said or asked for
    assert _names("이 자 저 자 다 써 봤어요") == []


def test_latin_letters_spelled_after_a_cue_and_latin_names_after_cues() -> None:
    assert _names("이름 스펠링은 M, A, R, T, A 예요") == ["M, A, R, T, A"]
    assert _names("성 철자는 T-S-E-R-E-N 이고요") == ["T-S-E-R-E-N"]
    assert _names("성은 Enkhbayar 입니다") == ["Enkhbayar"]
    assert _names("Hello, I'm Maria Lopez. my neighbour Mr. Park Min-ho is noisy") == [
        "Maria Lopez", "Park Min-ho"]
    # capitals with no cue, one word after I'm, a brand after 저
    assert _names("KTX 타고 A, B, C 순서로 왔어요") == []
    assert _names("I'm Korean, I live in Mapo") == []
    assert _names("저 Samsung 폰 써요") == []


def test_words_that_only_look_like_names_stay() -> None:
    assert _names("아버지 성함은 영문으로 쓰면 길어요") == []
    assert _names("소방관 아저씨들께 감사 인사 드리려고요") == []


def test_names_in_a_list_with_a_title_before_each() -> None:
    found = _names("과장 윤태오, 대리 봉지수, 주임 한서린 셋이 왔어요")
    assert found == ["윤태오", "봉지수", "한서린"]
    assert _names("과장, 대리, 주임 셋이 왔어요") == []
