"""`dasan` command line: serve, demo, db, users, kb, and each area's own commands."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from dasan.analytics.cli import app as report_app
from dasan.channels.cli import app as channels_app
from dasan.cli_support import fail, lazy_module
from dasan.complaints.cli import app as complaints_app
from dasan.errors import DomainError
from dasan.knowledge.cli import app as kb_app
from dasan.privacy.cli import app as privacy_app
from dasan.stt.cli import app as stt_app
from dasan.text.cli import app as text_app
from dasan.voice.cli import app as voice_app
from dasan.workforce.cli import app as staff_app

config = lazy_module("dasan.config")  # pydantic-settings: loaded on first use

# Plain (click) help: Rich's help renderer alone imports ~0.3 s of modules (markdown, syntax,
# tracebacks) for every `--help`. The mode is passed down to every command group.
app = typer.Typer(
    help="다산 120 스마트 상담 플랫폼 (Dasan smart contact center)", no_args_is_help=True,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
users_app = typer.Typer(help="People and API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")

app.add_typer(kb_app, name="kb")
app.add_typer(text_app, name="text")
app.add_typer(report_app, name="report")
app.add_typer(staff_app, name="staff")
app.add_typer(channels_app, name="channels")
app.add_typer(voice_app, name="voice")
app.add_typer(complaints_app, name="complaints")
app.add_typer(privacy_app, name="privacy")
app.add_typer(stt_app, name="stt")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to DASAN_DATABASE_URL."""
    from dasan.db.migrate import upgrade

    upgrade()
    typer.echo(f"database at head: {config.get_settings().database_url}")


@users_app.command("create")
def users_create(
    username: str,
    role: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    display_name: str | None = None,
    district: str | None = None,
    agency: Annotated[str | None, typer.Option(help="agency code, e.g. city-transport")] = None,
) -> None:
    """Create a person with a role (citizen, agent, supervisor, kb_editor, ...)."""
    from sqlalchemy import select

    from dasan.auth import create_user
    from dasan.db.models import Agency
    from dasan.db.session import session_scope
    from dasan.errors import DomainError, Invalid

    try:
        with session_scope() as session:
            agency_id = None
            if agency:
                agency_id = session.scalar(select(Agency.id).where(Agency.code == agency))
                if agency_id is None:
                    raise Invalid(f"unknown agency {agency!r}")
            user = create_user(session, username, password, role, display_name=display_name,
                               agency_id=agency_id, district_code=district)
            typer.echo(f"created {user.username} ({user.role})")
    except DomainError as exc:
        raise fail(exc.message) from exc


@users_app.command("list")
def users_list() -> None:
    from sqlalchemy import select

    from dasan.db.models import User
    from dasan.db.session import session_scope

    with session_scope() as session:
        for u in session.scalars(select(User).order_by(User.id)):
            typer.echo(f"{u.id:>4}  {u.username:<16} {u.role:<18} {u.display_name}")


@users_app.command("token")
def users_token(
    username: str, name: str,
    days: Annotated[int | None, typer.Option(min=1, max=3650,
                                              help="lifetime (default 90 days)")] = None,
) -> None:
    """Issue an API token for an integration acting as USERNAME (printed once)."""
    from sqlalchemy import select

    from dasan.auth import issue_api_token
    from dasan.db.models import User
    from dasan.db.session import session_scope

    with session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise fail(f"no user {username!r}")
        typer.echo(issue_api_token(session, user, name, days))


@users_app.command("tokens")
def users_tokens(username: Annotated[str | None, typer.Argument()] = None) -> None:
    """List API tokens (of USERNAME, or all): id, owner, name, prefix, expiry, state."""
    from sqlalchemy import select

    from dasan.auth import api_tokens
    from dasan.db.models import User
    from dasan.db.session import session_scope

    with session_scope() as session:
        owner = None
        if username:
            owner = session.scalar(select(User).where(User.username == username))
            if owner is None:
                raise fail(f"no user {username!r}")
        names = dict(session.execute(select(User.id, User.username)).tuples().all())
        for t in api_tokens(session, owner):
            state = "revoked" if t.revoked else "active"
            expires = t.expires_at.isoformat(timespec="minutes") if t.expires_at else "-"
            typer.echo(f"{t.id:>4}  {names.get(t.user_id, '?'):<16} {t.name:<24} "
                       f"{t.prefix}…  expires {expires}  {state}")


@users_app.command("revoke-token")
def users_revoke_token(token_id: int) -> None:
    """Revoke an API token by its id (see `dasan users tokens`)."""
    from dasan import audit
    from dasan.auth import revoke_api_token
    from dasan.db.session import session_scope
    from dasan.errors import DomainError

    try:
        with session_scope() as session:
            row = revoke_api_token(session, token_id)
            audit.record(session, None, "auth.token_revoked", object_type="api_token",
                         object_id=row.id, detail={"via": "cli"})
    except DomainError as exc:
        raise fail(exc.message) from exc
    typer.echo(f"revoked token {token_id}")


