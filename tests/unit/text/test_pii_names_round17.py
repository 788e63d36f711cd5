"""Issue 12, session 20 (seventeenth round, names): families written from tune set Y1's misses and
false masks and from probes in other words - each with the look-alikes that must stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    "text",
    ["그게 국민카드예요 제 명의고요", "고객: 에스 에이 엠 요 sam 맞아요",
     "결제는 신한카드예요 제 명의로 된 거", "카카오페이로 보냈어요", "하나마트 앞에서 만나요",
     "아이디는 제이 에이 엔 이요", "윤동주 시인 문학관 휴관일 알려주세요",
     "박경리 작가 기념관 주차장 있어요?", "남편 명의여도 되나요? 외국인 남편이라서요"],
)
def test_no_person_in_a_company_a_spelling_or_a_memorial(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("이 통장 우리 집사람 거고 이름은 변숙자", "변숙자"),
     ("이 폰 우리 딸 거예요 딸 이름은 차윤슬", "차윤슬"),
     ("그 차 아들 거여 아들 이름은 곽동수", "곽동수"),
     ("할머니 꺼유 그 통장 할머니 이름은 육간난", "육간난")],
)
def test_whose_thing_is_no_name_the_name_after_is(text: str, name: str) -> None:
    assert _names(text) == [name]


def test_a_writer_with_a_title_is_still_a_person() -> None:
    assert _names("김민수 작가님이 강연하신대요") == ["김민수"]
