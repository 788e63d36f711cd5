"""Can a foreign question tell a programme's twin entries apart (the entry on selection vs. the
one on the announcement day)? Two signals the eighteenth session did not try, studied on the
cross-lingual tune splits only (bench_channels.TUNE_SPLITS, as bench/fit_foreign.py reads them),
every figure out of fold by entry; nothing here ships.

``--part dump``: the product's foreign search (CROSSLINGUAL, the encoder reading what the
product's encoder reads) over every tune question: its fused scores over the whole FAQ, its
top ``K`` candidates and the right entry's rank, the query vectors, every passage vector with
its kind and language (title, Korean variant, foreign variant, gist), the title-and-answer
vectors, 400-character answer windows and each entry's programme (its title before the first
comma). Written to ``var/cache``.

``--part residual`` (idea 1, residual cosines): the twins share their programme's topic, which
dominates the dense vectors. Over the product's top ``k`` (3-10) the shared part is removed from
the query's and the candidates' vectors (``mean``: the candidates' mean is subtracted;
``proj``: the projection on the candidates' mean direction is removed; ``prog``: the projection
on the programme's centroid over the whole FAQ) and the top ``k`` is re-ranked by the residual
cosine to each kind of passage (title, title-and-answer, the gist in the question's language,
the best answer window, the best passage of any kind): alone, added to the fused score with a
weight chosen on the other folds, and as features beside the eighteenth session's reranker
features (bench/rerank_foreign_study.py's dump, which must be made first).

``--part align`` (idea 2, a query-side cross-lingual map): per language, an orthogonal
Procrustes map and a ridge map learnt from the editors' parallel text only (each entry's gist
in that language -> its Korean title / title-and-answer vectors; no tune question), applied to
the query vector before the dense scores against the Korean passages; a new scorer in the
fusion (its weight chosen on the other folds) and a reranker feature.

``--part combo``: small feature sets over the top 5 (the fused score and rank with a few
mapped and residual cosines); ``--part combo2``: which maps carry the re-ranker's gain;
``--part leave-out``: the same re-ranker with maps learnt without the questioned entries' gists.

    uv run --frozen python -m bench.rerank_foreign_study --part dump
    uv run --frozen python -m bench.twin_foreign_study --part dump
    uv run --frozen python -m bench.twin_foreign_study --part residual
    uv run --frozen python -m bench.twin_foreign_study --part align
    uv run --frozen python -m bench.twin_foreign_study --part combo
    uv run --frozen python -m bench.twin_foreign_study --part combo2
    uv run --frozen python -m bench.twin_foreign_study --part leave-out
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from dasan.config import PROJECT_ROOT

DUMP = PROJECT_ROOT / "var" / "cache" / "twin_foreign_study.npz"
RERANK_DUMP = PROJECT_ROOT / "var" / "cache" / "rerank_foreign_study.npz"
K = 20
LANGS = ("en", "zh", "ja", "vi", "mn")
# passage kinds
TITLE, KO_VARIANT, FOREIGN_VARIANT, GIST = 0, 1, 2, 3
FOLDS, REPEATS = 5, 3


def _lang_of_texts() -> tuple[dict[str, str], dict[str, str]]:
    """Text -> language of the editors' foreign variants, and of their gists."""
    from bench.faq_variants import VARIANTS_DIR
    from dasan.knowledge.editor_gists import SEED_GISTS_DIR

    variants: dict[str, str] = {}
    gists: dict[str, str] = {}
    for lang in LANGS:
        for p in sorted(Path(VARIANTS_DIR).glob(f"*-{lang}.jsonl")):
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    for v in json.loads(line)["variants"]:
                        variants[v.strip()] = lang
        for line in (SEED_GISTS_DIR / f"gist-{lang}.jsonl").read_text(
                encoding="utf-8").splitlines():
            if line.strip():
                gists[" ".join(json.loads(line)["gist"].split())] = lang
    return variants, gists


def programme(title: str) -> str:
    """An entry's programme: its title before the first comma (the whole title without one)."""
    return title.split(",", 1)[0].strip()


