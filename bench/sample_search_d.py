"""Pick the FAQ entries of search set D (bench/data/search_holdout_d.jsonl), a second hold-out
written blind, in the thirteenth session, after the editors' question variants shipped.

Set C's result with the variants (hit@1 0.955) came from 200 entries and one writer; D asks the
same question of new entries and a new writer, with the same instructions C's writer had. A
fixed-seed sample of the real Seoul 120 FAQ (civilappeal) stratified by programme, excluding
every entry any question set under bench/data targets (C's and the cross-lingual sets'
included: ``sample_search_c.used_ids``), entries whose title another entry shares, and entries
without an answer. Prints one JSON line per entry (id, program, title, the answer's first 400
characters) for the question writer: `uv run --frozen python -m bench.sample_search_d`.
"""

from __future__ import annotations

import json
from collections import defaultdict

from bench.sample_search_c import used_ids
from bench.sampling import stratified
from dasan.config import default_shared_data
from dasan.knowledge.faq_source import load_civilappeal

SEED = 1813
N = 150


def sample() -> list[dict[str, str]]:
    path = default_shared_data() / "seoul120-faq-opengov" / "civilappeal_data.csv"
    records = load_civilappeal(path)
    used = used_ids()
    by_title = defaultdict(list)
    for r in records:
        by_title[r.title.strip()].append(r)
    strata: dict[str, list] = defaultdict(list)
    for r in records:
        if (r.external_id in used or len(by_title[r.title.strip()]) > 1
                or not (r.answer or "").strip()):
            continue
        strata[r.program or ""].append(r)
    return [{"id": r.external_id, "program": k, "title": r.title, "answer": (r.answer or "")[:400]}
            for k, r in stratified(strata, N, SEED)]


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
