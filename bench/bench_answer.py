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
   services, questions the KB cannot answer). The calibration's features are chosen by
   cross-validation on the tune split, its weights and the threshold fitted on the tune split;
   nothing is tuned on the hold-out; the coverage/precision curve is printed for the hold-out, beside
   the peer: today's bot policy (shipped confidence >= 0.45 with a shared content word, every
   entry answerable) on the same queries.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.answer_labels import DATA, LABEL_DATE, load_labelled
from bench.bench_answer_quality import report as answerability_report
from bench.bench_search import CACHE, load_ood, load_queries
from dasan.config import default_shared_data
from dasan.knowledge.answerability import EntryText, assess
from dasan.knowledge.answering import (
    AGREEMENT_CALIBRATION,
    AGREEMENT_THRESHOLD,
    COVERAGE_ANSWER_CHARS,
    LEXICAL_POLICY,
    AnswerCalibration,
    AnswerPolicy,
    QuerySignals,
    coverage,
    decide,
    informal_register,
    policy_for,
)
from dasan.knowledge.embeddings import EmbeddingCache, default_embedder
from dasan.knowledge.faq_source import SEED_FILES, load_civilappeal, title_key
from dasan.knowledge.search import (
    LEXICAL_ONLY,
    Calibration,
    Components,
    DocId,
    SearchDoc,
    SearchIndex,
    fuse,
)
from dasan.text.korean import tokens_batch

PEER_THRESHOLD = 0.45  # chat/bot.py before this change
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
    # dense, dense margin, coverage, fused margin, then the question's own signals
    # (QuerySignals): vocabulary share, title coverage, informal ending
    feats: tuple[float, ...]
    scores: list[tuple[float, float, float]]  # (dense, coverage, fused) of the top 3
    new_right: bool
    target_answerable: bool
    # the best reference record against the top standard entry: (its raw dense cosine minus
    # the standard entry's, its fused score minus the standard entry's; both over all entries)
    ref_lead: tuple[float, float] = (-1.0, -1.0)
    signals: QuerySignals | None = None


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
    return out


def _rel(ids: Sequence[DocId], keys: dict[DocId, str], target: str | None, i: int) -> bool:
    """Is document ``i`` the target (or an exact duplicate title of it)?"""
    return target is not None and (ids[i] == target or keys[ids[i]] == keys.get(target, "\0"))


def score_all(index: SearchIndex, docs: dict[DocId, SearchDoc], queries: Sequence[Q],
              doc_tokens: dict[DocId, set[str]], q_tokens: list[set[str]],
              cover_tokens: dict[DocId, set[str]], rq_tokens_all: list[set[str]],
              title_tokens: dict[DocId, set[str]]) -> list[Scored]:
    ids = index.ids
    keys = {i: title_key(docs[i].title) for i in ids}
    answerable = np.array([docs[i].answerable for i in ids])
    vecs = index.embed_queries([q.text for q in queries])
    peer_cal = Calibration()
    out = []
    for q, v, qt, rq_tokens in zip(queries, vecs, q_tokens, rq_tokens_all, strict=True):
        comp: Components = index.components(q.text, v)
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
        # new policy: answerable entries only
        s2 = fuse(comp, index.weights, answerable)
        order2 = [int(i) for i in np.argsort(-s2)[:3] if np.isfinite(s2[i])]
        cover = coverage(rq_tokens, cover_tokens[ids[order2[0]]])
        scores = [(float(comp.dense[i]), cover, float(s2[i])) for i in order2]
        margin = scores[0][0] - scores[1][0]
        fused_margin = scores[0][2] - scores[1][2]
        top = int(order2[0])
        ref_s = np.where(answerable, -np.inf, s)
        r = int(np.argmax(ref_s))
        lead = ((float(comp.dense[r] - comp.dense[top]), float(s[r] - s[top]))
                if np.isfinite(ref_s[r]) else (-1.0, -1.0))
        sig = QuerySignals(vocab_share=index.vocabulary_share(rq_tokens),
                           title_cover=coverage(rq_tokens, title_tokens[ids[top]]),
                           informal=float(informal_register(q.text)))
        out.append(Scored(peer_conf, peer_right,
                          (scores[0][0], margin, cover, fused_margin, sig.vocab_share,
                           sig.title_cover, sig.informal),
                          scores,
                          _rel(ids, keys, target, top),
                          q.target is not None and bool(docs[q.target].answerable), lead, sig))
    return out


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
        scores = [(float(s2[i]), cover, float(s2[i])) for i in order]
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
    tune = [(q, s) for q, s in rows if q.split == "tune"]
    hold = [(q, s) for q, s in rows if q.split == "holdout"]
    cal = fit([s for _, s in tune], ("dense", "margin", "cover"))
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


