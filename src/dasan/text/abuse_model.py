"""A small trained abuse classifier that backs up the lexicon rules.

Level 1: character n-grams (1-4, within words) of the NFKC, lower-cased text plus n-grams of its
jamo decomposition (so ㅅㅂ and 씨발 share features), logistic regression. Level 2 (stacking): a
logistic regression over the level-1 probability (out-of-fold while training) and the lexicon
rule hits per category, so that the rules and the n-grams each weigh what they are worth. A
second n-gram view trained on kocohub's offensive/hate *train* split (when present) adds its
probability to the level-2 inputs; kocohub's dev split is never trained on.
Trained on the *train* part of the curse-detection data (2runo, MIT) from ``../shared/data``;
the held-out part is chosen by a hash of the text (:func:`is_held_out`), so it is the same on
every machine and a duplicate comment never sits on both sides. The model is cached under
``var/models``; where the data is absent the platform runs on the rules alone
(:func:`get_classifier` returns None).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dasan.config import PROJECT_ROOT, get_settings
from dasan.text import abuse_rules
from dasan.text.model_files import keep_model, read_model

if TYPE_CHECKING:  # sklearn and scipy load on first use (training, or a model's first score)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

log = logging.getLogger(__name__)

MODEL_VERSION = 6
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
    """Level-2 inputs: each level-1 probability and its logit, then the rule features."""
    p = np.clip(p.reshape(len(p), -1), 1e-6, 1 - 1e-6)
    return np.column_stack([p, np.log(p / (1 - p)), rules])


def _vectorisers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), min_df=2, sublinear_tf=True)
    jamo = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=200_000
    )
    return chars, jamo


def _folds() -> Any:
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=5, shuffle=True, random_state=0)


@dataclass
class NgramModel:
    """Character + jamo n-gram TF-IDF and a logistic regression (one level-1 view)."""

    chars: TfidfVectorizer
    jamo: TfidfVectorizer
    model: LogisticRegression

    def features(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        return hstack(
            [self.chars.transform([_light(t) for t in texts]),
             self.jamo.transform([_jamo(t) for t in texts])]
        ).tocsr()

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        return np.asarray(self.model.predict_proba(self.features(texts))[:, 1])


def fit_ngram(
    texts: Sequence[str], labels: np.ndarray, c: float, oof: bool
) -> tuple[NgramModel, np.ndarray | None]:
    """Fit one view; with ``oof`` also return 5-fold out-of-fold probabilities for stacking."""
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    chars, jamo = _vectorisers()
    x = hstack(
        [chars.fit_transform([_light(t) for t in texts]),
         jamo.fit_transform([_jamo(t) for t in texts])]
    ).tocsr()
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    out = None
    if oof:
        out = cross_val_predict(model, x, labels, cv=_folds(), method="predict_proba")[:, 1]
    model.fit(x, labels)
    return NgramModel(chars, jamo, model), out


@dataclass
class AbuseClassifier:
    """Level-1 n-gram views + a level-2 logistic regression + decision threshold.

    ``curse`` is trained on the curse data (the task's labels); ``hate``, when kocohub's train
    split is there, on offensive/hate speech - a second opinion the stacker weighs."""

    curse: NgramModel
    hate: NgramModel | None
    stacker: LogisticRegression
    threshold: float
    trained_on: int

    def ngram_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Level-1 probability of the curse n-gram view alone."""
        return self.curse.proba(texts)

    def _level1(self, hidden: Sequence[str]) -> np.ndarray:
        cols = [self.curse.proba(hidden)]
        if self.hate is not None:
            cols.append(self.hate.proba(hidden))
        return np.column_stack(cols)

    def predict_proba(
        self, texts: Sequence[str], scans: Sequence[abuse_rules.Scan] | None = None
    ) -> np.ndarray:
        """Probability that each text is abusive (n-gram views and rule hits combined).

        ``scans`` are the :func:`abuse_rules.scan_with_cleared` results of ``texts``; the
        n-gram models see each text with its cleared ordinary words hidden."""
        if not texts:
            return np.zeros(0)
        if scans is None:
            scans = [abuse_rules.scan_with_cleared(t) for t in texts]
        hidden = [abuse_rules.hide(t, s[1]) for t, s in zip(texts, scans, strict=True)]
        rules = np.array([rule_features(s[0], t) for s, t in zip(scans, texts, strict=True)])
        z = _stack_matrix(self._level1(hidden), rules)
        return np.asarray(self.stacker.predict_proba(z)[:, 1])


def _best_threshold(y: np.ndarray, prob: np.ndarray) -> float:
    best_t, best_f1 = 0.5, -1.0
    for t in np.arange(0.20, 0.80, 0.02):
        pred = prob >= t
        tp = float(np.sum(pred & (y == 1)))
        f1 = 2 * tp / max(1.0, float(pred.sum() + (y == 1).sum()))
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
    return round(best_t, 2)


def train(
    texts: Sequence[str],
    labels: Sequence[int],
    c: float = 2.0,
    hate: tuple[Sequence[str], Sequence[int]] | None = None,
) -> AbuseClassifier:
    """Fit both levels; the threshold maximises F1 in cross-validation on ``texts`` only.

    ``hate`` (texts, labels) trains the optional second view (kocohub offensive/hate)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    if len(set(labels)) < 2:
        raise ValueError("training needs both abusive and ordinary examples")
    scans = [abuse_rules.scan_with_cleared(t) for t in texts]
    hidden = [abuse_rules.hide(t, s[1]) for t, s in zip(texts, scans, strict=True)]
    y = np.asarray(labels)
    curse, oof = fit_ngram(hidden, y, c, oof=True)
    assert oof is not None
    cols = [oof]
    hate_model: NgramModel | None = None
    if hate is not None:
        h_texts, h_labels = hate
        if len(h_texts) != len(h_labels) or len(set(h_labels)) < 2:
            raise ValueError("hate-speech training data needs both labels, one per text")
        hate_model, _ = fit_ngram(list(h_texts), np.asarray(h_labels), c, oof=False)
        cols.append(hate_model.proba(hidden))  # never trained on these texts: no leakage
    rules = np.array([rule_features(s[0], t) for s, t in zip(scans, texts, strict=True)])
    z = _stack_matrix(np.column_stack(cols), rules)
    stacker = LogisticRegression(C=1.0, max_iter=2000)
    oof2 = cross_val_predict(stacker, z, y, cv=_folds(), method="predict_proba")[:, 1]
    stacker.fit(z, y)
    return AbuseClassifier(curse, hate_model, stacker, _best_threshold(y, oof2), len(texts))


def _cache_path(data_file: Path) -> Path:
    """Keyed by the data and by the rule and model code: a changed lexicon retrains."""
    h = hashlib.sha1(data_file.read_bytes())
    koco_file = data_file.parent.parent / KOCO_DIR / "train.tsv"
    if koco_file.is_file():
        h.update(koco_file.read_bytes())
    for module in (abuse_rules.__file__, __file__):
        h.update(Path(module).read_bytes())
    return CACHE_DIR / f"abuse-v{MODEL_VERSION}-{h.hexdigest()[:12]}.pkl"


def shared_cache_path(data_dir: Path | None = None) -> Path | None:
    """Where the model trained from the shared data is cached; None without the data."""
    data_file = (data_dir or get_settings().shared_data) / CURSE_FILE
    return _cache_path(data_file) if data_file.is_file() else None


def classifier_disabled() -> bool:
    """True when the classifier is switched off (DASAN_ABUSE_CLASSIFIER=off)."""
    return get_settings().abuse_classifier.lower() in ("off", "0", "false", "no")


def is_loaded() -> bool:
    """True once this process has its classifier (trained, read or set)."""
    return _loaded


def from_shared_cache() -> bool:
    """True when this process's classifier is the one trained from the shared data (not one a
    test or benchmark set)."""
    return _shared


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
        cached = read_model(path, AbuseClassifier)
        if cached is not None:
            return cached
    train_rows, _ = split_curse(load_curse(data_file))
    hate = None
    koco_file = data_dir / KOCO_DIR / "train.tsv"  # its dev.tsv stays held out
    if koco_file.is_file():
        koco = load_koco(koco_file)
        hate = ([t for t, _ in koco], [y for _, y in koco])
    clf = train([t for t, _ in train_rows], [y for _, y in train_rows], hate=hate)
    if cache:
        keep_model(clf, path)
        for old in path.parent.glob(f"{path.stem}-compiled-*.pkl"):
            old.unlink(missing_ok=True)  # compiled from the model this one replaces
    return clf


_clf: AbuseClassifier | None = None
_loaded = False
_shared = False  # _clf came from train_from_shared
_lock = threading.Lock()


def get_classifier() -> AbuseClassifier | None:
    """The process-wide classifier; None when disabled (DASAN_ABUSE_CLASSIFIER=off) or no data."""
    global _clf, _loaded, _shared
    if classifier_disabled():
        return None
    if not _loaded:
        with _lock:
            if not _loaded:
                try:
                    _clf = train_from_shared()
                except Exception:
                    log.exception("abuse classifier unavailable; screening with rules only")
                    _clf = None
                _shared = _clf is not None
                _loaded = True
    return _clf


def set_classifier(clf: AbuseClassifier | None) -> None:
    """Replace the process-wide classifier (tests, benchmarks)."""
    global _clf, _loaded, _shared
    with _lock:
        _clf = clf
        _loaded = True
        _shared = False
