"""`dasan channels ...`: the outbox worker, the SMPP receiver, idle closing, dead letters."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dasan.cli_support import fail

PASS = 500  # outbox items claimed per pass

app = typer.Typer(help="Written channels: SMS, messengers, Q&A board (문자·민간포털·홈페이지).",
                  no_args_is_help=True)


@app.command("worker")
def worker(
    interval: Annotated[float, typer.Option(help="seconds between passes")] = 1.0,
    once: Annotated[bool, typer.Option(help="one pass, then exit")] = False,
) -> None:
    """Deliver due outbox items (SMS, messenger replies) and close idle threads."""
    import asyncio

    from dasan.channels import desk, outbox
    from dasan.channels.errors import NotConfigured
    from dasan.channels.senders import build_senders
    from dasan.db.session import new_session, session_scope

    async def run() -> None:
        try:
            senders = build_senders()
        except NotConfigured as exc:
            raise fail(exc.message) from None
        while True:
            report = await outbox.deliver_due(new_session, senders, limit=PASS)
            with session_scope() as s:
                closed = desk.close_idle(s)
            if report.attempted or closed:
                typer.echo(f"sent {report.sent}, retry {report.retried}, dead {report.dead}, "
                           f"idle-closed {closed}")
            if once:
                return
            if report.attempted < PASS:  # a full pass means more are due: no pause
                await asyncio.sleep(interval)

    asyncio.run(run())


@app.command("smpp-receive")
def smpp_receive() -> None:
    """Bind to the SMSC (DASAN_SMPP_*) and take citizens' SMS and delivery receipts."""
    from dasan.channels.senders import sms_gateway_from_settings
    from dasan.channels.sms import service
    from dasan.channels.sms.port import DeliveryReceipt, InboundSms
    from dasan.channels.sms.smpp_gateway import SmppGateway
    from dasan.chat.pubsub import make_pubsub
    from dasan.config import get_settings
    from dasan.db.session import session_scope

    gateway = sms_gateway_from_settings()
    if not isinstance(gateway, SmppGateway):
        raise fail("set DASAN_SMS_ADAPTER=smpp to receive over SMPP")

    # The room's live events (the desktops' `written` push, a crisis alert) reach the web
    # processes through Redis (DASAN_PUBSUB_URL=redis://...; memory:// reaches no socket).
    pubsub = make_pubsub(get_settings().pubsub_url)

    async def handle(event: InboundSms | DeliveryReceipt | str) -> None:
        if isinstance(event, str):
            typer.echo(f"dropped: {event}", err=True)
            return
        events: list[tuple[str, dict[str, Any]]] = []
        with session_scope() as s:
            if isinstance(event, DeliveryReceipt):
                service.apply_receipt(s, event)
            else:
                result = service.receive(s, event)
                events = list(result.intake.events) if result.intake else []
        for channel, live_event in events:  # after the commit
            await pubsub.publish(channel, live_event)

    import asyncio

    async def run() -> None:
        while True:
            await gateway.receive(handle)
            await asyncio.sleep(2.0)  # the session dropped: bind again

    asyncio.run(run())


@app.command("dead-letters")
def dead_letters(
    requeue: Annotated[int | None, typer.Option(help="give this item another round")] = None,
) -> None:
    """List outbox items that gave up (or requeue one)."""
    from dasan.channels import outbox
    from dasan.db.session import session_scope

    with session_scope() as s:
        if requeue is not None:
            if outbox.requeue(s, requeue) is None:
                raise fail(f"no dead outbox item {requeue}")
            typer.echo(f"requeued {requeue}")
            return
        for item in outbox.dead_letters(s):
            typer.echo(f"{item.id}\t{item.kind}\t{item.attempts}\t{item.last_error}")
