"""Pick the FAQ entries of search set F (bench/data/search_holdout_f.jsonl), a fourth hold-out
written blind, in the fifteenth session, with its own out-of-domain questions.

C, D and E each sit within a question or two of the search and answering targets, on either
side; F is one more independent sample, written by a new writer with the same instructions and,
for the answering target, out-of-domain questions of its own (other cities' services and
chit-chat). A fixed-seed sample of the real Seoul 120 FAQ (civilappeal) stratified by programme,
excluding every entry any question set under bench/data targets (``sample_search_c.draw``; F's
own file and the tune set G drawn in the same session are left out of it, so the draw stays
what F's writer was given), entries whose title another entry shares, and entries without an
answer. Prints one JSON line per entry for the question writer:
`uv run --frozen python -m bench.sample_search_f`.
"""

from __future__ import annotations

import json

from bench.sample_search_c import draw

SEED = 1915
N = 150
# Sets written after F's draw (this session's), left out of its exclusions.
LATER_SETS = ("search_holdout_f.jsonl", "search_tune_g.jsonl", "search_holdout_h.jsonl",
              "crosslingual_tune_e.jsonl", "search_holdout_i.jsonl",
              "crosslingual_holdout_f.jsonl",
              "crosslingual_tune_g.jsonl", "crosslingual_holdout_h.jsonl",
              "crosslingual_holdout_j.jsonl", "crosslingual_holdout_k.jsonl")


def sample() -> list[dict[str, str]]:
    return draw(N, SEED, LATER_SETS)


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
