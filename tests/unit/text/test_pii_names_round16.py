"""Issue 12, session 19 (sixteenth round, names): families written from tune set W1's misses and
false masks (and T1, S1) and from probes in other words - each with the look-alikes that must
stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _names(text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == "name"]


@pytest.mark.parametrize(
    ("text", "given"),
    [("딸 이름이 이슬이에요 정이슬", "이슬"), ("손주 이름이 한결이라고 지었어요 문한결", "한결"),
     ("성함이 정란이었어요 허정란", "정란")],
)
def test_a_given_name_before_the_copulas_own_i(text: str, given: str) -> None:
    # the copula's 이 after a consonant is no part of the name (이슬, not 이슬이)
    assert given in _names(text)


@pytest.mark.parametrize(
    ("text", "names"),
    [("제 이름은 모 씨에 가 자 윤 자, 모가윤이요", ["모 씨에 가 자 윤 자", "모가윤"]),
     ("성은 길이고 다 자 은 자예요 길다은", ["길이고 다 자 은 자", "길다은"])],
)
def test_the_surname_said_as_such_before_a_spelled_given_name(
        text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_a_given_name_said_alone_and_in_the_full_name_spreads() -> None:
    # 단비 is a word (sweet rain); said alone and behind its surname it is a name each time
    text = "아이 이름이 새봄이에요, 하새봄. 새봄이가 일곱 살이고요"
    assert _names(text).count("새봄") == 2 and "하새봄" in _names(text)


def test_a_foreign_residents_one_word_name_said_again() -> None:
    text = "우즈베크 출신 동료 바흐롬이랑 일해요 바흐롬은 우즈베키스탄 사람이에요"
    assert _names(text).count("바흐롬") == 2


def test_a_word_the_detector_took_is_not_spread_without_a_foreign_resident() -> None:
    # no foreign resident is spoken of: an unknown word is not repeated as a name
    text = "학도암 가는 길 알려주세요 학도암은 노원구에 있어요"
    assert _names(text).count("학도암") <= 1


def test_a_foreign_names_i_before_ssi() -> None:
    assert "탕 메이" in _names("탕 메이 씨가 집주인이에요")  # not 탕 메 and a particle


@pytest.mark.parametrize(
    ("text", "name"),
    [("이름: 왕 샤오밍 (王小明) 입니다", "王小明"), ("성명 김하늘 한자로는 金하늘 아니고 金夏訥", "金夏訥")],
)
def test_a_name_in_chinese_characters_after_a_naming_word(text: str, name: str) -> None:
    assert name in _names(text)


def test_chinese_characters_with_no_naming_word_stay() -> None:
    assert _names("서울特別市 시청 앞 광장 행사") == []


def test_a_lower_case_name_said_to_be_written_so() -> None:
    assert "rosa mendez" in _names("rosa mendez 라고 영문 소문자로 썼어요")


def test_a_lower_case_phrase_without_a_naming_word_stays() -> None:
    assert _names("택배 송장에 fragile item 이라고 적혀 있어요") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("저 네팔에서 왔어요 라주 타망 구룽 이에요", "라주 타망 구룽"),
     ("카자흐스탄 고려인 최 알렉산드르 입니다", "최 알렉산드르")],
)
def test_a_foreign_residents_name_after_where_they_came_from(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text", ["인도네시아에서 왔고 제 남편이에요", "몽골에서 왔어요 비자 연장하려고요",
             "중국 사람 왕 씨가 가게 주인이에요"],
)
def test_after_where_they_came_from_no_name_is_said(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    "text", ["제 이름이 좀 길어요 그냥 줄여서 불러 주세요", "우리 애 이름이 어려워서 다들 틀려요",
             "외국 이름은 한국말로 옮기기 어려워요"],
)
def test_a_verb_after_a_naming_word_is_no_name(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    "text", ["차 이름 아반떼 은색이에요", "가게 이름은 행복마트예요", "차종 이름이 소렌토라서요"],
)
def test_a_things_name_is_no_persons(text: str) -> None:
    assert _names(text) == []


def test_a_persons_name_after_a_things_name_is_still_one() -> None:
    assert "하민서" in _names("가게 이름은 모르겠고 사장님 이름은 하민서예요")


def test_digits_said_aloud_are_no_name() -> None:
    assert _names("계좌 끝자리가 일공구 사팔이에요") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("신청인은 장녀 변수아이고 연락처는 따로 드릴게요", "변수아"),
     ("보호자는 큰딸 노은희예요", "노은희")],
)
def test_a_kin_word_between_the_cue_and_the_name(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [("오빠 하준석 대신 서류 내러 왔어요", "하준석"), ("막내 오태민 명의로 된 통장이에요", "오태민")],
)
def test_a_kin_word_then_a_name_standing_for_someone(text: str, name: str) -> None:
    assert name in _names(text)


def test_a_kin_word_before_an_ordinary_word_stays() -> None:
    assert _names("동생 한동안 대신 제가 갈게요") == []


def test_a_rare_surname_after_a_strong_naming_word() -> None:
    assert _names("외할머니 성함은 목순애예요") == ["목순애"]
    assert _names("목요일에 목소리가 안 나와요") == []


def test_a_name_before_a_dialect_copula() -> None:
    assert _names("우리 아부지 성함이 계만석유") == ["계만석"]


def test_a_two_syllable_name_spelled_then_said() -> None:
    assert _names("외자라서요 석 진, 석진이요") == ["석 진", "석진"]
    assert _names("한 번 한번 더 말해 주세요") == []


def test_a_name_said_to_be_what_a_record_holds() -> None:
    assert "하정숙" in _names("통장 명의는 하정숙으로 되어 있어요")


def test_a_noun_and_its_particle_after_a_naming_word() -> None:
    assert _names("이름은 본명으로 적어 주세요") == []


def test_a_young_persons_name_before_gun_or_yang() -> None:
    assert _names("홍수아 군 말고 홍수아 양이에요") == ["홍수아", "홍수아"]
    assert _names("경기도 양평군 양 많이 주세요") == []
    assert _names("시리아 군 병력이 늘었다") == []


def test_a_name_spelled_after_a_signature_word() -> None:
    assert _names("확인 서명 : 엄 가 윤") == ["엄 가 윤"]


def test_the_word_for_a_surname_after_a_naming_word_is_no_name() -> None:
    assert "성이" not in _names("성함이 성이 어떻게 되세요? 채 씨요 채하루")


def test_a_word_said_while_remembering_is_no_name() -> None:
    assert _names("그 사람 이름이 뭐였더라 아무튼 키가 커요") == []


def test_a_word_said_while_remembering_before_the_name() -> None:
    assert _names("담당자 이름이 아마 선우하민이었을 거예요") == ["선우하민"]


@pytest.mark.parametrize(
    ("text", "name"),
    [("필리핀 친구 이름이 조슈아 멘도사인데 연락이 끊겼어요", "조슈아 멘도사"),
     ("우즈벡 이름으로는 샤흐졸 토시예프예요", "샤흐졸 토시예프"),
     ("몽골 사람 오윤체첵 예요 비자 문의요", "오윤체첵")],
)
def test_a_foreign_name_after_its_countrys_naming_word(text: str, name: str) -> None:
    assert name in _names(text)


def test_an_elders_copula_said_apart_is_no_part_of_the_name() -> None:
    assert _names("며느리가 베트남 사람인디 이름이 레 티 투 여") == ["레 티 투"]


def test_an_adjective_after_a_foreign_naming_word_is_no_name() -> None:
    assert _names("인도네시아 이름이 길어요 그냥 줄여서 불러요") == []


def test_an_honorific_verb_and_a_title_are_no_part_of_a_name() -> None:
    assert _names("저희 시어머니 되시는 분이 탁정례 여사님이세요") == ["탁정례"]


@pytest.mark.parametrize(
    ("text", "names"),
    [("위임장에 위임인 계나래 수임인 계소윤", ["계나래", "계소윤"]),
     ("주문자 변태웅 수령인 변다현 010-2231-0098", ["변태웅", "변다현"])],
)
def test_a_forms_parties_then_a_name(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_a_forms_party_before_an_ordinary_word_stays() -> None:
    assert _names("대리인 방문시 위임장 지참, 운전자 피로도 증가") == []


def test_a_latin_name_after_an_account_holder_word() -> None:
    assert "PHAM VAN LOC" in _names("예금주 PHAM VAN LOC 으로 되어 있어요")


def test_a_verb_and_a_nickname_word_after_a_naming_word_are_no_name() -> None:
    assert _names("그 사람 이름은 모르겠는데 별명이 곰돌이래요") == []


def test_one_unknown_word_between_a_naming_word_and_ssi() -> None:
    assert _names("요양보호사 이름이 응아 씨고 성은 몰라요") == ["응아"]
    assert _names("이름이 아무개 씨라고 치면") == []


def test_the_answer_after_a_speakers_label() -> None:
    assert _names("A: 성함이요? B: 모하진요") == ["모하진"]
    assert _names("성함이 어떻게 되세요? 고객: 잠깐만요") == []


def test_a_lettered_wing_right_after_a_buildings_number() -> None:
    spans = [s.text for s in find("마포구 성미산로 17길 22 나동 302호 누수 신고요") if s.type == "address"]
    assert "나동 302호" in spans
    assert [s for s in find("시청 별관 나동 201호 회의실") if s.type == "address"] == []


@pytest.mark.parametrize(
    "text", ["시아버님이 오셨어요 시어머님도 같이요", "옆집 아가씨가 도와줬어요",
             "성함 끝자리가 뭐였는지 기억이 안 나요"],
)
def test_kin_and_position_words_are_no_name(text: str) -> None:
    assert _names(text) == []


def test_a_name_before_a_closing_at_the_end() -> None:
    assert _names("빠른 처리 부탁드립니다 -변지유 드림") == ["변지유"]
    assert _names("추석 맞이 선물 드림 이벤트") == []
