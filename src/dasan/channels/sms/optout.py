"""Opt-out words (수신거부): a citizen who texts one gets no more outbound SMS.

Only a message that *is* an opt-out word counts ("수신거부", "STOP"); a question that mentions
one ("수신거부 어떻게 하나요?") is a question for an agent.
"""

from __future__ import annotations

import re

OPT_OUT_WORDS = frozenset({
    "수신거부", "수신거절", "수신중지", "수신차단", "문자거부", "문자수신거부", "거부", "차단",
    "그만", "발송중지", "stop", "unsubscribe", "end", "cancel", "optout",
})
OPT_IN_WORDS = frozenset({"수신동의", "수신허용", "start", "unstop"})
_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def _normal(text: str) -> str:
    return _STRIP.sub("", text).lower()


def opt_out_word(text: str) -> str | None:
    """The opt-out word the message consists of, or None."""
    n = _normal(text)
    return n if n in OPT_OUT_WORDS else None


def opt_in_word(text: str) -> str | None:
    n = _normal(text)
    return n if n in OPT_IN_WORDS else None
