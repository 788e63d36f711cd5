"""The abuse tools on the real seed data (skipped where ../shared is absent)."""

from __future__ import annotations

import csv
from pathlib import Path

from dasan.text import abuse
from dasan.text.abuse_model import CURSE_FILE, load_curse, split_curse


def test_curse_split_is_stable_and_roughly_a_fifth(shared_data: Path) -> None:
    rows = load_curse(shared_data / CURSE_FILE)
    assert len(rows) > 5000
    train, test = split_curse(rows)
    assert 0.15 < len(test) / len(rows) < 0.25
    assert {t for t, _ in train}.isdisjoint({t for t, _ in test})


def test_rules_raise_no_alarm_on_most_civil_questions(shared_data: Path) -> None:
    path = shared_data / "seoul120-faq-opengov" / "civilappeal_data.csv"
    with path.open(encoding="utf-8-sig") as fh:
        questions = [row["질문"] for row in csv.DictReader(fh) if row["질문"].strip()]
    flagged = [q for q, s in zip(questions, abuse.screen_many(questions, use_classifier=False),
                                 strict=True) if s.is_abusive]
    assert len(flagged) / len(questions) <= 0.05, flagged[:10]
