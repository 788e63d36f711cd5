from __future__ import annotations

import pytest

from dasan.errors import DomainError
from dasan.text.pii import PII_TYPES, find, mask


def _types(text: str) -> list[str]:
    return [s.type for s in mask(text).spans]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("제 번호는 010-1234-5678이에요", "제 번호는 010-****-5678이에요"),
        ("01012345678로 연락 주세요", "010-****-5678로 연락 주세요"),
        ("010 1234 5678", "010-****-5678"),
        ("010.1234.5678", "010-****-5678"),
        ("집 전화 02-123-4567", "집 전화 02-****-4567"),
        ("(031) 123-4567", "031-****-4567"),
        ("+82 10-9876-5432", "010-****-5432"),
        ("공일공 일이삼사 오육칠팔로 전화 주세요", "010-****-5678로 전화 주세요"),
        ("공일공에 일이삼사에 오육칠팔이에요", "010-****-5678이에요"),
    ],
)
def test_phone_forms_are_masked_readably(text: str, masked: str) -> None:
    result = mask(text)
    assert result.masked == masked
    assert [s.type for s in result.spans] == ["phone"]


def test_rrn_and_foreigner_number() -> None:
    r = mask("주민번호 901231-1234567 입니다")
    assert r.masked == "주민번호 901231-1****** 입니다"
    assert r.spans[0].type == "rrn"
    f = mask("외국인등록번호 850505-5123456")
    assert f.spans[0].type == "foreigner_rrn"
    assert f.masked.endswith("850505-5******")
    # not a date: 13 digits that cannot be a birth date are not an RRN
    assert "rrn" not in _types("주문번호 991399-1234567")


def test_card_account_email_plate() -> None:
    r = mask("카드 1234-5678-9012-3456, 국민은행 123456-78-901234, hong@example.com, 12가3456")
    assert [s.type for s in r.spans] == ["card", "account", "email", "car_plate"]
    assert "1234-****-****-3456" in r.masked
    assert "5678" not in r.masked.split(",")[0].replace("3456", "")
    assert "ho***@example.com" in r.masked
    assert "12가****" in r.masked
    assert "901234" not in r.masked


def test_bare_account_needs_bank_context() -> None:
    assert _types("농협 계좌 3021234567891로 보냈어요") == ["account"]
    assert _types("접수번호 3021234567891 입니다") == []


def test_addresses_keep_region_and_hide_numbers() -> None:
    r = mask("서울시 강남구 테헤란로 123에 살아요")
    assert r.masked == "서울시 강남구 테헤란로 ***에 살아요"
    assert r.spans[0].type == "address"
    assert mask("역삼동 123-45번지").masked == "역삼동 ***-***번지"
    assert mask("래미안아파트 101동 1203호").masked == "래미안아파트 ***동 ***호"


def test_names_only_with_context() -> None:
    assert mask("제 이름은 홍길동입니다").masked == "제 이름은 홍*동입니다"
    assert mask("성함이 이영희예요").masked == "성함이 이*희예요"
    assert mask("김민수 씨가 신청했어요").masked == "김*수 씨가 신청했어요"
    assert _types("저는 학생입니다") == []
    assert _types("상담사님 감사합니다") == []


@pytest.mark.parametrize(
    "text",
    [
        "버스로 10분 걸려요",
        "2024-01-05에 신청했습니다",
        "지하철 2호선으로 3번 출구",
        "1588-1234로 전화했어요",
        "120에 전화했어요",
        "기후동행카드 충전은 어디서 하나요?",
        "금액은 35,000원입니다",
    ],
)
def test_ordinary_numbers_are_left_alone(text: str) -> None:
    assert mask(text).masked == text


def test_spans_point_into_the_original() -> None:
    text = "연락처 010-1111-2222 / 이메일 a.b@test.kr"
    for span in find(text):
        assert text[span.start:span.end] == span.text
        assert span.type in PII_TYPES


def test_type_filter_and_bad_input() -> None:
    text = "010-1234-5678 hong@example.com"
    assert [s.type for s in mask(text, {"email"}).spans] == ["email"]
    with pytest.raises(DomainError, match="unknown PII types"):
        mask(text, {"visa"})
    with pytest.raises(DomainError, match="must be a string"):
        mask(None)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="too long"):
        mask("가" * 200_000)


def test_split_rrn_apartment_particle_compound_surname_and_case_numbers() -> None:
    r = mask("주민번호 앞자리 880101 뒷자리 1234567 입니다")
    assert [s.type for s in r.spans] == ["rrn"] and "1234567" not in r.masked
    assert mask("힐스테이트아파트 116동 2255호에 거주합니다").masked.startswith(
        "힐스테이트아파트 ***동 ***호에"
    )
    assert mask("남궁민수라고 합니다").masked == "남**수라고 합니다"
    assert mask("제 이름은 이하린이고요").masked == "제 이름은 이*린이고요"
    assert _types("접수번호 2024-0012345 조회") == []
    assert _types("문제라고 합니다") == []
