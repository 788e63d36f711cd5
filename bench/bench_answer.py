"""Answer quality benchmark: when the chatbot answers, is it right, and does it keep quiet
when the knowledge base cannot answer?

Run: ``uv run --frozen python -m bench.bench_answer``. Reads ``../shared/data``; embeddings are
cached under ``var/cache/`` (shared with bench_search).

1. Answerability of entries (case letters, stale entries, call-only answers): rules and the
   classifier against a hand-labelled sample of the real FAQ, hold-out split.
2. Answering: the knowledge base is every seed FAQ file (3,260 entries, with the reference
   records found by section 1); in-domain questions are the hand-written citizen paraphrases,
   spoken and keyword queries of ``bench/data/paraphrase_queries.jsonl``; out-of-domain ones are
   songys chit-chat and the hand-written ``bench/data/ood_queries.jsonl`` (other cities'
   services, questions the KB cannot answer). The real FAQ's entries carry the editors'
   question variants in every shipped language, as ``dasan demo`` seeds them
   (bench/faq_variants.py); ``--titles-only`` leaves them off, and a full run also prints the
   hold-outs on the titles-only index as a reference row. The calibration's features are
   chosen by cross-validation on the tune split (the highest out-of-fold coverage where the
   pooled out-of-fold answers have precision >= 0.97 and each out-of-domain kind is answered
   <= 5%), its weights fitted on the tune split and its threshold where the out-of-fold
   answers meet that target; nothing is tuned on the hold-out (``--tune-only`` scores no
   hold-out question); the coverage/precision curve is printed for the hold-out, beside
   the peer: today's bot policy (shipped confidence >= 0.45 with a shared content word, every
   entry answerable) on the same queries. Hold-out C, when ``bench/data/search_holdout_c.jsonl``
   exists: its citizen and spoken questions, written blind (see bench_search), with hold-out
   B's out-of-domain questions; hold-outs D and E (bench_search's later blind sets, written
   after the editors' variants shipped), the same way, when their files exist. The tune split
   includes blind tune set G (bench_search.BLIND_TUNES: its citizen and spoken questions and
   its out-of-domain lines), printed at the shipped policy before anything is fitted;
   ``--without-g`` fits on the earlier tune split alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.answer_labels import DATA, LABEL_DATE, load_labelled
from bench.bench_answer_quality import report as answerability_report
from bench.bench_search import (
    BLIND_HOLDOUTS,
    BLIND_TUNES,
    cache_path,
    load_ood,
    load_out_of_domain,
    load_queries,
)
from dasan.config import default_shared_data
from dasan.knowledge import smalltalk
from dasan.knowledge.answerability import EntryText, assess
from dasan.knowledge.answering import (
    AGREEMENT_CALIBRATION,
    AGREEMENT_THRESHOLD,
    ANSWER_FEATURES,
    COVERAGE_ANSWER_CHARS,
    LEXICAL_POLICY,
    PREVIOUS_CITY_POLICY,
    TWO_STAGE_POLICY,
    AnswerCalibration,
    AnswerPolicy,
    QuerySignals,
    TwoStageCalibration,
    coverage,
    decide,
    distinct_after_first,
    informal_register,
    policy_for,
    undecided_twins,
)
from dasan.knowledge.bot_answer import SEARCH_K
from dasan.knowledge.embeddings import EmbeddingCache, default_embedder
from dasan.knowledge.faq_source import SEED_FILES, load_civilappeal, title_key
from dasan.knowledge.search import (
    ANSWER_DENSE_CHARS,
    ANSWER_LEXICAL_CHARS,
    LEXICAL_ONLY,
    Calibration,
    Components,
    DocId,
    FusionWeights,
    IndexConfig,
    SearchDoc,
    SearchIndex,
    duplicate_key,
    fuse,
    is_korean,
    variant_share,
)
from dasan.knowledge.smalltalk import SmallTalkModel
from dasan.text.korean import tokens, tokens_batch

PEER_THRESHOLD = 0.45  # chat/bot.py before this change
# The live index's answer scorers (dasan.knowledge.live): bm25 over each answer's start and the
# title-and-answer passage, weighed as the fusion says.
LIVE_CONFIG = IndexConfig(answer_lexical_chars=ANSWER_LEXICAL_CHARS,
                          answer_dense_chars=ANSWER_DENSE_CHARS)
TOP = 4


@dataclass
class Q:
    text: str
    split: str  # tune | holdout
    kind: str  # citizen | spoken | keyword | chitchat | other_city | unanswerable
    target: str | None  # doc id, None = out of domain


@dataclass
class Scored:
    peer_conf: float  # today's policy: confidence of the answered hit (0 = no answer)
    peer_right: bool
    # FEATURES: dense, dense margin, coverage, fused margin (margins over the next distinct
    # entry), lexical score, then the question's own signals (QuerySignals): vocabulary
    # share, title coverage, informal ending
    feats: tuple[float, ...]
    # (dense, coverage, fused, lexical) of the top 3 answerable hits, copies of the first set
    # aside (distinct_after_first), as the bot passes them to decide()
    scores: list[tuple[float, ...]]
    new_right: bool
    target_answerable: bool
    # the best reference record against the top standard entry: (its raw dense cosine minus
    # the standard entry's, its fused score minus the standard entry's; both over all entries)
    ref_lead: tuple[float, float] = (-1.0, -1.0)
    signals: QuerySignals | None = None
    # the top 3 as the bot passed them before copies were set aside (the peer's view)
    raw_scores: list[tuple[float, ...]] | None = None
    # the small-talk recogniser flags the question (dasan.knowledge.smalltalk, as
    # bot_answer.find_answer asks it): the policy never answers it
    smalltalk: bool = False
    # the ids of the distinct top answerable hits (``scores``' entries), best first
    top_ids: tuple[DocId, ...] = ()
    # the runner-up is a near twin of the top entry the question does not tell apart
    # (answering.undecided_twins, as bot_answer.find_answer asks it)
    twins: bool = False


def build_queries(data: Path) -> list[Q]:
    out = []
    # reference_queries.jsonl: more tune questions whose entry is a reference record (a stale
    # programme year, a "call the department" answer, a case letter), the evidence for the
    # reference guard (ADR 0017); tune only.
    for q in [*load_queries(DATA / "paraphrase_queries.jsonl"),
              *load_queries(DATA / "reference_queries.jsonl")]:
        out.append(Q(q.text, "tune" if q.split == "tune" else "holdout", q.kind,
                      f"civilappeal:{q.target}"))
    chat = load_ood(data, 300)
    out += [Q(t, "tune" if i < 100 else "holdout", "chitchat", None) for i, t in enumerate(chat)]
    for line in (DATA / "ood_queries.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out.append(Q(d["query"], d["split"], d["kind"], None))
    # The second hold-out (holdout_b), written before the calibration below was reworked and
    # never tuned on: questions about entries no other set asks about, questions the KB
    # cannot answer, other cities' services, and chit-chat none of the sets above uses.
    for line in (DATA / "answer_holdout_b.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out.append(Q(d["query"], HOLDOUT_B, d["kind"], d["target"]))
    # More tune questions, written with holdout_b (110 about entries sampled at random from
    # those no other set asks about, 30 the KB cannot answer): the calibration has more
    # features than 120 in-domain tune questions can fit.
    for line in (DATA / "answer_tune_b.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out.append(Q(d["query"], "tune", d["kind"], d["target"]))
    out += [Q(t, HOLDOUT_B, "chitchat", None) for t in fresh_chitchat(data, set(chat))]
    # The tune sets written blind (bench_search.BLIND_TUNES: G, fifteenth session): their
    # citizen and spoken questions, and their out-of-domain lines (other cities, chit-chat) as
    # out-of-domain tune questions. Tuned on with the tune split (TUNE_SPLITS).
    for _name, split, path in BLIND_TUNES:
        if path.is_file():
            out += [Q(q.text, split, q.kind, f"civilappeal:{q.target}")
                    for q in load_queries(path)]
            out += [Q(text, split, kind, None) for text, _s, kind in load_out_of_domain(path)]
    # Hold-out C (twelfth session): the in-domain questions of bench_search's hold-out C,
    # written blind by a writer who never read the search or the answering code, with
    # hold-out B's out-of-domain questions (for the share of them answered). Reported only.
    # Hold-outs D and E (thirteenth and fourteenth sessions), the same way: bench_search's
    # blind sets written after the editors' variants shipped.
    b_ood = [q for q in out if q.split == HOLDOUT_B and q.target is None]
    for _name, split, path in BLIND_HOLDOUTS:
        if path.is_file():
            out += [Q(q.text, split, q.kind, f"civilappeal:{q.target}")
                    for q in load_queries(path)]
            out += [Q(q.text, split, q.kind, None) for q in b_ood]
            # F (fifteenth session) brings out-of-domain questions of its own writer (other
            # cities' services, chit-chat), counted beside B's.
            out += [Q(text, split, kind, None) for text, _split, kind in load_out_of_domain(path)]
    return out


HOLDOUT_B = "holdout_b"
BLIND_SPLITS = tuple(split for _name, split, _path in BLIND_HOLDOUTS)
# The splits the policy is fitted on: the tune split and the blind tune sets (``--without-g``:
# the tune split alone, as before the fifteenth session).
TUNE_SPLITS = ["tune", *(split for _name, split, _path in BLIND_TUNES)]
FRESH_CHITCHAT = 150


def fresh_chitchat(data: Path, used: set[str], n: int = FRESH_CHITCHAT) -> list[str]:
    """``n`` songys chit-chat questions that the tune and first hold-out sets do not use
    (drawn with their own seed)."""
    import random

    pool = sorted(set(load_ood(data, 100_000)) - used)
    return random.Random(20261203).sample(pool, min(n, len(pool)))


def _rel(ids: Sequence[DocId], keys: dict[DocId, str], target: str | None, i: int) -> bool:
    """Is document ``i`` the target (or an exact duplicate title of it)?"""
    return target is not None and (ids[i] == target or keys[ids[i]] == keys.get(target, "\0"))


def score_all(index: SearchIndex, docs: dict[DocId, SearchDoc], queries: Sequence[Q],
              doc_tokens: dict[DocId, set[str]], q_tokens: list[set[str]],
              cover_tokens: dict[DocId, set[str]], rq_tokens_all: list[set[str]],
              title_tokens: dict[DocId, set[str]]) -> list[Scored]:
    """The features the bot's decision sees (dasan.knowledge.bot_answer.find_answer) for every
    question, from the same index: the top answerable hits (copies of the first set aside),
    their lexical score, the reference lead and the question's own signals."""
    ids = index.ids
    keys = {i: title_key(docs[i].title) for i in ids}
    dkeys = [duplicate_key(docs[i].title) for i in ids]
    answerable = np.array([docs[i].answerable for i in ids])
    vecs = index.embed_queries([q.text for q in queries])
    peer_cal = Calibration()
    model = smalltalk_model()
    out = []
    for q, v, qt, rq_tokens in zip(queries, vecs, q_tokens, rq_tokens_all, strict=True):
        comp: Components = index.components(q.text, v, answer=True)
        target = q.target
        # today's policy
        s = fuse(comp, index.weights)
        order = np.argsort(-s)[: TOP + 1]
        peer_conf, peer_right = 0.0, False
        for r in range(TOP):
            i = order[r]
            if qt & doc_tokens[ids[i]]:
                conf = peer_cal(float(comp.dense[i]), float(s[i] - s[order[r + 1]]))
                peer_conf = conf
                peer_right = _rel(ids, keys, target, i) and bool(docs[ids[i]].answerable)
                break
        # the bot's policy: answerable entries only
        s2 = fuse(comp, index.weights, answerable)
        lexical = fuse(comp, LEXICAL_ONLY, answerable)
        order2 = [int(i) for i in np.argsort(-s2)[:SEARCH_K] if np.isfinite(s2[i])]
        top = order2[0]
        cover = coverage(rq_tokens, cover_tokens[ids[top]])

        raw: list[tuple[float, ...]] = [
            (float(comp.dense[i]), cover if n == 0 else 0.0, float(s2[i]), float(lexical[i]))
            for n, i in enumerate(order2[:3])]
        distinct_i = distinct_after_first(order2, [dkeys[i] for i in order2])[:3]
        distinct: list[tuple[float, ...]] = [
            (float(comp.dense[i]), cover if n == 0 else 0.0, float(s2[i]), float(lexical[i]))
            for n, i in enumerate(distinct_i)]
        nxt = distinct[1] if len(distinct) > 1 else (0.0, 0.0, 0.0, 0.0)
        ref_s = np.where(answerable, -np.inf, s)
        r = int(np.argmax(ref_s))
        lead = ((float(comp.dense[r] - comp.dense[top]), float(s[r] - s[top]))
                if np.isfinite(ref_s[r]) else (-1.0, -1.0))
        passage = index.best_passage(comp, ids[top]) or ""
        title_dense = float(comp.title[top]) if comp.title is not None else 0.0
        sig = QuerySignals(vocab_share=index.vocabulary_share(rq_tokens),
                           title_cover=coverage(rq_tokens, title_tokens[ids[top]]),
                           informal=float(informal_register(q.text)),
                           title_dense=title_dense,
                           variant_best=float(passage != docs[ids[top]].title.strip()),
                           passage_cover=coverage(rq_tokens, tokens(passage)))
        out.append(Scored(peer_conf, peer_right,
                          (distinct[0][0], distinct[0][0] - nxt[0], cover,
                           distinct[0][2] - nxt[2], distinct[0][3], sig.vocab_share,
                           sig.title_cover, sig.informal, sig.title_dense, sig.variant_best,
                           sig.passage_cover),
                          distinct,
                          _rel(ids, keys, target, top),
                          q.target is not None and bool(docs[q.target].answerable), lead, sig,
                          raw, model is not None and is_korean(q.text) and model(q.text),
                          tuple(ids[i] for i in distinct_i),
                          len(distinct_i) > 1 and undecided_twins(
                              rq_tokens, docs[ids[top]].title, index.entry_words(ids[top]),
                              docs[ids[distinct_i[1]]].title,
                              index.entry_words(ids[distinct_i[1]]),
                              distinct[0][0] - distinct[1][0],
                              distinct[0][2] - distinct[1][2])))
    return out


