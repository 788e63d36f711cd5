"""A gentle in-chat notice when a citizen types a resident or card number.

The number is masked for staff either way; the notice tells the citizen that they need not
share it (Korean first, English in the message flags for the English chat screen).
"""

from __future__ import annotations

from collections.abc import Iterable

from dasan.text.pii import PiiSpan, find

SENSITIVE_TYPES = frozenset({"rrn", "foreigner_rrn", "card", "passport", "driver_licence",
                             "health_insurance"})
NOTICE_KO = (
    "개인정보 보호를 위해 주민등록번호나 카드번호 같은 민감한 번호는 채팅에 입력하지 않으셔도 "
    "됩니다. 입력하신 번호는 상담사에게 가려져 표시됩니다."
)
NOTICE_EN = (
    "For your privacy, there is no need to type resident registration or card numbers in the "
    "chat. Numbers you typed are hidden from the agent."
)


def sensitive_notice(body: str, spans: Iterable[PiiSpan] | None = None) -> dict[str, str] | None:
    """The notice (``{"ko", "en", "types"}``) when ``body`` holds a sensitive number, else None.
    `spans`: what masking ``body`` found already (all types), so the text is not read twice."""
    if spans is None:
        spans = find(body, SENSITIVE_TYPES)
    types = sorted({s.type for s in spans if s.type in SENSITIVE_TYPES})
    if not types:
        return None
    return {"ko": NOTICE_KO, "en": NOTICE_EN, "types": ",".join(types)}
