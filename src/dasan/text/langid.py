"""Language identification for routing to the foreign-language service.

Candidates are the languages the 120 Dasan Call Center serves in its foreign-language line that
matter most here: ``ko``, ``en``, ``ja``, ``zh``, ``vi``, ``mn``. lingua (restricted to these six)
does the work; a script pre-pass settles the cases lingua gets wrong for short, mixed messages in
Korea: a message that is mostly Hangul is Korean even when it names "bus card" in English, and a
message with kana is Japanese even when it is mostly kanji.
"""

from __future__ import annotations

import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from dasan.errors import Invalid

LANGUAGES: dict[str, Language] = {
    "ko": Language.KOREAN,
    "en": Language.ENGLISH,
    "ja": Language.JAPANESE,
    "zh": Language.CHINESE,
    "vi": Language.VIETNAMESE,
    "mn": Language.MONGOLIAN,
}
_CODES = {lang: code for code, lang in LANGUAGES.items()}
DEFAULT = "ko"
MAX_TEXT_CHARS = 20_000

_detector: LanguageDetector | None = None
_lock = threading.Lock()


def get_detector() -> LanguageDetector:
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = LanguageDetectorBuilder.from_languages(*LANGUAGES.values()).build()
    return _detector


def _script_counts(text: str) -> dict[str, int]:
    counts = {"hangul": 0, "kana": 0, "han": 0, "cyrillic": 0, "latin": 0}
    for ch in text:
        o = ord(ch)
        if 0xAC00 <= o <= 0xD7A3 or 0x3131 <= o <= 0x318E or 0x1100 <= o <= 0x11FF:
            counts["hangul"] += 1
        elif 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF:
            counts["kana"] += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            counts["han"] += 1
        elif 0x0400 <= o <= 0x04FF:
            counts["cyrillic"] += 1
        elif ch.isalpha() and (o < 0x0250 or 0x1E00 <= o <= 0x1EFF):
            counts["latin"] += 1
    return counts


def _check(text: object) -> str:
    if not isinstance(text, str):
        raise Invalid(f"text must be a string, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise Invalid(f"text too long: {len(text)} characters (limit {MAX_TEXT_CHARS})")
    return text


def language_scores(text: str) -> dict[str, float]:
    """Confidence per language code (sums to 1 when the text has letters; empty otherwise)."""
    text = _check(text)
    counts = _script_counts(text)
    letters = sum(counts.values())
    if letters == 0:
        return {}
    if counts["hangul"] >= 0.3 * letters:
        return {"ko": 1.0}
    if counts["kana"] > 0:
        return {"ja": 1.0}
    if counts["cyrillic"] >= 0.5 * letters:
        return {"mn": 1.0}
    if counts["han"] >= 0.5 * letters:
        return {"zh": 1.0}
    values = get_detector().compute_language_confidence_values(text)
    return {_CODES[v.language]: float(v.value) for v in values if v.value > 0}


def detect_language(text: str, default: str = DEFAULT) -> str:
    """One of ko, en, ja, zh, vi, mn; ``default`` when the text has no letters to go by."""
    if default not in LANGUAGES:
        raise Invalid(f"unknown default language {default!r}; choose from {list(LANGUAGES)}")
    scores = language_scores(text)
    if not scores:
        return default
    return max(scores, key=lambda code: scores[code])
