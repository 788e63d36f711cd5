from __future__ import annotations

import pytest

from dasan.text.crisis import detect_crisis


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("너무 힘들어서 죽고 싶어요", "suicide"),
        ("이제 다 끝내고 싶어요", "suicide"),
        ("한강 다리에서 뛰어내리려고요", "suicide"),
        ("유서를 써 놨어요", "suicide"),
        ("더 이상 살 이유가 없어요", "suicide"),
        ("남편이 저를 때려요 살려주세요", "danger"),
        ("불이 났어요 빨리 와 주세요", "danger"),
        ("아이가 쓰러졌어요 숨을 안 쉬어요", "danger"),
    ],
)
def test_crisis_detected(text: str, kind: str) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.kind == kind
    assert result.spans


@pytest.mark.parametrize(
    "text",
    [
        "더워 죽겠다",
        "배고파 죽겠어요",
        "자살예방센터 전화번호 알려주세요",
        "극단적 선택 기사 봤어요",
        "가스 요금 문의드립니다",
        "불법 주차 신고",
    ],
)
def test_talk_about_the_topic_is_not_a_crisis(text: str) -> None:
    assert not detect_crisis(text).crisis


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        detect_crisis(None)  # type: ignore[arg-type]
