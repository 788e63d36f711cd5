"""Character n-grams as scikit-learn's ``char_wb`` analyser makes them (lower-cased, per
whitespace-separated word, each word padded with a space on each side) and as its ``char``
analyser makes them (lower-cased, across words, runs of white space read as one space), for the
models that score without scikit-learn (`abuse_fast`, `crisis.CrisisModel`)."""

from __future__ import annotations

import re

_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's: two or more, one space


def word_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """The ``char_wb`` n-grams of one word: padded with a space on each side; a word shorter
    than n gives itself once."""
    grams: list[str] = []
    w = f" {word} "
    size = len(w)
    for n in range(lo, hi + 1):
        if size <= n:
            grams.append(w)
            break
        grams.extend([w[i:i + n] for i in range(size - n + 1)])
    return grams


def char_wb_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """The n-grams scikit-learn's ``char_wb`` analyser makes of (lower-cased) `text`: those of
    each whitespace-separated word (n-grams never cross words)."""
    grams: list[str] = []
    for word in text.lower().split():
        grams.extend(word_ngrams(word, lo, hi))
    return grams


def char_ngrams(text: str, lo: int, hi: int) -> list[str]:
    """The n-grams scikit-learn's ``char`` analyser makes of (lower-cased) `text`: every run of
    ``lo``..``hi`` characters, across words, after runs of white space become one space."""
    text = _WHITE_SPACES.sub(" ", text.lower())
    size = len(text)
    grams: list[str] = []
    for n in range(lo, min(hi, size) + 1):
        grams.extend([text[i:i + n] for i in range(size - n + 1)])
    return grams
