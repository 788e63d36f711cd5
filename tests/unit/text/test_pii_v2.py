"""Issue 12: document numbers, spoken phones with 하고, spaced/romanised names, and the masking
details a deliberate bug would break (Luhn, how many account digits stay visible)."""

from __future__ import annotations

import re

import pytest

from dasan.text import pii_spoken
from dasan.text.pii import find, mask
from dasan.text.pii_documents import business_check_ok


def _types(text: str) -> list[str]:
    return [s.type for s in find(text)]


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("여권번호 M12345678 입니다", "passport", "M****5678"),
        ("여권 번호는 M123A4567 이에요", "passport", "M****4567"),
        ("운전면허번호 11-19-123456-78", "driver_licence", "11-19-******-**"),
        ("면허번호 서울 13-045821-62", "driver_licence", "서울 13-******-**"),
        ("사업자등록번호 220-81-62517", "business_no", "220-81-*****"),
        ("건강보험증 번호 5-2318840176", "health_insurance", "*-*******176"),
        ("외국인등록번호 920315-5123456", "foreigner_rrn", "920315-5******"),
    ],
)
def test_documents_a_citizen_reads_out(text: str, kind: str, masked: str) -> None:
    result = mask(text)
    assert [s.type for s in result.spans] == [kind]
    assert masked in result.masked


def test_document_shapes_need_context_or_a_checksum() -> None:
    # 10 digits with no 사업자 word and no dashes: not a business number
    assert "business_no" not in _types("조회번호 2148612345 입니다")
    assert "health_insurance" not in _types("번호 12345678901 입니다")
    assert "passport" not in _types("모델명 X12345678 제품이요")
    # a separated 3-2-5 number is a business number when its check digit is right
    assert business_check_ok("1248100998")  # a real, published number
    assert not business_check_ok("1248100997")
    assert _types("번호 124-81-00998 으로요") == ["business_no"]


@pytest.mark.parametrize(
    "text",
    [
        "공일공 하고 삼이일오 하고 칠칠팔구요",
        "010 하고 5523 하고 1190 이에요",
        "010 다시 4421 다시 9080",
        "공 일 공 하고 사 오 육 칠 하고 팔 구 공 일",
    ],
)
def test_spoken_phone_numbers(text: str) -> None:
    spans = find(text)
    assert [s.type for s in spans] == ["phone"]
    assert "****" in mask(text).masked


def test_plain_numbers_with_joiners_are_not_phones() -> None:
    assert _types("버스 7016번 하고 472번 타요") == []
    assert "phone" not in _types("2024-0312-5567 다시 확인해 주세요")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("이름: 박서연", "박서연"),
        ("제 이름은 김 민 준 입니다", "김 민 준"),
        ("My name is Park Jiwoo and I need help", "Park Jiwoo"),
        ("제 이름은 JUNG HOSEOK 입니다", "JUNG HOSEOK"),
        ("신청인 이름은 최영자 예요", "최영자"),
        ("임재현 주무관님이 도와주셨어요", "임재현"),
        # fifth tune round: a name, then whose it is; a relative as the subject; 였 after a cue
        ("김도윤 엄마인데요 급식 문의요", "김도윤"),
        ("등기가 이수빈 앞으로 와요", "이수빈"),
        ("아내가 표은정이고 저는 대신 전화했어요", "표은정"),
        ("담당자 이름이 차동수였나 그랬어요", "차동수"),
        ("저 노승현이라는 사람인데요", "노승현"),
        ("임차인 곽미란하고 계약했어요", "곽미란"),
        ("신청인란에 유재민 쓰면 되나요", "유재민"),
        ("접수한 분이 서 민 지 상담사님이에요", "서 민 지"),
        ("고지서에 이름이 문 재 혁으로 나와요", "문 재 혁"),
    ],
)
def test_names(text: str, name: str) -> None:
    spans = [s for s in find(text) if s.type == "name"]
    assert [s.text for s in spans] == [name]
    assert name not in mask(text).masked


def test_romanised_words_without_a_korean_surname_need_a_name_cue() -> None:
    # After a weak cue (I am, 저는) only a Korean surname makes capitalised words a name; after
    # "my name is" / "name:" / 이름 any name counts: foreign residents call 120 too.
    assert _types("I am Happy Customer") == []
    assert _types("저는 Seoul Station 근처예요") == []
    assert _types("My name is Nguyen Thi Lan") == ["name"]
    assert _types("이름: Maria Santos") == ["name"]


