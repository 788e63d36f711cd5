"""Shared loaders for bench/bench_answer.py: the labelled answerability sample."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dasan.knowledge.answerability import EntryText
from dasan.knowledge.faq_source import SEED_FILES, load_civilappeal

DATA = Path(__file__).resolve().parent / "data"
# The date the sample was judged on: staleness is relative to it, so the figures stay
# reproducible as the calendar moves on.
LABEL_DATE = date(2026, 12, 1)


@dataclass(frozen=True)
class Labelled:
    source: str
    ext_id: str
    label: str  # standard | case | stale | call_only
    split: str  # tune | holdout
    entry: EntryText

    @property
    def reference(self) -> bool:
        return self.label != "standard"


def load_labelled(data: Path) -> list[Labelled]:
    records = {}
    for rel, source in SEED_FILES:
        if (data / rel).is_file():
            for r in load_civilappeal(data / rel, source=source):
                records[(source, r.external_id)] = r
    out = []
    for line in (DATA / "answerability_labels.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        rec = records.get((d["source"], d["id"]))
        if rec is None:
            raise SystemExit(f"labelled entry {d['source']}:{d['id']} not in the seed data")
        out.append(Labelled(d["source"], d["id"], d["label"], d["split"],
                            EntryText(title=rec.title, answer=rec.answer, program=rec.program)))
    return out
