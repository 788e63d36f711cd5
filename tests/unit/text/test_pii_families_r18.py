"""Issue 12, session 20, eighteenth round (numbers): shapes the rules never saw, written from
tune sets X1's and Z1's misses and false masks as families, with probes in other words - a
document number in any shape after the kind that names it, a form's example, whose number it is
(a company's, an office's), and numbers joined by words no rule expected."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _numbers(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in find(text) if s.type not in ("name", "address")]


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        # a passport mixing letters and digits in a country's own way, after its word
        ("여권 번호는 K27R40915 예요 스리랑카 여권입니다", "passport", "K27R40915"),
        ("제 여권이요 AB3C84721 이거 맞아요", "passport", "AB3C84721"),
        # eight digits named as a passport (Nepal, India)
        ("네팔 여권인데 번호가 39184402 이에요", "passport", "39184402"),
        # a health-insurance number of twelve digits, written or read in groups
        ("건강보험증 번호가 31-4820917365 로 돼 있어요", "health_insurance", "31-4820917365"),
        ("건강보험 번호 불러요 칠공일팔 이이 삼구공 사오육 이요", "health_insurance",
         "칠공일팔 이이 삼구공 사오육"),
        # groups of a business number joined by 쩜
        ("사업자 번호는 삼일이 쩜 오칠 쩜 구공사사일 입니다", "business_no",
         "삼일이 쩜 오칠 쩜 구공사사일"),
    ],
)
def test_a_document_number_after_its_kind_takes_that_kind(text: str, kind: str,
                                                           number: str) -> None:
    assert (kind, number) in _numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        # a date after the passport's word is no passport
        "여권 만료일이 20310415 인데 연장해야 하나요",
        # a form's example, named before it or asked about as a kind
        "신청서 작성 예시에는 여권번호 S87654321 로 나와 있어요",
        "전화번호 칸 예시가 010-0000-0000 이던데 그대로 쓰면 안 되죠?",
        "주민번호가 901010-1234567 이런 거 말씀하시는 거예요?",
        "작성 예시 메일이 example@gg.go.kr 이던데요",
        "혹시 120@seoul.go.kr 로 보내면 되나요",
        # whose number: a company's, an office's, a corporation's
        "전단지에 사업자번호 314-81-20958 이 있던데 주식회사래요",
        "계산서에 사업자번호 129-86-44017 주식회사 한빛 이라고 찍혀 있어요",
        "관리비는 국민 612-01-0493881 로 관리사무소 계좌에 내요",
        "법인 등록번호 134511-0028374 도 적어야 하나요",
        "종로세무서 02-760-9200 에 물어보래요",
        "문의 031-920-4455 라고 쓰여 있어요",
        # a bill's, a shop's or a pass's own number
        "고지번호 2024-07-11093-05 로 납부했어요",
        "가맹점 번호 00172648391 이 영수증에 있어요",
        "정기권 번호 4410-2291-0087 로 조회해 주세요",
    ],
)
def test_nobodys_number_stays_unmasked(text: str) -> None:
    assert _numbers(text) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # one's own business number stays masked though a receipt or a shop is named
        ("저희 가게 영수증에 사업자번호 214-87-30912 나와요", "214-87-30912"),
        # an example named, then one's own number
        ("예시처럼 제 번호 010-2233-4455 적었어요", "010-2233-4455"),
        # an account said with an office's word but not its account
        ("신한 100-034-581920 으로 보내주세요 관리사무소에서 확인한대요", "100-034-581920"),
    ],
)
def test_ones_own_number_beside_those_words_stays_masked(text: str, number: str) -> None:
    assert number in [n for _, n in _numbers(text)]


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        # a mobile's groups said as numbers with 다시 or 하고 between
        ("공일공 다시 삼천사백이십 다시 구천칠백일 로 주세요", "phone",
         "공일공 다시 삼천사백이십 다시 구천칠백일"),
        ("010 하고 칠천이백 하고 오천육십 번이에요", "phone", "010 하고 칠천이백 하고 오천육십"),
        # an e-mail's ID spelled with commas and moving-on words
        ("메일은 k, i, m, s, o 그 다음에 숫자 구구 그리고 앳 네이버 닷컴 이에요", "email",
         "k, i, m, s, o 그 다음에 숫자 구구 그리고 앳 네이버 닷컴"),
        # the @ said with its common misspelling 엣
        ("메일 주소요 sora_k 엣 daum.net 이에요", "email", "sora_k 엣 daum.net"),
        # an account read after its bank, longer than any phone though it starts 010
        ("농협 계좌 공일공 구팔칠육오사 삼이 일이삼 으로 보내 주세요", "account",
         "공일공 구팔칠육오사 삼이 일이삼"),
    ],
)
def test_numbers_joined_by_words_no_rule_expected(text: str, kind: str, number: str) -> None:
    assert (kind, number) in _numbers(text)


@pytest.mark.parametrize(
    ("text", "plates"),
    [
        # a traffic or parking report names no vehicle, but its plate is one; a slip and the
        # corrected plate are both masked
        ("주정차 위반 신고요 사칠 거 이일공팔 아니 사칠 거 이일공구 흰색 소나타",
         ["사칠 거 이일공팔", "사칠 거 이일공구"]),
        ("블랙박스에 찍혔어요 오팔 누 삼삼칠일", ["오팔 누 삼삼칠일"]),
    ],
)
def test_a_plate_said_in_a_traffic_report_is_a_plate(text: str, plates: list[str]) -> None:
    assert [n for k, n in _numbers(text) if k == "car_plate"] == plates


@pytest.mark.parametrize("text", ["주차 요금이 삼천오백 원 나왔어요",
                                  "주차장은 십이 시부터 이십 시까지 열어요"])
def test_a_parking_words_amount_or_hours_are_no_plate(text: str) -> None:
    assert _numbers(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the rest of a card said after its first four: three groups of four after a word for
        # the rest, a card named in the turn
        # (round 19: its first four, said before it, are the same card's - pii_parts)
        ("카드번호 앞 네 자리는 5327 이고 나머지는 8810 2294 6613 이에요",
         ["5327", "8810 2294 6613"]),
        ("카드 번호 나머지 불러드릴게요 팔팔일공 이이구사 육육일삼", ["팔팔일공 이이구사 육육일삼"]),
        # no card named, or an amount: not a card's rest
        ("전화번호 나머지는 1234 5678 9012", []),
        ("나머지 금액 1200 3400 5600 원은 카드로", []),
    ],
)
def test_the_rest_of_a_card_after_its_first_four(text: str, expected: list[str]) -> None:
    assert [n for k, n in _numbers(text) if k == "card"] == expected
