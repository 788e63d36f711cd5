"""The gateway side of visible ARS: send the link from the call, carry out the page's choices on
the live call, and say how an ARS ended by the page counts.

A choice reaches the call the way a key press does: in the ARS it is put on the call's digit
queue as a `web:...` input (so it stops the prompt playing, like DTMF barge-in, and the flow
engine takes it in the menu); in the queue it changes the call's queue or ends the call.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from dasan.voice.flows.engine import BOT_RESOLVED, WEB_END, FlowResult
from dasan.voice.flows.schema import QueueNode
from dasan.voice.visible_ars import service

if TYPE_CHECKING:
    from dasan.voice.gateway import Call, Gateway

log = logging.getLogger(__name__)

PROMPTS = {
    "visible_ars_sent": "보이는 ARS 주소를 문자로 보내 드렸습니다. "
                        "화면에서 메뉴를 고르셔도 됩니다.",
    "visible_ars_unavailable": "휴대전화가 아니어서 문자를 보내 드릴 수 없습니다.",
}
# How an ARS that the page ended counts on the CDR: (outcome, reason).
ENDINGS = {"callback": ("callback", "visible_ars_callback"),
           "answer_sms": ("bot_resolved", "visible_ars_answer_sms")}


async def send_link(gw: Gateway, call: Call) -> bool:
    """Start a session for the call and queue its SMS; tell the caller what happened."""
    link = None
    if call.record_id is not None and call.caller_digits:
        try:
            link = await gw._db(service.start, call.record_id, call.caller_digits)
        except Exception:
            log.exception("visible ARS link for call %s failed", call.sip_call_id)
    key = "visible_ars_sent" if link else "visible_ars_unavailable"
    await gw._play(call, key, PROMPTS[key], barge_in=True)
    return link is not None


def ars_ending(result: FlowResult) -> tuple[str, str] | None:
    """(CDR outcome, reason) when the page (or the callbot) ended the ARS, else None."""
    if result.reason == BOT_RESOLVED:
        return ("bot_resolved", BOT_RESOLVED)
    if not result.reason.startswith(WEB_END):
        return None
    return ENDINGS.get(result.reason[len(WEB_END):], ("abandoned_in_ars", result.reason))


def answer_text(call: Call, node: str) -> str:
    return call.web_answers.get(node) or "안내할 답변이 없습니다."


async def apply(gw: Gateway, cmd: dict[str, Any]) -> bool:
    """Carry out a page's choice on the call it belongs to (False: no such live call)."""
    call = gw.call_for(int(cmd.get("consultation_id") or 0))
    step = str(cmd.get("input") or "")
    if call is None or call.finished or not step.startswith("web:"):
        return False
    kind, _, target = step[4:].partition(":")
    if call.stage == "ars":
        if kind == "say" and cmd.get("text"):
            call.web_answers[target] = str(cmd["text"])
        try:
            call.rtp.digits.put_nowait(step)
        except asyncio.QueueFull:
            return False
        call.rtp.digit_arrived.set()
        return True
    if call.stage not in ("queue", "offer"):
        return False
    if kind == "end" and target in ENDINGS:
        call.outcome, call.reason = ENDINGS[target]
        gw._end(call)
        return True
    node = gw.flow.nodes.get(target) if (kind == "go" and gw.flow is not None) else None
    if isinstance(node, QueueNode):
        call.queue, call.language = node.queue, node.language or call.language
        call.priority = max(call.priority, node.priority)
        gw._wake.set()
        return True
    return False