def dump() -> None:
    from bench.bench_search import rank_of, relevance
    from bench.fit_foreign import build_index
    from bench.rerank_foreign_study import answer_windows, tune_query_components
    from dasan.knowledge.search import CROSSLINGUAL, Components, fuse, is_korean

    index, by_id = build_index(True)
    built = index._ensure_built()
    ids = list(index.ids)
    cfg = index.config
    var_lang, gist_lang = _lang_of_texts()
    kind, plang = [], []
    for i in ids:
        for n, p in enumerate(by_id[i].passages(cfg.dense_answer_chars)):
            p = p.strip()
            if n == 0:
                kind.append(TITLE)
                plang.append("ko")
            elif " ".join(p.split()) in gist_lang and p not in var_lang:
                kind.append(GIST)
                plang.append(gist_lang[" ".join(p.split())])
            elif is_korean(p):
                kind.append(KO_VARIANT)
                plang.append("ko")
            else:
                kind.append(FOREIGN_VARIANT)
                plang.append(var_lang.get(p, "?"))
    print(f"  passages: {len(kind)}; unknown language {plang.count('?')}", flush=True)
    queries, enc_c, enc_vecs, lex_c = tune_query_components(index)
    chunk_texts, chunk_doc, cvecs = answer_windows(index, by_id, ids)
    fused, ranks, cand, relm = [], [], [], []
    for q, r, k in zip(queries, enc_c, lex_c, strict=True):
        comp = Components(bm25=k.bm25, chars=k.chars, dense=r.dense, answer=k.answer,
                          foreign=k.foreign, answer_dense=r.answer_dense)
        f = fuse(comp, CROSSLINGUAL)
        rl = relevance(ids, by_id, q[3])
        ranks.append(rank_of(f, rl))
        top = np.argsort(-f, kind="stable")[:K]
        cand.append(top)
        relm.append(rl[top])
        fused.append(f.astype(np.float32))
    # the other scorers' normalised sum without the dense ones, to let a new scorer join the
    # fusion: fused * sum(weights) = sum(w_i * minmax_i)
    progs = np.array([programme(by_id[i].title) for i in ids], dtype=object)
    np.savez(DUMP, fused=np.array(fused), cand=np.array(cand), rel=np.array(relm),
             ranks=np.array(ranks), qvec=np.asarray(enc_vecs, dtype=np.float32),
             pvec=np.asarray(built.passage_vecs, dtype=np.float32),
             pstart=np.asarray(built.passage_starts), pkind=np.array(kind),
             plang=np.array(plang), avec=np.asarray(built.answer_vecs, dtype=np.float32),
             cvec=cvecs, cdoc=np.array(chunk_doc), prog=progs.astype(str),
             split=np.array([q[0] for q in queries]), lang=np.array([q[1] for q in queries]),
             entry=np.array([q[3] for q in queries]),
             relall=np.array([np.flatnonzero(relevance(ids, by_id, q[3])) for q in queries],
                             dtype=object))
    print(f"  {len(queries)} tune questions -> {DUMP}; product h@1 "
          f"{(np.array(ranks) == 1).mean():.4f}")


# -- out-of-fold evaluation ---------------------------------------------------------------

class Data:
    def __init__(self) -> None:
        d = np.load(DUMP, allow_pickle=True)
        self.fused, self.cand, self.rel = d["fused"], d["cand"], d["rel"]
        self.ranks, self.qvec = d["ranks"], d["qvec"]
        self.pvec, self.pstart = d["pvec"], d["pstart"]
        self.pkind, self.plang = d["pkind"], d["plang"]
        self.avec, self.cvec, self.cdoc = d["avec"], d["cvec"], d["cdoc"]
        self.prog, self.split, self.lang = d["prog"], d["split"], d["lang"]
        self.entry = d["entry"]
        self.relall = d["relall"]
        self.n = self.avec.shape[0]
        self.pdoc = np.repeat(np.arange(self.n), np.diff(np.append(self.pstart,
                                                                    len(self.pkind))))
        self.nq = len(self.ranks)

    def folds(self, seed: int) -> np.ndarray:
        ents = np.unique(self.entry)
        fold = dict(zip(np.random.default_rng(seed).permutation(ents),
                        np.arange(len(ents)) % FOLDS, strict=True))
        return np.array([fold[e] for e in self.entry])


