#!/usr/bin/env bash
# `make test` after setup: lint, the suite, the schema fuzzer and the browser tests, overlapped
# where they leave each other room (much of the suite waits on servers, sockets and phones).
#  1. the suite in TEST_WORKERS xdist workers (tests on the shared Redis in one group), with
#     lint (ruff, mypy) and the schema fuzzer (one process: its generated cases share one node
#     id, which xdist cannot spread) in the background at a lower priority (BACKGROUND_NICE):
#     they take the CPU the suite leaves idle (about a fifth of it, on two cores) rather than
#     the suite's;
#  2. the browser tests in two xdist workers (one live server and one Chromium each, a file per
#     worker, the accessibility walks spread; their own pytest processes: Playwright's sync API
#     keeps an event loop running in the main thread, which asyncio-based tests must not
#     inherit), with the CPU to themselves (they kept it 97% busy beside the fuzzer), once the
#     fuzzer has finished.
# Stops after the first stage that fails.
set -uo pipefail
cd "$(dirname "$0")/.."
unset PYTHONDONTWRITEBYTECODE  # bytecode is written once and reused (see the Makefile)
export DASAN_TEST_POSTGRES_URL="$(cat var/postgres.url)" DASAN_TEST_REDIS_URL="$(cat var/redis.url)"
RUN=(uv run --frozen)
PYTEST=("${RUN[@]}" pytest -q -p no:cacheprovider)
# schemathesis's pytest plugin (about a second of imports per pytest process) serves the fuzzer
# alone.
NO_FUZZ=(-p no:schemathesis)
# Each stage has its own temporary folder under var/: pytest's default /tmp/pytest-of-<user> is
# shared by every run of that user, and a starting run deletes all but the newest three folders
# in it, including a running one's (its live servers' databases).
mkdir -p var
# Each stage's start prints the time and how busy the CPUs were since the previous mark
# (from /proc/stat): a stage near 100% is bound by CPU, one well below waits on something.
cpu_mark() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
last_cpu=$(cpu_mark)
stage() {
  local now busy total
  now=$(cpu_mark)
  read -r busy total <<<"$(echo "$last_cpu $now" | awk '{print $3-$1, $4-$2}')"
  last_cpu=$now
  printf '\n==== %s (%s; CPUs busy %s%% since the last mark)\n' "$1" "$(date +%T)" \
    "$(awk -v b="$busy" -v t="$total" 'BEGIN{printf "%.0f", (t > 0 ? 100*b/t : 0)}')"
}

# lint and the fuzzer: lower priority than the suite (nice 10 weighs about a tenth of a process at
# the default 0), so they run mostly on the CPU the suite's waits leave idle. Each runs in its
# own process group (setsid), which this script ends when it stops for any reason: a
# non-interactive shell's background jobs ignore SIGINT, so Ctrl-C on `make test` (or a CI
# timeout's TERM) left the fuzzer, and the screening worker its app had started, running.
BG=(setsid nice -n "${BACKGROUND_NICE:-10}")
background=()
stop_background() {
  local p
  for p in "${background[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
  return 0
}
trap stop_background EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
stage "the suite, with lint and the schema fuzzer in the background"
"${BG[@]}" bash -c 'uv run --frozen ruff check src tests bench && uv run --frozen mypy' \
  > var/lint.log 2>&1 &
lint=$!
background+=("$lint")
# One collection before the workers start (beside the lint): the test modules' assertion
# rewriting and every imported module's bytecode are then written once, not by each worker at the
# same moment (see the Makefile on PYTHONDONTWRITEBYTECODE). Its errors show in the suite's run.
# The fuzzer starts after it, for the same reason.
"${PYTEST[@]}" "${NO_FUZZ[@]}" --collect-only -q --ignore=tests/fuzz tests > /dev/null 2>&1 || true
"${BG[@]}" "${PYTEST[@]}" --basetemp=var/pytest-fuzz tests/fuzz > var/fuzz.log 2>&1 &
fuzz=$!
background+=("$fuzz")
"${PYTEST[@]}" "${NO_FUZZ[@]}" -n "${TEST_WORKERS:-3}" --dist loadgroup -m "not e2e" --ignore=tests/fuzz --durations=25 \
  --basetemp=var/pytest-suite --junitxml=var/junit-suite.xml tests
suite=$?
wait "$lint"; lint_rc=$?
stage "lint"; cat var/lint.log
# The browser tests start once the fuzzer is done (it usually is by now): beside them it would
# run at its low priority on a CPU they keep busy, and end well after them.
wait "$fuzz"; fuzz_rc=$?
stage "schema fuzzer"; tail -n 30 var/fuzz.log
[ "$lint_rc" -eq 0 ] && [ "$suite" -eq 0 ] && [ "$fuzz_rc" -eq 0 ] \
  || { echo "lint=$lint_rc suite=$suite fuzz=$fuzz_rc"; exit 1; }

stage "browser tests"
"${PYTEST[@]}" "${NO_FUZZ[@]}" -n 2 --dist loadgroup -m e2e --basetemp=var/pytest-e2e --junitxml=var/junit-e2e.xml tests/e2e
e2e=$?
stage "done"
[ "$e2e" -eq 0 ] || { echo "e2e=$e2e"; exit 1; }