def test_luhn_decides_an_unseparated_card_number() -> None:
    # No separators and no card word before it: only the Luhn check can tell.
    assert _types("번호 4111111111111111 입니다") == ["card"]
    assert _types("번호 4111111111111112 입니다") == []


def test_account_masking_keeps_three_tail_digits() -> None:
    for text, raw in (("신한은행 110-234-567890", "110-234-567890"),
                      ("농협 3020123456781 이요", "3020123456781")):
        masked = mask(text).masked
        shown = re.search(r"[\d*-]{10,}", masked)
        assert shown is not None
        tail = re.search(r"\*(\d+)$", shown.group(0))
        assert tail is not None and len(tail.group(1)) == 3, masked
        assert raw[-4:] not in shown.group(0)[-4:] or raw[-4] == "*"


def test_compound_surname_and_bare_jeo_introductions() -> None:
    from dasan.text import pii as _pii

    def names(text: str) -> list[str]:
        return [text[s.start:s.end] for s in _pii.find(text) if s.type == "name"]

    assert names("저는 남궁민수라고 합니다") == ["남궁민수"]
    assert names("저 정다은인데요") == ["정다은"]
    assert names("저 서울역인데요") == [] and names("저 지금 가는 중이에요") == []
    assert names("김민수라고 합니다") == ["김민수"]


def test_spoken_document_numbers_are_read_only_after_a_cue() -> None:
    # The digit view keeps every offset, converts a cued spoken number and leaves words alone.
    text = "카드 번호 오삼일공 칠칠공공 일이삼사 팔팔일이 이에요"
    view = pii_spoken.digit_view(text)
    assert len(view) == len(text)
    assert view == "카드 번호 5310 7700 1234 8812 이에요"
    assert mask(text).masked == "카드 번호 5310-****-****-8812 이에요"
    # The same syllables with no word naming a number before them stay text.
    for plain in ("일이삼사 오육칠팔 구공일이 삼사오 했어요", "이사 오일 구이 삼일 사이 오이 칠일"):
        assert pii_spoken.digit_view(plain) == plain
        assert not mask(plain).has_pii
    # Full-width digits are read as digits.
    assert mask("０１０－２２３４－５５６７ 로 주세요").masked.startswith("010-****-5567")


def test_whose_words_after_a_name_skip_districts_and_role_nouns() -> None:
    for plain in ("서초구 아빠 육아휴직장려금", "노원구 어린이 사이버교실", "인솔자 보호자 포함",
                  "여자가 본인 좋아하는 거", "예금주 본인이요", "신청서 앞으로 보내요",
                  "충전시 바로 사용", "전용 도로 및 부속물", "대상자의 배우자 및 직계혈족"):
        assert not [s for s in find(plain) if s.type == "name"], plain


def test_weak_name_cues_take_only_name_like_words() -> None:
    assert [s.text for s in find("홍길순으로 예약했어요")] == ["홍길순"]
    assert [s.text for s in find("집주인은 조은숙이에요")] == ["조은숙"]
    assert [s.text for s in find("명의자가 이순자로 되어 있어요")] == ["이순자"]
    for plain in ("인터넷으로 신청했어요", "우편으로 신청했어요", "보호자가 함께 탑승해요",
                  "소유자가 설정한 대표자", "세입자는 기준일 1년 전부터"):
        assert not find(plain), plain


def test_spelled_and_romanised_names_keep_their_shape_when_masked() -> None:
    # What an agent sees: the first letter of each romanised word, the surname and the last
    # syllable of a spelled name, and the ending (요, 이요) left as it was.
    assert mask("My name is Lee Ji-eun").masked == "My name is L** J*****"
    assert mask("저는 Minsu Kim 입니다").masked == "저는 M**** K** 입니다"
    assert mask("이름은 김 민 준 이에요").masked == "이름은 김 * 준 이에요"
    assert mask("이름은 최 민 호 요").masked == "이름은 최 * 호 요"
    assert mask("이름은 남 궁 민 수 요").masked == "이름은 남 * * 수 요"
    assert mask("이름은 김 준 이요").masked == "이름은 김 * 이요"
    assert mask("이름: 서 지 우").masked == "이름: 서 * 우"
    # Five spelled syllables are no name; a non-surname first syllable neither.
    assert not find("이름은 가 나 다 라 마 요")
    assert not find("이름은 뭐 라 고 요")
    # Words after the cue are no spelled name: no given-name syllable, or 더 (한 번 더요?).
    assert not find("성함 한 번 더요? 잘 안 들려서요")
    # A role word then its copula is no name (대상자인지: 인 is a surname, 인지 is 이다).
    assert not find("안심소득 대상자인지 확인하고 싶어요")
    assert mask("대상자 인지현 님이요").masked == "대상자 인*현 님이요"
    assert mask("성함이 최 서 윤이요").masked == "성함이 최 * 윤이요"


