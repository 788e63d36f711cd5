"""Round 19 (numbers and addresses): families written from probes in new words, not from any
set's items. Each family test fails on the masker before the round (9717dbb)."""

from __future__ import annotations

import pytest

from dasan.text import pii, pii_parts


def _typed(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start:s.end]) for s in pii.find(text)]


def _of(text: str, kind: str) -> list[str]:
    return [said for t, said in _typed(text) if t == kind]


def _covered(text: str, kind: str, value: str) -> bool:
    at = text.index(value)
    return any(s.type == kind and s.start < at + len(value) and at < s.end
               for s in pii.find(text))


# --- a number said in parts, whatever words stand between them --------------------------------

@pytest.mark.parametrize(("text", "kind", "value"), [
    # a licence's parts named (지역이, 연도가, 가운데가, 마지막 두 개가) and joined by clause endings
    ("면허증 번호요 지역이 12 고 연도가 07 이고 가운데가 551903 이고 마지막 두 개가 44 예요",
     "driver_licence", "12 고 연도가 07 이고 가운데가 551903 이고 마지막 두 개가 44"),
    ("제 면허 번호가 일육 하고요 이공 하고요 칠칠팔일삼공 하고요 공오 이거예요",
     "driver_licence", "일육 하고요 이공 하고요 칠칠팔일삼공 하고요 공오"),
    ("운전면허증 번호 21-93 에 그다음 408812 그리고 끝이 70 입니다",
     "driver_licence", "21-93 에 그다음 408812 그리고 끝이 70"),
    # the kind named after the number
    ("번호는 일일 다시 구일 다시 삼팔사이칠일 다시 오오 이게 제 운전면허예요",
     "driver_licence", "일일 다시 구일 다시 삼팔사이칠일 다시 오오"),
    # tens said as numbers (이십팔 하고 구십 ...)
    ("면허 번호가요 이십팔 하고 구십 하고 칠칠칠공일일 하고 삼일 이에요",
     "driver_licence", "이십팔 하고 구십 하고 칠칠칠공일일 하고 삼일"),
    # a business number's parts named, the last part first
    ("사업자번호 앞 세 자리가 206 이고 가운데 81 이고 뒤가 40917 이에요 제 가게요",
     "business_no", "40917"),
    ("사업자 번호 뒤에 다섯 개 먼저요 삼구사공일 그리고 앞에는 이공칠 팔일",
     "business_no", "삼구사공일"),
    ("건강보험 증번호 일 다음 이삼사오 다음 육칠팔구공 이요",
     "health_insurance", "일 다음 이삼사오 다음 육칠팔구공"),
    ("계좌 번호 불러 드릴게요 우리은행 일공공이 에 삼사오 에 육칠팔구공일",
     "account", "일공공이 에 삼사오 에 육칠팔구공일"),
])
def test_a_number_in_parts_takes_the_kind_named_nearest(text: str, kind: str, value: str) -> None:
    assert _covered(text, kind, value)


def test_each_part_is_masked_and_the_words_between_stay() -> None:
    text = "면허증 번호요 지역이 12 고 연도가 07 이고 가운데가 551903 이고 마지막 두 개가 44 예요"
    masked = pii.mask(text).masked
    assert "지역이 ** 고 연도가 ** 이고 가운데가 ****** 이고 마지막 두 개가 ** 예요" in masked


def test_a_number_said_over_two_turns_is_one_number() -> None:
    text = "상담사: 카드 번호 말씀해 주세요\n고객: 오사이일 다음에 삼삼구삼\n고객: 그리고 칠일칠육 하고 팔공팔이"
    assert _covered(text, "card", "오사이일") and _covered(text, "card", "팔공팔이")


def test_with_no_word_the_grouping_and_its_check_decide() -> None:
    # 3-2-5 with the business number's check digit right, joined by 다시 (no word names it)
    assert _of("네 215 다시 87 다시 00113 조회해 주세요", "business_no") == ["215", "87", "00113"]
    # the same shape with a wrong check digit is nobody's
    assert _of("네 215 다시 87 다시 00112 조회해 주세요", "business_no") == []


