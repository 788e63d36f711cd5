"""Fit the foreign re-ranker (dasan.knowledge.foreign_rerank) on the cross-lingual tune splits
and write its coefficients to ``src/dasan/knowledge/foreign_rerank.json``.

Reads only the tune splits (bench_channels.TUNE_SPLITS, as bench/fit_foreign.py does); no
hold-out question is loaded. The FAQ as ``dasan demo`` seeds it (the editors' variants and
gists, each gist with its language); the index learns its gist maps as the product's does
(``SearchIndex(foreign_reranker=...)``, at build), here every map the study tried so that each
set of maps is scored from one run. Every tune question is searched as the product searches it
(the lexicon's Korean terms as the lexical query, the encoder on the question,
``CROSSLINGUAL``); its fused top 5 and their mapped cosines come from
``SearchIndex.foreign_candidates``, the method the product's search calls.

Each set of maps is scored out of fold by entry (5 folds x 3 repeats; an entry's questions in
every language and split held out together; a pointwise logistic, standardised, C=0.1), hit@1 /
hit@5 beside the product's fused order from the same run. The set shipped is the smallest whose
out-of-fold hit@1 is within ``--tolerance`` of the best set's; it is then fitted on every tune
question whose right entry is in the top 5 and written (``--dry-run``: not written).

    uv run --frozen python -m bench.fit_foreign_rerank [--dry-run] [--tolerance 0.002] [--reuse]

``--reuse``: the searched questions of the last run (``var/cache/fit_foreign_rerank.npz``, written
by every run) instead of searching them again (only after a change to the fit, not to the search).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np

from dasan.config import PROJECT_ROOT

FOLDS, REPEATS, DEPTH, C = 5, 3, 5, 0.1
CACHE = PROJECT_ROOT / "var" / "cache" / "fit_foreign_rerank.npz"
ALL_MAPS = tuple((m, t) for m in ("procrustes", "ridge1", "ridge10") for t in ("title", "answer"))
# the sets of maps compared (the study's families; nineteenth session, combo2)
MAP_SETS: dict[str, tuple[tuple[str, str], ...]] = {
    "all 6 maps (18 cosines)": ALL_MAPS,
    "procrustes + ridge10 (12)": tuple(m for m in ALL_MAPS if m[0] != "ridge1"),
    "ridge1 + ridge10 (12)": tuple(m for m in ALL_MAPS if m[0] != "procrustes"),
    "procrustes + ridge1 (12)": tuple(m for m in ALL_MAPS if m[0] != "ridge10"),
    "-> title-and-answer maps (9)": tuple(m for m in ALL_MAPS if m[1] == "answer"),
    "-> title maps (9)": tuple(m for m in ALL_MAPS if m[1] == "title"),
    "ridge10 (6)": tuple(m for m in ALL_MAPS if m[0] == "ridge10"),
}


def logistic() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))


def collect() -> dict[str, Any]:
    """Every tune question's product rank, its top 5's fused scores, relevance and the 18
    mapped cosines (all six maps), with the index's map-learning cost."""
    from bench.bench_search import rank_of, relevance
    from bench.fit_foreign import build_index
    from bench.rerank_foreign_study import tune_query_components
    from dasan.knowledge.foreign_rerank import LANGS, ForeignReranker
    from dasan.knowledge.search import CROSSLINGUAL, Components, fuse

    width = 3 * (2 + 3 * len(ALL_MAPS)) + len(LANGS)
    probe = ForeignReranker(maps=ALL_MAPS, depth=DEPTH, mean=np.zeros(width),
                            scale=np.ones(width), coef=np.zeros(width), intercept=0.0)
    index, by_id = build_index(True, foreign_reranker=probe)
    built = index._ensure_built()
    print(f"  gist maps learnt at build: {len(ALL_MAPS)} a language, languages "
          f"{sorted(built.gist_maps)}, {built.maps_seconds:.2f} s", flush=True)
    ids = list(index.ids)
    queries, enc_c, enc_vecs, lex_c = tune_query_components(index)
    n = len(queries)
    ranks = np.zeros(n, dtype=int)
    fused_top = np.zeros((n, DEPTH))
    rel = np.zeros((n, DEPTH), dtype=bool)
    cos = np.zeros((n, DEPTH, 3 * len(ALL_MAPS)))
    for qi, (q, r, k) in enumerate(zip(queries, enc_c, lex_c, strict=True)):
        comp = Components(bm25=k.bm25, chars=k.chars, dense=r.dense, answer=k.answer,
                          foreign=k.foreign, answer_dense=r.answer_dense)
        f = fuse(comp, CROSSLINGUAL)
        rl = relevance(ids, by_id, q[3])
        ranks[qi] = rank_of(f, rl)
        got = index.foreign_candidates(enc_vecs[qi], q[1], f, ALL_MAPS, DEPTH)
        assert got is not None, q
        cand, cs = got
        fused_top[qi], rel[qi], cos[qi] = f[cand], rl[cand], cs
    return {"split": np.array([q[0] for q in queries]), "lang": np.array([q[1] for q in queries]),
            "entry": np.array([q[3] for q in queries]), "ranks": ranks, "fused": fused_top,
            "rel": rel, "cos": cos, "maps_seconds": built.maps_seconds}