def test_the_digit_view_reads_joiners_and_endings() -> None:
    view = pii_spoken.digit_view
    assert view("사업자 번호 일이삼 다시 사오 하고 육칠팔구공") == "사업자 번호 123  - 45  - 67890"
    assert view("계좌 일일공에 이삼사에 오육칠팔구공") == "계좌 110- 234- 567890"
    assert view("카드 일이삼사, 오육칠팔, 구공일이, 삼사오육") == "카드 1234  5678  9012  3456"
    # A trailing 이 that begins the ending stays text; a 이 before a space is a digit.
    assert view("계좌번호 일일공 이삼사 오육칠팔구공이에요") == "계좌번호 110 234 567890이에요"
    assert view("계좌번호 일일공 이삼사 오육칠팔구이 요") == "계좌번호 110 234 567892 요"
    # Full-width forms at both ends of the block are folded.
    assert view("！０～") == "!0~"
    # Too few spoken digits, or too few digits, or no cue: left alone.
    assert view("번호 일이 3456789012") == "번호 일이 3456789012"
    assert view("번호 일이삼사오육칠팔구") == "번호 일이삼사오육칠팔구"
    assert view("일일공 이삼사 오육칠팔구공") == "일일공 이삼사 오육칠팔구공"
    assert view("x계좌번호 일일공 이삼사 오육칠팔구공") == "x계좌번호 110 234 567890"


def test_weak_cues_read_a_compound_surname_and_two_syllable_names_keep_one_syllable() -> None:
    # 제갈윤: the given name is 윤 (갈 is part of the surname, and no given-name syllable).
    assert [s.text for s in find("제갈윤으로 예약했어요")] == ["제갈윤"]
    # A two-syllable name shows its surname only.
    assert mask("딸 이름은 하은이고 성은 조씨예요").masked == "딸 이름은 하*이고 성은 조씨예요"


def test_a_birth_date_is_checked_with_its_century() -> None:
    # 29 February 1920 and 2000 (leap years; 1 and 3 say born in the 1900s and 2000s) are
    # dates; 1921's is not.
    assert _types("주민번호 200229-1123456 이에요") == ["rrn"]
    assert _types("주민번호 000229-3123456 이에요") == ["rrn"]
    assert "rrn" not in _types("주민번호 210229-1123456 이에요")


def _names_in(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


def test_sixth_round_name_cues() -> None:
    # A relative, then the name with its copula or 로; where one lives, then the name.
    assert _names_in("신청인은 저희 어머니 곽영선이에요") == ["곽영선"]
    assert _names_in("명의가 제 와이프 하수진으로 되어 있어요") == ["하수진"]
    assert _names_in("저 노원구 사는 배경민인데요 문의드려요") == ["배경민"]
    # An elder's title after a name; an answer after the question mark or a dash.
    assert _names_in("앞집 사는 맹순례 할머니가 편찮으세요") == ["맹순례"]
    assert _names_in("이름 말씀해 주세요? - 남기훈이요") == ["남기훈"]
    assert _names_in("대표자명 태정민, 상호는 정민상회") == ["태정민"]
    # A name spelled with 자 is masked where it is spelled and where it is said whole.
    assert mask("변 자 수 자 아 자, 변수아예요").masked == "변*아, 변*아예요"


def test_sixth_round_cues_leave_common_nouns_alone() -> None:
    for plain in ("신고자 이름은 공개되지 않아요", "신청자 성함이 어떻게 되세요?",
                  "우리 동네 사는 사람인데요", "옆집 할머니가 편찮으세요",
                  "제 아들 학교에 문의했어요", "주민 자 치 회"):
        assert not _names_in(plain), plain


def test_a_word_that_starts_like_a_unit_may_follow_a_building_number() -> None:
    # 209 세종대, 27 주택: not an age or a number of weeks
    assert [s.text for s in find("광진구 능동로 209 세종대 정문")] == ["광진구 능동로 209"]
    assert [s.text for s in find("서대문구 연희로11길 27 주택이에요")] == ["서대문구 연희로11길 27"]
    # a count after the number still ends the address reading
    for plain in ("세종대로 12 세 아이가 다쳤어요", "강남대로 5 주 동안 공사해요", "종로 3 분이면 가요"):
        assert not [s for s in find(plain) if s.type == "address"], plain
