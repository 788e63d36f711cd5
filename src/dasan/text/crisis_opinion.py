"""A second opinion for the third stage of crisis detection, where its n-grams are unsure.

The stage (:mod:`dasan.text.crisis_stage`) reads character n-grams: a writer it never read
says the same thing in other words, and its P(crisis) then falls short of the threshold. This
opinion reads meaning instead: a logistic regression over {none, the six kinds} on the
project's sentence vectors (multilingual e5-small on ONNX Runtime, the ``query:`` vectors the
knowledge search embeds a question with), trained on exactly the stage's rows, weights and
view (:func:`dasan.text.crisis_stage.training_rows`).

A message the stage is asked of is flagged when ``(1 - WEIGHT) * P_stage + WEIGHT * P_opinion
>= THRESHOLD``. Since P_opinion <= 1 that needs P_stage >= (THRESHOLD - WEIGHT) / (1 - WEIGHT)
(:func:`unsure_from`), so the sentence encoder (about 12 ms CPU a message) runs only on the
few messages the stage already reads as near a crisis; all others are settled by the n-grams
(on the civil questions no message reaches that score). Chosen by leaving one writer out over
ten writers (``bench/crisis_writer_study.py --second e5``; docs/crisis.md, ninth pass): mixed at
0.2 the threshold rule gives 0.91, where the stage finds more of six of the seven blind writers it
never learnt from (nested: blind 3 0.854 -> 0.879, 4 0.820 -> 0.855, 6 0.791 -> 0.839) with no more
look-alike alarms, and two fewer of blind 1's 135; weights 0.15-0.3 and C 1-16 about the same.

Without the ONNX encoder (``make models`` builds it) or without the stage there is no opinion
and the stage decides alone at its own threshold. ``DASAN_CRISIS_OPINION=off`` switches it off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

C = 4.0
WEIGHT = 0.2  # the opinion's share of the mixed probability
# On the mixed probability (tenth pass: 0.89 by the study, 0.92 for a unit test's look-alike;
# eleventh: 0.89; thirteenth: 0.87, the nested study over fourteen writers, docs/crisis.md).
THRESHOLD = 0.87


def unsure_from(weight: float | None = None, threshold: float | None = None) -> float:
    """The lowest stage P(crisis) at which the mixed probability can reach the threshold
    (by default :data:`WEIGHT` and :data:`THRESHOLD` as they are now)."""
    a = WEIGHT if weight is None else weight
    t = THRESHOLD if threshold is None else threshold
    return (t - a) / (1.0 - a)


class CrisisOpinion:
    """Multinomial logistic regression over sentence vectors ({none, kinds}), scored with
    numpy alone (the scikit-learn model is not kept)."""

    def __init__(self, vectors: np.ndarray, labels: Sequence[str], weights: Sequence[float],
                 c: float = C) -> None:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        model.fit(vectors, list(labels), sample_weight=np.asarray(weights, dtype=np.float64))
        self.classes: list[str] = [str(k) for k in model.classes_]
        self._coef = np.asarray(model.coef_, dtype=np.float64)
        self._intercept = np.asarray(model.intercept_, dtype=np.float64)
        self.trained_on = len(labels)

    def crisis_probability(self, vectors: np.ndarray) -> np.ndarray:
        """P(any crisis) of each vector, as ``1 - predict_proba[:, none]``."""
        logits = np.asarray(vectors, dtype=np.float64) @ self._coef.T + self._intercept
        if len(self.classes) == 2:  # binary: one weight row, the logistic of its score
            p1 = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.asarray(p1 if self.classes[0] == "none" else 1.0 - p1)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return np.asarray(1.0 - p[:, self.classes.index("none")])


def onnx_path() -> Path:
    from dasan.knowledge.e5_onnx_build import DEFAULT_ONNX

    return DEFAULT_ONNX


_ENCODER: Any = None


def encoder() -> Any:
    """The ONNX e5 encoder (the knowledge search's own when it uses the same file; None
    without the file). Reading it from the knowledge package is the one way the text package
    gets sentence vectors; both are below the domain layer's use of them."""
    global _ENCODER
    if _ENCODER is None:
        path = onnx_path()
        if not path.is_file():
            return None
        from dasan.knowledge.embeddings import OnnxE5Embedder, default_embedder

        with path.open("rb") as fh:
            name = f"onnx-e5-small-{hashlib.file_digest(fh, 'blake2b').hexdigest()[:12]}"
        shared = default_embedder()
        _ENCODER = shared if isinstance(shared, OnnxE5Embedder) and shared.name == name \
            else OnnxE5Embedder(path)
    return _ENCODER


def vectors(texts: Sequence[str]) -> np.ndarray:
    """The encoder's query vectors of what the stage reads."""
    enc = encoder()
    if enc is None:
        raise RuntimeError("the ONNX sentence encoder is not built (make models)")
    return np.asarray(enc.queries(list(texts)))


def train(shared: Path) -> CrisisOpinion | None:
    """The opinion trained on the stage's rows (None without them or without the encoder)."""
    from dasan.text.crisis import stage_input
    from dasan.text.crisis_stage import LOOKALIKE_WEIGHT, training_rows

    rows = training_rows(shared)
    if not rows or encoder() is None:
        return None
    # the same vectors as vectors() gives, on every core (a few minutes on one)
    x = np.asarray(encoder().bulk_queries([stage_input(t) for t, _k, _g, _h in rows]))
    return CrisisOpinion(x, [k for _t, k, _g, _h in rows],
                         [LOOKALIKE_WEIGHT if hard else 1.0 for _t, _k, _g, hard in rows])


def cache_path(shared: Path) -> Path:
    """Keyed by the stage's key (its code, writers and data), this module and the encoder."""
    from dasan.config import VAR_DIR
    from dasan.text import crisis_stage

    h = hashlib.sha1(crisis_stage.cache_path(shared).name.encode())
    h.update(Path(__file__).read_bytes())
    with onnx_path().open("rb") as fh:
        h.update(hashlib.file_digest(fh, "sha1").digest())
    return VAR_DIR / "models" / f"crisis_opinion-{h.hexdigest()[:12]}.pkl"


_OPINION: Any = None
_LOADED = False
_LOCK = threading.RLock()  # the stage, read under it, asks reload()


def get_opinion() -> CrisisOpinion | None:
    """The process-wide opinion; None without the stage, the encoder or the data, or when
    switched off (``DASAN_CRISIS_OPINION=off``)."""
    global _OPINION, _LOADED
    if os.environ.get("DASAN_CRISIS_OPINION", "").lower() in ("off", "0", "false", "no"):
        return None
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                try:
                    _OPINION = _load_or_train()
                except Exception:
                    log.exception("crisis opinion unavailable; the stage decides alone")
                    _OPINION = None
                _LOADED = True
    return _OPINION


def _load_or_train() -> CrisisOpinion | None:
    from dasan.config import get_settings
    from dasan.text import crisis_stage
    from dasan.text.model_files import kept_or_trained

    shared = get_settings().shared_data
    if crisis_stage.get_stage() is None or not onnx_path().is_file():
        return None
    return kept_or_trained(cache_path(shared), CrisisOpinion, lambda: train(shared),
                           "crisis opinion", "crisis_opinion-*.pkl")


def reload() -> None:
    """Read the opinion again on next use (the stage was read again)."""
    global _LOADED
    with _LOCK:
        _LOADED = False


def set_opinion(opinion: CrisisOpinion | None) -> None:
    """Replace the process-wide opinion (tests, benchmarks; None switches it off)."""
    global _OPINION, _LOADED
    with _LOCK:
        _OPINION = opinion
        _LOADED = True
