"""A learnt name tagger over every Hangul word (issue 12, round 19), beside the rules and scorer.

The scorer of :mod:`dasan.text.pii_name_model` weighs only the candidates its generator proposes
(a surname and one or two given-name syllables, or a word at a cue the rules foresee). This
tagger has no such gate: every Hangul word is read at every split into a stem and an ending a
name can take (``pii_name_model.ENDINGS``, or none), and a logistic model over the word's window
says whether the stem is (part of) a person's name. Its features are the stem's characters
(each syllable, its first and last, syllable pairs), its shape against the surname and
given-name tables, kiwi's reading of the stem and word (the lexicon stored with the scorer: no
kiwi at masking time), whether it is a common word of name-free text, the ending's class, and
the words around it (the words before and after, their last or first syllables, the
punctuation between) and a few conjunctions of those. A word inside a several-word name
(응우옌 반 남) is labelled as part of it.

It is trained offline by ``bench/train_pii_names.py`` (``--tagger``) on the same labelled,
generated and name-free texts as the scorer; its weights live in ``pii_name_tagger.json``
beside this module (the feature strings and their weights, the bias and the threshold), so
masking needs no scikit-learn. :func:`pii_name_model.scored_names` yields its spans after its
own, where no span of its own stands: the name path is the scorer's and the tagger's union, and
``pii.find``'s filters (a form's example, a place, a department) apply to both.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from dasan.text import pii_name_model as pnm

WEIGHTS_PATH = Path(__file__).with_name("pii_name_tagger.json")

Split = tuple[int, str]  # (stem length, ending read as the standard one)
Features = list[str]

_MAX_STEM = 6
_TOP = frozenset("김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구")


def _gap(gap: str) -> str:
    if gap in ("^", "$"):
        return gap
    s = gap.strip(" \t")
    if not s:
        return "sp"
    ch = s[:1]
    if ch.isdigit():
        return "9"
    if ch.isascii() and ch.isalpha():
        return "a"
    return ch


def splits(word: str) -> list[Split]:
    """Every (stem length, ending) of ``word`` where what follows the stem is an ending a name
    can take, or nothing; a one-syllable stem only as a whole word (티 in 응우옌 티 투)."""
    out: list[Split] = []
    for n in range(1, min(len(word), _MAX_STEM) + 1):
        rest = word[n:]
        rest = pnm._PLAIN_ENDING.get(rest, rest)
        if rest and rest not in pnm.ENDINGS:
            continue
        if n == 1 and rest:
            continue
        out.append((n, rest))
    return out


def _rest_class(stem: str, rest: str) -> str:
    if not rest:
        return "-"
    if rest in pnm._SSI or rest.startswith("님"):
        return "ssi"
    if rest in pnm._COPULA:
        return "cop"
    if rest.startswith("이") and (ord(stem[-1]) - 0xAC00) % 28 != 0:
        return "yi"  # 하람이가, 김민준이에요: the 이 after a consonant
    return "ptc"


Tables = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str],
               dict[str, str]]
Context = tuple[Features, str, str, str, str]


def context(words: list[tuple[int, int, str]], i: int, text: str, tables: Tables) -> Context:
    """The features of ``words[i]``'s window that every split of it shares, and the words
    before and after it and the gap after it (for the split's own features)."""
    _, _, _, _, common, lexicon = tables
    ws, we, word = words[i]
    prev = words[i - 1][2] if i else "^"
    prev2 = words[i - 2][2] if i > 1 else "^"
    nxt = words[i + 1][2] if i + 1 < len(words) else "$"
    prev = pnm._PLAIN_WORD.get(prev, prev)
    nxt = pnm._PLAIN_WORD.get(nxt, nxt)
    gap_b = _gap(text[words[i - 1][1]:ws] if i else "^")
    gap_a = _gap(text[we:words[i + 1][0]] if i + 1 < len(words) else "$")
    f = [f"kw={lexicon.get(word, '-')[:5]}", f"p1={prev}", f"p1e={prev[-2:]}",
         f"p1z={prev[-1:]}", f"p2={prev2}", f"n1={nxt}", f"n1s={nxt[:2]}", f"gb={gap_b}",
         f"ga={gap_a}", f"gb/ga={gap_b}/{gap_a}"]
    if word in common:
        f.append("cw")
    if i and gap_b == "sp":
        f.append(f"pk={'c' if prev in common else lexicon.get(prev, '-')[:3]}")
    near = bool(pnm._NEAR_CUE.search(text, max(0, ws - 25), ws))
    return f, prev, nxt, gap_a, "near" if near else ""


def _shape(word: str, n: int, rest: str, tables: Tables) -> tuple[Features, str, str]:
    """The features of the stem ``word[:n]`` (ending ``rest``) that need no window, its
    surname class and its ending's class."""
    surnames, compound, given_ok, not_names, common, lexicon = tables
    stem = word[:n]
    if n >= 3 and stem[:2] in compound:
        sur, given = "c2", stem[2:]
    elif stem[0] in surnames and 2 <= n <= 3:
        sur, given = ("top" if stem[0] in _TOP else "rare"), stem[1:]
    else:
        sur, given = "none", stem
    n_ok = sum(ch in given_ok for ch in given)
    rc = _rest_class(stem, rest)
    known = "c" if stem in common or stem in not_names else lexicon.get(stem, "-")[:5]
    f = [f"L={n}", f"r={rest or '-'}", f"rc={rc}", f"s={sur}", f"gv={sur}/{len(given)}/{n_ok}",
         f"c0={stem[0]}", f"cz={stem[-1]}", f"k={known}", f"s/rc={sur}/{rc}",
         f"k/rc={known}/{rc}", f"L/rc={n}/{rc}/{sur}"]
    f.extend(f"ch={ch}" for ch in stem)
    f.extend(f"bg={stem[k:k + 2]}" for k in range(n - 1))
    return f, sur, rc


def _in_window(word: str, n: int, sur: str, rc: str, ctx: Context, tables: Tables) -> Features:
    """The features of a stem of ``word`` that join its shape to its window."""
    common, lexicon = tables[4], tables[5]
    _, prev, nxt, gap_a, near = ctx
    f = [f"s/p1={sur}/{prev}", f"s/n1={sur}/{nxt[:2]}", f"rc/p1e={rc}/{prev[-2:]}"]
    if n == len(word) and nxt != "$" and gap_a == "sp":
        f.append(f"nk={'c' if nxt in common else lexicon.get(nxt, '-')[:3]}")
    if near:
        f.append(f"near/{sur}")
    return f


def stem_features(word: str, n: int, rest: str, ctx: Context, tables: Tables) -> Features:
    """The features of the stem ``word[:n]`` (ending ``rest``) that are its own."""
    f, sur, rc = _shape(word, n, rest, tables)
    return f + _in_window(word, n, sur, rc, ctx, tables)


@cache
def _tables() -> Tables:
    surnames, compound, given_ok, not_names = pnm._tables()
    return (surnames, compound, given_ok, not_names, pnm.common_word_set(), pnm.lexicon())


@cache
def _model() -> tuple[dict[str, float], float, float]:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    return data["weights"], float(data["bias"]), float(data["threshold"])


_WORD = re.compile(r"[가-힣]+")
# A polite verb form or an honorific one is no name (주실래요, 되시는).
_SKIP = re.compile(r"(?:요|다|죠|까|니다|세요|시고|어서|아서|는데|지만|니까)$")


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]


