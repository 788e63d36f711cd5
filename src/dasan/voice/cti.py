"""CTI: call events to the agent desktop and desktop commands to the gateway, over pub/sub.

Attended transfer: `consult` (the caller holds, the agent talks to the target), then
`complete` (the target takes the caller) or `retrieve` (back to the caller). Targets:
`queue:<code>`, `agent:<id>`, or `external:<number>` (an outside line, dialled through
`DASAN_VOICE_EXTERNAL_URI`; the call then counts as transferred out of the center).

Interpreter conference (issue 14): `interpreter` with `agent:<id>` or `external:<number>`
rings a third party and, when they answer, the call becomes a three-way conference (each
party hears the other two); `drop_interpreter` ends it (the call goes on two-way).

Events go to the agent's own channel (`agent:<id>`, the one the chat desktop already listens
to) and carry only the masked caller number. Commands (hold, resume, transfer, hang-up,
answer, warn) are published by the API on `voice:commands` and carried out by the gateway process
that holds the call; with `memory://` pub/sub that is only the same process, so a separate
`dasan voice` needs Redis (`DASAN_PUBSUB_URL`).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from dasan.chat.hub import agent_channel
from dasan.chat.pubsub import PubSub
from dasan.errors import Invalid

COMMANDS_CHANNEL = "voice:commands"
ACTIONS = ("answer", "hold", "resume", "transfer", "consult", "complete", "retrieve", "hangup",
           "warn", "interpreter", "drop_interpreter")
Action = Literal["answer", "hold", "resume", "transfer", "consult", "complete", "retrieve",
                 "hangup", "warn", "interpreter", "drop_interpreter"]
TARGET = re.compile(r"^(queue:[a-z_]{1,32}|agent:\d{1,9}|external:\d{3,15})$")


def event(kind: str, agent_id: int, **fields: Any) -> dict[str, Any]:
    return {"type": f"call.{kind}", "agent_id": agent_id, **fields}


async def notify(pubsub: PubSub, agent_id: int, kind: str, **fields: Any) -> None:
    await pubsub.publish(agent_channel(agent_id), event(kind, agent_id, **fields))


def command(action: str, consultation_id: int, agent_id: int, target: str | None = None
            ) -> dict[str, Any]:
    """A checked desktop command (Invalid, 422, when it cannot be carried out as given)."""
    if action not in ACTIONS:
        raise Invalid(f"unknown call action {action!r}; use one of {', '.join(ACTIONS)}",
                      code="call_action")
    if action in ("transfer", "consult") and not target:
        raise Invalid("a transfer needs a target: queue:<code>, agent:<id> or external:<number>",
                      code="transfer_target_invalid")
    if action == "interpreter" and (not target or target.startswith("queue:")):
        raise Invalid("an interpreter is agent:<id>, language:<code> or external:<number>",
                      code="interpreter_target")
    if target is not None and not TARGET.match(target):
        raise Invalid("transfer target must be queue:<code>, agent:<id> or external:<number>",
                      code="transfer_target_invalid")
    return {"action": action, "consultation_id": consultation_id, "agent_id": agent_id,
            "target": target}


async def send(pubsub: PubSub, cmd: dict[str, Any]) -> None:
    await pubsub.publish(COMMANDS_CHANNEL, cmd)
