"""Vietnamese typed without its diacritics, given back its marks for the encoder.

Residents often type Vietnamese on a phone without its diacritics ("toi muon dang ky the xe
buyt"). The lexical scorers fold the marks away on both sides (``text.korean.fold_latin``), but
the multilingual encoder reads such a question as noise: on the cross-lingual tune questions
typed so it found the right entry first for 1 of 15 (those with their marks: half). This module
restores the marks from the Vietnamese the knowledge base itself holds (the editors' question
variants and gists, the lexicon's Vietnamese words): each syllable typed without marks gets
the written form that text uses most for it, chosen with its neighbours (a first-order Viterbi
over syllable bigram counts, add-one smoothing, the unigram counts as the backoff). A syllable
the text never wrote is left as typed.

Nothing here needs a model: the counts are built once from the KB's text (a few thousand
sentences, well under a second) and a question of twenty syllables is restored in well under a
millisecond.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from dasan.text.korean import fold_latin

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# the letters only Vietnamese writes among the Latin scripts people type here (the vowels with
# a tone or a hat, đ): a text that has one is Vietnamese written with its marks
_VI_MARKS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
_LATIN = re.compile(r"^[a-z]+$")


def has_vietnamese_marks(text: str) -> bool:
    """Whether ``text`` writes a letter only Vietnamese uses (a tone mark, a hat, đ)."""
    return _VI_MARKS.search(text.lower()) is not None


class DiacriticRestorer:
    """Restores Vietnamese diacritics from the syllable counts of a body of Vietnamese text."""

    def __init__(self, texts: Iterable[str]) -> None:
        uni: Counter[str] = Counter()
        bi: Counter[tuple[str, str]] = Counter()
        for text in texts:
            if not has_vietnamese_marks(text):
                continue  # another language, or Vietnamese that cannot teach the marks
            words = [w for w in _WORD.findall(text.lower())]
            uni.update(words)
            bi.update(zip(words, words[1:], strict=False))
        forms: defaultdict[str, list[str]] = defaultdict(list)
        for w in uni:
            forms[fold_latin(w)].append(w)
        self._uni = uni
        self._bi = bi
        # each folded syllable's written forms, the most used first
        self._forms = {k: sorted(v, key=lambda w: -uni[w]) for k, v in forms.items()}

    def __len__(self) -> int:
        return len(self._uni)

    def _candidates(self, word: str) -> list[str]:
        if not _LATIN.match(word):
            return [word]  # written with its marks, or not a Latin word: keep it
        return self._forms.get(word, [word])[:6]

    def restore(self, text: str) -> str:
        """``text`` with each syllable typed without marks in its most likely written form;
        the text unchanged when it has marks already or none of its syllables is known."""
        if has_vietnamese_marks(text):
            return text
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        if not spans:
            return text
        lower = [s[2].lower() for s in spans]
        cands = [self._candidates(w) for w in lower]
        if all(len(c) == 1 and c[0] == w for c, w in zip(cands, lower, strict=True)):
            return text
        # Viterbi: score(prev -> cur) = log((bigram + 1) / (count(prev) + V)) with the
        # candidate's own share among its folded forms as the emission
        v = len(self._uni) + 1
        best: list[dict[str, tuple[float, str | None]]] = []
        for i, cs in enumerate(cands):
            total = sum(self._uni[c] for c in cs) + len(cs)
            layer: dict[str, tuple[float, str | None]] = {}
            for c in cs:
                emit = math.log((self._uni[c] + 1) / total)
                if i == 0:
                    layer[c] = (emit, None)
                    continue
                layer[c] = max(
                    ((s + emit + math.log((self._bi[(p, c)] + 1) / (self._uni[p] + v)), p)
                     for p, (s, _b) in best[-1].items()),
                    key=lambda x: x[0])
            best.append(layer)
        word = max(best[-1], key=lambda c: best[-1][c][0])
        chosen = [word]
        for i in range(len(best) - 1, 0, -1):
            prev = best[i][chosen[-1]][1]
            assert prev is not None
            chosen.append(prev)
        chosen.reverse()
        out, at = [], 0
        for (start, end, orig), new in zip(spans, chosen, strict=True):
            out.append(text[at:start])
            out.append(new.capitalize() if orig[:1].isupper() else new)
            at = end
        out.append(text[at:])
        return "".join(out)
