"""Issue 12, eleventh round: number families in shapes a blind writer may use - a 주민번호 read
in odd groups or a few words after its name, the halves joined by more than one word, plates read
a digit at a time or with a copula after them, passports with grouped digits, the letter O typed
for a zero, 대시/그리고 between spoken phone groups - each beside a look-alike that must stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _spans(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in find(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # read aloud in any grouping, a word or two after the cue
        ("주민번호가요 칠구 공삼 일이 이 사오육칠팔구", "rrn", "칠구 공삼 일이 이 사오육칠팔구"),
        ("주민등록번호 말씀드리면 790312 2 456789", "rrn", "790312 2 456789"),
        ("외국인등록번호는요 팔일공칠이오 육일이삼사오칠", "foreigner_rrn",
         "팔일공칠이오 육일이삼사오칠"),
        # the halves joined by more than one word
        ("주민번호요? 790312에 다시 2456789", "rrn", "790312에 다시 2456789"),
        ("주민번호 790312 그리고 뒤에 2456789", "rrn", "790312 그리고 뒤에 2456789"),
        # the front half and the first back digit: 뒤에 첫자리 1
        ("주민번호 앞자리 790312 뒤에 첫자리 2", "rrn", "790312 뒤에 첫자리 2"),
    ],
)
def test_resident_numbers_in_odd_groups(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _spans(text)


def test_resident_number_look_alikes_stay() -> None:
    assert _spans("접수번호 790312-2456789 로 조회해 주세요") == []
    # thirteen digits after the cue whose first six are no date
    assert _spans("주민번호 칠구 일삼 일이 이 사오육칠팔구") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("차량번호 삼사오더 칠칠일이요", "삼사오더 칠칠일이"),  # a copula after the digits
        ("차량번호 사 오 너 일 이 삼 사", "사 오 너 일 이 삼 사"),  # a syllable at a time
        ("차 번호는 45 너 1 2 3 4 예요", "45 너 1 2 3 4"),  # digits one at a time
        ("제 차 번호 45너 12 34", "45너 12 34"),  # in pairs
    ],
)
def test_plates_in_more_shapes(text: str, value: str) -> None:
    assert _spans(text) == [("car_plate", value)]


def test_plate_look_alikes_stay() -> None:
    assert _spans("버스 45번 타고 12 34 정류장") == []
    assert _spans("12가 34 56원 결제했어요") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Passport: FA 402 7719", "FA 402 7719"),
        ("여권 번호 M.4027.7193", "M.4027.7193"),
        ("여권번호 영문 M에 숫자 40277193", "M에 숫자 40277193"),
    ],
)
def test_passports_with_grouped_digits(text: str, value: str) -> None:
    assert _spans(text) == [("passport", value)]


def test_passport_look_alikes_stay() -> None:
    assert _spans("접수번호 M40277193 으로 확인됩니다") == []
    assert _spans("여권 수수료 53,000원 냈어요") == []


def test_letter_o_for_zero_and_worded_phone_groups() -> None:
    assert _spans("연락처 O1O-4027-7193") == [("phone", "O1O-4027-7193")]
    assert _spans("공일공 대시 사공이칠 대시 칠일구삼") == [("phone", "공일공 대시 사공이칠 대시 칠일구삼")]
    assert _spans("공일공에 사공이칠, 그리고 칠일구삼") == [("phone", "공일공에 사공이칠, 그리고 칠일구삼")]
    # an O in a word or a model name stays a letter
    assert _spans("CO2 배출량 4027 톤") == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # the front half and the first back digit written together after the cue
        ("제 주민번호 7903122 뒤는 안 알려드려요", "rrn", "7903122"),
        # the front half after 앞에, a few words after the cue
        ("주민번호 뒤는 곤란하고 앞에 790312 만요", "rrn", "790312"),
        # the front half said in groups, then the first back digit
        ("주민번호 앞에 칠구 공삼 일이 하고 뒤에 첫자리 이", "rrn", "칠구 공삼 일이 하고 뒤에 첫자리 이"),
        # thirteen digits after 생년월일 and a few words
        ("생년월일하고 뒷자리까지 말할게요 칠구공삼일이 다시 이사오육칠팔구", "rrn",
         "칠구공삼일이 다시 이사오육칠팔구"),
    ],
)
def test_resident_number_halves_in_more_positions(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _spans(text)


def test_a_birth_date_alone_stays() -> None:
    assert _spans("생년월일 칠구 공삼 일이 요") == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("사업자 번호가 일 일 칠 다시 팔 이 다시 사 사 공 구 삼 이에요", "business_no",
         "일 일 칠 다시 팔 이 다시 사 사 공 구 삼"),
        ("건강보험증 번호요? 삼 다시 일공구삼팔팔이사칠공", "health_insurance",
         "삼 다시 일공구삼팔팔이사칠공"),
        ("면허 번호 일일 이삼 사오육칠팔구 공일", "driver_licence", "일일 이삼 사오육칠팔구 공일"),
        ("계좌는 신한 일일공 다시 삼사오 다시 육칠팔구공일", "account", "일일공 다시 삼사오 다시 육칠팔구공일"),
    ],
)
def test_document_numbers_read_out_in_odd_groups(text: str, kind: str, value: str) -> None:
    assert _spans(text) == [(kind, value)]


def test_read_out_case_numbers_stay() -> None:
    assert _spans("계좌 입금 접수번호 일이삼 사오육 칠팔구공") == []
    assert _spans("사업자 분들 오늘 이 시 다시 사 시 교육 있어요") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("차번호 삼십육 하 오천이백삼십일 렌트카예요", "삼십육 하 오천이백삼십일"),
        ("차량 번호는 백이십삼 가 사천오백육십칠이에요", "백이십삼 가 사천오백육십칠"),
        ("제 차는 서울 4 5 다 8 8 2 7 이에요", "서울 4 5 다 8 8 2 7"),
    ],
)
def test_plates_said_as_numbers_or_spaced_with_a_region(text: str, value: str) -> None:
    assert _spans(text) == [("car_plate", value)]


def test_numbers_said_in_words_without_a_vehicle_stay() -> None:
    assert _spans("이십육 가구 오천이백 명이 신청했어요") == []


def test_more_spoken_email_and_passport_forms() -> None:
    assert _spans("메일은 kjh4410 이고 골뱅이 한메일 닷넷이요") == [
        ("email", "kjh4410 이고 골뱅이 한메일 닷넷")]
    assert _spans("메일 abc12 골뱅이 daum 쩜 net") == [("email", "abc12 골뱅이 daum 쩜 net")]
    assert _spans("여권번호 불러 드릴게요 K, 8, 4, 7, 1, 9, 0, 2") == [
        ("passport", "K, 8, 4, 7, 1, 9, 0, 2")]


def test_a_landline_said_to_be_ones_own_after_an_office_word() -> None:
    assert _spans("팩스 02-6941-3385 로 보낼게요 저희 집 팩스예요") == [("phone", "02-6941-3385")]
    assert _spans("구청 팩스 02-6941-3385 로 보내 주세요") == []


def test_phones_said_as_numbers_or_without_an_area_code() -> None:
    assert _spans("공일공 천이백삼십사 오천육백칠십팔 이요") == [
        ("phone", "공일공 천이백삼십사 오천육백칠십팔")]
    assert _spans("집 전화 이삼사오 육칠팔구요") == [("phone", "이삼사오 육칠팔구")]
    assert _spans("010 ー 4027 ー 7193") == [("phone", "010 ー 4027 ー 7193")]
    # an office's line, a case number and a year stay
    assert _spans("구청 전화 이삼사오 육칠팔구") == []
    assert _spans("접수번호 일이삼사 오육칠팔") == []
    assert _spans("전화번호 바뀐 게 이천이십사 년이에요") == []


def test_plates_after_more_vehicle_words() -> None:
    assert _spans("승용차 일이삼 허 사오육칠") == [("car_plate", "일이삼 허 사오육칠")]
    assert _spans("오토바이 번호 서울 강남 가 1234") == [("car_plate", "서울 강남 가 1234")]
    assert _spans("차 마시러 삼사 나 오육칠팔 카페") == []  # 삼사 나: no vehicle word before


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("주민번호 앞의 여섯 자리 790312", "790312"),
        ("주민번호 앞자리만요 790312", "790312"),
        ("주민번호 끝자리 2456789", "2456789"),
    ],
)
def test_a_resident_number_half_after_more_names_for_it(text: str, value: str) -> None:
    assert _spans(text) == [("rrn", value)]


def test_a_half_after_a_case_number_word_stays() -> None:
    assert _spans("접수번호 끝자리 2456789") == []


def test_an_address_with_its_numbers_read_aloud() -> None:
    assert [t for t, _ in _spans("주소는 성북구 정릉로 삼십육 길 이십일이요")] == ["address"]
    assert [t for t, _ in _spans("관악구 봉천동 칠팔구 다시 십이 번지예요")] == ["address"]
    # words made of digit syllables, and counts, after a district stay
    assert _spans("강남구 역삼동 이사 왔어요") == []
    assert _spans("송파구 잠실동 삼십 분 걸려요") == []
