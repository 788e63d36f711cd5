"""The words of a text written in another language than Korean, for a lexical scorer.

A foreign resident's question ("My landlord won't return my deposit", "Toi muon dang ky the
xe buyt", "我想申请护照", "Түрээсийн байрны барьцаа") shares words with the question variants
the editors keep on an entry in that language, not with its Korean text. These are the words
a lexical scorer can match them on, whatever the language (nothing here needs to know it):

* Latin and Cyrillic words, lowercased, Latin diacritics removed (:func:`fold_latin`: a
  Vietnamese question typed without them matches a variant written with them), cut to their
  first :data:`STEM_CHARS` letters (a crude stem: "applying"/"application" -> "appli",
  Mongolian case endings "өргөдлийг" -> "өргөд"). No stop list: one would have to know the
  language ("the" is a card in Vietnamese typed without diacritics), and bm25 weighs a word
  every entry has at almost nothing;
* Chinese characters and Japanese kana: the character bigrams of each run (one character
  alone when the run is one character long).

Hangul is left out: the Korean scorers read it.
"""

from __future__ import annotations

import re

from dasan.text.korean import fold_latin

STEM_CHARS = 5
_WORD = re.compile(r"[0-9a-z\u0400-\u04ff]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")


def foreign_words(text: str) -> list[str]:
    """The non-Korean words of ``text`` (see the module docstring), in order."""
    if not text:
        return []
    folded = fold_latin(text.lower())
    out = [w[:STEM_CHARS] for w in _WORD.findall(folded)]
    for run in _CJK.findall(folded):
        out += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
    return out
