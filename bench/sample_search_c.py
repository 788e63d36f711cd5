"""Pick the FAQ entries of search set C (bench/data/search_holdout_c.jsonl), a hold-out written
blind (its writer never read the search code) in the twelfth session.

A fixed-seed sample of the real Seoul 120 FAQ (civilappeal) stratified by programme (entries
without one form their own stratum), excluding every entry any earlier question set targets
(paraphrase, reference, cross-lingual, answer and gap sets under bench/data), entries whose
title is shared by another entry, and entries without an answer. Prints one JSON line per entry
(id, program, title, the answer's first 400 characters) for the question writer:
`uv run --frozen python -m bench.sample_search_c`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection

from bench.sampling import programme_strata, stratified
from dasan.config import PROJECT_ROOT, default_shared_data
from dasan.knowledge.faq_source import load_civilappeal

SEED = 18
N = 200


# Sets written after C's draw: left out of its exclusions, so that the draw stays what C's
# writer was given.
LATER_SETS = ("search_holdout_c.jsonl", "crosslingual_holdout_c.jsonl",
              "crosslingual_tune_c.jsonl", "search_holdout_d.jsonl",
              "crosslingual_tune_g.jsonl", "crosslingual_holdout_h.jsonl",
              "crosslingual_holdout_j.jsonl", "crosslingual_holdout_k.jsonl")


def used_ids(ignore: Collection[str] = ()) -> set[str]:
    """Every FAQ id a question set under bench/data targets, but those of the files named in
    ``ignore`` (sets written after the draw in question)."""
    out: set[str] = set()
    for path in (PROJECT_ROOT / "bench" / "data").glob("*.jsonl"):
        if path.name in ignore:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            d = json.loads(line)
            for key in ("id", "target"):
                v = d.get(key)
                if isinstance(v, str | int):
                    out.add(re.sub(r"^\w+:", "", str(v)))
    return out


def draw(n: int, seed: int, ignore: Collection[str]) -> list[dict[str, str]]:
    """``n`` entries no question set targets (but the sets in ``ignore``), stratified by
    programme (entries without one form their own stratum), drawn with ``seed``: id,
    program, title, answer's first 400 characters."""
    path = default_shared_data() / "seoul120-faq-opengov" / "civilappeal_data.csv"
    records = load_civilappeal(path)
    used = used_ids(ignore)
    strata = programme_strata(records, used, lambda r: bool((r.answer or "").strip()))
    return [{"id": r.external_id, "program": k, "title": r.title, "answer": (r.answer or "")[:400]}
            for k, r in stratified(strata, n, seed)]


def sample() -> list[dict[str, str]]:
    return draw(N, SEED, LATER_SETS)


if __name__ == "__main__":
    for p in sample():
        print(json.dumps(p, ensure_ascii=False))
