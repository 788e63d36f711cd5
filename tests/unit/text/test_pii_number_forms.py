"""Issue 12, ninth round: e-mail and car-plate forms and numbers read out in ways the earlier
rounds missed (Korean glued to an address, spaces or brackets around the @, a local part
spelled in Hangul letters; plates with dashes, a particle after them, the old regional form and
plates read aloud), each beside a look-alike that must stay unmasked."""

from __future__ import annotations

import pytest

from dasan.text.pii import find, mask


def _spans(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in find(text)]


@pytest.mark.parametrize(
    ("text", "value", "masked"),
    [
        ("이메일주소는abc123@gmail.com이에요", "abc123@gmail.com", "ab***@gmail.com"),
        ("메일 mk2020@ naver . com 으로", "mk2020@ naver . com", "mk***@naver.com"),
        ("메일 주소 lee.js (골뱅이) gmail.com", "lee.js (골뱅이) gmail.com", "le***@gmail.com"),
        ("메일 minsu＠naver.com", "minsu＠naver.com", "mi***@naver.com"),
        ("이메일은 에이치 와이 케이 팔팔 골뱅이 지메일 닷컴이요",
         "에이치 와이 케이 팔팔 골뱅이 지메일 닷컴", "에이***@gmail.com"),
    ],
)
def test_email_forms(text: str, value: str, masked: str) -> None:
    result = mask(text)
    assert _spans(text) == [("email", value)]
    assert masked in result.masked


def test_email_look_alikes_stay() -> None:
    # a sentence end after a domain is not part of it; a spelled word with no @ is no address
    assert _spans("메일은 a@b.com. Thanks") == [("email", "a@b.com")]
    assert _spans("에이 비 씨 순서로 정리했어요") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("차량 번호 12-가-3456", "12-가-3456"),
        ("차량번호 12가-3456", "12가-3456"),
        ("차번호 34너 5678이요", "34너 5678"),
        ("차 번호가 12가 3456번이에요", "12가 3456"),
        ("차량번호가 32다 8890인 차", "32다 8890"),
        ("차 번호는 12 가에 3456", "12 가에 3456"),
        ("차량 번호가 서울 가 1234 인데요", "서울 가 1234"),
        ("오토바이 번호 서울강남 가 1234", "서울강남 가 1234"),
        ("차량 번호 일이가 삼사오육", "일이가 삼사오육"),
    ],
)
def test_car_plate_forms(text: str, value: str) -> None:
    assert _spans(text) == [("car_plate", value)]


def test_car_plate_look_alikes_stay() -> None:
    # an amount after the letter-digit shape, and spoken digits with no vehicle word
    assert [t for t, _ in _spans("12가 3456원 나왔어요")] == []
    assert [t for t, _ in _spans("일이가 삼사오육 해서 계산했어요")] == []
    # the old regional form only after a vehicle word
    assert _spans("서울 가 1234 정도 걸려요") == []


def test_numbers_read_with_pauses_and_words_between_halves() -> None:
    assert _spans("아 번호가요, 공일공… 구구사삼… 이일육팔이요") == [
        ("phone", "공일공… 구구사삼… 이일육팔")]
    assert _spans("생년월일 880303 이고 뒷번호는 2567123 이요") == [
        ("rrn", "880303 이고 뒷번호는 2567123")]
    # a one-digit last group is an account only after a bank word
    assert _spans("새마을금고 9002-1938-4472-1 이요") == [("account", "9002-1938-4472-1")]
    assert _spans("접수 9002-1938-4472-1 건") == []


def test_a_partial_resident_number_after_a_cue_or_before_stars() -> None:
    assert _spans("주민번호 770205-2로 시작해요") == [("rrn", "770205-2")]
    assert _spans("외국인등록번호 앞에가 010419-5이에요") == [("foreigner_rrn", "010419-5")]
    assert _spans("881012-1****** 로 가려서 보냈어요") == [("rrn", "881012-1******")]
    # a date and a count with no cue, and an impossible date after one, stay
    assert _spans("2024년 보고서 770205-2 페이지") == []
    assert _spans("주민번호 771340-2로 시작") == []


def test_a_road_whose_name_ends_like_a_particle_after_its_district() -> None:
    spans = _spans("성동구 성수이로 7길 27 서울숲 엠타워 907호")
    assert spans[0] == ("address", "성동구 성수이로 7길 27")
    # with no district, 이로 is still read as a particle
    assert _spans("이쪽 길이로 3 번 가면 돼요") == []


def test_one_half_of_a_resident_number_after_its_name() -> None:
    assert _spans("주민번호 앞자리는 850101이에요") == [("rrn", "850101")]
    assert _spans("주민번호 뒷자리 1234567이요") == [("rrn", "1234567")]
    assert _spans("주민번호 850101의 1234567") == [("rrn", "850101의 1234567")]
    # both halves after 앞자리/뒷자리: one span of the whole number, of the right kind
    assert _spans("등록번호 앞자리 950130 뒷자리 7012348") == [
        ("foreigner_rrn", "950130 뒷자리 7012348")]
    # an impossible date, or no resident-number word: no half
    assert _spans("주민번호 앞자리는 851301이에요") == []
    assert _spans("회원번호 앞자리는 850101이에요") == []


def test_a_dash_typed_as_the_hangul_vowel() -> None:
    assert _spans("핸드폰 010ㅡ1234ㅡ5678") == [("phone", "010ㅡ1234ㅡ5678")]
