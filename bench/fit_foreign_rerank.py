"""Fit the foreign re-ranker (dasan.knowledge.foreign_rerank) on the cross-lingual tune splits
and write its coefficients to ``src/dasan/knowledge/foreign_rerank.json``.

Reads the tune splits (bench_channels.TUNE_SPLITS, as bench/fit_foreign.py does) and, since the
twenty-first session, **hold-out J as a sixth tune split** (:func:`fit_splits`): J was scored
once by the lead after the re-ranker shipped (docs/written-channels.md, "Hold-out J") and is
seen; its 750 questions (``bench/data/crosslingual_holdout_j.jsonl``, split ``holdout_j``: the
file and the split keep their names) are fitted and scored out of fold by entry like the
others. No other hold-out question is loaded. The FAQ as ``dasan demo`` seeds it (the
editors' variants and gists, each gist with its language); the index learns its gist maps and
programme centroids as the product's does (``SearchIndex(foreign_reranker=...)``, at build),
here every map and residual cosine tried so that every variant is scored from one run. Every
question is searched as the product searches it (the lexicon's Korean terms as the lexical
query, the encoder on the question, ``CROSSLINGUAL``); its fused top 10 and their mapped and
residual cosines come from ``SearchIndex.foreign_candidates``, the method the product's
search calls.

Every variant (:data:`VARIANTS`: maps, residual cosines, depth, objective) is scored out of
fold by entry (5 folds x 3 repeats; an entry's questions in every language and split held out
together; a standardised logistic, C=0.1, pointwise or over candidate pairs), hit@1 / hit@5
beside the product's fused order and the shipped file's model from the same run. The first
variant is the shipped recipe, refitted: the reference. The variant shipped is the best
other one by out-of-fold hit@1, if it beats the reference by ``--bar`` (0.005) with hit@5 not
down and no language down more than 0.01 (all its questions, or its situation ones); it is
then fitted on every question whose right entry is in its top ``depth`` and written
(``--dry-run``: not written).

    uv run --frozen python -m bench.fit_foreign_rerank [--dry-run] [--bar 0.005] [--reuse]

``--reuse``: the searched questions of the last run (``var/cache/fit_foreign_rerank.npz``, written
by every run) instead of searching them again (only after a change to the fit, not to the search).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any, NamedTuple

import numpy as np

from dasan.config import PROJECT_ROOT

FOLDS, REPEATS, DEPTH_MAX, C = 5, 3, 10, 0.1
CACHE = PROJECT_ROOT / "var" / "cache" / "fit_foreign_rerank.npz"
ALL_MAPS = tuple((m, t) for m in ("procrustes", "ridge1", "ridge10") for t in ("title", "answer"))
SHIPPED_MAPS = tuple(m for m in ALL_MAPS if m[0] != "ridge1")  # the twentieth session's set
RESIDUALS = ("answer", "gist")


class Variant(NamedTuple):
    maps: tuple[tuple[str, str], ...]
    residuals: tuple[str, ...]
    depth: int
    objective: str  # "pointwise" or "pairwise"


# the twentieth session's recipe first (the reference), then the study's levers in its order
VARIANTS: dict[str, Variant] = {
    "shipped recipe (P+R10, top 5)": Variant(SHIPPED_MAPS, (), 5, "pointwise"),
    "+ residual prog, top 5": Variant(SHIPPED_MAPS, RESIDUALS, 5, "pointwise"),
    "+ residual prog, top 10": Variant(SHIPPED_MAPS, RESIDUALS, 10, "pointwise"),
    "+ residual prog, top 10, pairs": Variant(SHIPPED_MAPS, RESIDUALS, 10, "pairwise"),
    "+ ridge1, residual, top 10, pairs": Variant(ALL_MAPS, RESIDUALS, 10, "pairwise"),
}


def fit_splits() -> tuple[str, ...]:
    from bench.bench_channels import TUNE_SPLITS

    return (*TUNE_SPLITS, "holdout_j")



def fit_questions() -> list[tuple[str, str, str, str]]:
    """(split, language, question, entry id) of the tune splits and hold-out J."""
    from bench.bench_channels import LANGS, crosslingual_rows

    splits = fit_splits()
    return [(r["split"], lang, r[lang], r["id"]) for r in crosslingual_rows()
            if r["split"] in splits for lang in LANGS]


def collect() -> dict[str, Any]:
    """Every question's product rank, its top 10's fused scores, relevance and cosines (the 18
    mapped ones of all six maps, then the residual ones), with the index's map-learning cost."""
    from bench.bench_search import rank_of, relevance
    from bench.fit_foreign import build_index
    from bench.rerank_foreign_study import tune_query_components
    from dasan.knowledge.foreign_rerank import ForeignReranker, feature_names
    from dasan.knowledge.search import CROSSLINGUAL, Components, fuse

    width = len(feature_names(ALL_MAPS, RESIDUALS))
    probe = ForeignReranker(maps=ALL_MAPS, depth=DEPTH_MAX, mean=np.zeros(width),
                            scale=np.ones(width), coef=np.zeros(width), intercept=0.0,
                            residuals=RESIDUALS)
    index, by_id = build_index(True, foreign_reranker=probe)
    built = index._ensure_built()
    print(f"  gist maps learnt at build: {len(ALL_MAPS)} a language, languages "
          f"{sorted(built.gist_maps)}, programme centroids too: {built.maps_seconds:.2f} s",
          flush=True)
    ids = list(index.ids)
    queries, enc_c, enc_vecs, lex_c = tune_query_components(index, fit_questions())
    n = len(queries)
    ncos = 3 * len(ALL_MAPS) + len(RESIDUALS)
    ranks = np.zeros(n, dtype=int)
    fused_top = np.zeros((n, DEPTH_MAX))
    rel = np.zeros((n, DEPTH_MAX), dtype=bool)
    cos = np.zeros((n, DEPTH_MAX, ncos))
    for qi, (q, r, k) in enumerate(zip(queries, enc_c, lex_c, strict=True)):
        comp = Components(bm25=k.bm25, chars=k.chars, dense=r.dense, answer=k.answer,
                          foreign=k.foreign, answer_dense=r.answer_dense)
        f = fuse(comp, CROSSLINGUAL)
        rl = relevance(ids, by_id, q[3])
        ranks[qi] = rank_of(f, rl)
        got = index.foreign_candidates(enc_vecs[qi], q[1], f, ALL_MAPS, DEPTH_MAX, RESIDUALS)
        assert got is not None and len(got[0]) == DEPTH_MAX, q
        cand, cs = got
        fused_top[qi], rel[qi], cos[qi] = f[cand], rl[cand], cs
    return {"split": np.array([q[0] for q in queries]), "lang": np.array([q[1] for q in queries]),
            "entry": np.array([q[3] for q in queries]), "ranks": ranks, "fused": fused_top,
            "rel": rel, "cos": cos, "maps_seconds": built.maps_seconds}


