"""A `dasan` command run against a database that no migration has created ends with a
command-line error naming the fix (`dasan db upgrade`), not a SQLAlchemy traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dasan.cli import missing_table


def _run(args: list[str], db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DASAN_DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run([sys.executable, "-m", "dasan.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_a_command_on_an_unmigrated_database_says_to_upgrade_it(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    result = _run(["voice", "purge-recordings", "--dry-run"], db)
    assert result.returncode == 2, result.stderr
    assert "no table 'voice_calls'" in result.stderr
    assert "dasan db upgrade" in result.stderr
    assert "Traceback" not in result.stderr
    # Nothing was created on the way: the command changed nothing.
    tables = sqlite3.connect(db).execute("select name from sqlite_master").fetchall()
    assert tables == []


def test_the_missing_table_is_found_through_the_causes() -> None:
    try:
        try:
            raise sqlite3.OperationalError("no such table: kb_entries")
        except sqlite3.OperationalError as inner:
            raise RuntimeError("(sqlite3.OperationalError) wrapped") from inner
    except RuntimeError as outer:
        assert missing_table(outer) == "kb_entries"
    assert missing_table(Exception('relation "voice_calls" does not exist')) == "voice_calls"


@pytest.mark.parametrize("message", ["database is locked", "relation exists", "no such column: x"])
def test_other_database_errors_are_not_called_a_missing_schema(message: str) -> None:
    assert missing_table(Exception(message)) is None
