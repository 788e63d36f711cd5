"""`dasan staff ...` commands: output on good input, clear non-zero exit on bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dasan.workforce.cli import app, read_requirement

runner = CliRunner()


def test_erlang_command() -> None:
    r = runner.invoke(app, ["erlang", "--calls", "100", "--aht", "180", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["raw_agents"] == 14 and data["model"] == "erlang_c"  # 13 agents: SL 79.6%
    r = runner.invoke(
        app,
        ["erlang", "--calls", "100", "--patience", "120", "--response-rate", "0.95", "--sl", "0"],
    )
    assert r.exit_code == 0, r.output
    assert "response rate" in r.output


def test_erlang_bad_input_exits_non_zero() -> None:
    r = runner.invoke(app, ["erlang", "--calls", "-5"])
    assert r.exit_code == 2
    assert "calls must be >= 0" in r.output
    r = runner.invoke(app, ["erlang", "--calls", "10", "--response-rate", "0.9"])
    assert r.exit_code == 2 and "patience" in r.output


def test_forecast_demo_and_csv(tmp_path: Path) -> None:
    r = runner.invoke(app, ["forecast", "--demo", "--days", "2", "--holdout", "7"])
    assert r.exit_code == 0, r.output
    assert "MAPE" in r.output
    src = tmp_path / "events.csv"
    lines = ["started_at,channel"]
    for day in range(1, 15):
        for hour in (9, 10, 14):
            lines.append(f"2024-03-{day:02d}T{hour:02d}:05:00,phone")
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "fc.csv"
    r = runner.invoke(app, ["forecast", "--csv", str(src), "--holdout", "0", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("interval_start,phone")
    r = runner.invoke(app, ["forecast"])
    assert r.exit_code == 2 and "choose exactly one source" in r.output


def test_plan_from_file(tmp_path: Path) -> None:
    req = [0] * 48
    for s in range(18, 36):
        req[s] = 2
    path = tmp_path / "req.json"
    path.write_text(json.dumps(req))
    assert read_requirement(path) == req
    r = runner.invoke(app, ["plan", "--requirement", str(path), "--json", "--time-limit", "5"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["shortfall"] == 0
    assert all(c >= q for c, q in zip(data["coverage"], req, strict=True))
    bad = tmp_path / "bad.csv"
    bad.write_text("required\nten\n")
    r = runner.invoke(app, ["plan", "--requirement", str(bad)])
    assert r.exit_code == 2 and "numbers" in r.output


def test_simulate_compare() -> None:
    r = runner.invoke(app, ["simulate", "--days", "1", "--calls-per-year", "500000", "--compare"])
    assert r.exit_code == 0, r.output
    assert "skills" in r.output and "omni +10 lunch" in r.output
    r = runner.invoke(app, ["simulate", "--routing", "random"])
    assert r.exit_code == 2
