"""The casual-register view of crisis detection (text/crisis_casual.py) and the first stage on
how people type in a chat: 반말, slang, typos, nominal endings, spacing, laughter."""

from __future__ import annotations

import pytest

from dasan.text.crisis import detect_crisis_many
from dasan.text.crisis_casual import casual_view
from dasan.text.normalize import light_view


def first_stage(text: str) -> tuple[bool, str | None]:
    """The rules and the first classifier, without the second stage (judged in its own tests)."""
    r = detect_crisis_many([text], use_gate=False)[0]
    return r.crisis, r.kind


@pytest.mark.parametrize(
    ("text", "standard"),
    [
        ("죽고시퍼 ㅠㅠ", "죽고싶어 ㅠㅠ"),  # a sound spelling
        ("죽구 십다", "죽고 싶다"),  # two slips
        ("살기실타", "살기싫다"),
        ("뒤지고 싶다", "죽고 싶다"),  # slang for 죽다 in a wish
        ("ㅈㅅ하고 싶다", "자살하고 싶다"),
        ("자살각이다", "자살하고 싶다"),
        ("할아버지 쓰러짐 숨 안쉼", "할아버지 쓰러졌어 숨 안쉬었어"),  # nominal endings
        ("전기 끊김", "전기 끊겼어"),
        ("돈 없음", "돈 없어"),
        ("지금 옥상임", "지금 옥상이야"),  # the copula
        ("다리 위임", "다리 위야"),
        ("죽 고 싶 다", "죽고싶다"),  # split syllables
        ("죽고😭싶어", "죽고 싶어"),  # an emoji, crying jamo, dots inside a phrase
        ("살기ㅠㅠ싫어", "살기 싫어"),
        ("죽고..싶다", "죽고 싶다"),
        ("살 의미 1도 없어", "살 의미 하나도 없어"),
        ("죽는 법 있음?", "죽는 방법 있어?"),
        ("아빠가 엄마 패고 있어", "아빠가 엄마 때리고 있어"),  # slang: 패다 is 때리다
    ],
)
def test_casual_forms_become_standard_ones(text: str, standard: str) -> None:
    assert casual_view(light_view(text)).text == standard


@pytest.mark.parametrize(
    "text",
    ["ㅈㅅ 늦었어", "ㅈㅅ합니다", "ㅈㅅ해 ㅠ",  # ㅈㅅ alone or with 해/합니다 is 죄송 (sorry)
     "지금 요즘 사람 마음", "자존심 상해", "농담 아님", "실패 패키지", "강남 가자"],
)
def test_words_that_only_look_casual_are_kept(text: str) -> None:
    view = casual_view(light_view(text))
    assert "자살" not in view.text and "때리" not in view.text
    assert view.text.split()[0] == light_view(text).text.split()[0]


def test_the_casual_view_maps_back_to_the_original_text() -> None:
    text = "할아버지 쓰러짐 숨 안쉼"
    view = casual_view(light_view(text))
    assert len(view.index) == len(view.text)
    start = view.text.index("쓰러졌어")
    assert text[view.index[start]:view.index[start + len("쓰러졌어") - 1] + 1] == "쓰러짐"
    r = detect_crisis_many([text], use_gate=False)[0]
    assert r.crisis and r.kind == "emergency"
    assert all(0 <= a < b <= len(text) for a, b in r.spans)


# Each casual crisis beside a casual look-alike with the same word (from the casual tune set).
@pytest.mark.parametrize(
    ("crisis_text", "kind", "look_alike"),
    [
        ("죽고시퍼 ㅠㅠ", "suicide", "보고싶어 죽겠어 ㅠㅠ"),
        ("뒤지고 싶다 그냥", "suicide", "뒤지게 맛있다"),
        ("ㅈㅅ할까 고민중", "suicide", "ㅈㅅㅈㅅ 내가 잘못함"),
        ("그만 살래", "suicide", "그만 먹을래 배불러"),
        ("이제 다 끝낼래", "suicide", "과제 다 끝내고 싶어"),
        ("죽을래 그냥", "suicide", "너 죽을래? ㅋㅋ"),
        ("안 아프게 죽는 법 있음?", "suicide", "안 아프게 주사 맞는 법 있음?"),
        ("지금 옥상임", "suicide", "옥상 정원 예쁘다"),
        ("아빠가 엄마 패고 있어", "violence", "아빠가 고기 굽고 있어"),
        ("남편이 칼들고 위협해 지금", "violence", "남편이 칼 들고 수박 자르는 중"),
        ("전여친이 집앞에 와서 안가", "violence", "친구가 집앞에 와서 같이 나감"),
        ("계부가 나 맨날 때려", "abuse", "아빠가 나 맨날 놀려 ㅋㅋ"),
        ("애가 맨날 맞고 와 몸에 멍투성이", "abuse", "애가 넘어져서 무릎에 멍 들었어"),
        ("엄마 쓰러짐 어떡해", "emergency", "피곤해서 쓰러질듯"),
        ("집에 불남 ㅠ", "emergency", "분위기 불남 ㅋㅋ"),
        ("돈 한푼도 없음 며칠째 굶음", "destitution", "다이어트 한다고 아침 굶음"),
        ("전기 끊김 ㅠ 애들 추워해", "destitution", "와이파이 끊김 ㅠ"),
        ("갈데없어 길에서 자야돼", "destitution", "갈 데 없어 심심해"),
        ("옆집 할머니 며칠째 안보여", "neighbour", "옆집 할머니 오늘 시장 가심"),
    ],
)
def test_a_casual_crisis_is_found_and_its_look_alike_is_not(
        crisis_text: str, kind: str, look_alike: str) -> None:
    assert first_stage(crisis_text) == (True, kind)
    assert first_stage(look_alike)[0] is False


def test_laughter_marks_a_wish_as_hyperbole_but_never_means_or_places() -> None:
    # the policy of docs/crisis.md ("casual register")
    assert first_stage("과제 때문에 죽고 싶다 ㅋㅋ")[0] is False
    assert first_stage("월요일 살기싫어 ㅎㅎ")[0] is False
    assert first_stage("동생이 베개로 때림 ㅋㅋ")[0] is False
    assert first_stage("약 다 먹었어 ㅋㅋ 이제 끝") == (True, "suicide")
    assert first_stage("손목 그었어 ㅋㅋ") == (True, "suicide")
    assert first_stage("지금 옥상이야 ㅎㅎ") == (True, "suicide")


def test_asking_how_to_die_is_kept_by_the_second_stage() -> None:
    for text in ("어떻게 하면 안 아프게 죽을 수 있어?", "수면제 몇 알 먹으면 죽어?"):
        r = detect_crisis_many([text], channel="chat")[0]
        assert r.crisis and r.kind == "suicide"
