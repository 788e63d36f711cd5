"""`korean_terms` skips an alias whose text is absent before running its pattern; it finds
exactly what running every pattern finds (the glossary's own aliases, in other cases, plural,
inside sentences, beside non-ASCII text)."""

from __future__ import annotations

import pytest

from dasan.channels.translation.glossary import FOREIGN, _patterns, korean_terms, load_terms


def _every_pattern(text: str, lang: str) -> list[str]:
    """korean_terms as it was: every alias's pattern run on the text."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for alias in _patterns(lang):
        for m in alias.pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), alias.ko))
    out: list[str] = []
    for _, ko in sorted(found):
        if ko not in out:
            out.append(ko)
    return out


def _texts(lang: str) -> list[str]:
    aliases = [a for t in load_terms() for a in t.aliases.get(lang, ())]
    out = ["", "Good morning", "기후동행카드 구매", "ſtop the KELVIN sign", "İstanbul ı"]
    for i, alias in enumerate(aliases):
        other = aliases[(i * 31 + 7) % len(aliases)]
        out += [alias, alias.upper(), alias.title(), f"How do I get {alias}s?",
                f"{other} and {alias.upper()} 문의", f"Xin chào {alias} ạ", f"{alias}{other}"]
    return out


@pytest.mark.parametrize("lang", FOREIGN)
def test_the_prefilter_finds_what_every_pattern_finds(lang: str) -> None:
    texts = _texts(lang)
    assert len(texts) > 20
    found = 0
    for text in texts:
        expected = _every_pattern(text, lang)
        assert korean_terms(text, lang) == expected, text
        found += bool(expected)
    assert found > len(texts) // 2  # the texts do hold the aliases
