"""Pick the FAQ entries of the cross-lingual hold-out J (bench/data/crosslingual_holdout_j.jsonl),
written blind in the nineteenth session by two writers (75 entries each) who saw only each
entry's answer, as C's to G's writers did: the lead's fresh measure of issue 16's target after
the nineteenth session's tuning, never tuned on.

A fixed-seed sample (seed 2020) stratified by the FAQ's programme over the entries with an
answer of at least 80 characters, excluding every entry of sets A to H and exact-duplicate
titles. Prints one JSON line per entry (id, split, program, the answer's first 400
characters): `uv run --frozen python -m bench.sample_crosslingual_j`.
"""

from __future__ import annotations

import json

from bench.bench_channels import crosslingual_rows
from bench.sample_crosslingual_c import draw_from_answers
from bench.sample_crosslingual_g import sample as tune_g

SEED = 2020
N_HOLDOUT = 150


def sample() -> list[dict[str, str]]:
    """J's hold-out entries."""
    used = {r["id"] for r in crosslingual_rows(include_c=True, include_d=True, include_f=True,
                                                 include_g=True, include_h=True,
                                                 include_j=False, include_k=False)}
    used |= {p["id"] for p in tune_g()}
    return draw_from_answers(used, N_HOLDOUT, SEED, "holdout_j")


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
