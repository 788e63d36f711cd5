from __future__ import annotations

import pytest

from dasan.errors import DomainError
from dasan.text.abuse import Screening, screen, screen_many
from dasan.text.abuse_rules import scan


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ㅅㅂ 왜 이렇게 안 돼", "profanity"),
        ("s1bal 진짜", "profanity"),
        ("tlqkf 장난하냐", "profanity"),
        ("씨@발 뭐하는 거야", "profanity"),
        ("시 발 놈아", "profanity"),
        ("병1신 같은 소리", "profanity"),
        ("개새끼야", "profanity"),
        ("좆같네 진짜", "profanity"),
        ("멍청한 놈 같으니", "insult"),
        ("니애미", "insult"),
        ("너 죽여버린다", "threat"),
        ("집 주소 알아내서 찾아가서 가만 안 둔다", "threat"),
        ("목소리 섹시하네 애인 있어?", "sexual"),
        ("가슴 크냐", "sexual"),
    ],
)
def test_abuse_is_caught_with_its_category(text: str, category: str) -> None:
    result = screen(text)
    assert result.is_abusive
    assert result.category == category
    assert result.severity >= 1
    for span in result.spans:
        assert text[span.start:span.end] == span.text


@pytest.mark.parametrize(
    "text",
    [
        "시발점이 어디인가요?",
        "시발역에서 출발하는 버스",
        "2016년은 병신년이었습니다",
        "병신년 새해 복 많이 받으세요",
        "새끼 고양이를 구조했어요",
        "강아지가 새끼를 낳았어요",
        "새끼손가락을 다쳤어요",
        "개나리가 피었어요",
        "미친 듯이 더운 날씨네요",
        "껌을 씹다가 이가 아팠어요",
        "꿈을 좇아서 서울에 왔어요",
        "모기 죽이는 약은 어디서 받나요",
        "쓰레기 배출 요일이 언제인가요",
        "불이 꺼져 있어요",
        "다시 발견했어요",
        "한남동 주민센터 위치",
        "홍어 삼합 파는 곳",
        "틀니 지원 사업 신청",
        "가축전염병비발생확인서 발급",
        "뉴타운지구 지정 여부",
        "나대지 소유자도 분양 대상인가요",
        "성희롱 신고는 어디에 하나요?",
    ],
)
def test_ordinary_words_are_not_abuse(text: str) -> None:
    result = screen(text)
    assert not result.is_abusive, (text, result)
    assert result.category == "none" and result.severity == 0


def test_threats_and_harassment_are_most_severe() -> None:
    assert screen("칼 들고 찾아간다").severity == 3
    assert screen("몸매 좋냐").severity == 3
    mild = screen("존나 느리네")
    assert mild.is_abusive and mild.severity == 1


def test_directed_profanity_is_more_severe() -> None:
    undirected = screen("아 씨발 또 안 되네")
    directed = screen("너 씨발 뭐야")
    assert undirected.severity == 2
    assert directed.severity == 3


def test_crisis_is_flagged_not_abuse() -> None:
    result = screen("너무 힘들어서 죽고 싶어요")
    assert result.crisis and result.crisis_kind == "suicide"
    assert not result.is_abusive
    both = screen("씨발 다 끝내고 싶어요")
    assert both.crisis and both.is_abusive


def test_empty_and_bad_input() -> None:
    assert screen("   ") == Screening()
    with pytest.raises(DomainError, match="must be a string"):
        screen(123)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="too long"):
        screen("가" * 50_000)


def test_batch_matches_single() -> None:
    texts = ["ㅅㅂ", "안녕하세요", "죽여버린다", ""]
    assert [s.category for s in screen_many(texts)] == [screen(t).category for t in texts]


def test_scan_spans_map_back_to_the_obfuscated_original() -> None:
    text = "아 씨 @ 발 진짜"
    hits = scan(text)
    assert hits
    assert text[hits[0].start:hits[0].end].replace(" ", "") == "씨@발"