# The small-talk recogniser the bot asks (``--without-smalltalk``: none, as before the
# sixteenth session). Trained on no benchmark question (dasan.knowledge.smalltalk).
SMALLTALK = [True]
# The near-twin rule (answering.undecided_twins; ``--without-twin-rule``: none, as before the
# sixteenth session's last change).
TWIN_RULE = [True]


def smalltalk_model() -> SmallTalkModel | None:
    return smalltalk.train_from_shared() if SMALLTALK[0] else None


def score_lexical(index: SearchIndex, docs: dict[DocId, SearchDoc], queries: Sequence[Q],
                  cover_tokens: dict[DocId, set[str]], rq_tokens_all: list[set[str]]
                  ) -> list[Scored]:
    """Features of the lexical policy (DASAN_EMBEDDER=none): the fused bm25 + char-bigram
    score of the top answerable entry (min-max normalised per query, so 2.0 = both scorers
    put it first), its margin over the next one, and the coverage. The peer: plain BM25 (the
    same index) answering with its top entry whenever it shares a word with the question."""
    ids = index.ids
    keys = {i: title_key(docs[i].title) for i in ids}
    answerable = np.array([docs[i].answerable for i in ids])
    out = []
    for q, rq_tokens in zip(queries, rq_tokens_all, strict=True):
        comp = index.components(q.text)
        s2 = fuse(comp, LEXICAL_ONLY, answerable)
        order = [int(i) for i in np.argsort(-s2)[:3] if np.isfinite(s2[i])]
        cover = coverage(rq_tokens, cover_tokens[ids[order[0]]])
        scores: list[tuple[float, ...]] = [(float(s2[i]), cover, float(s2[i])) for i in order]
        right = _rel(ids, keys, q.target, order[0])
        peer_top = int(np.argmax(comp.bm25))
        peer_cover = coverage(rq_tokens, cover_tokens[ids[peer_top]])
        out.append(Scored(1.0 if peer_cover > 0 else 0.0,
                          _rel(ids, keys, q.target, peer_top) and docs[ids[peer_top]].answerable,
                          (scores[0][0], scores[0][0] - scores[1][0], cover, 0.0), scores, right,
                          q.target is not None and bool(docs[q.target].answerable)))
    return out


