"""A translation table learnt from parallel text: foreign words -> the Korean words they go with.

The hand-written lexicon (lexicon.py) covers the civil-service words its writers thought of; a
resident uses many more. The editors wrote a gist of every FAQ entry's answer in en/zh/ja/vi/mn
(knowledge/seed_gists): with the entry's Korean title and answer, 2,842 parallel texts a
language. A foreign word that keeps appearing in the gists of the entries whose Korean text
holds a given Korean word is likely its translation (or a word of the same subject).

The table is learnt by association, deterministically:

* each side of a pair is a set of words: the foreign text's :func:`source_words` (Latin and
  Cyrillic words folded and cut to five letters, function words dropped, Vietnamese syllable
  pairs; Chinese and Japanese character bigrams) and the Korean text's content morphemes that
  hold Hangul and are at least two syllables long (:func:`target_words`);
* for every foreign word f and Korean word k seen together in at least ``min_pairs`` pairs,
  Dunning's log-likelihood ratio G2 of the 2x2 table of pairs (with f, with k), kept only for a
  positive association (f's pairs hold k more often than all pairs do);
* f's terms are its ``per_word`` Korean words of highest G2 of at least ``min_llr``, each one
  only if f is among k's ``mutual`` best foreign words too (a soft form of competitive
  linking: the frequent Korean words every long answer holds are not everybody's translation).

The shipped table (``learnt_lexicon.tsv``) is written by ``bench/fit_learnt_lexicon.py`` from the
shipped gists and the seed FAQ; the rewrite (:func:`lexicon.korean_terms`) adds a question's
learnt terms after the hand lexicon's and the readings', weighted below them
(:data:`LEARNT_WEIGHT`). Without the file there are none.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from dasan.text.foreign_words import STEM_CHARS
from dasan.text.korean import fold_latin

HERE = Path(__file__).parent
TABLE_FILE = HERE / "learnt_lexicon.tsv"
LEARNT_WEIGHT = 0.4

_WORD = re.compile(r"[0-9a-z\u0400-\u04ff]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
_HANGUL = re.compile(r"[가-힣]")
# function words of each language written with words (folded, as source_words reads them)
_STOP = {
    "en": "a an the for about of in on at to with by from up out into as is are be do does can "
          "i my me you your it its we our they their this that these those and or but if so "
          "there here some any how what when where which who will would should could may must "
          "have has had not no was were been am get",
    "vi": "khong co la cua va cho de voi nhung cac mot nay do thi ma ve trong den tu o tai "
          "toi ban anh chi em duoc khi neu hay hoac nhu nao gi thi",
    "mn": "ба бол юу вэ уу үү юм нь энэ тэр би та бид хэрэв ч болон гэж",
}
STOP_WORDS = {lang: frozenset(fold_latin(w)[:STEM_CHARS] for w in words.split())
              for lang, words in _STOP.items()}


def source_words(text: str, lang: str) -> list[str]:
    """The words of a foreign text the table is keyed by, in order (repeats kept): for en and
    mn, words folded and cut to five letters, function words dropped; for vi, folded syllables
    (without their diacritics) and each pair of neighbouring syllables ("dang_ky"); for zh and
    ja, the character bigrams of each run of Chinese characters and kana."""
    folded = fold_latin(text.lower())
    if lang in ("zh", "ja"):
        out: list[str] = []
        for run in _CJK.findall(folded):
            out += [run[i:i + 2] for i in range(len(run) - 1)] or [run]
        return out
    stops = STOP_WORDS.get(lang, frozenset())
    if lang == "vi":
        sylls = _WORD.findall(folded)
        words = [s for s in sylls if s not in stops and not s.isdigit()]
        pairs = [f"{a}_{b}" for a, b in zip(sylls, sylls[1:], strict=False)
                 if a not in stops and b not in stops]
        return words + pairs
    cut = [w[:STEM_CHARS] for w in _WORD.findall(folded) if not w.isdigit()]
    return [w for w in cut if w not in stops and len(w) > 1]


def target_words(tokens: Iterable[str]) -> list[str]:
    """The Korean side: the content morphemes (``dasan.text.korean.tokens``) holding Hangul, of
    at least two characters."""
    return [t for t in tokens if len(t) >= 2 and _HANGUL.search(t)]


def _g2(a: int, b: int, c: int, d: int) -> float:
    """Dunning's log-likelihood ratio of a 2x2 contingency table."""
    n = a + b + c + d

    def term(x: int, row: int, col: int) -> float:
        return x * math.log(x * n / (row * col)) if x else 0.0

    return 2.0 * (term(a, a + b, a + c) + term(b, a + b, b + d) + term(c, c + d, a + c)
                  + term(d, c + d, b + d))


