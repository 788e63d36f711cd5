"""Issue 12, session 19: number families written from tune set W1's misses and from probes in
other words - the kind a number takes from the word named nearest to it (``dasan.text.pii_kind``)
and from its shape, numbers left unfound, and lines that are no person's."""

from __future__ import annotations

import pytest

from dasan.text import pii_kind
from dasan.text.pii import find


def _types(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in find(text)
            if s.type not in ("name", "address")]


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        # an account said after a health-insurance word: the bank word is nearer
        ("보험증 번호 말고 입금받을 계좌요 농협 30211884471", "account", "30211884471"),
        ("건보에서 돈 돌려준대서요 국민은행 82910-4471-29 로요", "account", "82910-4471-29"),
        ("의료보험 환급 통장 번호 110 338 902 71 신한", "account", "110 338 902 71"),
        # a health-insurance number said after a bank or card word
        ("통장 정리하다가 생각났는데 건강보험증 번호가 4 1029 384 751 이었나", "health_insurance",
         "4 1029 384 751"),
        ("카드로 보험료 납부하려는데 보험증 번호가 3-9928174650 이에요", "health_insurance",
         "3-9928174650"),
        # the word after the number, when none is said before
        ("81029384756 그거 보험증 번호 맞아요", "health_insurance", "81029384756"),
        # a bank word after 이고 names the next thing, not this number
        ("건강보험 카드 번호는 1-2039485761 이고 환급받을 통장은 없어요", "health_insurance",
         "1-2039485761"),
        ("사업자 번호가 305-81-44728 인데 통장은 법인 통장이에요", "business_no", "305-81-44728"),
        # said short: 가입자 번호, 증번호; ten digits after the card's word
        ("가입자 번호요? 5-8817263540 이에요", "health_insurance", "5-8817263540"),
        ("건강보험증 번호 1102938475 요", "health_insurance", "1102938475"),
        # no word at all: the grouping decides (3-2-5 is a business registration)
        ("가게 등록번호가 617-22-40183 이에요", "business_no", "617-22-40183"),
    ],
)
def test_a_number_takes_the_kind_named_nearest_to_it(text: str, kind: str, number: str) -> None:
    assert (kind, number) in _types(text)


@pytest.mark.parametrize(
    "text",
    [
        # 16 digits are no account, whatever is said near them
        "통장 말고 카드로 할게요 5310-7728-1940-2285",
        # a mobile's shape stays a phone after a bank word
        "계좌 확인되면 010-4829-1173 으로 문자 주세요",
    ],
)
def test_a_kind_the_digits_cannot_be_is_never_given(text: str) -> None:
    assert not any(kind == "account" for kind, _ in _types(text))


def test_words_about_other_cards_and_banks_do_not_name_a_kind() -> None:
    # 대출증 번호 is a library card's; 우리 엄마 is no bank
    assert pii_kind.nearest_kind("도서관 대출증 번호 20241100384", 11, 22) is None
    text = "72019384756 우리 엄마 보험증 번호예요"
    assert pii_kind.nearest_kind(text, 0, 11) == "health_insurance"
    assert not any(kind == "health_insurance" for kind, _ in _types(
        "도서관 대출증 번호 도서관 홈페이지에 나오는 거 20241100384"))


@pytest.mark.parametrize(
    "text",
    [
        # an office's landline said aloud is no person's, as it is written
        "거기 동사무소 번호가 공이 구사일 삼삼공팔이에요 직원이 받을 거예요",
        # a restaurant's, a pharmacy's, a clinic's, a branch's line
        "식당 예약 전화가 공삼일 구일공 삼삼팔사 였는데 없는 번호래요",
        "동네 약국 번호 02-921-4470 이던데 문 닫았어요",
        "병원 예약은 031-910-3384 로 하시면 됩니다",
        "우체국 콜센터 말고 지점 번호 02-2231-4490 알려주세요",
        # a school's, a garage's, a laundry's line
        "학교 행정실 번호 02-971-4482 알려 주실 수 있나요",
        "정비소 사장님이 02-933-1847 로 전화 달래요",
        "세탁소 번호 031-912-4470 좀 찾아주세요",
        # a park's office, a pool's desk, a hotel's front, a call taxi
        "공원 관리소 번호가 02-2181-4470 이에요",
        "수영장 안내데스크 02-2290-7714 맞죠",
        "호텔 프런트 02-317-4410 에 물어봤어요",
        "콜택시 02-414-0077 불렀어요",
        # a bill's customer number with a landline's shape
        "전기요금 고객번호 0618774021 이거 한전 건데",
    ],
)
def test_lines_that_are_no_persons_are_not_masked(text: str) -> None:
    assert not any(kind == "phone" for kind, _ in _types(text))


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("제 집 전화 02-932-1847 이요", "02-932-1847"),
        ("가게 번호는 02-332-1847 이에요 제가 운영하는 데요", "02-332-1847"),
        ("병원 말고 제 번호로 주세요 010-4829-1173", "010-4829-1173"),
    ],
)
def test_ones_own_line_near_a_shop_word_is_masked(text: str, phone: str) -> None:
    assert ("phone", phone) in _types(text)


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        # the kind named a sentence before, nothing else named in between
        ("건강보험증 번호는 식구끼리 앞부분이 같고 끝 한 자리만 다르다던데요 제 건 4829103756이에요",
         "health_insurance", "4829103756"),
        ("건보 카드 번호 72019384756 말고 다른 거요? 아 그건 아버지 거고 제 번호는 72019384757",
         "health_insurance", "72019384757"),
        ("사업자 번호요 그게 가게 간판 옆에 붙어 있어서 지금 보고 읽을게요 잠시만요 2148739102",
         "business_no", "2148739102"),
    ],
)
def test_a_number_whose_kind_was_named_far_before_it(text: str, kind: str, number: str) -> None:
    assert (kind, number) in _types(text)


