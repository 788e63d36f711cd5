"""Issue 12, session 20 (seventeenth round, names): families written from tune set Y1's misses and
false masks and from probes in other words - each with the look-alikes that must stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    "text",
    ["그게 국민카드예요 제 명의고요", "고객: 에스 에이 엠 요 sam 맞아요",
     "결제는 신한카드예요 제 명의로 된 거", "카카오페이로 보냈어요", "하나마트 앞에서 만나요",
     "아이디는 제이 에이 엔 이요", "윤동주 시인 문학관 휴관일 알려주세요",
     "박경리 작가 기념관 주차장 있어요?", "남편 명의여도 되나요? 외국인 남편이라서요"],
)
def test_no_person_in_a_company_a_spelling_or_a_memorial(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("이 통장 우리 집사람 거고 이름은 변숙자", "변숙자"),
     ("이 폰 우리 딸 거예요 딸 이름은 차윤슬", "차윤슬"),
     ("그 차 아들 거여 아들 이름은 곽동수", "곽동수"),
     ("할머니 꺼유 그 통장 할머니 이름은 육간난", "육간난")],
)
def test_whose_thing_is_no_name_the_name_after_is(text: str, name: str) -> None:
    assert _names(text) == [name]


def test_a_writer_with_a_title_is_still_a_person() -> None:
    assert _names("김민수 작가님이 강연하신대요") == ["김민수"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("저 방글라데시에서 왔어요 이름 모하마드 라힘 이에요", "모하마드 라힘"),
     ("이름 아나스타시아 페트로바 입니다", "아나스타시아 페트로바"),
     ("제 이름은 알리 하산 입니다", "알리 하산"),
     ("우리 며느리 이름은 누르 아이샤 예요", "누르 아이샤"),
     ("일본 여권입니다 이름은 스즈키 하루카", "스즈키 하루카"),
     ("남편 이름은 다나카 켄지 田中 健二", "다나카 켄지")],
)
def test_a_foreign_name_after_a_naming_word_with_its_copula_apart(text: str, name: str) -> None:
    # the copula said apart, 이름 with no particle, the name in Chinese characters after it, a
    # word that only starts like a noun (하루카)
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    ["이름 변경 신청 이에요", "이름 적는 칸 이에요", "이름은 모르는데 친구들은 다 알아요",
     "이름은 하루 종일 불러도 대답을 안 해요", "이름 확인 부탁 드려요"],
)
def test_words_after_a_naming_word_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("(문자) 산후조리비 지원 신청 / 산모 엄다은 / 보험증번호", "엄다은"),
     ("가해 차량 운전자 남궁혁", "남궁혁"), ("상주 지석현", "지석현"),
     ("사고 당시 운전자 편도진, 동승자 없음", "편도진"),
     ("이 계약서에 위지혜 라고 서명했어요", "위지혜")],
)
def test_a_party_a_form_names_and_a_name_signed_so(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    "text",
    ["입주민 대표 회의 때 봤어요", "운전자 보험 문의요", "상주 인구가 늘었어요",
     "증인 신청은 어떻게 해요", "운전자 부주의로 사고 났어요", "봉투에 김치라고 적혀 있어요",
     "신청서 예시에 홍길동 이라고 써 있던데 거기에 제 이름 쓰면 되는 거죠?"],
)
def test_the_same_words_with_no_name_and_a_forms_example_stay(text: str) -> None:
    assert _names(text) == []


def test_the_example_after_its_word_with_a_particle_is_nobody() -> None:
    assert _names("견본에는 김철수라고 적혀 있는데 저는 변재윤입니다") == ["변재윤"]


def _addresses(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "address"]


@pytest.mark.parametrize(
    ("text", "unit"),
    [("주소요? 서대문구 연희로 ... 연희로 32길 5 에요 아 그리고 B동 101호", "B동 101호"),
     ("주소는 마포구 월드컵로 13길 20 이고요 음 깜빡했다 나동 302호요", "나동 302호")],
)
def test_a_wing_and_flat_said_after_the_address(text: str, unit: str) -> None:
    assert unit in _addresses(text)


def test_an_offices_wing_with_no_address_stays() -> None:
    assert _addresses("시청 별관 나동 201호에서 회의합니다") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("Hi, I'm Tsogtbayar. My phone number is 010-2718-3364.", "Tsogtbayar"),
     ("I am Ganbold, from Mongolia", "Ganbold"), ("This is Bilguun speaking", "Bilguun"),
     ("Hi I'm Chen and my wife is pregnant", "Chen")],
)
def test_one_word_english_self_introduction(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    "text",
    ["I'm Sorry, I don't speak Korean", "I am Korean.", "I'm Fine, thank you", "This is Seoul.",
     "I'm Vietnamese, I live in Ansan"],
)
def test_english_words_after_im_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("제 이름 석 자는 진, 소, 율 이에요", "진, 소, 율"),
     ("이름 한 글자씩 말씀드리면 감, 나, 래 입니다", "감, 나, 래"),
     ("성함 세 글자가 구 다 현 이요", "구 다 현")],
)
def test_a_name_spelled_after_how_many_letters_it_has(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    "text",
    ["이름 두 글자는 별로 없어요", "이름 석 자 걸고 말하는데 진짜예요", "이름 한 자씩 불러주세요",
     "신고 대상자: 성명 불상", "가해자 성명 미상, 나이 40대"],
)
def test_letters_of_a_name_talked_about_and_no_name_known_stay(text: str) -> None:
    assert _names(text) == []


def test_the_word_for_the_surname_is_no_name() -> None:
    assert _names("딸아이 이름 예서, 성은 맹") == ["예서"]


def test_a_department_between_the_role_and_the_name() -> None:
    assert _names("민원 처리자: 사회복지과 여상훈") == ["여상훈"]
    assert _names("담당 청소행정과 주무관") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [("ㄴㄴ 채다온 아니고 채다윤", ["채다온", "채다윤"]),
     ("성함이 구민혁이 아니라 구민혜요", ["구민혁", "구민혜"])],
)
def test_a_name_corrected_to_another_of_its_surname(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize("text", ["김치 말고 김밥이요", "주말 말고 평일에", "정보 아니고 정부요"])
def test_words_corrected_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [("남양주 다산동 6097 다산자이 아이비플레이스 101-2302", "남양주 다산동 6097"),
     ("포항 양덕동 1234-5 살아요", "포항 양덕동 1234-5"),
     ("집 주소: 포항시 북구 양덕동 삼구트리니엔 101동", "포항시 북구 양덕동 삼구트리니엔 101동"),
     ("울 엄마 사는 데 중계동 청구3차 5동이에요", "중계동 청구3차 5동")],
)
def test_a_city_without_its_si_and_a_named_complexs_block(text: str, address: str) -> None:
    assert address in _addresses(text)


@pytest.mark.parametrize(
    "text",
    ["안산 가는 버스 3100번", "포항 구룡포 과메기 3만원", "역삼동 르네상스호텔 2동 회의실",
     "구월동 롯데백화점 3동 매장"],
)
def test_a_city_and_a_block_with_no_home_stay(text: str) -> None:
    assert _addresses(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("환자명 변태호 / 병동 5층", "변태호"), ("회원명: 노은서", "노은서"),
     ("수강생명 편지호 (초등 3)", "편지호"), ("우리 가게 알바생 나디아가 그만뒀어요", "나디아"),
     ("같이 일하는 알바 아이샤가 다쳤어요", "아이샤"), ("룸메 아드리안이 이사 갔어요", "아드리안")],
)
def test_a_forms_field_named_for_whose_name_it_holds_and_work_mates(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    "text", ["알바 구해요 시급 만원", "회원명 변경은 어떻게 해요", "환자명 확인 부탁드립니다",
             "직원명단 보내주세요"],
)
def test_the_fields_and_work_words_alone_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("저 대림동 살아요 중국 사람이에요 왕쯔한", "왕쯔한"), ("저 몽골 사람이에요 바트어치르", "바트어치르"),
     ("일본 사람이에요. 사토 유이", "사토 유이")],
)
def test_a_name_after_ones_origin_said_with_a_copula(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    "text",
    ["중국 사람이에요 그래서 한국말 잘 못해요", "저 베트남 사람이에요 감사합니다",
     "베트남 사람입니다 비자 연장 문의요", "몽골 사람이고 울란바토르 살았어요", "중국 사람이에요 왕씨예요"],
)
def test_words_after_ones_origin_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [("작성 2026. 3. 4. 작성인 국재현 (인)", ["국재현"]),
     ("위 금액을 정히 영수함. 영수인 옥기철", ["옥기철"]),
     ("서명란에 사인했어요 제 이름 반지원으로요", ["반지원"])],
)
def test_who_signs_a_form_and_a_name_with_euro_yo(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize("text", ["작성인 란은 비워두세요", "영수인 도장 찍는 곳", "제 이름으로요"])
def test_the_signers_field_alone_stays(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    "text",
    ["주말로 약속 잡을 생각이면 오전이 아니라 오후로 하자.",
     "수강신청자와 입금자의 이름이 일치하는지 확인하십시오.",
     "당해 공동주택 입주자 명이상의 동의를 얻어"],
)
def test_real_text_look_alikes_of_the_rounds_families_stay(text: str) -> None:
    # words corrected with their particles, a verb after a naming word, a count's unit before
    # a quantity word (seen on real text after the families were written)
    assert _names(text) == []