@users_app.command("deactivate")
def users_deactivate(
    username: str,
    reactivate: Annotated[bool, typer.Option("--reactivate", help="undo")] = False,
) -> None:
    """Deactivate USERNAME (sessions end, tokens stop working); --reactivate undoes it."""
    from dasan import audit
    from dasan.auth import deactivate_user
    from dasan.db.session import session_scope
    from dasan.errors import DomainError

    try:
        with session_scope() as session:
            user = deactivate_user(session, username, active=reactivate)
            audit.record(session, None, "auth.user_active", object_type="user",
                         object_id=user.id, detail={"active": reactivate, "via": "cli"})
    except DomainError as exc:
        raise fail(exc.message) from exc
    typer.echo(f"{username}: {'active' if reactivate else 'deactivated'}")


@app.command()
def serve(
    host: str | None = None,
    port: int | None = None,
    workers: Annotated[int, typer.Option(min=1, max=32)] = 1,
) -> None:
    """Serve the web app and API (http://127.0.0.1:8000 by default). SIGTERM or SIGINT (Ctrl-C)
    stops it: new connections are refused, open sockets closed, requests in flight finished
    (those still running after `GRACEFUL_SHUTDOWN_SECONDS` are cancelled), the chat runtime's
    loops stopped; then the process exits with status 0."""
    import signal

    import uvicorn

    from dasan.web.server_options import GRACEFUL_SHUTDOWN_SECONDS, UVICORN_OPTIONS

    settings = config.get_settings()
    # uvicorn catches the signal, shuts down, puts back the handlers it found and raises the
    # signal again: with Python's default handlers the process would end killed by SIGTERM
    # (status 143) after a clean stop. These handlers make that second delivery a normal exit.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _stopped)
    uvicorn.run(
        "dasan.web.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        **UVICORN_OPTIONS,
    )


def _stopped(_sig: int, _frame: object) -> None:
    """`dasan serve`'s handler of a stop signal uvicorn has already served (see `serve`)."""
    import logging
    import os
    import sys

    from dasan.chat.runtime import warm_up_running

    if warm_up_running():
        # Stopped during the warm-up: a model load or the index build is still running in
        # native code, and finalising the interpreter around it aborts the process.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    raise SystemExit(0)


def demo_environment(env: Any, secret_key: Callable[[], str]) -> None:
    """`dasan demo`'s settings, each unless already set: demo mode with this installation's own
    random key (var/secret.key); and the phone satisfaction survey on (off by default
    elsewhere: a center turns it on deliberately). The survey is asked only after the agent
    hangs up with the caller still on the line, so the demo's sipp callers, who hang up first,
    are never held by it; DASAN_VOICE_SURVEY=0 turns it off (docs/quality.md)."""
    env["DASAN_DEMO"] = "1"
    if "DASAN_SECRET_KEY" not in env:
        env["DASAN_SECRET_KEY"] = secret_key()
    env.setdefault("DASAN_VOICE_SURVEY", "1")