def lexical_report(index: SearchIndex, docs: dict[DocId, SearchDoc], queries: Sequence[Q],
                   cover_tokens: dict[DocId, set[str]], rq_tokens: list[set[str]]) -> None:
    scored = score_lexical(index, docs, queries, cover_tokens, rq_tokens)
    rows = list(zip(queries, scored, strict=True))
    tune = [(q, s) for q, s in rows if q.split in TUNE_SPLITS]
    hold = [(q, s) for q, s in rows if q.split == "holdout"]
    cal = fit([s for _, s in tune], ("dense", "margin", "cover"))
    assert isinstance(cal, AnswerCalibration)
    chosen = choose_threshold(cal, tune)
    print(f"lexical calibration fitted on tune: a={cal.a} b={cal.b} d={cal.d} c={cal.c}; "
          f"threshold {chosen}; shipped: {LEXICAL_POLICY.calibration} threshold "
          f"{LEXICAL_POLICY.threshold}")
    print("\nhold-out at the operating point, lexical index (DASAN_EMBEDDER=none):")
    table(hold, {
        "peer: plain BM25 top hit sharing a word": [
            (s.peer_conf >= PEER_THRESHOLD, s.peer_conf >= PEER_THRESHOLD and s.peer_right)
            for _, s in hold],
        "Dasan lexical, shipped policy": [outcome(LEXICAL_POLICY, q, s) for q, s in hold],
        "Dasan lexical, fitted this run": [outcome(AnswerPolicy(cal, chosen), q, s)
                                           for q, s in hold],
    })


FEATURES = ANSWER_FEATURES  # the order of Scored.feats
# A calibration spec: one logistic over these features (AnswerCalibration), or two
# (TwoStageCalibration: p(in domain) over the first tuple, p(right | in domain) over the
# second). The one shipped is chosen on the tune split alone (select_features), never on a
# hold-out.
Spec = tuple[str, ...] | tuple[tuple[str, ...], tuple[str, ...]]
_DOMAIN = ("vocab", "dense", "fused_margin", "lexical", "cover", "informal")
FEATURE_SETS: tuple[Spec, ...] = (
    ("dense", "margin"), ("dense", "fused_margin"), ("dense", "margin", "fused_margin"),
    ("dense", "fused_margin", "cover"), ("dense", "fused_margin", "vocab"),
    ("dense", "fused_margin", "informal"), ("dense", "fused_margin", "lexical"),
    ("dense", "fused_margin", "vocab", "lexical", "informal"),
    # two stages: is the question in the KB's domain, and is the top hit the one asked about
    (("vocab", "dense", "lexical"), ("dense", "fused_margin")),
    (("vocab", "dense", "lexical", "cover", "informal"), ("dense", "fused_margin")),
    (_DOMAIN, ("dense", "fused_margin")),
    (_DOMAIN, ("dense", "fused_margin", "lexical")),
    ((*_DOMAIN, "title_cover"), ("dense", "fused_margin")),
    # over titles and the editors' variants (issue 18, thirteenth session): is the best
    # passage the title or a variant, the title's own cosine, the best passage's word coverage
    (_DOMAIN, ("dense", "fused_margin", "margin")),
    (_DOMAIN, ("dense", "fused_margin", "title_dense")),
    (_DOMAIN, ("dense", "fused_margin", "variant_best")),
    (_DOMAIN, ("dense", "fused_margin", "passage_cover")),
    ((*_DOMAIN, "passage_cover"), ("dense", "fused_margin")),
    ((*_DOMAIN, "title_dense", "variant_best"), ("dense", "fused_margin")),
    ((*_DOMAIN, "title_dense", "variant_best"),
     ("dense", "fused_margin", "title_dense", "variant_best")),
    ((*_DOMAIN, "passage_cover", "title_dense"),
     ("dense", "fused_margin", "passage_cover", "title_dense")),
    # the word coverage with the cosine margin, the question's signals, or in stage two
    ("dense", "margin", "cover"), ("dense", "margin", "fused_margin", "cover"),
    ("dense", "fused_margin", "cover", "informal"), ("dense", "fused_margin", "cover", "vocab"),
    ("dense", "fused_margin", "cover", "title_cover"),
    (_DOMAIN, ("dense", "fused_margin", "cover")),
)
PREVIOUS_POLICY = AnswerPolicy(AnswerCalibration(a=18.98, b=8.74, c=-17.72, d=0.0, e=0.0), 0.5,
                               reference_guard=None)