FEATURES = ("dense", "margin", "cover", "fused_margin", "vocab", "title_cover",
            "informal")  # the order of Scored.feats
# Candidate feature sets for the answer calibration; the one shipped is chosen on the tune
# split alone (select_features), never on the hold-out.
FEATURE_SETS: tuple[tuple[str, ...], ...] = (
    ("dense", "margin"), ("dense", "margin", "cover"), ("dense", "fused_margin"),
    ("dense", "margin", "fused_margin"), ("dense", "fused_margin", "cover"),
    ("dense", "margin", "cover", "fused_margin"),
    # ... and the question's own signals (QuerySignals): is it in the KB's domain at all?
    ("dense", "fused_margin", "vocab"), ("dense", "fused_margin", "title_cover"),
    ("dense", "fused_margin", "informal"), ("dense", "fused_margin", "vocab", "informal"),
    ("dense", "fused_margin", "vocab", "title_cover", "informal"),
    ("dense", "margin", "fused_margin", "vocab", "title_cover", "informal"))
PREVIOUS_POLICY = AnswerPolicy(AnswerCalibration(a=18.98, b=8.74, c=-17.72, d=0.0, e=0.0), 0.5,
                               reference_guard=None)
# (still the policy for a small KB, with the reference guard: see AnswerCalibration and
# policy_for)
# The policy shipped before the reference guard (the agreement calibration at 0.3 answering
# even when a reference record outranks its entry): the peer at today's threshold.
UNGUARDED_POLICY = AnswerPolicy(AGREEMENT_CALIBRATION, AGREEMENT_THRESHOLD, reference_guard=None)


def fit(sc: Sequence[Scored], names: Sequence[str] = ("dense", "margin")) -> AnswerCalibration:
    """Logistic calibration on tune-split rows over the named features (the others get 0)."""
    from sklearn.linear_model import LogisticRegression

    cols = [FEATURES.index(n) for n in names]
    x = np.array([[s.feats[c] for c in cols] for s in sc])
    y = np.array([s.new_right for s in sc])
    lr = LogisticRegression(C=10.0, max_iter=3000).fit(x, y)
    w = dict(zip(names, (round(float(v), 2) for v in lr.coef_[0]), strict=True))
    return AnswerCalibration(a=w.get("dense", 0.0), b=w.get("margin", 0.0),
                             c=round(float(lr.intercept_[0]), 2), d=w.get("cover", 0.0),
                             e=w.get("fused_margin", 0.0), f=w.get("vocab", 0.0),
                             g=w.get("title_cover", 0.0), h=w.get("informal", 0.0))


def cross_validate(tune: Sequence[tuple[Q, Scored]], names: Sequence[str], repeats: int = 10,
                   folds: int = 5) -> tuple[float, float, float]:
    """Coverage, precision and out-of-domain answer rate pooled over the held-out folds of the
    tune split, the calibration and threshold fitted on the other folds each time."""
    right = answered = ok = ood_ans = ood_n = 0
    for seed in range(repeats):
        order = np.random.default_rng(seed).permutation(len(tune))
        for part in np.array_split(order, folds):
            held = set(int(i) for i in part)
            train = [r for i, r in enumerate(tune) if i not in held]
            test = [r for i, r in enumerate(tune) if i in held]
            cal = fit([s for _, s in train], names)
            pol = AnswerPolicy(cal, choose_threshold(cal, train))
            for q, sc in test:
                a, r = outcome(pol, q, sc)
                if q.target is None:
                    ood_n += 1
                    ood_ans += a
                else:
                    answered += a
                    right += r
                    ok += sc.target_answerable
    return (right / max(ok, 1), right / answered if answered else float("nan"),
            ood_ans / max(ood_n, 1))


def select_features(tune: Sequence[tuple[Q, Scored]]) -> tuple[tuple[str, ...], list[str]]:
    """The feature set with the highest cross-validated coverage among those whose
    cross-validated precision is >= 0.97 and out-of-domain answer rate <= 5% (tune only)."""
    lines = [f"  {'features (5-fold CV on tune, 10 repeats)':<44} {'coverage':>8} "
             f"{'precision':>9} {'OOD ans':>7}"]
    best: tuple[float, tuple[str, ...]] = (-1.0, FEATURE_SETS[0])
    for names in FEATURE_SETS:
        cov, prec, ood = cross_validate(tune, names)
        lines.append(f"  {' + '.join(names):<44} {cov:8.3f} {prec:9.3f} {ood:7.3f}")
        if prec >= 0.97 and ood <= 0.05 and cov > best[0]:
            best = (cov, names)
    return best[1], lines


