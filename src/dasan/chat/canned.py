"""Canned answers (상용구) on the agent desktop."""

from __future__ import annotations

CANNED: tuple[tuple[str, str, str], ...] = (
    ("greet", "인사", "안녕하세요, 120다산콜 상담사입니다. 무엇을 도와드릴까요?"),
    ("check", "확인 중", "확인해 드리겠습니다. 잠시만 기다려 주세요."),
    ("more", "추가 문의", "더 궁금하신 점이 있으실까요?"),
    ("transfer", "부서 안내",
     "해당 업무는 담당 부서 확인이 필요합니다. 담당 부서로 안내해 드리겠습니다."),
    ("privacy", "개인정보", "개인정보 보호를 위해 주민등록번호 등은 입력하지 말아 주세요."),
    ("close", "종료 인사", "이용해 주셔서 감사합니다. 좋은 하루 보내세요."),
)


def canned() -> list[dict[str, str]]:
    return [{"code": c, "label": label, "text": text} for c, label, text in CANNED]
