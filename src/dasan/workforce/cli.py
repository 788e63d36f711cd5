"""`dasan staff ...`: forecast, Erlang staffing, shift plans, simulation and validation."""

from __future__ import annotations

import csv
import json
import math
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, cast

import typer

from dasan.cli_support import fail, lazy_module
from dasan.errors import DomainError

# Heavy (numpy, scipy, ortools, ciw): loaded by the first command that uses them.
erl = lazy_module("dasan.workforce.erlang")
fc = lazy_module("dasan.workforce.forecast")
sh = lazy_module("dasan.workforce.shifts")
sim = lazy_module("dasan.workforce.simulate")

app = typer.Typer(help="인력 운영: 예측, 얼랑 산정, 근무표, 시뮬레이션 / Workforce planning")


def _fail(msg: str) -> NoReturn:
    raise fail(msg)


def _parse_date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{what} must be a date like 2024-09-01, got {value!r}")
        raise  # unreachable


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def read_events_csv(path: Path) -> list[tuple[datetime, str]]:
    """CSV with columns ``started_at`` (ISO timestamp) and ``channel`` (header required)."""
    if not path.exists():
        raise ValueError(f"file not found: {path}")
    out = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"started_at", "channel"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: need a header with started_at and channel columns")
        for i, row in enumerate(reader, start=2):
            try:
                out.append((datetime.fromisoformat(row["started_at"]), row["channel"].strip()))
            except (TypeError, ValueError):
                raise ValueError(f"{path} line {i}: bad timestamp {row['started_at']!r}") from None
    if not out:
        raise ValueError(f"{path}: no rows")
    return out


def read_requirement(path: Path) -> list[int]:
    """A JSON list, or a CSV/text file with one number per line (or a ``required`` column)."""
    if not path.exists():
        raise ValueError(f"file not found: {path}")
    text = path.read_text(encoding="utf-8-sig").strip()
    values: list[Any]
    if text.startswith("["):
        values = json.loads(text)
    else:
        rows = list(csv.reader(text.splitlines()))
        if rows and rows[0] and not _is_number(rows[0][-1]):
            header = rows[0]
            col = header.index("required") if "required" in header else len(header) - 1
            values = [r[col] for r in rows[1:] if r]
        else:
            values = [r[-1] for r in rows if r]
    try:
        out = [int(round(float(v))) for v in values]
    except (TypeError, ValueError):
        raise ValueError(f"{path}: requirement values must be numbers") from None
    return out


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


@app.command("forecast")
def forecast_cmd(
    db: bool = typer.Option(False, "--db", help="read history from the consultations table"),
    events_csv: Path | None = typer.Option(None, "--csv", help="CSV of started_at,channel"),
    demo: bool = typer.Option(False, "--demo", help="seeded synthetic history"),
    start: str | None = typer.Option(None, help="history start date (with --db)"),
    end: str | None = typer.Option(None, help="history end date, exclusive (with --db)"),
    days: int = typer.Option(7, min=1, max=366, help="days to forecast"),
    holdout: int = typer.Option(7, min=0, help="days held out to report accuracy (0: none)"),
    out: Path | None = typer.Option(None, help="write the forecast per interval to this CSV"),
) -> None:
    """Forecast contacts per 30-minute interval and channel; report holdout MAPE."""
    if sum([db, events_csv is not None, demo]) != 1:
        _fail("choose exactly one source: --db, --csv FILE or --demo")
    try:
        if demo:
            history = fc.synthetic_history(
                date(2024, 1, 1), 120, 10000, ("phone", "chat"), (0.85, 0.15), 0.1, seed=7
            )
        elif events_csv is not None:
            history = fc.counts_from_events(read_events_csv(events_csv))
        else:
            from dasan.db.session import session_scope

            if not start or not end:
                _fail("--db needs --start and --end dates")
            assert start is not None and end is not None
            s, e = _parse_date(start, "--start"), _parse_date(end, "--end")
            with session_scope() as session:
                history = fc.load_counts(session, s, e)
        typer.echo(
            f"history: {history.days} days from {history.start.date()}, "
            f"channels {', '.join(history.channels)}, {int(history.counts.sum())} contacts"
        )
        if holdout:
            for acc in fc.evaluate(history, holdout):
                typer.echo(
                    f"  holdout {holdout}d {acc.channel:>8}: MAPE {_pct(acc.mape)}  "
                    f"WAPE {_pct(acc.wape)}  daily MAPE {_pct(acc.daily_mape)}  "
                    f"(seasonal naive: MAPE {_pct(acc.naive_mape)}, WAPE {_pct(acc.naive_wape)})"
                )
        pred = fc.forecast(history, days=days)
    except (ValueError, DomainError) as exc:
        _fail(str(exc))
        return
    daily = pred.daily().sum(axis=1)
    for i, d in enumerate(pred.dates):
        tag = " (공휴일)" if fc.is_holiday(d) else ""
        cells = "  ".join(f"{ch} {daily[i, c]:8.0f}" for c, ch in enumerate(pred.channels))
        typer.echo(f"{d} {fc.DAY_TYPE_NAMES[d.weekday()]}{tag}: {cells}")
    if out is not None:
        with out.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["interval_start", *pred.channels])
            for ts, row in zip(pred.timestamps(), pred.counts, strict=True):
                w.writerow([ts.isoformat(), *[f"{v:.2f}" for v in row]])
        typer.echo(f"wrote {out}")


