"""Pick the FAQ entries of the second cross-lingual set (bench/data/crosslingual_*_b.jsonl).

A fixed-seed sample stratified by the FAQ's programme (the only category the real Seoul 120
FAQ carries; entries without one form their own stratum), excluding the 20 entries of
bench/data/crosslingual_queries.jsonl and exact-duplicate titles. Largest-remainder allocation
over the strata; the sample is then shuffled and its first 100 entries form the hold-out,
the other 60 the tune split. Prints one JSON line per entry (id, split, program, title)
for the question writer: `uv run --frozen python -m bench.sample_crosslingual_b`.
"""

from __future__ import annotations

import json

from bench.bench_channels import CROSSLINGUAL
from bench.sampling import programme_strata, stratified
from dasan.config import default_shared_data
from dasan.knowledge.faq_source import load_civilappeal

SEED = 16
N_HOLDOUT = 100
N_TUNE = 60


def sample() -> list[dict[str, str]]:
    path = default_shared_data() / "seoul120-faq-opengov" / "civilappeal_data.csv"
    records = load_civilappeal(path)
    used = {json.loads(line)["id"] for line in CROSSLINGUAL.read_text(encoding="utf-8").splitlines()
            if line.strip()}
    strata = programme_strata(records, used)
    picked = [{"id": r.external_id, "program": k, "title": r.title}
              for k, r in stratified(strata, N_HOLDOUT + N_TUNE, SEED)]
    for i, p in enumerate(picked):
        p["split"] = "holdout_b" if i < N_HOLDOUT else "tune_b"
    return picked


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
