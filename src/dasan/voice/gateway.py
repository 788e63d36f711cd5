"""The voice gateway: a B2BUA that answers calls to the ARS number, runs the ARS flow, queues
the call, rings an agent's phone, bridges and records both legs, and closes the record.

One `Call` per caller dialog. Its life runs in one task (`_life`); whatever ends it (the
caller's BYE or CANCEL, the agent's BYE, a desktop hang-up, no media, no ACK) cancels that task
and `_finish` closes the legs and writes the CDR exactly once, so no call is left stuck and
none is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from aiosipua import SipRequest, SipResponse

from dasan.callbot import call as callbot_call
from dasan.chat.hub import SUPERVISOR_CHANNEL, agent_channel
from dasan.chat.pubsub import PubSub
from dasan.config import get_settings, signing_key
from dasan.db.models_voice import CallbackRequest
from dasan.db.session import session_scope
from dasan.presence import service as presence
from dasan.presence import states as presence_states
from dasan.presence.events import PresenceEvent, StateChanged
from dasan.protection.policy import break_offered
from dasan.quality import surveys
from dasan.stt import live
from dasan.voice import acd, agents, calls, conference, cti, register
from dasan.voice.flows import engine, store
from dasan.voice.flows.schema import BotNode, Flow
from dasan.voice.media import audio
from dasan.voice.media.mixer import Conference
from dasan.voice.media.relay import MediaRelay
from dasan.voice.media.rtp import PortPool, RtpLeg
from dasan.voice.records import RecordWriter, batchable
from dasan.voice.settings import VoiceSettings, record_process
from dasan.voice.sip import messages as m
from dasan.voice.sip import sdp
from dasan.voice.sip.endpoint import ClientTx, ServerTx, SipEndpoint
from dasan.voice.tts.library import PromptLibrary
from dasan.voice.tts.port import make_tts
from dasan.voice.visible_ars import steer

log = logging.getLogger(__name__)

GATEWAY_PROMPTS = {
    "queue_enter": "상담사를 연결해 드리겠습니다. 잠시만 기다려 주십시오.",
    "callback_offer": "상담사 연결이 지연되고 있습니다. 순서를 유지한 채 전화를 다시 받으시려면 "
                      "1번, 계속 기다리시려면 2번을 눌러 주세요.",
    "callback_ok": "콜백이 접수되었습니다. 상담사가 곧 전화드리겠습니다.",
    "transfer": "다른 상담사에게 연결해 드리겠습니다.",
    "transfer_external": "담당 기관으로 연결해 드리겠습니다. 잠시만 기다려 주십시오.",
}


ROSTER_TTL = 2.0  # seconds: changes made elsewhere (chats, desktops) are seen within this
ROSTER_MIN_AGE = 0.2  # seconds between two reads when the gateway's own changes freed agents

SIP_REASONS = {100: "Trying", 200: "OK", 404: "Not Found", 408: "Request Timeout",
               480: "Temporarily Unavailable", 486: "Busy Here",
               487: "Request Terminated", 488: "Not Acceptable Here", 600: "Busy Everywhere",
               603: "Decline"}


class CallOver(Exception):
    """The caller's side is gone: stop the call's life."""


@dataclass
class AgentLeg:
    phone: acd.AgentPhone
    peer: m.Peer
    call_id: str
    from_hdr: str
    to_hdr: str
    uri: str
    invite: ClientTx | None = None
    rtp: RtpLeg | None = None
    state: str = "ringing"  # ringing | talking | gone
    cseq: int = 1
    answered: bool = False


@dataclass
class Call:
    sip_call_id: str
    invite: ServerTx | None  # None: a call the gateway placed (a callback)
    peer: m.Peer
    our_tag: str
    remote_uri: str
    from_hdr: str  # as we send it in requests (their To with our tag)
    to_hdr: str  # their From
    rtp: RtpLeg
    codec: str
    started: float = field(default_factory=time.monotonic)
    record_id: int | None = None
    consultation_id: int | None = None
    caller_masked: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)
    stage: str = "ars"  # ars | queue | offer | talk | ended
    queue: str | None = None
    language: str = "ko"
    priority: int = 0
    ars_path: list[str] = field(default_factory=list)
    queued_mono: float = 0.0
    agent: AgentLeg | None = None
    offering: bool = False
    declined: set[int] = field(default_factory=set)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    talk_over: asyncio.Future[str] | None = None
    task: asyncio.Task[None] | None = None
    hold_task: asyncio.Task[None] | None = None
    outcome: str | None = None  # set when the end is not decided by where the call was
    answered: bool = False
    reason: str = ""
    transferred_to: str | None = None
    caller_gone: bool = False
    cseq: int = 1
    finished: bool = False
    opening: asyncio.Future[calls.OpenedCall] | None = None
    consult: AgentLeg | None = None  # attended transfer: the leg the agent is consulting
    external: AgentLeg | None = None  # the caller's leg now bridged outside the center
    callback_id: int | None = None  # a callback the gateway placed (agent first, then citizen)
    consult_target: str = ""
    direct_agent: int | None = None  # transferred to this agent: rung whatever their skills
    desk_answer: asyncio.Event = field(default_factory=asyncio.Event)
    caller_digits: str = ""  # personal data: kept in memory for the visible-ARS SMS only
    web_answers: dict[str, str] = field(default_factory=dict)  # visible-ARS answers to speak
    context: dict[str, Any] = field(default_factory=dict)  # screen-pop extras (callbot hand-off)
    # Interpreter conference: the third party (in the conference), the task ringing them,
    # the conference leg on record, and the mixer while all three talk.
    interpreter: AgentLeg | None = None
    interpreter_task: asyncio.Task[None] | None = None
    interpreter_leg_id: int | None = None
    conference: Conference | None = None
    # A blind transfer the agent's phone asked for (REFER): its leg, where the final NOTIFY
    # goes once the target answered or failed; and the last ring's failure status.
    refer_from: AgentLeg | None = None
    ring_status: int = 0
    end_queued: bool = False  # the record's end step is in the writer's queue


class Gateway:
    def __init__(self, settings: VoiceSettings, pubsub: PubSub, database_url: str | None = None
                 ) -> None:
        self.settings = settings
        self.pubsub = pubsub
        self.database_url = database_url
        # Every call-record step goes through one writer, in order, batched (ADR 0006).
        self.records = RecordWriter(database_url, process=record_process(
            settings, database_url or get_settings().database_url))
        self.endpoint: SipEndpoint | None = None
        # Bridged pairs are relayed by a child process, off this event loop (ADR 0020).
        self.media = (MediaRelay(on_gaps=self._relayed_gaps)
                      if settings.media_relay == "process" else None)
        self.ports = PortPool(settings.rtp_port_min, settings.rtp_port_max, self.media)
        self.prompts = PromptLibrary(make_tts(settings.tts, settings.tts_speed),
                                     settings.prompt_dir, settings.tts_speed)
        self.calls: dict[str, Call] = {}
        self.agent_dialogs: dict[str, Call] = {}
        self.placed_dialogs: dict[str, Call] = {}  # consult and external legs, by Call-ID
        self._callbacks_checked = 0.0
        self.busy_agents: set[int] = set()
        # The roster (who may take a call now) kept in memory between reads: read again when
        # the gateway's own presence changes freed an agent (at most every ROSTER_MIN_AGE),
        # when a claim was refused (someone else took the agent), or after ROSTER_TTL for
        # changes made elsewhere (chats, desktops). The claim itself (`calls.offered`) stays
        # the authority: a stale roster costs a refused claim, never a double booking.
        self._roster: acd.Roster | None = None
        self._roster_at = 0.0
        self._roster_stale = True
        self.flow: Flow | None = None
        self.flow_version = 0
        self.hold_pcm = audio.hold_music()
        self.stats: dict[str, int] = {"calls": 0, "rejected_busy": 0, "rejected_rate": 0,
                                      "no_media": 0, "cdr_errors": 0}
        # Inter-packet gaps on relayed (bridged) legs, for jitter figures (bounded).
        # (deviation from the leg's own packet interval: RFC 3550 style, per leg).
        self.relay_gaps: deque[float] = deque(maxlen=500_000)
        self.answer_times: deque[float] = deque(maxlen=100_000)  # INVITE in -> 200 out
        self.bridged_now = 0
        self.bridged_peak = 0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._commands: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._stopped = False

    # --- start and stop -----------------------------------------------------------------

    async def start(self) -> None:
        s = self.settings
        await self.records.start()
        orphans = await self._write(calls.close_orphans)
        if orphans:
            log.warning("closed %d calls left open by an earlier gateway process", orphans)
        await self.reload_flow()
        await asyncio.to_thread(self.warm_prompts)
        if s.prerender_answers and self._has_bot():
            self._spawn(self._prerender_answers())
        if self.media is not None:
            self.media.start()
        self.endpoint = await SipEndpoint.start(self, s.host, s.port)
        await self.pubsub.subscribe(cti.COMMANDS_CHANNEL, self._commands)
        for coro in (self._dispatch(), self._watchdog(), self._command_loop(),
                     self._purge_recordings()):
            self._spawn(coro)
        log.info("voice gateway on udp %s:%d (number %s)", s.host, self.endpoint.port, s.number)

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for call in list(self.calls.values()):
            if call.finished or call.caller_gone:
                continue  # already ending (its record is being written): keep its outcome
            call.outcome, call.reason = call.outcome or "forced_terminated", "gateway_stop"
            self._end(call)
        for _ in range(50):
            if not self.calls:
                break
            await asyncio.sleep(0.05)
        for task in list(self._tasks):
            task.cancel()
        # A call whose end was not queued yet (its ending was cut short) is closed now, by
        # its SIP Call-ID: the writer runs this after the call's own open step.
        for call in list(self.calls.values()):
            if not call.end_queued:
                self.records.post(calls.stopped, call.record_id, call.sip_call_id, call.outcome,
                                  call.reason or "gateway_stop")
        with contextlib.suppress(Exception):
            await self.pubsub.unsubscribe(cti.COMMANDS_CHANNEL, self._commands)
        if self.endpoint:
            self.endpoint.close()
        if self.media is not None:
            await self.media.close()  # the relay closes its recordings and exits
        await self.records.close()  # flush: every queued record step is written
        await asyncio.to_thread(audio.recordings_written)

    def _relayed_gaps(self, gaps: list[float]) -> None:
        """A relayed leg's inter-arrival gaps, from the relay process (jitter figures)."""
        interval = statistics.median(gaps)
        self.relay_gaps.extend(abs(g - interval) for g in gaps)

    async def media_settled(self, timeout: float = 10.0) -> bool:
        """Every pair the relay let go is back, its recordings closed (tests, stop)."""
        return True if self.media is None else await self.media.settled(timeout)

    @property
    def port(self) -> int:
        return self.endpoint.port if self.endpoint else self.settings.port

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _db(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Other database work (callbot, transcripts, flows, registrations): a transaction
        in a worker thread."""
        return await asyncio.to_thread(_in_session, self.database_url, fn, args, kwargs)

    async def _write(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """A call-record step, after every step queued before it (awaited)."""
        return await self.records.run(fn, *args, **kwargs)

    def _write_behind(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        """A call-record step the call need not wait for (written in order, retried)."""
        self.records.post(fn, *args, **kwargs)

    async def reload_flow(self) -> None:
        self.flow, self.flow_version = await self._db(store.live)

    def _has_bot(self) -> bool:
        return self.flow is not None and any(
            isinstance(n, BotNode) for n in self.flow.nodes.values())

    async def _prerender_answers(self) -> int:
        """The callbot's spoken answers into the TTS cache, one at a time in the background
        (a KB edit changes the text, so the next start renders that entry again)."""
        rendered = 0
        for _eid, text in await self._db(callbot_call.answer_speeches):
            rendered += await asyncio.to_thread(self.prompts.render_cached, text, "ko")
        if rendered:
            log.info("callbot: %d spoken answers rendered into the TTS cache", rendered)
        return rendered

    def warm_prompts(self) -> None:
        """Render every prompt of the live flow and the gateway's own (cached under var/);
        load this year's and next year's Korean holidays (the `holidays` package imports its
        country modules on first use: 0.4-1.4 s, which stalled every call on the event loop
        when the first call's ARS asked for business hours)."""
        assert self.flow is not None
        today = date.today()
        for year in (today.year, today.year + 1):
            engine.is_holiday(today.replace(year=year, day=1))
        for key in self.flow.prompts:
            p = self.flow.prompt(key)
            self.prompts.get(key, p.text, p.language)
        for key, text in GATEWAY_PROMPTS.items():
            self.prompts.get(key, text, "ko")
        for step, text in calls.SPOKEN_WARNINGS.items():
            self.prompts.get(f"abuse_{step}", text, "ko")
        for key, text in {**steer.PROMPTS, **callbot_call.PROMPTS}.items():
            self.prompts.get(key, text, "ko")

    # --- SIP: requests from callers and agent phones ------------------------------------

    def on_request(self, tx: ServerTx) -> None:
        req, ep = tx.request, self.endpoint
        assert ep is not None
        call_id = req.get_header("Call-ID") or ""
        method = req.method
        if method == "INVITE":
            if call_id in self.calls:  # re-INVITE in the dialog (e.g. the caller holds)
                call = self.calls[call_id]
                body = sdp.build(self.settings.rtp_host, call.rtp.port, [call.rtp.pt],
                                 call.rtp.dtmf_pt)
                ep.respond(tx, 200, "OK", to_tag=call.our_tag, contact=self._contact(),
                           body=body)
                return
            self._new_call(tx)
        elif method == "BYE":
            caller_call = self.calls.get(call_id)
            agent_call = self.agent_dialogs.get(call_id)
            if caller_call is not None:
                ep.respond(tx, 200, "OK")
                caller_call.caller_gone = True
                caller_call.reason = caller_call.reason or "caller_bye"
                self._end(caller_call)
            elif agent_call is not None:
                ep.respond(tx, 200, "OK")
                if agent_call.agent is not None:
                    agent_call.agent.state = "gone"
                agent_call.reason = agent_call.reason or "agent_bye"
                self._agent_left(agent_call)
            elif call_id in self.placed_dialogs:
                ep.respond(tx, 200, "OK")
                self._placed_leg_gone(self.placed_dialogs.pop(call_id), call_id)
            else:
                ep.respond(tx, 481, "Call/Transaction Does Not Exist")
        elif method == "CANCEL":
            invite = ep.invite_tx(m.top_branch(req))
            cancelled = self.calls.get(call_id)
            if invite is None:
                ep.respond(tx, 481, "Call/Transaction Does Not Exist")
                return
            ep.respond(tx, 200, "OK")
            if invite.final_code == 0:
                ep.respond(invite, 487, "Request Terminated", to_tag=m.new_tag())
            if cancelled is not None:
                cancelled.caller_gone = True
                cancelled.reason = "caller_cancel"
                self._end(cancelled)
        elif method == "REFER":
            self._spawn(self._refer(tx))
        elif method == "NOTIFY":  # none subscribed to: only our own REFER would, and we send none
            ep.respond(tx, 481, "Subscription Does Not Exist")
        elif method == "OPTIONS":
            ep.respond(tx, 200, "OK", contact=self._contact())
        elif method == "REGISTER":
            if not self._admit(tx.peer.host):
                ep.respond(tx, 503, "Service Unavailable", to_tag=m.new_tag(),
                           extra={"Retry-After": "2"})
                return
            self._spawn(self._register(tx))
        else:
            ep.respond(tx, 501, "Not Implemented", extra={"Allow": m.ALLOW})

    async def _register(self, tx: ServerTx) -> None:
        """An agent's softphone registers (digest-authenticated) where its calls ring."""
        ep, req = self.endpoint, tx.request
        assert ep is not None
        employee_no = m.uri_user(req.get_header("To") or "")
        contact_hdr = req.get_header("Contact")
        secret = signing_key()
        verdict = register.check(secret, employee_no, req.get_header("Authorization"),
                                 register.requested_expires(req.get_header("Expires"),
                                                            contact_hdr))
        tag = m.new_tag()
        if verdict.status == 401:
            ep.respond(tx, 401, "Unauthorized", to_tag=tag,
                       extra={"WWW-Authenticate": register.challenge(secret)})
            return
        if verdict.status != 200:
            ep.respond(tx, verdict.status, verdict.reason, to_tag=tag,
                       extra={"Min-Expires": str(register.MIN_EXPIRES)}
                       if verdict.status == 423 else None)
            return
        contact = m.contact_uri(req) or ""
        if verdict.expires and not agents.SIP_URI.match(contact):
            ep.respond(tx, 400, "Bad Request", to_tag=tag)
            return
        if not await self._db(register.bind, employee_no, contact, verdict.expires):
            ep.respond(tx, 403, "Forbidden", to_tag=tag)
            return
        extra = {"Expires": str(verdict.expires)}
        if verdict.expires:
            extra["Contact"] = f"<{contact}>;expires={verdict.expires}"
        ep.respond(tx, 200, "OK", to_tag=tag, extra=extra)

    async def _refer(self, tx: ServerTx) -> None:
        """Blind transfer asked for by the agent's phone (RFC 3515 REFER in the agent's
        dialog): `Refer-To: <sip:queue-<code>@...>`, `<sip:<employee no>@...>` or
        `<sip:<digits>@...>` (an outside number). Accepted (202), then NOTIFYs of the
        implicit subscription report the transfer as RFC 3515 asks (message/sipfrag):
        `100 Trying` at once, then the real outcome, subscription terminated: `200 OK` when
        the target answered, or the target's failure (`486 Busy Here`, `408 Request
        Timeout`, ...; `487 Request Terminated` if the caller left first). The call moves on
        exactly as with the desktop's transfer button (an outside line that does not answer
        brings the caller back to this agent, as there; an agent who does not answer leaves
        the caller in the queue); the gateway stays in the media path (it does not ask the
        caller's side to REFER). For a transfer inside the center the transferor's phone
        gets BYE before the final NOTIFY (the subscription outlives the INVITE dialog usage,
        RFC 5057)."""
        ep, req = self.endpoint, tx.request
        assert ep is not None
        call = self.agent_dialogs.get(req.get_header("Call-ID") or "")
        if call is None or call.agent is None or call.agent.call_id != req.get_header("Call-ID"):
            ep.respond(tx, 481, "Call/Transaction Does Not Exist")
            return
        refer_to = req.get_header("Refer-To") or req.get_header("r") or ""
        if not refer_to:
            ep.respond(tx, 400, "Bad Request", extra={"Warning": '399 dasan "no Refer-To"'})
            return
        if call.stage != "talk" or call.consult is not None or call.interpreter is not None \
                or call.interpreter_task is not None:
            ep.respond(tx, 491, "Request Pending")
            return
        target = await self._db(agents.refer_target, m.uri_user(refer_to))
        if target is None:
            ep.respond(tx, 404, "Not Found")
            return
        ep.respond(tx, 202, "Accepted")
        agent = call.agent
        self._notify_refer(agent, 100, final=False)
        if target.startswith("external:"):
            self._notify_refer(agent, await self._transfer_out(call, target), final=True)
        else:
            call.refer_from = agent  # the final NOTIFY waits for the target's answer
            await self._blind_transfer(call, target)

    def _refer_done(self, call: Call, status: int) -> None:
        """The outcome of a REFER-asked transfer inside the center is known."""
        leg, call.refer_from = call.refer_from, None
        if leg is not None:
            self._notify_refer(leg, status, final=True)

    def _notify_refer(self, agent: AgentLeg, code: int, *, final: bool) -> None:
        ep, s = self.endpoint, self.settings
        assert ep is not None
        status = f"{code} {SIP_REASONS.get(code, 'Failed')}"
        agent.cseq += 1
        branch = m.new_branch()
        data = m.request("NOTIFY", agent.uri, via_host=s.host, via_port=self.port,
                         branch=branch, from_=agent.from_hdr, to=agent.to_hdr,
                         call_id=agent.call_id, cseq_no=agent.cseq, contact=self._contact(),
                         body=f"SIP/2.0 {status}\r\n".encode(),
                         extra={"Event": "refer", "Content-Type": "message/sipfrag;version=2.0",
                                "Subscription-State": "terminated;reason=noresource" if final
                                else "active;expires=60"})
        ep.request(data, agent.peer, branch, "NOTIFY")

    def on_ack(self, req: SipRequest, peer: m.Peer) -> None:
        return None  # the endpoint stopped retransmitting the 200; nothing else to do

    def on_ack_timeout(self, call_id: str) -> None:
        call = self.calls.get(call_id)
        if call is not None:
            call.caller_gone = True
            call.reason = "no_ack"
            self._end(call)

    def _contact(self) -> str:
        return f"sip:{self.settings.number}@{self.settings.host}:{self.port}"

    def _admit(self, host: str) -> bool:
        """Token bucket per source address: a flood of INVITEs is answered 503."""
        rate = self.settings.invite_rate
        now = time.monotonic()
        tokens, last = self._buckets.get(host, (rate, now))
        tokens = min(rate, tokens + (now - last) * rate)
        if tokens < 1:
            self._buckets[host] = (tokens, now)
            return False
        self._buckets[host] = (tokens - 1, now)
        return True

    def _new_call(self, tx: ServerTx) -> None:
        ep, req, s = self.endpoint, tx.request, self.settings
        assert ep is not None
        if len(self.calls) >= s.max_calls:
            self.stats["rejected_busy"] += 1
            ep.respond(tx, 503, "Service Unavailable", to_tag=m.new_tag(),
                       extra={"Retry-After": "5"})
            return
        if not self._admit(tx.peer.host):
            self.stats["rejected_rate"] += 1
            ep.respond(tx, 503, "Service Unavailable", to_tag=m.new_tag(),
                       extra={"Retry-After": "2"})
            return
        if m.uri_user(req.uri) != s.number:
            ep.respond(tx, 404, "Not Found", to_tag=m.new_tag())
            return
        try:
            offer = sdp.negotiate(req.body)
        except sdp.SdpError as exc:
            ep.respond(tx, 488, "Not Acceptable Here", to_tag=m.new_tag(),
                       extra={"Warning": f'305 dasan "{exc}"'})
            return
        ep.respond(tx, 100, "Trying")
        self._spawn(self._answer(tx, offer))

    async def _answer(self, tx: ServerTx, offer: sdp.MediaOffer) -> None:
        ep, req, s = self.endpoint, tx.request, self.settings
        assert ep is not None
        call_id = req.get_header("Call-ID") or ""
        try:
            leg = await self.ports.open(s.rtp_host, (offer.host, offer.port),
                                        offer.payload_type, offer.dtmf_payload_type)
        except OSError:
            ep.respond(tx, 503, "Service Unavailable", to_tag=m.new_tag())
            return
        if tx.final_code:  # cancelled meanwhile
            leg.close()
            return
        tag = m.new_tag()
        their_to = req.get_header("To") or ""
        call = Call(
            sip_call_id=call_id, invite=tx, peer=tx.peer, our_tag=tag,
            remote_uri=m.contact_uri(req) or f"sip:{tx.peer.host}:{tx.peer.port}",
            from_hdr=f"{their_to};tag={tag}", to_hdr=req.get_header("From") or "",
            rtp=leg, codec=sdp.CODECS[offer.payload_type])
        self.calls[call_id] = call
        self.stats["calls"] += 1
        body = sdp.build(s.rtp_host, leg.port, [offer.payload_type], offer.dtmf_payload_type)
        ep.respond(tx, 200, "OK", to_tag=tag, contact=self._contact(), body=body)
        self.answer_times.append(time.monotonic() - tx.created)
        call.task = self._spawn(self._run(call, m.caller_digits(req), m.uri_user(req.uri)))
        # Whichever way the life ends (even cancelled before it started), the call is closed.
        call.task.add_done_callback(self._closer(call))

    # --- one call's life ----------------------------------------------------------------

    def _closer(self, call: Call) -> Callable[[asyncio.Task[None]], None]:
        def close(_task: asyncio.Task[None]) -> None:
            self._spawn(self._finish(call))

        return close

    async def _run(self, call: Call, caller_digits: str, dialed: str) -> None:
        call.caller_digits = caller_digits
        try:
            # The record is written even if the caller hangs up meanwhile (_finish awaits it).
            call.opening = self.records.submit(calls.open_call, call.sip_call_id,
                                               caller_digits, dialed)
            opened = await asyncio.shield(call.opening)
            call.record_id, call.consultation_id = opened.call_id, opened.consultation_id
            call.caller_masked, call.history = opened.caller_masked, opened.history
            if call.finished or call.caller_gone:
                return
            await self._life(call, opened.attributes)
        except asyncio.CancelledError:
            pass
        except CallOver:
            pass
        except Exception:
            log.exception("call %s failed", call.sip_call_id)
            call.reason = call.reason or "gateway_error"

    async def _life(self, call: Call, attrs: engine.CallerAttributes) -> None:
        flow = self.flow
        assert flow is not None
        io = _CallerIO(self, call, flow)
        result = await engine.run(flow, io, attrs, datetime.now(engine.SEOUL),
                                  digit_timeout=self.settings.digit_timeout)
        call.ars_path = result.path
        # Awaited, not written behind: the visible-ARS page and the desktop read the ARS exit
        # from the record as soon as the call moves on (written behind, a page choice made
        # right after could miss it: test_visible_ars failed so).
        await self._write(calls.ars_done, call.record_id, result, flow.name,
                          self.flow_version, call.codec)
        if result.kind != "queue" or result.queue is None:
            call.outcome, call.reason = steer.ars_ending(result) or (
                "abandoned_in_ars", f"ars_end:{result.reason}")
            return
        call.queue, call.language, call.priority = result.queue, result.language, result.priority
        while True:
            outcome = await self._wait_for_agent(call)
            if outcome is not None:
                call.outcome = outcome
                return
            call.talk_over = asyncio.get_running_loop().create_future()
            how = await call.talk_over
            if how != "transfer":
                return

    async def _wait_for_agent(self, call: Call) -> str | None:
        """Queue until bridged (None), or the outcome if the caller takes a callback."""
        call.stage, call.queued_mono = "queue", time.monotonic()
        call.connected.clear()
        await self._play(call, "queue_enter", GATEWAY_PROMPTS["queue_enter"], barge_in=False)
        if call.rtp.recorder is None:  # what the caller says while waiting is screened
            call.rtp.recorder = live.queue_tap(self, call)
        self._wake.set()
        deadline = time.monotonic() + self.settings.queue_timeout
        while not call.connected.is_set():
            self._start_hold(call)
            wait = min(self.settings.queue_announce_every, max(0.0, deadline - time.monotonic()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(call.connected.wait(), wait)
            if call.connected.is_set():
                break
            if call.offering:
                continue  # a phone is ringing for this call: do not talk over it
            self._stop_hold(call)
            if time.monotonic() >= deadline:
                if await self._offer_callback(call):
                    return "callback"
                deadline = time.monotonic() + self.settings.queue_timeout
            else:
                await self._announce_position(call)
        return None

    async def _offer_callback(self, call: Call) -> bool:
        await self._play(call, "callback_offer", GATEWAY_PROMPTS["callback_offer"])
        digit = await call.rtp.wait_digit(self.settings.digit_timeout)
        if digit != "1" or call.connected.is_set():
            return False
        await self._write(_save_callback, call.record_id, call.queue or "general", call.remote_uri)
        await self._play(call, "callback_ok", GATEWAY_PROMPTS["callback_ok"], barge_in=False)
        call.reason = "callback_requested"
        return True

    async def _announce_position(self, call: Call) -> None:
        waiting = self._waiting(call.queue)
        position = next((i + 1 for i, c in enumerate(waiting) if c is call), len(waiting))
        roster = await self._cached_roster()
        serving = acd.serving(roster, call.queue or "", call.language, _mode())
        seconds = acd.expected_wait(position, serving)
        minutes = max(1, round(seconds / 60)) if seconds else 0
        text = (f"현재 대기 순서는 {position}번째입니다. "
                + (f"예상 대기 시간은 약 {minutes}분입니다." if minutes else "곧 연결됩니다."))
        await self._play(call, f"position_{position}_{minutes}", text)

    async def _play(self, call: Call, key: str, text: str, language: str = "ko",
                    barge_in: bool = True) -> None:
        pcm = await asyncio.to_thread(self.prompts.get, key, text, language)
        await call.rtp.play(pcm, barge_in=barge_in)

    def _start_hold(self, call: Call) -> None:
        if call.hold_task is None or call.hold_task.done():
            call.hold_task = self._spawn(call.rtp.loop_play(self.hold_pcm))

    def _stop_hold(self, call: Call) -> None:
        if call.hold_task is not None:
            call.hold_task.cancel()
            call.hold_task = None

    # --- distribution and offering ------------------------------------------------------

    def _waiting(self, queue: str | None = None) -> list[Call]:
        out = [c for c in self.calls.values()
               if c.stage == "queue" and not c.finished and (queue is None or c.queue == queue)]
        return sorted(out, key=lambda c: (-c.priority, c.queued_mono))

    async def _cached_roster(self, fresh: bool = False) -> acd.Roster:
        """The roster from memory, read again (one batched record step) when stale: see
        `__init__`. `fresh` reads it now (transfers, consultations: a person picks a target)."""
        age = time.monotonic() - self._roster_at
        if (fresh or self._roster is None or age > ROSTER_TTL
                or (self._roster_stale and age > ROSTER_MIN_AGE)):
            self._roster_stale = False
            self._roster = await self._write(acd.candidates)
            self._roster_at = time.monotonic()
            self.stats["roster_reads"] = self.stats.get("roster_reads", 0) + 1
        return self._roster

    def _roster_changed(self, ev: StateChanged) -> None:
        """One of the gateway's own presence changes: an agent who can no longer be offered a
        call leaves the roster at once; one who can again is picked up at the next read."""
        if self._roster is None:
            return
        if ev.state in presence_states.OFFERABLE:
            self._roster_stale = True
        else:
            self._roster.agents = [a for a in self._roster.agents if a.agent_id != ev.agent_id]

    async def _dispatch(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.5)
            self._wake.clear()
            waiting = [c for c in self._waiting() if not c.offering]
            if not waiting:
                try:
                    await self._serve_callbacks()
                except Exception:
                    log.exception("placing callbacks failed")
                continue
            try:
                roster = await self._cached_roster()
            except Exception:
                log.exception("agent roster unavailable")
                continue
            for call in waiting:
                if call.finished or call.offering or call.stage != "queue":
                    continue
                if call.direct_agent in call.declined:
                    call.direct_agent = None  # they did not answer: the queue takes over
                if call.direct_agent is not None:
                    phone = next((a for a in roster.agents if a.agent_id == call.direct_agent
                                  and a.agent_id not in self.busy_agents), None)
                else:
                    phone = acd.pick(roster, call.queue or "", call.language, _mode(),
                                     self.busy_agents | call.declined)
                if phone is None:
                    continue
                self.busy_agents.add(phone.agent_id)
                call.offering = True
                self._spawn(self._offer(call, phone))

    async def _offer(self, call: Call, phone: acd.AgentPhone) -> None:
        ep, s = self.endpoint, self.settings
        assert ep is not None
        answered = claimed = False
        try:
            # The presence model is asked first: the agent may have taken a chat meanwhile.
            events = await self._write(calls.offered, call.record_id, phone.agent_id)
            if events is None:  # the agent took a chat or another gateway's call meanwhile
                self._roster_stale = True
                if self._roster is not None:
                    self._roster.agents = [a for a in self._roster.agents
                                           if a.agent_id != phone.agent_id]
            else:
                claimed = True
                await self._presence(events)
                answered = await self._ring(call, phone)
        except Exception:
            log.exception("offering call %s to agent %s failed", call.sip_call_id,
                          phone.agent_id)
        finally:
            call.offering = False
            if not answered:
                self.busy_agents.discard(phone.agent_id)
                if call.agent is not None and call.agent.state != "talking":
                    self._drop_agent(call)
                if claimed:
                    call.declined.add(phone.agent_id)
                    self._spawn(self._release(call, phone.agent_id, wrap_up=False))
                    if call.refer_from is not None and call.direct_agent == phone.agent_id:
                        self._refer_done(call, call.ring_status or 480)
                self._wake.set()
        del ep, s

    async def _release(self, call: Call, agent_id: int, *, wrap_up: bool) -> None:
        if call.record_id is not None:
            await self._presence(await self._write(calls.released, call.record_id, agent_id,
                                                wrap_up, self.settings.wrap_up_seconds))

    async def _presence(self, events: list[PresenceEvent] | None) -> None:
        """Publish presence changes (one model for calls and chats) to the agent's desktop
        and the floor; an after-call work that a call's end began is ended after the
        configured wrap-up time (here, on time; should this process die first, the presence
        sweep of `dasan serve` ends it at the deadline stored on the presence record)."""
        for ev in events or []:
            if not isinstance(ev, StateChanged):
                continue
            self._roster_changed(ev)
            await self.pubsub.publish(agent_channel(ev.agent_id), ev.wire())
            await self.pubsub.publish(SUPERVISOR_CHANNEL, {"type": "changed"})
            if ev.state == presence_states.AFTER_CALL_WORK and ev.why == "call_ended":
                self._spawn(self._wrap_up_over(ev.agent_id, ev.at))

    async def _wrap_up_over(self, agent_id: int, since: datetime) -> None:
        await asyncio.sleep(self.settings.wrap_up_seconds)
        await self._presence(await self._write(_end_wrap_up, agent_id, since))

    async def _ring(self, call: Call, phone: acd.AgentPhone) -> bool:
        ep, s = self.endpoint, self.settings
        assert ep is not None
        target = _peer_of(phone.sip_uri)
        if target is None:
            return False
        rtp = await self.ports.open(s.rtp_host, ("127.0.0.1", 9), call.rtp.pt, 101)
        dialog = m.new_call_id(s.host)
        agent = AgentLeg(phone, target, dialog,
                         from_hdr=f'"120" <sip:{s.number}@{s.host}:{self.port}>;tag={m.new_tag()}',
                         to_hdr=f"<{phone.sip_uri}>", uri=phone.sip_uri, rtp=rtp)
        call.agent = agent
        self.agent_dialogs[dialog] = call
        call.stage = "offer"
        call.desk_answer.clear()  # an answer pressed while the phone rings counts
        body = sdp.build(s.rtp_host, rtp.port, [call.rtp.pt], 101)
        branch = m.new_branch()
        data = m.request("INVITE", phone.sip_uri, via_host=s.host, via_port=self.port,
                         branch=branch, from_=agent.from_hdr, to=agent.to_hdr, call_id=dialog,
                         cseq_no=agent.cseq, contact=self._contact(), body=body,
                         extra={"Call-Info": "<sip:120>;answer-after=0",
                                "X-Dasan-Consultation": str(call.consultation_id)})
        agent.invite = ep.request(data, target, branch, "INVITE")
        await cti.notify(self.pubsub, phone.agent_id, "ringing", **self._screen_pop(call))
        deadline = time.monotonic() + s.ring_timeout
        while True:
            left = deadline - time.monotonic()
            res = await ep.wait_response(agent.invite, max(0.0, left)) if left > 0 else None
            if res is None:
                self._cancel_agent(agent)
                call.stage = "queue" if not call.finished else call.stage
                call.ring_status = 408
                return False
            if res.status_code < 200:
                continue
            if res.status_code >= 300:
                call.stage = "queue" if not call.finished else call.stage
                call.ring_status = res.status_code
                return False
            return await self._connect(call, agent, res)

    async def _connect(self, call: Call, agent: AgentLeg, res: SipResponse) -> bool:
        ep, s = self.endpoint, self.settings
        assert ep is not None and agent.rtp is not None and agent.invite is not None
        agent.to_hdr = res.get_header("To") or agent.to_hdr
        agent.uri = m.contact_uri(res) or agent.uri
        ack = m.request("ACK", agent.uri, via_host=s.host, via_port=self.port,
                        branch=m.new_branch(), from_=agent.from_hdr, to=agent.to_hdr,
                        call_id=agent.call_id, cseq_no=agent.cseq)
        agent.invite.ack = ack
        ep.send(ack, agent.peer)
        if call.finished:
            agent.state = "talking"
            self._bye_agent(agent)
            return False
        try:
            answer = sdp.negotiate(res.body)
        except sdp.SdpError:
            agent.state = "talking"
            self._bye_agent(agent)
            return False
        agent.rtp.remote, agent.rtp.pt = (answer.host, answer.port), answer.payload_type
        agent.rtp.dtmf_pt = answer.dtmf_payload_type
        if s.desktop_answer:
            # The phone (a headset in auto-answer) is connected; the caller is put through
            # when the agent presses "answer" on the desktop, within the ring timeout.
            agent.state = "talking"
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(call.desk_answer.wait(), s.ring_timeout)
            if not call.desk_answer.is_set() or call.finished:
                self._bye_agent(agent)
                return False
        agent.state, agent.answered, call.answered = "talking", True, True
        self._stop_hold(call)
        folder = s.recording_dir / date.today().isoformat()
        stem = f"call-{call.record_id}-{int(time.time())}"
        caller_wav, agent_wav = folder / f"{stem}-caller.wav", folder / f"{stem}-agent.wav"
        if call.rtp.recorder is not None:  # the queue's listener
            call.rtp.recorder.close()
        call.rtp.recorder = live.recorder(caller_wav, self, call, "caller")
        agent.rtp.recorder = live.recorder(agent_wav, self, call, "agent")
        call.rtp.partner, agent.rtp.partner = agent.rtp, call.rtp
        self.bridged_now += 1
        self.bridged_peak = max(self.bridged_peak, self.bridged_now)
        call.stage = "talk"
        self._write_behind(calls.answered, call.record_id, agent.phone.agent_id,
                           (str(caller_wav), str(agent_wav)))
        call.connected.set()
        self._refer_done(call, 200)
        await cti.notify(self.pubsub, agent.phone.agent_id, "answered",
                         consultation_id=call.consultation_id)
        return True

    def _screen_pop(self, call: Call) -> dict[str, Any]:
        return {"consultation_id": call.consultation_id, "caller": call.caller_masked,
                "ars_path": call.ars_path, "queue": call.queue, "language": call.language,
                "wait_seconds": round(time.monotonic() - call.queued_mono, 1),
                "history": call.history, **call.context}

    # --- the agent leg ------------------------------------------------------------------

    def _in_dialog(self, agent: AgentLeg, method: str) -> None:
        ep, s = self.endpoint, self.settings
        assert ep is not None
        agent.cseq += 1
        branch = m.new_branch()
        data = m.request(method, agent.uri, via_host=s.host, via_port=self.port, branch=branch,
                         from_=agent.from_hdr, to=agent.to_hdr, call_id=agent.call_id,
                         cseq_no=agent.cseq)
        ep.request(data, agent.peer, branch, method)

    def _bye_agent(self, agent: AgentLeg) -> None:
        if agent.state == "talking":
            self._in_dialog(agent, "BYE")
        agent.state = "gone"

    def _cancel_agent(self, agent: AgentLeg) -> None:
        ep, s = self.endpoint, self.settings
        assert ep is not None
        if agent.state != "ringing" or agent.invite is None:
            return
        if agent.invite.final:
            return
        data = m.request("CANCEL", agent.uri, via_host=s.host, via_port=self.port,
                         branch=agent.invite.branch, from_=agent.from_hdr,
                         to=agent.to_hdr, call_id=agent.call_id, cseq_no=agent.cseq)
        ep.request(data, agent.peer, agent.invite.branch, "CANCEL")
        agent.state = "gone"

    def _drop_agent(self, call: Call) -> None:
        agent = call.agent
        if agent is None:
            return
        if agent.state == "ringing":
            self._cancel_agent(agent)
        elif agent.state == "talking":
            self._bye_agent(agent)
        if agent.rtp is not None:
            if call.rtp.partner is agent.rtp:
                self.bridged_now -= 1
                for gaps in (call.rtp.gaps, agent.rtp.gaps):
                    if len(gaps) > 2:
                        interval = statistics.median(gaps)
                        self.relay_gaps.extend(abs(g - interval) for g in gaps)
                call.rtp.gaps, call.rtp._prev_rx = [], 0.0
            call.rtp.partner = None
            agent.rtp.close()
        self.agent_dialogs.pop(agent.call_id, None)
        self.busy_agents.discard(agent.phone.agent_id)
        call.agent = None

    def _agent_left(self, call: Call) -> None:
        """The agent hung up: the call is over (the caller is sent BYE), after the satisfaction
        survey when `DASAN_VOICE_SURVEY` is on."""
        if self.settings.survey and call.consultation_id is not None and not call.caller_gone:
            self._drop_agent(call)
            self._spawn(self._survey_then_end(call))
            return
        self._end(call)

    async def _survey_then_end(self, call: Call) -> None:
        cid = call.consultation_id

        async def record(score: int) -> None:
            await self._db(surveys.answer, cid, "call", str(score))

        while call.rtp.take_digit() is not None:
            pass  # a key pressed while talking to the agent is no answer to the survey
        try:
            await surveys.ars_survey(_SurveyIO(self, call), record, self.settings.digit_timeout)
        except Exception:  # the survey is a courtesy: the call still ends cleanly
            log.exception("ARS survey on %s failed", call.sip_call_id)
        finally:
            self._end(call)

    # --- ending -------------------------------------------------------------------------

    def _end(self, call: Call) -> None:
        if call.talk_over is not None and not call.talk_over.done():
            call.talk_over.set_result("end")
        if call.task is not None and not call.task.done():
            call.task.cancel()
        elif call.task is None:
            self._spawn(self._finish(call))

    async def _finish(self, call: Call) -> None:
        if call.finished:
            return
        call.finished = True
        self._refer_done(call, 487)  # a transfer still pending: the caller left first
        prior_stage, call.stage = call.stage, "ended"
        self._stop_hold(call)
        agent = call.agent
        agent_id = agent.phone.agent_id if agent else None
        talked = agent_id if agent is not None and agent.answered else None
        if call.interpreter_task is not None:
            call.interpreter_task.cancel()  # still ringing: the miss is recorded by that task
        if call.interpreter is not None:
            await self._interpreter_gone(call, "call_ended")
        self._drop_agent(call)
        for leg in (call.consult, call.external):
            if leg is not None:
                self._drop_placed(call, leg)
        if not call.caller_gone:
            self._bye_caller(call)
        call.rtp.close()
        if self.endpoint:
            self.endpoint.stop_2xx(call.sip_call_id)
        if call.record_id is None and call.opening is not None:
            try:
                opened = await call.opening
                call.record_id, call.consultation_id = opened.call_id, opened.consultation_id
            except Exception:
                log.exception("the record of call %s could not be opened", call.sip_call_id)
        outcome = call.outcome or calls.call_outcome(
            answered=call.answered, queued=call.answered or prior_stage in ("queue", "offer"),
            offered=prior_stage == "offer",
            how="agent_closed" if call.reason in ("agent_hangup", "agent_bye") else
                "citizen_left")
        if call.record_id is not None:
            for attempt in range(5):  # the CDR must not be lost to a passing database error
                try:
                    ending = self.records.submit(
                        calls.ended, call.record_id, outcome, call.reason or "normal",
                        call.transferred_to, talked_agent=talked,
                        callback_id=call.callback_id,
                        wrap_up_seconds=self.settings.wrap_up_seconds)
                    call.end_queued = True  # queued: written even if the gateway stops now
                    await self._presence(await ending)
                    break
                except Exception:
                    log.exception("writing the CDR of %s failed (attempt %d)",
                                  call.sip_call_id, attempt + 1)
                    self.stats["cdr_errors"] += 1
                    await asyncio.sleep(0.2 * (attempt + 1))
        if agent_id is not None:
            await cti.notify(self.pubsub, agent_id, "ended",
                             consultation_id=call.consultation_id, outcome=outcome)
        # Only now does the call leave the table: "no calls" means every CDR is written.
        self.calls.pop(call.sip_call_id, None)
        self._wake.set()

    def _bye_caller(self, call: Call) -> None:
        ep, s = self.endpoint, self.settings
        if ep is None:
            return
        if call.invite is not None and call.invite.final_code == 0:
            ep.respond(call.invite, 480, "Temporarily Unavailable", to_tag=call.our_tag)
            return
        call.cseq += 1
        branch = m.new_branch()
        data = m.request("BYE", call.remote_uri, via_host=s.host, via_port=self.port,
                         branch=branch, from_=call.from_hdr, to=call.to_hdr,
                         call_id=call.sip_call_id, cseq_no=call.cseq)
        ep.request(data, call.peer, branch, "BYE")
        call.caller_gone = True

    async def _watchdog(self) -> None:
        """Calls with no media for `media_timeout`, or too long, are ended."""
        s = self.settings
        while True:
            await asyncio.sleep(min(1.0, s.media_timeout / 4))
            now = time.monotonic()
            for call in list(self.calls.values()):
                if call.finished:
                    continue
                silent = now - call.rtp.last_rx
                if call.agent and call.agent.rtp and call.stage == "talk":
                    silent = min(silent, now - call.agent.rtp.last_rx)
                if silent > s.media_timeout:
                    self.stats["no_media"] += 1
                    call.reason = "no_media"
                    self._end(call)
                elif now - call.started > s.max_call_seconds:
                    call.outcome, call.reason = "forced_terminated", "max_duration"
                    self._end(call)

    # --- desktop commands ---------------------------------------------------------------

    async def _purge_recordings(self) -> None:
        """Recordings past their retention period are deleted at start and then every
        `recording_purge_seconds` (voice.retention), in a worker thread."""
        from dasan.voice import retention

        while not self._stopped:
            try:
                report = await self._db(retention.purge_expired_recordings)
                if report.files_deleted or report.files_missing:
                    log.info("recordings past retention deleted: %s", report.as_dict())
            except Exception:  # a failed pass is retried at the next interval
                log.exception("recording purge failed")
            await asyncio.sleep(self.settings.recording_purge_seconds)

    async def _command_loop(self) -> None:
        while True:
            cmd = await self._commands.get()
            try:
                await self.handle_command(cmd)
            except Exception:
                log.exception("call command %r failed", cmd)

    def call_for(self, consultation_id: int) -> Call | None:
        return next((c for c in self.calls.values() if c.consultation_id == consultation_id),
                    None)

    async def handle_command(self, cmd: dict[str, Any]) -> bool:
        if cmd.get("action") == "visible_ars":
            return await steer.apply(self, cmd)
        if cmd.get("action") in ("reload_flow", "reload_prompts"):  # recorded prompts changed
            if cmd.get("action") == "reload_flow":
                await self.reload_flow()
            self.prompts.forget()
            await asyncio.to_thread(self.warm_prompts)
            return True
        call = self.call_for(int(cmd.get("consultation_id") or 0))
        if call is None or call.agent is None or call.agent.phone.agent_id != cmd.get("agent_id"):
            return False
        target = str(cmd.get("target") or "")
        if cmd.get("action") in ("interpreter", "drop_interpreter"):
            return await self._interpreter_command(call, str(cmd.get("action")), target)
        if (call.interpreter is not None or call.interpreter_task is not None) and cmd.get(
                "action") in ("hold", "resume", "transfer", "consult", "complete", "retrieve"):
            return False  # not while an interpreter is in (or being added to) the call
        if cmd.get("action") in ("consult", "complete", "retrieve") or (
                cmd.get("action") == "transfer" and target.startswith("external:")):
            return await self._placed_command(call, str(cmd.get("action")), target)
        action = cmd.get("action")
        agent_id = call.agent.phone.agent_id
        if action == "hold" and call.stage == "talk":
            call.rtp.muted = True
            self._start_hold(call)
            await cti.notify(self.pubsub, agent_id, "held", consultation_id=call.consultation_id)
        elif action == "resume" and call.stage == "talk":
            self._stop_hold(call)
            call.rtp.muted = False
            await cti.notify(self.pubsub, agent_id, "resumed",
                             consultation_id=call.consultation_id)
        elif action == "hangup":
            call.reason = "agent_hangup"
            self._end(call)
        elif action == "warn" and call.stage == "talk":
            await self._warn(call)
        elif action == "answer" and call.stage == "offer":
            call.desk_answer.set()  # DASAN_VOICE_DESKTOP_ANSWER: put the caller through
        elif action == "transfer" and call.stage == "talk" and call.consult is None:
            await self._blind_transfer(call, target)
        else:
            return False
        return True

    async def _warn(self, call: Call) -> None:
        """Abuse policy on a call: the warning is played to the caller (both sides muted
        meanwhile); the third time the call is ended as forced-terminated."""
        assert call.agent is not None
        agent_id = call.agent.phone.agent_id
        warning = await self._write(calls.warn, call.record_id)
        step = warning.action
        call.rtp.muted = True
        try:
            await self._play(call, f"abuse_{step}", calls.SPOKEN_WARNINGS[step],
                             barge_in=False)
        finally:
            call.rtp.muted = False
        await cti.notify(self.pubsub, agent_id, "warned",
                         consultation_id=call.consultation_id, step=step)
        if step == "terminated":
            call.outcome, call.reason = "forced_terminated", "abuse_policy"
            self._end(call)
            # The same recovery break as after an abusive chat (issue 17).
            await self.pubsub.publish(agent_channel(agent_id),
                                      break_offered(call.consultation_id, warning.care_id))

    async def _blind_transfer(self, call: Call, target: str) -> None:
        old = call.agent
        assert old is not None
        call.declined.add(old.phone.agent_id)
        self._drop_agent(call)
        await self._release(call, old.phone.agent_id, wrap_up=True)
        call.rtp.muted = False
        if call.rtp.recorder:
            call.rtp.recorder.close()
            call.rtp.recorder = None
        await cti.notify(self.pubsub, old.phone.agent_id, "ended",
                         consultation_id=call.consultation_id, outcome="transferred")
        # A transfer inside the center is not an outcome (ADR 0004): the call goes on.
        call.transferred_to = target[:64]
        if target.startswith("queue:"):
            call.queue = target[6:]
        elif target.startswith("agent:") and target[6:].isdigit():
            # That agent, whether or not their skills cover the caller's queue.
            call.direct_agent = int(target[6:])
            call.declined.discard(call.direct_agent)
        self._roster_stale = True  # a person picked the target: read who is free now
        call.stage = "queue"
        await self._play(call, "transfer", GATEWAY_PROMPTS["transfer"], barge_in=False)
        if call.talk_over is not None and not call.talk_over.done():
            call.talk_over.set_result("transfer")


    # --- legs the gateway places: callbacks, consultations, transfers out -----------------

    async def _dial(self, uri: str, phone: acd.AgentPhone | None, *, extra: dict[str, str],
                    registry: dict[str, Call], call: Call | None,
                    result: dict[str, int] | None = None) -> AgentLeg | None:
        """INVITE `uri` (an agent's phone, a citizen, an outside number); the answered leg
        (ACKed, media known), or None if it was not answered within the ring timeout.
        `result["status"]` gets the final SIP status (408 when nothing answered in time)."""
        ep, s = self.endpoint, self.settings
        assert ep is not None
        target = _peer_of(uri)
        if target is None:
            return None
        rtp = await self.ports.open(s.rtp_host, ("127.0.0.1", 9), 8, 101)
        leg = AgentLeg(phone or _outside(uri), target, m.new_call_id(s.host),
                       from_hdr=f'"{s.number}" <sip:{s.number}@{s.host}:{self.port}>'
                                f";tag={m.new_tag()}",
                       to_hdr=f"<{uri}>", uri=uri, rtp=rtp)
        if call is not None:
            registry[leg.call_id] = call
        branch = m.new_branch()
        data = m.request("INVITE", uri, via_host=s.host, via_port=self.port, branch=branch,
                         from_=leg.from_hdr, to=leg.to_hdr, call_id=leg.call_id,
                         cseq_no=leg.cseq, contact=self._contact(),
                         body=sdp.build(s.rtp_host, rtp.port, [8, 0], 101), extra=extra)
        leg.invite = ep.request(data, target, branch, "INVITE")
        deadline = time.monotonic() + s.ring_timeout
        res: SipResponse | None = None
        try:
            while True:
                left = deadline - time.monotonic()
                res = await ep.wait_response(leg.invite, left) if left > 0 else None
                if res is None or res.status_code >= 200:
                    break
        except asyncio.CancelledError:
            self._cancel_agent(leg)
            rtp.close()
            registry.pop(leg.call_id, None)
            raise
        if result is not None:
            result["status"] = res.status_code if res is not None else 408
        if res is None or res.status_code >= 300:
            if res is None:
                self._cancel_agent(leg)
            rtp.close()
            registry.pop(leg.call_id, None)
            return None
        leg.to_hdr = res.get_header("To") or leg.to_hdr
        leg.uri = m.contact_uri(res) or leg.uri
        ack = m.request("ACK", leg.uri, via_host=s.host, via_port=self.port,
                        branch=m.new_branch(), from_=leg.from_hdr, to=leg.to_hdr,
                        call_id=leg.call_id, cseq_no=leg.cseq)
        leg.invite.ack = ack
        ep.send(ack, leg.peer)
        leg.state, leg.answered = "talking", True
        try:
            answer = sdp.negotiate(res.body)
        except sdp.SdpError:
            self._bye_agent(leg)
            rtp.close()
            registry.pop(leg.call_id, None)
            return None
        rtp.remote, rtp.pt, rtp.dtmf_pt = ((answer.host, answer.port), answer.payload_type,
                                           answer.dtmf_payload_type)
        return leg

    def _record(self, call: Call, leg: AgentLeg) -> tuple[str, str]:
        """Both legs to WAV from now on (a new pair of files per agent answering)."""
        folder = self.settings.recording_dir / date.today().isoformat()
        stem = f"call-{call.record_id}-{int(time.time() * 1000)}"
        caller_wav, agent_wav = folder / f"{stem}-caller.wav", folder / f"{stem}-agent.wav"
        if call.rtp.recorder is not None:
            call.rtp.recorder.close()
        call.rtp.recorder = audio.WavRecorder(caller_wav)
        assert leg.rtp is not None
        leg.rtp.recorder = audio.WavRecorder(agent_wav)
        return str(caller_wav), str(agent_wav)

    def _drop_placed(self, call: Call, leg: AgentLeg) -> None:
        if leg.state == "ringing":
            self._cancel_agent(leg)
        else:
            self._bye_agent(leg)
        if leg.rtp is not None:
            if call.rtp.partner is leg.rtp:
                call.rtp.partner = None
            leg.rtp.close()
        self.placed_dialogs.pop(leg.call_id, None)
        self.busy_agents.discard(leg.phone.agent_id)
        if call.consult is leg:
            call.consult = None
        if call.external is leg:
            call.external = None

    def _placed_leg_gone(self, call: Call, call_id: str) -> None:
        """The far end of a consult, outside or interpreter leg hung up."""
        if call.interpreter is not None and call.interpreter.call_id == call_id:
            call.interpreter.state = "gone"  # the interpreter left: the call goes on two-way
            self._spawn(self._interpreter_gone(call, "interpreter_left"))
            return
        for leg in (call.consult, call.external):
            if leg is not None and leg.call_id == call_id:
                leg.state = "gone"
                if leg is call.external:  # the outside party ended the transferred call
                    call.reason = call.reason or "external_bye"
                    self._end(call)
                else:
                    self._drop_placed(call, leg)
                    self._spawn(self._retrieve(call, "consult_ended"))

    async def _placed_command(self, call: Call, action: str, target: str) -> bool:
        assert call.agent is not None
        if action == "consult" and call.stage == "talk" and call.consult is None:
            self._spawn(self._consult(call, target))
        elif action == "transfer" and call.stage == "talk" and call.consult is None:
            self._spawn(self._transfer_out(call, target))
        elif action == "complete" and call.consult is not None and call.consult.answered:
            await self._complete(call)
        elif action == "retrieve" and call.consult is not None:
            self._drop_placed(call, call.consult)
            await self._retrieve(call, "retrieved")
        else:
            return False
        return True

    async def _target_uri(self, call: Call, target: str) -> tuple[str, acd.AgentPhone | None]:
        """Where a consultation or a transfer out rings: an agent's phone or an outside
        number (through `DASAN_VOICE_EXTERNAL_URI`); ("", None) if nobody can take it."""
        if target.startswith("external:"):
            return self.settings.external_uri.format(number=target[9:]), None
        roster = await self._cached_roster(fresh=True)
        exclude = self.busy_agents | {call.agent.phone.agent_id if call.agent else 0}
        phone: acd.AgentPhone | None
        if target.startswith("agent:"):
            phone = next((a for a in roster.agents if str(a.agent_id) == target[6:]
                          and a.agent_id not in exclude), None)
        else:
            phone = acd.pick(roster, target.removeprefix("queue:"), call.language, _mode(),
                             exclude)
        return (phone.sip_uri, phone) if phone else ("", None)

    async def _consult(self, call: Call, target: str) -> None:
        """Attended transfer, first half: the caller holds, the agent talks to the target."""
        agent = call.agent
        assert agent is not None and agent.rtp is not None
        agent_id = agent.phone.agent_id
        uri, phone = await self._target_uri(call, target)
        if not uri:
            await cti.notify(self.pubsub, agent_id, "consult_failed",
                             consultation_id=call.consultation_id, target=target)
            return
        if phone is not None:
            self.busy_agents.add(phone.agent_id)
        call.rtp.partner = agent.rtp.partner = None
        call.rtp.muted = True
        self._start_hold(call)
        await cti.notify(self.pubsub, agent_id, "consulting",
                         consultation_id=call.consultation_id, target=target)
        if phone is not None:
            await cti.notify(self.pubsub, phone.agent_id, "ringing", consult=True,
                             **self._screen_pop(call))
        leg = await self._dial(uri, phone, extra={"X-Dasan-Consultation":
                                                  str(call.consultation_id)},
                               registry=self.placed_dialogs, call=call)
        if leg is None or call.finished or call.agent is not agent:
            if phone is not None:
                self.busy_agents.discard(phone.agent_id)
            if leg is not None:
                call.consult = leg
                self._drop_placed(call, leg)
            if not call.finished and call.agent is agent:
                await self._retrieve(call, "consult_failed")
            return
        call.consult, call.consult_target = leg, target
        assert leg.rtp is not None
        agent.rtp.partner, leg.rtp.partner = leg.rtp, agent.rtp
        await cti.notify(self.pubsub, agent_id, "consult_answered",
                         consultation_id=call.consultation_id, target=target)

    async def _retrieve(self, call: Call, why: str) -> None:
        """The consultation is over without a transfer: caller and agent talk again."""
        agent = call.agent
        if call.finished or agent is None or agent.rtp is None:
            return
        self._stop_hold(call)
        call.rtp.muted = False
        call.rtp.partner, agent.rtp.partner = agent.rtp, call.rtp
        await cti.notify(self.pubsub, agent.phone.agent_id, "retrieved",
                         consultation_id=call.consultation_id, why=why)

    async def _complete(self, call: Call) -> None:
        """Attended transfer, second half: the consulted party takes the caller and the
        agent who transferred leaves (after-call work)."""
        old, leg = call.agent, call.consult
        assert old is not None and leg is not None and leg.rtp is not None
        call.consult = None
        call.transferred_to = call.consult_target[:64]
        self.placed_dialogs.pop(leg.call_id, None)
        call.declined.add(old.phone.agent_id)
        self._drop_agent(call)
        await self._release(call, old.phone.agent_id, wrap_up=True)
        await cti.notify(self.pubsub, old.phone.agent_id, "ended",
                         consultation_id=call.consultation_id, outcome="transferred_on")
        self._stop_hold(call)
        call.rtp.muted = False
        if leg.phone.agent_id:  # another agent takes the call
            call.agent = leg
            self.agent_dialogs[leg.call_id] = call
            await self._presence(await self._write(calls.offered, call.record_id,
                                                leg.phone.agent_id))
            recordings = self._record(call, leg)
            call.rtp.partner, leg.rtp.partner = leg.rtp, call.rtp
            self._write_behind(calls.answered, call.record_id, leg.phone.agent_id, recordings)
            await cti.notify(self.pubsub, leg.phone.agent_id, "answered",
                             consultation_id=call.consultation_id)
        else:  # an outside number: the call has left the center
            self._bridge_out(call, leg)

    def _bridge_out(self, call: Call, leg: AgentLeg) -> None:
        assert leg.rtp is not None
        call.external = leg
        self.placed_dialogs[leg.call_id] = call
        call.rtp.partner, leg.rtp.partner = leg.rtp, call.rtp
        call.outcome = "transferred"  # passed out of the center (ADR 0004)
        call.stage = "external"

    async def _transfer_out(self, call: Call, target: str) -> int:
        """Blind transfer to an outside number (a district office): a second INVITE leg that
        the gateway bridges (it stays in the media path); if nobody answers, the caller goes
        back to the agent. The outside line's final SIP status (200 when bridged)."""
        agent = call.agent
        assert agent is not None
        call.rtp.partner = None
        if agent.rtp is not None:
            agent.rtp.partner = None
        call.rtp.muted = True
        await self._play(call, "transfer_external", GATEWAY_PROMPTS["transfer_external"],
                         barge_in=False)
        self._start_hold(call)
        uri, _ = await self._target_uri(call, target)
        status: dict[str, int] = {}
        leg = await self._dial(uri, None, extra={}, registry=self.placed_dialogs, call=call,
                               result=status)
        if leg is None or call.finished or call.agent is not agent:
            if leg is not None:
                call.external = leg
                self._drop_placed(call, leg)
            await self._retrieve(call, "transfer_failed")
            return 487 if leg is not None else status.get("status", 480)
        self._stop_hold(call)
        call.rtp.muted = False
        call.declined.add(agent.phone.agent_id)
        self._drop_agent(call)
        await self._release(call, agent.phone.agent_id, wrap_up=True)
        await cti.notify(self.pubsub, agent.phone.agent_id, "ended",
                         consultation_id=call.consultation_id, outcome="transferred")
        call.transferred_to = target[:64]
        self._bridge_out(call, leg)
        return 200

    # --- the interpreter conference (issue 14) -----------------------------------------

    async def _interpreter_command(self, call: Call, action: str, target: str) -> bool:
        if action == "interpreter":
            if (call.stage != "talk" or call.consult is not None or call.external is not None
                    or call.interpreter is not None or call.interpreter_task is not None
                    or call.agent is None or call.agent.rtp is None):
                return False
            call.interpreter_task = self._spawn(self._add_interpreter(call, target))
            return True
        if call.interpreter_task is not None:  # still ringing: stop ringing them
            call.interpreter_task.cancel()
            return True
        if call.interpreter is None:
            return False
        await self._interpreter_gone(call, "dropped")
        return True

    async def _add_interpreter(self, call: Call, target: str) -> None:
        """Ring the interpreter (an agent's phone, or an outside number through the trunk);
        when they answer, the call becomes a three-way conference. If they do not (busy,
        no answer), the call goes on two-way and the miss is on record."""
        agent = call.agent
        assert agent is not None and call.record_id is not None
        agent_id = agent.phone.agent_id
        pop = {"consultation_id": call.consultation_id}
        leg_id = await self._write(conference.added, call.record_id, target, call.language,
                                agent_id)
        call.interpreter_leg_id = leg_id
        shown = conference.masked_target(target)
        status: dict[str, int] = {}
        leg: AgentLeg | None = None
        phone: acd.AgentPhone | None = None
        try:
            uri, phone = await self._target_uri(call, target)
            await cti.notify(self.pubsub, agent_id, "interpreter_ringing", target=shown,
                             leg_id=leg_id, **pop)
            if uri:
                if phone is not None:
                    self.busy_agents.add(phone.agent_id)
                    await cti.notify(self.pubsub, phone.agent_id, "ringing", interpreter=True,
                                     **self._screen_pop(call))
                leg = await self._dial(uri, phone, extra={
                    "X-Dasan-Consultation": str(call.consultation_id),
                    "X-Dasan-Role": "interpreter"}, registry=self.placed_dialogs, call=call,
                    result=status)
            else:
                status["status"] = 480  # that agent is not available now
        except asyncio.CancelledError:
            status["status"] = 487  # dropped while ringing, or the call ended
        finally:
            call.interpreter_task = None
        if leg is None or call.finished or call.agent is not agent:
            if phone is not None:
                self.busy_agents.discard(phone.agent_id)
            if leg is not None:
                self._drop_placed(call, leg)
                status["status"] = 487
            await self._write(conference.missed, leg_id, status.get("status"))
            if not call.finished:
                await cti.notify(self.pubsub, agent_id, "interpreter_failed", target=shown,
                                 leg_id=leg_id, sip_status=status.get("status"), **pop)
            if phone is not None:
                await cti.notify(self.pubsub, phone.agent_id, "ended", outcome="abandoned",
                                 interpreter=True, **pop)
            return
        assert leg.rtp is not None and agent.rtp is not None
        folder = self.settings.recording_dir / date.today().isoformat()
        wav = folder / f"call-{call.record_id}-{int(time.time() * 1000)}-interpreter.wav"
        leg.rtp.recorder = audio.WavRecorder(wav)
        call.interpreter = leg
        self._stop_hold(call)
        call.conference = Conference([call.rtp, agent.rtp, leg.rtp])
        call.conference.start()
        await self._write(conference.joined, leg_id, str(wav))
        await cti.notify(self.pubsub, agent_id, "interpreter_joined", target=shown,
                         leg_id=leg_id, **pop)
        if phone is not None:
            await cti.notify(self.pubsub, phone.agent_id, "answered", interpreter=True, **pop)

    async def _interpreter_gone(self, call: Call, reason: str) -> None:
        """The interpreter left, was dropped, or the call ended: back to the two-party
        relay (if the call goes on), the leg hung up and its end on record."""
        leg, leg_id = call.interpreter, call.interpreter_leg_id
        if leg is None:
            return
        call.interpreter = None
        if call.conference is not None:
            call.conference.stop()
            call.conference = None
        agent = call.agent
        if agent is not None and agent.rtp is not None:
            call.rtp.partner, agent.rtp.partner = agent.rtp, call.rtp
        self._drop_placed(call, leg)
        if leg_id is not None:
            await self._write(conference.left, leg_id, reason)
        pop = {"consultation_id": call.consultation_id}
        if agent is not None:
            await cti.notify(self.pubsub, agent.phone.agent_id, "interpreter_left", why=reason,
                             leg_id=leg_id, **pop)
        if leg.phone.agent_id:
            await cti.notify(self.pubsub, leg.phone.agent_id, "interpreter_left", why=reason,
                             leg_id=leg_id, **pop)

    async def _serve_callbacks(self) -> None:
        """Place waiting callbacks when an agent of their queue is free and no live caller of
        that queue is waiting (checked at most once a second)."""
        if time.monotonic() - self._callbacks_checked < 1.0:
            return
        self._callbacks_checked = time.monotonic()
        waiting = await self._write(calls.waiting_callbacks)
        if not waiting:
            return
        roster = await self._cached_roster()
        for request_id, queue in waiting:
            if any(c.queue == queue for c in self._waiting()):
                continue
            phone = acd.pick(roster, queue, "ko", _mode(), self.busy_agents)
            if phone is None:
                continue
            self.busy_agents.add(phone.agent_id)
            self._spawn(self._place_callback(request_id, phone))

    async def _place_callback(self, request_id: int, phone: acd.AgentPhone) -> None:
        """The agent's phone first; once they answer, the citizen is dialled and bridged."""
        s = self.settings
        try:
            placed = await self._write(calls.open_callback, request_id, phone.agent_id)
            if placed is None:
                return
            opened, contact, events = placed
            await self._presence(events)
            pop = {"consultation_id": opened.consultation_id, "caller": opened.caller_masked,
                   "ars_path": [], "queue": None, "language": "ko", "wait_seconds": 0,
                   "callback": True}
            await cti.notify(self.pubsub, phone.agent_id, "ringing", **pop)
            extra = {"Call-Info": "<sip:120>;answer-after=0",
                     "X-Dasan-Consultation": str(opened.consultation_id)}
            agent = await self._dial(phone.sip_uri, phone, extra=extra, registry={}, call=None)
            citizen = None
            if agent is not None:
                citizen = await self._dial(contact, None, extra={}, registry={}, call=None)
            if agent is None or citizen is None:
                if agent is not None:
                    self._bye_agent(agent)
                    assert agent.rtp is not None
                    agent.rtp.close()
                await self._presence(await self._write(
                    calls.callback_failed, opened.call_id, request_id, phone.agent_id,
                    "agent_no_answer" if agent is None else "citizen_no_answer",
                    s.callback_attempts, s.callback_retry_seconds))
                await cti.notify(self.pubsub, phone.agent_id, "ended",
                                 consultation_id=opened.consultation_id, outcome="callback")
                return
            assert citizen.rtp is not None and agent.rtp is not None
            call = Call(sip_call_id=citizen.call_id, invite=None, peer=citizen.peer,
                        our_tag=m.tag_of(citizen.from_hdr) or "", remote_uri=citizen.uri,
                        from_hdr=citizen.from_hdr, to_hdr=citizen.to_hdr, rtp=citizen.rtp,
                        codec=sdp.CODECS.get(citizen.rtp.pt, "PCMA"), stage="talk",
                        record_id=opened.call_id, consultation_id=opened.consultation_id,
                        caller_masked=opened.caller_masked, agent=agent, answered=True,
                        callback_id=request_id, queued_mono=time.monotonic())
            self.calls[call.sip_call_id] = call
            self.agent_dialogs[agent.call_id] = call
            recordings = self._record(call, agent)
            call.rtp.partner, agent.rtp.partner = agent.rtp, call.rtp
            self.bridged_now += 1
            self.bridged_peak = max(self.bridged_peak, self.bridged_now)
            self._write_behind(calls.answered, call.record_id, phone.agent_id, recordings)
            await cti.notify(self.pubsub, phone.agent_id, "answered",
                             consultation_id=call.consultation_id)
            call.talk_over = asyncio.get_running_loop().create_future()
            call.task = self._spawn(_wait_future(call.talk_over))
            call.task.add_done_callback(self._closer(call))
        except Exception:
            log.exception("placing callback %s failed", request_id)
        finally:
            if request_id and not any(c.callback_id == request_id for c in self.calls.values()):
                self.busy_agents.discard(phone.agent_id)
        del s


async def _wait_future(fut: asyncio.Future[str]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await fut


def _outside(uri: str) -> acd.AgentPhone:
    """A leg to someone who is not an agent (a citizen, an outside number): agent id 0."""
    return acd.AgentPhone(0, "outside", uri, frozenset(), False, ("ko",), datetime.min)


class _CallerIO:
    """The ARS engine's view of a call: prompts from the library, digits from RTP."""

    def __init__(self, gw: Gateway, call: Call, flow: Flow) -> None:
        self.gw, self.call, self.flow = gw, call, flow

    async def play(self, prompt_key: str, *, barge_in: bool) -> None:
        if prompt_key.startswith("answer:"):  # a visible-ARS answer, spoken by TTS
            text = steer.answer_text(self.call, prompt_key[7:])
            await self.gw._play(self.call, f"{prompt_key}:{hash(text)}", text,
                                barge_in=barge_in)
            return
        p = self.flow.prompt(prompt_key)
        await self.gw._play(self.call, prompt_key, p.text, p.language, barge_in=barge_in)

    async def digit(self, timeout: float) -> str | None:
        return await self.call.rtp.wait_digit(timeout)

    def input_pending(self) -> bool:
        return not self.call.rtp.digits.empty()

    async def offer_link(self) -> bool:
        return await steer.send_link(self.gw, self.call)

    async def bot(self, node: BotNode) -> engine.BotVerdict:
        return await callbot_call.converse(self.gw, self.call, node, self.flow)


@batchable
def _end_wrap_up(session: Any, agent_id: int, since: datetime) -> list[PresenceEvent]:
    return presence.end_wrap_up(session, agent_id, since)


def _in_session(url: str | None, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
                ) -> Any:
    with session_scope(url) as session:
        return fn(session, *args, **kwargs)


class _SurveyIO:
    """The survey's view of a call (prompts through the TTS library, keys from RTP)."""

    def __init__(self, gw: Gateway, call: Call) -> None:
        self.gw, self.call = gw, call

    async def play(self, key: str, text: str) -> None:
        await self.gw._play(self.call, key, text, barge_in=True)

    async def digit(self, timeout: float) -> str | None:
        return await self.call.rtp.wait_digit(timeout)


@batchable
def _save_callback(session: Any, call_id: int, queue: str, contact: str) -> None:
    session.add(CallbackRequest(call_id=call_id, queue_code=queue, contact_uri=contact[:256]))


def _mode() -> str:
    return get_settings().routing_mode


def _peer_of(uri: str) -> m.Peer | None:
    """Host and port of a SIP URI (sip:user@host:port;params)."""
    rest = uri.split(":", 1)[-1].split(";", 1)[0]
    hostport = rest.split("@", 1)[-1]
    host, _, port = hostport.partition(":")
    if not host:
        return None
    try:
        return m.Peer(host, int(port or 5060))
    except ValueError:
        return None