def choose_threshold(cal: AnswerCalibration, tune: Sequence[tuple[Q, Scored]]) -> float:
    """The lowest threshold where the tune split has precision >= 0.97 and out-of-domain
    answers <= 5%."""
    grid = [round(x, 2) for x in np.arange(0.05, 0.99, 0.05)]
    for th in grid:
        pol = AnswerPolicy(cal, th)
        res = [outcome(pol, q, s) for q, s in tune]
        ind = [r for (q, _), r in zip(tune, res, strict=True) if q.target is not None]
        ood = [r for (q, _), r in zip(tune, res, strict=True) if q.target is None]
        n_ans = sum(a for a, _ in ind)
        prec = sum(r for _, r in ind) / n_ans if n_ans else 0.0
        if prec >= 0.97 and sum(a for a, _ in ood) / len(ood) <= 0.05:
            return th
    return grid[-1]


def outcome(policy: AnswerPolicy, q: Q, s: Scored) -> tuple[bool, bool]:
    """(answered, right) under ``policy``."""
    d = decide(s.scores, q.text, policy, s.ref_lead[1], s.signals)
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


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=default_shared_data())
    ap.add_argument("--lexical", action="store_true",
                    help="only the lexical policy (no embedder): fit and report it")
    args = ap.parse_args(argv)
    data: Path = args.data
    if not (data / SEED_FILES[0][0]).is_file():
        print(f"seed data not found under {data}; nothing to benchmark", file=sys.stderr)
        return 2

    if not args.lexical:
        print("== 1. answerability of entries ==")
        for line in answerability_report(load_labelled(data)):
            print(line)

    print("\n== 2. answering ==")
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
    n_ref = sum(not d.answerable for d in docs.values())
    print(f"knowledge base: {len(docs)} entries with an answer; {n_ref} reference records "
          f"(never answered by the bot), {len(docs) - n_ref} standard answers")
    if args.lexical:
        index = SearchIndex(list(docs.values()), use_dense=False)
    else:
        cache = EmbeddingCache(default_embedder(), CACHE)
        index = SearchIndex(list(docs.values()), cache=cache)
        index.build()
        cache.save_if_changed()
    queries = [q for q in build_queries(data) if q.target is None or q.target in docs]
    ids = list(docs)
    toks = tokens_batch([f"{docs[i].title}\n{docs[i].answer[:200]}" for i in ids])
    doc_tokens = {i: set(t) for i, t in zip(ids, toks, strict=True)}
    q_tokens = [set(t) for t in tokens_batch([q.text for q in queries])]
    ctoks = tokens_batch(["\n".join([docs[i].title, *docs[i].question_variants,
                                     docs[i].answer[:COVERAGE_ANSWER_CHARS]]) for i in ids])
    cover_tokens = {i: set(t) for i, t in zip(ids, ctoks, strict=True)}
    rq_tokens = [set(t) for t in tokens_batch([index.repaired(q.text) for q in queries])]
    ttoks = tokens_batch(["\n".join([docs[i].title, *docs[i].question_variants]) for i in ids])
    title_tokens = {i: set(t) for i, t in zip(ids, ttoks, strict=True)}
    if args.lexical:
        lexical_report(index, docs, queries, cover_tokens, rq_tokens)
        return 0
    scored = score_all(index, docs, queries, doc_tokens, q_tokens, cover_tokens, rq_tokens,
                       title_tokens)
    rows = list(zip(queries, scored, strict=True))
    tune = [(q, s) for q, s in rows if q.split == "tune"]
    hold = [(q, s) for q, s in rows if q.split == "holdout"]
    n_in = sum(q.target is not None for q, _ in hold)
    print(f"queries: tune {len(tune)}, hold-out {len(hold)} ({n_in} in-domain, of which "
          f"{sum(s.target_answerable for q, s in hold if q.target)} about a standard entry; "
          f"{len(hold) - n_in} out-of-domain)")

    shipped = policy_for(len(docs) - n_ref)
    chosen_names, cv_lines = select_features(tune)
    print("answer calibration: candidate feature sets, judged on the tune split only")
    for line in cv_lines:
        print(line)
    cal = fit([s for _, s in tune], chosen_names)
    chosen = choose_threshold(cal, tune)
    print(f"chosen: {' + '.join(chosen_names)}; fitted on all of tune: a={cal.a} b={cal.b} "
          f"d={cal.d} e={cal.e} c={cal.c}, threshold chosen on tune: {chosen}; shipped: "
          f"{shipped.calibration} threshold {shipped.threshold} (policy_for "
          f"{len(docs) - n_ref} answerable entries)")

    print("\nhold-out at the operating point (coverage = right answers / in-domain questions "
          "about a standard entry):")
    peer = [(s.peer_conf >= PEER_THRESHOLD, s.peer_conf >= PEER_THRESHOLD and s.peer_right)
            for _, s in hold]
    answer = {
        f"peer: today's bot (conf >= {PEER_THRESHOLD})": peer,
        "peer: previous Dasan (dense+margin, 0.5)": [outcome(PREVIOUS_POLICY, q, s)
                                                     for q, s in hold],
        "Dasan, shipped policy (this KB's size)": [outcome(shipped, q, s) for q, s in hold],
        "peer: same threshold, no reference guard": [outcome(UNGUARDED_POLICY, q, s)
                                                     for q, s in hold],
        "Dasan, agreement calibration": [
            outcome(AnswerPolicy(AGREEMENT_CALIBRATION, AGREEMENT_THRESHOLD), q, s)
            for q, s in hold],
        "Dasan, policy fitted this run": [outcome(AnswerPolicy(cal, chosen), q, s)
                                          for q, s in hold],
    }
    table(hold, answer)

    print("\ncoverage/precision curve on the hold-out, each column at the same thresholds: the "
          "agreement calibration with the reference guard (Dasan, shipped for a city-sized KB), "
          "the same without the guard (the policy shipped before it), the cosine policy kept "
          "for small KBs (prev, no guard) and today's bot's confidence (peer)")
    print(f"  {'threshold':>9} | {'Dasan cov':>9} {'prec':>6} {'OOD ans':>7} | "
          f"{'no-guard cov':>12} {'prec':>6} {'OOD ans':>7} | "
          f"{'prev cov':>8} {'prec':>6} {'OOD ans':>7} | "
          f"{'peer cov':>8} {'prec':>6} {'OOD ans':>7}")
    ind = [(q, s) for q, s in hold if q.target is not None]
    ood = [(q, s) for q, s in hold if q.target is None]
    n_ok = sum(s.target_answerable for _, s in ind)

    def point(cal_: AnswerCalibration, th: float, guard: float | None, width: int = 9) -> str:
        pol = AnswerPolicy(cal_, th, reference_guard=guard)
        r_in = [outcome(pol, q, s) for q, s in ind]
        na = sum(a for a, _ in r_in)
        nr = sum(r for _, r in r_in)
        r_ood = sum(outcome(pol, q, s)[0] for q, s in ood)
        return (f"{nr / n_ok:{width}.3f} {(nr / na if na else float('nan')):6.3f} "
                f"{r_ood / len(ood):7.3f}")

    for th in [0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9]:
        p_in = [(s.peer_conf >= th, s.peer_conf >= th and s.peer_right) for _, s in ind]
        pna = sum(a for a, _ in p_in)
        p_ood = sum(s.peer_conf >= th for _, s in ood)
        print(f"  {th:9.2f} | {point(AGREEMENT_CALIBRATION, th, 0.0)} | "
              f"{point(AGREEMENT_CALIBRATION, th, None, 12)} | "
              f"{point(PREVIOUS_POLICY.calibration, th, None, 8)} | "
              f"{sum(r for _, r in p_in) / n_ok:8.3f} "
              f"{(sum(r for _, r in p_in) / pna if pna else float('nan')):6.3f} "
              f"{p_ood / len(ood):7.3f}")
    wrong = [(q, s) for (q, s), (a, r) in zip(hold, answer[
        "Dasan, agreement calibration"],
                                              strict=True) if a and not r and q.target]
    print(f"agreement calibration, wrong answers to in-domain hold-out questions: {len(wrong)}, "
          "of which "
          f"{sum(not s.target_answerable for _, s in wrong)} ask about an entry that is a "
          "reference record (the bot answered with another, standard entry)")
    print("\n== 3. miss clusters ==")
    from bench.bench_gaps import report as gap_report

    for line in gap_report():
        print(line)
    for q, _ in wrong[:8]:
        print(f"    answered wrongly: [{q.kind}] {q.text[:60]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
