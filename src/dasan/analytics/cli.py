"""`dasan report ...`: KPI tables, VOC and policy-issue reports, the issue alerter, CSV export."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dasan.cli_support import lazy_module
from dasan.errors import DomainError

if TYPE_CHECKING:
    from dasan.analytics.engine import AnalyticsEngine
    from dasan.analytics.filters import Filters, Table
from dasan.cli_support import fail as _fail

_fm = lazy_module("dasan.analytics.filters")  # loaded on first use, not for --help
_engine_module = lazy_module("dasan.analytics.engine")  # duckdb: loaded on first use

app = typer.Typer(help="분석·VOC 리포트 (analytics: KPIs, VOC, policy issues, alerts)",
                  no_args_is_help=True)

DbOpt = Annotated[str | None, typer.Option("--db", help="database URL (default: settings)")]
MirrorOpt = Annotated[Path | None, typer.Option("--mirror", help="DuckDB mirror file")]


def _engine(db: str | None, mirror: Path | None) -> AnalyticsEngine:
    try:
        engine = _engine_module.AnalyticsEngine(db, mirror)
        stats = engine.refresh()
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    typer.secho(f"mirror {stats.mode}: +{stats.new_rows:,} rows, {stats.total_rows:,} total "
                f"({stats.seconds:.1f}s)", err=True, fg=typer.colors.BRIGHT_BLACK)
    return engine


def _filters(**params: Any) -> Filters:
    try:
        return _fm.Filters.from_params({k: v for k, v in params.items() if v is not None})
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc


def print_table(t: Table) -> None:
    typer.echo(f"\n{t.ko} ({t.en})")
    heads = [c.ko for c in t.columns]
    cells = [[_fm.fmt(r.get(c.key), c.kind) for c in t.columns] for r in t.rows]
    widths = [max([_w(h)] + [_w(row[i]) for row in cells]) for i, h in enumerate(heads)]
    typer.echo("  ".join(_pad(h, w) for h, w in zip(heads, widths, strict=True)))
    for row in cells:
        typer.echo("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)))
    if t.note:
        typer.echo(f"  * {t.note}")


def _w(s: str) -> int:
    """Display width (Hangul takes two columns)."""
    return sum(2 if "\uac00" <= ch <= "\ud7a3" or "\u3130" <= ch <= "\u318f" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _w(s))


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    typer.echo(f"wrote {path} ({len(data):,} bytes)")


def _export(out: Path | None, build: Any) -> None:
    if out is None:
        return
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("xlsx", "pdf"):
        raise _fail("--out must end in .xlsx or .pdf")
    from dasan.analytics.export_pdf import FontMissing

    try:
        _write(out, build(kind))
    except FontMissing as exc:
        raise _fail(str(exc)) from exc


@app.command("kpi")
def kpi_cmd(
    start: Annotated[str | None, typer.Option(help="first day YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option(help="last day YYYY-MM-DD")] = None,
    by: Annotated[str, typer.Option(help="service KPIs per interval|hour|day|month|queue|team|"
                                         "agent|channel")] = "queue",
    threshold: Annotated[float, typer.Option(help="service-level threshold, seconds")] = 20.0,
    channel: Annotated[str | None, typer.Option(help="channel(s), comma separated")] = None,
    district: Annotated[str | None, typer.Option(help="district code or name")] = None,
    out: Annotated[Path | None, typer.Option(help="also export to .xlsx or .pdf")] = None,
    db: DbOpt = None,
    mirror: MirrorOpt = None,
) -> None:
    """채널별 연간·일평균, 전화 응답률(두 방식), 서비스 지표 (KPI tables)."""
    from dasan.analytics import kpi
    from dasan.analytics.exports import export_tables

    f = _filters(start=start, end=end, channel=channel, district=district)
    engine = _engine(db, mirror)
    try:
        tables = [
            kpi.channel_year_table(engine, f),
            kpi.channel_daily_average_table(engine, f),
            kpi.phone_response_table(engine, f, by="year"),
            kpi.service_table(engine, f, by=by, threshold_seconds=threshold),
        ]
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    for t in tables:
        print_table(t)
    _export(out, lambda k: export_tables("KPI 보고서 (KPI report)", tables, k))


@app.command("voc")
def voc_cmd(
    period: Annotated[str, typer.Argument(help="YYYY (annual) or YYYY-MM (monthly)")],
    district: Annotated[str | None, typer.Option(help="restrict to a district")] = None,
    out: Annotated[Path | None, typer.Option(help="export to .xlsx or .pdf")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    db: DbOpt = None,
    mirror: MirrorOpt = None,
) -> None:
    """월간·연간 VOC 보고서 (monthly or annual VOC report)."""
    from dasan.analytics.exports import export_voc, voc_headline
    from dasan.analytics.voc import voc_report

    base = _filters(district=district)
    engine = _engine(db, mirror)
    try:
        report = voc_report(engine, period, base)
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, default=str, indent=1))
    else:
        typer.echo(f"{report.label} VOC")
        for label, value in voc_headline(report):
            kind = "pct" if label.endswith("%") else "float" if isinstance(value, float) else \
                "int" if isinstance(value, int) else "text"
            typer.echo(f"  {label}: {_fm.fmt(value, kind)}")
        for t in report.tables:
            print_table(t)
        typer.echo("\n주목할 상담 (notable cases, masked)")
        for c in report.notable:
            typer.echo(f"  #{c['id']} {c['started_at']} {c['channel']} {c['district']} "
                       f"[{c['reason']}] {c['subject']}")
    _export(out, lambda k: export_voc(report, k))


@app.command("policy")
def policy_cmd(
    start: Annotated[str, typer.Option(help="first day YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="last day YYYY-MM-DD")],
    program: Annotated[str | None, typer.Option(help="program (사업명), e.g. 기후동행카드")] = None,
    keyword: Annotated[str | None, typer.Option(help="keyword in the question")] = None,
    district: Annotated[str | None, typer.Option(help="restrict to a district")] = None,
    out: Annotated[Path | None, typer.Option(help="export to .xlsx or .pdf")] = None,
    db: DbOpt = None,
    mirror: MirrorOpt = None,
) -> None:
    """정책 이슈 분석: 건수, 유형(충전·발급·환불…), 주요 질문 (policy-issue report)."""
    from dasan.analytics.exports import export_policy
    from dasan.analytics.policy import policy_report

    try:
        s, e = _fm.parse_day(start, "start"), _fm.parse_day(end, "end")
        base = _filters(district=district)
        engine = _engine(db, mirror)
        report = policy_report(engine, s, e, program=program, keyword=keyword, base=base)
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{report.topic}: {report.count:,}건 ({report.first} ~ {report.last})")
    print_table(report.types)
    for t in report.tables:
        print_table(t)
    _export(out, lambda k: export_policy(report, k))


@app.command("alerts")
def alerts_cmd(
    at: Annotated[str | None, typer.Option(
        help="scan as of YYYY-MM-DDTHH:MM, local time (default now)")]
    = None,
    save: Annotated[bool, typer.Option("--save/--no-save", help="store in the alerts table")]
    = True,
    webhook: Annotated[str | None, typer.Option(help="POST alerts to this URL "
                                                     "(default DASAN_ALERT_WEBHOOK_URL)")] = None,
    db: DbOpt = None,
    mirror: MirrorOpt = None,
) -> None:
    """이슈 알림: 주제별 급증 탐지 (issue alerter: scan for bursts now)."""
    from dasan.analytics import alerter
    from dasan.config import get_settings
    from dasan.db.session import session_scope
    from dasan.timeutil import local_to_utc, to_local

    try:
        # A time without an offset is the city's wall clock (ADR 0018).
        now = local_to_utc(datetime.fromisoformat(at)) if at else None
    except (ValueError, DomainError) as exc:
        raise _fail(f"--at must be YYYY-MM-DDTHH:MM, got {at!r}") from exc
    engine = _engine(db, mirror)
    found = alerter.scan(engine, now)
    if not found:
        typer.echo("급증 없음 (no bursts)")
    for a in found:
        flag = " [답변 필요 needs an answer]" if a.needs_answer else ""
        typer.echo(f"{a.topic.kind}:{a.topic.name} {to_local(a.window_start):%m-%d %H:%M}-"
                   f"{to_local(a.window_end):%H:%M} count {a.count} vs baseline {a.baseline:.1f} "
                   f"score {a.score:.1f}{flag}")
        for ex in a.examples:
            typer.echo(f"    #{ex['id']} {ex['started_at']} {ex['subject']}")
    if not save or not found:
        return
    url = webhook or get_settings().alert_webhook_url
    with session_scope(db) as session:
        stored = alerter.persist(session, found)
        typer.echo(f"stored {len(stored)} alert(s)")
        if url:
            try:
                status = alerter.send_webhook(url, stored)
            except (alerter.WebhookError, DomainError) as exc:
                session.commit()
                raise _fail(str(exc)) from exc
            typer.echo(f"webhook {url}: HTTP {status}")


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Argument(help="CSV file to write")],
    start: Annotated[str | None, typer.Option()] = None,
    end: Annotated[str | None, typer.Option()] = None,
    channel: Annotated[str | None, typer.Option()] = None,
    district: Annotated[str | None, typer.Option()] = None,
    category: Annotated[str | None, typer.Option()] = None,
    program: Annotated[str | None, typer.Option()] = None,
    keyword: Annotated[str | None, typer.Option()] = None,
    outcome: Annotated[str | None, typer.Option()] = None,
    db: DbOpt = None,
    mirror: MirrorOpt = None,
) -> None:
    """상담 1건 1행 CSV 내보내기 (CSV, one row per consultation; text masked)."""
    from dasan import audit
    from dasan.analytics.drill import write_csv
    from dasan.db.session import session_scope

    f = _filters(start=start, end=end, channel=channel, district=district, category=category,
                 program=program, keyword=keyword, outcome=outcome)
    engine = _engine(db, mirror)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = write_csv(engine, f, str(out))
    with session_scope(db) as session:
        audit.record(session, None, "analytics.export", object_type="consultations",
                     detail={"format": "csv", "rows": n, "filters": f.to_params(),
                             "via": "cli", "file": str(out)})
    typer.echo(f"wrote {n:,} consultations to {out}")


@app.command("refresh")
def refresh_cmd(
    full: Annotated[bool, typer.Option("--full", help="rebuild the mirror from scratch")]
    = False,
    db: DbOpt = None,
    mirror: MirrorOpt = None,
) -> None:
    """분석용 DuckDB 미러 갱신 (refresh the analytical mirror)."""
    try:
        engine = _engine_module.AnalyticsEngine(db, mirror)
        stats = engine.refresh(full=full)
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{stats.mode}: +{stats.new_rows:,} new, {stats.reread_open:,} re-read, "
               f"{stats.total_rows:,} total in {stats.seconds:.1f}s ({engine.mirror_path})")