@pytest.mark.parametrize(
    "text",
    [
        # a reference's digits, whatever bank word follows
        "등기번호 6070-1482-2391 우체국 등기 조회",
        # another kind named in between: the number is that kind's, or nobody's
        "건강보험증은 있는데요 접수번호가 2026113004871 이라고 문자 왔어요",
        # a phone's digits are not read as a far-named account
        "우체국 콜센터 말고 그 동네 지점 번호를 알고 싶은데 02-2231-4490 맞나요",
    ],
)
def test_a_far_kind_does_not_reach_past_another_kinds_word(text: str) -> None:
    assert not any(kind in ("account", "health_insurance") for kind, _ in _types(text))


@pytest.mark.parametrize(
    ("text", "passport"),
    [
        # a passport's word in the resident's own language
        ("저는 일본에서 왔어요 旅券番号 TK2048673 입니다", "TK2048673"),
        ("护照号码 EH4820193 이요", "EH4820193"),
        ("PP No. K7720193 (Thailand)", "K7720193"),
        # the French shape: two digits, two letters, five digits
        ("[웹 문의] 여권번호 19KD30218 (프랑스)", "19KD30218"),
        # written out after it was spelled, further than the word's usual reach
        ("여권 번호 불러드렸죠 엠 에이 삼 칠 일 공 구 이 팔 이렇게요 적으면 MA3710928", "MA3710928"),
    ],
)
def test_passports_in_other_words_and_shapes(text: str, passport: str) -> None:
    assert ("passport", passport) in _types(text)


def test_a_passport_word_does_not_reach_past_another_kind() -> None:
    text = "여권은 다음 주에 찾아가고요 오늘은 택배 송장번호 AB12345678 조회만 부탁드려요"
    assert not any(kind == "passport" for kind, _ in _types(text))


def test_a_plate_read_aloud_after_a_vehicle_word_is_no_phone() -> None:
    spans = _types("차량 번호 영이 팔 호 삼칠일사 아니 영이팔 호 삼칠일사")
    assert "phone" not in [kind for kind, _ in spans]
    assert ("car_plate", "영이 팔 호 삼칠일사") in spans


def test_a_sole_traders_registration_after_its_tax_class() -> None:
    text = "노점 신고하려고요 저 간이과세자고 등록번호 이일칠 영오 삼삼팔일구"
    assert [kind for kind, _ in _types(text)] == ["business_no"]


@pytest.mark.parametrize(
    "text",
    [
        # a department in brackets before an SMS's contact line
        "[SMS] 민원이 이관되었습니다 (주차관리과) 문의 02-2133-4410",
        # a shop's line, said whose right after it
        "사장님 전화 02-335-7180 이건 가게 번호고 제 폰은 따로 있어요",
    ],
)
def test_a_departments_or_shops_line_named_around_it(text: str) -> None:
    assert not any(kind == "phone" for kind, _ in _types(text))


def test_an_id_then_its_mail_service_and_mail() -> None:
    assert ("email", "dahye_05") in _types("아이디 dahye_05 카카오 메일로 보내주시면 돼요")
    # a site's ID with no mail named stays
    assert _types("홈페이지 아이디 dahye_05 로 로그인이 안 돼요") == []


def test_a_number_that_answers_the_question_of_the_turn_before() -> None:
    text = "상담원: 보험증 번호 불러 주시겠어요?\n고객: 네 3728190461 이요"
    assert ("health_insurance", "3728190461") in _types(text)
    # a number inside its turn, after other words, is not taken back to the question
    other = "상담원: 보험증 번호요?\n고객: 그건 모르고 3728190461"
    at = other.index("3728190461")
    assert pii_kind.nearest_kind(other, at, at + 10) is None
    assert pii_kind.nearest_kind(text, text.index("3728"), text.index("3728") + 10) == (
        "health_insurance")
