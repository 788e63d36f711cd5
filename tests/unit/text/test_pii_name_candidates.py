"""Issue 12, the candidate step: kinds of names the rules never proposed on set L (written blind),
each with a look-alike of the same shape that must stay unmasked."""

from __future__ import annotations

import pytest

from dasan.text import pii, pii_name_model, pii_names


def _proposed(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in pii_name_model.candidates(text)]


@pytest.mark.parametrize(("text", "name"), [
    # particles a name takes that were no ending before
    ("송혜원까지 포함해서 가구원이 네 명이에요", "송혜원"),
    ("신유진처럼 저도 청년월세 받을 수 있어요?", "신유진"),
    ("오채원부터 먼저 접수해 주세요", "오채원"),
    ("전민성이며 전민경이며 다 제 자식들이에요", "전민경"),
    ("한지호더러 오라고 했는데 안 왔대요", "한지호"),
    ("유다인이한테서 연락 오면 알려주세요", "유다인"),
    # a word before an honorific or a kin title, surname or not
    ("후승재 님 주민등록 등본 발급", "후승재"),
    ("덕배 아저씨가 폐지를 길가에 쌓아 놔서요", "덕배"),
    # 이 then a particle after a consonant: a given name even when it is also a word
    ("다운이가 어린이집에서 다쳐서 왔어요", "다운"),
    # after a word that joins two names, a Korean name stays one (not a foreign name's end)
    ("강지훈하고 조은비가 같이 사는데요", "조은비"),
    # the second of two names joined by 이랑
    ("철민이랑 수희가 둘 다 졸업이에요", "수희"),
    # a word no dictionary knows, with a particle, opening the message
    ("알렉세이가 우리 센터 다니는 아이예요", "알렉세이"),
    # where a foreign resident comes from, then the name
    ("저 우즈베키스탄 아지즈 카리모프인데 월세 문제로요", "아지즈"),
])
def test_the_candidate_step_proposes_it(text: str, name: str) -> None:
    assert name in _proposed(text)


@pytest.mark.parametrize("text", [
    "이번 달까지 신청하면 돼요?",
    "주민센터처럼 구청에서도 발급돼요?",
    "내일부터 접수 시작이에요",
    "옆집 할머니가 며칠째 안 보이세요",
    "베트남 며느리가 한국어를 잘 못해서 대신 전화했어요",
    "거북이가 물속에서 걷고 있다",
    "엄마랑 아빠가 같이 가요",
    "주민등록등본이 필요해요",
])
def test_a_look_alike_is_not_masked(text: str) -> None:
    assert not [s for s in pii.find(text) if s.type == "name"]


@pytest.mark.parametrize(("text", "name"), [
    ("최. 정. 훈. 이렇게 또박또박 적어주세요", "최. 정. 훈"),
    ("김-하-은 이름이 그렇게 돼요", "김-하-은"),
    ("송 지 효 이렇게 띄어서 적으시면 안 돼요", "송 지 효"),
    ("강. 다. 니. 엘 네 글자요", "강. 다. 니. 엘"),
    ("N-G-U-Y-E-N T-H-I L-A-N 이렇게 스펠링 불러드릴게요", "N-G-U-Y-E-N T-H-I L-A-N"),
    ("이름 스펠링이 K-I-M M-I-N-S-O-O예요", "K-I-M M-I-N-S-O-O"),
])
def test_a_name_spelled_out_with_no_cue_before_it(text: str, name: str) -> None:
    assert [text[s:e] for _, s, e, _ in pii_names.spelled_names(text)] == [name]
    assert name not in pii.mask(text).masked


@pytest.mark.parametrize("text", [
    "이 건 이렇게 처리됩니다",
    "이 분 이렇게 오셨어요",
    "좀 더 이렇게 해 주세요",
    "한 번 더 이렇게요",
    "A-B-C 순서로 적어 주세요",
    "PM-2.5 농도가 높아요",
])
def test_words_one_syllable_apart_are_no_spelled_name(text: str) -> None:
    assert list(pii_names.spelled_names(text)) == []


@pytest.mark.parametrize(("text", "names"), [
    ("Michael Johnson here, 영어 상담 가능한가요?", ["Michael Johnson"]),
    ("Pham Quoc Bao, Nguyen Thi Hoa 부부 다문화가정 지원 신청", ["Pham Quoc Bao", "Nguyen Thi Hoa"]),
    ("Dorj라고 합니다 외자처럼 불러요", ["Dorj"]),
])
def test_latin_names_in_a_list_before_here_and_alone_before_rago(text: str,
                                                                  names: list[str]) -> None:
    assert [text[s:e] for _, s, e, _ in pii_names.latin_names(text)] == names


@pytest.mark.parametrize("text", [
    "Hello World, Good Morning 입니다",
    "Kakao라고 합니다",
    "Zoom이라고 해요 그 화상회의",
    "Seoul Metro, Google Play 둘 다 안 돼요",
])
def test_latin_look_alikes_stay(text: str) -> None:
    assert list(pii_names.latin_names(text)) == []
