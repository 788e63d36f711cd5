"""Would a learnt reranker over the product's top candidates find the right entry first more
often for a foreign question? A study on the cross-lingual tune splits only
(bench_channels.TUNE_SPLITS, as bench/fit_foreign.py reads them); nothing here ships.

``--part dump``: the product's foreign search (CROSSLINGUAL, the encoder reading what the
product's encoder reads) over every tune question, and for its top ``K`` candidates the
scorers' features: the fused score and rank, each scorer min-max normalised and raw, the
cosine to the title, to the title-and-answer passage, the best / second / mean-of-three
passage cosines, how many passages are within 0.02 of the best, the best passage cosine in the
question's script and in Korean, and the best cosine to a 400-character window of the answer
beyond the title-and-answer passage, and the cosine to the title's own question after its
programme ("<programme>, <question>": what tells one programme's twins apart). Written to
``var/cache``.

``--part fit``: pointwise models over the top 5 or 10 (logistic, gradient-boosted trees), each
scored out of fold by entry (5 folds, 3 repeats; an entry's questions in every language and
split are held out together), hit@1 / hit@5 against the product's, per split and per language
of the situation questions. ``--doc-level`` adds features of the entry alone (its answer's and
title's length, its passage count, answerable): the tune sets' entries were drawn among answers
of at least 80 characters (bench/sample_crosslingual_c.py), so those features learn the
sampler, not the question; they are off by default.

    uv run --frozen python -m bench.rerank_foreign_study --part dump
    uv run --frozen python -m bench.rerank_foreign_study --part fit [--doc-level]
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from dasan.config import PROJECT_ROOT

DUMP = PROJECT_ROOT / "var" / "cache" / "rerank_foreign_study.npz"
K = 20
LANGS = ("en", "zh", "ja", "vi", "mn")
SCRIPT_OF_LANG = {"en": 3, "vi": 3, "zh": 1, "ja": 2, "mn": 4}
# feature columns of the entry alone (see --doc-level): its passage count, title length,
# answerable, answer length
DOC_LEVEL = (18, 23, 24, 27)


def script(text: str) -> int:
    """0 Hangul, 1 Han without kana, 2 kana, 3 Latin, 4 Cyrillic."""
    if re.search(r"[\uac00-\ud7a3]", text):
        return 0
    if re.search(r"[\u3040-\u30ff]", text):
        return 2
    if re.search(r"[\u4e00-\u9fff]", text):
        return 1
    if re.search(r"[\u0400-\u04ff]", text):
        return 4
    return 3


def tune_query_components(index: Any, queries: list[Any] | None = None,
                          ) -> tuple[list[Any], list[Any], np.ndarray, list[Any]]:
    """The tune questions (or ``queries``: (split, language, question, entry id) rows), the
    product's encoder-side and lexical-side components of each (the lexicon's Korean rewrite
    as the lexical query) and the encoder's query vectors."""
    from bench.bench_channels import _encoder_components, _lexical_components
    from bench.fit_foreign import tune_questions
    from dasan.channels.translation.lexicon import korean_text

    if queries is None:
        queries = tune_questions()
    texts = [q[2] for q in queries]
    vecs = index.embed_queries(texts)
    raw_c = [index.components(t, v) for t, v in zip(texts, vecs, strict=True)]
    enc_c = _encoder_components(index, queries, raw_c)
    enc_vecs = index.embed_queries([index.for_encoder(q[2], q[1]) for q in queries])
    lex_c = _lexical_components(index, [korean_text(q[2], q[1]) for q in queries], vecs, texts)
    return queries, enc_c, enc_vecs, lex_c


