"""A bulk of passages on every core (dasan.knowledge.e5_onnx_pool, EmbeddingCache's bulk path):
the pool's vectors are byte for byte those of one process, the console hears how far it got,
and an interrupted cold run keeps what it embedded."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
import pytest

from dasan.knowledge import embeddings
from dasan.knowledge.e5_onnx_build import build
from dasan.knowledge.e5_onnx_pool import PoolError, encode_in_pool
from dasan.knowledge.embeddings import (
    EmbeddingCache,
    EncodeProgress,
    OnnxE5Embedder,
    _BatchingEmbedder,
)

TEXTS = [
    "따릉이 대여 방법",
    "기후동행카드 환불은 어디서 하나요?",
    "How do I get a refund for the climate card?",
    "气候同行卡怎么退款？",
    "Thẻ khí hậu hoàn tiền ở đâu?",
    "  두  칸   공백과\u3000전각 ＡＢＣ①",
    "emoji 😀 and English words",
    "",
    # two windows of 510 tokens
    " ".join(["서울시 120 다산콜센터에 민원을 접수하는 방법과 처리 기간 안내"] * 80),
]


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("e5pool") / "e5.onnx")


@pytest.fixture(scope="module")
def one_process(onnx_file: Path) -> np.ndarray:
    """The vectors of TEXTS embedded in this process, one thread, one batch."""
    return OnnxE5Embedder(onnx_file, threads=1, workers=1).passages(TEXTS)


def test_the_pools_vectors_are_one_process_bytes(onnx_file: Path,
                                                 one_process: np.ndarray) -> None:
    # other batches (other company for each text), two processes, any order back
    batches = [TEXTS[a : a + 2] for a in range(0, len(TEXTS), 2)]
    got: dict[int, np.ndarray] = dict(encode_in_pool(onnx_file, batches, 2))
    assert sorted(got) == list(range(len(batches)))
    pooled = np.concatenate([got[j] for j in range(len(batches))])
    assert pooled.dtype == np.float32 and pooled.shape == one_process.shape
    assert pooled.tobytes() == one_process.tobytes()


def test_a_bulk_of_queries_on_the_pool_is_what_queries_gives(
        onnx_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The crisis opinion's training set (crisis_opinion.train) is encoded this way."""
    from dasan.knowledge import e5_onnx_pool

    texts = [*TEXTS, "  따릉이   대여\u3000방법 "]  # the same query key as TEXTS[0]
    want = OnnxE5Embedder(onnx_file, threads=1, workers=1).queries(texts)
    pooled: list[bool] = []
    real = e5_onnx_pool.encode_in_pool

    def spy(path, batches, processes, is_query=False):  # type: ignore[no-untyped-def]
        pooled.append(is_query)
        return real(path, batches, processes, is_query)

    monkeypatch.setattr(e5_onnx_pool, "encode_in_pool", spy)
    emb = OnnxE5Embedder(onnx_file, threads=1, workers=2, batch_size=2)
    got = emb.bulk_queries(texts)
    assert pooled == [True]
    assert got.dtype == np.float32 and got.tobytes() == want.tobytes()
    assert got[-1].tobytes() == got[0].tobytes()
    assert not np.array_equal(got, emb.passages(texts))  # queries, not passages
    assert len(emb._recent) == 0  # a training set does not fill the query LRU


def test_a_cold_caches_bulk_runs_on_the_pool_with_its_progress_and_same_vectors(
        onnx_file: Path, one_process: np.ndarray, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "BULK_PASSAGES", 4)
    emb = OnnxE5Embedder(onnx_file, workers=2, batch_size=3)
    assert emb.processes == 2
    said = io.StringIO()
    cache = EmbeddingCache(emb, tmp_path / "c.npz", progress=said)
    seen: list[str] = []

    def spy(batches: list[list[str]]):  # type: ignore[no-untyped-def]
        seen.append("pool")
        return OnnxE5Embedder.passage_batches(emb, batches)

    monkeypatch.setattr(emb, "passage_batches", spy)
    vecs = cache.passages([*TEXTS, TEXTS[0]])  # a repeated text is embedded once
    assert seen == ["pool"]
    assert vecs[:-1].tobytes() == one_process.tobytes()
    assert vecs[-1].tobytes() == one_process[0].tobytes()
    lines = said.getvalue().splitlines()
    assert lines[0].startswith(f"embedding {len(TEXTS)} passages with {emb.name} on 2 processes")
    assert lines[-1].startswith(f"  {len(TEXTS)} passages embedded in ")
    # saved as one process would have saved them
    assert cache.save_if_changed()
    again = EmbeddingCache(emb, tmp_path / "c.npz")
    assert again.passages(TEXTS).tobytes() == one_process.tobytes()


def test_a_few_passages_stay_in_this_process_and_quiet(onnx_file: Path,
                                                       one_process: np.ndarray) -> None:
    emb = OnnxE5Embedder(onnx_file, workers=2)
    said = io.StringIO()
    cache = EmbeddingCache(emb, progress=said)
    assert len(TEXTS) < embeddings.BULK_PASSAGES
    assert cache.passages(TEXTS).tobytes() == one_process.tobytes()
    assert said.getvalue() == ""


