"""Pick the FAQ entries of the cross-lingual tune set G (bench/data/crosslingual_tune_g.jsonl),
written blind in the eighteenth session by two writers (100 entries each) who saw only each
entry's answer, as C's, D's, E's and F's writers did: tune data for issue 16's search.

A fixed-seed sample (seed 1818) stratified by the FAQ's programme over the entries with an
answer of at least 80 characters, excluding every entry of sets A, B, C (both splits), D, E and
F and exact-duplicate titles. Prints one JSON line per entry (id, split, program, the answer's
first 400 characters): `uv run --frozen python -m bench.sample_crosslingual_g`.
"""

from __future__ import annotations

import json

from bench.bench_channels import crosslingual_rows
from bench.sample_crosslingual_c import draw_from_answers

SEED = 1818
N_TUNE = 200


def sample() -> list[dict[str, str]]:
    """G's tune entries."""
    used = {r["id"] for r in crosslingual_rows(include_c=True, include_d=True, include_f=True,
                                                 include_g=False, include_h=False,
                                                 include_j=False, include_k=False)}
    return draw_from_answers(used, N_TUNE, SEED, "tune_g")


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
