"""The PII benchmarks' span scoring (bench/pii_scoring.py): every place a labelled value stands
is a gold span, so a masker that leaves a repeated name raw is not counted as recalling it, and
one that masks every repeat is not charged a false mask."""

from __future__ import annotations

import sys

import pytest

from dasan.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT))  # the scorer is the benchmark's (bench)
from bench.pii_scoring import gold_spans, score_spans  # noqa: E402

GROUPS = [("names", ["person"])]
ITEM = {"text": "김민수 씨가 왔어요. 김민수 씨는 내일 다시 와요.",
        "pii": [{"type": "person", "value": "김민수"}]}


def test_each_occurrence_of_a_labelled_value_is_a_gold_span() -> None:
    assert gold_spans(ITEM) == [("person", 0, 3), ("person", 12, 15)]
    # labelled once per occurrence: the same two spans, not the first one twice
    twice = {**ITEM, "pii": ITEM["pii"] * 2}
    assert gold_spans(twice) == [("person", 0, 3), ("person", 12, 15)]


def test_masking_only_the_first_occurrence_is_half_the_recall() -> None:
    first_only, _ = score_spans([ITEM], lambda _t: [("person", 0, 3)], GROUPS)
    every, errors = score_spans([ITEM], lambda _t: [("person", 0, 3), ("person", 12, 15)],
                                GROUPS)
    assert first_only["names"]["recall"] == 0.5
    assert every["names"]["recall"] == 1.0 and every["names"]["false_masks"] == 0
    assert errors == []


def test_a_given_name_said_alone_after_the_full_name_is_an_echo_not_a_false_mask() -> None:
    item = {"text": "배현철 씨가 신고했어요. 현철 씨 말로는 어제래요.",
            "pii": [{"type": "person", "value": "배현철"}]}
    scores, errors = score_spans([item], lambda _t: [("person", 0, 3), ("person", 14, 16)],
                                 GROUPS)
    assert scores["names"]["recall"] == 1.0 and scores["names"]["false_masks"] == 0
    assert [e.split()[0] for e in errors] == ["ECHO"]
    # an unrelated word is still a false mask
    scores, _ = score_spans([item], lambda _t: [("person", 0, 3), ("person", 7, 10)], GROUPS)
    assert scores["names"]["false_masks"] == 1


@pytest.mark.parametrize("name", ["u", "w"])
def test_sets_u_and_w_are_split_and_their_kept_back_parts_refuse_errors(name: str) -> None:
    from bench import bench_pii, train_pii_names

    kept, looked = bench_pii.K_PARTS[f"tune-{name}2"], bench_pii.K_PARTS[f"tune-{name}1"]
    # every third item from the third is kept back; the rest is looked at
    assert [i for i in range(9) if kept(i)] == [2, 5, 8]
    assert [i for i in range(9) if looked(i)] == [0, 1, 3, 4, 6, 7]
    assert f"tune-{name}2" in train_pii_names.KEPT_BACK
    for split in (f"tune-{name}", f"tune-{name}2"):  # refused before any item is read
        with pytest.raises(SystemExit, match="refused"):
            bench_pii.run(split, show_errors=True)
