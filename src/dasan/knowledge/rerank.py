"""Second-stage reranking of the fused top-k (:mod:`dasan.knowledge.search`).

The fused score sums min-max normalised scorer outputs with fixed weights; it cannot weigh
*how* a candidate matches: whether the dense cosine comes from the title or a question
variant, whether the query's content words and numbers are in the entry, how far behind the
best candidate each scorer puts it. :class:`Reranker` scores each of the fused top
``depth`` candidates with a logistic model over such features (:data:`FEATURES`), all computed
from what the search already has (raw scores, kiwi tokens of the query and of the entries):
no second encoder pass, well under a millisecond for 20 candidates.

The model is a plain vector of weights in a JSON file beside this module
(``search_rerank.json``, 18 numbers: it is reviewed and versioned with the code),
fitted by ``bench/bench_rerank.py`` on training queries that are no benchmark hold-out;
without the file the search keeps the fused order (:func:`load_reranker` returns None).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_RERANK_PATH = Path(__file__).with_name("search_rerank.json")
RERANK_DEPTH = 20

FEATURES = (
    "fused", "fused_gap", "fused_rank",
    "dense", "dense_gap", "dense_rank",
    "title_dense", "title_gap",
    "chars", "chars_gap", "chars_rank",
    "bm25", "bm25_gap", "bm25_rank",
    "q_cover", "d_cover", "numbers", "len_ratio",
)

_NUMBER = re.compile(r"\d+")


def _minmax_at(x: np.ndarray, mask: np.ndarray | None, cand: np.ndarray) -> np.ndarray:
    sel = x if mask is None else x[mask]
    lo, hi = (float(sel.min()), float(sel.max())) if sel.size else (0.0, 0.0)
    if hi - lo <= 1e-12:
        return np.zeros(cand.size, dtype=np.float64)
    return (x[cand].astype(np.float64) - lo) / (hi - lo)


def _rank_feature(x: np.ndarray) -> np.ndarray:
    """1 / (1 + rank) of each value among ``x`` (rank 0 = the largest)."""
    order = np.argsort(-x, kind="stable")
    ranks = np.empty(x.size, dtype=np.float64)
    ranks[order] = np.arange(x.size)
    return 1.0 / (1.0 + ranks)


def candidate_features(
    *,
    fused: np.ndarray,
    dense: np.ndarray,
    title_dense: np.ndarray | None,
    chars: np.ndarray,
    bm25: np.ndarray,
    mask: np.ndarray | None,
    cand: np.ndarray,
    query: str,
    query_tokens: Sequence[str],
    doc_tokens: Sequence[Sequence[str]],
    doc_titles: Sequence[str],
) -> np.ndarray:
    """Feature matrix (len(cand), len(FEATURES)) for candidates ``cand`` (positions into the
    score vectors, best fused first); ``doc_tokens`` / ``doc_titles`` follow ``cand``."""
    f = fused[cand].astype(np.float64)
    d = dense[cand].astype(np.float64)
    t = (title_dense[cand].astype(np.float64) if title_dense is not None else d)
    c = _minmax_at(chars, mask, cand)
    b = _minmax_at(bm25, mask, cand)
    q = set(query_tokens)
    q_nums = set(_NUMBER.findall(query))
    q_cover = np.zeros(cand.size)
    d_cover = np.zeros(cand.size)
    numbers = np.zeros(cand.size)
    len_ratio = np.zeros(cand.size)
    for j, (toks, title) in enumerate(zip(doc_tokens, doc_titles, strict=True)):
        dt = set(toks)
        if q:
            q_cover[j] = len(q & dt) / len(q)
        if dt:
            d_cover[j] = len(q & dt) / len(dt)
        if q_nums:
            numbers[j] = 1.0 if q_nums <= set(_NUMBER.findall(title)) else -1.0
        len_ratio[j] = math.log((len(query) + 1) / (len(title) + 1))
    cols = {
        "fused": f, "fused_gap": f.max() - f, "fused_rank": _rank_feature(f),
        "dense": d, "dense_gap": d.max() - d, "dense_rank": _rank_feature(d),
        "title_dense": t, "title_gap": t.max() - t,
        "chars": c, "chars_gap": c.max() - c, "chars_rank": _rank_feature(c),
        "bm25": b, "bm25_gap": b.max() - b, "bm25_rank": _rank_feature(b),
        "q_cover": q_cover, "d_cover": d_cover, "numbers": numbers, "len_ratio": len_ratio,
    }
    return np.column_stack([cols[n] for n in FEATURES])


@dataclass(frozen=True, slots=True)
class Reranker:
    """``score = w . (x - mean) / scale + bias`` over :data:`FEATURES` of each candidate."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float = 0.0
    depth: int = RERANK_DEPTH
    features: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        n = len(self.features)
        if set(self.features) - set(FEATURES):
            raise ValueError(f"unknown rerank features {set(self.features) - set(FEATURES)}")
        if not (len(self.mean) == len(self.scale) == len(self.weights) == n):
            raise ValueError("rerank mean/scale/weights must have one value per feature")
        if any(s <= 0 or not math.isfinite(s) for s in self.scale):
            raise ValueError("rerank scales must be positive")
        if self.depth < 2:
            raise ValueError("rerank depth must be >= 2")

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Score per row of a :func:`candidate_features` matrix."""
        idx = [FEATURES.index(n) for n in self.features]
        z = (x[:, idx] - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.weights) + self.bias, dtype=np.float64)

    def to_json(self) -> str:
        return json.dumps({"features": list(self.features), "mean": list(self.mean),
                           "scale": list(self.scale), "weights": list(self.weights),
                           "bias": self.bias, "depth": self.depth}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Reranker:
        d = json.loads(text)
        return cls(mean=tuple(map(float, d["mean"])), scale=tuple(map(float, d["scale"])),
                   weights=tuple(map(float, d["weights"])), bias=float(d["bias"]),
                   depth=int(d.get("depth", RERANK_DEPTH)),
                   features=tuple(d.get("features", FEATURES)))


def load_reranker(path: Path | str | None = None) -> Reranker | None:
    """The reranker saved at ``path`` (default :data:`DEFAULT_RERANK_PATH`), None when the
    file is absent."""
    p = Path(path) if path is not None else DEFAULT_RERANK_PATH
    if not p.is_file():
        return None
    return Reranker.from_json(p.read_text(encoding="utf-8"))