def report(d: Data, name: str, r1: np.ndarray, r5: np.ndarray) -> None:
    """r1, r5: (reps, nq) booleans of hit@1 / hit@5; the product's beside them."""
    from bench.bench_channels import SITUATION_SPLITS, TUNE_SPLITS

    b1, b5 = d.ranks == 1, d.ranks <= 5
    sit = np.isin(d.split, SITUATION_SPLITS)
    print(f"  {name:44s} h@1 {b1.mean():.4f} -> {r1.mean():.4f}, h@5 {b5.mean():.4f} -> "
          f"{r5.mean():.4f}; situation h@1 {b1[sit].mean():.4f} -> {r1[:, sit].mean():.4f} ("
          + " ".join(f"{lg} {b1[sit & (d.lang == lg)].mean():.3f}->"
                     f"{r1[:, sit & (d.lang == lg)].mean():.3f}" for lg in LANGS)
          + "); " + " ".join(f"{s} {b1[d.split == s].mean():.3f}->"
                             f"{r1[:, d.split == s].mean():.3f}" for s in TUNE_SPLITS),
          flush=True)


def rerank_ranks(d: Data, score: np.ndarray, k: int, mask: np.ndarray) -> np.ndarray:
    """The right entry's rank after the top ``k`` is re-ordered by ``score`` (nq, k), for the
    questions of ``mask``; the product's rank where the right entry is not in the top k."""
    y = d.rel[:, :k]
    yy = np.take_along_axis(y, np.argsort(-score, 1, kind="stable"), 1)
    out = np.where(yy.any(1), yy.argmax(1) + 1, d.ranks)
    return np.where(mask, out, d.ranks)


def oof_blend(d: Data, base: np.ndarray, extra: np.ndarray, k: int, name: str,
              grid: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0,
                                         5.0)) -> None:
    """Re-rank the top ``k`` by ``base + w * extra`` (both (nq, k)); ``w`` the best hit@1 of
    the other folds (ties: the smaller), hit@1 / hit@5 on the held-out fold."""
    h1, h5 = np.zeros((REPEATS, d.nq), bool), np.zeros((REPEATS, d.nq), bool)
    chosen = []
    alone = {w: rerank_ranks(d, base + w * extra, k, np.ones(d.nq, bool)) for w in grid}
    for seed in range(REPEATS):
        f = d.folds(seed)
        for kf in range(FOLDS):
            tr, te = f != kf, f == kf
            w = max(grid, key=lambda g: ((alone[g][tr] == 1).sum(), -g))
            chosen.append(w)
            h1[seed, te], h5[seed, te] = alone[w][te] == 1, alone[w][te] <= 5
    report(d, f"{name} (w {min(chosen)}-{max(chosen)})", h1, h5)


def oof_model(d: Data, x: np.ndarray, k: int, name: str, make: Callable[[], Any]) -> None:
    """A pointwise model over the top ``k`` (features x: (nq, k, f)), out of fold by entry."""
    y = d.rel[:, :k]
    h1, h5 = np.zeros((REPEATS, d.nq), bool), np.zeros((REPEATS, d.nq), bool)
    for seed in range(REPEATS):
        f = d.folds(seed)
        for kf in range(FOLDS):
            tr, te = (f != kf) & y.any(1), f == kf
            m = make()
            m.fit(x[tr].reshape(-1, x.shape[2]), y[tr].reshape(-1))
            p = m.predict_proba(x[te].reshape(-1, x.shape[2]))[:, 1].reshape(-1, k)
            yy = np.take_along_axis(y[te], np.argsort(-p, 1, kind="stable"), 1)
            rr = np.where(yy.any(1), yy.argmax(1) + 1, d.ranks[te])
            h1[seed, te], h5[seed, te] = rr == 1, rr <= 5
    report(d, name, h1, h5)


def rerank_features(k: int) -> np.ndarray | None:
    """The eighteenth session's reranker features over the top ``k`` (without the entry-level
    ones), with their differences to the best and to the first candidate; None without its
    dump."""
    from bench.rerank_foreign_study import DOC_LEVEL

    if not RERANK_DUMP.is_file():
        return None
    r = np.load(RERANK_DUMP)
    feats = r["feats"]
    feats = feats[:, :k, [i for i in range(feats.shape[2]) if i not in DOC_LEVEL]]
    return feats