# (still the policy for a small KB, with the reference guard: see AnswerCalibration and
# policy_for)
# The policy shipped before the two-stage calibration (the agreement calibration at 0.3 with
# the reference guard, margins over the next hit even when it is a copy of the first): the
# peer, "the current threshold".
CURRENT_POLICY = AnswerPolicy(AGREEMENT_CALIBRATION, AGREEMENT_THRESHOLD)
# ... and the one before the reference guard
UNGUARDED_POLICY = AnswerPolicy(AGREEMENT_CALIBRATION, AGREEMENT_THRESHOLD, reference_guard=None)


def _spec_name(spec: Spec) -> str:
    if spec and isinstance(spec[0], tuple):
        dom, right = spec  # type: ignore[misc]
        return f"2-stage [{'+'.join(dom)}] x [{'+'.join(right)}]"
    return " + ".join(spec)  # type: ignore[arg-type]


def _logistic(sc: Sequence[Scored], names: Sequence[str], y: Sequence[bool]
              ) -> tuple[tuple[float, ...], float]:
    from sklearn.linear_model import LogisticRegression

    cols = [FEATURES.index(n) for n in names]
    x = np.array([[s.feats[c] for c in cols] for s in sc])
    lr = LogisticRegression(C=10.0, max_iter=5000).fit(x, np.array(y))
    return tuple(round(float(v), 3) for v in lr.coef_[0]), round(float(lr.intercept_[0]), 3)


def fit(sc: Sequence[Scored], spec: Spec = ("dense", "margin"),
        in_domain: Sequence[bool] | None = None) -> AnswerCalibration | TwoStageCalibration:
    """Logistic calibration on tune-split rows. A one-stage spec: one logistic for "the top hit
    is right" (features not named get 0). A two-stage spec: p(in domain) fitted on every row
    (``in_domain``: the question has a target), p(right) on the in-domain rows only."""
    if spec and isinstance(spec[0], tuple):
        dom, right = spec  # type: ignore[misc]
        assert in_domain is not None
        dw, db = _logistic(sc, dom, in_domain)
        ind = [s for s, d in zip(sc, in_domain, strict=True) if d]
        rw, rb = _logistic(ind, right, [s.new_right for s in ind])
        return TwoStageCalibration(tuple(dom), dw, db, tuple(right), rw, rb)
    names: tuple[str, ...] = spec  # type: ignore[assignment]
    w, c = _logistic(sc, names, [s.new_right for s in sc])
    wd = dict(zip(names, (round(v, 2) for v in w), strict=True))
    return AnswerCalibration(a=wd.get("dense", 0.0), b=wd.get("margin", 0.0),
                             c=round(c, 2), d=wd.get("cover", 0.0),
                             e=wd.get("fused_margin", 0.0), f=wd.get("vocab", 0.0),
                             g=wd.get("title_cover", 0.0), h=wd.get("informal", 0.0))


def fit_rows(rows: Sequence[tuple[Q, Scored]], spec: Spec
             ) -> AnswerCalibration | TwoStageCalibration:
    return fit([s for _, s in rows], spec, [q.target is not None for q, _ in rows])


def cross_validate(tune: Sequence[tuple[Q, Scored]], spec: Spec, repeats: int = 5,
                   folds: int = 5, groups: Sequence[object] | None = None
                   ) -> tuple[float, float, float, float, float]:
    """Out-of-fold figures of ``spec`` on the tune split: for each of ``repeats`` shuffles,
    each fold is scored by the calibration fitted on the other folds (``groups``: one label a
    row; the folds then split the labels, so rows sharing one, such as the same entry's
    questions in five languages, are held out together). Returns

    * coverage, precision and out-of-domain answer rate pooled over the held-out folds, each
      fold at the threshold chosen on its training folds (:func:`choose_threshold`): what the
      in-sample threshold gives on questions it did not see;
    * the out-of-fold threshold: the lowest of :data:`GRID` where the pooled out-of-fold
      answers have precision >= 0.97 and <= 5% of out-of-domain questions answered, and the
      pooled coverage there (the spec's coverage at the target precision)."""
    right = answered = ok = ood_ans = ood_n = 0
    pooled: list[tuple[tuple[Q, Scored], tuple[bool, float]]] = []
    labels = sorted(set(groups), key=str) if groups is not None else []
    for seed in range(repeats):
        order = np.random.default_rng(seed).permutation(
            len(labels) if groups is not None else len(tune))
        for part in np.array_split(order, folds):
            if groups is not None:
                out = {labels[int(i)] for i in part}
                held = {i for i, g in enumerate(groups) if g in out}
            else:
                held = set(int(i) for i in part)
            train = [r for i, r in enumerate(tune) if i not in held]
            test = [r for i, r in enumerate(tune) if i in held]
            cal = fit_rows(train, spec)
            th = choose_threshold(cal, train)
            conf = confidences(cal, test)
            pooled += list(zip(test, conf, strict=True))
            for (q, sc), (may, c) in zip(test, conf, strict=True):
                a = may and c >= th
                if q.target is None:
                    ood_n += 1
                    ood_ans += a
                else:
                    answered += a
                    right += a and sc.new_right
                    ok += sc.target_answerable
    rows = [r for r, _ in pooled]
    oof_th, oof_cov = _threshold_at_target(rows, [c for _, c in pooled])
    return (right / max(ok, 1), right / answered if answered else float("nan"),
            ood_ans / max(ood_n, 1), oof_th, oof_cov)


