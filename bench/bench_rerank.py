"""Second-stage reranker for knowledge search: fit, choose on tune, report the hold-out once.

Run: ``uv run --frozen python -m bench.bench_rerank [--save]``. Reads ``../shared/data``;
passage vectors come from ``var/cache/search-embeddings.npz`` (bench_search's cache).

Training queries, none of them a benchmark hold-out:
  * paraKQC: one sentence of each 10-sentence set indexed, sentences 5 and 6 as queries
    (bench_search's paraKQC recall uses sentences 1-4);
  * the tune split of ``bench/data/paraphrase_queries.jsonl`` (90 citizen paraphrases, their
    four noisy variants, 30 keyword queries) and the in-domain questions of
    ``bench/data/answer_tune_b.jsonl`` whose entry is in the FAQ.

Candidates are the fused top :data:`RERANK_DEPTH` of the shipped search; the reranker is a
logistic regression over :data:`dasan.knowledge.rerank.FEATURES` (positive = the target entry
or a verbatim copy). Variants are chosen by 5-fold cross-validation on the tune queries
(grouped by the citizen query a noisy variant comes from), against the fused order on the same
folds. The TEST split (150 citizen, 40 spoken, 30 keyword and the noisy variants of the test
citizen queries) is reported once at the end beside the fusion (the peer) from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.bench_search import (
    CACHE,
    DATA,
    Query,
    faq_docs,
    load_queries,
    metrics,
    noisy_variants,
    parakqc_sets,
    relevance,
)
from dasan.config import default_shared_data
from dasan.knowledge.embeddings import EmbeddingCache, default_embedder
from dasan.knowledge.faq_source import load_civilappeal
from dasan.knowledge.rerank import (
    DEFAULT_RERANK_PATH,
    FEATURES,
    RERANK_DEPTH,
    Reranker,
    candidate_features,
)
from dasan.knowledge.search import SearchDoc, SearchIndex, fuse
from dasan.text.korean import analyze_query


@dataclass
class Cands:
    """One query's fused top candidates: features, labels, and where the target ranks
    outside them (None: inside)."""

    qid: str
    group: str
    split: str
    kind: str
    x: np.ndarray
    y: np.ndarray
    outside_rank: int | None


def candidates(index: SearchIndex, texts: Sequence[str], rels: Sequence[np.ndarray],
               meta: Sequence[tuple[str, str, str, str]]) -> list[Cands]:
    vecs = index.embed_queries(list(texts))
    out = []
    ids = index.ids
    for text, v, rel, (qid, group, split, kind) in zip(texts, vecs, rels, meta, strict=True):
        fixed = index.repaired(text)
        _clean, toks = analyze_query(fixed)
        comp = index.components(text, v)
        fused = fuse(comp, index.weights)
        cand = index.rerank_order(fixed, toks, comp, fused)  # the fused order (no reranker)
        docs = [index.get(ids[i]) for i in cand]
        x = candidate_features(
            fused=fused, dense=comp.dense, title_dense=comp.title, chars=comp.chars,
            bm25=comp.bm25, mask=None, cand=cand, query=fixed, query_tokens=toks,
            doc_tokens=[index._lex[ids[i]] for i in cand],
            doc_titles=[d.title for d in docs if d is not None])
        y = rel[cand]
        outside = None
        if not y.any():
            best = fused[rel].max()
            outside = int((fused > best).sum() + 1)
        out.append(Cands(qid, group, split, kind, x, y, outside))
    return out


def ranks(rows: Sequence[Cands], model: Reranker | None) -> list[int]:
    out = []
    for r in rows:
        if r.outside_rank is not None:
            out.append(r.outside_rank)
            continue
        s = np.arange(len(r.y), 0, -1, dtype=np.float64) if model is None else model.scores(r.x)
        order = np.argsort(-s, kind="stable")
        out.append(int(np.flatnonzero(r.y[order])[0]) + 1)
    return out


def fit(rows: Sequence[Cands], features: Sequence[str], c: float) -> Reranker:
    from sklearn.linear_model import LogisticRegression

    idx = [FEATURES.index(n) for n in features]
    use = [r for r in rows if r.y.any()]
    x = np.vstack([r.x[:, idx] for r in use])
    y = np.concatenate([r.y for r in use]).astype(int)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale <= 1e-9] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    lr.fit((x - mean) / scale, y)
    return Reranker(mean=tuple(map(float, mean)), scale=tuple(map(float, scale)),
                    weights=tuple(map(float, lr.coef_[0])), bias=float(lr.intercept_[0]),
                    depth=RERANK_DEPTH, features=tuple(features))


def cv(tune: Sequence[Cands], extra: Sequence[Cands], features: Sequence[str], c: float,
       folds: int = 5, seed: int = 0) -> list[int]:
    """Ranks of the tune queries, each from a model fitted without its fold (plus ``extra``)."""
    groups = sorted({r.group for r in tune})
    perm = np.random.default_rng(seed).permutation(len(groups))
    fold_of = {groups[g]: n % folds for n, g in enumerate(perm)}
    out: dict[int, int] = {}
    for f in range(folds):
        train = [r for r in tune if fold_of[r.group] != f]
        held = [i for i, r in enumerate(tune) if fold_of[r.group] == f]
        model = fit([*extra, *train], features, c)
        for i, rk in zip(held, ranks([tune[i] for i in held], model), strict=True):
            out[i] = rk
    return [out[i] for i in range(len(tune))]


def row(name: str, rk: Sequence[int]) -> str:
    h1, h5, mrr = metrics(rk)
    return f"  {name:<46} {h1:6.3f} {h5:6.3f} {mrr:6.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reuse", action="store_true", help="reuse the candidate features saved "
                    "by the last run (var/cache/rerank-rows.pkl) instead of scoring again")
    ap.add_argument("--tune-only", action="store_true", help="do not report the test split")
    ap.add_argument("--save", action="store_true", help=f"write the chosen model to "
                    f"{DEFAULT_RERANK_PATH} when it beats the fusion on tune (CV)")
    args = ap.parse_args(argv)
    data = default_shared_data()
    t0 = time.perf_counter()
    rows_path = CACHE.with_name("rerank-rows.pkl")
    if args.reuse and rows_path.is_file():
        with rows_path.open("rb") as fh:
            allq, rows, tb, prow = pickle.load(fh)
        print(f"candidate features from {rows_path}")
        index = faq_index(data)[0]
    else:
        index, allq, rows, tb, prow = score(data)
        with rows_path.open("wb") as fh:
            pickle.dump((allq, rows, tb, prow), fh)
    rest(args, index, allq, rows, tb, prow, t0)
    return 0


def faq_index(data: Path) -> tuple[SearchIndex, EmbeddingCache]:
    cache = EmbeddingCache(default_embedder(), CACHE)
    records = load_civilappeal(data / "seoul120-faq-opengov" / "civilappeal_data.csv")
    index = SearchIndex(faq_docs(records), cache=cache)
    index.build()
    return index, cache


def score(data: Path) -> tuple[SearchIndex, list[Query], list[Cands], list[Cands],
                                list[Cands]]:
    """Candidate features of every training and benchmark query."""
    t0 = time.perf_counter()
    index, cache = faq_index(data)
    ids = index.ids
    docs = [d for d in (index.get(i) for i in ids) if d is not None]
    by_id = {d.id: d for d in docs}

    queries = load_queries(DATA / "paraphrase_queries.jsonl")
    allq = queries + noisy_variants([q for q in queries if q.kind == "citizen"])
    meta = [(q.qid, q.qid.split("-")[0], q.split, q.kind) for q in allq]
    rels = [relevance(ids, by_id, q.target) for q in allq]
    rows = candidates(index, [q.text for q in allq], rels, meta)
    # answer_tune_b: in-domain tune questions of bench_answer whose entry is in this FAQ
    extra_faq: list[tuple[str, str]] = []
    for line in (DATA / "answer_tune_b.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        target = str(d.get("target") or "").removeprefix("civilappeal:")
        if target in by_id:
            extra_faq.append((d["query"], target))
    tb = candidates(index, [t for t, _ in extra_faq],
                    [relevance(ids, by_id, tg) for _, tg in extra_faq],
                    [(f"tb{i}", f"tb{i}", "tune", "tune_b") for i in range(len(extra_faq))])
    print(f"FAQ: {len(docs)} entries; {len(rows)} paraphrase-set queries, {len(tb)} "
          f"answer_tune_b queries ({time.perf_counter() - t0:.0f} s)")

    sets_ = parakqc_sets(data)
    pdocs = [SearchDoc(id=f"p{i}", title=s[0]) for i, s in enumerate(sets_)]
    pindex = SearchIndex(pdocs, cache=cache)
    pindex.build()
    pids = pindex.ids
    pos = {d: n for n, d in enumerate(pids)}
    pq = [(f"p{i}", s[j]) for i, s in enumerate(sets_) for j in (5, 6)]
    prels = []
    for target, _ in pq:
        rel = np.zeros(len(pids), dtype=bool)
        rel[pos[target]] = True
        prels.append(rel)
    prow = candidates(pindex, [q for _, q in pq], prels,
                      [(f"{t}:{n}", t, "train", "parakqc") for n, (t, _) in enumerate(pq)])
    print(f"paraKQC: {len(pdocs)} sets, {len(prow)} queries ({time.perf_counter() - t0:.0f} s)")
    cache.save_if_changed()
    return index, allq, rows, tb, prow


def rest(args: argparse.Namespace, index: SearchIndex, allq: Sequence[Query],
         rows: Sequence[Cands], tb: Sequence[Cands], prow: Sequence[Cands], t0: float) -> None:

    tune = [r for r in rows if r.split == "tune"] + list(tb)
    print(f"\ntune split, {len(tune)} queries (CV: 5 folds grouped by citizen query)\n"
          f"  {'method':<46} {'hit@1':>6} {'hit@5':>6} {'MRR':>6}")
    print(row("fusion (shipped weights, the peer)", ranks(tune, None)))
    variants: list[tuple[str, list[int], tuple[str, ...], float, bool]] = []
    lexical_only = tuple(f for f in FEATURES if not f.startswith(("dense", "title")))
    no_tok = tuple(f for f in FEATURES if f not in ("q_cover", "d_cover", "numbers"))
    for fname, feats in (("all features", FEATURES), ("no token features", no_tok),
                         ("no dense features", lexical_only)):
        for c in (0.1, 1.0):
            m = fit(prow, feats, c)
            rk = ranks(tune, m)
            variants.append((f"paraKQC only, {fname}, C={c}", rk, feats, c, False))
            rk = cv(tune, prow, feats, c)
            variants.append((f"paraKQC + tune (CV), {fname}, C={c}", rk, feats, c, True))
            rk = cv(tune, [], feats, c)
            variants.append((f"tune only (CV), {fname}, C={c}", rk, feats, c, True))
    for name, rk, *_ in variants:
        print(row(name, rk))
    base = metrics(ranks(tune, None))
    best = max(variants, key=lambda v: (metrics(v[1])[0], metrics(v[1])[2]))
    bh = metrics(best[1])
    print(f"\nchosen on tune: {best[0]} (hit@1 {bh[0]:.3f} vs fusion {base[0]:.3f}, MRR "
          f"{bh[2]:.3f} vs {base[2]:.3f})")
    _, _, feats, c, with_tune = best
    model = fit([*prow, *tune] if with_tune else prow, feats, c)
    beats = bh[0] > base[0] and bh[2] >= base[2]
    if args.save and beats:
        DEFAULT_RERANK_PATH.parent.mkdir(parents=True, exist_ok=True)
        DEFAULT_RERANK_PATH.write_text(model.to_json(), encoding="utf-8")
        print(f"saved {DEFAULT_RERANK_PATH}")
    elif args.save:
        print("not saved: it does not beat the fusion on tune")
    print("weights: " + ", ".join(f"{n}={w:+.2f}" for n, w in
                                  zip(model.features, model.weights, strict=True)))

    if args.tune_only:
        return
    # ---- the hold-out, once ----
    print(f"\nTEST split (never used above)\n  {'set':<30} {'n':>4} {'hit@1 rerank':>13} "
          f"{'hit@1 fusion':>13} {'hit@5 rerank':>13} {'hit@5 fusion':>13}")
    for kind in ("citizen", "spoken", "keyword", "nospace", "spaced", "typo", "filler"):
        sel = [r for r in rows if r.split == "test" and r.kind == kind]
        a, b = metrics(ranks(sel, model)), metrics(ranks(sel, None))
        print(f"  {kind:<30} {len(sel):4d} {a[0]:13.3f} {b[0]:13.3f} {a[1]:13.3f} {b[1]:13.3f}")

    # ---- cost of the second stage per query (CPU time) ----
    index.reranker = model
    test_texts = [q.text for q in allq if q.split == "test"][:200]
    vecs = index.embed_queries(test_texts)
    for name, on in (("fusion only (peer)", False), ("fusion + rerank", True)):
        c0, w0 = time.process_time(), time.perf_counter()
        for t, v in zip(test_texts, vecs, strict=True):
            index.search(t, k=5, query_vector=v, rerank=on)
        n = len(test_texts)
        print(f"  search with a given query vector, {name:<20}: CPU "
              f"{(time.process_time() - c0) / n * 1000:.2f} ms/query, wall "
              f"{(time.perf_counter() - w0) / n * 1000:.2f} ms/query")
    print(f"load average {os.getloadavg()}; total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    raise SystemExit(main())
