"""Which settings the gateway derives from the site's database."""

from __future__ import annotations

from dasan.voice.settings import VoiceSettings, record_process


def test_the_records_go_to_a_record_process_by_default_on_postgresql_only() -> None:
    pg, lite = "postgresql+psycopg://u@127.0.0.1/dasan", "sqlite:///var/dasan.db"
    unset = VoiceSettings(db_processes=None)
    assert record_process(unset, pg) is True
    assert record_process(unset, lite) is False
    assert record_process(VoiceSettings(db_processes=0), pg) is False  # a site's choice wins
    assert record_process(VoiceSettings(db_processes=1), lite) is True
