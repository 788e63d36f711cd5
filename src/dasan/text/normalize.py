"""Views of a text for matching obfuscated words, each with a map back to the original offsets.

People hide profanity from filters: 씨@발, 병1신, 시 발, ｓｉｂａｌ. Lexicon rules run over
two views of the text, and every hit is mapped back to a span of the original string:

* the *light* view: NFKC (full-width -> ASCII, compatibility jamo kept) and lower case;
* the *heavy* view: the light view with digits, punctuation and symbols removed where they sit
  between two Korean letters (씨@발 -> 씨발, 병1신 -> 병신) and with the spaces removed between
  single Korean syllables (씨 발 놈 -> 씨발놈; 다시 발견 stays as it is).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    """A transformed text; ``index[i]`` is the original offset of ``text[i]``."""

    text: str
    index: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the view slice [start, end)."""
        if end <= start:
            return self.index[start], self.index[start]
        return self.index[start], self.index[end - 1] + 1


def is_hangul(ch: str) -> bool:
    """A Hangul syllable or a compatibility / conjoining jamo."""
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x3131 <= o <= 0x318E or 0x1100 <= o <= 0x11FF


def is_syllable(ch: str) -> bool:
    return 0xAC00 <= ord(ch) <= 0xD7A3


def light_view(text: str) -> View:
    # Fast path (most messages): a text already in NFKC and lower case is its own light view;
    # per character, NFKC and lower() then change nothing either.
    if text == text.lower() and unicodedata.is_normalized("NFKC", text):
        return View(text, tuple(range(len(text))))
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch).lower() if not is_hangul(ch) else ch
        for c in norm:
            chars.append(c)
            index.append(i)
    return View("".join(chars), tuple(index))


_NOT_NOISE = frozenset("()[]{}<>,/\\\"'·:;|「」『』〈〉《》【】")


def _is_noise(ch: str) -> bool:
    if ch.isspace() or is_hangul(ch) or ch in _NOT_NOISE:
        return False
    return not ("a" <= ch <= "z")


def heavy_view(light: View) -> View:
    src = light.text
    n = len(src)
    keep = [True] * n
    # 1. noise (digits, symbols, punctuation) between two Korean letters, across at most 3 chars
    i = 0
    while i < n:
        if is_hangul(src[i]):
            j = i + 1
            while j < n and j - i <= 4 and (_is_noise(src[j]) or src[j] == " "):
                j += 1
            gap = src[i + 1:j]
            sentence_end = " " in gap and any(c in ".?!" for c in gap)
            if (
                j < n
                and j > i + 1
                and is_hangul(src[j])
                and any(_is_noise(c) for c in gap)
                and not sentence_end
            ):
                for k in range(i + 1, j):
                    keep[k] = False
            i = j if j > i + 1 and j < n and is_hangul(src[j]) else i + 1
        else:
            i += 1
    chars = [(c, light.index[k]) for k, c in enumerate(src) if keep[k]]
    # 2. spaces between single syllables: "씨 발 놈" -> "씨발놈"
    out: list[tuple[str, int]] = []
    tokens: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    for c, idx in chars:
        if c.isspace():
            if current:
                tokens.append(current)
                current = []
            tokens.append([(c, idx)])
        else:
            current.append((c, idx))
    if current:
        tokens.append(current)

    def single(tok: list[tuple[str, int]]) -> bool:
        return len(tok) == 1 and is_hangul(tok[0][0])

    for k, tok in enumerate(tokens):
        if tok[0][0].isspace() and len(tok) == 1:
            prev = next((t for t in reversed(tokens[:k]) if not t[0][0].isspace()), None)
            nxt = next((t for t in tokens[k + 1:] if not t[0][0].isspace()), None)
            if prev is not None and nxt is not None and single(prev) and single(nxt):
                continue
        out.extend(tok)
    return View("".join(c for c, _ in out), tuple(i for _, i in out))


def views(text: str) -> list[View]:
    light = light_view(text)
    heavy = heavy_view(light)
    return [light] if heavy.text == light.text else [light, heavy]


def jamo(text: str) -> str:
    """Hangul syllables decomposed into compatibility-free conjoining jamo (for n-gram models)."""
    return unicodedata.normalize("NFKD", text)