def _stems(word: str) -> Iterator[Split]:
    if pnm._VERB_WORD.search(word):
        return
    for n, rest in splits(word):
        if not rest and n >= 3 and _SKIP.search(word):
            continue  # a whole word that ends like a verb: the ending split reads it
        yield n, rest


def candidates(text: str) -> Iterator[tuple[int, int, Features]]:
    """(start, end, features) of every stem the tagger reads: each Hangul word at each split."""
    tables = _tables()
    words = _words(text)
    for i, (ws, _, word) in enumerate(words):
        stems = list(_stems(word))
        if not stems:
            continue
        ctx = context(words, i, text, tables)
        for n, rest in stems:
            yield ws, ws + n, ctx[0] + stem_features(word, n, rest, ctx, tables)


# Per word: each stem's (length, summed weight of its shape's features, surname and ending
# class), for the weights they were summed with (words repeat across messages).
_SHAPES: dict[str, list[tuple[int, float, str, str]]] = {}
_SHAPES_OF: list[object] = [None]


def _shapes(word: str, weights: dict[str, float], tables: Tables
            ) -> list[tuple[int, float, str, str]]:
    if _SHAPES_OF[0] is not weights or len(_SHAPES) > 50_000:
        _SHAPES.clear()
        _SHAPES_OF[0] = weights
    got = _SHAPES.get(word)
    if got is None:
        got = []
        for n, rest in _stems(word):
            f, sur, rc = _shape(word, n, rest, tables)
            got.append((n, sum(weights.get(x, 0.0) for x in f), sur, rc))
        _SHAPES[word] = got
    return got


def best_spans(text: str, weights: dict[str, float], bias: float
               ) -> list[tuple[int, int, float]]:
    """The best-scoring stem of each word: (start, end, probability). The score is a sum: the
    window's features weighed once per word, each stem's shape once per word form."""
    tables = _tables()
    words = _words(text)
    out: list[tuple[int, int, float]] = []
    get = weights.get
    for i, (ws, _, word) in enumerate(words):
        shapes = _shapes(word, weights, tables)
        if not shapes:
            continue
        ctx = context(words, i, text, tables)
        base = bias + sum(get(x, 0.0) for x in ctx[0])
        z, end = max(((base + own + sum(get(x, 0.0) for x in _in_window(word, n, sur, rc, ctx,
                                                                           tables)), ws + n)
                      for n, own, sur, rc in shapes), key=lambda pair: pair[0])
        out.append((ws, end, 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))))
    return out


def tagged_names(text: str, taken: Iterable[tuple[int, int]] = ()) -> Iterator[pnm.Candidate]:
    """Names the tagger reads at or above its threshold, where no span in ``taken`` stands; the
    stems of words one space apart are one name (마리아 산토스)."""
    weights, bias, threshold = _model()
    taken = list(taken)
    found = [(s, e) for s, e, p in best_spans(text, weights, bias) if p >= threshold
             and not any(s < te and ts < e for ts, te in taken) and not _no_name(text[s:e])]
    merged: list[list[int]] = []
    for s, e in found:
        if merged and text[merged[-1][1]:s] == " " and merged[-1][1] - merged[-1][0] >= 1 and (
                e - s) and _whole_word(text, merged[-1][0], merged[-1][1]):
            merged[-1][1] = e
        else:
            merged.append([s, e])
    for s, e in merged:
        if e - s >= 2:  # a syllable alone (티, 설) only as a part of a longer name
            yield "name", s, e, pnm.mask_name(text[s:e])


def _no_name(stem: str) -> bool:
    """A surname and a title (박기사, 김과장), or a country or city (시리아): no person's name."""
    return stem in pnm.PLACE_NAMES or stem[1:] in pnm.TITLES or stem[2:] in pnm.TITLES


def _whole_word(text: str, start: int, end: int) -> bool:
    return end >= len(text) or not ("가" <= text[end] <= "힣")
