"""Issue 12, session 16: addresses in the shapes a caller gives them - a building's lettered
wing, a 고시원 or shared-house room, a lot number said apart from its 동 - beside rooms of
public buildings, bus and receipt numbers that stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _addresses(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "address"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("은행나무빌라 B동 302호로 보내주세요", "은행나무빌라 B동 302호"),
        ("강서구 화곡로 302 화곡현대빌라 나동 201호", "화곡현대빌라 나동 201호"),
        ("저희 집은 다동 105호예요", "다동 105호"),
        ("행복고시원 14호실에 살고 있어요", "행복고시원 14호실"),
        ("신림 푸른고시텔 3층 305호요", "푸른고시텔 3층 305호"),
        ("주소가 중랑구 면목동 하고 번지는 172-9번지요", "172-9번지"),
        ("은평구요. 역촌동이고요. 42-7번지 2층이에요", "42-7번지 2층"),
    ],
)
def test_address_shapes_are_masked(text: str, address: str) -> None:
    assert address in _addresses(text)


@pytest.mark.parametrize(
    "text",
    [
        "시청 별관 나동 201호 민원실로 오세요",
        "강의실 가동 101호에서 교육해요",
        "버스 7016번 타고 가다가 3번지 앞에서 내렸어요",
        "국회의사당 1번지",
        "고시원 화재 점검 언제 해요?",
        "접수번호 2031호 확인 부탁해요",
    ],
)
def test_public_rooms_and_numbers_stay(text: str) -> None:
    assert _addresses(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("아파트는 노원구 중계동 은빛마을 2단지 205동이에요", "노원구 중계동 은빛마을 2단지 205동"),
        ("저희 집이 상계주공 7단지 709동이에요", "상계주공 7단지 709동"),
        ("영등포동 7가 94-15 1층 식당 옆 계단이요", "영등포동 7가 94-15 1층"),
        ("앞에 말한 석관동에 돌곶이로 30길 12-5, 거기 반지하요", "돌곶이로 30길 12-5"),
    ],
)
def test_complex_blocks_and_split_districts(text: str, address: str) -> None:
    assert address in _addresses(text)


@pytest.mark.parametrize("text", ["산업단지 3단지 운영 시간", "목동 7단지 재건축 설명회 언제예요?"])
def test_a_complex_named_with_no_home_stays(text: str) -> None:
    assert _addresses(text) == []


def test_a_list_of_lots_stays() -> None:
    assert _addresses("응암동 302,300,298,263,254 번지") == []
