"""Model files under var/models: read back only as the type asked for, written whole."""

from __future__ import annotations

from pathlib import Path

from dasan.text.model_files import keep_model, read_model


def test_a_kept_model_reads_back_and_anything_else_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "models" / "m.pkl"
    assert read_model(path, dict) is None  # absent
    keep_model({"w": [1.0, 2.0]}, path)
    assert read_model(path, dict) == {"w": [1.0, 2.0]}
    assert read_model(path, list) is None  # another type
    assert [p.name for p in path.parent.iterdir()] == ["m.pkl"]  # no temporary file left
    path.write_bytes(b"not a pickle")
    assert read_model(path, dict) is None  # unreadable
