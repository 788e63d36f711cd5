"""Interpreting a flow for one call, and the dry run that uses the very same interpreter.

The interpreter talks to the call only through `CallIO` (play a prompt, wait for a digit), so
`simulate` runs a flow with scripted digits and a chosen clock, and returns the path and the
prompts a caller would have heard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, Protocol
from zoneinfo import ZoneInfo

from dasan.voice.flows.schema import (
    AttributeNode,
    BotNode,
    Flow,
    HangupNode,
    HoursNode,
    MenuNode,
    PlayNode,
    QueueNode,
    SetNode,
)

if TYPE_CHECKING:
    import holidays

SEOUL = ZoneInfo("Asia/Seoul")
MAX_STEPS = 200
DEFAULT_DIGIT_TIMEOUT = 5.0


class CallIO(Protocol):
    async def play(self, prompt_key: str, *, barge_in: bool) -> None:
        """Play a prompt; a digit pressed meanwhile stops it and stays queued for `digit`."""
        ...

    async def digit(self, timeout: float) -> str | None:
        """The next digit, or None after `timeout` seconds without one. A choice made on the
        visible-ARS page arrives here too, as a `web:...` input (see `_web_input`)."""
        ...


# Inputs from the visible-ARS page (dasan.voice.visible_ars), delivered like digits:
# `web:go:<node>` jump to a node of the flow, `web:say:<node>` hear that leaf's short answer
# (then the menu again), `web:end:<reason>` end the ARS (callback booked, answer sent by SMS).
WEB_INPUT = "web:"
WEB_END = "web:end:"


BOT_RESOLVED = "bot_resolved"


@dataclass(frozen=True)
class BotVerdict:
    """How a callbot node ended: `resolved` (the caller was answered) or `handoff` (to
    `queue`, or the node's own handoff queue when None)."""

    kind: Literal["resolved", "handoff"]
    queue: str | None = None


@dataclass(frozen=True)
class CallerAttributes:
    malicious: bool = False
    welfare_line: bool = False


@dataclass
class FlowResult:
    kind: Literal["queue", "hangup"]
    path: list[str] = field(default_factory=list)  # node ids and "key:<digit>" steps
    digits: list[str] = field(default_factory=list)
    queue: str | None = None
    language: str = "ko"
    priority: int = 0
    reason: str = ""
    link_offered: bool = False

    @property
    def ars_option(self) -> str | None:
        """The menu keys pressed, e.g. `1` or `9-1` (stored on the consultation)."""
        return "-".join(self.digits)[:8] or None


@lru_cache(maxsize=8)
def _kr_holidays(year: int) -> holidays.HolidayBase:
    import holidays  # on the first holiday check, not with the web app

    return holidays.country_holidays("KR", years=[year])


def is_holiday(day: date) -> bool:
    return day in _kr_holidays(day.year)


def _open(node: HoursNode, now: datetime) -> bool:
    local = now.astimezone(SEOUL) if now.tzinfo else now.replace(tzinfo=SEOUL)
    day = local.date()
    if is_holiday(day):
        hours = node.holiday
    elif day.weekday() == 5:
        hours = node.saturday
    elif day.weekday() == 6:
        hours = node.sunday
    else:
        hours = node.weekday
    if hours is None:
        return False
    hhmm = local.strftime("%H:%M")
    start, end = hours
    return start <= hhmm < end or (end == "24:00" and hhmm >= start)


async def run(flow: Flow, io: CallIO, caller: CallerAttributes, now: datetime,
              digit_timeout: float | None = None) -> FlowResult:
    result = FlowResult(kind="hangup")
    nid = flow.start
    if flow.visible_ars is not None and flow.visible_ars.mode == "auto":
        await _offer_link(io, result)
    for _ in range(MAX_STEPS):
        if nid.startswith(WEB_END):
            result.reason = nid
            return result
        node = flow.nodes[nid]
        result.path.append(nid)
        if isinstance(node, AttributeNode):
            nid = node.then if getattr(caller, node.attr) else node.else_
        elif isinstance(node, HoursNode):
            nid = node.open if _open(node, now) else node.closed
        elif isinstance(node, PlayNode):
            if node.enabled:
                await io.play(node.prompt, barge_in=False)
            nid = node.next
        elif isinstance(node, SetNode):
            result.priority = max(result.priority, node.priority)
            nid = node.next
        elif isinstance(node, QueueNode):
            result.kind, result.queue = "queue", node.queue
            result.language = node.language or "ko"
            result.priority = max(result.priority, node.priority)
            result.reason = node.label or node.queue
            return result
        elif isinstance(node, HangupNode):
            if node.prompt:
                await io.play(node.prompt, barge_in=False)
            result.reason = node.label or nid
            return result
        elif isinstance(node, BotNode):
            bot = getattr(io, "bot", None)
            verdict = await bot(node) if bot is not None else BotVerdict("handoff")
            result.path.append(f"bot:{verdict.kind}")
            if verdict.kind == "resolved":
                result.reason = BOT_RESOLVED
                return result
            target = flow.nodes[node.handoff]
            assert isinstance(target, QueueNode)
            result.kind, result.queue = "queue", verdict.queue or target.queue
            result.language = target.language or "ko"
            result.priority = max(result.priority, target.priority)
            result.reason = f"bot_handoff:{result.queue}"
            return result
        elif isinstance(node, MenuNode):
            nid = await _menu(flow, node, io, result, node.timeout or digit_timeout
                              or DEFAULT_DIGIT_TIMEOUT)
    result.reason = "step limit"
    return result


async def _offer_link(io: CallIO, result: FlowResult) -> None:
    """Send the visible-ARS link (an optional CallIO verb: a dry run just notes it)."""
    offer = getattr(io, "offer_link", None)
    sent = bool(await offer()) if offer is not None else True
    result.link_offered = True
    result.path.append("visible_ars:sent" if sent else "visible_ars:unavailable")


async def _web_input(flow: Flow, node: MenuNode, io: CallIO, result: FlowResult, step: str
                     ) -> str | None:
    """A visible-ARS choice: the node to go to (or a `web:end:` marker), None to stay."""
    kind, _, target = step[len(WEB_INPUT):].partition(":")
    if kind == "go" and target in flow.nodes:
        result.path.append(step)
        key = next((d for d, n in node.options.items() if n == target), "w")
        result.digits.append(key)
        return target
    if kind == "say" and target in flow.nodes:
        result.path.append(step)
        await io.play(f"answer:{target}", barge_in=True)
        return None
    if kind == "end" and target:
        result.path.append(step)
        return WEB_END + target
    result.path.append("web:ignored")
    return None


async def _menu(flow: Flow, node: MenuNode, io: CallIO, result: FlowResult, timeout: float
                ) -> str:
    failures = 0
    setting = flow.visible_ars
    offer = setting is not None and setting.mode == "offer" and setting.key is not None
    while True:
        await io.play(node.prompt, barge_in=True)
        if offer and not result.link_offered and io_idle(io):
            result.link_offered = True  # once per call, after the first menu's prompt
            await io.play("visible_ars_offer", barge_in=True)
        digit = await io.digit(timeout)
        if digit is not None and digit.startswith(WEB_INPUT):
            nxt = await _web_input(flow, node, io, result, digit)
            if nxt is not None:
                return nxt
            continue
        if offer and setting is not None and digit == setting.key:
            await _offer_link(io, result)
            continue
        if digit is not None and digit == node.repeat:
            result.path.append("repeat")
            continue
        if digit is not None and digit in node.options:
            result.path.append(f"key:{digit}")
            result.digits.append(digit)
            return node.options[digit]
        failures += 1
        result.path.append("no_input" if digit is None else f"invalid:{digit}")
        if failures > node.retries:
            result.path.append("retries_exhausted")
            return node.on_fail
        follow = node.no_input_prompt if digit is None else node.invalid_prompt
        if follow:
            await io.play(follow, barge_in=True)


def io_idle(io: CallIO) -> bool:
    """No input waiting (an optional CallIO query; True when the IO cannot tell)."""
    pending = getattr(io, "input_pending", None)
    return not pending() if pending is not None else True


# --- dry run ----------------------------------------------------------------------------------


class ScriptedIO:
    """Digits from a script (None = the caller presses nothing), prompts written down."""

    def __init__(self, digits: list[str | None]) -> None:
        self.script = list(digits)
        self.heard: list[str] = []

    async def play(self, prompt_key: str, *, barge_in: bool) -> None:
        self.heard.append(prompt_key)

    async def digit(self, timeout: float) -> str | None:
        return self.script.pop(0) if self.script else None


@dataclass
class Simulation:
    result: FlowResult
    prompts: list[str]
    unused_digits: list[str | None]


async def simulate(flow: Flow, digits: list[str | None], caller: CallerAttributes,
                   now: datetime | None = None) -> Simulation:
    io = ScriptedIO(digits)
    result = await run(flow, io, caller, now or datetime.now(SEOUL), digit_timeout=0.01)
    return Simulation(result, io.heard, io.script)


def at_time(day: date, hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=SEOUL)