@pytest.mark.parametrize("text", [
    "카드 결제 금액이 12만 원 이고 할부는 3 개월 이요",
    "면허 시험 점수가 필기 85 고 실기 90 이에요",
    "사업자 등록한 게 2019 년 이고 직원은 12 명이에요",
    "전화했는데 1 번 누르고 다음에 3 번 누르고 그 다음 0 번 눌렀어요",
    "계좌번호 말고 고객번호 12 34 56 78 90 이에요",
    "접수번호 2026 다시 1204 다시 00381 맞으시죠",
    "계좌에서 10000 원 하고 20000 원 하고 30000 원 빠져나갔어요",
    "보험 가입 연도 2015 그리고 만기 2035 예요",
    "면허 갱신 기간이 2025 다음에 2035 년이라네요",
    "택배 운송장 4471 다음에 2093 다음에 1185 이요",
    "주차권 번호 4471-2093-118 인데 할인 적용이 안 됐어요",
    "주민센터 대표번호 02 다시 2148 다시 1234 로 걸었어요",
])
def test_look_alikes_in_parts_stay(text: str) -> None:
    assert [t for t, _ in _typed(text) if t in pii.NUMBER_TYPES] == []


# --- the backstop: a number in parts nothing found, near its kind's name -------------------------

def test_backstop_masks_a_number_with_a_digit_too_many_by_its_kind() -> None:
    # eleven digits after 면허 (a licence has twelve): still the caller's licence
    text = "면허 번호 일일 이고 구일 이고 삼팔사이칠 이고 오오 요"
    found = list(pii_parts.backstop(text, []))
    parts = ["일일", "구일", "삼팔사이칠", "오오"]
    assert [(k, text[s:e]) for k, s, e, _ in found] == [("driver_licence", p) for p in parts]
    assert _of(text, "driver_licence") == parts
    # ... and nothing where something was found
    assert list(pii_parts.backstop(text, [("name", 6, 8, "*")])) == []


def test_backstop_types_a_birth_date_begun_as_a_resident_number() -> None:
    text = "삼일공육일사 다시 이오육칠... 아 잠깐만요 카드 보고 읽을게요"
    assert {k for k, *_ in pii_parts.backstop(text, [])} == {"rrn"}


def test_backstop_leaves_an_office_line_and_amounts() -> None:
    assert list(pii_parts.backstop("주민센터 대표번호 02 다시 2148 다시 1234 로 걸었어요", [])) == []
    assert list(pii_parts.backstop("계좌에 1000 하고 2000 하고 300000 원 있어요", [])) == []


# --- plates, addresses ------------------------------------------------------------------------

def test_a_plate_read_in_parts_joined_by_daeum() -> None:
    text = "차 번호 삼오팔 다음에 허 다음에 일이칠칠 이요"
    assert _of(text, "car_plate") == ["삼오팔 다음에 허 다음에 일이칠칠"]


@pytest.mark.parametrize(("text", "value"), [
    ("저 사는 곳 도봉구 방학동 그 우체국 뒷골목 18-4 예요", "도봉구 방학동 그 우체국 뒷골목 18-4"),
    ("우리 집은 마포구 망원동 새마을금고 옆 골목 33-12 이에요", "마포구 망원동 새마을금고 옆 골목 33-12"),
])
def test_a_lot_said_by_a_landmarks_lane(text: str, value: str) -> None:
    assert _of(text, "address") == [value]


@pytest.mark.parametrize("text", [
    "상담원 안내대로 02 누르고 기다렸어요",
    "말씀대로 3 번 창구로 갔어요",
    "주가가 92달러로 5 퍼센트 올랐다",
    "채권 수익률로 1-3 년물이 올랐다",
    "망원동 골목 2 개를 지나서 왼쪽이에요",
])
def test_words_before_a_number_are_no_road(text: str) -> None:
    assert _of(text, "address") == []


# --- groups said as numbers, e-mail and plate forms --------------------------------------------

@pytest.mark.parametrize(("text", "kind", "value"), [
    ("사업자 번호 사백십팔 다시 이십일 다시 구공칠삼삼", "business_no", "사백십팔"),
    ("신용카드 번호 사천이백일 칠천칠백칠십칠 삼천삼백삼십삼 일천일백일십일", "card", "일천일백일십일"),
])
def test_groups_said_as_numbers(text: str, kind: str, value: str) -> None:
    assert _covered(text, kind, value)


@pytest.mark.parametrize("text", [
    "카드로 삼천오백 원 하고 이천 원 그리고 사백 원 결제했어요",
    "통장 잔고 사백삼십이만 칠천 원 이고 이자 삼천이백 원",
    "카드 한 장에 오천 원 이고 두 장에 구천 원 그리고 세 장에 만 삼천 원",
    "건강보험료 이십삼만 사천 원 하고 장기요양 이만 칠천 원",
])
def test_amounts_said_as_numbers_stay(text: str) -> None:
    assert [t for t, _ in _typed(text) if t in pii.NUMBER_TYPES] == []


