"""Interpreting a flow for one call, and the dry run that uses the very same interpreter.

The interpreter talks to the call only through `CallIO` (play a prompt, wait for a digit), so
`simulate` runs a flow with scripted digits and a chosen clock, and returns the path and the
prompts a caller would have heard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

import holidays

from dasan.voice.flows.schema import (
    AttributeNode,
    Flow,
    HangupNode,
    HoursNode,
    MenuNode,
    PlayNode,
    QueueNode,
    SetNode,
)

SEOUL = ZoneInfo("Asia/Seoul")
MAX_STEPS = 200
DEFAULT_DIGIT_TIMEOUT = 5.0


class CallIO(Protocol):
    async def play(self, prompt_key: str, *, barge_in: bool) -> None:
        """Play a prompt; a digit pressed meanwhile stops it and stays queued for `digit`."""
        ...

    async def digit(self, timeout: float) -> str | None:
        """The next digit, or None after `timeout` seconds without one."""
        ...


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

    @property
    def ars_option(self) -> str | None:
        """The menu keys pressed, e.g. `1` or `9-1` (stored on the consultation)."""
        return "-".join(self.digits)[:8] or None


@lru_cache(maxsize=8)
def _kr_holidays(year: int) -> holidays.HolidayBase:
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
    for _ in range(MAX_STEPS):
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
        elif isinstance(node, MenuNode):
            nid = await _menu(node, io, result, node.timeout or digit_timeout
                              or DEFAULT_DIGIT_TIMEOUT)
    result.reason = "step limit"
    return result


async def _menu(node: MenuNode, io: CallIO, result: FlowResult, timeout: float) -> str:
    failures = 0
    while True:
        await io.play(node.prompt, barge_in=True)
        digit = await io.digit(timeout)
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
