"""Pick the FAQ entries of search set H (bench/data/search_holdout_h.jsonl), a fifth hold-out
written blind, in the sixteenth session, with out-of-domain questions of its own (other cities'
services and, twice as many as F's, chit-chat: the kind hold-out A still misses).

A fixed-seed sample of the real Seoul 120 FAQ drawn like F's (``sample_search_c.draw``): every
entry any question set under bench/data targets is excluded (F and G included), H's own file is
left out of the exclusions so the draw stays what H's writer was given. Prints one JSON line
per entry for the question writer: `uv run --frozen python -m bench.sample_search_h`.
"""

from __future__ import annotations

import json

from bench.sample_search_c import draw

SEED = 1917
N = 150
# Sets written after H's draw, left out of its exclusions.
LATER_SETS = ("search_holdout_h.jsonl", "crosslingual_tune_e.jsonl", "search_holdout_i.jsonl",
              "crosslingual_holdout_f.jsonl",
              "crosslingual_tune_g.jsonl", "crosslingual_holdout_h.jsonl",
              "crosslingual_holdout_j.jsonl", "crosslingual_holdout_k.jsonl")


def sample() -> list[dict[str, str]]:
    return draw(N, SEED, LATER_SETS)


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