def associations(pairs: Sequence[tuple[Collection[str], Collection[str]]],
                 min_pairs: int = 3) -> list[tuple[str, str, float]]:
    """(foreign word, Korean word, G2) of every pair of words seen together in at least
    ``min_pairs`` of ``pairs`` with a positive association, sorted."""
    docs = [(frozenset(f), frozenset(k)) for f, k in pairs]
    n = len(docs)
    cf: Counter[str] = Counter()
    ck: Counter[str] = Counter()
    for f, k in docs:
        cf.update(f)
        ck.update(k)
    # a word of fewer than min_pairs pairs cannot be seen with another in min_pairs of them
    co: Counter[tuple[str, str]] = Counter()
    for f, k in docs:
        fs = [w for w in f if cf[w] >= min_pairs]
        ks = [w for w in k if ck[w] >= min_pairs]
        co.update((x, y) for x in fs for y in ks)
    out = [(x, y, _g2(a, cf[x] - a, ck[y] - a, n - cf[x] - ck[y] + a))
           for (x, y), a in co.items() if a >= min_pairs and a * n > cf[x] * ck[y]]
    return sorted(out)


def select(assoc: Iterable[tuple[str, str, float]], *, per_word: int = 2, mutual: int = 3,
           min_llr: float = 10.0) -> dict[str, tuple[str, ...]]:
    """Foreign word -> its ``per_word`` Korean words of highest G2 (at least ``min_llr``),
    each kept only when the foreign word is among the Korean word's ``mutual`` best; ties
    broken by the words themselves."""
    scored: dict[str, list[tuple[float, str]]] = {}
    by_k: dict[str, list[tuple[float, str]]] = {}
    for x, y, g in assoc:
        if g < min_llr:
            continue
        scored.setdefault(x, []).append((g, y))
        by_k.setdefault(y, []).append((g, x))
    best_of_k = {y: {x for _g, x in sorted(v, key=lambda t: (-t[0], t[1]))[:mutual]}
                 for y, v in by_k.items()}
    out: dict[str, tuple[str, ...]] = {}
    for x in sorted(scored):
        ranked = sorted(scored[x], key=lambda t: (-t[0], t[1]))
        keep = tuple(y for _g, y in ranked if x in best_of_k[y])[:per_word]
        if keep:
            out[x] = keep
    return out


def learn(pairs: Sequence[tuple[Collection[str], Collection[str]]], *, min_pairs: int = 3,
          per_word: int = 2, mutual: int = 3, min_llr: float = 10.0
          ) -> dict[str, tuple[str, ...]]:
    """The table of one language from ``pairs`` of (foreign words, Korean words): foreign word
    -> its Korean words, best first (see the module docstring). Deterministic."""
    return select(associations(pairs, min_pairs), per_word=per_word, mutual=mutual,
                  min_llr=min_llr)


def write_table(tables: Mapping[str, Mapping[str, Sequence[str]]], path: Path,
                header: str = "") -> None:
    """``tables`` (language -> foreign word -> Korean words) as TSV lines
    ``lang<TAB>word<TAB>ko ko``, sorted; ``header``: comment lines first."""
    lines = [f"# {h}" for h in header.splitlines()]
    for lang in sorted(tables):
        for word in sorted(tables[lang]):
            lines.append(f"{lang}\t{word}\t{' '.join(tables[lang][word])}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_table(path: Path = TABLE_FILE) -> dict[str, dict[str, tuple[str, ...]]]:
    """The table written by :func:`write_table` (empty when the file is absent)."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        lang, word, kos = line.split("\t")
        out.setdefault(lang, {})[word] = tuple(kos.split())
    return out


def learnt_terms(text: str, lang: str,
                 table: Mapping[str, Mapping[str, Sequence[str]]] | None = None) -> list[str]:
    """The Korean words the table gives the words of ``text``, each once, in the order of the
    words (each word's best first)."""
    words = (load_table() if table is None else table).get(lang)
    if not words:
        return []
    out: dict[str, None] = {}
    for w in source_words(text, lang):
        for k in words.get(w, ()):
            out.setdefault(k, None)
    return list(out)