def design(d: dict[str, Any], v: Variant) -> np.ndarray:
    """(nq, depth, f): foreign_rerank.features of each question's top ``v.depth`` over the
    variant's maps and residual cosines."""
    from dasan.knowledge.foreign_rerank import features

    cols = [3 * ALL_MAPS.index(m) + j for m in v.maps for j in range(3)]
    cols += [3 * len(ALL_MAPS) + RESIDUALS.index(r) for r in v.residuals]
    k = v.depth
    return np.stack([features(d["fused"][qi, :k], d["cos"][qi][:k, cols], d["lang"][qi])
                     for qi in range(len(d["ranks"]))])


class Linear(NamedTuple):
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def scores(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept


def fit(x: np.ndarray, y: np.ndarray, objective: str) -> Linear:
    """A standardised logistic over ``x`` (nq, k, f) with ``y`` (nq, k) the right entries;
    only questions with a right entry among their k. ``pointwise``: each candidate a row;
    ``pairwise``: each (right, wrong) pair of a question a row of their difference, both ways,
    no intercept (the same linear scorer orders the candidates)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    keep = y.any(1)
    x, y = x[keep], y[keep]
    f = x.shape[2]
    scaler = StandardScaler().fit(x.reshape(-1, f))
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (x - scaler.mean_) / scale
    if objective == "pointwise":
        lr = LogisticRegression(C=C, max_iter=2000).fit(z.reshape(-1, f), y.reshape(-1))
        return Linear(scaler.mean_, scale, lr.coef_[0], float(lr.intercept_[0]))
    if objective != "pairwise":
        raise ValueError(objective)
    diffs = [(z[q, y[q]][:, None, :] - z[q, ~y[q]][None, :, :]).reshape(-1, f)
             for q in range(len(z))]
    dx = np.concatenate(diffs)
    lr = LogisticRegression(C=C, max_iter=2000, fit_intercept=False).fit(
        np.concatenate([dx, -dx]), np.r_[np.ones(len(dx)), np.zeros(len(dx))])
    return Linear(scaler.mean_, scale, lr.coef_[0], 0.0)


def folds(entry: np.ndarray, seed: int) -> np.ndarray:
    ents = np.unique(entry)
    fold = dict(zip(np.random.default_rng(seed).permutation(ents), np.arange(len(ents)) % FOLDS,
                    strict=True))
    return np.array([fold[e] for e in entry])


def reranked(d: dict[str, Any], p: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """The right entry's rank once each question of ``sel``'s top k (k: ``p``'s width) is
    ordered by ``p``; the product's rank where the right entry is not in the top k."""
    y = d["rel"][sel][:, :p.shape[1]]
    yy = np.take_along_axis(y, np.argsort(-p, 1, kind="stable"), 1)
    return np.where(yy.any(1), yy.argmax(1) + 1, d["ranks"][sel])


def out_of_fold(d: dict[str, Any], x: np.ndarray, objective: str) -> np.ndarray:
    """(REPEATS, nq) ranks, each question's from a model fitted without its entry."""
    out = np.zeros((REPEATS, len(d["ranks"])), dtype=int)
    k = x.shape[1]
    y = d["rel"][:, :k]
    for seed in range(REPEATS):
        f = folds(d["entry"], seed)
        for kf in range(FOLDS):
            tr, te = f != kf, f == kf
            m = fit(x[tr], y[tr], objective)
            out[seed, te] = reranked(d, m.scores(x[te]), te)
    return out


def summary(d: dict[str, Any], r: np.ndarray) -> dict[str, float]:
    """hit@1 / hit@5 overall, on the situation questions, per language (all questions and
    the situation ones) and per split; ``r``: (reps, nq) ranks."""
    from bench.bench_channels import LANGS, SITUATION_SPLITS

    sit = np.isin(d["split"], SITUATION_SPLITS)
    out = {"h@1": float((r == 1).mean()), "h@5": float((r <= 5).mean()),
           "situation h@1": float((r[:, sit] == 1).mean())}
    for lg in LANGS:
        m = d["lang"] == lg
        out[f"{lg} h@1"] = float((r[:, m] == 1).mean())
        out[f"{lg} situation h@1"] = float((r[:, m & sit] == 1).mean())
    for s in fit_splits():
        out[f"{s} h@1"] = float((r[:, d["split"] == s] == 1).mean())
        out[f"{s} h@5"] = float((r[:, d["split"] == s] <= 5).mean())
    return out


def line(name: str, s: dict[str, float]) -> str:
    from bench.bench_channels import LANGS

    return (f"  {name:34s} h@1 {s['h@1']:.4f} h@5 {s['h@5']:.4f} sit {s['situation h@1']:.4f} | "
            + " ".join(f"{lg} {s[f'{lg} h@1']:.3f}/{s[f'{lg} situation h@1']:.3f}"
                       for lg in LANGS)
            + " | " + " ".join(f"{t} {s[f'{t} h@1']:.3f}" for t in fit_splits())
            + f" (J h@5 {s['holdout_j h@5']:.3f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="score, but do not write the file")
    ap.add_argument("--reuse", action="store_true",
                    help="the questions searched by the last run (var/cache), not searched again")
    ap.add_argument("--bar", type=float, default=0.005,
                    help="the out-of-fold hit@1 gain over the shipped recipe needed to ship")
    args = ap.parse_args()
    from dasan.knowledge.foreign_rerank import COEFFICIENTS, ForeignReranker, shipped

    t0 = time.perf_counter()
    d: dict[str, Any] | None = None
    if args.reuse and CACHE.is_file():
        with np.load(CACHE) as z:
            d = {k: z[k] for k in z.files}
        if "cos" not in d or d["cos"].shape[1] != DEPTH_MAX or \
                set(np.unique(d["split"])) != set(fit_splits()):
            d = None
    if d is None:
        d = collect()
        np.savez(CACHE, **d)
    print(f"  {len(d['ranks'])} questions ({', '.join(fit_splits())}) searched in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    base = summary(d, d["ranks"][None, :])
    print("  out of fold by entry (5 folds x 3 repeats); language figures: all / situation")
    print(line("product before (fused order)", base), flush=True)
    now = shipped()
    if now is not None:
        v = Variant(now.maps, now.residuals, now.depth, "pointwise")
        x = design(d, v)
        s = summary(d, reranked(d, np.stack([now.scores(xi) for xi in x]),
                                np.ones(len(x), bool))[None, :])
        print(line("shipped file (not refitted)", s), flush=True)
    scored = {}
    for name, v in VARIANTS.items():
        t1 = time.perf_counter()
        s = summary(d, out_of_fold(d, design(d, v), v.objective))
        scored[name] = s
        print(line(name, s) + f" [{time.perf_counter() - t1:.0f} s]", flush=True)
    ref_name = next(iter(VARIANTS))
    ref = scored[ref_name]
    chosen = max((n for n in VARIANTS if n != ref_name), key=lambda n: scored[n]["h@1"])
    s = scored[chosen]
    langs = [k for k in ref if k.split()[0] in ("en", "zh", "ja", "vi", "mn")]
    langs_ok = all(s[k] >= ref[k] - 0.01 for k in langs)
    ship = s["h@1"] - ref["h@1"] >= args.bar and s["h@5"] >= ref["h@5"] and langs_ok
    print(f"  chosen: {chosen} (h@1 {ref['h@1']:.4f} -> {s['h@1']:.4f}, "
          f"{s['h@1'] - ref['h@1']:+.4f}; h@5 {ref['h@5']:.4f} -> {s['h@5']:.4f}; "
          f"no language down more than 0.01: {langs_ok}); meets the bar: {ship}")
    v = VARIANTS[chosen]
    x = design(d, v)
    m = fit(x, d["rel"][:, :v.depth], v.objective)
    model = ForeignReranker(maps=v.maps, depth=v.depth, mean=m.mean, scale=m.scale,
                            coef=m.coef, intercept=m.intercept, residuals=v.residuals)
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
