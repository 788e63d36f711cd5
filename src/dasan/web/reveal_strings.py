"""The strings of the 원문 보기 control (``/static/reveal.js``): key -> (Korean, English).

Shown on the staff screens that show masked text to a role that may reveal it (the
supervisor's monitor, the QA evaluation page, the legal case's statement, the agent desk: the
agent's own open chat, and a call's live transcript for supervisors and admins); the page embeds
them as JSON (``templates/_reveal.html``) in the screen's language.
"""

from __future__ import annotations

from dasan.web.citizen_language import translate

REVEAL_STRINGS: dict[str, tuple[str, str]] = {
    "open": ("원문 보기", "Show raw text"),
    "reason": ("열람 사유 (필수, 감사 기록에 남습니다)",
               "Reason (required; recorded in the audit log)"),
    "reason_hint": ("예: 상담사 응대 민원 확인, 수사기관 요청 공문 제2026-118호",
                    "e.g. complaint about the agent, police request no. 2026-118"),
    "reason_short": ("사유를 5자 이상 적어 주세요.", "Write a reason of at least 5 characters."),
    "submit": ("원문 보기", "Show raw text"),
    "cancel": ("취소", "Cancel"),
    "hide": ("원문 숨기기", "Hide raw text"),
    "banner": ("개인정보 원문 표시 중 (사유: {reason}). 이 열람은 감사 기록에 남았습니다.",
               "Showing raw personal data (reason: {reason}). This access is in the audit log."),
    "marker": ("원문", "Raw"),
    "none": ("이 대화에는 가려진 개인정보가 없습니다. 열람은 감사 기록에 남았습니다.",
             "This conversation has no masked personal data. The access is in the audit log."),
    "later_masked": ("원문을 연 뒤에 온 메시지는 가려진 채로 보입니다.",
                     "Messages that came after the reveal stay masked."),
    "working": ("원문을 불러오는 중…", "Loading the raw text…"),
    "error": ("원문을 볼 수 없습니다", "Could not show the raw text"),
}


def reveal_strings(lang: str) -> dict[str, str]:
    """The control's strings in a staff screen's language (Korean or English)."""
    return {k: translate(ko, en, lang) for k, (ko, en) in REVEAL_STRINGS.items()}
