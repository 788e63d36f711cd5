"""A re-ranker of a foreign question's top candidates over the editors' gists (issue 16).

A foreign question (en/zh/ja/vi/mn) often finds a programme's twin entries close together: the
entry on selection and the one on the announcement day read alike to the encoder. The editors'
gists (``SearchDoc.gists``: each entry's answer told in the residents' languages) are parallel
text: each gist's passage vector beside its entry's Korean title and title-and-answer vectors.
From them the index learns, per language, linear maps from the encoder's space as a question in
that language lands in it to the Korean side (:func:`learn_maps`: orthogonal Procrustes and
ridge maps shrunk towards the identity, at every index build, from the passage vectors the index
holds). A question mapped by them is scored against each candidate's Korean passages (its title
and Korean variants, the best) and its title-and-answer passage; a pointwise logistic over those
cosines and the fused score and rank re-orders the fused top :attr:`ForeignReranker.depth`.

Beside the mapped cosines a re-ranker may read **residual cosines** (:attr:`ForeignReranker.
residuals`; twenty-first session): twin entries share their programme's topic, which dominates
their vectors. Each entry's programme (its title before the first comma, :func:`programme`) has
a centroid of its entries' title-and-answer vectors, learnt at index build from the vectors the
index holds (:func:`programme_centres`; an entry alone in its programme gets the FAQ's mean);
the projection on a candidate's centroid is removed from the question's vector and from the
candidate's title-and-answer vector (``answer``) or its gist in the question's language
(``gist``; its title when it has none), and the residual cosine is a feature
(:func:`residual_cosines`).

The coefficients are fitted on the committed cross-lingual tune splits and the seen hold-out J
by ``bench/fit_foreign_rerank.py``, which rewrites ``foreign_rerank.json`` beside this module
with the list of the features they weigh (docs/written-channels.md, "Twentieth session" and
"Twenty-first session"). A language without gists has no map: its
questions keep the fused order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

COEFFICIENTS = Path(__file__).with_name("foreign_rerank.json")
LANGS = ("en", "zh", "ja", "vi", "mn")
# how each map is learnt: (name, method, ridge alpha)
METHODS: dict[str, tuple[str, float]] = {
    "procrustes": ("procrustes", 0.0), "ridge1": ("ridge", 1.0), "ridge10": ("ridge", 10.0)}
TARGETS = ("title", "answer")  # a gist's entry's Korean title / title-and-answer vector
KINDS = ("ko", "ans", "both")  # cosine to the best Korean passage, to title-and-answer, max
# residual cosines (the programme centroid's projection removed) to a candidate's
# title-and-answer vector / its gist in the question's language
RESIDUALS = ("answer", "gist")


def fit_map(x: np.ndarray, y: np.ndarray, method: str, alpha: float = 0.0) -> np.ndarray:
    """A (dim, dim) map ``W`` with ``x @ W`` close to ``y`` (rows are pairs): ``procrustes``,
    the orthogonal one (SVD of ``x.T @ y``); ``ridge``, min |xW - y|^2 + alpha |W - I|^2 (shrunk
    towards the identity)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if method == "procrustes":
        u, _s, vt = np.linalg.svd(x.T @ y)
        return (u @ vt).astype(np.float32)
    if method == "ridge":
        eye = np.eye(x.shape[1])
        return np.linalg.solve(x.T @ x + alpha * eye, x.T @ y + alpha * eye).astype(np.float32)
    raise ValueError(f"unknown map method {method!r}")


def learn_maps(maps: Sequence[tuple[str, str]], passage_vecs: np.ndarray,
               passage_lang: Sequence[str], passage_doc: np.ndarray, title_rows: np.ndarray,
               answer_vecs: np.ndarray | None) -> dict[str, dict[tuple[str, str], np.ndarray]]:
    """Language -> {(method name, target): map} for every language with at least one gist.
    ``passage_lang``: each passage's gist language ("" for a passage that is not a gist);
    ``passage_doc``: the entry of each passage; ``title_rows``: each entry's title row."""
    from threadpoolctl import threadpool_limits  # scikit-learn's dependency

    # one BLAS thread: a 384 x 384 SVD or solve gains little from two, and threads spinning
    # beside the encoder's (or another process's) on a busy machine cost several times more
    with threadpool_limits(1):
        return _learn_maps(maps, passage_vecs, passage_lang, passage_doc, title_rows,
                           answer_vecs)


