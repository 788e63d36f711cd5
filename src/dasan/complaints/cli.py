"""`dasan complaints ...`: catalogue, Open311 keys, district endpoints, the dispatcher."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from dasan.cli_support import fail
from dasan.errors import DomainError

app = typer.Typer(help="Field complaints (스마트 불편신고, Open311).", no_args_is_help=True)


@app.command("seed")
def seed() -> None:
    """Load the Seoul service catalogue and default owner rules (idempotent)."""
    from dasan.complaints.catalogue import seed_catalogue
    from dasan.db.session import session_scope

    with session_scope() as session:
        typer.echo(f"services added: {seed_catalogue(session)}")


@app.command("key")
def key(name: str) -> None:
    """Issue an Open311 api_key for a client application (shown once)."""
    from dasan.complaints.clients import issue_key
    from dasan.db.session import session_scope

    with session_scope() as session:
        typer.echo(issue_key(session, name))


@app.command("revoke")
def revoke(prefix: Annotated[str, typer.Argument(help="the key's first 9 characters, o311_xxxx")]
           ) -> None:
    """Revoke an Open311 api_key: refused at once here, by running servers within 30 s."""
    from dasan.complaints.clients import revoke_key
    from dasan.db.session import session_scope

    try:
        with session_scope() as session:
            name = revoke_key(session, prefix).name
    except DomainError as exc:
        raise fail(exc.message) from None
    typer.echo(f"revoked: {name}")


@app.command("endpoint")
def endpoint(
    agency: Annotated[str, typer.Argument(help="agency code, e.g. gu-11545 or city-roads")],
    url: Annotated[str, typer.Argument(help="the agency's webhook (http/https), or 'desk:' "
                                            "when it works on Dasan's district desk")],
    secret: Annotated[str | None, typer.Option(hide_input=True, help="HMAC secret (asked "
                                               "for when a webhook is given without one)")] = None,
    timeout: float = 5.0,
) -> None:
    """Set where an agency receives its reports: its webhook (HMAC-signed with `secret`), or
    `desk:` for an agency that works on Dasan's own district desk."""
    from dasan.complaints.dispatch import DESK, set_endpoint
    from dasan.db.session import session_scope

    if url != DESK and secret is None:
        secret = typer.prompt("secret", hide_input=True)
    try:
        with session_scope() as session:
            set_endpoint(session, agency, url, secret or "", timeout)
    except DomainError as exc:
        raise fail(exc.message) from None
    typer.echo(f"{agency} -> {url}")


@app.command("dispatch")
def dispatch_loop(once: bool = False, idle: float = 1.0) -> None:
    """Run the dispatcher: deliver due reports to the districts (Ctrl-C to stop)."""
    from dasan.complaints import dispatch
    from dasan.db.session import new_session

    logging.basicConfig(level=logging.INFO)
    dispatch.run(new_session, once=once, idle_seconds=idle)


@app.command("sla")
def sla_scan() -> None:
    """Escalate reports past their SLA deadlines."""
    from dasan.complaints.jobs import escalate

    typer.echo(f"escalated: {escalate()}")