def design(d: dict[str, Any], maps: tuple[tuple[str, str], ...]) -> np.ndarray:
    """(nq, 5, f): foreign_rerank.features of each question over the chosen maps' cosines."""
    from dasan.knowledge.foreign_rerank import features

    cols = [3 * ALL_MAPS.index(m) + j for m in maps for j in range(3)]
    return np.stack([features(d["fused"][qi], d["cos"][qi][:, cols], d["lang"][qi])
                     for qi in range(len(d["ranks"]))])


def folds(entry: np.ndarray, seed: int) -> np.ndarray:
    ents = np.unique(entry)
    fold = dict(zip(np.random.default_rng(seed).permutation(ents), np.arange(len(ents)) % FOLDS,
                    strict=True))
    return np.array([fold[e] for e in entry])


def reranked(d: dict[str, Any], p: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """The right entry's rank once each question of ``sel``'s top 5 is ordered by ``p``."""
    y = d["rel"][sel]
    yy = np.take_along_axis(y, np.argsort(-p, 1, kind="stable"), 1)
    return np.where(yy.any(1), yy.argmax(1) + 1, d["ranks"][sel])


def out_of_fold(d: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """(REPEATS, nq) ranks, each question's from a model fitted without its entry."""
    out = np.zeros((REPEATS, len(d["ranks"])), dtype=int)
    y = d["rel"]
    for seed in range(REPEATS):
        f = folds(d["entry"], seed)
        for kf in range(FOLDS):
            tr, te = (f != kf) & y.any(1), f == kf
            m = logistic()
            m.fit(x[tr].reshape(-1, x.shape[2]), y[tr].reshape(-1))
            p = m.predict_proba(x[te].reshape(-1, x.shape[2]))[:, 1].reshape(-1, DEPTH)
            out[seed, te] = reranked(d, p, te)
    return out


def summary(d: dict[str, Any], r: np.ndarray) -> dict[str, float]:
    """hit@1 / hit@5 overall, on the situation questions, per language (all tune questions
    and the situation ones) and per split; ``r``: (reps, nq) ranks."""
    from bench.bench_channels import LANGS, SITUATION_SPLITS, TUNE_SPLITS

    sit = np.isin(d["split"], SITUATION_SPLITS)
    out = {"h@1": float((r == 1).mean()), "h@5": float((r <= 5).mean()),
           "situation h@1": float((r[:, sit] == 1).mean())}
    for lg in LANGS:
        m = d["lang"] == lg
        out[f"{lg} h@1"] = float((r[:, m] == 1).mean())
        out[f"{lg} situation h@1"] = float((r[:, m & sit] == 1).mean())
    for s in TUNE_SPLITS:
        out[f"{s} h@1"] = float((r[:, d["split"] == s] == 1).mean())
    return out


def line(name: str, s: dict[str, float]) -> str:
    from bench.bench_channels import LANGS, TUNE_SPLITS

    return (f"  {name:30s} h@1 {s['h@1']:.4f} h@5 {s['h@5']:.4f} sit {s['situation h@1']:.4f} | "
            + " ".join(f"{lg} {s[f'{lg} h@1']:.3f}/{s[f'{lg} situation h@1']:.3f}"
                       for lg in LANGS)
            + " | " + " ".join(f"{t} {s[f'{t} h@1']:.3f}" for t in TUNE_SPLITS))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="score, but do not write the file")
    ap.add_argument("--reuse", action="store_true",
                    help="the questions searched by the last run (var/cache), not searched again")
    ap.add_argument("--tolerance", type=float, default=0.002,
                    help="the smallest set within this of the best set's out-of-fold hit@1")
    args = ap.parse_args()
    from dasan.knowledge.foreign_rerank import COEFFICIENTS, ForeignReranker

    t0 = time.perf_counter()
    if args.reuse and CACHE.is_file():
        with np.load(CACHE) as z:
            d = {k: z[k] for k in z.files}
    else:
        d = collect()
        np.savez(CACHE, **d)
    print(f"  {len(d['ranks'])} tune questions searched in {time.perf_counter() - t0:.0f} s",
          flush=True)
    base = summary(d, d["ranks"][None, :])
    print("  out of fold by entry (5 folds x 3 repeats); language figures: all / situation")
    print(line("product (fused order)", base), flush=True)
    scored = {}
    for name, maps in MAP_SETS.items():
        s = summary(d, out_of_fold(d, design(d, maps)))
        scored[name] = s
        print(line(name, s), flush=True)
    best = max(s["h@1"] for s in scored.values())
    chosen = min((n for n, s in scored.items() if s["h@1"] >= best - args.tolerance),
                 key=lambda n: (len(MAP_SETS[n]), -scored[n]["h@1"]))
    s = scored[chosen]
    langs_ok = all(s[k] >= base[k] - 0.01 for k in base if k.endswith(" h@1") and "_" not in k
                   and k.split()[0] in ("en", "zh", "ja", "vi", "mn"))
    ship = s["h@1"] - base["h@1"] >= 0.01 and s["h@5"] >= base["h@5"] and langs_ok
    print(f"  chosen: {chosen} (h@1 {base['h@1']:.4f} -> {s['h@1']:.4f}, "
          f"{s['h@1'] - base['h@1']:+.4f}; h@5 {base['h@5']:.4f} -> {s['h@5']:.4f}; "
          f"no language down more than 0.01: {langs_ok}); meets the bar: {ship}")
    maps = MAP_SETS[chosen]
    x = design(d, maps)
    keep = d["rel"].any(1)
    m = logistic()
    m.fit(x[keep].reshape(-1, x.shape[2]), d["rel"][keep].reshape(-1))
    scaler, lr = m.steps[0][1], m.steps[1][1]
    model = ForeignReranker(maps=maps, depth=DEPTH, mean=scaler.mean_, scale=scaler.scale_,
                            coef=lr.coef_[0], intercept=float(lr.intercept_[0]))
    p = np.stack([model.scores(x[qi]) for qi in range(len(x))])
    ins = summary(d, reranked(d, p, np.ones(len(x), bool))[None, :])
    print(line("in sample (the fitted model)", ins))
    if args.dry_run or not ship:
        print(f"  not written ({'--dry-run' if args.dry_run else 'under the bar'})")
        return
    COEFFICIENTS.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"  written: {COEFFICIENTS}")


if __name__ == "__main__":
    main()