def test_a_failing_worker_is_an_error_with_its_stderr(tmp_path: Path) -> None:
    missing = tmp_path / "none.onnx"
    with pytest.raises(PoolError, match=r"(?s)an encoding worker failed.*none\.onnx"):
        list(encode_in_pool(missing, [["a"], ["b"]], 2))


def test_a_pool_that_cannot_start_leaves_the_work_to_this_process(
        onnx_file: Path, one_process: np.ndarray, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    emb = OnnxE5Embedder(onnx_file, workers=2, batch_size=2)
    emb._path = tmp_path / "gone.onnx"  # the workers' file is missing; this process has its own
    batches = [TEXTS[a : a + 2] for a in range(0, len(TEXTS), 2)]
    with caplog.at_level(logging.WARNING, logger="dasan.knowledge.embeddings"):
        got = dict(emb.passage_batches(batches))
    assert "going on in this one" in caplog.text
    assert sorted(got) == list(range(len(batches)))
    assert np.concatenate([got[j] for j in sorted(got)]).tobytes() == one_process.tobytes()


class _Counting(_BatchingEmbedder):
    """A stand-in encoder: a text's vector is its length; counts the batches it ran."""

    name = "counting"
    dim = 2

    def __init__(self) -> None:
        super().__init__(batch_size=2)
        self.calls = 0

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.calls += 1
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_an_interrupted_bulk_keeps_what_it_embedded(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embeddings, "BULK_PASSAGES", 3)
    monkeypatch.setattr(embeddings, "CHECKPOINT_SECONDS", 0.0)  # save after every batch
    emb = _Counting()
    texts = ["a", "bb", "ccc", "dddd", "eeeee"]
    real = emb.passage_batches

    def stops_after_two(batches: list[list[str]]):  # type: ignore[no-untyped-def]
        for n, item in enumerate(real(batches)):
            if n == 2:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(emb, "passage_batches", stops_after_two)
    cache = EmbeddingCache(emb, tmp_path / "c.npz", progress=io.StringIO())
    with pytest.raises(KeyboardInterrupt):
        cache.passages(texts)
    resumed = EmbeddingCache(_Counting(), tmp_path / "c.npz", progress=io.StringIO())
    assert sum(resumed.has(t) for t in texts) == 4  # two batches of two were saved
    assert resumed.passages(texts)[:, 0].tolist() == [1, 2, 3, 4, 5]
    assert isinstance(resumed.embedder, _Counting) and resumed.embedder.calls == 1


def test_progress_says_count_rate_and_time_left() -> None:
    now = [100.0]
    out = io.StringIO()
    p = EncodeProgress(60_000, out, every=10.0, clock=lambda: now[0])
    p.begin("passages")
    now[0] += 5
    p.advance(500)  # before the first ten seconds: quiet
    now[0] += 55
    p.advance(5_500)  # 6,000 in 60 s: 100/s, 54,000 left: 9 min
    now[0] += 480
    p.advance(54_000)  # the last batch: only the closing line
    p.finish()
    assert out.getvalue().splitlines() == [
        "embedding 60,000 passages",
        "  6,000/60,000 passages (10%), 100/s, about 9 min 00 s left",
        "  60,000 passages embedded in 9 min 00 s (111/s)",
    ]


FORKING_CALLER = """
import ctypes, os, sys, time
from dasan.knowledge.e5_onnx_pool import encode_in_pool

pool = encode_in_pool(sys.argv[1], [["따릉이 대여 방법"]] * 400, 1)
next(pool)  # the worker is up and encoding the rest
libc = ctypes.CDLL(None)
child = libc.fork()  # a fork in C: it keeps a copy of the worker's pipes, so no end-of-file
if child == 0:
    libc.sleep(600)
    libc._exit(0)
workers = []
for entry in os.listdir("/proc"):
    if entry.isdigit() and int(entry) != child:
        try:
            with open(f"/proc/{entry}/stat") as f:
                if int(f.read().rsplit(") ", 1)[1].split()[1]) == os.getpid():
                    workers.append(int(entry))
        except (OSError, IndexError):
            pass
print(*workers, child, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_worker_ends_when_its_caller_is_killed(onnx_file: Path) -> None:
    """The caller dies (SIGKILL: no clean-up) while a child it fork()ed holds the workers'
    input open: the workers still end, from their watch on the caller's pid."""
    import os
    import signal
    import subprocess
    import sys
    import time

    caller = subprocess.Popen([sys.executable, "-c", FORKING_CALLER, str(onnx_file)],
                              stdout=subprocess.PIPE, text=True)
    child = 0
    workers: list[int] = []
    try:
        assert caller.stdout is not None
        *workers, child = [int(p) for p in caller.stdout.readline().split()]
        assert workers and all(_alive(p) for p in workers) and _alive(child)
        caller.kill()
        caller.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers)
        assert _alive(child)  # the child, holding the pipes, lives on: the watch ended them
    finally:
        for pid in (caller.pid, child, *workers):
            if pid and _alive(pid):
                os.kill(pid, signal.SIGKILL)
        caller.wait(timeout=10)
