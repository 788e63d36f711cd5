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


def test_the_cache_key_follows_every_file_the_features_come_from(tmp_path: Path) -> None:
    sources = crisis._model_key_files()
    names = {p.name for p in sources}
    assert {"crisis_train.tsv", "crisis.py", "normalize.py", "ngrams.py"} <= names
    copies = []
    for i, path in enumerate(sources):
        copy = tmp_path / f"{i}-{path.name}"
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    key = crisis._model_cache_path(copies)
    assert key == crisis._model_cache_path(sources)
    for copy in copies:  # a change to any one of them names another model file
        original = copy.read_bytes()
        copy.write_bytes(original + b"\n")
        assert crisis._model_cache_path(copies) != key, copy.name
        copy.write_bytes(original)


def test_training_removes_the_models_it_replaces(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    models.mkdir()
    stale = models / "crisis-0123456789ab.pkl"
    stale.write_bytes(b"an older key's model")
    other = models / "abuse-v6-test.pkl"  # another model's file is not touched
    other.write_bytes(b"abuse")
    path = models / "crisis-fedcba987654.pkl"
    monkeypatch.setattr(crisis, "_model_cache_path", lambda: path)
    crisis._load_or_train()
    assert path.is_file() and not stale.exists() and other.is_file()
