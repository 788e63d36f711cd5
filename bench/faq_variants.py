"""Editor-written question variants (유사질문) for the real Seoul 120 FAQ, for the benchmarks.

In the city's Standard Consultation DB the editors keep question variants on each entry, so
that citizens' own phrasings match it; the FAQ in ``../shared/data`` has titles only. In the
twelfth session three writers, acting as editors, wrote two citizen-style variants for every
one of its 2,842 entries (``bench/data/faq_variants/part-*.jsonl``: one line per entry,
``{"id": ..., "variants": [...]}``), from each entry's title and answer, without reading the
search code or any question set under ``bench/data``. The writers were the same kind of writer
as the blind hold-out C's, so a gain on C measured with these variants may be larger than one
on real citizens' questions would be; the benches report the search with and without them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from dasan.knowledge.search import SearchDoc

VARIANTS_DIR = Path(__file__).resolve().parent / "data" / "faq_variants"


def load_variants(directory: Path = VARIANTS_DIR) -> dict[str, tuple[str, ...]]:
    """Entry id -> its editor variants (empty when the files are absent)."""
    out: dict[str, tuple[str, ...]] = {}
    for path in sorted(directory.glob("part-*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            variants = tuple(v.strip() for v in row.get("variants", ()) if v and v.strip())
            if not variants:
                raise ValueError(f"{path.name}:{n}: no variants")
            out[str(row["id"])] = variants
    return out


def with_variants(docs: Sequence[SearchDoc], variants: dict[str, tuple[str, ...]],
                  prefix: str = "") -> list[SearchDoc]:
    """The documents with the editors' variants added after their own."""
    out = []
    for d in docs:
        extra = variants.get(str(d.id).removeprefix(prefix), ())
        out.append(replace(d, question_variants=(*d.question_variants, *extra)) if extra else d)
    return out