def with_context(x: np.ndarray, lang: np.ndarray) -> np.ndarray:
    onehot = np.zeros((x.shape[0], 5))
    for i, lg in enumerate(LANGS):
        onehot[lang == lg, i] = 1
    return np.concatenate([x, x - x.max(1, keepdims=True), x - x[:, :1, :],
                           np.repeat(onehot[:, None, :], x.shape[1], 1)], 2)


def logistic() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))


def trees() -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                          min_samples_leaf=40)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


def candidate_vectors(d: Data, kmax: int) -> dict[str, np.ndarray]:
    """Per question, each top-``kmax`` candidate's vectors of each kind: (nq, kmax, dim);
    ``gist``: its gist in the question's language; ``window``: its answer window nearest the
    question (the title-and-answer passage when it has none); ``best``: its passage nearest
    the question."""
    dim = d.qvec.shape[1]
    gist_row = {}
    for p in np.flatnonzero(d.pkind == GIST):
        gist_row[(int(d.pdoc[p]), str(d.plang[p]))] = p
    windows: dict[int, list[int]] = {}
    for c, doc in enumerate(d.cdoc):
        windows.setdefault(int(doc), []).append(c)
    ends = np.append(d.pstart[1:], len(d.pkind))
    out = {kd: np.zeros((d.nq, kmax, dim), np.float32)
           for kd in ("title", "answer", "gist", "window", "best")}
    for qi in range(d.nq):
        q = d.qvec[qi]
        for j, doc in enumerate(d.cand[qi, :kmax]):
            doc = int(doc)
            out["title"][qi, j] = d.pvec[d.pstart[doc]]
            out["answer"][qi, j] = d.avec[doc]
            g = gist_row.get((doc, str(d.lang[qi])))
            out["gist"][qi, j] = d.pvec[g] if g is not None else d.pvec[d.pstart[doc]]
            ws = windows.get(doc)
            if ws:
                wv = d.cvec[ws]
                s = wv @ q
                out["window"][qi, j] = wv[s.argmax()] if s.max() > d.avec[doc] @ q \
                    else d.avec[doc]
            else:
                out["window"][qi, j] = d.avec[doc]
            pv = d.pvec[d.pstart[doc]:ends[doc]]
            out["best"][qi, j] = pv[(pv @ q).argmax()]
    return out


def residual_cos(q: np.ndarray, v: np.ndarray, how: str, k: int,
                 centre: np.ndarray | None = None) -> np.ndarray:
    """The residual cosine of each question (nq, dim) to its top-k candidates' vectors
    (nq, k, dim) once the shared part is removed."""
    v = v[:, :k]
    if how == "mean":
        m = v.mean(1, keepdims=True)
        qr, vr = q[:, None, :] - m, v - m
    elif how == "proj":
        u = _unit(v.mean(1))[:, None, :]
        qr = q[:, None, :] - (q[:, None, :] * u).sum(-1, keepdims=True) * u
        vr = v - (v * u).sum(-1, keepdims=True) * u
    elif how == "prog":
        assert centre is not None  # (nq, k, dim): each candidate's programme centroid
        u = _unit(centre[:, :k])
        qr = q[:, None, :] - (q[:, None, :] * u).sum(-1, keepdims=True) * u
        vr = v - (v * u).sum(-1, keepdims=True) * u
    else:
        raise ValueError(how)
    return (_unit(qr) * _unit(vr)).sum(-1)


