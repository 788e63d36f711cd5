"""The development secret key is refused outside demo mode; the demo makes its own key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dasan.config import (
    DEV_SECRET_KEY,
    InsecureSecretKey,
    Settings,
    demo_secret_key,
    signing_key,
)


def test_dev_key_is_refused_outside_demo_mode() -> None:
    with pytest.raises(InsecureSecretKey, match="DASAN_SECRET_KEY"):
        signing_key(Settings(secret_key=DEV_SECRET_KEY, demo=False))


def test_dev_key_is_tolerated_in_demo_mode_and_a_real_key_everywhere() -> None:
    assert signing_key(Settings(secret_key=DEV_SECRET_KEY, demo=True)) == DEV_SECRET_KEY
    assert signing_key(Settings(secret_key="x" * 40, demo=False)) == "x" * 40


def test_app_refuses_to_start_on_the_dev_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.config import get_settings
    from dasan.web.app import create_app

    monkeypatch.setenv("DASAN_SECRET_KEY", DEV_SECRET_KEY)
    monkeypatch.delenv("DASAN_DEMO", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(InsecureSecretKey):
            create_app()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_demo_key_is_random_per_install_and_kept(tmp_path: Path) -> None:
    first = demo_secret_key(tmp_path / "a")
    assert first == demo_secret_key(tmp_path / "a")  # kept under var/
    assert first != demo_secret_key(tmp_path / "b")  # another install, another key
    assert len(first) >= 32 and first != DEV_SECRET_KEY
    assert (tmp_path / "a" / "secret.key").stat().st_mode & 0o077 == 0