def cv_detail(tune: Sequence[tuple[Q, Scored]], spec: Spec, repeats: int = 5,
              folds: int = 5) -> list[str]:
    """:func:`cross_validate`'s out-of-fold answers of ``spec``, each out-of-domain kind on its
    own and the blind tune sets' chit-chat apart (held out of every fit but their own folds'
    complement), at the per-fold thresholds and at the out-of-fold threshold."""
    pooled: list[tuple[tuple[Q, Scored], tuple[bool, float], float]] = []
    for seed in range(repeats):
        order = np.random.default_rng(seed).permutation(len(tune))
        for part in np.array_split(order, folds):
            held = set(int(i) for i in part)
            train = [r for i, r in enumerate(tune) if i not in held]
            test = [r for i, r in enumerate(tune) if i in held]
            cal = fit_rows(train, spec)
            th = choose_threshold(cal, train)
            pooled += [(r, c, th) for r, c in zip(test, confidences(cal, test), strict=True)]
    rows = [r for r, _c, _t in pooled]
    oof_th, _ = _threshold_at_target(rows, [c for _r, c, _t in pooled])
    lines = []
    for name, per_fold in (("per-fold thresholds", True), (f"out-of-fold threshold {oof_th}",
                                                            False)):
        res = [(may and c >= (th if per_fold else oof_th),
                may and c >= (th if per_fold else oof_th) and sc.new_right)
               for (_q, sc), (may, c), th in pooled]
        cov, prec, _ood = summary(rows, res)
        kinds = {}
        for k in ("chitchat", "other_city", "unanswerable"):
            sel = [i for i, (q, _s) in enumerate(rows) if q.target is None and q.kind == k]
            kinds[k] = sum(res[i][0] for i in sel) / max(len(sel), 1)
        blind = [i for i, (q, _s) in enumerate(rows)
                 if q.kind == "chitchat" and q.split in TUNE_SPLITS[1:]]
        g = sum(res[i][0] for i in blind) / max(len(blind), 1)
        lines.append(f"  {_spec_name(spec)}, {name}: coverage {cov:.3f} precision {prec:.3f}; "
                     + ", ".join(f"{k} {v:.3f}" for k, v in kinds.items())
                     + f"; blind tune chit-chat {g:.3f} ({len(blind) // repeats} lines)")
    return lines


def _threshold_at_target(rows: Sequence[tuple[Q, Scored]], conf: Sequence[tuple[bool, float]]
                         ) -> tuple[float, float]:
    """The lowest threshold of :data:`GRID` where ``rows`` answered at their confidences
    ``conf`` have precision >= 0.97 and <= 5% of out-of-domain questions answered, and the
    coverage there ((GRID[-1], 0.0) when none does)."""
    for th in GRID:
        res = [(may and c >= th, may and c >= th and s.new_right)
               for (may, c), (_, s) in zip(conf, rows, strict=True)]
        cov, prec, ood = summary(rows, res)
        if prec >= TARGET[0] and ood <= TARGET[1]:
            return th, cov
    return GRID[-1], 0.0


def select_features(tune: Sequence[tuple[Q, Scored]]
                    ) -> tuple[Spec, float, list[str]]:
    """The spec with the highest out-of-fold coverage at the target (precision >= 0.97, <= 5%
    of out-of-domain questions answered; :func:`cross_validate`) on the tune split, and its
    out-of-fold threshold (a tie goes to the earlier spec)."""
    lines = [f"  {'calibration (5-fold CV on tune, 5 repeats)':<78} {'coverage':>8} "
             f"{'precision':>9} {'OOD ans':>7} | {'OOF th':>6} {'cov@0.97':>8}"]
    best: tuple[float, Spec, float] = (-1.0, FEATURE_SETS[0], GRID[-1])
    for spec in FEATURE_SETS:
        cov, prec, ood, oof_th, oof_cov = cross_validate(tune, spec)
        lines.append(f"  {_spec_name(spec):<78} {cov:8.3f} {prec:9.3f} {ood:7.3f} | "
                     f"{oof_th:6.3f} {oof_cov:8.3f}")
        if oof_cov > best[0]:
            best = (oof_cov, spec, oof_th)
    return best[1], best[2], lines


GRID = [round(float(x), 3) for x in np.arange(0.05, 0.99, 0.025)]


def confidences(cal: AnswerCalibration | TwoStageCalibration, rows: Sequence[tuple[Q, Scored]],
                raw: bool = False, guard: float | None = 0.0) -> list[tuple[bool, float]]:
    """(may answer at all, confidence) per row: decide() at threshold 0 says whether anything
    but the threshold stops an answer (another city, the reference guard, no shared words);
    at threshold t the bot answers when that is clear and the confidence is >= t."""
    pol = AnswerPolicy(cal, 0.0, reference_guard=guard)
    out = []
    for q, s in rows:
        d = decide((s.raw_scores or s.scores) if raw else s.scores, q.text, pol, s.ref_lead[1],
                   s.signals, s.smalltalk, s.twins and TWIN_RULE[0])
        out.append((d.kind == "answer", d.confidence))
    return out


def outcomes(cal: AnswerCalibration | TwoStageCalibration, rows: Sequence[tuple[Q, Scored]],
             th: float, raw: bool = False, guard: float | None = 0.0
             ) -> list[tuple[bool, bool]]:
    """(answered, right) per row at threshold ``th``."""
    return [(ok and c >= th, ok and c >= th and s.new_right)
            for (ok, c), (_, s) in zip(confidences(cal, rows, raw, guard), rows, strict=True)]


def summary(rows: Sequence[tuple[Q, Scored]], res: Sequence[tuple[bool, bool]]
            ) -> tuple[float, float, float]:
    """Coverage (right answers / questions about a standard entry), precision (right / answered
    in-domain questions) and the out-of-domain answer rate."""
    ind = [i for i, (q, _) in enumerate(rows) if q.target is not None]
    ok_t = [i for i in ind if rows[i][1].target_answerable]
    na = sum(res[i][0] for i in ind)
    return (sum(res[i][1] for i in ok_t) / max(len(ok_t), 1),
            sum(res[i][1] for i in ind) / na if na else float("nan"),
            ood_rate(rows, res))


# The out-of-domain condition holds for each kind (chit-chat, other cities, questions the KB
# cannot answer) on its own, not only pooled: pooled, 190 tune questions of which 100 are
# chit-chat let a policy answer one in five questions the KB cannot answer (13-20% on tune).
# ``--ood-pooled``: the pooled rate, as before 2026-12-05.
OOD_PER_KIND = [True]
# The target the thresholds are chosen at: precision >= TARGET[0] with <= TARGET[1] of the
# out-of-domain questions (of each kind) answered. ``--target-precision`` raises the first
# for a margin: issue 18 asks for 0.97 on questions nobody tuned on.
TARGET = [0.97, 0.05]


