"""The offline translation adapter: a glossary of the knowledge base's terms.

No licensed ko<->xx translation model ships in a registry package (see ADR 0007), so the offline
adapter does what a glossary can do honestly: it turns a foreign-language question into the
Korean terms it contains ("How do I get a climate card?" -> "방법 구매 기후동행카드"), which is
what the KB search needs, and it names the terms of a Korean answer in the citizen's language.
It never pretends to translate a sentence: its translations are marked `partial`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dasan.channels.translation.port import Translation

GLOSSARY_FILE = Path(__file__).with_name("glossary.json")
FOREIGN = ("en", "zh", "ja", "vi", "mn")


@dataclass(frozen=True)
class Term:
    ko: str
    aliases: dict[str, tuple[str, ...]]


@lru_cache(maxsize=4)
def load_terms(path: Path = GLOSSARY_FILE) -> tuple[Term, ...]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return tuple(Term(r["ko"], {lang: tuple(r.get(lang, ())) for lang in FOREIGN}) for r in rows)


# Mongolian adds its case endings to the word ("карт" -> "картыг", "картаар"): an alias of at
# least this many letters also matches as the start of a longer word. Shorter ones ("зах",
# market) would match unrelated words ("захиргаа", administration), so they must be whole.
MN_STEM_MIN = 4


def _pattern(alias: str, lang: str = "") -> re.Pattern[str]:
    if alias.isascii() or any(ch.isalpha() and ord(ch) < 0x3000 for ch in alias):
        end = r"(?!\w)"
        if lang == "en" and alias[-1:].isalpha():
            end = r"(?:s|es)?(?!\w)"  # "voucher" finds "vouchers"
        elif lang == "mn" and len(alias) >= MN_STEM_MIN:
            end = ""
        return re.compile(r"(?<!\w)" + re.escape(alias) + end, re.IGNORECASE)
    return re.compile(re.escape(alias))  # CJK: no word boundaries


@dataclass(frozen=True)
class _Alias:
    pattern: re.Pattern[str]
    ko: str
    # A substring every match contains, to skip the pattern cheaply when it is absent: the
    # alias itself for a case-sensitive (CJK) pattern; for a case-insensitive one, the ASCII
    # alias lowercased, checked only against an ASCII text lowercased (where ignoring case is
    # exactly lowercasing; elsewhere Unicode case rules are wider and the pattern just runs).
    needle: str | None
    cased: bool


@lru_cache(maxsize=8)
def _patterns(lang: str) -> tuple[_Alias, ...]:
    pairs = [(alias, t.ko) for t in load_terms() for alias in t.aliases.get(lang, ())]
    pairs.sort(key=lambda p: -len(p[0]))  # longest alias first: "climate card" before "card"
    out = []
    for alias, ko in pairs:
        pattern = _pattern(alias, lang)
        cased = not pattern.flags & re.IGNORECASE
        needle = alias if cased else alias.lower() if alias.isascii() else None
        out.append(_Alias(pattern, ko, needle, cased))
    return tuple(out)


def korean_terms(text: str, lang: str) -> list[str]:
    """Korean terms for the glossary aliases found in `text`, in order of appearance."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    lowered = text.lower() if text.isascii() else None
    for alias in _patterns(lang):
        if alias.needle is not None:
            if alias.cased:
                if alias.needle not in text:
                    continue
            elif lowered is not None and alias.needle not in lowered:
                continue
        ko = alias.ko
        for m in alias.pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), ko))
    seen: set[str] = set()
    out = []
    for _, ko in sorted(found):
        if ko not in seen:
            seen.add(ko)
            out.append(ko)
    return out


def foreign_terms(text_ko: str, lang: str) -> list[str]:
    """The citizen-language names of the glossary terms a Korean text contains."""
    out = []
    for term in load_terms():
        if term.ko in text_ko and term.aliases.get(lang):
            out.append(term.aliases[lang][0])
    return out


class GlossaryTranslator:
    name = "glossary"
    full_sentences = False

    def translate(self, text: str, source: str, target: str) -> Translation | None:
        if source == target:
            return Translation(text, source, target, self.name)
        if target == "ko" and source in FOREIGN:
            terms = korean_terms(text, source)
            return Translation(" ".join(terms), source, target, self.name, partial=True) \
                if terms else None
        if source == "ko" and target in FOREIGN:
            terms = foreign_terms(text, target)
            return Translation(", ".join(terms), source, target, self.name, partial=True) \
                if terms else None
        return None