def _learn_maps(maps: Sequence[tuple[str, str]], passage_vecs: np.ndarray,
                passage_lang: Sequence[str], passage_doc: np.ndarray, title_rows: np.ndarray,
                answer_vecs: np.ndarray | None) -> dict[str, dict[tuple[str, str], np.ndarray]]:
    lang = np.asarray(passage_lang, dtype=object)
    out: dict[str, dict[tuple[str, str], np.ndarray]] = {}
    for lg in LANGS:
        rows = np.flatnonzero(lang == lg)
        if rows.size == 0:
            continue
        x = passage_vecs[rows]
        docs = passage_doc[rows]
        per: dict[tuple[str, str], np.ndarray] = {}
        for name, target in maps:
            if target == "title":
                y = passage_vecs[title_rows[docs]]
            elif answer_vecs is not None:
                y = answer_vecs[docs]
            else:
                continue
            method, alpha = METHODS[name]
            per[(name, target)] = fit_map(x, y, method, alpha)
        if per:
            out[lg] = per
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-9)


def mapped_cosines(lang_maps: Mapping[tuple[str, str], np.ndarray],
                   maps: Sequence[tuple[str, str]], query_vector: np.ndarray,
                   korean: Sequence[np.ndarray], answer: np.ndarray) -> np.ndarray:
    """(k, 3 x len(maps)): for each map (in ``maps``' order), the mapped question's cosine to
    each candidate's best Korean passage (``korean[j]``: its vectors), to its title-and-answer
    vector (``answer[j]``) and the larger of the two."""
    q = np.asarray(query_vector, dtype=np.float32)
    cols = []
    # einsum, not BLAS: a threaded sgemv fights the encoder's threads for the cores (as in
    # SearchIndex._with_dense)
    for key in maps:
        m = _unit(np.einsum("i,ij->j", q, lang_maps[key]))
        ko = np.array([float(np.einsum("ij,j->i", kv, m).max()) for kv in korean],
                      dtype=np.float64)
        ans = np.einsum("ij,j->i", answer, m).astype(np.float64)
        cols += [ko, ans, np.maximum(ko, ans)]
    return np.stack(cols, 1)


def programme(title: str) -> str:
    """An entry's programme: its title before the first comma (the whole title without one)."""
    return title.split(",", 1)[0].strip()


def programme_centres(titles: Sequence[str], answer_vecs: np.ndarray) -> np.ndarray:
    """(n, dim): each entry's programme centroid, the mean of the title-and-answer vectors of
    the entries of its programme (:func:`programme`); an entry alone in its programme, whose
    own vector the projection would remove whole, gets the mean of every entry's instead."""
    vecs = np.asarray(answer_vecs, dtype=np.float64)
    _progs, inv = np.unique(np.array([programme(t) for t in titles], dtype=object),
                            return_inverse=True)
    inv = np.asarray(inv).reshape(-1)
    cnt = np.bincount(inv)
    cent = np.zeros((cnt.size, vecs.shape[1]))
    np.add.at(cent, inv, vecs)
    cent /= cnt[:, None]
    out = np.where((cnt[inv] > 1)[:, None], cent[inv], vecs.mean(0)[None, :])
    return out.astype(np.float32)


def residual_cosines(query_vector: np.ndarray, centres: np.ndarray,
                     vectors: np.ndarray) -> np.ndarray:
    """(k,): the cosine of the question to each candidate's vector (``vectors[j]``) once the
    projection on the candidate's programme centroid (``centres[j]``) is removed from both."""
    q = np.asarray(query_vector, dtype=np.float64)[None, :]
    v = np.asarray(vectors, dtype=np.float64)
    c = np.asarray(centres, dtype=np.float64)
    u = c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9)
    qr = q - np.einsum("ij,ij->i", np.repeat(q, len(u), 0), u)[:, None] * u
    vr = v - np.einsum("ij,ij->i", v, u)[:, None] * u
    qn = np.maximum(np.linalg.norm(qr, axis=1), 1e-9)
    vn = np.maximum(np.linalg.norm(vr, axis=1), 1e-9)
    return np.einsum("ij,ij->i", qr, vr) / (qn * vn)


