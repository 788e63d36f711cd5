from __future__ import annotations

from datetime import date

import pytest

from dasan.analytics.filters import Filters, keyword_pattern, month_range, year_range
from dasan.analytics.qtypes import classify_type
from dasan.errors import DomainError


def test_round_trip_through_query_params() -> None:
    f = Filters.from_params({"start": "2024-01-04", "end": "2024-08-31", "channel": "전화,챗봇",
                             "district": "금천구", "program": "기후동행카드", "hour": "9",
                             "qtype": "charging"})
    assert f.channels == ("phone", "chatbot") and f.district == "11545"
    assert Filters.from_params(f.to_params()) == f


@pytest.mark.parametrize("params, message", [
    ({"start": "2024-13-01"}, "start must be YYYY-MM-DD"),
    ({"start": "2024-02-01", "end": "2024-01-01"}, "before start"),
    ({"channel": "fax"}, "unknown channel"),
    ({"district": "99999"}, "unknown district"),
    ({"category": "우주"}, "unknown category"),
    ({"hour": "25"}, "hour must be"),
    ({"agent_id": "x"}, "agent_id must be an integer"),
    ({"qtype": "weather"}, "unknown question type"),
])
def test_bad_filters_raise_clear_errors(params: dict[str, str], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        Filters.from_params(params)


def test_periods() -> None:
    assert month_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert year_range("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    with pytest.raises(DomainError):
        month_range("2024-13")
    with pytest.raises(DomainError):
        year_range("24")


def test_keyword_pattern_ignores_spaces_and_wildcards() -> None:
    assert keyword_pattern("기후 동행카드") == "%기후동행카드%"
    assert keyword_pattern("50%_") == "%50%"
    with pytest.raises(DomainError):
        keyword_pattern("%%")


def test_question_types() -> None:
    assert classify_type("기후동행카드 충전은 어떻게 하나요?") == "charging"
    assert classify_type("기후동행카드는 어디서 발급받나요?") == "issuance"
    assert classify_type("충전한 금액 환불 되나요") == "refund"  # refund wins over charging
    assert classify_type("카드를 분실했어요") == "loss"
    assert classify_type("안녕하세요") == "other"
