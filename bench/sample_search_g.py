"""Pick the FAQ entries of search tune set G (bench/data/search_tune_g.jsonl), written blind in
the fifteenth session for the tuner: citizen and spoken questions the search and the answer
policy may be fitted on. A fixed-seed sample drawn like hold-out F's (``sample_search_c.draw``),
with every entry of F removed, so that no F entry is ever tuned on. Prints one JSON line per
entry: `uv run --frozen python -m bench.sample_search_g`.
"""

from __future__ import annotations

import json

from bench import sample_search_f
from bench.sample_search_c import draw

SEED = 1916
N = 300


def sample() -> list[dict[str, str]]:
    held = {p["id"] for p in sample_search_f.sample()}
    return [p for p in draw(N + len(held), SEED, sample_search_f.LATER_SETS)
            if p["id"] not in held][:N]


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
