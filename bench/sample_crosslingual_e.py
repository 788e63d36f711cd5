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
from bench.sample_crosslingual_c import ANSWER_CHARS, MIN_ANSWER_CHARS
from bench.sampling import programme_strata, stratified
from dasan.config import default_shared_data
from dasan.knowledge.faq_source import load_civilappeal

SEED = 1616
N_TUNE = 150


def sample() -> list[dict[str, str]]:
    """E's tune entries."""
    path = default_shared_data() / "seoul120-faq-opengov" / "civilappeal_data.csv"
    records = load_civilappeal(path)
    used = {r["id"] for r in crosslingual_rows(include_c=True, include_d=True)}
    strata = programme_strata(records, used,
                              lambda r: len(r.answer.strip()) >= MIN_ANSWER_CHARS)
    return [{"id": r.external_id, "split": "tune_e", "program": k,
             "answer": " ".join(r.answer.split())[:ANSWER_CHARS]}
            for k, r in stratified(strata, N_TUNE, SEED)]


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
