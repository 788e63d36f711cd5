"""Issue 12, session 20 (eighteenth round, names): families written from X1's and Z1's misses
and false masks (hold-outs X and Z, made tune data) and from probes in other words - each with
the look-alikes that must stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    ("text", "names"),
    [("저는 한국 이름은 없고요 중국 이름 林美玲 임미령이에요", ["林美玲", "임미령"]),
     ("제 이름은 량쯔린 梁子林 이고 유학생이에요", ["량쯔린", "梁子林"]),
     ("접수증에는 류메이 刘梅 로 돼 있어요", ["류메이", "刘梅"]),
     ("我叫陈晓东 천샤오둥이라고 합니다", ["陈晓东", "천샤오둥"])],
)
def test_a_chinese_name_beside_its_hangul_reading(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [("My name is Wang Fang 왕팡이에요 가게 일해요", ["Wang Fang", "왕팡"]),
     ("어머니 이름 탁순임 (TAK SUNIM) 으로 돼 있어요", ["탁순임", "TAK SUNIM"])],
)
def test_a_latin_spelling_beside_a_hangul_name_that_sounds_alike(
        text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    ["Ms. Dulguun Batbayar 대신 문의드려요",  # an everyday word after a Latin name
     "제 이름은 Nilufar Karimova, 외국인등록번호 뒷자리는 육 이 사 공 팔 일 구 입니다",
     "제가 Priya Raman 이에요 인도에서 왔고 한국 이름은 없어요",  # a copula, no name
     "협회 이사장인 Margaret Olson이 말했습니다",  # a known word and 인
     "옥상 태양광패널 Solar Panel 설치 지원 돼요?"],  # a compound of known words
)
def test_no_hangul_name_taken_beside_a_latin_one_without_one(text: str) -> None:
    names = _names(text)
    assert all(all(not "가" <= ch <= "힣" for ch in n) for n in names)


@pytest.mark.parametrize(
    ("text", "name"),
    [("Name on the card is Daniel Ortega, 결제가 두 번 됐어요", "Daniel Ortega"),
     ("the name on it is NGUYEN VAN HUNG 이라고 찍혀 있어요", "NGUYEN VAN HUNG")],
)
def test_the_name_a_card_or_an_account_bears(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize("text", ["I'm Vietnamese.", "Hi, I am Canadian. My card was charged."])
def test_where_one_comes_from_is_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("우리 영감은 함덕배라카는데예 귀가 어두버서", "함덕배"),
     ("지는 봉순자구유 전화는 이따 드릴게유", "봉순자")],
)
def test_a_dialects_way_of_saying_ones_name(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [("이름이 석 율 이에요 외자라서 헷갈려요", "석 율"),
     ("남궁 소윤 이요 남궁이 성이에요", "남궁 소윤")],
)
def test_a_surname_said_apart_with_its_copula_said_apart(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    ["우리 빌라 305호 할머니가 쓰러지셨어요", "1988년생인데 독감 주사 무료예요?",
     "면허번호 알려드릴게요 이삼 다시 사오", "여권번호 확인하고 전화 드릴게요",
     "건보 자격 확인 좀 해주세요", "저 연희동 사는데요 가로등이 나갔어요",
     "우리 동네는 상계동이에요 버스가 안 와요", "이름에 윤자는 소나무 할 때 윤 아니고요",
     "유관순 열사 묘소 가는 버스 있나요", "캄보디아에서 온 어부예요 배 타다 다쳤어요",
     "예시에 김민수라고 나와 있던데 김민수 말고 제 이름 쓰는 거죠"],
)
def test_no_name_in_a_unit_a_number_kind_a_place_an_example_or_what_one_is(text: str) -> None:
    assert _names(text) == []


def test_a_name_after_a_year_of_birth_stays() -> None:
    assert _names("1988년생이고 이름은 표진아예요") == ["표진아"]
