"""Issue 12, session 20: a card number and a car plate however their digits are grouped and said
(``dasan.text.pii_grouped``), written from tune set Y1's misses and from probes in other words,
with the look-alikes that must stay unmasked."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _types(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in find(text) if s.type not in ("name", "address")]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # four groups of four said aloud, with no card word at all
        ("결제한 거 번호 불러 드리면 칠이일오 공삼삼팔 구구일사 육팔이공 이거요",
         "칠이일오 공삼삼팔 구구일사 육팔이공"),
        # groups joined by 다시, 그리고, a comma, a slash
        ("칠이일오 다시 공삼삼팔 다시 구구일사 다시 육팔이공 그 카드 정지해 주세요",
         "칠이일오 다시 공삼삼팔 다시 구구일사 다시 육팔이공"),
        ("카드 번호요? 7215 0338 그리고 9914 6820요", "7215 0338 그리고 9914 6820"),
        ("카드 번호 7215, 0338, 9914, 6820", "7215, 0338, 9914, 6820"),
        ("7 2 1 5 / 0 3 3 8 / 9 9 1 4 / 6 8 2 0 이렇게 찍혀 있어요",
         "7 2 1 5 / 0 3 3 8 / 9 9 1 4 / 6 8 2 0"),
        # a group taken back and said again: the corrected number
        ("번호가 칠이일오 공삼팔삼 아 아니 공삼삼팔 구구일사 육팔이공 이에요",
         "칠이일오 공삼팔삼 아 아니 공삼삼팔 구구일사 육팔이공"),
        # hesitation between groups said aloud
        ("불러 볼게요 칠이일오 공삼삼팔 음 글씨가 작아서 잘 안 보이네 구구일사 육팔이공",
         "칠이일오 공삼삼팔 음 글씨가 작아서 잘 안 보이네 구구일사 육팔이공"),
        # an American Express number (4-6-5) said a digit at a time, joined by 하고
        ("아멕스 카드요 3 7 2 8 하고 4 1 0 9 6 6 하고 2 0 3 1 5",
         "3 7 2 8 하고 4 1 0 9 6 6 하고 2 0 3 1 5"),
    ],
)
def test_a_card_said_in_any_grouping_is_a_card(text: str, number: str) -> None:
    assert ("card", number) in _types(text)


@pytest.mark.parametrize(
    "text",
    [
        # a mobile said in groups is a phone, not the start of a card
        "연락처는 공일공 이팔삼칠 구구일사로 남겨 주세요",
        # a list of representative numbers
        "문의는 1588 - 2200, 1644-2200 으로 해 주세요",
        # two account-like groups said aloud after a bank: no card word, not four by four
        "농협 계좌 삼오일이 공구팔팔 사사이칠 공삼 이에요",
    ],
)
def test_no_card_in_other_numbers(text: str) -> None:
    assert all(kind != "card" for kind, _ in _types(text))


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        # the two digits said as a number, 에 after them
        ("우리 차 번호는 삼십오에 너 칠칠일이요", "삼십오에 너 칠칠일이"),
        # native numerals
        ("차량 번호가 하나셋 마 둘둘넷여섯 이에요", "하나셋 마 둘둘넷여섯"),
        # 하고 between the letter and the four digits
        ("차번호 이공팔 거 하고 삼삼구일 이요", "이공팔 거 하고 삼삼구일"),
        # the vehicle named after the plate, later in the turn
        ("칠팔 두 오오이공 이렇게 생긴 번호였는데 그 트럭이 계속 서 있어요", "칠팔 두 오오이공"),
        # an old plate with its region and one digit, the vehicle named later
        ("경기 3다 7719 라고 적힌 오래된 번호판 승용차가 방치돼 있어요", "경기 3다 7719"),
    ],
)
def test_a_plate_said_in_parts_is_a_plate(text: str, plate: str) -> None:
    assert ("car_plate", plate) in _types(text)


def test_a_plates_four_digits_said_again_after_a_slip() -> None:
    spans = _types("차 번호가 칠이 버 에 사사일구 아 아니 사사구일 이에요")
    assert ("car_plate", "사사구일") in spans


@pytest.mark.parametrize(
    "text",
    [
        # a date with its year: no plate
        "접수는 26일에서 2024 년 말까지 받아요 차량 등록 관련이요",
        # digit syllables and a plate syllable with no vehicle in the turn
        "일이 가 삼사오육 순서로 줄 서세요",
    ],
)
def test_no_plate_in_look_alikes(text: str) -> None:
    assert all(kind != "car_plate" for kind, _ in _types(text))


@pytest.mark.parametrize(
    ("text", "half", "kind"),
    [
        # a front half said again, corrected, far from the number's name
        ("주민번호 잘못 불렀네요 처음에 851107 이라고 했는데 사실 851117 이에요", "851117", "rrn"),
        # a back half said again after a slip, written, with the copula's 이 after it
        ("주민번호 뒷자리 처음에 2039915 라고 했는데 틀렸어요 2093315 이 맞습니다", "2093315",
         "rrn"),
        # a back half begun, broken off and finished
        ("주민번호 뒷자리는 일육공... 어 그 다음이 뭐였지 아 이칠칠사 요", "일육공", "rrn"),
        ("주민번호 뒷자리는 일육공... 어 그 다음이 뭐였지 아 이칠칠사 요", "이칠칠사", "rrn"),
        # a foreign resident's back half
        ("외국인 등록번호 뒷자리 천천히 말할게요 음 6120558", "6120558", "foreigner_rrn"),
        # the front half and the first back digit, said in pairs
        ("주민번호 앞이 팔일 공삼 이칠일 이고 나머진 나중에요", "팔일 공삼 이칠일", "rrn"),
    ],
)
def test_a_resident_numbers_halves_after_its_name(text: str, half: str, kind: str) -> None:
    assert (kind, half) in _types(text)


@pytest.mark.parametrize(
    "text",
    [
        # a code or an amount after the number's name: no half
        "주민번호 넣고 인증번호 850412 받았어요",
        "주민번호로 조회했더니 금액이 1250000 원 나왔어요",
        # a back half's shape after a phone word
        "주민번호는 나중에 드리고 전화는 2233445 로 주세요",
    ],
)
def test_no_resident_half_in_other_numbers(text: str) -> None:
    assert all(kind not in ("rrn", "foreigner_rrn") for kind, _ in _types(text))


@pytest.mark.parametrize(
    ("text", "read_back"),
    [
        ("메일 주소는 sb2207 골뱅이 다음 닷넷이고요 에스 비 이이공칠 이에요", "에스 비 이이공칠"),
        ("이메일 ohjy88@naver.com 이요 천천히 하면 오 에이치 제이 와이 팔팔", "오 에이치 제이 와이 팔팔"),
    ],
)
def test_an_emails_id_read_back_letter_by_letter(text: str, read_back: str) -> None:
    assert ("email", read_back) in _types(text)


def test_letters_after_an_email_that_spell_another_word_stay() -> None:
    spans = _types("메일은 ohjy88@naver.com 이고 에이 비 씨 순서로 정리해 주세요")
    assert [kind for kind, _ in spans] == ["email"]


@pytest.mark.parametrize(
    "text",
    [
        "차량 번호 45나 6612 같은 예시로 적혀 있던데 제 번호를 쓰면 되죠?",
        "계좌 번호 110 다시 222 다시 333444 이건 예로 든 거예요",
        "주민번호 칸에 900101-1234567 처럼 견본이 있어요",
    ],
)
def test_a_number_said_to_be_an_example_is_no_ones(text: str) -> None:
    assert _types(text) == []


def test_a_real_number_after_an_example_is_still_masked() -> None:
    spans = _types("예시는 지웠고요 제 차는 45나 6612 입니다")
    assert ("car_plate", "45나 6612") in spans


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("여권 번호는 영어로 K 그다음 숫자 이렇게요 K 다시 삼일공 다시 팔팔칠 다시 사공",
         "K 다시 삼일공 다시 팔팔칠 다시 사공"),
        ("여권번호 앞에 알파벳 두 개요 GT 그리고 숫자 3 0 9 8 1 1 4 2", "GT 그리고 숫자 3 0 9 8 1 1 4 2"),
        ("태국 여권 A 하고 칠칠공일이삼사 하고 비 예요", "A 하고 칠칠공일이삼사 하고 비"),
        ("캐나다 여권은 숫자만 있어요 아홉 자리요 4 4 0 9 1 8 2 7 3", "4 4 0 9 1 8 2 7 3"),
    ],
)
def test_a_passport_read_in_parts_after_its_word(text: str, number: str) -> None:
    assert ("passport", number) in _types(text)


def test_letters_and_digits_after_a_passport_word_that_name_another_number() -> None:
    spans = _types("여권은 집에 있고 전화번호 A 동 공일공 이삼사오 육칠팔구 로 주세요")
    assert all(kind != "passport" for kind, _ in spans)


@pytest.mark.parametrize(
    "text",
    [
        "은행 영업점 번호 02-318-4420 으로 걸어 보라던데요",
        "마을버스 차고지 번호가 031-772-9015 라고 적혀 있어요",
        "청소 업체 번호 02-2290-7713 으로 항의했어요",
    ],
)
def test_a_business_premises_landline_is_no_persons(text: str) -> None:
    assert all(kind != "phone" for kind, _ in _types(text))


def test_a_mobile_beside_a_business_word_is_still_masked() -> None:
    assert ("phone", "010-4471-2290") in _types("업체 사장님 휴대폰 010-4471-2290 이에요")