def feature_names(maps: Sequence[tuple[str, str]], residuals: Sequence[str] = ()) -> list[str]:
    """The names of :func:`features`' columns for a re-ranker over ``maps`` and ``residuals``."""
    base = ["fused", "rank", *(f"{m}->{t}:{k}" for m, t in maps for k in KINDS),
            *(f"residual:{r}" for r in residuals)]
    return [*base, *(f"{b}-best" for b in base), *(f"{b}-first" for b in base),
            *(f"lang:{lg}" for lg in LANGS)]


def features(fused: np.ndarray, cosines: np.ndarray, language: str) -> np.ndarray:
    """The logistic's input for k candidates in the fused order: the fused score, the rank
    (0-based) and the mapped cosines (then the residual ones, if any: ``cosines`` holds both,
    as ``SearchIndex.foreign_candidates`` gives them); each raw, minus the candidates' best and
    minus the first candidate's; then the question's language (one-hot over :data:`LANGS`)."""
    k = len(fused)
    x = np.column_stack([np.asarray(fused, dtype=np.float64), np.arange(k, dtype=np.float64),
                         cosines])
    onehot = np.array([float(language == lg) for lg in LANGS])
    return np.concatenate([x, x - x.max(0, keepdims=True), x - x[:1],
                           np.repeat(onehot[None, :], k, 0)], 1)


@dataclass(frozen=True)
class ForeignReranker:
    """The shipped re-ranker: which maps and residual cosines it reads, how deep, and its
    standardised linear scorer (a logistic's, pointwise or over candidate pairs)."""

    maps: tuple[tuple[str, str], ...]
    depth: int
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    residuals: tuple[str, ...] = ()

    @property
    def feature_names(self) -> list[str]:
        return feature_names(self.maps, self.residuals)

    def scores(self, x: np.ndarray) -> np.ndarray:
        """The logistic's log-odds of each candidate row of ``x`` (:func:`features`)."""
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def order(self, fused: np.ndarray, cosines: np.ndarray, language: str) -> np.ndarray:
        """The candidates' positions (0..k-1, given in the fused order) in the re-ranker's
        order; ties keep the fused order."""
        return np.argsort(-self.scores(features(fused, cosines, language)), kind="stable")

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ForeignReranker:
        maps = tuple((str(a), str(b)) for a, b in data["maps"])  # type: ignore[attr-defined]
        for name, target in maps:
            if name not in METHODS or target not in TARGETS:
                raise ValueError(f"unknown map {name!r} -> {target!r}")
        residuals = tuple(str(r) for r in data.get("residuals", ()))  # type: ignore[attr-defined]
        for kind in residuals:
            if kind not in RESIDUALS:
                raise ValueError(f"unknown residual cosine {kind!r}")
        r = cls(maps=maps, depth=int(data["depth"]),  # type: ignore[call-overload]
                mean=np.asarray(data["mean"], dtype=np.float64),
                scale=np.asarray(data["scale"], dtype=np.float64),
                coef=np.asarray(data["coef"], dtype=np.float64),
                intercept=float(data["intercept"]),  # type: ignore[arg-type]
                residuals=residuals)
        names = r.feature_names
        if not r.mean.shape == r.scale.shape == r.coef.shape == (len(names),):
            raise ValueError(f"foreign re-ranker: expected {len(names)} coefficients")
        if "features" in data and list(data["features"]) != names:  # type: ignore[call-overload]
            raise ValueError("foreign re-ranker: its feature list is not the one the code "
                             "computes for its maps and residual cosines")
        return r

    def to_json(self) -> dict[str, object]:
        return {"maps": [list(m) for m in self.maps], "residuals": list(self.residuals),
                "depth": self.depth, "features": self.feature_names,
                "mean": [round(float(v), 8) for v in self.mean],
                "scale": [round(float(v), 8) for v in self.scale],
                "coef": [round(float(v), 8) for v in self.coef],
                "intercept": round(self.intercept, 8)}


@lru_cache(maxsize=1)
def shipped() -> ForeignReranker | None:
    """The re-ranker in :data:`COEFFICIENTS`; None when the file is absent."""
    if not COEFFICIENTS.is_file():
        return None
    return ForeignReranker.from_json(json.loads(COEFFICIENTS.read_text(encoding="utf-8")))
