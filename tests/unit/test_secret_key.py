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


def test_webhook_secrets_have_no_default_outside_demo() -> None:
    from dasan.config import InsecureSecret, channel_secret, refuse_insecure_secrets
    from dasan.errors import DomainError

    prod = Settings(secret_key="x" * 40, demo=False, sms_webhook_secret=None)
    with pytest.raises(DomainError) as off:
        channel_secret("sms_webhook_secret", prod)  # unset: the channel is off
    assert (off.value.status, off.value.code) == (503, "channel_not_configured")
    old_default = Settings(secret_key="x" * 40, demo=False,
                           line_channel_secret="dasan-line-channel-secret")
    with pytest.raises(InsecureSecret, match="DASAN_LINE_CHANNEL_SECRET"):
        refuse_insecure_secrets(old_default)  # a default from the source stops the start
    with pytest.raises(DomainError):
        channel_secret("line_channel_secret", old_default)
    mine = Settings(secret_key="x" * 40, demo=False, messenger_secret="m" * 20)
    assert channel_secret("messenger_secret", mine) == "m" * 20
    refuse_insecure_secrets(mine)


def test_demo_derives_its_own_webhook_secrets() -> None:
    from dasan.config import KNOWN_DEFAULT_SECRETS, channel_secret

    a = Settings(secret_key="a" * 40, demo=True, sms_webhook_secret=None,
                 messenger_secret="dasan-messenger-secret")
    b = Settings(secret_key="b" * 40, demo=True, sms_webhook_secret=None)
    sms_a = channel_secret("sms_webhook_secret", a)
    assert sms_a == channel_secret("sms_webhook_secret", a)  # stable for one install
    assert sms_a != channel_secret("sms_webhook_secret", b)  # another install, another one
    assert sms_a != channel_secret("messenger_secret", a)  # one per channel
    assert channel_secret("messenger_secret", a) not in KNOWN_DEFAULT_SECRETS
    assert len(sms_a) >= 32


def test_smpp_password_has_no_default_outside_demo() -> None:
    from dasan.config import InsecureSecret, refuse_insecure_secrets, smpp_password

    base = {"secret_key": "x" * 40, "demo": False}
    assert smpp_password(Settings(**base, smpp_password=None, sms_adapter="none")) is None
    with pytest.raises(InsecureSecret, match="DASAN_SMPP_PASSWORD"):  # SMPP chosen, none set
        refuse_insecure_secrets(Settings(**base, smpp_password=None, sms_adapter="smpp"))
    with pytest.raises(InsecureSecret, match="default"):  # the old default from the source
        refuse_insecure_secrets(Settings(**base, smpp_password="dasan", sms_adapter="none"))
    assert smpp_password(Settings(**base, smpp_password="s3cr3t!", sms_adapter="smpp")) == "s3cr3t!"
    demo_a = smpp_password(Settings(secret_key="a" * 40, demo=True, smpp_password=None))
    demo_b = smpp_password(Settings(secret_key="b" * 40, demo=True, smpp_password="dasan"))
    assert demo_a and demo_b and demo_a != demo_b and len(demo_a) == 8  # per install, SMPP-sized
    assert "dasan" not in (demo_a, demo_b)


def test_demo_turns_the_phone_survey_on_unless_told_otherwise() -> None:
    from dasan.cli import demo_environment
    from dasan.voice.settings import VoiceSettings

    env: dict[str, str] = {}
    demo_environment(env, lambda: "k" * 40)
    assert env["DASAN_VOICE_SURVEY"] == "1" and env["DASAN_DEMO"] == "1"
    assert VoiceSettings(_env_file=None, survey=env["DASAN_VOICE_SURVEY"]).survey is True
    kept = {"DASAN_VOICE_SURVEY": "0", "DASAN_SECRET_KEY": "mine"}
    demo_environment(kept, lambda: "k" * 40)
    assert kept["DASAN_VOICE_SURVEY"] == "0" and kept["DASAN_SECRET_KEY"] == "mine"
