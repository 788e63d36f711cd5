"""What an agent sees in place of each kind of personal data: the exact masked form, which keeps
only what a caller may be asked to confirm (the last digits, a passport's letter, an e-mail's
domain) and never more. A replacement that keeps one digit too many, or drops the part an agent
confirms with, is a change a user notices."""

from __future__ import annotations

import pytest

from dasan.errors import Invalid
from dasan.text.pii import MAX_TEXT_CHARS, mask

CASES = [
    # (text, masked text, [(type, replacement)])
    ("여권번호는 엠 일 이 삼 사 오 육 칠 팔 입니다", "여권번호는 M****5678 입니다",
     [("passport", "M****5678")]),
    ("여권번호 M12345678 이에요", "여권번호 M****5678 이에요", [("passport", "M****5678")]),
    ("여권은 엠 일 이 삼 에이 사 오 육 칠 이에요", "여권은 M****4567 이에요",
     [("passport", "M****4567")]),
    ("제 메일은 hong.gildong@example.com 입니다", "제 메일은 ho***@example.com 입니다",
     [("email", "ho***@example.com")]),
    ("이메일 kim_93@naver.co.kr 로 보내주세요", "이메일 ki***@naver.co.kr 로 보내주세요",
     [("email", "ki***@naver.co.kr")]),
    ("계좌번호 110-234-567890 신한은행이요", "계좌번호 110-***-***890 신한은행이요",
     [("account", "110-***-***890")]),
    ("국민은행 123456-01-234567 로 입금했어요", "국민은행 123***-**-***567 로 입금했어요",
     [("account", "123***-**-***567")]),
    ("전화번호는 010-2345-6789 예요", "전화번호는 010-****-6789 예요",
     [("phone", "010-****-6789")]),
    ("집 전화 02-312-4567 입니다", "집 전화 02-****-4567 입니다", [("phone", "02-****-4567")]),
    ("공일공 이삼사오 육칠팔구 로 연락주세요", "010-****-6789 로 연락주세요",
     [("phone", "010-****-6789")]),
    ("주민번호 900101-1234568 입니다", "주민번호 900101-1****** 입니다",
     [("rrn", "900101-1******")]),
    ("주민번호는 구공공일공일 다시 일이삼사오육팔 이에요", "주민번호는 900101-1****** 이에요",
     [("rrn", "900101-1******")]),
    ("카드번호 4518-4210-1234-5678 이요", "카드번호 4518-****-****-5678 이요",
     [("card", "4518-****-****-5678")]),
    ("면허번호 11-19-123456-78 입니다", "면허번호 11-19-******-** 입니다",
     [("driver_licence", "11-19-******-**")]),
    ("사업자등록번호 220-81-62517 입니다", "사업자등록번호 220-81-***** 입니다",
     [("business_no", "220-81-*****")]),
    ("건강보험증 번호 5-1234567890 이에요", "건강보험증 번호 *-*******890 이에요",
     [("health_insurance", "*-*******890")]),
    ("차량번호 12가 3456 입니다", "차량번호 12가**** 입니다", [("car_plate", "12가****")]),
    ("서울시 마포구 월드컵로 212 201호에 살아요", "서울시 마포구 월드컵로 *** ***호에 살아요",
     [("address", "서울시 마포구 월드컵로 *** ***호")]),
    ("저는 김민수입니다", "저는 김*수입니다", [("name", "김*수")]),
    ("외국인등록번호 900101-5234567 입니다", "외국인등록번호 900101-5****** 입니다",
     [("foreigner_rrn", "900101-5******")]),
    ("외국인등록번호는 구공공일공일 다시 오이삼사오육칠 이에요",
     "외국인등록번호는 900101-5****** 이에요", [("foreigner_rrn", "900101-5******")]),
    ("주민번호 앞자리 900101 뒷자리 1234568 이에요", "주민번호 앞자리 900101 뒷자리 1****** 이에요",
     [("rrn", "900101 뒷자리 1******")]),
    ("주민번호 900101 뒷자리 5234567 이에요", "주민번호 900101 뒷자리 5****** 이에요",
     [("foreigner_rrn", "900101 뒷자리 5******")]),
    ("연락처 2345-6789 로 주세요", "연락처 ****-6789 로 주세요", [("phone", "****-6789")]),
    ("전화번호 010 2345 6789", "전화번호 010-****-6789", [("phone", "010-****-6789")]),
    ("전화번호가 01023456789 예요", "전화번호가 010-****-6789 예요", [("phone", "010-****-6789")]),
    ("휴대폰 공일공에 이삼사오에 육칠팔구", "휴대폰 010-****-6789", [("phone", "010-****-6789")]),
    ("카드 3782 822463 10005 로 결제했어요", "카드 3782-******-*0005 로 결제했어요",
     [("card", "3782-******-*0005")]),
    ("카드번호 4518 4210 1234 5678", "카드번호 4518-****-****-5678",
     [("card", "4518-****-****-5678")]),
    ("카드번호 4518421012345678", "카드번호 4518-****-****-5678", [("card", "4518-****-****-5678")]),
    ("계좌 1002-345-678901 우리은행", "계좌 1002-***-***901 우리은행",
     [("account", "1002-***-***901")]),
    # a short local part keeps one letter, a longer one two; a spoken domain is written out
    ("메일 ab@naver.com 으로요", "메일 a***@naver.com 으로요", [("email", "a***@naver.com")]),
    ("메일 abc@naver.com 으로요", "메일 ab***@naver.com 으로요", [("email", "ab***@naver.com")]),
    ("이메일은 hong 골뱅이 네이버 닷컴 이에요", "이메일은 ho***@naver.com 이에요",
     [("email", "ho***@naver.com")]),
    ("이메일은 Kim77 골뱅이 Gmail 닷 com 이에요", "이메일은 Ki***@Gmail.com 이에요",
     [("email", "Ki***@Gmail.com")]),
    ("메일은 hong at daum dot net 입니다", "메일은 ho***@daum.net 입니다",
     [("email", "ho***@daum.net")]),
]

