"""Abuse screening in worker processes (`ScreeningProcesses`), as the chat server runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from dasan.protection.screening import ScreeningProcesses, screen_many
from dasan.protection.screening_workers import ScreeningWorkerDied

TEXTS = ["기후동행카드 환불은 어디서 하나요?", "야 씨발 대답 똑바로 해", "요즘 너무 힘들어서 죽고 싶어요",
         "병신 새끼야", "수도 요금 납부 방법 알려 주세요"]


@pytest.fixture(scope="module")
def pool() -> Iterator[ScreeningProcesses]:
    """One pool for the module: a worker takes seconds to load its models."""
    p = ScreeningProcesses(1)
    yield p
    p.shutdown()


def test_a_worker_process_judges_exactly_like_the_server_process(pool: ScreeningProcesses
                                                                 ) -> None:
    remote = asyncio.run(pool.run(screen_many, TEXTS))
    assert remote == screen_many(TEXTS)
    assert [r.is_abusive for r in remote] == [False, True, False, True, False]
    assert remote[2].crisis


def test_a_dead_worker_fails_one_batch_then_a_new_pool_takes_over(pool: ScreeningProcesses
                                                                  ) -> None:
    async def scenario() -> None:
        await pool.warm()
        (pid,) = pool.start()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(ScreeningWorkerDied):
            for _ in range(50):  # the death is noticed by the call it breaks, or the next
                await pool.run(screen_many, TEXTS[:1])
                await asyncio.sleep(0.1)
        again = await pool.run(screen_many, TEXTS)
        assert [r.is_abusive for r in again] == [False, True, False, True, False]
        assert pool.start() != [pid]

    asyncio.run(scenario())


def test_processes_must_be_positive() -> None:
    with pytest.raises(ValueError):
        ScreeningProcesses(0)


SERVER = """
import asyncio, sys
from dasan.protection.screening import ScreeningProcesses

async def main():
    pool = ScreeningProcesses(1)
    if sys.argv[1] == "warm":
        await pool.warm()
    else:  # workers still starting up when the server dies
        pool.submit(int)
    print(*pool.start(), flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("when", ["warm", "starting"])
def test_workers_exit_when_the_server_is_killed(when: str) -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER, when], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert server.stdout is not None
        pids = [int(p) for p in server.stdout.readline().split()]
        assert pids and all(_alive(p) for p in pids)
        server.kill()  # no shutdown, no atexit: as when a supervisor SIGKILLs a stuck worker
        server.wait(timeout=10)
        deadline = time.monotonic() + 60  # a spawned worker may still be importing under load
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in pids)
    finally:
        if server.poll() is None:
            server.kill()


FORKING_SERVER = """
import asyncio, ctypes, os, sys, time
from dasan.protection.screening import ScreeningProcesses

async def main():
    pool = ScreeningProcesses(1)
    await pool.warm()
    workers = list(pool._workers)
    if sys.argv[1] == "native":  # a library's fork() in C: no os.register_at_fork handler runs
        libc = ctypes.CDLL(None)
        child = libc.fork()
        if child == 0:
            libc.sleep(600)
            libc._exit(0)
    else:  # as multiprocessing's fork start method or a library's helper would
        child = os.fork()
        if child == 0:
            time.sleep(600)
            os._exit(0)
    print(*pool.start(), child, flush=True)
    if sys.argv[1] == "shutdown":
        pool.shutdown()  # waits 10 s for the workers to end, then kills them
        print(*[w.proc.returncode for w in workers], flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def _gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(_alive(p) for p in pids)


@pytest.mark.parametrize("how", ["killed", "shutdown", "native"])
def test_a_forked_child_of_the_server_does_not_keep_a_worker_alive(how: str) -> None:
    """A child the server fork()s (no exec) inherits the write end of each worker's input
    pipe, and the worker never saw end-of-file while that child lived: neither when the server
    was killed nor when it shut its pool down (it was killed 10 s later). A child forked by
    Python lets go of the pipes at once; one forked in C ("native") keeps them, and the worker
    sees its server's death in its parent's pid."""
    server = subprocess.Popen([sys.executable, "-c", FORKING_SERVER, how],
                              stdout=subprocess.PIPE, text=True)
    child = 0
    try:
        assert server.stdout is not None
        *pids, child = [int(p) for p in server.stdout.readline().split()]
        assert pids and all(_alive(p) for p in pids) and _alive(child)
        if how == "shutdown":
            assert server.stdout.readline().split() == ["0"] * len(pids)  # they ended by themselves
        else:
            server.kill()
            server.wait(timeout=10)
        assert _gone_within(pids, 5)
        assert _alive(child)  # it was the child's pipe end, not the child, that went
    finally:
        for pid in (server.pid, child):
            if pid and _alive(pid):
                os.kill(pid, signal.SIGKILL)
        server.wait(timeout=10)


def test_a_failing_call_raises_in_the_caller_and_the_worker_goes_on(pool: ScreeningProcesses
                                                                   ) -> None:
    async def scenario() -> None:
        with pytest.raises(ValueError):
            await pool.run(int, "not a number")
        assert (await pool.run(screen_many, TEXTS[:1]))[0].is_abusive is False
        assert len(pool.start()) == 1

    asyncio.run(scenario())


def test_calls_from_two_event_loops_share_the_workers(pool: ScreeningProcesses) -> None:
    first = asyncio.run(pool.run(screen_many, TEXTS[:2]))
    pids = pool.start()
    second = asyncio.run(pool.run(screen_many, TEXTS[:2]))
    assert first == second and pool.start() == pids


def test_a_caller_that_gives_up_does_not_break_the_worker(pool: ScreeningProcesses) -> None:
    """A call whose caller went away (a cancelled future: its event loop ended) is answered
    into nothing; the worker and the next call go on (the worker was once declared dead)."""
    pids = pool.start()
    gone = pool.submit(screen_many, TEXTS)
    assert gone.cancel()
    after = pool.submit(screen_many, TEXTS[:2]).result(timeout=60)
    assert [r.is_abusive for r in after] == [False, True] and pool.start() == pids


def test_a_worker_whose_server_went_away_exits_quietly() -> None:
    """A server that stops (SIGTERM during warm-up) closes its end of a screening worker's
    pipes while a reply is on its way: the worker ends with 0 and no traceback in the log."""
    import subprocess
    import sys

    from dasan.protection.screening_workers import _frame

    proc = subprocess.Popen([sys.executable, "-m", "dasan.protection.screening_workers"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdout.close()  # the server is gone before the reply comes
    proc.stdin.write(_frame((len, ("안녕하세요",))))
    proc.stdin.close()
    assert proc.stderr is not None
    err = proc.stderr.read()  # to the end: the worker has exited
    proc.wait(timeout=300)
    assert proc.returncode == 0, err.decode("utf-8", "replace")[-2000:]
    assert b"Traceback" not in err


def test_shutdown_reaps_a_worker_it_had_to_kill() -> None:
    """A worker that does not finish when its input closes (here: stopped) is killed after the
    grace time, and reaped before `shutdown` returns - not left a zombie."""
    pool = ScreeningProcesses(1)
    (pid,) = pool.start()
    os.kill(pid, signal.SIGSTOP)
    started = time.monotonic()
    pool.shutdown(timeout=0.5)
    assert time.monotonic() - started < 5
    assert not os.path.exists(f"/proc/{pid}")  # killed and reaped: no zombie left behind
