"""The crisis classifier is trained once per install and kept in var/models."""

from __future__ import annotations

from pathlib import Path

import pytest

from dasan.text import crisis


def test_the_model_is_kept_reused_and_rebuilt_when_broken(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "models" / "crisis-test.pkl"
    monkeypatch.setattr(crisis, "_model_cache_path", lambda: path)
    first = crisis._load_or_train()
    assert path.is_file() and first.trained_on > 0
    again = crisis._load_or_train()
    assert again is not first and again.trained_on == first.trained_on  # read from the file
    text = ["약을 한 통 다 먹었어요"]
    assert again.predict(text) == first.predict(text)
    path.write_bytes(b"not a pickle")
    rebuilt = crisis._load_or_train()  # a broken file is trained again and replaced
    assert rebuilt.trained_on == first.trained_on
    assert isinstance(crisis._load_or_train(), crisis.CrisisModel)


def test_the_cache_key_follows_the_training_set() -> None:
    assert crisis._model_cache_path().name.startswith("crisis-")
    assert crisis._model_cache_path() == crisis._model_cache_path()
