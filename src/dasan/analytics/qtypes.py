"""Question types for policy-issue analysis, by keyword rules on the question text."""

from __future__ import annotations

# (code, Korean label, English label, trigger words). First matching rule wins, so the more
# specific intents (refund, loss) come before the broad ones (usage, application).
TYPE_RULES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("refund", "환불", "Refund", ("환불", "반환", "환급")),
    ("loss", "분실", "Loss / theft", ("분실", "도난", "잃어")),
    ("charging", "충전", "Charging / top-up", ("충전", "충천")),
    ("issuance", "발급", "Issuance", ("발급", "구매", "구입", "재발급", "발행")),
    ("discount", "할인", "Discount", ("할인", "감면", "청년", "혜택")),
    ("usage", "사용처", "Where / how to use", ("사용처", "사용", "이용", "가맹점", "적용")),
    ("payment", "요금·납부", "Fees / payment", ("요금", "납부", "결제", "가격")),
    ("application", "신청", "Application", ("신청", "접수", "등록", "가입")),
    ("eligibility", "자격", "Eligibility", ("자격", "대상", "조건")),
    ("report", "신고", "Report", ("신고", "민원")),
)
OTHER = ("other", "기타", "Other")


def type_case_sql(column: str = "c.subject") -> str:
    """A DuckDB CASE expression mapping a question to its type code."""
    arms = []
    for code, _ko, _en, words in TYPE_RULES:
        cond = " OR ".join(f"contains({column}, '{w}')" for w in words)
        arms.append(f"WHEN {cond} THEN '{code}'")
    return f"CASE {' '.join(arms)} ELSE '{OTHER[0]}' END"


def classify_type(text: str | None) -> str:
    """The same rules in Python (for a single question)."""
    text = text or ""
    for code, _ko, _en, words in TYPE_RULES:
        if any(w in text for w in words):
            return code
    return OTHER[0]


TYPE_LABELS = {code: (ko, en) for code, ko, en, _w in TYPE_RULES} | {OTHER[0]: OTHER[1:]}
