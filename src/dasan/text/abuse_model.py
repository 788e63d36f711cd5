"""A small trained abuse classifier that backs up the lexicon rules.

Level 1: character n-grams (1-4, within words) of the NFKC, lower-cased text plus n-grams of its
jamo decomposition (so ㅅㅂ and 씨발 share features), logistic regression. Level 2 (stacking): a
logistic regression over the level-1 probability (out-of-fold while training) and the lexicon
rule hits per category, so that the rules and the n-grams each weigh what they are worth.
Trained on the *train* part of the curse-detection data (2runo, MIT) from ``../shared/data``;
the held-out part is chosen by a hash of the text (:func:`is_held_out`), so it is the same on
every machine and a duplicate comment never sits on both sides. The model is cached under
``var/models``; where the data is absent the platform runs on the rules alone
(:func:`get_classifier` returns None).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from dasan.config import PROJECT_ROOT, get_settings
from dasan.text import abuse_rules

log = logging.getLogger(__name__)

MODEL_VERSION = 4
HELD_OUT_BUCKETS = 5  # one bucket in five (20%) is held out
CURSE_FILE = Path("curse-detection-2runo") / "dataset.txt"
KOCO_DIR = Path("korean-hate-speech-kocohub")
CACHE_DIR = PROJECT_ROOT / "var" / "models"


def is_held_out(text: str) -> bool:
    """The deterministic held-out split: never trained on."""
    digest = hashlib.sha1(text.strip().encode("utf-8")).digest()
    return digest[0] % HELD_OUT_BUCKETS == 0


def load_curse(path: Path) -> list[tuple[str, int]]:
    """``text|label`` lines (split on the last ``|``); malformed lines are skipped."""
    rows: list[tuple[str, int]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if "|" not in line:
                continue
            text, label = line.rsplit("|", 1)
            if label.strip() not in ("0", "1") or not text.strip():
                continue
            rows.append((text.strip(), int(label.strip())))
    return rows


def load_koco(path: Path) -> list[tuple[str, int]]:
    """kocohub TSV: label 1 when ``hate`` is offensive or hate."""
    rows: list[tuple[str, int]] = []
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if "comments" not in header or "hate" not in header:
            raise ValueError(f"{path}: not a kocohub file (columns {header})")
        ci, hi = header.index("comments"), header.index("hate")
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) <= max(ci, hi):
                continue
            rows.append((cols[ci].strip(), int(cols[hi].strip() != "none")))
    return rows


Rows = list[tuple[str, int]]


def split_curse(rows: Sequence[tuple[str, int]]) -> tuple[Rows, Rows]:
    train = [r for r in rows if not is_held_out(r[0])]
    test = [r for r in rows if is_held_out(r[0])]
    return train, test


def _light(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _jamo(text: str) -> str:
    return unicodedata.normalize("NFKD", _light(text))


def rule_features(hits: Sequence[abuse_rules.Hit], text: str) -> list[float]:
    """Per category the highest severity hit, then strong/mild/directed flags and a hit count."""
    feats: list[float] = []
    for cat in abuse_rules.CATEGORIES:
        feats.append(float(max((h.severity for h in hits if h.category == cat), default=0)))
    feats.append(float(any(h.severity >= 2 for h in hits)))
    feats.append(float(any(h.severity == 1 for h in hits)))
    feats.append(float(abuse_rules.is_directed(text)))
    feats.append(float(min(len(hits), 4)))
    return feats


def _stack_matrix(p: np.ndarray, rules: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.column_stack([p, np.log(p / (1 - p)), rules])


@dataclass
class AbuseClassifier:
    """Fitted vectorisers + level-1 and level-2 logistic regressions + decision threshold."""

    chars: TfidfVectorizer
    jamo: TfidfVectorizer
    model: LogisticRegression
    stacker: LogisticRegression
    threshold: float
    trained_on: int

    def _features(self, texts: Sequence[str]) -> object:
        return hstack(
            [self.chars.transform([_light(t) for t in texts]),
             self.jamo.transform([_jamo(t) for t in texts])]
        ).tocsr()

    def ngram_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Level-1 probability from character n-grams alone."""
        if not texts:
            return np.zeros(0)
        return np.asarray(self.model.predict_proba(self._features(texts))[:, 1])

    def predict_proba(
        self, texts: Sequence[str], hits: Sequence[Sequence[abuse_rules.Hit]] | None = None
    ) -> np.ndarray:
        """Probability that each text is abusive (n-grams and rule hits combined)."""
        if not texts:
            return np.zeros(0)
        if hits is None:
            hits = [abuse_rules.scan(t) for t in texts]
        rules = np.array([rule_features(h, t) for h, t in zip(hits, texts, strict=True)])
        return np.asarray(
            self.stacker.predict_proba(_stack_matrix(self.ngram_proba(texts), rules))[:, 1]
        )


