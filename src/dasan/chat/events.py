"""The chat's events, typed: one model per event type, with its audience.

Every event the chat publishes or a socket sends has a class here. `validate()` checks an event
against its class (the API tests validate every event they see); `for_citizen()` is the one
place that decides what a citizen's socket may receive: citizens never get internal events
(assistant, abuse screening, presence ...) and the chat's state reaches them without internal
fields (citizen id, priority, summary, agent id).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, model_validator

Audience = Literal["chat", "agent", "supervisor", "socket"]


class ChatEvent(BaseModel):
    """Base: `audience` says where the event travels (`chat`: everyone on one chat — the
    citizen and the agents; `agent`: one agent's desktops; `supervisor`: the floor;
    `socket`: the reply to one socket's frame) and `citizen_visible` whether a citizen's
    socket may receive it."""

    model_config = ConfigDict(extra="forbid")
    audience: ClassVar[Audience] = "chat"
    citizen_visible: ClassVar[bool] = False
    type: str


class Attachment(BaseModel):
    """A file in a chat (`flags.attachment` of its message, `flags.kind` "attachment")."""

    model_config = ConfigDict(extra="forbid")
    id: int
    name: str
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size: int


class MessageEvent(ChatEvent):
    citizen_visible: ClassVar[bool] = True
    type: Literal["message"]
    consultation_id: int
    seq: int
    sender: Literal["citizen", "agent", "bot", "system"]
    agent_id: int | None
    body: str
    client_msg_id: str | None
    flags: dict[str, Any]
    at: str | None

    @model_validator(mode="after")
    def _attachment(self) -> MessageEvent:
        if self.flags.get("kind") == "attachment":
            if self.sender not in ("citizen", "agent"):
                raise ValueError("only a citizen or an agent sends files")
            Attachment.model_validate(self.flags.get("attachment"))
        return self


class StateEvent(ChatEvent):
    citizen_visible: ClassVar[bool] = True
    type: Literal["state"]
    consultation: dict[str, Any]


class TypingEvent(ChatEvent):
    citizen_visible: ClassVar[bool] = True
    type: Literal["typing"]
    consultation_id: int
    who: Literal["citizen", "agent"]
    active: bool


class FlagsEvent(ChatEvent):
    type: Literal["flags"]
    consultation_id: int
    seq: int
    flags: dict[str, Any]


class AssignedEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["assigned"]
    consultation: dict[str, Any]


class UnassignedEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["unassigned"]
    consultation_id: int
    why: str | None = None


class OfferEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["offer"]
    offer_id: int
    consultation_id: int
    consultation: dict[str, Any]
    expires_at: str
    timeout_seconds: float
    remaining_seconds: int


class OfferClosedEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["offer_closed"]
    offer_id: int | None
    consultation_id: int
    status: Literal["accepted", "declined", "missed", "withdrawn"]


class PresenceEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["presence"]
    agent_id: int
    state: str
    state_ko: str
    previous: str
    reason: str | None
    reason_ko: str | None
    why: str
    at: str


class ClosedEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["closed"]
    consultation_id: int
    by: str


class AbuseEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["abuse"]
    consultation_id: int
    action: str
    seq: int
    category: str
    severity: int


class BreakOfferedEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["break_offered"]
    consultation_id: int
    minutes: int
    care_id: int | None = None  # answer it at POST /api/protection/care/{care_id}


class AssistEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["assist"]
    consultation_id: int
    items: list[dict[str, Any]]
    draft: bool = False  # from what the citizen is still typing


class CallTranscriptEvent(ChatEvent):
    """One transcribed line of a call, masked, for the agent on it (dasan.stt.live)."""

    audience: ClassVar[Audience] = "agent"
    type: Literal["call.transcript"]
    consultation_id: int | None
    leg: Literal["caller", "agent", "interpreter"]
    seq: int
    start_ms: int
    end_ms: int
    text: str
    flags: dict[str, Any]


class ChangedEvent(ChatEvent):
    audience: ClassVar[Audience] = "supervisor"
    type: Literal["changed"]


class AckEvent(ChatEvent):
    model_config = ConfigDict(extra="allow")  # echoes the step's receipt
    audience: ClassVar[Audience] = "socket"
    citizen_visible: ClassVar[bool] = True
    type: Literal["ack"]
    seq: int | None = None


class ErrorEvent(ChatEvent):
    audience: ClassVar[Audience] = "socket"
    citizen_visible: ClassVar[bool] = True
    type: Literal["error"]
    status: int
    detail: Any
    code: str | None = None
    ref: Any = None


class PongEvent(ChatEvent):
    audience: ClassVar[Audience] = "socket"
    citizen_visible: ClassVar[bool] = True
    type: Literal["pong"]


class StatusEvent(ChatEvent):
    audience: ClassVar[Audience] = "socket"
    citizen_visible: ClassVar[bool] = True
    type: Literal["status"]
    consultation: dict[str, Any]


class RtcEvent(ChatEvent):
    """WebRTC signalling of a sign-language video consultation (`dasan.chat.sign`): an SDP
    offer or answer, an ICE candidate, a request to (re)start the call, or hang-up, relayed
    between the citizen and the chat's agent through the chat's room. Never stored."""

    citizen_visible: ClassVar[bool] = True
    type: Literal["rtc"]
    consultation_id: int
    sender: Literal["citizen", "agent"]
    kind: Literal["offer", "answer", "ice", "restart", "hangup"]
    sdp: str | None = None
    candidate: dict[str, Any] | None = None


class HelloEvent(ChatEvent):
    audience: ClassVar[Audience] = "socket"
    type: Literal["hello"]
    agent: dict[str, Any]
    chats: list[dict[str, Any]]
    offers: list[dict[str, Any]]
    snoozed: list[dict[str, Any]] = []


class SnoozedEvent(ChatEvent):
    """The agent put a chat on hold (보류): the desktop moves it to its 보류 group."""

    audience: ClassVar[Audience] = "agent"
    type: Literal["snoozed"]
    consultation: dict[str, Any]
    until: str | None


class OverviewEvent(ChatEvent):
    model_config = ConfigDict(extra="allow")
    audience: ClassVar[Audience] = "socket"
    type: Literal["overview"]


class CrisisAlertView(BaseModel):
    """A crisis alert as the supervisor floor sees it (excerpt PII-masked when built)."""

    model_config = ConfigDict(extra="forbid")
    id: int
    consultation_id: int
    channel: str
    kind: str
    label_ko: str
    label_en: str
    severity: int
    imminent: bool
    excerpt: str | None
    status: str
    created_at: str | None
    escalations: int
    reescalations: int = 0  # escalations after an acknowledgement
    level: Literal["supervisor", "floor_lead", "department_head"] = "supervisor"
    waiting: bool
    # escalations: still_waiting | left_unanswered | not_acknowledged | not_crisis_trained
    reason: str | None = None


class CrisisOpenEvent(ChatEvent):
    """The open alerts, sent once when a supervisor's socket connects."""

    audience: ClassVar[Audience] = "socket"
    type: Literal["crisis_open"]
    alerts: list[CrisisAlertView]


class CrisisAcknowledgedEvent(ChatEvent):
    audience: ClassVar[Audience] = "supervisor"
    type: Literal["crisis_acknowledged"]
    alert_id: int
    consultation_id: int


class CrisisAlertEvent(ChatEvent):
    audience: ClassVar[Audience] = "supervisor"
    type: Literal["crisis_alert"]
    alert: CrisisAlertView


class CrisisEscalationEvent(ChatEvent):
    audience: ClassVar[Audience] = "supervisor"
    type: Literal["crisis_escalation"]
    alert: CrisisAlertView


class CrisisGuidanceEvent(ChatEvent):
    audience: ClassVar[Audience] = "agent"
    type: Literal["crisis_guidance"]
    consultation_id: int
    kind: str
    severity: int
    imminent: bool
    guidance_ko: str
    guidance_en: str
    handover: list[Any]
    welfare_case: Any


class NoteView(BaseModel):
    """A private note or a whisper as staff see it (body masked when stored)."""

    model_config = ConfigDict(extra="forbid")
    id: int
    kind: Literal["note", "whisper"]
    body: str
    mentions: list[str]
    author: str | None
    at: str


class NoteEvent(ChatEvent):
    """A note or a floor lead's whisper on a chat: staff only, never the citizen (also sent
    to the floor when it @mentions a floor lead)."""

    type: Literal["note"]
    consultation_id: int
    note: NoteView


class TagsEvent(ChatEvent):
    type: Literal["tags"]
    consultation_id: int
    tags: list[str]


class BroadcastEvent(ChatEvent):
    """A floor lead's notice to every agent's desktop."""

    audience: ClassVar[Audience] = "agent"
    type: Literal["broadcast"]
    body: str
    author: str
    at: str


class WrittenEvent(ChatEvent):
    """A written thread changed (a citizen's message, a claim, an answer, a hand-back, the
    close): every agent desktop refreshes its written list, and the open thread, through the
    API (`dasan.channels.live`). Names the thread, never its text."""

    audience: ClassVar[Audience] = "agent"
    type: Literal["written"]
    thread_id: int
    consultation_id: int
    channel: Literal["sms", "portal", "web"]
    change: Literal["message", "claimed", "replied", "closed", "released"]
    status: Literal["open", "claimed", "replied", "closed"]
    claimed_by_agent_id: int | None
    message_id: int | None
    direction: Literal["in", "out"] | None
    at: str


class IssueAlertEvent(ChatEvent):
    """A new issue alert (topic burst), pushed to the floor as it is stored."""

    audience: ClassVar[Audience] = "supervisor"
    type: Literal["issue_alert"]
    alert: dict[str, Any]


class MonitorEvent(ChatEvent):
    """The floor's socket now shows this chat (its backlog follows)."""

    audience: ClassVar[Audience] = "socket"
    type: Literal["monitor"]
    consultation_id: int


class CallEvent(ChatEvent):
    """CTI from the voice gateway to the agent's desktops (`dasan.voice.cti`): the call rings
    (screen pop: masked number, ARS path, queue, wait), is answered, held, resumed, consulted,
    warned, ended; an interpreter rings, joins the conference, leaves it or could not be
    reached. Never sent to citizens."""

    audience: ClassVar[Audience] = "agent"
    type: Literal["call.ringing", "call.answered", "call.held", "call.resumed", "call.ended",
                  "call.warned", "call.consulting", "call.consult_answered",
                  "call.consult_failed", "call.retrieved", "call.interpreter_ringing",
                  "call.interpreter_joined", "call.interpreter_left",
                  "call.interpreter_failed"]
    agent_id: int
    consultation_id: int | None
    caller: str | None = None
    ars_path: list[str] | None = None
    queue: str | None = None
    language: str | None = None
    wait_seconds: float | None = None
    callback: bool | None = None
    consult: bool | None = None
    outcome: str | None = None
    step: str | None = None
    target: str | None = None
    why: str | None = None
    history: list[dict[str, Any]] | None = None
    interpreter: bool | None = None  # the ringing/answered agent is the call's interpreter
    leg_id: int | None = None  # the conference leg on record (call_conference_legs)
    sip_status: int | None = None  # why an interpreter did not join (486 busy, 408 ...)


CALL_EVENT_TYPES: tuple[str, ...] = CallEvent.model_fields["type"].annotation.__args__  # type: ignore[union-attr]

EVENTS: dict[str, type[ChatEvent]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in (MessageEvent, StateEvent, TypingEvent, FlagsEvent, AssignedEvent,
                UnassignedEvent, OfferEvent, OfferClosedEvent, PresenceEvent, ClosedEvent,
                AbuseEvent, BreakOfferedEvent, AssistEvent, ChangedEvent, AckEvent, ErrorEvent,
                PongEvent, StatusEvent, HelloEvent, SnoozedEvent, OverviewEvent,
                CrisisAlertEvent,
                CrisisEscalationEvent, CrisisGuidanceEvent, NoteEvent, TagsEvent,
                BroadcastEvent, IssueAlertEvent, WrittenEvent, MonitorEvent, CallTranscriptEvent,
                CrisisOpenEvent, CrisisAcknowledgedEvent, RtcEvent)
} | {kind: CallEvent for kind in CALL_EVENT_TYPES}

# Fields of a chat's state a citizen may see (the rest is internal).
CITIZEN_STATE_FIELDS = ("id", "phase", "status", "outcome", "language", "queue", "queue_name",
                        "agent_name", "crisis", "subject", "category", "started_at",
                        "queued_at", "answered_at", "position", "waiting",
                        "expected_wait_seconds", "no_agents", "options", "channel")


def validate(event: dict[str, Any]) -> ChatEvent:
    """The event as its class (pydantic ValidationError / KeyError when it does not fit)."""
    return EVENTS[str(event["type"])].model_validate(event)


def for_citizen(event: dict[str, Any]) -> dict[str, Any] | None:
    """What a citizen's socket receives of `event` (None: nothing)."""
    cls = EVENTS.get(str(event.get("type")))
    if cls is None or not cls.citizen_visible:
        return None
    if cls in (StateEvent, StatusEvent):
        view = event["consultation"]
        return {"type": event["type"],
                "consultation": {k: view[k] for k in CITIZEN_STATE_FIELDS if k in view}}
    return event