# Numbers that are not personal data stay as they are.
LOOK_ALIKES = ["고지서 번호 1102-3344 입니다"]


@pytest.mark.parametrize(("text", "masked", "spans"), CASES, ids=[c[2][0][0] + ":" + c[0][:12]
                                                                   for c in CASES])
def test_each_kind_is_replaced_by_its_exact_masked_form(
        text: str, masked: str, spans: list[tuple[str, str]]) -> None:
    result = mask(text)
    assert result.masked == masked
    assert [(s.type, s.replacement) for s in result.spans] == spans
    for span in result.spans:  # offsets point at the original's personal data
        assert text[span.start:span.end] == span.text
        assert span.replacement not in text


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_a_reference_number_is_not_masked(text: str) -> None:
    assert mask(text).masked == text


def test_the_dictionary_form_carries_the_masked_text_and_each_span_without_the_raw_text() -> None:
    text = "전화번호는 010-2345-6789 예요"
    result = mask(text)
    assert result.to_dict() == {
        "masked": "전화번호는 010-****-6789 예요",
        "spans": [{"type": "phone", "start": 6, "end": 19, "replacement": "010-****-6789"}],
    }
    assert "2345" not in str(result.to_dict())


def test_a_text_at_the_length_limit_is_masked_and_one_over_is_refused_naming_the_limit() -> None:
    head = "전화번호는 010-2345-6789 예요 "
    at_limit = head + "가" * (MAX_TEXT_CHARS - len(head))
    assert len(at_limit) == MAX_TEXT_CHARS
    assert "010-****-6789" in mask(at_limit).masked
    with pytest.raises(Invalid, match=f"limit {MAX_TEXT_CHARS}"):
        mask(at_limit + "가")


def test_a_value_that_is_not_text_is_refused_naming_its_type() -> None:
    with pytest.raises(Invalid, match="not int"):
        mask(12345)  # type: ignore[arg-type]
