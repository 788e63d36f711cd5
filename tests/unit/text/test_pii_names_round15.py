"""Issue 12, session 18 (fifteenth round, names): families written from tune set U1's misses and
false masks and from probes in other words - each with the look-alikes that must stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find, mask


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My alien card is expiring, name is Bakhyt Omarov", "Bakhyt Omarov"),
        ("Visa extension, name Lucia Fernandes, Brazilian", "Lucia Fernandes"),
        ("I moved to Mapo-gu last month. Name Dilnoza Karimova", "Dilnoza Karimova"),
        ("Full name: Tomas Novak, phone 010-2231-9981", "Tomas Novak"),
        ("신청서 영문란에 Name: Tran Thi Mai 라고 썼어요", "Tran Thi Mai"),
        ("My son is named Erik Lindqvist and he is in grade two", "Erik Lindqvist"),
        ("Thank you for your help. Best regards, Elena Kowalski", "Elena Kowalski"),
        ("Please refund my deposit. Sincerely, Jonathan Price", "Jonathan Price"),
    ],
)
def test_latin_names_after_english_naming_words(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, Customer Service Team",
        "Please write your name in English on the form",
        "The name Seoul Station is confusing",
        "Regards, Seoul Metropolitan Government",
        "What is the Name of This Program",
    ],
)
def test_english_naming_words_before_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[채팅] 상담원 노하린: 안녕하세요 무엇을 도와드릴까요? / 고객: 주차 문의요", ["노하린"]),
        ("[카톡] 상담사 변수아: 접수되었습니다", ["변수아"]),
        ("고객 박서연: 네 맞아요 / 상담사 편민우: 확인했습니다", ["박서연", "편민우"]),
        ("[상담원 채은비] 안녕하세요 다산콜입니다", ["채은비"]),
    ],
)
def test_a_transcripts_speaker_label(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("상담원 하진: 안녕하세요", "상담원 하*: 안녕하세요"),
        ("고객 김솔: 네 맞아요", "고객 김*: 네 맞아요"),
        ("[상담원 채은비] 안녕하세요", "[상담원 채*비] 안녕하세요"),
    ],
)
def test_a_speaker_labels_name_is_masked_even_of_two_syllables(text: str, masked: str) -> None:
    """A two-syllable name kept its last syllable and so stood whole in the masked text."""
    assert mask(text).masked == masked


@pytest.mark.parametrize(
    "text",
    [
        "상담원: 네 고객님 / 고객: 주차 문의요",
        "고객 정보: 확인 필요",
        "담당자 확인: 완료",
        "상담사 연결: 대기 중",
    ],
)
def test_a_speaker_label_without_a_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("여권번호 M48211905 (중국) 주하오란", "주하오란"),
        ("여권 사본 (베트남) 응우옌 반 뚜언 님 것 맞아요", "응우옌 반 뚜언"),
        ("제 이름 토크토노바 굴나라, 외국인번호는 문자로 보낼게요", "토크토노바 굴나라"),
        ("내 이름 바트 에르덴, 몽골에서 왔어요", "바트 에르덴"),
    ],
)
def test_foreign_names_after_a_bracketed_nationality_or_an_owners_naming_word(
        text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "여권번호 M12345678 (미국) 여권 분실했어요",
        "국적(중국) 확인 부탁해요",
        "제 이름 영어로 써도 돼요?",
        "제 이름 변경 신청하려고요.",
        "제 이름 한 번 더 말할게요.",
    ],
)
def test_no_name_after_a_nationality_or_naming_word(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("중고거래 판매자 예상민한테 돈을 보냈는데 연락이 없어요", "예상민"),
        ("구매자 탁민서 씨가 환불을 요청했어요", "탁민서"),
        ("임차인 봉재원이 월세를 석 달째 안 내요", "봉재원"),
        ("가해자 석진우가 먼저 밀쳤어요", "석진우"),
    ],
)
def test_a_name_after_a_role_in_a_deal_or_a_dispute(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    ["피해자 분이 많이 다쳤어요", "판매자 연락이 안 돼요",
     "교육 대상자 확정 후 문자로 알려 드립니다", "대상자 재학 학교로 문의하세요"],
)
def test_a_role_word_before_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("혼저 옵서예 나 서귀포서 온 부영심이우다 손지 번호 물어보젠", "부영심"),
        ("이 사람 장말순이라꼬 합니더", "장말순"),
    ],
)
def test_a_name_with_a_dialects_copula(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("아까 그 육반장님 아니 육태석 씨가 공원 관리하는 분 맞아요?", ["육태석"]),
        ("김과장님이 어제 전화 주셨어요", []),
        ("박기사님 차 번호 알려주세요", []),
        ("민원인 성명 란에 엄기태 라고 써 주시고", ["엄기태"]),
        ("대리인 칸에 아내 이름 서민지 쓰면 되죠", ["서민지"]),
        ("홍길동 말고 실제 이름 쓰세요? 네 그럼 표재홍 이라고 씁니다", ["표재홍"]),
        ("홍길동 대신 본인 성함 적으시면 돼요", []),
        ("치매 어르신 실종 신고합니다. 성함 지복례, 여든셋", ["지복례"]),
    ],
)
def test_titles_form_fields_examples_and_common_nouns_are_no_names(
        text: str, kept: list[str]) -> None:
    assert _names(text) == kept


def test_a_person_called_hong_gildong_is_still_a_name() -> None:
    assert _names("홍길동 씨 오셨어요?") == ["홍길동"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("저는 응우옌티탄이에요 베트남에서 왔어요", "응우옌티탄"),
        ("제 이름은 쩐반하이입니다 여권 재발급 문의요", "쩐반하이"),
        ("저는 누르술탄이에요 카자흐스탄 사람", "누르술탄"),
    ],
)
def test_a_foreign_residents_one_word_name_after_a_self_naming_cue(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    ["저는 프리랜서예요", "저는 엔지니어예요 외국인 등록 문의", "저는 유학생이에요 비자 문의요",
     "저는 베트남사람이에요", "저는 다문화가정이에요"],
)
def test_a_self_description_is_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("집주인 어르신 성함은 노판석이시고요 연락이 안 돼요", "노판석"),
        ("Dear sir, my husband Arjun Mehta lost his card", "Arjun Mehta"),
        ("my landlord Mr. Oh Dongsu is not answering", "Oh Dongsu"),
    ],
)
def test_honorific_copulas_and_english_relatives(text: str, name: str) -> None:
    assert name in _names(text)


def test_a_verb_with_an_honorific_ending_is_no_name() -> None:
    assert _names("친구랑 술 마셨는데 머리가 아파요") == []


def test_the_copula_is_no_part_of_a_given_name() -> None:
    assert _names("성은 황보고 이름은 민재예요") == ["민재"]


def test_a_place_before_a_title_is_no_name() -> None:
    assert _names("복지관 사회복지사 구하늘 선생님 통해서 신청했어요") == ["구하늘"]


@pytest.mark.parametrize(
    "text",
    ["광진구 능동로 216 어린이대공원 정문 앞 불법 노점상 신고해요",
     "송파구 올림픽로 25 잠실야구장 주변 불법주차요"],
)
def test_a_public_places_address_with_its_name_after_it_stays(text: str) -> None:
    assert [s.text for s in find(text) if s.type == "address"] == []


def test_a_home_near_a_public_place_is_still_an_address() -> None:
    text = "저희 집은 능동로 216 어린이대공원 근처 빌라예요"
    assert [s.text for s in find(text) if s.type == "address"] == ["능동로 216"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("작성자 : 여 경 민", "여 경 민"), ("수신인: 조 은 비", "조 은 비"),
     ("받는 사람 도 하 윤 님", "도 하 윤"), ("대표자 Moon Hayun", "Moon Hayun")],
)
def test_a_name_spelled_after_a_forms_field(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize("text", ["작성자 : 본인", "참석자 세 명", "받는 사람 주소 확인"])
def test_a_forms_field_before_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [("외자예요 성은 문, 이름은 솔", ["솔"]), ("성이 편 이름이 혁이에요", ["혁"]),
     ("성은 황보고 이름은 민재예요", ["민재"]), ("성은 유 이름은 솔 유솔", ["솔", "유솔"])],
)
def test_a_surname_and_a_given_name_said_apart(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text", ["성은 김이고 이름은 모르겠어요", "성이 이 씨고 이름은 잘 몰라요", "성은 박 이름은 좀"])
def test_a_surname_said_and_no_given_name(text: str) -> None:
    assert _names(text) == []


def test_the_cues_own_particle_is_no_spelled_surname() -> None:
    assert _names("이름이 예, 변 자 순 자 옥 자요 변순옥") == ["변 자 순 자 옥 자", "변순옥"]


def test_a_roster_counted_aloud() -> None:
    text = "참석자 명단 드릴게요 하나 봉수민 둘 길다은 셋 채도윤"
    assert _names(text) == ["봉수민", "길다은", "채도윤"]


@pytest.mark.parametrize(
    ("text", "names"),
    [("담당 변호사 이름은 추현석 변호사", ["추현석"]),
     ("사건 담당 경찰관은 여경민 경위입니다", ["여경민"]),
     ("전입자: 공지훈 외 1명", ["공지훈"]),
     ("제 딸 이름은 하늘이에요 성은 강이고요", ["하늘"])],
)
def test_titles_after_a_name_and_fields_before_it(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text", ["이름은 몰라요 성은 김이요", "카드 뒷면 서명란에 작게 적혀진 숫자"])
def test_no_name_said_after_a_naming_word(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("엄마 이름이 뚜엣이에요", "뚜엣"), ("여권 영문명 PARK JI HOON 으로 돼있어요", "PARK JI HOON")],
)
def test_a_name_said_to_be_one_and_a_passports_latin_name(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize("text", ["가게 이름은 행복마트예요", "강아지 이름은 초코예요"])
def test_a_shops_or_a_pets_name_is_no_persons(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    "text", ["치매 어르신 실종 신고합니다", "저희 딸이 다문화가정이에요 비자 문의요"])
def test_everyday_nouns_kiwi_knows_are_no_foreign_names(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [("등본에 세대주 이름이 예전 주소로 돼 있는데 바꾸려면요", []),
     ("이름은 정말 예뻐요", []),
     ("이름이 하늘 씨예요", ["하늘"]),
     ("아이 이름은 하늘 이라고 해요", ["하늘"])],
)
def test_a_common_word_after_a_naming_cue_and_before_another_word(
        text: str, names: list[str]) -> None:
    assert _names(text) == names
