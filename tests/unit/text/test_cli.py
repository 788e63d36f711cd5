from __future__ import annotations

import json
from pathlib import Path

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


def test_train_crisis_reports_the_model_it_keeps() -> None:
    r = runner.invoke(app, ["train-crisis"])
    assert r.exit_code == 0, r.output
    assert "crisis model: trained on" in r.stdout


def test_kb_prepare_refuses_a_missing_folder(tmp_path: Path) -> None:
    from dasan.knowledge.cli import app as kb_app

    r = runner.invoke(kb_app, ["prepare", "--data", str(tmp_path / "absent")])
    assert r.exit_code != 0
    assert "no such folder" in r.output
    empty = tmp_path / "empty"
    empty.mkdir()
    r = runner.invoke(kb_app, ["prepare", "--data", str(empty)])
    assert r.exit_code != 0
    assert "no seed FAQ file" in r.output