def answer_windows(index: Any, by_id: dict[str, Any],
                   ids: list[str]) -> tuple[list[str], list[int], np.ndarray]:
    """400-character windows of the long answers after their first 300 characters (each with
    its title), the entry each belongs to, and their passage vectors."""
    chunk_texts, chunk_doc = [], []
    for di, i in enumerate(ids):
        a = by_id[i].answer.strip()
        for s0 in range(300, max(len(a) - 100, 300), 300):
            chunk_texts.append(f"{by_id[i].title.strip()} {a[s0:s0 + 400]}")
            chunk_doc.append(di)
    t0 = time.perf_counter()
    assert index.cache is not None
    cvecs = np.asarray(index.cache.passages(chunk_texts), dtype=np.float32)
    print(f"  {len(chunk_texts)} answer windows embedded in {time.perf_counter() - t0:.0f} s",
          flush=True)
    return chunk_texts, chunk_doc, cvecs


def dump() -> None:
    from bench.bench_search import rank_of, relevance
    from bench.fit_foreign import build_index
    from dasan.knowledge.search import CROSSLINGUAL, Components, _minmax, fuse

    index, by_id = build_index(True)
    built = index._ensure_built()
    ids = list(index.ids)
    cfg = index.config
    pas_script = np.array([script(p) for i in ids
                           for p in by_id[i].passages(cfg.dense_answer_chars)])
    starts = np.asarray(built.passage_starts)
    ends = np.append(starts[1:], len(pas_script))
    queries, enc_c, enc_vecs, lex_c = tune_query_components(index)
    chunk_texts, chunk_doc, cvecs = answer_windows(index, by_id, ids)
    cdoc = np.array(chunk_doc)
    # the title's own question after its programme ("<programme>, <question>"): what tells
    # one programme's twin entries apart, which the whole title's cosine mostly misses
    tails = [by_id[i].title.split(",", 1)[1].strip() if "," in by_id[i].title
             and by_id[i].title.split(",", 1)[1].strip() else by_id[i].title for i in ids]
    tvecs = np.asarray(index.cache.passages(tails), dtype=np.float32)
    n = len(ids)
    cand = np.zeros((len(queries), K), dtype=int)
    relm = np.zeros((len(queries), K), dtype=bool)
    feats, ranks = [], []
    for qi, (q, r, k) in enumerate(zip(queries, enc_c, lex_c, strict=True)):
        comp = Components(bm25=k.bm25, chars=k.chars, dense=r.dense, answer=k.answer,
                          foreign=k.foreign, answer_dense=r.answer_dense)
        f = fuse(comp, CROSSLINGUAL)
        rl = relevance(ids, by_id, q[3])
        ranks.append(rank_of(f, rl))
        top = np.argsort(-f, kind="stable")[:K]
        cand[qi], relm[qi] = top, rl[top]
        norm = [_minmax(np.asarray(getattr(comp, name), dtype=np.float64), None)[top]
                for name in ("bm25", "chars", "dense", "answer", "foreign", "answer_dense")]
        csim = np.einsum("ij,j->i", cvecs, np.asarray(enc_vecs[qi], dtype=np.float32))
        chunk_best = np.full(n, -1.0)
        np.maximum.at(chunk_best, cdoc, csim)
        chunk_best = np.maximum(chunk_best, r.answer_dense)
        tsim = np.einsum("ij,j->i", tvecs, np.asarray(enc_vecs[qi], dtype=np.float32))
        rows = []
        for j, d in enumerate(top):
            s = r.sims[starts[d]:ends[d]]
            ss = np.sort(s[np.isfinite(s)])[::-1]
            sc = pas_script[starts[d]:ends[d]]
            same, ko = s[sc == SCRIPT_OF_LANG[q[1]]], s[sc == 0]
            doc = by_id[ids[d]]
            rows.append([f[d], j, *[x[j] for x in norm], r.dense[d], r.title[d],
                         r.answer_dense[d], k.bm25[d], k.chars[d], k.answer[d], k.foreign[d],
                         ss[0], ss[1] if len(ss) > 1 else ss[0], ss[:3].mean(), len(ss),
                         (ss > ss[0] - 0.02).sum(), same.max() if len(same) else 0.0,
                         np.sort(same)[::-1][:3].mean() if len(same) else 0.0,
                         ko.max() if len(ko) else 0.0, len(doc.title), float(doc.answerable),
                         chunk_best[d], chunk_best[d] - r.answer_dense[d], len(doc.answer), tsim[d]])
        feats.append(rows)
    np.savez(DUMP, feats=np.array(feats), cand=cand, rel=relm, ranks=np.array(ranks),
             split=np.array([q[0] for q in queries]), lang=np.array([q[1] for q in queries]),
             entry=np.array([q[3] for q in queries]))
    print(f"  {len(queries)} tune questions -> {DUMP}; product h@1 "
          f"{(np.array(ranks) == 1).mean():.4f}")


