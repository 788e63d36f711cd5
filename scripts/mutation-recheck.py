"""Re-check mutants (usually the survivors of a mutmut run) against chosen test functions, in one
process: mutmut 3's trampolines read MUTANT_UNDER_TEST at every call, so each mutant costs only
the tests' own run time, not a new pytest session (minutes each on a loaded machine).

    cd var/mutation/NAME && ../../../.venv/bin/mutmut results | grep -E 'survived|timeout' \\
        | cut -d: -f1 > /tmp/survivors.txt
    .venv/bin/python scripts/mutation-recheck.py NAME tests/unit/x/test_y.py /tmp/survivors.txt \\
        test_one test_two ...

Only plain test functions without fixtures or parameters can be named. A test that runs
longer than 30 s counts as a timeout (an endless loop is the usual cause), as mutmut would.
Prints one line per mutant (killed / timeout / survived, and which test failed) and the counts.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]


class _Slow(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Slow


def main(argv: list[str]) -> int:
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    group, test_file, mutant_list, *names = argv
    mutants_dir = ROOT / "var" / "mutation" / group / "mutants"
    if not mutants_dir.is_dir():
        print(f"no mutmut run for {group!r} in {mutants_dir}", file=sys.stderr)
        return 2
    sys.path[:0] = [str(mutants_dir / "src"), str(mutants_dir)]
    spec = importlib.util.spec_from_file_location("recheck_tests", ROOT / test_file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    tests = [getattr(module, n) for n in names]
    os.environ["MUTANT_UNDER_TEST"] = ""
    for test in tests:  # the tests must pass on the unmutated code
        test()
    signal.signal(signal.SIGALRM, _alarm)
    counts: Counter[str] = Counter()
    for mutant in Path(mutant_list).read_text().split():
        os.environ["MUTANT_UNDER_TEST"] = mutant
        verdict, why = "survived", ""
        for test in tests:
            signal.alarm(30)
            try:
                test()
            except _Slow:
                verdict, why = "timeout", test.__name__
            except BaseException as exc:  # noqa: BLE001 - any failure kills the mutant
                verdict, why = "killed", f"{test.__name__}: {type(exc).__name__}"
            finally:
                signal.alarm(0)
            if verdict != "survived":
                break
        counts[verdict] += 1
        print(f"{mutant}\t{verdict}\t{why}", flush=True)
    print(f"# {sum(counts.values())} mutants: {counts['killed']} killed, "
          f"{counts['timeout']} timeout, {counts['survived']} survived")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
