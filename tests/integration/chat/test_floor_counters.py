"""The live floor's counters (ADR 0010). That they equal the full scan after every commit of
every chat path is checked inside `test_outcome_paths` (it drives every path already)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from dasan.chat import desk, hub
from dasan.db import floor_counters
from dasan.db.models import Consultation


def test_a_core_update_is_counted(db: Session) -> None:
    """What a claim or a release does (a Core UPDATE) moves the counters too."""
    cid = int(hub.open_chat(db).result["consultation_id"])
    assert floor_counters.read(db) == {(0, "bot"): 1}
    db.execute(update(Consultation).where(Consultation.id == cid)
               .values(status="closed", outcome="bot_unresolved"))
    db.commit()
    assert floor_counters.read(db) == floor_counters.scan_counts(db) == {}


def test_overview_counts_come_from_the_counters(db: Session, kb: dict[str, int]) -> None:
    cid = int(hub.open_chat(db).result["consultation_id"])
    hub.store_citizen_message(db, cid, "여권 재발급은 어떻게 하나요?", None)
    hub.request_handoff(db, cid)
    view = desk.overview(db)
    assert sum(q["waiting"] for q in view["queues"]) == 1
    assert [w["id"] for w in view["waiting"]] == [cid]
    assert view["bot_sessions"] == 0
    hub.citizen_leave(db, cid)
    assert sum(q["waiting"] for q in desk.overview(db)["queues"]) == 0


def test_waits_and_handle_times_carry_sla_colours(db: Session, kb: dict[str, int]) -> None:
    """Issue 11: live SLA colours and thresholds on waits and on handle times."""
    from datetime import timedelta

    from sqlalchemy import select

    from dasan.db.base import utcnow
    from dasan.db.models import Agent

    cid = int(hub.open_chat(db).result["consultation_id"])
    hub.store_citizen_message(db, cid, "여권 재발급은 어떻게 하나요?", None)
    hub.request_handoff(db, cid)
    c = db.get(Consultation, cid)
    assert c is not None
    view = desk.overview(db)
    assert view["sla"] == {"warn_seconds": 60.0, "alert_seconds": 180.0,
                           "handle_warn_seconds": 600.0, "handle_alert_seconds": 900.0}
    assert [w["sla"] for w in view["waiting"]] == ["ok"]
    for back, colour in ((70, "warn"), (200, "alert")):
        c.queued_at = utcnow() - timedelta(seconds=back)
        db.commit()
        assert [w["sla"] for w in desk.overview(db)["waiting"]] == [colour]
    agent = db.scalars(select(Agent).order_by(Agent.id)).first()
    assert agent is not None
    for back, colour in ((30, "ok"), (700, "warn"), (1000, "alert")):
        c.agent_id, c.answered_at = agent.id, utcnow() - timedelta(seconds=back)
        db.commit()
        live = desk.overview(db)["live"]
        assert [(row["id"], row["sla"]) for row in live] == [(cid, colour)]
        assert back <= live[0]["seconds"] < back + 30


def _full_scan(db: Session) -> dict[tuple[int, str], int]:
    """The floor counted the way the overview's lists and the router see it, from a scan of
    `consultations` with `router.live_chat()` (a chat channel and not a written thread)."""
    from sqlalchemy import func, select

    from dasan.routing import router

    db.expire_all()
    out: dict[tuple[int, str], int] = {}
    opened = (Consultation.status == "open", router.live_chat())
    for q, n in db.execute(select(Consultation.queue_id, func.count()).where(
            *opened, Consultation.queue_id.is_not(None), Consultation.agent_id.is_(None))
            .group_by(Consultation.queue_id)):
        out[(int(q), "waiting")] = int(n)
    for q, n in db.execute(select(Consultation.queue_id, func.count()).where(
            *opened, Consultation.agent_id.is_not(None)).group_by(Consultation.queue_id)):
        out[(int(q or 0), "live")] = int(n)  # no queue (an agent's own chat) counts as 0
    for a, n in router.open_chat_counts(db).items():
        out[(a, "agent")] = n
    bot = db.scalar(select(func.count()).where(
        *opened, Consultation.channel == "chatbot", Consultation.queue_id.is_(None),
        Consultation.agent_id.is_(None))) or 0
    if bot:
        out[(0, "bot")] = int(bot)
    return out


def test_board_questions_are_not_counted_as_chats(db: Session, kb: dict[str, int]) -> None:
    """Q&A board questions share the homepage channel (`web`) with live chats; the counters
    (waiting, live, agent load) count only live chats, as the overview's scan does."""
    from sqlalchemy import select

    from dasan.channels import desk as written_desk
    from dasan.channels import intake
    from dasan.db.models import Agent, User
    from dasan.db.models_channels import WrittenThread

    def ask(title: str) -> WrittenThread:
        """A board question as the board's `submit` takes it in (without its KB suggestion)."""
        taken = intake.take_inbound(db, channel="web", provider="board",
                                    contact_key=f"board:{title}", external_id=f"board:{title}",
                                    text=f"{title}\n\n밤 10시 넘어서도 공사를 합니다.",
                                    acknowledge=False, use_bot=False)
        db.commit()
        t = db.get(WrittenThread, taken.thread_id)
        assert t is not None and t.channel == "web"
        c = db.get(Consultation, t.consultation_id)
        assert c is not None and c.channel == "web" and c.queue_id is not None
        return t

    def agree() -> None:
        db.expire_all()
        counted = floor_counters.read(db)
        assert counted == _full_scan(db)
        assert counted == floor_counters.scan_counts(db)
        db.rollback()  # no open read transaction while the app writes

    bot = int(hub.open_chat(db).result["consultation_id"])  # with the chatbot
    waiting = int(hub.open_chat(db).result["consultation_id"])
    hub.store_citizen_message(db, waiting, "여권 재발급은 어떻게 하나요?", None)
    hub.request_handoff(db, waiting)
    live = int(hub.open_chat(db).result["consultation_id"])
    hub.store_citizen_message(db, live, "여권 재발급은 어떻게 하나요?", None)
    hub.request_handoff(db, live)
    agent = db.scalar(select(Agent).join(User, User.id == Agent.user_id)
                      .where(User.username == "agent1"))
    assert agent is not None
    db.execute(update(Consultation).where(Consultation.id == live).values(agent_id=agent.id))
    db.commit()
    agree()
    before = floor_counters.read(db)

    q1 = ask("야간 공사 소음")
    q2 = ask("가로등 고장")
    agree()
    assert floor_counters.read(db) == before  # two open board questions: nothing moved
    db.rollback()
    user = db.scalar(select(User).where(User.username == "agent1"))
    assert user is not None
    written_desk.claim(db, user, q2.id)  # a board question in an agent's work
    db.commit()
    c2 = db.get(Consultation, q2.consultation_id)
    assert c2 is not None and c2.agent_id == agent.id
    agree()
    assert floor_counters.read(db)[(agent.id, "agent")] == 1  # the live chat only
    # Every bucket moves on the board question's own changes too: re-queued, then closed.
    db.execute(update(Consultation).where(Consultation.id == q2.consultation_id)
               .values(agent_id=None))
    db.execute(update(Consultation).where(Consultation.id == q1.consultation_id)
               .values(status="closed", outcome="answered"))
    db.commit()
    agree()
    assert floor_counters.read(db) == before
    hub.citizen_leave(db, waiting)
    hub.citizen_leave(db, bot)
    agree()


