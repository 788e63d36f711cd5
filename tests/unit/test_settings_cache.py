"""The settings cache: a clear is never undone by a thread that was building settings from the
environment as it was before (the race that once left a test's setting unread)."""

from __future__ import annotations

import threading
import time

import pytest

from dasan import config


def test_a_clear_during_a_slow_build_is_not_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    read = threading.Event()

    class SlowSettings(config.Settings):
        def __init__(self) -> None:
            super().__init__()  # the environment is read here
            read.set()
            time.sleep(0.3)  # ... and the result stored only later

    monkeypatch.setattr(config, "Settings", SlowSettings)
    monkeypatch.delenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", raising=False)
    config.get_settings.cache_clear()
    worker = threading.Thread(target=config.get_settings)
    worker.start()
    assert read.wait(5)
    monkeypatch.setenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
    config.get_settings.cache_clear()
    worker.join()  # the worker's build, begun before the change, has ended
    try:
        assert config.get_settings().complaints_approximate_geo is True
    finally:
        monkeypatch.undo()
        config.get_settings.cache_clear()


def test_settings_are_read_once_until_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    config.get_settings.cache_clear()
    first = config.get_settings()
    monkeypatch.setenv("DASAN_DEFAULT_LANGUAGE", "en")
    assert config.get_settings() is first
    config.get_settings.cache_clear()
    try:
        assert config.get_settings().default_language == "en"
    finally:
        monkeypatch.undo()
        config.get_settings.cache_clear()
