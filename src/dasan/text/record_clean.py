"""Text that goes into the record (wrap-up summaries, exports, reports) carries no personal data
and no verbatim profanity.

:func:`for_record` masks personal data and replaces each abusive span (the screen's rule hits:
profanity, insults, threats, sexual harassment, obfuscated forms) with a neutral label, so a
summary says *that* the citizen was abusive without repeating the words. When the classifier
alone calls a sentence abusive (no rule span), :func:`drop_abusive` lets the summariser leave the
sentence out.
"""

from __future__ import annotations

from dasan.text import abuse
from dasan.text.pii import mask

REDACTED_KO = "[부적절한 표현]"
FORCED_TERMINATION_KO = "욕설·폭언이 반복되어 상담이 강제 종료됨 (경고 2회 후)"
ABUSE_OMITTED_KO = "욕설·폭언 표현은 요약에서 생략함"


def redact_abuse(text: str) -> tuple[str, int]:
    """``text`` with every abusive rule span replaced by a label, and how many were replaced."""
    if not text:
        return text, 0
    spans = sorted(abuse.screen(text, use_classifier=False).spans, key=lambda s: (s.start, -s.end))
    out: list[str] = []
    pos = 0
    replaced = 0
    for span in spans:
        if span.start < pos:  # nested or overlapping hit of the same words
            pos = max(pos, span.end)
            continue
        out.append(text[pos:span.start])
        out.append(REDACTED_KO)
        # swallow the rest of the word so no stem of the abuse stays (개새 -> 개새끼야)
        end = span.end
        while end < len(text) and not text[end].isspace() and text[end] not in ".,!?":
            end += 1
        pos = end
        replaced += 1
    out.append(text[pos:])
    return "".join(out), replaced


def for_record(text: str | None) -> str:
    """Masked personal data, no verbatim profanity."""
    if not text:
        return ""
    return redact_abuse(mask(text).masked)[0]


def with_termination(summary: str, outcome: str | None) -> str:
    """A forced-terminated consultation's record says so, whatever else its summary holds."""
    if outcome != "forced_terminated" or FORCED_TERMINATION_KO in summary:
        return summary
    return f"{summary} / {FORCED_TERMINATION_KO}" if summary else FORCED_TERMINATION_KO


def is_abusive(text: str) -> bool:
    """The full screen (rules and, when loaded, the classifier)."""
    return abuse.screen(text).is_abusive