@app.command("erlang")
def erlang_cmd(
    calls: float = typer.Option(..., help="calls offered per interval"),
    aht: float = typer.Option(180.0, help="average handling time, seconds"),
    interval: float = typer.Option(1800.0, help="interval length, seconds"),
    sl: float | None = typer.Option(0.8, help="target service level (0-1); 0 to skip"),
    within: float = typer.Option(20.0, help="answer-within threshold, seconds"),
    response_rate: float | None = typer.Option(None, help="target response rate (Erlang A)"),
    patience: float | None = typer.Option(None, help="mean patience, s (switches to Erlang A)"),
    shrinkage: float = typer.Option(0.0, help="share of paid time off the phones (0-1)"),
    max_occupancy: float | None = typer.Option(None, help="cap on occupancy (0-1)"),
    agents: int | None = typer.Option(None, help="evaluate this many agents instead"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Agents needed for one interval (Erlang C, or Erlang A with --patience)."""
    try:
        traffic = erl.offered_traffic(calls, aht, interval)
        if agents is not None:
            if patience is None:
                m = erl.erlang_c_metrics(agents, traffic, aht, within)
            else:
                m = erl.erlang_a_metrics(agents, traffic, aht, patience, within)
            payload: dict[str, Any] = {"traffic": traffic, "metrics": m.to_dict()}
        else:
            target = erl.StaffingTarget(
                service_level=sl if sl else None,
                answer_within=within,
                response_rate=response_rate,
                max_occupancy=max_occupancy,
                patience_seconds=patience,
                shrinkage=shrinkage,
            )
            res = erl.required_agents(calls, aht, target, interval)
            m = res.metrics
            payload = {"model": target.model, **res.to_dict()}
    except (ValueError, DomainError) as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False, default=_json_default))
        return
    typer.echo(f"offered traffic {traffic:.2f} Erlangs")
    if agents is None:
        typer.echo(
            f"agents on the phones {payload['raw_agents']}, scheduled with shrinkage "
            f"{payload['scheduled_agents']}"
        )
    typer.echo(
        f"P(wait) {_pct(m.p_wait)}  SL({within:.0f}s) {_pct(m.service_level)}  "
        f"ASA {m.asa:.1f}s  response rate {_pct(m.response_rate)}  "
        f"abandon {_pct(m.p_abandon)}  occupancy {_pct(m.occupancy)}"
    )


def _json_default(o: Any) -> Any:
    if isinstance(o, float) and not math.isfinite(o):
        return None
    # A numpy scalar (only ever met once numpy is loaded; a lazily loaded numpy package broke
    # later real imports of it, such as scikit-learn's in `dasan text train-crisis`).
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(o, numpy.generic):
        return o.item()
    return str(o)


@app.command("plan")
def plan_cmd(
    requirement: Path | None = typer.Option(None, help="agents needed per half-hour (file)"),
    demo: bool = typer.Option(False, "--demo", help="requirement from a demo week forecast"),
    calls_per_day: float = typer.Option(10000.0, help="demo: calls per day"),
    aht: float = typer.Option(180.0, help="demo: AHT seconds"),
    shrinkage: float = typer.Option(0.3, help="demo: shrinkage"),
    afternoon: str = typer.Option("11-20", help='afternoon shift: "11-20" or "13-22"'),
    max_remote: int = typer.Option(215, help="remote shifts per day at most"),
    max_short: int | None = typer.Option(None, help="short (2-3 h) shifts per day at most"),
    time_limit: float = typer.Option(10.0, help="CP-SAT time limit, seconds"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Least-cost shift plan (CP-SAT) covering the requirement in every half-hour."""
    if (requirement is None) == (not demo):
        _fail("give --requirement FILE or --demo")
    try:
        if requirement is not None:
            req = read_requirement(requirement)
        else:
            rates = fc.synthetic_rates(date(2024, 9, 2), 7, calls_per_day)
            target = erl.StaffingTarget(
                service_level=0.8, answer_within=20, patience_seconds=90, shrinkage=shrinkage
            )
            req = [r.scheduled_agents for r in erl.staffing_plan(rates, aht, target)]
        caps = {"remote": max_remote}
        if max_short is not None:
            caps["short"] = max_short
        plan = sh.plan_shifts(
            req, sh.default_templates(afternoon=afternoon), caps, time_limit=time_limit
        )
    except (ValueError, DomainError) as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(plan.to_dict(), ensure_ascii=False))
        return
    typer.echo(
        f"{plan.status}: cost {plan.cost:.1f} (bound {plan.lower_bound:.1f}), "
        f"shortfall {plan.shortfall}, surplus {plan.surplus} agent-slots, "
        f"{plan.solve_seconds:.1f}s"
    )
    typer.echo("headcount by kind: " + json.dumps(plan.headcount_by_kind(), ensure_ascii=False))
    for row in plan.to_dict()["shifts"][:40]:
        typer.echo(f"  day {row['day'] + 1} {row['label']} {row['name']}: {row['count']}")


@app.command("simulate")
def simulate_cmd(
    days: int = typer.Option(7, min=1, max=400, help="days to simulate"),
    calls_per_year: float = typer.Option(3.7e6, help="phone calls per year"),
    routing: str = typer.Option("omni", help="omni | skills"),
    agents_scale: float = typer.Option(1.0, help="scale the Erlang-staffed headcount"),
    extra_lunch: int = typer.Option(0, help="what-if: extra agents 11:30-13:30"),
    callbacks: float = typer.Option(0.0, help="share of abandoned callers called back"),
    compare_all: bool = typer.Option(False, "--compare", help="skills vs omni vs +N at lunch"),
    seed: int = typer.Option(0),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Simulate a Seoul-120-like center and report response rate, SL, ASA and occupancy."""
    if routing not in ("omni", "skills"):
        _fail('--routing must be "omni" or "skills"')
    if not 0 <= callbacks <= 1:
        _fail("--callbacks must be between 0 and 1")
    if agents_scale <= 0:
        _fail("--agents-scale must be > 0")
    try:
        base = sim.seoul_center(
            days,
            calls_per_year,
            agents_scale=agents_scale,
            routing=cast(Any, routing),
            seed=seed,
        )
        base.callback_share = callbacks
        scenarios: dict[str, Any] = {}
        if compare_all:
            skills = sim.seoul_center(
                days, calls_per_year, agents_scale=agents_scale, routing="skills", seed=seed
            )
            omni = sim.seoul_center(
                days, calls_per_year, agents_scale=agents_scale, routing="omni", seed=seed
            )
            skills.callback_share = omni.callback_share = callbacks
            scenarios["skills"] = skills
            scenarios["omni"] = omni
            n = extra_lunch or 10
            scenarios[f"omni +{n} lunch"] = sim.with_extra_agents(omni, n, "11:30", "13:30")
        else:
            scenarios[routing] = base
            if extra_lunch:
                scenarios[f"{routing} +{extra_lunch} lunch"] = sim.with_extra_agents(
                    base, extra_lunch, "11:30", "13:30"
                )
        results = sim.compare(scenarios)
    except (ValueError, DomainError) as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(results, ensure_ascii=False, default=_json_default))
        return
    for name, s in results.items():
        typer.echo(
            f"{name:>18}: inflow {s['inflow']:>9,}  response rate {_pct(s['response_rate'])} "
            f"(of total inflow {_pct(s['response_rate_total'])})  SL {_pct(s['service_level'])}"
            f"  ASA {s['asa']:6.1f}s  occupancy {_pct(s['occupancy'])}  "
            f"agent-hours {s['agent_hours']:,.0f}"
        )


@app.command("validate")
def validate_cmd(
    data: Path | None = typer.Option(None, help="folder with the Anonymous Bank records"),
    replications: int = typer.Option(5, min=1, max=100),
    patience: str = typer.Option("exponential", help="exponential | km"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Fit the simulator on the Anonymous Bank records and compare waits/abandonment per hour."""
    from dasan.config import get_settings
    from dasan.workforce import bankdata

    folder = data or (get_settings().shared_data / "anonymous-bank-callcenter")
    try:
        v = bankdata.validate(folder, replications=replications, patience=patience)
    except (ValueError, DomainError) as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(v.to_dict(), ensure_ascii=False, default=_json_default))
        return
    typer.echo(
        f"fit: patience mean {v.fit['patience_mean_s_exponential_mle']:.0f}s (exp. MLE), "
        f"KM median {v.fit['patience_median_s_kaplan_meier']:.0f}s; service mean "
        f"{v.fit['service_mean_s']:.0f}s (cv {v.fit['service_cv']:.2f}); wrap-up calibrated "
        f"on {len(v.train_days)} training days: {v.wrap_up_seconds:.0f}s"
    )
    typer.echo(f"test days: {len(v.test_days)}; hour  calls/day  wait obs/sim  abandon obs/sim")
    for h in v.hours:
        if h.observed_calls < 1:
            continue
        typer.echo(
            f"  {h.hour:02d}h {h.observed_calls:8.1f}  "
            f"{h.observed_wait:6.1f}/{h.simulated_wait:6.1f}s"
            f"  {_pct(h.observed_abandon)}/{_pct(h.simulated_abandon)}"
        )
    typer.echo(
        f"overall wait {v.wait_overall_observed:.1f}s observed vs {v.wait_overall_simulated:.1f}s"
        f" simulated (rel. error {_pct(v.wait_rel_error)}); abandonment "
        f"{_pct(v.abandon_overall_observed)} vs {_pct(v.abandon_overall_simulated)}; per-hour "
        f"MAE: wait {v.wait_mae:.1f}s, abandonment {v.abandon_mae:.1f} pp"
    )
