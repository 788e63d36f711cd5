"""`dasan kb ...`: import the seed FAQ, search, export, remind owners."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dasan.cli_support import fail as _fail
from dasan.cli_support import lazy_module
from dasan.errors import DomainError

config = lazy_module("dasan.config")  # pydantic-settings: loaded on first use

app = typer.Typer(help="Standard Consultation DB (표준상담DB).", no_args_is_help=True)


@app.command("import")
def import_(
    file: Annotated[Path | None, typer.Argument(
        help="a city's export (.csv, .xlsx or .jsonl; columns in docs/kb-import.md)")] = None,
    data: Annotated[Path | None, typer.Option(help="seed data folder (../shared/data)")] = None,
) -> None:
    """Import a city's export FILE, or (without FILE) the seed FAQ files; both upsert."""
    from dasan.db.session import session_scope
    from dasan.knowledge.importer import import_seed_faq

    if file is not None:
        from dasan.knowledge.file_import import ImportFileError, import_file

        try:
            with session_scope() as session:
                file_report = import_file(session, file)
        except ImportFileError as exc:
            raise _fail(str(exc)) from exc
        for row, message in file_report.errors:
            typer.echo(f"row {row}: {message}", err=True)
        typer.echo(f"knowledge base: {file_report}")
        return

    folder = data or config.get_settings().shared_data
    if not folder.is_dir():
        raise _fail(f"no such folder: {folder}")
    try:
        with session_scope() as session:
            report = import_seed_faq(session, folder)
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"knowledge base: {report}")


@app.command("prepare")
def prepare(
    data: Annotated[Path | None, typer.Option(help="seed data folder (../shared/data)")] = None,
) -> None:
    """Classify the seed FAQ's categories once and keep them in var/cache, and train the
    small-talk recogniser into var/models (no database)."""
    from dasan.knowledge.faq_source import load_seed_records

    folder = data or config.get_settings().shared_data
    if not folder.is_dir():
        raise _fail(f"no such folder: {folder}")
    try:
        records = load_seed_records(folder)
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"seed FAQ: {len(records)} records classified and cached")
    from dasan.knowledge import smalltalk

    model = smalltalk.train_from_shared(folder)
    typer.echo(f"small-talk recogniser: trained on {model.trained_on}; threshold "
               f"{model.threshold:.3f}" if model is not None
               else "small-talk recogniser: no songys chit-chat data; not trained")


@app.command()
def search(
    query: str,
    k: Annotated[int, typer.Option(min=1, max=50)] = 5,
    category: str | None = None,
) -> None:
    """Search the knowledge base as the chatbot and the assistant do."""
    from dasan.db.session import session_scope
    from dasan.knowledge.live import get_live_index

    try:
        with session_scope() as session:
            for entry, hit in get_live_index().search(session, query, k, category=category):
                owner = entry.owner.name if entry.owner else "-"
                typer.echo(f"{hit.confidence:5.2f}  #{entry.id:<6} {entry.title}  [{owner}]")
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="file to write")],
    format: Annotated[str, typer.Option(help="csv or jsonl")] = "csv",
) -> None:
    """Export every entry (audited)."""
    from dasan.db.session import session_scope
    from dasan.knowledge.service import export as export_entries

    try:
        with session_scope() as session:
            body = export_entries(session, None, format)
    except (ValueError, DomainError) as exc:
        raise _fail(str(exc)) from exc
    out.write_text(body, encoding="utf-8")
    typer.echo(f"wrote {out}")


@app.command()
def remind() -> None:
    """Remind owner agencies of entries overdue for 현행화."""
    from dasan.db.session import session_scope
    from dasan.knowledge.service import send_reminders

    with session_scope() as session:
        sent = send_reminders(session, date.today())
    typer.echo(f"reminded {len(sent)} agencies about {sum(sent.values())} entries")


@app.command()
def assess() -> None:
    """Re-run the answerability rules and classifier over every entry (nightly: staleness
    moves with the calendar); editors' decisions are kept."""
    from dasan.db.session import session_scope
    from dasan.knowledge.quality import assess_entries
    from dasan.knowledge.service import retire_expired

    with session_scope() as session:
        retired = retire_expired(session)
        counts = assess_entries(session)
    typer.echo(f"retired {len(retired)} entries past their validity date")
    typer.echo(f"answerability: {counts['standard']} standard, {counts['reference']} reference "
               f"records, {counts['needs_review']} waiting for an editor, "
               f"{counts['changed']} changed")


@app.command("gaps")
def gaps_(days: Annotated[int, typer.Option(min=1, max=90)] = 7) -> None:
    """The daily miss-loop job: cluster pending gap events, collect the alerter's "needs an
    answer" topics, and print the clusters citizens asked about most."""
    from dasan.db.session import session_scope
    from dasan.knowledge import gaps

    with session_scope() as session:
        alerts = gaps.collect_alerts(session)
        assigned = gaps.cluster_pending(session)
        rows = gaps.dashboard(session, None, days)
    typer.echo(f"{assigned} pending events clustered, {alerts} alert topics collected")
    for r in rows[:30]:
        owner = r["owner_name"] or "-"
        typer.echo(f"{r['count_week']:4d}x  #{r['id']:<5} {r['label'][:60]}  [{owner}]")
