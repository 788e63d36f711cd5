"""Issue 12, session 18: number families written from tune set U1's misses and from probes in
other words (``dasan.text.pii_said_again``) - each with the look-alikes that must stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _of(kind: str, text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == kind]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("잘 안 들려서요 공일공 오 오 삼 이 그 뭐더라 칠 일 사 팔 이요",
         "공일공 오 오 삼 이 그 뭐더라 칠 일 사 팔"),
        ("받아 적으세요. 영. 일. 영. 삼. 칠. 칠. 이. 구. 팔. 오.",
         "영. 일. 영. 삼. 칠. 칠. 이. 구. 팔. 오"),
        ("공일공 구구이 에 그러니까 그 뒤가 사 오 일 육", "공일공 구구이 에 그러니까 그 뒤가 사 오 일 육"),
    ],
)
def test_a_mobile_is_gathered_across_the_words_between_its_groups(text: str, phone: str) -> None:
    assert _of("phone", text) == [phone]


@pytest.mark.parametrize(
    "text",
    [
        # the groups stop at a question or at another kind of number
        "공일공 하고요? 카드 번호는 삼삼 사사 오오 육육 칠칠",
        # too few digits to be a mobile
        "공일공 칠칠 그 다음은 모르겠어요",
        # a year and an amount after a mobile's start are no groups of it
        "010 요금제가 2026년부터 30000원으로 올라요",
    ],
)
def test_digits_that_do_not_make_a_mobile_are_not_gathered(text: str) -> None:
    assert _of("phone", text) == []


def test_a_mobile_read_in_english_digit_words() -> None:
    text = "please call me on zero one zero - three three one two - eight eight zero four"
    assert _of("phone", text) == ["zero one zero - three three one two - eight eight zero four"]
    assert _of("phone", "room one two three four five six seven eight nine zero") == []


@pytest.mark.parametrize(
    ("text", "kind", "again"),
    [
        # read back whole by the agent
        ("신한 110-482-339102 이요. 상담원: 네 일일공 사팔이 삼삼구일공이 맞으시죠?", "account",
         "일일공 사팔이 삼삼구일공이"),
        # a group said again after a slip
        ("연락처 공일공 육삼칠 이이팔일... 아 죄송해요 육삼칠일 이이팔일이요", "phone",
         "육삼칠일 이이팔일"),
        ("사업자 번호 일오삼 다시 팔일 다시 사사칠공이 아니고 사사칠공삼이요", "business_no",
         "사사칠공삼"),
        ("주민번호 팔일공사이일 다시 일 삼 오 칠 칠 팔 일 아 헷갈려 일삼오칠팔팔일", "rrn",
         "일삼오칠팔팔일"),
    ],
)
def test_a_number_said_again_takes_the_found_numbers_type(text: str, kind: str,
                                                           again: str) -> None:
    assert again in _of(kind, text)


@pytest.mark.parametrize(
    "text",
    [
        # a group of four said again after a slip is a tail alone: it stays, as a tail does
        "공일공 이이삼삼 사사오오 아니 사사오육이요",
        # digits after a found number that are no slip of it
        "공일공 이이삼삼 사사오오 아니 그리고 접수번호는 칠칠팔팔구구요",
        "공일공 이이삼삼 사사오오 이고요 아니 오늘 오후 삼시 반에 오세요",
    ],
)
def test_other_digits_after_a_number_stay(text: str) -> None:
    assert len(_of("phone", text)) == 1


@pytest.mark.parametrize(
    ("text", "kind", "parts"),
    [
        ("건보증 번호는 앞 다섯 자리 칠이공일삼 뒤 여섯 자리 사사팔공일구요", "health_insurance",
         ["칠이공일삼", "사사팔공일구"]),
        ("카드요 앞 여섯 자리가 412938 이고 끝 네 자리는 5521 입니다", "card",
         ["412938", "5521"]),
    ],
)
def test_a_document_number_in_named_parts(text: str, kind: str, parts: list[str]) -> None:
    assert _of(kind, text) == parts


@pytest.mark.parametrize(
    "text",
    [
        "카드 끝 네 자리 5521 로 결제된 건이요",
        "휴대폰 뒷자리 칠칠팔이 맞는지 확인해 주세요",
        "카드 앞자리 4129 뒷자리 5521",
    ],
)
def test_a_tail_alone_or_short_parts_stay(text: str) -> None:
    assert [s for s in find(text) if s.type in ("card", "phone")] == []


@pytest.mark.parametrize(
    "text",
    [
        # a free line of a company (수신거부, 고객센터) is no one's account or phone
        "[광고] 봄맞이 할인 행사 안내 무료수신거부 080-455-0192",
        "수신을 원치 않으시면 080-3321-4400 으로 연락 주세요",
        # a public place's landline named before it
        "구립 도서관 전화번호가 뭐였지 아마 02-3154-7720 일 거예요",
        "경로당 회장님이 경로당 번호 02-981-2234 로 전화하래요",
        # a bill's number before an account word is the bill's
        "환경개선부담금 납부번호 1123-4471-8820-11 로 입금했어요",
        # a licence's shape inside a longer number
        "주문번호 020-1133-44556677 배송 조회해 주세요",
    ],
)
def test_look_alikes_stay(text: str) -> None:
    assert [s for s in find(text) if s.type != "name"] == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("복지관 선생님 번호 010-2231-7781 이에요", "phone", "010-2231-7781"),
        ("저희 집이 경로당 옆인데 집 전화 02-332-1187 이에요", "phone", "02-332-1187"),
        ("농협 계좌 352-0417-2281-93 으로 입금해 주세요", "account", "352-0417-2281-93"),
        ("번호 남길게요\n010\n4471\n2290", "phone", "010\n4471\n2290"),
    ],
)
def test_personal_numbers_beside_those_words_stay_masked(text: str, kind: str,
                                                         value: str) -> None:
    assert _of(kind, text) == [value]


@pytest.mark.parametrize(
    ("text", "front"),
    [
        ("주민번호 여섯 자리 불러드릴게요 구삼에 공칠에 일오요", "구삼에 공칠에 일오"),
        ("주민번호 앞자리는 팔팔 다시 일이 다시 공구 예요", "팔팔 다시 일이 다시 공구"),
        # 공이에: 공이 + 에, not 공 + 이에
        ("주민등록번호 앞자리 칠사에 공이에 일일", "칠사에 공이에 일일"),
    ],
)
def test_a_front_half_said_in_groups(text: str, front: str) -> None:
    assert _of("rrn", text) == [front]


@pytest.mark.parametrize(
    "text",
    [
        "주민번호 여섯 자리 입력 칸이 두 개 있어요",
        "주민번호 앞자리 12에 34에 56 이라고 쓰면 안 되죠",  # no birth date
    ],
)
def test_groups_that_make_no_birth_date_stay(text: str) -> None:
    assert _of("rrn", text) == []


def test_a_group_taken_back_inside_a_gathered_mobile_is_dropped() -> None:
    text = "번호는 공일공 이이구구 삼삼 아 삼삼일사요"
    assert _of("phone", text) == ["공일공 이이구구 삼삼 아 삼삼일사"]
    assert "일사" not in find(text)[0].replacement  # every digit said is masked


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("[채팅] 상담사 도윤슬: 안녕하세요 다산콜센터입니다", "도윤슬"),
        ("상담원 표지환 : 네 접수해 드렸습니다", "표지환"),
        ("중고거래 판매자 마현석한테 입금했는데 연락이 끊겼어요", "마현석"),
        ("요양보호사 길미순 씨가 매일 오세요", "길미순"),
        ("Visa no. 123, name Pham Thi Hoa, Vietnamese", "Pham Thi Hoa"),
        ("Contact 010-2231-4471. Name Dilnoza Karimova", "Dilnoza Karimova"),
        ("the applicant's name is Ivan Sokolov", "Ivan Sokolov"),
    ],
)
def test_a_person_named_by_a_role_or_an_english_name_cue(text: str, name: str) -> None:
    assert _of("name", text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "담당 부서: 환경과 / 담당자: 주무관",
        "상담원 연결해 주세요: 급해요",
        "file name Report Final 을 열 수가 없어요",
        "직원 교육: 다음 주 월요일",
    ],
)
def test_roles_and_name_words_without_a_person_stay(text: str) -> None:
    assert _of("name", text) == []


@pytest.mark.parametrize(
    ("text", "passport"),
    [
        ("네팔에서 왔고 여권 번호는 10293847 입니다", "10293847"),
        ("러시아 여권 넘버 72 4455667", "72 4455667"),
        ("passport number 5 4 3 2 1 9 8 7 6", "5 4 3 2 1 9 8 7 6"),
    ],
)
def test_a_passport_of_digits_only_after_its_name(text: str, passport: str) -> None:
    assert _of("passport", text) == [passport]


@pytest.mark.parametrize(
    "text",
    [
        "여권 발급 수수료는 53000원이에요",
        "여권 접수번호 20261205 로 조회돼요?",
        "여권 사진 규격이 3.5 x 4.5 맞나요",
    ],
)
def test_other_numbers_after_a_passport_word_stay(text: str) -> None:
    assert _of("passport", text) == []


def test_a_document_number_in_written_groups_joined_by_a_word() -> None:
    assert _of("health_insurance", "건강보험 번호 7 다시 1192038475 요") == [
        "7 다시 1192038475"]
    assert _of("business_no", "사업자번호 214 하고 87 하고 01926") == ["214 하고 87 하고 01926"]


@pytest.mark.parametrize(
    ("text", "mail_id"),
    [
        ("메일은 다음이고 아이디는 sky_lark9 예요", "sky_lark9"),
        ("이메일 지메일 쓰는데 아이디가 moonriver22 입니다", "moonriver22"),
    ],
)
def test_a_mail_service_then_its_id(text: str, mail_id: str) -> None:
    assert _of("email", text) == [mail_id]


def test_a_date_said_aloud_is_no_name() -> None:
    assert _of("name", "생일이 팔칠년 삼월 이십오일이고 주민번호 뒷자리는 몰라요") == []


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("상담원: 번호 불러 주세요\n민원인: 010-3382\n민원인: 1174 입니다",
         "010-3382\n민원인: 1174"),
        ("고객: 공일공이요 / 상담원: 네 / 고객: 구구일이 / 상담원: 네 / 고객: 삼사삼사",
         "공일공이요 / 상담원: 네 / 고객: 구구일이 / 상담원: 네 / 고객: 삼사삼사"),
    ],
)
def test_a_mobile_said_over_turns_of_a_transcript(text: str, phone: str) -> None:
    assert _of("phone", text) == [phone]


def test_turns_with_other_numbers_are_not_gathered() -> None:
    text = "고객: 010 이요 / 상담원: 접수번호는요? / 고객: 2231-7789"
    assert _of("phone", text) == []


@pytest.mark.parametrize(
    ("text", "mail"),
    [
        ("메일은 제이 에스 케이 칠 골뱅이 지메일 이에요", "제이 에스 케이 칠 골뱅이 지메일"),
        ("메일 bomnal88 골뱅이 네이버요", "bomnal88 골뱅이 네이버"),
        ("naver 쓰고요 아이디는 cloud_7 입니다", "cloud_7"),
    ],
)
def test_a_mail_service_said_alone_as_the_domain(text: str, mail: str) -> None:
    assert _of("email", text) == [mail]


@pytest.mark.parametrize("text", ["다음 아이디 바꾸는 방법 알려주세요", "hong 앳 다음 주에 봬요"])
def test_a_service_word_alone_makes_no_address(text: str) -> None:
    assert _of("email", text) == []


def test_a_plate_read_aloud_after_a_car_pointed_at() -> None:
    assert _of("car_plate", "저 차 칠사 모 삼삼일이 계속 여기 대요") == ["칠사 모 삼삼일이"]
    assert _of("car_plate", "이 차 오래 탔어요") == []


def test_ones_own_name_of_foreign_words_with_no_particle() -> None:
    assert _of("name", "제 이름 카리모바 나르기자, 등록증 있어요") == ["카리모바 나르기자"]
    assert _of("name", "제 이름 바꾸고 싶어요, 개명 신청") == []


def test_a_forms_field_with_its_particle_is_no_name() -> None:
    text = "보호자 성명 칸에 황보영식 이라고 적었어요"
    assert "칸에" not in _of("name", text)


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("번호 공일공 칠칠 칠칠팔이 삼삼사사요", "공일공 칠칠 칠칠팔이 삼삼사사"),
        ("공일공 구구 그러니까 구구이 에 그 뒤가 사 오 일 육", "공일공 구구 그러니까 구구이 에 그 뒤가 사 오 일 육"),
    ],
)
def test_a_group_begun_and_said_again_longer_is_one_group(text: str, phone: str) -> None:
    assert _of("phone", text) == [phone]


def test_a_landline_said_aloud_with_fillers_after_a_phone_word() -> None:
    assert _of("phone", "집 전화는 공이 그 구팔칠 그 다음에 육육오사 예요") == [
        "공이 그 구팔칠 그 다음에 육육오사"]
    # a written office line with a range of extensions stays the office's
    assert _of("phone", "문의 전화 02-475-1403 ~ 4 번") in ([], ["02-475-1403"])
