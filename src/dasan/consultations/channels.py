"""The nine channels of 120 Dasan, outcomes and the ARS menu."""

from __future__ import annotations

from dataclasses import dataclass

from dasan.consultations import outcomes
from dasan.errors import BadRequest


@dataclass(frozen=True)
class Channel:
    code: str
    name_ko: str
    name_en: str
    annual_2023: int  # consultations in 2023 (seed figures; estimates where not published)
    live: bool  # handled by a person in real time (counts toward agent inflow)


# Published 2023 figures for phone, chatbot, smart report, SMS, sign language and portals;
# visible ARS, web and foreign-language volumes are not in the seed and are set small.
CHANNELS: tuple[Channel, ...] = (
    Channel("phone", "전화", "Phone", 3_693_948, True),
    Channel("visible_ars", "보이는 ARS", "Visible ARS", 96_000, False),
    Channel("sms", "문자", "SMS", 864_703, True),
    Channel("chatbot", "챗봇", "Chatbot (Seoul Talk)", 1_385_861, False),
    Channel("smart_report", "스마트 불편신고", "Smart complaint report", 1_054_433, True),
    Channel("portal", "민간포털", "Portals / SNS", 17_899, True),
    Channel("web", "홈페이지", "Web", 38_000, True),
    Channel("foreign_language", "외국어", "Foreign language", 52_000, True),
    Channel("sign_language", "수어", "Sign language", 21_439, True),
)
CHANNEL_BY_CODE = {c.code: c for c in CHANNELS}
# Contacts that run through the live chat room (`dasan.chat.hub`): the chatbot, the live web
# chat, and the sign-language video consultation (its signalling and text ride the chat's
# socket; ADR 0015). The floor counters' SQL mirrors this tuple.
CHAT_ROOM_CHANNELS: tuple[str, ...] = ("chatbot", "web", "sign_language")
SIGN_LANGUAGE = "sign_language"
_BY_NAME = {c.name_ko: c for c in CHANNELS} | {c.name_en.lower(): c for c in CHANNELS}

# Outcomes are defined once, in `dasan.consultations.outcomes` (ADR 0004).
OUTCOMES = outcomes.OUTCOMES
OUTCOME_LABELS_KO = outcomes.LABELS_KO

# ARS menu of the 120 line: 1 transport, 2 water, 3 emergency welfare & general administration,
# 9 foreign languages; 0 reaches a general agent.
ARS_MENU: dict[str, tuple[str, str, str]] = {
    "1": ("transport", "교통", "Transport"),
    "2": ("water", "상수도", "Water"),
    "3": ("welfare_admin", "긴급복지·일반행정", "Emergency welfare & general administration"),
    "9": ("foreign", "외국어", "Foreign languages"),
    "0": ("general", "일반상담", "General"),
}

CATEGORIES: tuple[str, ...] = (
    "행정",
    "경제",
    "복지",
    "환경",
    "주택도시계획",
    "문화관광",
    "교통",
    "안전",
    "건강",
    "여성가족",
)

LANGUAGES: tuple[str, ...] = ("ko", "en", "ja", "zh", "vi", "mn")


def resolve_channel(value: str) -> str:
    """Accept a channel code (`phone`) or its Korean/English name (`전화`, `Phone`)."""
    if value in CHANNEL_BY_CODE:
        return value
    found = _BY_NAME.get(value) or _BY_NAME.get(value.lower())
    if found is None:
        names = ", ".join(f"{c.code} ({c.name_ko})" for c in CHANNELS)
        raise BadRequest(f"unknown channel {value!r}; expected one of {names}")
    return found.code
