"""Round 20 (numbers): families written from probes in new words, not from any set's items. Each
family test fails on the masker before the round (a9b065b) unless it says it guards a kind that
already worked (the look-alikes and the foreign-resident typing)."""

from __future__ import annotations

import pytest

from dasan.text import pii


def _kinds_over(text: str, value: str) -> set[str]:
    at = text.index(value)
    return {s.type for s in pii.find(text) if s.start < at + len(value) and at < s.end}


# --- the health-insurance card: how it is named and typed ---------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    # a foreign resident's English
    ("My health insurance card no. is 5-1928374650", "5-1928374650"),
    ("NHIS number 71928374650 please", "71928374650"),
    ("Health Insurance Card No 4-2918374650", "4-2918374650"),
    ("NHIS card 5 2039184756 입니다", "5 2039184756"),
    ("National Health Insurance No. 61928374650", "61928374650"),
    # the household head's number, and the old card's word held whole (not a bank card)
    ("세대주 번호는 9-2817364509 로 되어 있어요", "9-2817364509"),
    ("옛날 의료보험 카드 번호 4820193746 이었어요", "4820193746"),
    ("의보 번호 7-1928374650 으로 돼 있어요", "7-1928374650"),
    # the dashes a Korean keyboard types, an underscore
    ("건강보험증 번호 3ㅡ1928374650", "3ㅡ1928374650"),
    ("건강보험증 번호 3_1928374650", "3_1928374650"),
    # the card's printed shape with no word about it, and the card named in the next turn
    ("고객: 5-1928374650 이요\n상담사: 네 건강보험증 번호 확인됐습니다", "5-1928374650"),
])
def test_health_insurance_named_and_typed_every_way(text: str, value: str) -> None:
    assert "health_insurance" in _kinds_over(text, value)


@pytest.mark.parametrize(("text", "value"), [
    # read aloud whole with its name after it
    ("오일구이팔삼칠사육오공 이게 제 건강보험증 번호예요", "오일구이팔삼칠사육오공"),
    # over turns: the first digit asked and given, then the rest after a short question
    ("상담사: 증번호 앞자리가 어떻게 되세요? / 고객: 7 이요 / 상담사: 나머지는요? / 고객: 3029481756",
     "3029481756"),
    ("상담사: 건강보험증 번호 말씀해 주세요 / 고객: 잠시만요 / 상담사: 네 / 고객: 51928374650",
     "51928374650"),
])
def test_health_insurance_said_whole_or_over_turns(text: str, value: str) -> None:
    assert "health_insurance" in _kinds_over(text, value)


@pytest.mark.parametrize(("text", "value"), [
    # guards: forms that already worked stay found
    ("건강보험증 번호 5-1928374650 입니다", "5-1928374650"),
    ("건보증 번호 칠 영구이 팔일칠 삼육오사", "칠 영구이 팔일칠 삼육오사"),
    ("보험증 번호요 삼 빵 사 구 이 팔 일 칠 오 육 이요", "삼 빵 사 구 이 팔 일 칠 오 육"),
    ("피부양자 증번호 2-8192837465 로 조회해 주세요", "2-8192837465"),
    ("8-2039184756 이게 제 건강보험증 번호예요", "8-2039184756"),
])
def test_health_insurance_forms_that_worked_stay(text: str, value: str) -> None:
    assert "health_insurance" in _kinds_over(text, value)


@pytest.mark.parametrize("text", [
    "사업장관리번호 12345678901 로 조회해 주세요",
    "주문번호 5-1928374650 입니다",
    "접수번호는 3-2039485761",
    "건강보험 고객센터 1577-1000 으로 전화했어요",
    "건강보험료 53210 원 나왔어요",
])
def test_health_insurance_look_alikes_stay(text: str) -> None:
    assert not [s for s in pii.find(text) if s.type == "health_insurance"]


def test_nhis_inside_a_word_is_no_cue() -> None:
    assert not pii.find("Vanhise ordered 51928374650 units")


# --- a passport's letter said as a word --------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("여권번호는 엠이고요 숫자는 일이삼 사오육 칠팔", "일이삼 사오육 칠팔"),
    ("여권번호 엠 다시 일이삼사오육칠팔", "일이삼사오육칠팔"),
    ("고객: 여권번호 영문 엠이요 / 고객: 칠칠공 일일삼 사오", "칠칠공 일일삼 사오"),
    ("상담사: 여권번호 불러주세요\n고객: 엠\n고객: 12345678", "12345678"),
])
def test_passport_letter_said_as_a_word(text: str, value: str) -> None:
    assert _kinds_over(text, value) == {"passport"}


def test_passport_said_letter_is_written_as_its_latin_letter() -> None:
    masked = pii.mask("상담사: 여권번호 불러주세요 / 고객: 에스 / 고객: 12345678").masked
    assert "12345678" not in masked


# --- the foreign resident's registration number (guards: typed right before the round) ---------

@pytest.mark.parametrize(("text", "value", "kind"), [
    ("ARC number 900505-5123987", "900505-5123987", "foreigner_rrn"),
    ("주민번호 920413-5123456 입니다", "920413-5123456", "foreigner_rrn"),
    ("외국인등록번호 050312-7123456", "050312-7123456", "foreigner_rrn"),
    ("외국인 직원 문제로 전화했어요 제 주민번호는 850101-1234567 이에요", "850101-1234567", "rrn"),
    ("남편은 외국인등록증 있고 저는 주민번호가 900101-2345678 이에요", "900101-2345678", "rrn"),
])
def test_registration_numbers_typed_by_their_seventh_digit(text: str, value: str,
                                                           kind: str) -> None:
    assert _kinds_over(text, value) == {kind}


# --- a group of a number corrected by its part's name after a slip ------------------------------

@pytest.mark.parametrize(("text", "value", "kind"), [
    ("제 번호 010-3928-4417 이요 아 죄송해요 끝이 7789 예요", "7789", "phone"),
    ("연락처 010 3928 4417 아니 뒷자리가 7789 예요", "7789", "phone"),
    ("전화번호 공일공 삼구이팔 사사일칠 아 아니다 마지막이 칠칠팔구", "칠칠팔구", "phone"),
])
def test_a_group_corrected_after_a_slip(text: str, value: str, kind: str) -> None:
    assert _kinds_over(text, value) == {kind}


@pytest.mark.parametrize("text", [
    "010-3928-4417 로 주세요 아니 끝에 7789 원 결제",
    "010-3928-4417 이요 아니 뒤에 2026년에 바꿨어요",
    "전화 010-3928-4417 이고 접수번호 끝이 7789",
])
def test_an_amount_a_year_or_a_case_number_after_a_slip_stays(text: str) -> None:
    assert not [s for s in pii.find(text) if text[s.start:s.end] in ("7789", "2026")]


# --- an e-mail ID said in Hangul syllables -------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("이메일은 팍지훈 골뱅이 네이버 닷컴이요", "팍지훈"),
    ("메일 주소 팍 점 지훈 골뱅이 지메일 닷컴", "팍 점 지훈"),
    ("이메일은 쑤언 골뱅이 지메일 닷컴", "쑤언"),
])
def test_an_email_id_said_in_hangul(text: str, value: str) -> None:
    assert _kinds_over(text, value) == {"email"}


@pytest.mark.parametrize("text", [
    "메일 주소는 골뱅이 네이버예요",
    "메일 보낼 때 골뱅이 다음에 네이버 쓰시면 돼요",
])
def test_words_before_a_said_at_are_no_id(text: str) -> None:
    assert not pii.find(text)
