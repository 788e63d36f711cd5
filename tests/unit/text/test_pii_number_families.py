"""Issue 12, tenth round: number families from set M1 (written blind), each beside a look-alike
that must stay unmasked - phones read in native numerals, with 쩜 or a correction inside, and the
lines of public offices; the examples here are new wordings, not M's items."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _spans(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in find(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # native numerals, alone or mixed with sino-Korean ones
        ("제 번호 공하나공 셋셋넷다섯 여섯둘하나아홉 이에요", "공하나공 셋셋넷다섯 여섯둘하나아홉"),
        ("공일공 하나둘셋넷 오육칠팔 로 주세요", "공일공 하나둘셋넷 오육칠팔"),
        # 쩜 between the groups
        ("연락처 공일공 쩜 삼사오육 쩜 칠팔구공", "공일공 쩜 삼사오육 쩜 칠팔구공"),
        # a group corrected: the one before 아니 is dropped, the span keeps the whole
        ("공일공 사사... 아니 사오칠이 일일팔팔 이요", "공일공 사사... 아니 사오칠이 일일팔팔"),
        ("공일공에 삼삼삼 아니다 삼이일구에 팔팔칠공", "공일공에 삼삼삼 아니다 삼이일구에 팔팔칠공"),
    ],
)
def test_phones_read_aloud(text: str, value: str) -> None:
    assert _spans(text) == [("phone", value)]


def test_a_read_out_number_that_is_no_phone_stays() -> None:
    # a correction leaves too few digits; a count in native numerals is no number
    assert _spans("공일공 사사 아니 사오칠이 요") == []
    assert _spans("사과 하나 둘 셋 넷 다섯 개 주세요") == []


@pytest.mark.parametrize(
    "text",
    [
        "마포구청 대표번호 02-3153-8114 로 걸어 보세요",
        "주민센터 팩스 02-2148-5001 로 서류 보내래요",
        "관리사무소 031-912-4470 에 전화해도 안 받아요",
        "02-2290-6114 이 구청 번호 맞나요?",
        "자동차세 전자납부번호 0211-3302-4417-20 으로 냈어요",
        "문의: 동물보호과 02-2133-7649",  # a department
        "담당 주무관 02-3708-2387 로 연락하세요",
        "장애인팀 02-450-7532~7534 으로 문의",  # a range of lines, no account either
    ],
)
def test_office_lines_and_longer_numbers_stay(text: str) -> None:
    assert _spans(text) == []


def test_ones_own_line_after_an_office_word_is_masked() -> None:
    # a mobile is always a person's; a landline after one's own word (제, 집) too
    assert _spans("구청에서 010-2233-4455 로 연락 준대요") == [("phone", "010-2233-4455")]
    assert _spans("관리사무소 말고 저희 집 02-972-1145 로 주세요") == [("phone", "02-972-1145")]
    assert _spans("사무실은 02)2658-4410 이에요") == [("phone", "02)2658-4410")]
    assert _spans("문의는 저희 가게 031-874-2265 로") == [("phone", "031-874-2265")]
    # written digits with odd separators: a mobile, not dates or a list of bus routes
    assert _spans("010-77 82-3341 이 제 번호요") == [("phone", "010-77 82-3341")]
    assert _spans("07.02. ~ 08.05. 16시 까지 신청") == []
    assert _spans("서울 02, 04, 05, 07, 08번 버스") == []


def test_a_public_buildings_address_stays() -> None:
    assert _spans("구청 주소가 마포대로 100 맞죠?") == []
    assert _spans("우리 집 주소가 마포대로 100 이에요") == [("address", "마포대로 100")]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # a front half right after the cue, with 앞부분, or a few words between
        ("주민번호 780914 이요", "rrn", "780914"),
        ("주민등록번호 앞부분 780914 입니다", "rrn", "780914"),
        ("주민번호요? 앞에만 불러드릴게요 780914", "rrn", "780914"),
        ("주민등록번호(앞자리): 780914", "rrn", "780914"),
        # the front half and the first back digit with a word between, after a cue
        ("생년월일 780914 다시 2 요", "rrn", "780914 다시 2"),
        ("외국인번호 780914 뒤에 5 예요", "foreigner_rrn", "780914 뒤에 5"),
        ("주민번호 앞자리 칠팔공구일사 뒷자리 첫 번째 이", "rrn", "칠팔공구일사 뒷자리 첫 번째 이"),
        # the halves named the other way round, later in the message
        ("주민번호 뒤 일곱 자리는 2014567 이고 앞은 780914 예요", "rrn", "2014567"),
        # the back half masked whole, or the first digit kept with no dash
        ("주민번호 780914-******* 로 보냈어요", "rrn", "780914-*******"),
        ("주민번호 7809142****** 이요", "rrn", "7809142******"),
    ],
)
def test_resident_number_halves(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _spans(text)


def test_resident_number_look_alikes_stay() -> None:
    # no resident-number word, an impossible date, and a centre that starts like 주민
    assert _spans("회원번호 780914 이요") == []
    assert _spans("주민번호 781314 이요") == []
    assert _spans("주민센터 780914 번 버스") == []
    assert _spans("생년월일 780914 이고 3 남았어요") == []


@pytest.mark.parametrize(
    "text",
    [
        "베트남 여권 번호 B7316402 예요",  # a letter and seven digits
        "중국 여권 EA4027719 이에요",  # two letters and seven digits
        "필리핀 여권 P4417290C 입니다",  # a letter after the digits
        "미국 여권 번호 571203948",  # nine digits
        "여권에 적힌 번호 M 4 0 2 B 7 7 1 9",  # the 2021 format a character at a time
        "여권번호가 엠 잠깐만요 엠 사영이 비 칠칠일구",  # read aloud, a few words after the cue
        "여권 티 사공이칠칠일구",  # another country's length read aloud
    ],
)
def test_passports_of_every_shape(text: str) -> None:
    assert [t for t, _ in _spans(text)] == ["passport"]


def test_passport_look_alikes_stay() -> None:
    assert _spans("여권 발급 접수번호 202612345 예요") == []
    assert _spans("여권 만료일이 20301231 이에요") == []
    assert _spans("공항 수하물 B7316402 찾으러 왔어요") == []  # no 여권 word


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("건보 번호 3-1029384756 요", "health_insurance"),
        ("피보험자 번호 3-1029384756 이요", "health_insurance"),
        ("장기요양 인정번호 L1029384756 입니다", "health_insurance"),
        ("운전면허번호 1219402837 하고 뒤에는 모르겠어요", "driver_licence"),
        ("사업자 번호 앞에 세 자리가 214 이고 전체는 214-31-00482 예요", "business_no"),
        ("카드 번호 4921-****-****-3310 로 결제됐대요", "card"),
        ("카드 4921 77** **** 3310", "card"),
        ("다이너스 카드 3612-345678-9012", "card"),
        ("칠칠사일 이공삼삼 팔팔공일 구일공이 이 카드예요", "card"),
        ("카드 번호 사 구 이 일 / 칠 칠 삼 공 / 팔 팔 일 공 / 구 구 삼 사", "card"),
    ],
)
def test_document_and_card_forms(text: str, kind: str) -> None:
    assert [t for t, _ in _spans(text)] == [kind]


def test_document_and_card_look_alikes_stay() -> None:
    assert _spans("카드 끝 네 자리 3310 이요") == []
    assert _spans("카드 ****-****-****-3310 으로 결제됐어요") == []  # only the last four shown
    assert _spans("면허 시험 접수번호 1120123456 이요") == []
    assert _spans("7016번 버스 차량번호 서울70사3456 기사님 칭찬해요") == []  # a bus's plate
    assert _spans("차량번호 서울 32가 3456 제 차요") == [("car_plate", "서울 32가 3456")]


def test_more_number_forms_and_their_look_alikes() -> None:
    # written groups joined by words, after a bank cue; (at) and (dot) in brackets
    assert _spans("계좌번호요 302 하고 1284 하고 559012 농협") == [
        ("account", "302 하고 1284 하고 559012")]
    assert _spans("메일 minho (at) naver (dot) com") == [
        ("email", "minho (at) naver (dot) com")]
    # an account that starts like a mobile is no phone
    assert _spans("IBK 기업 010-483920-01-017") == [("account", "010-483920-01-017")]
    # a meter's, an exam's and a receipt's numbers stay
    assert _spans("전기 계량기 번호 12-3456789-01") == []
    assert _spans("수험번호 12345678") == []


def test_number_kinds_named_after_the_number_or_worded_around_it() -> None:
    assert _spans("214-87-30952 이 제 사업자 번호예요") == [("business_no", "214-87-30952")]
    assert _spans("3-1029384756 이게 건강보험증 번호예요") == [
        ("health_insurance", "3-1029384756")]
    assert _spans("의료급여 번호 3-1029384756") == [("health_insurance", "3-1029384756")]
    assert _spans("주민번호 앞자리 780914, 뒷자리는 2 로 시작해요") == [
        ("rrn", "780914, 뒷자리는 2")]
    assert _spans("여권 번호 M-40271983 이요") == [("passport", "M-40271983")]
    # an amount with a business number's shape and no cue stays unmasked as one
    assert [t for t, _ in _spans("결제금액 214-87-30952 원")] != ["business_no"]


def test_round22_look_alikes_and_an_applicants_business() -> None:
    # a product's barcode, an office named after its line with its place, a consulate's line
    assert _spans("쓰레기봉투 바코드 8801234567890 이거 가짜인지 확인돼요?") == []
    assert _spans("전화번호 02-3707-9400 서울시청 맞죠") == []
    assert _spans("영사관 전화번호 02-3210-4477 이런 건 어디서 알아요") == []
    # a signboard programme applied for: the applicant's own business number
    assert _spans("간판 교체 지원 사업 신청서에 사업자번호 138-45-01926 적었어요") == [
        ("business_no", "138-45-01926")]
    assert _spans("간판에 적힌 사업자번호 138-45-01926 맞나요") == []