def part_residual() -> None:
    d = Data()
    kmax = 10
    t0 = time.perf_counter()
    cv = candidate_vectors(d, kmax)
    # each entry's programme centroid (the mean of its programme's title-and-answer vectors;
    # an entry alone in its programme: its own vector, whose projection removes everything,
    # so the centroid of a lone entry is the FAQ's mean instead)
    progs, inv = np.unique(d.prog, return_inverse=True)
    cnt = np.bincount(inv)
    cent = np.zeros((len(progs), d.avec.shape[1]), np.float32)
    np.add.at(cent, inv, d.avec)
    cent /= cnt[:, None]
    glob = d.avec.mean(0)
    doc_centre = np.where((cnt[inv] > 1)[:, None], cent[inv], glob[None, :])
    centre = doc_centre[d.cand[:, :kmax]]
    print(f"  candidate vectors in {time.perf_counter() - t0:.0f} s; programmes {len(progs)} "
          f"({(cnt > 1).sum()} with more than one entry); right entry in the top 10 of "
          f"{d.rel[:, :10].any(1).mean():.4f}", flush=True)
    q = d.qvec
    base = np.take_along_axis(d.fused, d.cand[:, :kmax], 1)
    # the plain (not residual) cosines, for reference
    for kd in ("title", "answer", "gist", "window", "best"):
        plain = (q[:, None, :] * cv[kd]).sum(-1)
        for k in (3, 5):
            oof_blend(d, base[:, :k], plain[:, :k], k, f"plain cos {kd:6s} top {k}")
    feats: dict[tuple[str, str, int], np.ndarray] = {}
    for how in ("mean", "proj", "prog"):
        for k in (3, 5, 10):
            for kd in ("title", "answer", "gist", "window", "best"):
                rc = residual_cos(q, cv[kd], how, k, centre)
                feats[(how, kd, k)] = rc
                r = rerank_ranks(d, rc, k, np.ones(d.nq, bool))
                report(d, f"residual {how} {kd:6s} top {k:2d} alone",
                       (r == 1)[None, :], (r <= 5)[None, :])
                oof_blend(d, base[:, :k], rc, k, f"residual {how} {kd:6s} top {k:2d} + fused")
    # as features beside the reranker study's
    for k in (5, 10):
        rf = rerank_features(k)
        if rf is None:
            print("  (no reranker study dump: features part skipped)")
            return
        same = (np.load(RERANK_DUMP)["cand"][:, :k] == d.cand[:, :k]).all()
        print(f"  reranker dump's candidates are this dump's: {same}")
        extra = np.stack([feats[(how, kd, k)] for how in ("mean", "proj", "prog")
                          for kd in ("title", "answer", "gist", "window", "best")], 2)
        oof_model(d, with_context(rf, d.lang), k, f"reranker features, logistic top {k}",
                  logistic)
        oof_model(d, with_context(np.concatenate([rf, extra], 2), d.lang), k,
                  f"+ residual cosines, logistic top {k}", logistic)
        oof_model(d, with_context(rf, d.lang), k, f"reranker features, trees top {k}", trees)
        oof_model(d, with_context(np.concatenate([rf, extra], 2), d.lang), k,
                  f"+ residual cosines, trees top {k}", trees)


def rank_of_rows(score: np.ndarray, relall: np.ndarray) -> np.ndarray:
    """The right entry's rank under ``score`` (nq, n) (ties count against it, as
    bench_search.rank_of)."""
    out = np.zeros(len(score), dtype=int)
    for qi, rel in enumerate(relall):
        s = score[qi]
        best = s[rel].max()
        m = np.ones(len(s), bool)
        m[rel] = False
        out[qi] = int((s > best).sum() + (s[m] == best).sum() + 1)
    return out


def fit_maps(d: Data, lang: str, target: str, how: str, alpha: float = 1.0,
             leave_out: np.ndarray | None = None) -> np.ndarray:
    """A (dim, dim) map from the entries' gists in ``lang`` to their Korean ``target`` vectors
    (``title`` or ``answer``: title-and-answer), learnt from the editors' parallel text only."""
    g = np.flatnonzero((d.pkind == GIST) & (d.plang == lang))
    if leave_out is not None:
        g = g[~np.isin(d.pdoc[g], leave_out)]
    x = d.pvec[g]
    docs = d.pdoc[g]
    y = d.pvec[d.pstart[docs]] if target == "title" else d.avec[docs]
    if how == "procrustes":
        u, _, vt = np.linalg.svd(x.T @ y)
        return u @ vt
    # ridge: min |xW - y|^2 + alpha |W - I|^2 (shrunk towards the identity)
    dim = x.shape[1]
    return np.linalg.solve(x.T @ x + alpha * np.eye(dim), x.T @ y + alpha * np.eye(dim))


