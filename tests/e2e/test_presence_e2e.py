"""Presence and offers in a real browser: an agent who closes the desktop loses the chat to
the other agent; an offer nobody accepts in time goes to the next agent."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select
from test_chat_e2e import citizen_page, db_session, login, release_agent, send

from dasan.db.models import Agent, Consultation, Team
from dasan.db.models_presence import AgentPresence, ContactOffer, TeamSetting

pytestmark = pytest.mark.e2e


def desk(browser: Any, base: str, username: str) -> Any:
    ctx = browser.new_context(locale="ko-KR", viewport={"width": 1400, "height": 900})
    page = login(ctx, base, username, "/agent")
    page.wait_for_selector("#conn.ok")
    page.select_option("#state", "available")  # an earlier test may have left a break
    page.wait_for_selector("#presence:has-text('상담 가능')")
    return page


def agent_id(url: str, employee_no: str) -> int:
    with db_session(url) as s:
        a = s.scalar(select(Agent).where(Agent.employee_no == employee_no))
        assert a is not None
        return a.id


def empty_floor(url: str, browser: Any) -> None:
    """Start from an empty floor: no open chat left by earlier tests (the ghost's released
    chats would take the other agent's capacity first — crisis ones jump the queue) and no
    desk of theirs still open (a second tab keeps an agent present: tabs count as one)."""
    for ctx in list(browser.contexts):
        ctx.close()
    with db_session(url) as s:
        s.execute(delete(ContactOffer))
        for c in s.scalars(select(Consultation).where(Consultation.status == "open")):
            c.status = "closed"
        s.commit()


def wait_for_one_desk_each(url: str, employee_nos: tuple[str, ...], page: Any) -> None:
    """Bounded wait until each agent has exactly the one desk socket this test opened (the
    server counts the closes of earlier tabs as it notices them)."""
    for _ in range(200):
        with db_session(url) as s:
            counts = [s.scalar(select(AgentPresence.sockets).where(
                AgentPresence.agent_id == agent_id(url, no))) for no in employee_nos]
        if counts == [1] * len(employee_nos):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"desk sockets per agent: {counts}")


def test_closing_the_desktop_hands_the_chat_to_the_other_agent(live_server: Any,
                                                              browser: Any) -> None:
    base, url = live_server.base_url, live_server.db_url
    empty_floor(url, browser)
    first, second = desk(browser, base, "agent1"), desk(browser, base, "agent2")
    wait_for_one_desk_each(url, ("A0001", "A0002"), first)
    citizen = citizen_page(browser, base)
    send(citizen, "여권 재발급 문의드립니다")
    citizen.locator("li.msg.from-citizen").first.wait_for()
    citizen.click("#handoff")
    citizen.wait_for_selector("#status[data-phase=live]")
    with db_session(url) as s:
        c = s.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
        assert c is not None and c.agent_id is not None
        cid, owner = c.id, c.agent_id
    ghost, other = (first, second) if owner == agent_id(url, "A0001") else (second, first)
    ghost.locator(".chat-tab").first.wait_for()
    ghost.context.close()  # the agent closes the desktop and never answers

    tab = other.locator(f"#tab-{cid}")
    tab.wait_for()  # the chat moved, with its history
    tab.click()
    other.locator("#log li.msg.from-citizen", has_text="여권 재발급").first.wait_for()
    citizen.locator("li.msg", has_text="다른 상담사에게").wait_for()
    citizen.wait_for_selector("#status[data-phase=live]")
    with db_session(url) as s:
        c = s.get(Consultation, cid)
        assert c is not None and c.agent_id != owner and c.answered_at is None
        ghost_agent = s.get(Agent, owner)
        assert ghost_agent is not None and ghost_agent.state == "away"
    other.context.close()
    citizen.context.close()


def test_an_offer_not_accepted_in_time_goes_to_the_next_agent(live_server: Any,
                                                             browser: Any) -> None:
    base, url = live_server.base_url, live_server.db_url
    with db_session(url) as s:
        # Chats earlier e2e tests left waiting would be offered too: close them first.
        s.execute(delete(ContactOffer))
        for c in s.scalars(select(Consultation).where(Consultation.status == "open")):
            c.status = "closed"
        for team_id in s.scalars(select(Team.id)):
            s.add(TeamSetting(team_id=team_id, auto_accept=False))
        s.commit()
    try:
        for no in ("A0001", "A0002"):
            release_agent(url, no)
        first, second = desk(browser, base, "agent1"), desk(browser, base, "agent2")
        citizen = citizen_page(browser, base)
        send(citizen, "여권 재발급 문의드립니다")
        citizen.locator("li.msg.from-citizen").first.wait_for()
        citizen.click("#handoff")
        citizen.wait_for_selector("#status[data-phase=waiting]")
        # One of the two is offered the chat: a visible offer and a count in the tab title.
        for _ in range(300):  # bounded wait for the offer on either desk
            if first.locator(".offer").count() or second.locator(".offer").count():
                break
            first.wait_for_timeout(100)
        missing = first if first.locator(".offer").count() else second
        taker = second if missing is first else first
        assert missing.title().startswith("(1)")
        # Nobody answers it in time: it goes to the other agent, who accepts.
        taker.locator(".offer").wait_for()
        missing.wait_for_selector("#alert:has-text('다음 상담사')")
        taker.get_by_role("button", name="수락").click()
        citizen.wait_for_selector("#status[data-phase=live]")
        taker.locator(".chat-tab").first.wait_for()
        with db_session(url) as s:
            c = s.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
            assert c is not None
            rows = list(s.scalars(select(ContactOffer).where(
                ContactOffer.consultation_id == c.id).order_by(ContactOffer.id)))
            assert [r.status for r in rows][:1] == ["missed"]
            assert rows[-1].status == "accepted" and rows[-1].agent_id == c.agent_id
        first.context.close()
        second.context.close()
        citizen.context.close()
    finally:
        with db_session(url) as s:
            s.execute(delete(TeamSetting))
            s.commit()
