"""Three masker bugs found on real text (bench.pii_real_text) and on probes (session 20)."""

from __future__ import annotations

from dasan.text import pii, pii_names


def _spans(text: str, kind: str) -> list[str]:
    return [text[s.start:s.end] for s in pii.find(text) if s.type == kind]


def test_an_office_and_its_phone_number_are_no_address() -> None:
    # a Seoul 120 answer: 회원관리 ends like a village (리), 02-2126 like its lot number
    text = "문의 : 서울시 회원관리 02-2126-4519 / 02-2133-6517"
    assert _spans(text, "address") == []
    assert _spans("서울시 회원관리 02-2126", "address") == []


def test_a_lot_number_is_still_an_address() -> None:
    assert _spans("대구시 달서구 월성동 123-4 번지", "address") == ["대구시 달서구 월성동 123-4 번지"]
    assert _spans("남양주 다산동 6097", "address") == ["남양주 다산동 6097"]


def test_a_bracketed_latin_phrase_does_not_pair_with_words_and_particles() -> None:
    text = "옥상에 태양광패널(Solar Panel)을 설치했어요"
    found = [text[s:e] for _, s, e, _ in pii_names.bracketed_names(text)]
    assert found == []
    assert "옥상에 태양광패널" not in _spans(text, "name")


def test_a_bracketed_latin_spelling_of_a_name_still_pairs() -> None:
    text = "마리아 산토스(Maria Santos)예요"
    found = [text[s:e] for _, s, e, _ in pii_names.bracketed_names(text)]
    assert found == ["마리아 산토스", "Maria Santos"]


def test_origin_name_leaves_the_copula_out() -> None:
    for text, name in (("중국 사람이에요 류메이예요", "류메이"), ("중국에서 온 류메이예요", "류메이")):
        found = [text[s:e] for _, s, e, _ in pii_names.origin_names(text)]
        assert found == [name]
        assert _spans(text, "name") == [name]


def test_an_everyday_word_before_the_copula_is_no_origin_name() -> None:
    text = "중국 사람 여권이예요"
    assert list(pii_names.origin_names(text)) == []