def part_align() -> None:
    from dasan.knowledge.search import CROSSLINGUAL

    d = Data()
    w = CROSSLINGUAL
    total_w = w.bm25 + w.chars + w.dense + w.answer + w.foreign + w.answer_dense
    korean = (d.pkind == TITLE) | (d.pkind == KO_VARIANT)
    # the Korean passages (titles and Korean variants) doc by doc; every entry has its title
    rows = np.flatnonzero(korean)
    rows = rows[np.argsort(d.pdoc[rows], kind="stable")]
    kp, kdoc = d.pvec[rows], d.pdoc[rows]
    kstart = np.flatnonzero(np.r_[True, kdoc[1:] != kdoc[:-1]])
    assert len(kstart) == d.n
    # each map is learnt on all of the FAQ's gists, as an index build would learn it
    scorers: dict[str, np.ndarray] = {}
    for how, alpha in (("procrustes", 0.0), ("ridge", 1.0), ("ridge", 10.0)):
        for target in ("title", "answer"):
            name = f"{how}{'' if how == 'procrustes' else f' a={alpha:g}'} -> {target}"
            t0 = time.perf_counter()
            mapped = np.zeros_like(d.qvec)
            for lang in LANGS:
                sel = d.lang == lang
                mapped[sel] = _unit(d.qvec[sel] @ fit_maps(d, lang, target, how, alpha))
            best_ko = np.maximum.reduceat(mapped @ kp.T, kstart, axis=1)
            ans = mapped @ d.avec.T
            scorers[f"{name}: Korean passages"] = best_ko
            scorers[f"{name}: title-and-answer"] = ans
            scorers[f"{name}: both"] = np.maximum(best_ko, ans)
            print(f"  {name} in {time.perf_counter() - t0:.0f} s", flush=True)
    # the unmapped query against the same Korean passages, for reference
    best_ko = np.maximum.reduceat(d.qvec @ kp.T, kstart, axis=1)
    scorers["no map: Korean passages"] = best_ko
    grid = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
    reranker_extra = {}
    for name, sc in scorers.items():
        lo, hi = sc.min(1, keepdims=True), sc.max(1, keepdims=True)
        mm = (sc - lo) / np.maximum(hi - lo, 1e-9)
        alone = rank_of_rows(sc, d.relall)
        report(d, f"{name} alone", (alone == 1)[None, :], (alone <= 5)[None, :])
        ranks = {g: rank_of_rows((d.fused * total_w + g * mm) / (total_w + g), d.relall)
                 for g in grid}
        h1, h5 = np.zeros((REPEATS, d.nq), bool), np.zeros((REPEATS, d.nq), bool)
        chosen = []
        for seed in range(REPEATS):
            f = d.folds(seed)
            for kf in range(FOLDS):
                tr, te = f != kf, f == kf
                g = max(grid, key=lambda x: ((ranks[x][tr] == 1).sum(),
                                             (ranks[x][tr] <= 5).sum(), -x))
                chosen.append(g)
                h1[seed, te], h5[seed, te] = ranks[g][te] == 1, ranks[g][te] <= 5
        report(d, f"{name} in the fusion (w {min(chosen)}-{max(chosen)})", h1, h5)
        reranker_extra[name] = np.take_along_axis(sc, d.cand[:, :10], 1)
    for k in (5, 10):
        rf = rerank_features(k)
        if rf is None:
            print("  (no reranker study dump: features part skipped)")
            return
        extra = np.stack([v[:, :k] for n, v in reranker_extra.items()
                          if not n.startswith("no map")], 2)
        oof_model(d, with_context(rf, d.lang), k, f"reranker features, logistic top {k}",
                  logistic)
        oof_model(d, with_context(np.concatenate([rf, extra], 2), d.lang), k,
                  f"+ mapped cosines, logistic top {k}", logistic)
        oof_model(d, with_context(rf, d.lang), k, f"reranker features, trees top {k}", trees)
        oof_model(d, with_context(np.concatenate([rf, extra], 2), d.lang), k,
                  f"+ mapped cosines, trees top {k}", trees)


