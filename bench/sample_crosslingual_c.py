"""Pick the FAQ entries of the third cross-lingual set (bench/data/crosslingual_holdout_c.jsonl).

Sets A and B were written from each entry's title, by the same kind of writer as the editors'
translated question variants that the product now ships (dasan.knowledge.editor_variants), so
a search over those variants is nearly matched against its own paraphrases there. Set C asks
the other way: its writer sees an entry's ANSWER only (never its title), and writes, in each
language, what a foreign resident in that situation would ask. A fixed-seed sample stratified
by the FAQ's programme (entries without one form their own stratum) over the entries with an
answer of at least 80 characters, excluding A's and B's entries and exact-duplicate titles;
all 100 form the hold-out. A tune split written the same way, for tuning, is a second draw
(seed 1614) of 60 entries from the same pool without C's: ``--tune``. Prints one JSON line per
entry (id, split, program, answer's first 400 characters) for the writer:
`uv run --frozen python -m bench.sample_crosslingual_c [--tune]`.
"""

from __future__ import annotations

import json

from bench.bench_channels import crosslingual_rows
from bench.sampling import programme_strata, stratified
from dasan.config import default_shared_data
from dasan.knowledge.faq_source import load_civilappeal

SEED = 1613
N_HOLDOUT = 100
TUNE_SEED = 1614
N_TUNE = 60
MIN_ANSWER_CHARS = 80
ANSWER_CHARS = 400


def draw_from_answers(used: set[str], n: int, seed: int, split: str) -> list[dict[str, str]]:
    """``n`` FAQ entries with an answer of at least ``MIN_ANSWER_CHARS`` characters and an id
    not in ``used``, stratified by programme and drawn with ``seed`` (exact-duplicate titles
    left out): id, ``split``, programme and the answer's first ``ANSWER_CHARS`` characters, as
    the cross-lingual writers C, D and E were given them."""
    path = default_shared_data() / "seoul120-faq-opengov" / "civilappeal_data.csv"
    records = load_civilappeal(path)
    strata = programme_strata(records, used,
                              lambda r: len(r.answer.strip()) >= MIN_ANSWER_CHARS)
    return [{"id": r.external_id, "split": split, "program": k,
             "answer": " ".join(r.answer.split())[:ANSWER_CHARS]}
            for k, r in stratified(strata, n, seed)]


def sample(tune: bool = False) -> list[dict[str, str]]:
    """C's hold-out entries, or (``tune``) its tune split's, drawn after the hold-out's."""
    used = {r["id"] for r in crosslingual_rows(include_c=False, include_f=False,
                                                 include_g=False, include_h=False,
                                                 include_j=False, include_k=False)}
    if tune:
        used |= {p["id"] for p in sample()}
        return draw_from_answers(used, N_TUNE, TUNE_SEED, "tune_c")
    return draw_from_answers(used, N_HOLDOUT, SEED, "holdout_c")


if __name__ == "__main__":
    import sys

    for p in sample(tune="--tune" in sys.argv[1:]):
        print(json.dumps(p, ensure_ascii=False))
