"""Model files under var/models: read back only as the type asked for, written whole; a model
missing for this code and data is trained once, said aloud, then read back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from dasan.text.model_files import keep_model, kept_or_trained, read_model


def test_a_kept_model_reads_back_and_anything_else_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "models" / "m.pkl"
    assert read_model(path, dict) is None  # absent
    keep_model({"w": [1.0, 2.0]}, path)
    assert read_model(path, dict) == {"w": [1.0, 2.0]}
    assert read_model(path, list) is None  # another type
    assert [p.name for p in path.parent.iterdir()] == ["m.pkl"]  # no temporary file left
    path.write_bytes(b"not a pickle")
    assert read_model(path, dict) is None  # unreadable


def test_a_missing_model_is_trained_once_with_a_warning_then_read_back(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    old = tmp_path / "thing-old.pkl"
    old.write_bytes(b"stale")
    trained: list[int] = []

    def train() -> dict[str, int]:
        trained.append(1)
        return {"weights": 3}

    path = tmp_path / "thing-new.pkl"
    with caplog.at_level(logging.WARNING, logger="dasan.text.model_files"):
        assert kept_or_trained(path, dict, train, "thing model", "thing-*.pkl") == {"weights": 3}
    assert any("training it now" in r.getMessage() for r in caplog.records)
    assert not old.exists()  # an earlier key's file is never read again
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dasan.text.model_files"):
        assert kept_or_trained(path, dict, train, "thing model", "thing-*.pkl") == {"weights": 3}
    assert trained == [1] and caplog.records == []