def test_migration_0024_takes_board_questions_off_the_floor(database_url: str) -> None:
    """0024_11 on both backends: before it an open board question is counted as a waiting chat;
    the upgrade rebuilds the counters without it; a thread removed puts its consultation back."""
    from sqlalchemy import delete, text

    from dasan.channels import intake
    from dasan.db.migrate import downgrade, upgrade
    from dasan.db.models_channels import ChannelMessage, WrittenThread
    from dasan.db.session import new_session

    with new_session(database_url) as s:
        taken = intake.take_inbound(s, channel="web", provider="board", contact_key="board:m",
                                    external_id="board:m", text="가로등이 꺼져 있습니다.",
                                    acknowledge=False, use_bot=False)
        s.commit()
        queue = s.get(Consultation, s.get(WrittenThread, taken.thread_id).consultation_id)
        assert queue is not None and queue.queue_id is not None
        key = (int(queue.queue_id), "waiting")
        assert floor_counters.read(s).get(key) is None
    try:
        downgrade(database_url, "0018_voice")
        with new_session(database_url) as s:
            old = {(int(q), str(m)): int(n) for q, m, n in
                   s.execute(text(floor_counters.scan_sql(threads=False))) if n}
            assert floor_counters.read(s) == old and old[key] == 1
        upgrade(database_url)
        with new_session(database_url) as s:
            assert floor_counters.read(s) == floor_counters.scan_counts(s)
            assert floor_counters.read(s).get(key) is None
            s.execute(delete(ChannelMessage).where(ChannelMessage.thread_id == taken.thread_id))
            s.execute(delete(WrittenThread).where(WrittenThread.id == taken.thread_id))
            s.commit()
            assert floor_counters.read(s) == floor_counters.scan_counts(s)
            assert floor_counters.read(s)[key] == 1  # no longer a thread: a waiting chat
    finally:
        upgrade(database_url)
