"""Pick the FAQ entries of the fourth cross-lingual set (bench/data/crosslingual_holdout_d.jsonl).

Set C (written from each entry's answer only) told the product's cross-lingual search where it
stands on residents' situation questions; the product was then tuned on C's tune split, and the
editors' answer-based foreign question variants were written after C. D asks C's question again
of new entries and a new writer, with C's instructions: a fixed-seed sample (seed 1615)
stratified by the FAQ's programme over the entries with an answer of at least 80 characters,
excluding A's, B's, C's and C's tune split's entries and exact-duplicate titles; all 100 form
the hold-out. Prints one JSON line per entry (id, split, program, answer's first 400
characters) for the writer: `uv run --frozen python -m bench.sample_crosslingual_d`.
"""

from __future__ import annotations

import json

from bench.bench_channels import crosslingual_rows
from bench.sample_crosslingual_c import draw_from_answers

SEED = 1615
N_HOLDOUT = 100


def sample() -> list[dict[str, str]]:
    """D's hold-out entries."""
    used = {r["id"] for r in crosslingual_rows(include_c=True, include_d=False, include_f=False,
                                                 include_g=False, include_h=False,
                                                 include_j=False, include_k=False)}
    return draw_from_answers(used, N_HOLDOUT, SEED, "holdout_d")


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
