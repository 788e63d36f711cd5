"""Fast, exact scoring of the trained abuse classifier for live screening.

`abuse_model.AbuseClassifier.predict_proba` goes through scikit-learn: for a batch of 64 chat
messages that is four `TfidfVectorizer.transform` calls (each builds a sparse matrix in a
Python loop and validates its input), two level-1 and one level-2 `predict_proba`. Profiling
`bench_crisis`'s screening throughput put 2/3 of the time there. Every model in the chain is
linear, so the same probability is

    p = sigmoid(b + sum over TF-IDF blocks of  (x_block . w_block) / ||x_block||_2)

with x = (1 + ln count) * idf per known n-gram (sublinear TF, l2 norm: how the vectorisers
were fitted). `CompiledClassifier` computes exactly that with the fitted vocabularies and
weights, vectorised with numpy over the batch; it produces the same n-grams as scikit-learn's
``char_wb`` analyser (checked by a unit test against scikit-learn on a fitted model). The model
file and its training are unchanged.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dasan.text import abuse_model, abuse_rules
from dasan.text.model_files import keep_model, read_model
from dasan.text.ngrams import word_ngrams

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer
from dasan.text.abuse_model import (
    AbuseClassifier,
    NgramModel,
    _jamo,
    _light,
    _stack_matrix,
    rule_features,
)

WORD_CACHE = 100_000  # words whose known n-gram ids are kept (per n-gram kind)


class _Kind:
    """One kind of n-gram view (``chars`` of the light text, ``jamo`` of its decomposition)
    shared by every level-1 model: the union of their vocabularies, so that each n-gram of a
    message is made and looked up once, and per model the idf and weight of each union entry
    (zero where that model does not know the n-gram, which then adds nothing)."""

    def __init__(self, vecs: Sequence[TfidfVectorizer], weights: Sequence[np.ndarray]) -> None:
        ranges = {v.ngram_range for v in vecs}
        for v in vecs:
            if (v.analyzer != "char_wb" or not v.sublinear_tf or v.norm != "l2"
                    or not v.use_idf or v.preprocessor is not None or v.strip_accents
                    or not v.lowercase):
                raise TypeError("only sublinear, l2-normalised char_wb TF-IDF is compiled")
        if len(ranges) != 1:
            raise TypeError("the models' n-gram ranges differ")
        self.lo, self.hi = ranges.pop()
        union: dict[str, int] = {}
        for v in vecs:
            for gram in v.vocabulary_:
                union.setdefault(gram, len(union))
        self.union = union
        # Per word, the union ids of its known n-grams (n-grams never cross words, so a
        # message's ids are its words' ids; chat repeats words a lot). Filled up to
        # WORD_CACHE words, then only read.
        self.words: dict[str, list[int]] = {}
        self.tables: list[tuple[np.ndarray, np.ndarray]] = []
        for v, w in zip(vecs, weights, strict=True):
            idf = np.zeros(len(union))
            wu = np.zeros(len(union))
            cols = np.fromiter(v.vocabulary_.values(), dtype=np.int64)
            at = np.fromiter((union[g] for g in v.vocabulary_), dtype=np.int64)
            idf[at] = np.asarray(v.idf_, dtype=np.float64)[cols]
            wu[at] = np.asarray(w, dtype=np.float64)[cols]
            self.tables.append((idf, wu))

    def scores(self, docs: Sequence[str]) -> list[np.ndarray]:
        """Per model, per doc: (x . w) / ||x|| (0 for a doc with no known n-gram)."""
        n = len(docs)
        get = self.union.get
        words = self.words
        lo, hi = self.lo, self.hi
        found: list[int] = []
        lengths: list[int] = []
        for doc in docs:
            before = len(found)
            for word in doc.lower().split():
                ids = words.get(word)
                if ids is None:
                    ids = [u for u in map(get, word_ngrams(word, lo, hi)) if u is not None]
                    if len(words) < WORD_CACHE:
                        words[word] = ids
                found.extend(ids)
            lengths.append(len(found) - before)
        if not found:
            return [np.zeros(n) for _ in self.tables]
        size = len(self.union)
        keys = np.repeat(np.arange(n, dtype=np.int64), lengths) * size + np.asarray(found)
        keys, counts = np.unique(keys, return_counts=True)
        row, u = np.divmod(keys, size)
        tf = np.log(counts.astype(np.float64)) + 1.0
        out = []
        for idf, w in self.tables:
            x = tf * idf[u]
            dot = np.bincount(row, x * w[u], minlength=n)
            norm = np.sqrt(np.bincount(row, x * x, minlength=n))
            out.append(np.divide(dot, norm, out=np.zeros(n), where=norm > 0))
        return out


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class CompiledClassifier:
    """`AbuseClassifier.predict_proba`, compiled (same inputs, same probabilities). It holds
    numpy arrays and dicts only, besides `clf` (dropped when it is pickled), so that a pickled
    one loads without scikit-learn."""

    def __init__(self, clf: AbuseClassifier) -> None:
        self.clf: AbuseClassifier | None = clf
        self.threshold = clf.threshold
        self.trained_on = clf.trained_on
        models: list[NgramModel] = [clf.curse] + ([clf.hate] if clf.hate is not None else [])
        coefs = [np.asarray(m.model.coef_, dtype=np.float64) for m in models]
        if any(c.shape[0] != 1 for c in coefs):
            raise TypeError("only binary logistic regressions are compiled")
        split = [len(m.chars.vocabulary_) for m in models]
        pairs = list(zip(coefs, split, strict=True))
        self.chars = _Kind([m.chars for m in models], [c[0, :k] for c, k in pairs])
        self.jamo = _Kind([m.jamo for m in models], [c[0, k:] for c, k in pairs])
        self.b1 = np.array([float(m.model.intercept_[0]) for m in models])
        self.coef = np.asarray(clf.stacker.coef_, dtype=np.float64)[0]
        self.b = float(clf.stacker.intercept_[0])

    def level1(self, hidden: Sequence[str]) -> np.ndarray:
        """The level-1 probabilities (one column per n-gram model)."""
        chars = self.chars.scores([_light(t) for t in hidden])
        jamo = self.jamo.scores([_jamo(t) for t in hidden])
        return _sigmoid(np.column_stack([c + j for c, j in zip(chars, jamo, strict=True)])
                        + self.b1)

    def ngram_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Level-1 probability of the curse n-gram view alone (as the classifier's)."""
        if not texts:
            return np.zeros(0)
        return np.asarray(self.level1(texts)[:, 0])

    def predict_proba(self, texts: Sequence[str],
                      scans: Sequence[abuse_rules.Scan] | None = None) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        if scans is None:
            scans = [abuse_rules.scan_with_cleared(t) for t in texts]
        hidden = [abuse_rules.hide(t, s[1]) for t, s in zip(texts, scans, strict=True)]
        rules = np.array([rule_features(s[0], t) for s, t in zip(scans, texts, strict=True)])
        z = _stack_matrix(self.level1(hidden), rules)
        return _sigmoid(z @ self.coef + self.b)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "clf": None}


