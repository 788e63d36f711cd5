"""Issue 12, session 16: a name once found is the same person's data where the text says it
again - whole (a letter's closing), by the given name alone after a title or with 이/아/씨, or by
one word of a foreign name - while a given name that is a common word stays a word."""

from __future__ import annotations

import pytest

from dasan.text.pii import find, mask


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    ("text", "again"),
    [
        ("도로과 하민재 주무관님께 말씀드렸는데 민재 주무관님이 휴가래요", "민재"),
        ("원장님 이름은 석미란이에요. 미란 원장님한테 여쭤봤는데 모른대요", "미란"),
        ("요양보호사 이미경 선생님이 오세요. 어머니께서는 미경 씨가 계속 오시길 원하세요", "미경"),
        ("우리 아들 권도현이가 다쳤어요. 도현이가 지금 병원에 있어요", "도현"),
        ("저희 할머니 성함이 육순애인데요 순애 할머니가 혼자 사세요", "순애"),
        ("이민호 팀장님 말고 민호 대리님 연결해 주세요", "민호"),
    ],
)
def test_a_found_names_given_name_said_alone_is_masked(text: str, again: str) -> None:
    assert again in _names(text)
    assert again not in mask(text).masked


def test_a_name_said_whole_again_is_masked_each_time() -> None:
    text = ("저는 성북구에 사는 주민 양미숙입니다. 도로과 장현식 주무관께 보수 요청을 드렸는데 "
            "아직 조치가 없습니다. 양미숙 드림")
    assert _names(text).count("양미숙") == 2


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("김지원 씨가 신청했는데 지원을 못 받았어요", "지원을"),
        ("저는 박하늘이에요. 하늘이 맑아서 기분 좋네요", "하늘이"),
        ("오수정 씨가 서류를 수정해서 보냈어요", "수정해서"),
        ("저는 최영수입니다. 영수증은 이메일로 보내 주세요", "영수증은"),
    ],
)
def test_a_given_name_that_is_a_word_stays_a_word(text: str, word: str) -> None:
    assert word in mask(text).masked


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("위 사람은 본 센터에서 봉사하였음을 증명합니다. 센터장 방수아", "방수아"),
        ("수신: 복지정책과 / 발신: 불광2동 주민 예승환", "예승환"),
        ("학부모 대표 육혜란, 총무 당예지 두 분이 서명하셨습니다", "당예지"),
        ("이웃 주민인 강만석(65)씨와 그의 부인 조명숙(63)씨가 목격했습니다", "조명숙"),
        ("민원인 명순덕(여, 72세) 본인과 통화", "명순덕"),
    ],
)
def test_a_name_after_a_title_or_before_its_age(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "학부모 대표 육혜란, 부대표 소정우 두 분이 오셨어요",
        "남궁소율 학생 학부모입니다",
        "학생 이사 지원금 있나요?",
        "센터장 면담 신청하려고요",
        "대표 민원 번호, 담당 부서",
    ],
)
def test_titles_and_roles_alone_stay(text: str) -> None:
    masked = mask(text).masked
    for word in ("부대표", "학부모", "이사", "센터장", "대표", "담당"):
        if word in text:
            assert word in masked


