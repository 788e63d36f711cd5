"""The small checks inside the masker, each against cases worked out by hand from its rule
(Luhn, birth dates with the century digit, the business-number check digit, what stays visible
of an account or a phone)."""

from __future__ import annotations

import pytest

from dasan.text.pii import _luhn, _mask_account, _valid_birth, mask
from dasan.text.pii_documents import business_check_ok


@pytest.mark.parametrize("number", ["4111111111111111", "5500005555555559", "378282246310005",
                                    "6011111111111117", "79927398713", "0", "18", "59"])
def test_luhn_accepts_valid_numbers(number: str) -> None:
    assert _luhn(number)


@pytest.mark.parametrize("number", ["4111111111111112", "79927398710", "79927398714", "1",
                                    "19", "92", "5500005555555558"])
def test_luhn_rejects_invalid_numbers(number: str) -> None:
    assert not _luhn(number)


@pytest.mark.parametrize(("birth", "gender", "ok"), [
    ("960229", "1", True), ("960229", "2", True), ("960229", "5", True), ("960229", "6", True),
    ("040229", "3", True), ("040229", "4", True), ("040229", "7", True), ("040229", "8", True),
    ("960229", "9", True), ("960229", "0", True),  # 1896 was a leap year
    ("000229", "3", True),  # 2000 was a leap year ...
    ("000229", "1", False), ("000229", "9", False),  # ... 1900 and 1800 were not
    ("970229", "1", False), ("991301", "1", False), ("990132", "2", False), ("990431", "1", False),
])
def test_birth_dates_follow_the_century_digit(birth: str, gender: str, ok: bool) -> None:
    assert _valid_birth(birth, gender) is ok


def test_business_check_digit() -> None:
    for real in ("1248100998", "1078614075", "2208162517"):  # published company numbers
        assert business_check_ok(real)
        assert not business_check_ok(real[:-1] + str((int(real[-1]) + 1) % 10))
    assert business_check_ok("1000000090")  # check digit 0 (10 - 0 would be 10)
    assert not business_check_ok("123") and not business_check_ok("12345678ab")


@pytest.mark.parametrize(("raw", "masked"), [
    ("110-234-567890", "110-***-***890"),
    ("1002-345-678901", "1002-***-***901"),
    ("12345-67-890123", "123**-**-***123"),
    ("3020123456781", "302*******781"),
])
def test_account_keeps_head_group_and_three_tail_digits(raw: str, masked: str) -> None:
    assert _mask_account(raw) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("집은 공이 팔칠일 삼삼사공 이에요", "집은 02-****-3340 이에요"),
    ("사무실 공삼일 칠칠이 사사일공 입니다", "사무실 031-****-4410 입니다"),
    ("공일공 일이삼사 오육칠팔", "010-****-5678"),
    ("공이 삼사오육 칠팔구공", "02-****-7890"),
])
def test_spoken_phone_replacements(text: str, masked: str) -> None:
    assert mask(text).masked == masked