_compiled: CompiledClassifier | None = None
_lock = threading.Lock()


def screening_model() -> CompiledClassifier | AbuseClassifier | None:
    """What live screening scores with: the compiled classifier (None when the classifier is
    off or there is no data to train it). A process that has not loaded the scikit-learn model
    — a server, a screening worker — reads the compiled form from its file beside the cached
    model (`make models` writes both), which spares it scikit-learn's imports and the model's
    unpickling: seconds of CPU at every start."""
    global _compiled
    if abuse_model.classifier_disabled():
        return None
    if not abuse_model.is_loaded():  # no scikit-learn model in this process (yet)
        if _compiled is None:
            model_path = abuse_model.shared_cache_path()
            if model_path is None:
                return None  # no data: no classifier
            with _lock:
                if _compiled is None:
                    _compiled = read_model(compiled_path(model_path), CompiledClassifier)
        if _compiled is not None:
            return _compiled
    clf = abuse_model.get_classifier()
    if clf is None:
        return None
    model = compiled(clf)
    if isinstance(model, CompiledClassifier) and abuse_model.from_shared_cache():
        keep_compiled(model)
    return model


def compiled_path(model_path: Path) -> Path:
    """The compiled form's file beside a cached model, named by this module's code too (a
    changed compiled layout is compiled again, never read from an older file)."""
    code = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]
    return model_path.with_name(f"{model_path.stem}-compiled-{code}.pkl")


def keep_compiled(model: CompiledClassifier) -> None:
    """Write the compiled form of the shared-data model beside it (once; `make models`)."""
    model_path = abuse_model.shared_cache_path()
    if model_path is not None and model_path.is_file():
        path = compiled_path(model_path)
        if not path.is_file():
            keep_model(model, path)


def compiled(clf: AbuseClassifier) -> CompiledClassifier | Any:
    """The compiled form of `clf` (built once per classifier); the classifier itself when it
    holds a model this module does not compile."""
    global _compiled
    current = _compiled
    if current is not None and current.clf is clf:
        return current
    with _lock:
        if _compiled is None or _compiled.clf is not clf:
            try:
                _compiled = CompiledClassifier(clf)
            except (TypeError, AttributeError, ValueError):
                return clf
        return _compiled


def clear_word_cache() -> None:
    """Forget the per-word n-gram ids (benchmarks measure the cold path with it)."""
    if _compiled is not None:
        _compiled.chars.words.clear()
        _compiled.jamo.words.clear()
