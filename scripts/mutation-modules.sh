#!/usr/bin/env bash
# Mutation testing (mutmut) over chosen modules, against chosen tests, in a private copy of the
# tree so that runs for different modules (and other branches' `make mutation` targets) never
# share mutmut's state.
#
#   scripts/mutation-modules.sh NAME 'src/dasan/text/pii*.py' -- tests/unit/text/test_pii.py ...
#
# Prints mutmut's counts and the kill rate (killed / (killed + survived + timeouts)); exits
# non-zero when the rate is below MIN_KILL_RATE (default 0 = report only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: $0 NAME GLOB... -- TEST...}
shift
globs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do globs+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
tests=("$@")
[ ${#globs[@]} -gt 0 ] && [ ${#tests[@]} -gt 0 ] || { echo "usage: $0 NAME GLOB... -- TEST..." >&2; exit 2; }

work="$root/var/mutation/$name"
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
also_copy = ["tests/", "bench/"]
TOML
cd "$work"
# mutmut puts mutants/src first on sys.path itself (a PYTHONPATH here hides the mutants)
"$root/.venv/bin/mutmut" run --max-children "${MUTATION_JOBS:-2}" >mutmut.log 2>&1 || {
  tail -40 mutmut.log; exit 1; }
"$root/.venv/bin/mutmut" export-cicd-stats >/dev/null
"$root/.venv/bin/python" - "$work/mutants/mutmut-cicd-stats.json" "${MIN_KILL_RATE:-0}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
killed, survived, timeout = s["killed"], s["survived"], s.get("timeout", 0)
judged = killed + survived + timeout
rate = killed / judged if judged else 0.0
print(f"mutants: {s['total']} total, {killed} killed, {survived} survived, {timeout} timeout, "
      f"{s.get('no_tests', 0)} without tests, {s.get('skipped', 0)} skipped")
print(f"kill rate: {rate:.1%} (killed / judged)")
sys.exit(1 if rate < float(sys.argv[2]) else 0)
PY
echo "survivors: (cd $work && $root/.venv/bin/mutmut results)"
