"""Screening in worker processes, for the live chat server.

The n-gram classifier spends most of its time in Python (feature extraction), so inside the
server's process it held the GIL in 5 ms slices against the event loop and the threads that
store messages; at 100 messages a second that contention, not the database, was the tail of
delivery. In its own process it competes only for a CPU core.

A worker is a plain child process (`python -m dasan.protection.screening_workers`) spoken to
over its standard input and output: a length-prefixed pickle of `(fn, args)` in, of
`(ok, result)` out, in order. `concurrent.futures.ProcessPoolExecutor` did the same with a
manager thread, a feeder thread and locked queues on each side; at one message per batch those
hand-offs cost the server about as much CPU as the screening itself. Here the caller writes the
request from its own thread and one reader thread per worker hands each reply to its future.

- A worker loads the models once, at start.
- It exits by itself when the server dies, however it died: its input reaches end-of-file, and
  it also watches the server's pid (from its start, while it loads its models and reads
  nothing), for when end-of-file never comes: a child the server fork()ed without exec
  (multiprocessing's fork start method, a library's helper) holds a copy of the write end of
  the worker's input. Such a child closes its copies at once (`os.register_at_fork`), so a
  server that stops its pool while the child lives is heard too.
- A dead worker fails the calls it held (:class:`ScreeningWorkerDied`); the next call starts a
  new one.
- Futures are `concurrent.futures.Future`: any event loop (or thread) may call.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from typing import IO, Any

from dasan.procwatch import exit_with_parent

log = logging.getLogger(__name__)

_HEADER = 4  # bytes of big-endian length before each pickle


class ScreeningWorkerDied(RuntimeError):
    """The screening process ended (killed, crashed) before it answered."""


def _frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_HEADER, "big") + data


def _read_frame(stream: IO[bytes]) -> Any | None:
    """The next object on `stream`, or None at end-of-file."""
    head = stream.read(_HEADER)
    if len(head) < _HEADER:
        return None
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # noqa: S301 - our own child process, over a private pipe


def _settle(fut: Future[Any], value: Any, ok: bool) -> None:
    """Hand a reply to its caller; a caller that gave up (its future cancelled, e.g. its event
    loop ended) is skipped, and the worker goes on."""
    try:
        if ok:
            fut.set_result(value)
        else:
            fut.set_exception(value)
    except InvalidStateError:
        pass


class _Worker:
    """One screening process, its request pipe and the reader of its replies."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dasan.protection.screening_workers", str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)
        _LIVE.add(self)
        self._pending: deque[Future[Any]] = deque()
        self._lock = threading.Lock()
        self.dead = False
        threading.Thread(target=self._read_replies, daemon=True,
                         name=f"screening-{self.proc.pid}").start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def load(self) -> int:
        return len(self._pending)

    def submit(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Future[Any]:
        fut: Future[Any] = Future()
        frame = _frame((fn, args))
        with self._lock:  # a request and its place in the reply order go together
            if self.dead:
                raise ScreeningWorkerDied(f"screening process {self.pid} has ended")
            stdin = self.proc.stdin
            assert stdin is not None
            self._pending.append(fut)
            try:
                stdin.write(frame)
                stdin.flush()
            except (BrokenPipeError, OSError, ValueError) as exc:
                self._pending.pop()
                self._fail_all()
                raise ScreeningWorkerDied(f"screening process {self.pid} has ended") from exc
        return fut

    def _read_replies(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while (reply := _read_frame(stdout)) is not None:
                ok, value = reply
                with self._lock:
                    fut = self._pending.popleft()
                _settle(fut, value, ok)
        except Exception:  # a broken stream: the worker is of no further use
            log.exception("screening process %s: unreadable reply", self.pid)
        finally:
            with self._lock:
                self._fail_all()
            self.stop()
            self.proc.wait()

    def _fail_all(self) -> None:
        """Mark dead and fail what it held (the caller holds the lock)."""
        if not self.dead:
            log.error("screening process %s ended; a new one starts on the next call",
                      self.pid)
        self.dead = True
        while self._pending:
            _settle(self._pending.popleft(), ScreeningWorkerDied(
                f"screening process {self.pid} ended before it answered"), False)

    def stop(self) -> None:
        """Close its input: the worker finishes what it holds and exits."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass


_LIVE: weakref.WeakSet[_Worker] = weakref.WeakSet()


def _drop_inherited_pipes() -> None:
    """In a child fork()ed from a process with workers: let go of their pipes, which it
    inherited but never uses (no reader thread came along). Each worker then sees end-of-file
    when its server closes its input or dies, whatever this child does. The descriptors are
    pointed at /dev/null rather than closed: the copied file objects still own them, and
    closing them later must neither flush a half-written request into a worker nor close a
    descriptor that a new file took over. This copy of a worker is dead: the child's next call
    starts a worker of its own."""
    workers = list(_LIVE)
    if not workers:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for w in workers:
            w.dead = True
            for stream in (w.proc.stdin, w.proc.stdout):
                try:
                    if stream is not None:
                        os.dup2(null, stream.fileno())
                except (OSError, ValueError):  # already closed
                    pass
    finally:
        os.close(null)


os.register_at_fork(after_in_child=_drop_inherited_pipes)


class ScreeningProcesses:
    """`processes` screening workers, started on first use; a call goes to the least busy."""

    def __init__(self, processes: int) -> None:
        if processes < 1:
            raise ValueError("processes must be >= 1")
        self.processes = processes
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()

    def start(self) -> list[int]:
        """Start the missing workers now (they load their models meanwhile); their pids."""
        with self._lock:
            self._workers = [w for w in self._workers if not w.dead]
            while len(self._workers) < self.processes:
                self._workers.append(_Worker())
            return [w.pid for w in self._workers]

    def _pick(self) -> _Worker:
        with self._lock:
            live = [w for w in self._workers if not w.dead]
            if len(live) < self.processes:
                live.append(_Worker())
            self._workers = live
            return min(live, key=lambda w: w.load)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run the picklable `fn(*args)` in a worker process."""
        return self._pick().submit(fn, args)

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """:meth:`submit`, awaited (`BatchScreener`'s runner)."""
        return await asyncio.wrap_future(self.submit(fn, *args))

    async def warm(self) -> None:
        """Start the workers and load their models now rather than on the first message."""
        from dasan.protection.screening import screen_many

        self.start()
        with self._lock:
            workers = list(self._workers)
        await asyncio.gather(*[asyncio.wrap_future(w.submit(screen_many, (["warm up"],)))
                               for w in workers])

    def shutdown(self, timeout: float = 10.0) -> None:
        """Close every worker's input, give them `timeout` seconds (together) to finish what
        they hold, kill those still running, and reap every one before returning: a killed
        worker is not left a zombie for the reader thread (or nobody, at exit) to collect."""
        with self._lock:
            workers, self._workers = self._workers, []
        for w in workers:
            w.stop()
        deadline = time.monotonic() + timeout
        for w in workers:
            try:
                w.proc.wait(timeout=max(deadline - time.monotonic(), 0.0))
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait()


def main() -> None:
    """The worker: load the models, then answer requests until the server goes away."""
    # The server's pid, as the server saw it (a worker started by hand: its parent now).
    exit_with_parent(int(sys.argv[1]) if len(sys.argv) > 1 else os.getppid())
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print() goes to the log, never into the replies
    from dasan.protection.screening import screen_many

    screen_many(["안녕하세요 문의드립니다"])  # load the models before the first message
    while (request := _read_frame(requests)) is not None:
        fn, args = request
        try:
            reply: tuple[bool, Any] = (True, fn(*args))
        except Exception as exc:  # handed to the caller, as a pool would
            reply = (False, exc)
        try:
            data = _frame(reply)
        except Exception as exc:  # an unpicklable result or exception
            data = _frame((False, RuntimeError(f"screening failed: {exc!r}")))
        try:
            replies.write(data)
            replies.flush()
        except BrokenPipeError:  # the server stopped while this reply was on its way
            return


if __name__ == "__main__":
    main()
