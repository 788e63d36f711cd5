"""Abuse screening for a public call center: profanity, insults, threats, sexual harassment.

``screen(text)`` combines two parts:

1. lexicon rules (:mod:`dasan.text.abuse_rules`) over obfuscation-folded views of the text -
   they give the category, the severity and the spans, and know the ordinary words that look
   alike (시발점, 병신년 as a year, 새끼 고양이, 개나리, 미친 듯이);
2. a small character n-gram classifier (:mod:`dasan.text.abuse_model`) trained on the curse
   dataset, which catches abuse that no rule lists (mocking, slurs in new spellings). It is
   used when available; without ``../shared`` the rules work alone.

Without the classifier any rule hit makes a message abusive. With it, the stacked probability
(n-grams + rule hits) decides, except that threats, sexual harassment and profanity aimed at
the agent always count (rule severity >= ``DASAN_ABUSE_STRONG_SEVERITY``, default 3; set 2 to
let every strong lexicon word count whatever the model says); the rule hits name the category,
and a message only the model flags is an ``insult``.
Profanity or insults aimed at the agent (너, 당신, 상담원 ...) are one level more severe.
A citizen in crisis (:mod:`dasan.text.crisis`) is flagged ``crisis=True`` and never made
abusive by the classifier alone: despair is not abuse.

Severity: 0 none, 1 mild (존나, 바보), 2 abusive (욕설, 모욕), 3 severe (threats, sexual
harassment, directed profanity).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from dasan.errors import Invalid
from dasan.text import abuse_fast, abuse_rules
from dasan.text.abuse_model import AbuseClassifier
from dasan.text.crisis import CrisisResult, detect_crisis, detect_crisis_many

CATEGORIES: tuple[str, ...] = ("profanity", "insult", "threat", "sexual", "none")
MAX_TEXT_CHARS = 20_000
# Order used to pick the category of a message with hits of several kinds at the same severity.
_RANK = {"threat": 4, "sexual": 3, "profanity": 2, "insult": 1}
# Rule hits of at least this severity make a message abusive whatever the classifier says.
def strong_severity() -> int:
    """`DASAN_ABUSE_STRONG_SEVERITY` (default 3), read from the settings when needed."""
    from dasan.config import get_settings

    return get_settings().abuse_strong_severity


@dataclass(frozen=True)
class AbuseSpan:
    start: int
    end: int
    category: str
    severity: int
    text: str
    source: str  # rule name, or "model"

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "severity": self.severity,
            "text": self.text,
            "source": self.source,
        }


@dataclass(frozen=True)
class Screening:
    category: str = "none"  # profanity | insult | threat | sexual | none
    severity: int = 0  # 0..3
    spans: list[AbuseSpan] = field(default_factory=list)
    crisis: bool = False
    crisis_kind: str | None = None
    score: float | None = None  # classifier probability, when the classifier ran
    crisis_severity: int = 0
    crisis_imminent: bool = False

    @property
    def is_abusive(self) -> bool:
        return self.category != "none" and self.severity > 0

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "severity": self.severity,
            "is_abusive": self.is_abusive,
            "spans": [s.to_dict() for s in self.spans],
            "crisis": self.crisis,
            "crisis_kind": self.crisis_kind,
            "crisis_severity": self.crisis_severity,
            "crisis_imminent": self.crisis_imminent,
            "score": None if self.score is None else round(self.score, 4),
        }


def _check(text: object) -> str:
    if not isinstance(text, str):
        raise Invalid(f"text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise Invalid(f"text too long: {len(text)} characters (limit {MAX_TEXT_CHARS})")
    return text


_TOKEN = re.compile(r"\S+")
# The classifier as screening scores with it (`abuse_fast.screening_model`).
Scorer = AbuseClassifier | abuse_fast.CompiledClassifier


def _model_span(text: str, clf: Scorer) -> AbuseSpan | None:
    """The word the n-gram model finds most abusive on its own (to show the agent)."""
    words = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    if not words:
        return None
    probs = clf.ngram_proba([w for _, _, w in words])
    best = int(probs.argmax())
    s, e, w = words[best]
    return AbuseSpan(s, e, "insult", 1, w, "model")


def _decide(
    text: str,
    hits: list[abuse_rules.Hit],
    prob: float | None,
    crisis: CrisisResult,
    clf: Scorer | None,
) -> Screening:
    """Rules decide alone without a model; with one, its probability decides, except that
    threats and sexual harassment (severity 3 rules) always count."""
    directed = abuse_rules.is_directed(text)
    strong = strong_severity()
    severe = [h for h in hits if h.severity + int(directed) >= strong]
    if clf is None or prob is None:
        abusive = bool(hits)
    else:
        abusive = bool(severe) or (prob >= clf.threshold and not (crisis.crisis and not hits))
    if not abusive:
        return Screening(crisis=crisis.crisis, crisis_kind=crisis.kind, score=prob,
                         crisis_severity=crisis.severity, crisis_imminent=crisis.imminent)
    spans = [
        AbuseSpan(h.start, h.end, h.category, h.severity, text[h.start:h.end], h.rule)
        for h in hits
    ]
    if not spans and clf is not None:
        span = _model_span(text, clf)
        spans = [span] if span is not None else [AbuseSpan(0, len(text), "insult", 1, text,
                                                            "model")]
    top = max(spans, key=lambda s: (s.severity, _RANK[s.category]))
    severity = top.severity
    if top.category in ("profanity", "insult") and severity < 3 and directed:
        severity += 1
    if top.source == "model" and prob is not None and prob >= 0.9:
        severity = max(severity, 2)
    return Screening(top.category, severity, spans, crisis.crisis, crisis.kind, prob,
                     crisis.severity, crisis.imminent)


def screen(text: str, *, use_classifier: bool = True) -> Screening:
    """Screen one message: abuse category, severity 0-3, spans, and the crisis flag."""
    text = _check(text)
    if not text.strip():
        return Screening()
    scanned = abuse_rules.scan_with_cleared(text)
    crisis = detect_crisis(text)
    clf = abuse_fast.screening_model() if use_classifier else None
    prob = (float(clf.predict_proba([text], [scanned])[0]) if clf is not None else None)
    return _decide(text, scanned[0], prob, crisis, clf)


def screen_many(texts: Sequence[str], *, use_classifier: bool = True) -> list[Screening]:
    """Screen a batch (the classifier runs once over all texts)."""
    checked = [_check(t) for t in texts]
    scans = [abuse_rules.scan_with_cleared(t) for t in checked]
    hits = [s[0] for s in scans]
    clf = abuse_fast.screening_model() if use_classifier else None
    probs = (clf.predict_proba(checked, scans) if clf is not None and checked else None)
    crises = detect_crisis_many(checked)
    out: list[Screening] = []
    for i, text in enumerate(checked):
        if not text.strip():
            out.append(Screening())
            continue
        prob = float(probs[i]) if probs is not None else None
        out.append(_decide(text, hits[i], prob, crises[i], clf))
    return out
