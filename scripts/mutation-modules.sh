#!/usr/bin/env bash
# Mutation testing (mutmut) over chosen modules, against chosen tests, in a private copy of the
# tree so that runs for different modules (and other branches' `make mutation` targets) never
# share mutmut's state.
#
#   scripts/mutation-modules.sh NAME 'src/dasan/text/pii*.py' -- tests/unit/text/test_pii.py ...
#
# Prints mutmut's counts and the kill rate (killed / (killed + survived + timeouts)); exits
# non-zero when the rate is below MIN_KILL_RATE (default 0 = report only).
#
# Timeouts: mutmut stops a mutant's test run after (estimated test time + constant) x multiplier
# seconds of wall time (mutmut's defaults are 1 s and x15). Each run starts its test fixtures
# afresh, and the database fixture alone takes 15-50 s on a loaded 2-core machine, so with the
# defaults a mutant whose tests need a database timed out whatever it broke (even a TypeError).
# MUTATION_TIMEOUT_CONSTANT (default 60) and MUTATION_TIMEOUT_MULTIPLIER (default 3) leave room
# for the set-up and still stop a mutant that loops.
#
# MUTATION_RESUME=1 goes on with the last run of NAME where it stopped (mutmut keeps each
# verdict; a changed timeout setting re-runs only the timeouts), in the same copy of the tree.
# MUTATION_REPORT_ONLY=1 prints the figures of the last (possibly interrupted) run of NAME
# without running anything: mutants not yet checked are left out of the rate and counted apart.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: $0 NAME GLOB... -- TEST...}
shift
globs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do globs+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
tests=("$@")
[ "${MUTATION_REPORT_ONLY:-0}" = 1 ] || [ "${MUTATION_RESUME:-0}" = 1 ] || \
  { [ ${#globs[@]} -gt 0 ] && [ ${#tests[@]} -gt 0 ]; } || { echo "usage: $0 NAME GLOB... -- TEST..." >&2; exit 2; }

work="$root/var/mutation/$name"
report() {
  (cd "$work" && "$root/.venv/bin/mutmut" export-cicd-stats >/dev/null)
  "$root/.venv/bin/python" - "$work/mutants/mutmut-cicd-stats.json" "${MIN_KILL_RATE:-0}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
killed, survived, timeout = s["killed"], s["survived"], s.get("timeout", 0)
judged = killed + survived + timeout
checked = judged + s.get("no_tests", 0) + s.get("skipped", 0) + s.get("suspicious", 0)
rate = killed / judged if judged else 0.0
print(f"mutants: {s['total']} total, {checked} checked: {killed} killed, {survived} survived, "
      f"{timeout} timeout, {s.get('no_tests', 0)} without tests, {s.get('skipped', 0)} skipped")
print(f"kill rate: {rate:.1%} (killed / judged); counting timeouts as caught (mutmut's own "
      f"score): {(killed + timeout) / judged if judged else 0.0:.1%}")
sys.exit(1 if rate < float(sys.argv[2]) else 0)
PY
  echo "survivors: (cd $work && $root/.venv/bin/mutmut results)"
}
if [ "${MUTATION_REPORT_ONLY:-0}" = 1 ]; then report; exit; fi
if [ "${MUTATION_RESUME:-0}" = 1 ]; then
  sed -i -E "s/^timeout_constant = .*/timeout_constant = ${MUTATION_TIMEOUT_CONSTANT:-60}/; \
s/^timeout_multiplier = .*/timeout_multiplier = ${MUTATION_TIMEOUT_MULTIPLIER:-3}/" \
    "$work/pyproject.toml"
  grep -q '^timeout_constant' "$work/pyproject.toml" || sed -i -E \
    "s/^(pytest_add_cli_args = .*)$/\\1\ntimeout_constant = ${MUTATION_TIMEOUT_CONSTANT:-60}\ntimeout_multiplier = ${MUTATION_TIMEOUT_MULTIPLIER:-3}/" \
    "$work/pyproject.toml"
  cd "$work"
  "$root/.venv/bin/mutmut" run --max-children "${MUTATION_JOBS:-2}" >>mutmut.log 2>&1 || {
    tail -40 mutmut.log; exit 1; }
  report; exit
fi
rm -rf "$work"
mkdir -p "$work"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | grep -zv '^var/' \
  | xargs -0 cp --parents -t "$work")
toml_list() { local out="" x; for x in "$@"; do out+="\"$x\", "; done; echo "[${out%, }]"; }
# Replace the project's own [tool.mutmut] (the `make mutation` target's) with this run's.
"$root/.venv/bin/python" - "$work/pyproject.toml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(
    re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text))
PY
cat >> "$work/pyproject.toml" <<TOML

[tool.mutmut]
source_paths = ["src/"]
only_mutate = $(toml_list "${globs[@]}")
pytest_add_cli_args_test_selection = $(toml_list "${tests[@]}")
pytest_add_cli_args = ["-p", "no:cacheprovider"]
timeout_constant = ${MUTATION_TIMEOUT_CONSTANT:-60}
timeout_multiplier = ${MUTATION_TIMEOUT_MULTIPLIER:-3}
also_copy = ["tests/", "bench/"]
TOML
cd "$work"
# mutmut puts mutants/src first on sys.path itself (a PYTHONPATH here hides the mutants)
"$root/.venv/bin/mutmut" run --max-children "${MUTATION_JOBS:-2}" >mutmut.log 2>&1 || {
  tail -40 mutmut.log; exit 1; }
report