@app.command()
def demo(
    days: Annotated[int, typer.Option(min=1, max=3660, help="days of generated history")] = 28,
    seed: int = 120,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
    data: Annotated[Path | None, typer.Option(help="seed data folder (../shared/data)")] = None,
    voice: Annotated[bool, typer.Option("--voice/--no-voice",
                                        help="also run the SIP gateway (dasan voice)")] = False,
) -> None:
    """Migrate, seed the real FAQ and a demo history, then serve."""
    import os

    from dasan.config import demo_secret_key

    demo_environment(os.environ, demo_secret_key)
    config.get_settings.cache_clear()
    from sqlalchemy import func, select

    from dasan.db.migrate import upgrade
    from dasan.db.models import Consultation
    from dasan.db.session import session_scope
    from dasan.demo import seed_org, seed_people, write_history
    from dasan.knowledge.importer import import_seed_faq

    settings = config.get_settings()
    data_dir = data or settings.shared_data
    if data is not None and not data_dir.is_dir():
        raise fail(f"seed data not found at {data_dir}; pass --data or set DASAN_SHARED_DATA")
    upgrade()
    typer.echo(f"database: {settings.database_url}")
    with session_scope() as session:
        seed_org(session)
        seed_people(session)
    with session_scope() as session:
        if data_dir.is_dir():
            report = import_seed_faq(session, data_dir)
            typer.echo(f"knowledge base: {report}")
        else:
            from dasan.knowledge.file_import import DEMO_KB, import_file

            typer.echo(f"no seed data at {data_dir}: using the demo knowledge base written by "
                       f"the project ({DEMO_KB.name}; load your own 표준상담DB export with "
                       "`dasan kb import FILE`)")
            typer.echo(f"knowledge base: {import_file(session, DEMO_KB)}")
    with session_scope() as session:
        from dasan.knowledge.live import get_live_index

        typer.echo("indexing the knowledge base (kiwi + bm25s + multilingual-e5-small; passage "
                   "vectors cached under var/cache, so only the first run embeds them all)...")
        index = get_live_index().sync(session)
        typer.echo(f"search index ready: {len(index):,} entries")
    with session_scope() as session:
        from dasan.demo import seed_visible_ars
        from dasan.timeutil import local_today

        answers = seed_visible_ars(session, local_today())
        if answers:
            typer.echo(f"visible ARS: the phone flow offers the link (#); {len(answers)} menu "
                       "items answer from the knowledge base")
    with session_scope() as session:
        existing = session.scalar(select(func.count(Consultation.id))) or 0
        if existing == 0:
            from dasan.timeutil import local_today

            start = local_today() - timedelta(days=days)  # Seoul's days (ADR 0018)
            n = write_history(session, start, days, seed=seed)
            typer.echo(f"generated {n:,} consultations over {days} days from {start}")
        else:
            typer.echo(f"history already present: {existing:,} consultations")
    from dasan.complaints.geo import GU_FILE, maps_dir

    if not (maps_dir() / GU_FILE).is_file():
        os.environ.setdefault("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
        config.get_settings.cache_clear()
        if config.get_settings().complaints_approximate_geo:
            typer.echo(f"no district boundaries at {maps_dir()}: field reports are placed in "
                       "the district of the nearest known place (approximate, about 9 in 10 "
                       "land in their own district; no dong). Set DASAN_SHARED_DATA to the "
                       "folder with seoul-maps/ for the real boundaries")
    with session_scope() as session:
        from dasan.complaints.demo_reports import seed_demo_reports, use_district_desk

        desks = use_district_desk(session)
        reports = seed_demo_reports(session)
        typer.echo(f"field reports: {reports} sample reports; {desks} agencies work on the "
                   "district desk (`dasan complaints endpoint AGENCY URL` sets a webhook)")
    typer.echo("demo accounts: admin, supervisor, agent1, kbeditor, district, analyst "
               "(password dasan1234!)")
    if serve_after:
        from dasan.scheduler import Scheduler

        Scheduler().start_background()  # issue alerter + KB reminders in this one process
        if voice:
            from dasan.voice.cli import start_background_gateway

            start_background_gateway()
        serve(host=None, port=None, workers=1)


@app.command()
def worker(
    tick: Annotated[float, typer.Option(min=1.0, help="seconds between checks")] = 10.0,
    once: Annotated[bool, typer.Option(help="run every job once and exit")] = False,
) -> None:
    """Run periodic jobs: issue-alerter scan (5 min), KB review reminders (daily)."""
    from dasan.scheduler import Scheduler

    scheduler = Scheduler()
    if once:
        for name, n in scheduler.run_due().items():
            typer.echo(f"{name}: {n}")
        return
    typer.echo("worker running (Ctrl+C to stop)")
    scheduler.loop(tick)


@app.command()
def generate(
    start: Annotated[str, typer.Option(help="first day, YYYY-MM-DD")],
    days: Annotated[int, typer.Option(min=1, max=3660)] = 1,
    seed: int = 120,
) -> None:
    """Append a generated consultation history to the database."""
    from dasan.db.session import session_scope
    from dasan.demo import write_history

    try:
        first = date.fromisoformat(start)
    except ValueError as exc:
        raise fail(f"--start must be YYYY-MM-DD, got {start!r}") from exc
    try:
        with session_scope() as session:
            n = write_history(session, first, days, seed=seed)
    except (ValueError, DomainError) as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"generated {n:,} consultations")


def missing_table(exc: BaseException) -> str | None:
    """The name of the table a database error says is missing (SQLite "no such table: x",
    PostgreSQL 'relation "x" does not exist'), looking through the exception's causes; None
    for any other error. Reads the message only, so the CLI need not import SQLAlchemy."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current)
        if "no such table:" in text:
            return text.split("no such table:", 1)[1].split()[0].strip("'\"")
        if "relation \"" in text and "does not exist" in text:
            return text.split("relation \"", 1)[1].split("\"", 1)[0]
        current = current.__cause__ or current.__context__
    return None


def main() -> None:
    """The `dasan` entry point: the Typer app, with a database that no migration has
    created (or an older schema) reported as a command-line error naming the fix, instead of
    a SQLAlchemy traceback, for every command that reads the database."""
    try:
        app()
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in ("sqlalchemy", "psycopg", "sqlite3"):
            raise
        table = missing_table(exc)
        if table is None:
            raise
        url = re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", config.get_settings().database_url)
        typer.secho(f"error: the database at {url} has no table {table!r}: its schema is "
                    "missing or older than this version. Run `dasan db upgrade` first.",
                    fg=typer.colors.RED, err=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