def fit(doc_level: bool) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from bench.bench_channels import SITUATION_SPLITS, TUNE_SPLITS

    d = np.load(DUMP)
    feats, rel, ranks = d["feats"], d["rel"], d["ranks"]
    split, lang, entry = d["split"], d["lang"], d["entry"]
    if not doc_level:
        feats = feats[:, :, [i for i in range(feats.shape[2]) if i not in DOC_LEVEL]]
    nq = feats.shape[0]
    sit = np.isin(split, SITUATION_SPLITS)
    onehot = np.zeros((nq, 5))
    for i, lg in enumerate(LANGS):
        onehot[lang == lg, i] = 1

    def matrix(k: int) -> np.ndarray:
        x = feats[:, :k, :]
        return np.concatenate([x, x - x.max(1, keepdims=True), x - x[:, :1, :],
                               np.repeat(onehot[:, None, :], k, 1)], 2)

    def evaluate(make: Callable[[], Any], k: int, name: str, reps: int = 3) -> None:
        x, y = matrix(k), rel[:, :k]
        h1, h5 = np.zeros((reps, nq)), np.zeros((reps, nq))
        ents = np.unique(entry)
        for seed in range(reps):
            fold = dict(zip(np.random.default_rng(seed).permutation(ents),
                            np.arange(len(ents)) % 5, strict=True))
            f = np.array([fold[e] for e in entry])
            for kf in range(5):
                tr, te = (f != kf) & y.any(1), f == kf
                m = make()
                m.fit(x[tr].reshape(-1, x.shape[2]), y[tr].reshape(-1))
                p = m.predict_proba(x[te].reshape(-1, x.shape[2]))[:, 1].reshape(-1, k)
                yy = np.take_along_axis(y[te], np.argsort(-p, 1, kind="stable"), 1)
                rr = np.where(yy.any(1), yy.argmax(1) + 1, ranks[te])
                h1[seed, te], h5[seed, te] = rr == 1, rr <= 5
        b1, b5 = ranks == 1, ranks <= 5
        print(f"  {name:28s} top {k:2d}: h@1 {b1.mean():.4f} -> {h1.mean():.4f}, h@5 "
              f"{b5.mean():.4f} -> {h5.mean():.4f}; situation h@1 {b1[sit].mean():.4f} -> "
              f"{h1[:, sit].mean():.4f} ("
              + " ".join(f"{lg} {b1[sit & (lang == lg)].mean():.3f}->"
                         f"{h1[:, sit & (lang == lg)].mean():.3f}" for lg in LANGS)
              + "); " + " ".join(f"{s} {b1[split == s].mean():.3f}->"
                                 f"{h1[:, split == s].mean():.3f}" for s in TUNE_SPLITS),
              flush=True)

    for k in (5, 10):
        evaluate(lambda: make_pipeline(StandardScaler(),
                                       LogisticRegression(C=0.1, max_iter=2000)), k,
                 "logistic C=0.1")
        evaluate(lambda: HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40), k,
            "gradient-boosted trees")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("dump", "fit"), required=True)
    ap.add_argument("--doc-level", action="store_true")
    args = ap.parse_args()
    if args.part == "dump":
        dump()
    else:
        fit(args.doc_level)


if __name__ == "__main__":
    main()
