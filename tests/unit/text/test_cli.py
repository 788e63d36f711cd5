from __future__ import annotations

import json

from typer.testing import CliRunner

from dasan.text.cli import app

runner = CliRunner()


def test_mask_argument_and_json() -> None:
    r = runner.invoke(app, ["mask", "연락처 010-1234-5678"])
    assert r.exit_code == 0
    assert r.stdout.strip() == "연락처 010-****-5678"
    r = runner.invoke(app, ["mask", "--json", "hong@example.com"])
    body = json.loads(r.stdout)
    assert body["spans"][0]["type"] == "email"


def test_screen_reads_stdin_lines() -> None:
    r = runner.invoke(app, ["screen", "--json", "--lines"], input="ㅅㅂ\n안녕하세요\n")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["is_abusive"] for row in rows] == [True, False]


def test_lang() -> None:
    r = runner.invoke(app, ["lang", "Xin chào, tôi muốn hỏi"])
    assert r.exit_code == 0 and r.stdout.strip() == "vi"


def test_empty_input_fails_with_a_message() -> None:
    r = runner.invoke(app, ["screen", "   "])
    assert r.exit_code == 2
    assert "empty" in r.output