def ood_rate(rows: Sequence[tuple[Q, Scored]], res: Sequence[tuple[bool, bool]]) -> float:
    """The share of out-of-domain questions answered; with :data:`OOD_PER_KIND`, the
    highest share among the kinds (chit-chat, other cities, questions the KB cannot
    answer)."""
    kinds = sorted({q.kind for q, _ in rows if q.target is None}) if OOD_PER_KIND[0] else [""]
    rates = []
    for k in kinds:
        sel = [i for i, (q, _) in enumerate(rows) if q.target is None and (not k or q.kind == k)]
        rates.append(sum(res[i][0] for i in sel) / max(len(sel), 1))
    return max(rates)


def choose_threshold(cal: AnswerCalibration | TwoStageCalibration,
                     tune: Sequence[tuple[Q, Scored]]) -> float:
    """The lowest threshold where the tune split has precision >= 0.97 and out-of-domain
    answers <= 5%."""
    conf = confidences(cal, tune)
    for th in GRID:
        res = [(ok and c >= th, ok and c >= th and s.new_right)
               for (ok, c), (_, s) in zip(conf, tune, strict=True)]
        _cov, prec, ood = summary(tune, res)
        if prec >= TARGET[0] and ood <= TARGET[1]:
            return th
    return GRID[-1]


def outcome(policy: AnswerPolicy, q: Q, s: Scored, raw: bool = False) -> tuple[bool, bool]:
    """(answered, right) under ``policy``."""
    d = decide((s.raw_scores or s.scores) if raw else s.scores, q.text, policy, s.ref_lead[1],
               s.signals, s.smalltalk, s.twins and TWIN_RULE[0])
    return d.kind == "answer", d.kind == "answer" and s.new_right


def table(rows: list[tuple[Q, Scored]], answer: dict[str, list[tuple[bool, bool]]]) -> None:
    ind = [i for i, (q, _) in enumerate(rows) if q.target is not None]
    ok_t = [i for i in ind if rows[i][1].target_answerable]
    kinds = ("chitchat", "other_city", "unanswerable")
    print(f"  {'policy':<40} {'coverage':>8} {'precision':>9} {'answered':>8} "
          + " ".join(f"{k + ' ans':>16}" for k in kinds))
    for name, res in answer.items():
        n_ans = sum(res[i][0] for i in ind)
        right = sum(res[i][1] for i in ind)
        cov = sum(res[i][1] for i in ok_t) / max(len(ok_t), 1)
        prec = right / n_ans if n_ans else float("nan")
        ood = []
        for k in kinds:
            sel = [i for i, (q, _) in enumerate(rows) if q.kind == k]
            ood.append(sum(res[i][0] for i in sel) / max(len(sel), 1))
        print(f"  {name:<40} {cov:8.3f} {prec:9.3f} {n_ans / max(len(ind), 1):8.3f} "
              + " ".join(f"{o:16.3f}" for o in ood))


def seed_docs(data: Path) -> dict[DocId, SearchDoc]:
    """Every seed FAQ file's entries with an answer (titles, and the programme question of
    those that have one), each assessed answerable or a reference record."""
    docs: dict[DocId, SearchDoc] = {}
    for rel, source in SEED_FILES:
        if not (data / rel).is_file():
            continue
        for r in load_civilappeal(data / rel, source=source):
            if not r.answer.strip():
                continue
            a = assess(EntryText(r.title, r.answer, r.program), LABEL_DATE)
            docs[f"{source}:{r.external_id}"] = SearchDoc(
                id=f"{source}:{r.external_id}", title=r.title,
                question_variants=(r.question,) if r.program else (), answer=r.answer,
                answerable=a.verdict == "standard")
    return docs


def shipped_docs(docs: dict[DocId, SearchDoc], langs: Sequence[str] | None = None
                 ) -> dict[DocId, SearchDoc]:
    """``docs`` with the editors' question variants that ``dasan demo`` seeds on the real
    FAQ's entries (bench/faq_variants.py; ``langs``: only those languages')."""
    from bench.faq_variants import load_variants, with_variants

    civil = [d for d in docs.values() if str(d.id).startswith("civilappeal:")]
    out = dict(docs)
    out.update({d.id: d for d in with_variants(civil, load_variants(langs), "civilappeal:")})
    return out


def _lexical_tokens(index: SearchIndex, docs: dict[DocId, SearchDoc], queries: Sequence[Q]
                    ) -> tuple[dict[DocId, set[str]], list[set[str]]]:
    ids = list(docs)
    ctoks = tokens_batch(["\n".join([docs[i].title, *docs[i].question_variants,
                                     docs[i].answer[:COVERAGE_ANSWER_CHARS]]) for i in ids])
    cover_tokens = {i: set(t) for i, t in zip(ids, ctoks, strict=True)}
    rq_tokens = [set(t) for t in tokens_batch([index.repaired(q.text) for q in queries])]
    return cover_tokens, rq_tokens


