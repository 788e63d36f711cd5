"""Pick the FAQ entries of search set D (bench/data/search_holdout_d.jsonl), a second hold-out
written blind, in the thirteenth session, after the editors' question variants shipped.

Set C's result with the variants (hit@1 0.955) came from 200 entries and one writer; D asks the
same question of new entries and a new writer, with the same instructions C's writer had. A
fixed-seed sample of the real Seoul 120 FAQ (civilappeal) stratified by programme, excluding
every entry any question set under bench/data targets (C's and the cross-lingual sets'
included: ``sample_search_c.draw``; D's own file is left out of it, so the draw stays
what D's writer was given), entries whose title another entry shares, and entries
without an answer. Prints one JSON line per entry (id, program, title, the answer's first 400
characters) for the question writer: `uv run --frozen python -m bench.sample_search_d`.
"""

from __future__ import annotations

import json

from bench.sample_search_c import draw

SEED = 1813
N = 150


def sample() -> list[dict[str, str]]:
    # D's own file is the only set written after its draw
    return draw(N, SEED, ("search_holdout_d.jsonl",))


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
