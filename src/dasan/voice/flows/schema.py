"""Flow documents: the node types, and validation beyond the shape (references, loops).

A flow is `{"name", "start", "nodes": {id: node}, "prompts": {key: text | {text, language}}}`.
Node types:
* `attribute`: branch on a caller attribute (`malicious`, `welfare_line`): `then` / `else`;
* `hours`: open/closed by weekday, Saturday, Sunday and Korean public holiday (`holidays`):
  `open` / `closed`, each day `["HH:MM", "HH:MM"]` or null (closed all day);
* `play`: an announcement (skipped while `enabled` is false), then `next`;
* `menu`: a prompt and digit options -> node; `repeat` digit, `timeout`, `retries` for invalid
  and no-input with their prompts, `on_fail` after the last retry;
* `set`: raise the call's priority, then `next`;
* `queue`: leave the ARS into a queue (`queue` code, optional `language`, `priority`);
* `hangup`: optional prompt, then end the call in the ARS;
* `bot`: the AI callbot (말씀으로 문의하세요, issue 14): the caller speaks, the KB answers by TTS
  when confident; otherwise (or on request, or after `max_turns`) the call goes to `handoff`
  (a queue node), or to the queue the bot's best guess belongs to.

`visible_ars` (optional, issue 14): `{"mode": "offer" | "auto", "key": "#", "answers": {node:
query}}` offers the caller the visible-ARS link by SMS (`offer`: after the first menu prompt,
prompt `visible_ars_offer`, the caller presses `key`; `auto`: sent when the call starts).
`answers` overrides the KB query of a leaf's short answer on the page (default: its label).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from dasan.errors import Invalid

DIGITS = re.compile(r"[0-9*#]")
HHMM = re.compile(r"([01]\d|2[0-4]):[0-5]\d")
LANGS = ("ko", "en", "zh", "ja", "vi", "mn")


class FlowInvalid(Invalid):
    code = "flow_invalid"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:10]))
        self.problems = problems


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    label: str | None = None


class AttributeNode(_Node):
    type: Literal["attribute"]
    attr: Literal["malicious", "welfare_line"]
    then: str
    else_: str = Field(alias="else")


class HoursNode(_Node):
    type: Literal["hours"]
    weekday: tuple[str, str] | None = ("00:00", "24:00")
    saturday: tuple[str, str] | None = ("00:00", "24:00")
    sunday: tuple[str, str] | None = ("00:00", "24:00")
    holiday: tuple[str, str] | None = ("00:00", "24:00")
    open: str
    closed: str


class PlayNode(_Node):
    type: Literal["play"]
    prompt: str
    next: str
    enabled: bool = True


class MenuNode(_Node):
    type: Literal["menu"]
    prompt: str
    options: dict[str, str]
    repeat: str | None = "*"
    timeout: float | None = Field(default=None, gt=0, le=60)
    retries: int = Field(default=2, ge=0, le=5)
    invalid_prompt: str | None = None
    no_input_prompt: str | None = None
    on_fail: str


class SetNode(_Node):
    type: Literal["set"]
    priority: int = Field(ge=-10, le=20)
    next: str


class QueueNode(_Node):
    type: Literal["queue"]
    queue: str
    language: str | None = None
    priority: int = Field(default=0, ge=-10, le=20)


class HangupNode(_Node):
    type: Literal["hangup"]
    prompt: str | None = None


class BotNode(_Node):
    type: Literal["bot"]
    prompt: str
    handoff: str
    max_turns: int = Field(default=2, ge=1, le=5)
    listen_seconds: float = Field(default=8.0, gt=0, le=60)


Node = Annotated[AttributeNode | HoursNode | PlayNode | MenuNode | SetNode | QueueNode
                 | HangupNode | BotNode, Field(discriminator="type")]


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=1000)
    language: str = "ko"


class VisibleArsSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["offer", "auto"] = "offer"
    key: str | None = "#"
    answers: dict[str, str] = Field(default_factory=dict)


class Flow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")
    start: str
    nodes: dict[str, Node]
    prompts: dict[str, Prompt | str]
    visible_ars: VisibleArsSetting | None = None

    def prompt(self, key: str) -> Prompt:
        p = self.prompts[key]
        return p if isinstance(p, Prompt) else Prompt(text=p)


_FLOW = TypeAdapter(Flow)


def _targets(node: Any) -> list[str]:
    if isinstance(node, AttributeNode):
        return [node.then, node.else_]
    if isinstance(node, HoursNode):
        return [node.open, node.closed]
    if isinstance(node, PlayNode | SetNode):
        return [node.next]
    if isinstance(node, MenuNode):
        return [*node.options.values(), node.on_fail]
    if isinstance(node, BotNode):
        return [node.handoff]
    return []


def _prompts(node: Any) -> list[str]:
    keys = [getattr(node, "prompt", None), getattr(node, "invalid_prompt", None),
            getattr(node, "no_input_prompt", None)]
    return [k for k in keys if k]


def validate(doc: dict[str, Any], known_queues: set[str] | None = None) -> Flow:
    """The parsed flow, or FlowInvalid listing every problem found."""
    try:
        flow = _FLOW.validate_python(doc)
    except ValidationError as exc:
        raise FlowInvalid([f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                           for e in exc.errors()]) from None
    problems: list[str] = []
    if flow.start not in flow.nodes:
        problems.append(f"start node {flow.start!r} does not exist")
    for nid, node in flow.nodes.items():
        for target in _targets(node):
            if target not in flow.nodes:
                problems.append(f"{nid}: goes to unknown node {target!r}")
        for key in _prompts(node):
            if key not in flow.prompts:
                problems.append(f"{nid}: unknown prompt {key!r}")
        if isinstance(node, MenuNode):
            for digit in [*node.options, *([node.repeat] if node.repeat else [])]:
                if not DIGITS.fullmatch(digit):
                    problems.append(f"{nid}: option {digit!r} is not one key (0-9, *, #)")
            if node.repeat and node.repeat in node.options:
                problems.append(f"{nid}: {node.repeat!r} is both repeat and an option")
            if not node.options:
                problems.append(f"{nid}: a menu needs at least one option")
        if isinstance(node, HoursNode):
            for day in (node.weekday, node.saturday, node.sunday, node.holiday):
                if day and not all(HHMM.fullmatch(t) for t in day):
                    problems.append(f"{nid}: hours must be HH:MM, got {list(day)}")
                elif day and day[0] >= day[1]:
                    problems.append(f"{nid}: opening {day[0]} is not before closing {day[1]}")
        if isinstance(node, BotNode) and not isinstance(flow.nodes.get(node.handoff), QueueNode):
            problems.append(f"{nid}: handoff must be a queue node")
        if isinstance(node, QueueNode):
            if known_queues is not None and node.queue not in known_queues:
                problems.append(f"{nid}: unknown queue {node.queue!r}")
            if node.language is not None and node.language not in LANGS:
                problems.append(f"{nid}: unknown language {node.language!r}")
    for key, prompt in flow.prompts.items():
        p = flow.prompt(key)
        if p.language not in LANGS:
            problems.append(f"prompt {key}: unknown language {p.language!r}")
        del prompt
    problems += _visible_ars_problems(flow)
    if not problems:
        problems += _loops_without_input(flow)
        reachable = _reachable(flow)
        problems += [f"{nid}: unreachable from {flow.start!r}"
                     for nid in flow.nodes if nid not in reachable]
    if problems:
        raise FlowInvalid(problems)
    return flow


def _visible_ars_problems(flow: Flow) -> list[str]:
    setting = flow.visible_ars
    if setting is None:
        return []
    problems = [f"visible_ars.answers: unknown node {nid!r}" for nid in setting.answers
                if nid not in flow.nodes]
    if setting.mode == "offer":
        if setting.key is None or not DIGITS.fullmatch(setting.key):
            problems.append("visible_ars.key must be one key (0-9, *, #)")
        if "visible_ars_offer" not in flow.prompts:
            problems.append("visible_ars: mode offer needs the prompt 'visible_ars_offer'")
        for nid, node in flow.nodes.items():
            if isinstance(node, MenuNode) and setting.key in (*node.options, node.repeat):
                problems.append(f"{nid}: key {setting.key!r} is also the visible-ARS key")
    return problems


def _reachable(flow: Flow) -> set[str]:
    seen: set[str] = set()
    todo = [flow.start]
    while todo:
        nid = todo.pop()
        if nid in seen:
            continue
        seen.add(nid)
        todo += _targets(flow.nodes[nid])
    return seen


def _loops_without_input(flow: Flow) -> list[str]:
    """A cycle that passes no menu would spin forever without the caller doing anything."""
    graph = {nid: ([] if isinstance(n, MenuNode) else _targets(n)) for nid, n in
             flow.nodes.items()}
    state: dict[str, int] = {}
    problems: list[str] = []

    def visit(nid: str) -> None:
        state[nid] = 1
        for nxt in graph[nid]:
            if state.get(nxt) == 1:
                problems.append(f"{nid} -> {nxt}: a loop that waits for no input")
            elif nxt not in state:
                visit(nxt)
        state[nid] = 2

    for nid in graph:
        if nid not in state:
            visit(nid)
    return problems
