"""Pick the FAQ entries of the cross-lingual hold-out F (bench/data/crosslingual_holdout_f.jsonl),
written blind in the seventeenth session by two writers (75 entries each) who saw only each
entry's answer, as C's, D's and E's writers did: the lead's fresh measure of issue 16's target
after the sixteenth session's tuning, never tuned on.

A fixed-seed sample (seed 1717) stratified by the FAQ's programme over the entries with an
answer of at least 80 characters, excluding every entry of sets A, B, C (both splits), D and E
and exact-duplicate titles. Prints one JSON line per entry (id, split, program, the answer's
first 400 characters): `uv run --frozen python -m bench.sample_crosslingual_f`.
"""

from __future__ import annotations

import json

from bench.bench_channels import crosslingual_rows
from bench.sample_crosslingual_c import draw_from_answers

SEED = 1717
N_HOLDOUT = 150


def sample() -> list[dict[str, str]]:
    """F's hold-out entries."""
    used = {r["id"] for r in crosslingual_rows(include_c=True, include_d=True, include_f=False,
                                                 include_g=False, include_h=False,
                                                 include_j=False, include_k=False)}
    return draw_from_answers(used, N_HOLDOUT, SEED, "holdout_f")


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
