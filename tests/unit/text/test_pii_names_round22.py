"""Issue 12, session 22 (names): names in Latin letters with diacritics or an apostrophe, a
country beside a Latin name, and Japanese names in Hangul - each with the look-alikes that must
stay (written from hold-out AE's misses after AE was scored)."""

from __future__ import annotations

import pytest

from dasan.text.pii import find, mask


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("며느리가 Lê Thị Hoa인데 한글로 써요", "Lê Thị Hoa"),
     ("Kevin O'Brien 케빈입니다 영어로 상담 가능할까요", "Kevin O'Brien"),
     ("저는 José García 예요", "José García"),
     ("여권 정보요 passport A07739215 Philippines Jose Ramirez Dela Cruz",
      "Jose Ramirez Dela Cruz"),
     ("일본 여권 TK8403172 이에요 사토 켄지", "사토 켄지"),
     ("외국인등록번호 있고요 유학생이에요 타나카 유이", "타나카 유이"),
     ("저는 야마다 하나코입니다", "야마다 하나코")],
)
def test_the_name_is_found(text: str, name: str) -> None:
    assert name in _names(text)


def test_a_latin_name_is_masked_letter_by_letter() -> None:
    masked = mask("며느리가 Lê Thị Hoa인데 한글로 써요").masked
    assert "Lê" not in masked and "Hoa" not in masked and "L* T** H**" in masked


@pytest.mark.parametrize(
    "text",
    ["São Paulo 에서 왔어요", "Vietnam Airlines 예약 변경이요", "필리핀 Philippines 대사관 가는 길",
     "Google Play 결제 문의요", "하라 하면 해야지", "안도 했어요 정말"],
)
def test_places_brands_and_words_stay(text: str) -> None:
    assert _names(text) == []


def test_a_japanese_surname_with_a_title_is_no_given_name() -> None:
    # the surname and its title (씨) are not a surname and a given name
    assert "타나카 씨" not in _names("타나카 씨가 오셨어요")