@pytest.mark.parametrize(
    ("text", "given", "full"),
    [
        ("엄마 이름이 나비예요, 주나비", "나비", "주나비"),
        ("그 할아버지 성함이 강물이래요 신강물", "강물", "신강물"),
        ("동생 하루랑 같이 갈게요, 윤하루", "하루", "윤하루"),
        ("손녀가 보라예요 은보라", "보라", "은보라"),
    ],
)
def test_a_given_name_then_the_full_name_are_both_masked(text: str, given: str,
                                                         full: str) -> None:
    assert {given, full} <= set(_names(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("맹, 맹꽁이 할 때 맹에 수 진, 맹수진이요", "수 진"),
        ("태권도 관장님이 석무열 관장님인데 차를 위험하게 몰아요", "석무열"),
        ("업주 길상우(상호: 길가네 국수), 건물주 마경희. 입회: 권태희 팀장", "마경희"),
        ("제출자: 편지수 (대리인: 편정호)", "편지수"),
    ],
)
def test_more_names_of_a_family(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "공영주차장 3번 출구 쪽이요",
        "태권도 관장님이 차를 위험하게 몰아요",
        "주민 공청회 일정 알려주세요",
        "고시원 총무가 방을 안 빼 줘요",
        "사장님이 안 계셔서 매니저님이 대신 받으셨어요",
        "도로과 담당자 연결해 주세요",
        "정부 지원을 받았어요",
    ],
)
def test_words_beside_titles_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("필리핀 출신 아내 마리셀 델로스 산토스(Maricel Delos Santos)의 등록은요?",
         {"마리셀 델로스 산토스", "Maricel Delos Santos"}),
        ("남편이 하마드 알리(Hamad Ali)고 저는 한국인이에요", {"하마드 알리", "Hamad Ali"}),
        ("세입자 성함은 마리아나 고메스, 집주인은 채동욱입니다", {"마리아나 고메스", "채동욱"}),
        ("성함은 응웬 반 뚜언이에요.", {"응웬 반 뚜언"}),
    ],
)
def test_foreign_names_with_their_latin_spelling_or_after_a_naming_word(
        text: str, names: set[str]) -> None:
    assert set(_names(text)) == names


@pytest.mark.parametrize(
    "text",
    [
        "서울시청(Seoul City Hall) 가는 길이요",
        "남산 타워(Namsan Tower) 운영 시간",
        "이름은 잘 모르겠어요.",
        "성함은 나중에 알려드릴게요.",
        "외자 이름이에요 윤 씨 아니고",
    ],
)
def test_places_and_words_after_a_naming_word_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "사전에 소속기관장의 겸직허가를 받아야 하나요?",
        "단지계획 : 단독형(141), 근린형(14), 공익(1)",
        "시범운영 후 시행한 주민 설문결과 만족도가 높아",
        "대리인 방문 시에는 위임장이 필요해요",
        "가족이나 대리인이 위임받은 후 공연관람은 불가합니다",
        "서울특별시장상 총11명(최우수1,우수2,장려3)",
        "관내 초등학교 고학년(4~6학년) 선착순",
        "은평구 상징조형물 에코팟(Eco-Pod)은 통일로변에 있어요",
        "상당한 주의와 감독을 게을리하지 아니한 때",
    ],
)
def test_words_of_public_answers_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    "text", ["장영실 과학관 단체 관람 예약하려고요", "한우리 작은도서관 개관 시간 알려주세요"])
def test_a_name_shaped_word_before_a_place_word_is_a_place(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("[이재민판정]이재민 판정은 누가 합니까?", "이재민판정"),
        ("썸 기간이랑 사귀는 기간은 케이스 바이 케이스입니다.", "기간은 케이스 바이"),
        ("여의도 공원에서 여의도 한강까지", "여의도 한강"),
    ],
)
def test_a_word_taken_for_a_name_is_not_spread(text: str, word: str) -> None:
    assert word in mask(text).masked


def test_a_name_after_a_rank_and_before_any_word() -> None:
    assert _names("관할 파출소 경위 엄기현 인계.") == ["엄기현"]
    assert _names("담당 주무관 하지원 확인했습니다") == ["하지원"]


@pytest.mark.parametrize(
    "text",
    ["팀장 회의가 있어서 늦어요", "주무관 연결해 주세요", "반장 선거 언제예요", "통장 주인은 제 아내예요",
     "관장 이취임식 행사", "형사 사건 접수", "원장 인사 말씀", "통장 재발급 신청이요"],
)
def test_a_rank_before_ordinary_words_stays(text: str) -> None:
    assert _names(text) == []