def test_an_email_with_joining_words_after_the_at() -> None:
    text = "이메일은 smile 그리고 숫자 구구 그리고 골뱅이 그리고 gmail 이요"
    assert _of(text, "email") == ["smile 그리고 숫자 구구 그리고 골뱅이 그리고 gmail"]


def test_an_email_id_after_words_about_it() -> None:
    assert _of("메일은 제 이름 영문으로 jiwoo.han 이고 지메일이에요", "email") == ["jiwoo.han"]
    # not a service named as if it were the ID, nor a title's word
    assert _of("메일은 보통 naver 쓰고 gmail 도 써요", "email") == []
    assert _of("메일 제목에 report_2026 이라고 쓰고 네이버 카페에 올렸어요", "email") == []


def test_a_temporary_plate() -> None:
    text = "임시번호판이라 임시 경기 45-7821 이렇게 돼 있어요"
    assert _of(text, "car_plate") == ["임시 경기 45-7821"]
    assert _of("임시 공휴일 5월 1일에 주민센터 하나요", "car_plate") == []


# --- a number over turns, or broken by a pause --------------------------------------------------

def test_a_number_over_turns_with_the_other_speakers_yes_between() -> None:
    text = "고객: 계좌번호가요 국민 사칠이 공일\n상담사: 네\n고객: 공오팔팔 일구삼 이요"
    assert _covered(text, "account", "사칠이 공일") and _covered(text, "account", "공오팔팔 일구삼")
    text = "고객: 사업자번호 삼일오\n고객: 팔칠\n고객: 이이구공사 요"
    assert _of(text, "business_no") == ["삼일오", "팔칠", "이이구공사"]


def test_a_number_broken_by_a_pause() -> None:
    text = "면허번호 일이 다시 일칠... 잠시만요 지갑 좀 꺼내고요 ... 사삼일구팔공 다시 일일"
    assert _covered(text, "driver_licence", "일칠") and _covered(text, "driver_licence", "사삼일구팔공")


def test_a_part_said_again_after_a_pause_replaces_the_first() -> None:
    text = "면허번호 11 다시 20 다시 337 ... 잠깐 만요 337 이 아니고"
    chains = [[r.digits for r in c] for c in pii_parts._chains(text)]
    assert ["11", "20", "3372"] in chains or ["11", "20", "337"] in chains


def test_no_pause_across_a_question_or_another_numbers_word() -> None:
    text = "카드 일이삼사 오육칠팔... 잠시만요 전화번호가 구공일이 삼사오육 이에요"
    assert [t for t, _ in _typed(text) if t == "card"] == []


def test_a_lot_typed_with_no_space() -> None:
    assert _of("마포구망원동123-4 로 보내주세요", "address") == ["마포구망원동123-4"]
    assert _of("연구실험동 12 층", "address") == []
    assert _of("마포구망원동 가는 버스 7016", "address") == []


def test_a_front_half_then_the_back_in_parts_with_no_numbers_name() -> None:
    text = "신분증에 나온 번호가 육팔공일일이 에 이 하고 나머지 칠칠팔팔구구"
    assert _covered(text, "rrn", "육팔공일일이") and _covered(text, "rrn", "칠칠팔팔구구")
    # not a birth date: nothing
    assert _of("신분증에 나온 번호가 육팔공일사이 에 이 하고 나머지 칠칠팔팔구구", "rrn") == []


def test_a_masked_back_half_with_a_star_too_many() -> None:
    assert _of("신청인 정보 / 주민: 920417-2******* / 끝", "rrn") == ["920417-2*******"]


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("사업자 번호 123ㅡ45ㅡ67890", "business_no", "123ㅡ45ㅡ67890"),
    ("면허 번호 11/19/384756/20", "driver_licence", "11/19/384756/20"),
])
def test_separators_a_keyboard_types_between_a_documents_groups(
        text: str, kind: str, value: str) -> None:
    assert _of(text, kind) == [value]


def test_a_date_with_slashes_is_no_document() -> None:
    assert [t for t, _ in _typed("2026/12/05 면허 갱신했어요")] == []


def test_a_passport_read_over_turns() -> None:
    text = "상담사: 여권번호 불러주세요 / 고객: M / 고객: 칠칠공 일일삼 사오"
    assert _of(text, "passport") == ["M / 고객: 칠칠공 일일삼 사오"]
    assert _of("상담사: 여권번호 불러주세요\n고객: M\n고객: 12345678", "passport") == [
        "M\n고객: 12345678"]
    # a turn about something else ends it
    assert _of("여권 번호 말씀해 주세요 / 전화 주세요 010-1234-5678", "passport") == []