def _vectorisers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), min_df=2, sublinear_tf=True)
    jamo = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=200_000
    )
    return chars, jamo


def _best_threshold(y: np.ndarray, prob: np.ndarray) -> float:
    best_t, best_f1 = 0.5, -1.0
    for t in np.arange(0.20, 0.80, 0.02):
        pred = prob >= t
        tp = float(np.sum(pred & (y == 1)))
        f1 = 2 * tp / max(1.0, float(pred.sum() + (y == 1).sum()))
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
    return round(best_t, 2)


def train(texts: Sequence[str], labels: Sequence[int], c: float = 2.0) -> AbuseClassifier:
    """Fit both levels; the threshold maximises F1 in cross-validation on ``texts`` only."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    if len(set(labels)) < 2:
        raise ValueError("training needs both abusive and ordinary examples")
    chars, jamo = _vectorisers()
    x = hstack(
        [chars.fit_transform([_light(t) for t in texts]),
         jamo.fit_transform([_jamo(t) for t in texts])]
    ).tocsr()
    y = np.asarray(labels)
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    oof = cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1]
    model.fit(x, y)
    rules = np.array([rule_features(abuse_rules.scan(t), t) for t in texts])
    z = _stack_matrix(oof, rules)
    stacker = LogisticRegression(C=1.0, max_iter=2000)
    oof2 = cross_val_predict(stacker, z, y, cv=folds, method="predict_proba")[:, 1]
    stacker.fit(z, y)
    return AbuseClassifier(chars, jamo, model, stacker, _best_threshold(y, oof2), len(texts))


def _cache_path(data_file: Path) -> Path:
    h = hashlib.sha1(data_file.read_bytes()).hexdigest()[:12]
    return CACHE_DIR / f"abuse-v{MODEL_VERSION}-{h}.pkl"


def train_from_shared(
    data_dir: Path | None = None, cache: bool = True, force: bool = False
) -> AbuseClassifier | None:
    """Train (or load the cached model) from the curse data's train split; None when absent.

    ``force`` retrains even when a cached model exists (and replaces it when ``cache``)."""
    data_dir = data_dir or get_settings().shared_data
    data_file = data_dir / CURSE_FILE
    if not data_file.is_file():
        return None
    path = _cache_path(data_file)
    if cache and not force and path.is_file():
        try:
            with path.open("rb") as fh:
                clf = pickle.load(fh)  # noqa: S301 - our own cache file under var/
            if isinstance(clf, AbuseClassifier):
                return clf
        except Exception:  # a stale or broken cache is rebuilt
            log.warning("abuse model cache %s unreadable; retraining", path)
    train_rows, _ = split_curse(load_curse(data_file))
    clf = train([t for t, _ in train_rows], [y for _, y in train_rows])
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(clf, fh)
        tmp.replace(path)
    return clf


_clf: AbuseClassifier | None = None
_loaded = False
_lock = threading.Lock()


def get_classifier() -> AbuseClassifier | None:
    """The process-wide classifier; None when disabled (DASAN_ABUSE_CLASSIFIER=off) or no data."""
    global _clf, _loaded
    if os.environ.get("DASAN_ABUSE_CLASSIFIER", "auto").lower() in ("off", "0", "false", "no"):
        return None
    if not _loaded:
        with _lock:
            if not _loaded:
                try:
                    _clf = train_from_shared()
                except Exception:
                    log.exception("abuse classifier unavailable; screening with rules only")
                    _clf = None
                _loaded = True
    return _clf


def set_classifier(clf: AbuseClassifier | None) -> None:
    """Replace the process-wide classifier (tests, benchmarks)."""
    global _clf, _loaded
    with _lock:
        _clf = clf
        _loaded = True
