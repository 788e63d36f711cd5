"""Tune set G (bench/data/crosslingual_tune_g.jsonl) is read as tune data by the cross-lingual
benchmark and fit, and is about entries no other tune set's questions target.

Reads the tune files only: the hold-out paths are pointed at a missing file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from dasan.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT))  # the split lists are the benchmark's (bench)
from bench import bench_channels as bc  # noqa: E402


def _rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def test_g_is_a_tune_and_situation_split_printed_per_language() -> None:
    assert "tune_g" in bc.TUNE_SPLITS
    assert "tune_g" in bc.SITUATION_SPLITS
    assert "tune_g" in bc.PER_LANGUAGE_TUNES
    assert "tune_g" in bc.SPLITS
    assert not any("holdout" in s for s in bc.TUNE_SPLITS)


def test_g_rows_have_every_language_and_200_distinct_entries() -> None:
    rows = _rows(bc.CROSSLINGUAL_G_TUNE)
    assert len(rows) == 200
    assert len({r["id"] for r in rows}) == 200
    assert {r["split"] for r in rows} == {"tune_g"}
    for r in rows:
        for lang in bc.LANGS:
            assert r[lang].strip(), (r["id"], lang)


def test_g_entries_are_none_of_the_other_tune_sets() -> None:
    g = {r["id"] for r in _rows(bc.CROSSLINGUAL_G_TUNE)}
    others = set()
    for path in (bc.CROSSLINGUAL_B[0], bc.CROSSLINGUAL_C_TUNE, bc.CROSSLINGUAL_E_TUNE):
        others |= {r["id"] for r in _rows(path)}
    others |= {r["id"] for r in _rows(bc.CROSSLINGUAL) if r["split"] == "tune"}
    assert others and not g & others


def test_crosslingual_rows_reads_g(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    monkeypatch.setattr(bc, "CROSSLINGUAL_B", (bc.CROSSLINGUAL_B[0],))
    for name in ("CROSSLINGUAL_C", "CROSSLINGUAL_D", "CROSSLINGUAL_F", "CROSSLINGUAL_H",
                 "CROSSLINGUAL_J", "CROSSLINGUAL_K"):
        monkeypatch.setattr(bc, name, missing)
    rows = bc.crosslingual_rows()
    assert sum(r["split"] == "tune_g" for r in rows) == 200
    # set A's file holds its two splits; every other file read is a tune file
    assert {r["split"] for r in rows} == {"tune", "holdout", "tune_b", "tune_c", "tune_e",
                                          "tune_g"}
    assert not any(r["split"] == "tune_g" for r in bc.crosslingual_rows(include_g=False))
    monkeypatch.setattr(bc, "CROSSLINGUAL_G_TUNE", missing)
    assert not any(r["split"] == "tune_g" for r in bc.crosslingual_rows())


def test_a_sampler_leaves_out_the_sets_written_after_its_draw() -> None:
    """G's, H's, J's and K's rows are read unless a sampler (drawn before them) leaves them out, so
    each sampler still prints the entries its set was written from."""
    later = {"tune_g", "holdout_h", "holdout_j", "holdout_k"}
    assert not later & {r["split"] for r in bc.crosslingual_rows(include_g=False,
                                                                  include_h=False,
                                                                  include_j=False,
                                                                  include_k=False)}
    assert not {"holdout_k"} & {r["split"] for r in bc.crosslingual_rows(include_k=False)}
    assert not {"holdout_j"} & {r["split"] for r in bc.crosslingual_rows(include_j=False)}
    assert not {"holdout_h"} & {r["split"] for r in bc.crosslingual_rows(include_h=False)}