def score_kb(docs: dict[DocId, SearchDoc], all_queries: Sequence[Q],
             weights: FusionWeights | None = None, config: IndexConfig | None = None
             ) -> list[tuple[Q, Scored]]:
    """Build the dense index over ``docs`` (passage vectors from the cache; ``weights``: the
    fusion, default the shipped one) and score every question whose target is in it (and
    every out-of-domain one)."""
    cache = EmbeddingCache(default_embedder(), cache_path(default_embedder()))
    index = SearchIndex(list(docs.values()), cache=cache, weights=weights,
                        config=config or LIVE_CONFIG)
    index.build()
    cache.save_if_changed()
    queries = [q for q in all_queries if q.target is None or q.target in docs]
    ids = list(docs)
    toks = tokens_batch([f"{docs[i].title}\n{docs[i].answer[:200]}" for i in ids])
    doc_tokens = {i: set(t) for i, t in zip(ids, toks, strict=True)}
    q_tokens = [set(t) for t in tokens_batch([q.text for q in queries])]
    cover_tokens, rq_tokens = _lexical_tokens(index, docs, queries)
    ttoks = tokens_batch(["\n".join([docs[i].title, *docs[i].question_variants]) for i in ids])
    title_tokens = {i: set(t) for i, t in zip(ids, ttoks, strict=True)}
    scored = score_all(index, docs, queries, doc_tokens, q_tokens, cover_tokens, rq_tokens,
                       title_tokens)
    return list(zip(queries, scored, strict=True))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=default_shared_data())
    ap.add_argument("--lexical", action="store_true",
                    help="only the lexical policy (no embedder): fit and report it")
    ap.add_argument("--titles-only", action="store_true",
                    help="the real FAQ's entries without the editors' question variants (the "
                         "headline KB carries them, as dasan demo seeds it)")
    ap.add_argument("--variant-langs", default=None,
                    help="only these languages' variants, comma-separated (default: all "
                         "shipped, as dasan demo seeds them)")
    ap.add_argument("--tune-only", action="store_true",
                    help="the tune split only: candidates, fit and threshold; no hold-out is "
                         "scored or printed (for tuning)")
    ap.add_argument("--ood-pooled", action="store_true",
                    help="the out-of-domain condition (<= 5%% answered) on all out-of-domain "
                         "questions pooled, not on each kind")
    ap.add_argument("--fusion", default=None, metavar="BM25,CHARS[,ANSWER,ANSWER_DENSE]",
                    help="fusion weights of the bm25 and char-bigram scorers (and of the answer "
                         "scorer and the title-and-answer passage; dense 1) instead of the "
                         "shipped ones")
    ap.add_argument("--all-passages", action="store_true",
                    help="Korean questions matched against every passage, foreign-language "
                         "variants too (IndexConfig.korean_passages off: the peer)")
    ap.add_argument("--without-g", action="store_true",
                    help="fit on the tune split alone: the blind tune sets (bench_search."
                         "BLIND_TUNES: G) neither fitted on nor printed")
    ap.add_argument("--without-blind", action="store_true",
                    help="leave hold-outs " + ", ".join(n for n, _s, _p in BLIND_HOLDOUTS)
                         + " (the blind search sets' questions) out: neither scored nor printed")
    ap.add_argument("--without-smalltalk", action="store_true",
                    help="no small-talk recogniser (dasan.knowledge.smalltalk): the policy "
                         "alone decides chit-chat, as before the sixteenth session")
    ap.add_argument("--target-precision", type=float, default=TARGET[0],
                    help="the precision the thresholds are chosen at (default %(default)s; "
                         "the out-of-fold threshold too)")
    ap.add_argument("--without-twin-rule", action="store_true",
                    help="no near-twin rule (answering.undecided_twins): the bot answers with "
                         "the top entry of two undecided twins, as before")
    args = ap.parse_args(argv)
    TWIN_RULE[0] = not args.without_twin_rule
    OOD_PER_KIND[0] = not args.ood_pooled
    SMALLTALK[0] = not args.without_smalltalk
    TARGET[0] = args.target_precision
    data: Path = args.data
    if not (data / SEED_FILES[0][0]).is_file():
        print(f"seed data not found under {data}; nothing to benchmark", file=sys.stderr)
        return 2

    if not (args.lexical or args.tune_only):
        print("== 1. answerability of entries ==")
        for line in answerability_report(load_labelled(data)):
            print(line)

    print("\n== 2. answering ==")
    titles = seed_docs(data)
    langs = args.variant_langs.split(",") if args.variant_langs else None
    docs = titles if args.titles_only else shipped_docs(titles, langs)
    print("knowledge base: " + ("titles only (no editor variants)" if args.titles_only else
                                "with the editors' question variants on the real FAQ's entries "
                                f"({args.variant_langs or 'all shipped languages'}), as "
                                "dasan demo seeds it"))
    n_ref = sum(not d.answerable for d in docs.values())
    print(f"knowledge base: {len(docs)} entries with an answer; {n_ref} reference records "
          f"(never answered by the bot), {len(docs) - n_ref} standard answers")
    all_queries = build_queries(data)
    if args.without_blind:
        all_queries = [q for q in all_queries
                       if q.split not in BLIND_SPLITS]
    if args.without_g:
        all_queries = [q for q in all_queries if q.split not in TUNE_SPLITS[1:]]
        del TUNE_SPLITS[1:]
    blind_tunes = {f"tune set {name} (written blind)": split
                   for name, split, path in BLIND_TUNES
                   if split in TUNE_SPLITS and path.is_file()}
    if args.tune_only:
        all_queries = [q for q in all_queries if q.split in TUNE_SPLITS]
    if args.lexical:
        index = SearchIndex(list(docs.values()), use_dense=False)
        queries = [q for q in all_queries if q.target is None or q.target in docs]
        cover_tokens, rq_tokens = _lexical_tokens(index, docs, queries)
        lexical_report(index, docs, queries, cover_tokens, rq_tokens)
        return 0
    fusion = None
    if args.fusion:
        w = [float(x) for x in args.fusion.split(",")] + [0.0, 0.0]
        fusion = FusionWeights(bm25=w[0], chars=w[1], dense=1.0, answer=w[2],
                               answer_dense=w[3])
        print(f"fusion weights: {fusion}")
    rows = score_kb(docs, all_queries, fusion,
                    replace(LIVE_CONFIG, korean_passages=not args.all_passages))
    tune = [(q, s) for q, s in rows if q.split in TUNE_SPLITS]
    tune_sets = {name: [(q, s) for q, s in rows if q.split == split]
                 for name, split in blind_tunes.items()}
    holdouts = {"hold-out A": [(q, s) for q, s in rows if q.split == "holdout"],
                "hold-out B": [(q, s) for q, s in rows if q.split == HOLDOUT_B]}
    for name, split, _path in BLIND_HOLDOUTS:
        holdouts[f"hold-out {name}"] = [(q, s) for q, s in rows if q.split == split]
    holdouts = {k: v for k, v in holdouts.items() if v}
    for name, hold in [("tune", tune), *tune_sets.items(), *holdouts.items()]:
        n_in = sum(q.target is not None for q, _ in hold)
        print(f"{name}: {len(hold)} questions, {n_in} in-domain (of which "
              f"{sum(s.target_answerable for q, s in hold if q.target)} about a standard "
              f"entry), {len(hold) - n_in} out-of-domain")

    shipped = policy_for(len(docs) - n_ref, variant_share(docs.values()))
    for name, rows_g in tune_sets.items():
        # Before anything is fitted on it: the shipped policy on the blind tune set.
        print(f"\n{name}, shipped policy and peers (scored before any fit on it):")
        table(rows_g, {"peer: shipped until today (2-stage, 0.425)": [
                           outcome(TWO_STAGE_POLICY, q, s) for q, s in rows_g],
                       "Dasan, shipped policy": [outcome(shipped, q, s) for q, s in rows_g]})
        for kind in ("citizen", "spoken"):
            sub = [(q, s) for q, s in rows_g if q.kind == kind or q.target is None]
            table(sub, {f"Dasan, shipped policy, {kind} only": [
                outcome(shipped, q, s) for q, s in sub]})
    chosen_spec, chosen, cv_lines = select_features(tune)
    print("answer calibration: candidates, judged on the tune split only")
    for line in cv_lines:
        print(line)
    cal = fit_rows(tune, chosen_spec)
    in_sample = choose_threshold(cal, tune)
    print(f"chosen: {_spec_name(chosen_spec)}; fitted on all of tune: {cal}; threshold: "
          f"{chosen}, where its out-of-fold answers on tune meet the target (the lowest "
          f"where all of tune, in sample, meets it: {in_sample})")
    print(f"shipped (policy_for {len(docs) - n_ref} answerable entries, variant share "
          f"{variant_share(docs.values()):.2f}): {shipped.calibration} "
          f"threshold {shipped.threshold}")
    fitted = AnswerPolicy(cal, chosen)
    print("out of fold on tune (5-fold CV, 5 repeats), per kind:")
    for spec in dict.fromkeys([("dense", "margin", "cover"), chosen_spec]):
        for line in cv_detail(tune, spec):
            print(line)
    model = smalltalk_model()
    if model is not None:
        import time

        texts = [q.text for q, _ in tune]
        cpu = []
        for fn in (model.score, informal_register):
            t0 = time.process_time()
            for t in texts:
                fn(t)
            cpu.append((time.process_time() - t0) / len(texts) * 1e6)
        print(f"small-talk recogniser ({model.trained_on}, threshold {model.threshold}): "
              f"{cpu[0]:.0f} us CPU per question over {len(texts)} tune questions; peer: the "
              f"policy's informal-ending signal (kiwi) {cpu[1]:.0f} us")
    twin_rows = [(q, s) for q, s in tune if s.twins]
    print(f"near twins the question does not tell apart (top hit, tune): {len(twin_rows)} "
          f"questions, {sum(q.target is None for q, _ in twin_rows)} out-of-domain, "
          f"{sum(s.new_right for q, s in twin_rows if q.target)} whose top hit is right"
          + ("" if TWIN_RULE[0] else " (rule off: --without-twin-rule)"))
    flagged = [q for q, s in tune if s.smalltalk]
    print(f"small talk flagged on tune: {sum(q.target is not None for q in flagged)} of "
          f"{sum(q.target is not None for q, _ in tune)} in-domain, "
          + ", ".join(f"{k} {sum(q.kind == k for q in flagged)} of "
                      f"{sum(q.kind == k and q.target is None for q, _ in tune)}"
                      for k in ("chitchat", "other_city", "unanswerable")))
    print("  tune at the operating point:")
    table(tune, {"peer: shipped until today (2-stage, 0.425)": [
                     outcome(TWO_STAGE_POLICY, q, s) for q, s in tune],
                 "peer: shipped until the 17th session (+cover)": [
                     outcome(PREVIOUS_CITY_POLICY, q, s) for q, s in tune],
                 "Dasan, shipped policy": [outcome(shipped, q, s) for q, s in tune],
                 "Dasan, policy fitted this run": [outcome(fitted, q, s) for q, s in tune]})
    if args.tune_only:
        return 0
    policies: dict[str, tuple[AnswerPolicy, bool]] = {
        "peer: previous Dasan (dense+margin, 0.5)": (PREVIOUS_POLICY, True),
        f"peer: agreement, no guard ({AGREEMENT_THRESHOLD})": (UNGUARDED_POLICY, True),
        f"peer: current threshold (agreement {AGREEMENT_THRESHOLD})": (CURRENT_POLICY, True),
        "peer: shipped until today (2-stage, 0.425)": (TWO_STAGE_POLICY, False),
        "peer: shipped until the 17th session (+cover)": (PREVIOUS_CITY_POLICY, False),
        "Dasan, shipped policy (this KB's size)": (shipped, False),
        "Dasan, policy fitted this run": (fitted, False),
    }
    for name, hold in holdouts.items():
        print(f"\n{name} at the operating point (coverage = right answers / in-domain "
              "questions about a standard entry):")
        peer = [(s.peer_conf >= PEER_THRESHOLD, s.peer_conf >= PEER_THRESHOLD and s.peer_right)
                for _, s in hold]
        answer = {f"peer: the first bot (conf >= {PEER_THRESHOLD})": peer}
        for pname, (pol, raw) in policies.items():
            answer[pname] = [outcome(pol, q, s, raw) for q, s in hold]
        table(hold, answer)
    if not args.titles_only:
        # The reference row: the same questions on the titles-only index (the KB before the
        # editors' variants), the shipped policy and the peer.
        trows = score_kb(titles, all_queries)
        t_shipped = policy_for(len(docs) - n_ref, variant_share(titles.values()))
        splits = {"hold-out A": "holdout", "hold-out B": HOLDOUT_B,
                  **{f"hold-out {name}": split for name, split, _path in BLIND_HOLDOUTS}}
        for name in holdouts:
            thold = [(q, s) for q, s in trows if q.split == splits[name]]
            print(f"\n{name}, reference: the titles-only index (no editor variants):")
            table(thold, {
                f"peer: current threshold (agreement {AGREEMENT_THRESHOLD})": [
                    outcome(CURRENT_POLICY, q, s, True) for q, s in thold],
                "peer: shipped until today (2-stage, 0.425)": [
                    outcome(TWO_STAGE_POLICY, q, s) for q, s in thold],
                "Dasan, shipped policy (for a KB without variants)": [
                    outcome(t_shipped, q, s) for q, s in thold]})

    print(f"\ncoverage/precision curve on each hold-out, at the same thresholds: Dasan (the "
          f"{_spec_name(chosen_spec)} calibration fitted this run) and the peer, the current "
          f"agreement calibration (shipped at {AGREEMENT_THRESHOLD}); both with the reference "
          "guard; OOD ans = out-of-domain questions answered")
    print(f"  {'':10} {'threshold':>9} | {'Dasan cov':>9} {'prec':>6} {'OOD ans':>7} | "
          f"{'peer cov':>8} {'prec':>6} {'OOD ans':>7}")
    for name, hold in holdouts.items():
        conf_new = confidences(cal, hold)
        conf_peer = confidences(AGREEMENT_CALIBRATION, hold, raw=True)
        for th in sorted({0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
                          chosen}):
            cols = []
            for conf in (conf_new, conf_peer):
                res = [(ok and c >= th, ok and c >= th and s.new_right)
                       for (ok, c), (_, s) in zip(conf, hold, strict=True)]
                cov, prec, ood = summary(hold, res)
                cols.append(f"{cov:9.3f} {prec:6.3f} {ood:7.3f}")
            mark = " <- Dasan's threshold" if abs(th - chosen) < 1e-9 else ""
            mark += " <- peer's threshold" if abs(th - AGREEMENT_THRESHOLD) < 1e-9 else ""
            print(f"  {name:10} {th:9.2f} | {cols[0]} | {cols[1]}{mark}")
    for name, hold in holdouts.items():
        res = [outcome(fitted, q, s) for q, s in hold]
        wrong = [(q, s) for (q, s), (a, r) in zip(hold, res, strict=True)
                 if a and not r and q.target]
        print(f"{name}, policy fitted this run, wrong answers to in-domain questions: "
              f"{len(wrong)}, of which {sum(not s.target_answerable for _, s in wrong)} ask "
              "about an entry that is a reference record (answered with another, standard "
              "entry)")
    print("\n== 3. miss clusters ==")
    from bench.bench_gaps import report as gap_report

    for line in gap_report():
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
