"""Pick the FAQ entries of search set E (bench/data/search_holdout_e.jsonl), a third hold-out
written blind, in the fourteenth session.

D (hit@1 0.940) fell short where C (0.955) met the target, and D suggested a change (a
language-aware passage choice) that must be measured on a set that did not suggest it: E. Same
instructions as C's and D's writers, new entries, a new writer. A fixed-seed sample of the real
Seoul 120 FAQ (civilappeal) stratified by programme, excluding every entry any question set
under bench/data targets (``sample_search_c.draw``; E's own file and the cross-lingual set D,
drawn in the same session, are left out of it, so the draw stays what E's writer was given),
entries whose title another entry shares, and entries without an answer. Prints one JSON line
per entry for the question writer: `uv run --frozen python -m bench.sample_search_e`.
"""

from __future__ import annotations

import json

from bench.sample_search_c import draw

SEED = 1814
N = 150


def sample() -> list[dict[str, str]]:
    return draw(N, SEED, ("search_holdout_e.jsonl", "crosslingual_holdout_d.jsonl",
                           "crosslingual_holdout_k.jsonl"))


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