def mapped_scores(d: Data, lang_maps: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The mapped query's cosine to every entry's best Korean passage (title, Korean
    variants) and to its title-and-answer passage: two (nq, n) arrays."""
    korean = (d.pkind == TITLE) | (d.pkind == KO_VARIANT)
    rows = np.flatnonzero(korean)
    rows = rows[np.argsort(d.pdoc[rows], kind="stable")]
    kdoc = d.pdoc[rows]
    kstart = np.flatnonzero(np.r_[True, kdoc[1:] != kdoc[:-1]])
    mapped = np.zeros_like(d.qvec)
    for lang in LANGS:
        sel = d.lang == lang
        mapped[sel] = _unit(d.qvec[sel] @ lang_maps[lang])
    return np.maximum.reduceat(mapped @ d.pvec[rows].T, kstart, axis=1), mapped @ d.avec.T


def residual_prog(d: Data, kmax: int) -> dict[str, np.ndarray]:
    """Residual cosines (the programme centroid's projection removed) of the top ``kmax``:
    title-and-answer, best answer window, gist in the question's language."""
    cv = candidate_vectors(d, kmax)
    progs, inv = np.unique(d.prog, return_inverse=True)
    cnt = np.bincount(inv)
    cent = np.zeros((len(progs), d.avec.shape[1]), np.float32)
    np.add.at(cent, inv, d.avec)
    cent /= cnt[:, None]
    doc_centre = np.where((cnt[inv] > 1)[:, None], cent[inv], d.avec.mean(0)[None, :])
    centre = doc_centre[d.cand[:, :kmax]]
    return {kd: residual_cos(d.qvec, cv[kd], "prog", kmax, centre)
            for kd in ("answer", "window", "gist")}


def part_combo() -> None:
    """Small feature sets over the top 5 (what could ship as a handful of constants): the
    fused score and rank, the mapped cosines (idea 2), the residual cosines (idea 1)."""
    d = Data()
    k = 5
    maps = {"ridge10 answer": {lg: fit_maps(d, lg, "answer", "ridge", 10.0) for lg in LANGS},
            "procrustes title": {lg: fit_maps(d, lg, "title", "procrustes") for lg in LANGS}}
    top = d.cand[:, :k]
    cols: dict[str, np.ndarray] = {
        "fused": np.take_along_axis(d.fused, top, 1),
        "rank": np.repeat(np.arange(k, dtype=float)[None, :], d.nq, 0)}
    for name, m in maps.items():
        ko, ans = mapped_scores(d, m)
        cols[f"{name} ko"] = np.take_along_axis(ko, top, 1)
        cols[f"{name} ans"] = np.take_along_axis(ans, top, 1)
    for kd, v in residual_prog(d, k).items():
        cols[f"residual {kd}"] = v
    rf = rerank_features(k)
    sets = {
        "fused+rank": ["fused", "rank"],
        "+ ridge10 ans": ["fused", "rank", "ridge10 answer ans"],
        "+ ridge10 ans, ko": ["fused", "rank", "ridge10 answer ans", "ridge10 answer ko"],
        "+ all mapped": ["fused", "rank", "ridge10 answer ans", "ridge10 answer ko",
                         "procrustes title ans", "procrustes title ko"],
        "+ residual": ["fused", "rank", "residual answer", "residual window", "residual gist"],
        "+ all mapped + residual": ["fused", "rank", "ridge10 answer ans", "ridge10 answer ko",
                                    "procrustes title ans", "procrustes title ko",
                                    "residual answer", "residual window", "residual gist"],
        "+ ridge10 ans, ko + residual window": ["fused", "rank", "ridge10 answer ans",
                                                "ridge10 answer ko", "residual window"],
    }
    for name, names in sets.items():
        x = np.stack([cols[c] for c in names], 2)
        oof_model(d, with_context(x, d.lang), k, f"{name}, logistic", logistic)
        oof_model(d, with_context(x, np.full(d.nq, "none")), k,
                  f"{name}, logistic, no language", logistic)
    if rf is not None:
        x = np.concatenate([rf, np.stack([cols[c] for c in sets["+ all mapped + residual"]], 2)],
                           2)
        oof_model(d, with_context(x, d.lang), k, "reranker features + mapped + residual, logistic",
                  logistic)
        oof_model(d, with_context(x, d.lang), k, "reranker features + mapped + residual, trees",
                  trees)


def all_mapped(d: Data, k: int, leave_out: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Every map's cosines over the top ``k``: {"<map> <target> <kind>": (nq, k)}
    (``leave_out``: maps learnt without these entries' gists)."""
    out = {}
    for how, alpha in (("procrustes", 0.0), ("ridge", 1.0), ("ridge", 10.0)):
        for target in ("title", "answer"):
            name = f"{how}{alpha:g} {target}"
            ko, ans = mapped_scores(d, {lg: fit_maps(d, lg, target, how, alpha, leave_out)
                                        for lg in LANGS})
            top = d.cand[:, :k]
            ko, ans = np.take_along_axis(ko, top, 1), np.take_along_axis(ans, top, 1)
            out[f"{name} ko"], out[f"{name} ans"] = ko, ans
            out[f"{name} both"] = np.maximum(ko, ans)
    return out


def part_combo2() -> None:
    """Which maps carry the reranker's gain (the reranker study's features + mapped cosines)."""
    d = Data()
    k = 5
    cols = all_mapped(d, k)
    rf = rerank_features(k)
    assert rf is not None
    top = d.cand[:, :k]
    base = [np.take_along_axis(d.fused, top, 1),
            np.repeat(np.arange(k, dtype=float)[None, :], d.nq, 0)]
    for name, keep in (("all 18", lambda c: True),
                       ("procrustes", lambda c: c.startswith("procrustes")),
                       ("ridge1", lambda c: c.startswith("ridge1 ")),
                       ("ridge10", lambda c: c.startswith("ridge10")),
                       ("-> answer maps", lambda c: " answer " in c),
                       ("-> title maps", lambda c: " title " in c),
                       ("ans kind", lambda c: c.endswith(" ans")),
                       ("ko kind", lambda c: c.endswith(" ko"))):
        x = np.stack([v for c, v in cols.items() if keep(c)], 2)
        oof_model(d, with_context(np.concatenate([rf, x], 2), d.lang), k,
                  f"reranker features + {name}, logistic", logistic)
        oof_model(d, with_context(np.concatenate([np.stack(base, 2), x], 2), d.lang), k,
                  f"fused+rank + {name}, logistic", logistic)
    x = np.stack(list(cols.values()), 2)
    oof_model(d, with_context(np.concatenate([rf, x], 2), d.lang), k,
              "reranker features + all 18, trees", trees)


def part_leave_out() -> None:
    """The maps learnt without any questioned entry's gist: is the re-ranker's gain the
    alignment's, or the maps remembering each tune entry's own gist -> answer pair (which an
    index build would learn for a hold-out entry as well)?"""
    d = Data()
    k = 5
    tune_docs = np.unique(np.concatenate(list(d.relall)))
    cols = all_mapped(d, k, leave_out=tune_docs)
    x = np.stack(list(cols.values()), 2)
    top = d.cand[:, :k]
    base = np.stack([np.take_along_axis(d.fused, top, 1),
                     np.repeat(np.arange(k, dtype=float)[None, :], d.nq, 0)], 2)
    print(f"  maps learnt without the {len(tune_docs)} questioned entries' gists:")
    oof_model(d, with_context(np.concatenate([base, x], 2), d.lang), k,
              "fused+rank + all 18 (maps w/o tune entries), logistic", logistic)
    rf = rerank_features(k)
    assert rf is not None
    oof_model(d, with_context(np.concatenate([rf, x], 2), d.lang), k,
              "reranker features + all 18 (maps w/o tune entries), logistic", logistic)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("dump", "residual", "align", "combo", "combo2",
                                       "leave-out"), required=True)
    args = ap.parse_args()
    if args.part == "dump":
        dump()
    elif args.part == "residual":
        part_residual()
    elif args.part == "align":
        part_align()
    elif args.part == "combo":
        part_combo()
    elif args.part == "combo2":
        part_combo2()
    else:
        part_leave_out()


if __name__ == "__main__":
    main()
