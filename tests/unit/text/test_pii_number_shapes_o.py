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
