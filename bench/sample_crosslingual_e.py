"""Pick the FAQ entries of the cross-lingual tune set E (bench/data/crosslingual_tune_e.jsonl),
written blind in the sixteenth session for the tuner: residents' situation questions asked as
C's and D's writers asked them (from each entry's answer only), about 150 new entries, so that
the foreign search and its answer policy are fitted on more than C's 60 tune entries.

A fixed-seed sample (seed 1616) stratified by the FAQ's programme over the entries with an
answer of at least 80 characters, excluding every entry of sets A, B, C (both splits) and D and
exact-duplicate titles. Prints one JSON line per entry (id, split, program, the answer's first
400 characters) for the writers: `uv run --frozen python -m bench.sample_crosslingual_e`.
"""

from __future__ import annotations

import json

from bench.bench_channels import crosslingual_rows
from bench.sample_crosslingual_c import draw_from_answers

SEED = 1616
N_TUNE = 150


def sample() -> list[dict[str, str]]:
    """E's tune entries."""
    used = {r["id"] for r in crosslingual_rows(include_c=True, include_d=True, include_f=False,
                                                 include_g=False, include_h=False,
                                                 include_j=False, include_k=False)
            if r["split"] != "tune_e"}  # E's own rows, committed after its draw
    return draw_from_answers(used, N_TUNE, SEED, "tune_e")


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
