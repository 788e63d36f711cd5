"""Print mutmut's kill rate from `mutants/mutmut-cicd-stats.json` (written by `make mutation`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

stats_file = Path("mutants/mutmut-cicd-stats.json")
if not stats_file.is_file():
    sys.exit("no mutation stats: run `make mutation` first")
stats = json.loads(stats_file.read_text())
killed = stats.get("killed", 0) + stats.get("timeout", 0)
total = killed + stats.get("survived", 0) + stats.get("no_tests", 0) + stats.get("suspicious", 0)
rate = killed / total if total else 0.0
print(f"mutation kill rate: {killed}/{total} = {rate:.1%} (target >= 85%)")
