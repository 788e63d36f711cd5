"""Issue 12, twelfth round: business numbers, licences, passports and car plates read aloud, as
families (``dasan.text.pii_read_out``): any grouping near the word that names them, before or
after it, each beside a look-alike that must stay."""

from __future__ import annotations

import sys

import pytest

from dasan.config import PROJECT_ROOT
from dasan.text.pii import find

sys.path.insert(0, str(PROJECT_ROOT))  # the shapes' grammar is the benchmark's (bench)
from bench import pii_document_shapes  # noqa: E402


def _spans(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in find(text)]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("사업자등록번호가 7 0 6 다시 4 4 하고 00363예요", "business_no", "7 0 6 다시 4 4 하고 00363"),
        ("일 사 이 오 오 삼 팔 일 공 일 이게 사업자번호예요", "business_no",
         "일 사 이 오 오 삼 팔 일 공 일"),
        ("면허증 번호가 인천 사 오-8 0 8 1 2 2 하고 00예요", "driver_licence",
         "인천 사 오-8 0 8 1 2 2 하고 00"),
        ("166692050522 제 면허번호예요", "driver_licence", "166692050522"),
        ("여권에 적힌 번호가 R 다음에 육오육삼사일사팔요", "passport", "R 다음에 육오육삼사일사팔"),
        ("passport number 씨 공팔공육삼-육영", "passport", "씨 공팔공육삼-육영"),
        ("엠공칠공비 사팔공공 이게 여권번호예요", "passport", "엠공칠공비 사팔공공"),
        ("제 차 번호는 오백칠십구 저 이천팔백사십사입니다", "car_plate", "오백칠십구 저 이천팔백사십사"),
        ("구오 마 사구삼공 차량 주인이에요", "car_plate", "구오 마 사구삼공"),
        ("차량번호 부산368가 이일공이이에요", "car_plate", "부산368가 이일공이"),
    ],
)
def test_documents_read_aloud(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "여권 발급 접수번호 M20241205 로 조회했어요",
        "면허시험장 접수번호 11-2024-000123 이요",
        "법인사업자 서류 문의는 02-3416-9471 확인사항",  # an office's line, no business number
        "차로 삼십 분 걸려요",
        "사업자 세금 1234만 원 냈어요",
    ],
)
def test_document_look_alikes_stay(text: str) -> None:
    assert [k for k, _ in _spans(text) if k in ("passport", "driver_licence", "business_no",
                                                 "car_plate")] == []


def test_every_family_of_the_grammar() -> None:
    results = pii_document_shapes.run(seed=13, per_family=60, show=0)
    assert all(results[f] >= 0.95 for f in pii_document_shapes.FAMILIES), results
    assert results["look-alikes masked"] == 0


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("제 번호가 공일공 칠 칠 이 삼, 그 다음이 사 오 영 구 맞아요", "phone",
         "공일공 칠 칠 이 삼, 그 다음이 사 오 영 구"),
        ("연락처 010_4471_0628", "phone", "010_4471_0628"),
        ("010-7721-53 까지만 기억나요", "phone", "010-7721-53"),
        ("칠십사 가 삼천이백십 렌트카였어요", "car_plate", "칠십사 가 삼천이백십"),
        ("여권 번호는 S, 일, 이, 삼, 디, 사, 오, 육, 칠 이에요", "passport",
         "S, 일, 이, 삼, 디, 사, 오, 육, 칠"),
    ],
)
def test_more_readings_from_set_q(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _spans(text)


def test_an_account_is_no_partial_phone() -> None:
    assert _spans("계좌 187-019-901279") == [("account", "187-019-901279")]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("면허증 번호요 이십일 에 십오 에 삼공칠일팔구 에 영삼", "driver_licence",
         "이십일 에 십오 에 삼공칠일팔구 에 영삼"),
        ("카드번호는 사사삼일 다음에 이팔 공공 그 다음 구일칠삼 마지막 육이공팔", "card",
         "사사삼일 다음에 이팔 공공 그 다음 구일칠삼 마지막 육이공팔"),
        ("체크카드 번호 5310****1937**42 이라고 나와요", "card", "5310****1937**42"),
        ("메일은 에스 오 엔 점 투 쓰리 골뱅이 네이트 점 컴 입니다", "email",
         "에스 오 엔 점 투 쓰리 골뱅이 네이트 점 컴"),
    ],
)
def test_cards_licences_and_mail_read_aloud(text: str, kind: str, value: str) -> None:
    assert (kind, value) in _spans(text)


def test_an_offices_role_address_is_nobodys() -> None:
    assert _spans("문의는 help@seoul.go.kr 로 하라던데 맞나요") == []
    assert _spans("제 메일 help@naver.com 이에요") == [("email", "help@naver.com")]
    assert _spans("면허 딴 지 이십 년 됐어요") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("공 오 일. 오 구 사 하고 사 공 사 칠로 연락 주세요", "공 오 일. 오 구 사 하고 사 공 사 칠"),
        ("집 전화 공 삼 일. 삼 구 칠 대시 오 삼 사 구예요", "공 삼 일. 삼 구 칠 대시 오 삼 사 구"),
        ("연락처 02에 763 다시 육 오 삼 칠요", "02에 763 다시 육 오 삼 칠"),
    ],
)
def test_a_phones_last_digit_said_alone_before_its_particle(text: str, value: str) -> None:
    assert ("phone", value) in _spans(text)


def test_a_word_that_starts_like_a_digit_is_not_read_into_a_phone() -> None:
    spans = _spans("구로구 : 02-867-4598 / 영등포구 : 02-2678-4293")
    assert all("영" not in value for _, value in spans)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("우리 3986 대시 498 대시 403297이에요", "3986 대시 498 대시 403297"),
        ("하나 579 하고 칠팔구일영이 사사팔오구이에요", "579 하고 칠팔구일영이 사사팔오구"),
        ("889618 하고 48 하고 562751 국민 계좌로 부탁드려요", "889618 하고 48 하고 562751"),
        ("통장 번호 8043 하고 10에 1459983", "8043 하고 10에 1459983"),
        ("토스뱅크 계좌번호가 3006 다시 4168 다시 2514인데 예금주는 저예요",
         "3006 다시 4168 다시 2514"),
    ],
)
def test_accounts_in_any_grouping(text: str, value: str) -> None:
    assert ("account", value) in _spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "우리 시 주택정책과(☎ 02-2133-7704)로 연락주시면 됩니다",
        "김천시청 새마을문화관광과 : 054-420-6824",
        "하나 더 여쭤볼게요 2024 12 05 접수했어요",
    ],
)
def test_no_account_in_these(text: str) -> None:
    assert [k for k, _ in _spans(text) if k == "account"] == []
