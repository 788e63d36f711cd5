"""Judge mutants in ONE pytest session, fixtures and all: the in-process sibling of
`scripts/mutation-recheck.py` for tests that take fixtures (the analytics tests' history, the
database). mutmut 3's trampolines read MUTANT_UNDER_TEST at every call, so after a test has
passed on the unmutated code it is run again once per mutant it covers, its function-scoped
fixtures set up afresh (under the mutant) and its module- and session-scoped ones kept (built
on the unmutated code); a mutant is killed by the first test that fails under it. A mutmut run
instead starts a pytest session per mutant and sets every fixture up again (most of a minute
on a loaded machine).

    cd var/mutation/NAME && ../../../.venv/bin/mutmut results --all true | cut -d: -f1 \\
        | sed 's/^ *//' > /tmp/mutants.txt && cd ../../..   # or only the survivors
    .venv/bin/python scripts/mutation-judge.py NAME /tmp/mutants.txt tests/unit/x/test_y.py ...

Which mutants a test meets: those of the functions mutmut's stats (var/mutation/NAME/mutants/
mutmut-stats.json) say it calls; a test the stats do not know (added since) meets every mutant
still alive. Put the fast test files first: a mutant is not tried again once killed. A test
that uses over 30 s of CPU under a mutant counts as a timeout (mutmut counts wall time); a
test that skips under a mutant judges nothing. Prints one line per mutant (killed / timeout /
survived, and the test that caught it) and the counts.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from types import FrameType

import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = 30  # of CPU time (the process's, all threads): a loaded machine's waits
# do not count, an endless loop does


class _Clock:
    """Counts a test's CPU time under a mutant; past the limit, the running test is interrupted
    (pytest reports it as failed, and the verdict is a timeout)."""

    def __init__(self) -> None:
        self.expired = False
        signal.signal(signal.SIGPROF, self._expire)

    def _expire(self, signum: int, frame: FrameType | None) -> None:
        self.expired = True
        raise TimeoutError(f"over {TIMEOUT_SECONDS} s of CPU")

    def start(self) -> None:
        self.expired = False
        signal.setitimer(signal.ITIMER_PROF, TIMEOUT_SECONDS)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0)


def _function(mutant: str) -> str:
    return mutant.split("__mutmut_")[0]


class Judge:
    """A pytest plugin: each test runs once on the unmutated code, then once per mutant it
    meets, its function-scoped fixtures set up afresh each time (wider ones are kept)."""

    def __init__(self, mutants: list[str], calls: dict[str, set[str]]) -> None:
        self.mutants = mutants
        self.calls = calls  # test node id -> mutated functions it calls (mutmut's stats)
        self.verdicts: dict[str, tuple[str, str]] = {}
        self.clock = _Clock()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> bool:
        from _pytest.runner import runtestprotocol

        # Between runs, tear down to a sibling of the test (its function fixtures go, its
        # module's and the session's stay); after the last run, down to the real next test.
        sibling = next((i for i in item.session.items
                        if i is not item and i.parent is item.parent), None)
        keep = sibling or nextitem
        item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        clean = runtestprotocol(item, nextitem=keep, log=True)
        item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        if any(r.failed for r in clean):  # fails on the unmutated code: judges nothing
            print(f"# {item.nodeid} fails on the unmutated code", file=sys.stderr)
        elif not any(r.skipped for r in clean):
            known = self.calls.get(item.nodeid)
            for mutant in self.mutants:
                if mutant in self.verdicts or (
                        known is not None and _function(mutant) not in known):
                    continue
                os.environ["MUTANT_UNDER_TEST"] = mutant
                self.clock.start()
                try:
                    reports = runtestprotocol(item, nextitem=keep, log=False)
                finally:
                    self.clock.stop()
                    os.environ["MUTANT_UNDER_TEST"] = ""
                if self.clock.expired:
                    self.verdicts[mutant] = ("timeout", item.nodeid)
                elif failed := [r for r in reports if r.failed]:
                    self.verdicts[mutant] = ("killed", f"{item.nodeid} ({failed[0].when})")
                if mutant in self.verdicts:  # as it happens, for a run that is stopped
                    print("# {}\t{}\t{}".format(mutant, *self.verdicts[mutant]),
                          file=sys.stderr, flush=True)
        if keep is not nextitem:
            item.session._setupstate.teardown_exact(nextitem)
        return True


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    group, mutant_list, *tests = argv
    mutants_dir = ROOT / "var" / "mutation" / group / "mutants"
    if not mutants_dir.is_dir():
        print(f"no mutmut run for {group!r} in {mutants_dir}", file=sys.stderr)
        return 2
    sys.path[:0] = [str(mutants_dir / "src"), str(mutants_dir)]
    calls: dict[str, set[str]] = {}
    stats = mutants_dir / "mutmut-stats.json"
    if stats.exists():
        by_function = json.loads(stats.read_text())["tests_by_mangled_function_name"]
        for function, names in by_function.items():
            for name in names:
                calls.setdefault(name, set()).add(function)
    mutants = Path(mutant_list).read_text().split()
    judge = Judge(mutants, calls)
    os.environ["MUTANT_UNDER_TEST"] = ""
    code = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p",
                        "no:schemathesis", f"--rootdir={ROOT}", *tests], plugins=[judge])
    counts: Counter[str] = Counter()
    for mutant in mutants:
        verdict, why = judge.verdicts.get(mutant, ("survived", ""))
        counts[verdict] += 1
        print(f"{mutant}\t{verdict}\t{why}")
    print(f"# {len(mutants)} mutants: {counts['killed']} killed, {counts['timeout']} timeout, "
          f"{counts['survived']} survived (pytest exit code {int(code)})")
    return 0 if int(code) == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
