"""Sign-language video consultations (수어 상담, ADR 0015).

A video consultation is a contact of channel `sign_language` in the live chat room: it queues
in the sign-language queue (skill `sign_language`), is offered and accepted like a chat
(`chat.hub.accept_offer`), ends like a chat (`citizen_leave`, `close_chat`, the citizen-gone
sweep) and is wrapped up like a chat. What it adds:

* `open_sign`        the citizen starts it: straight to the queue, no chatbot;
* `signal`           WebRTC signalling (SDP offer/answer, ICE candidates, restart, hang-up)
                     relayed as typed `rtc` events on the consultation's channel, between the
                     citizen and the agent the consultation is with. Nothing is stored;
* `media_connected`  the agent's desktop reports that the call's media connected: that is
                     when the consultation is *answered* (`answered_at`, ADR 0004), as a phone
                     call is answered when the agent picks up;
* `ice_servers`      the STUN/TURN servers from settings, with coturn's time-limited
                     credentials (`use-auth-secret`) for TURN.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat.hub import Outcome, consult_channel, system_message
from dasan.chat.service import ChatError, get_consultation, phase, start_chat
from dasan.config import get_settings
from dasan.consultations.channels import SIGN_LANGUAGE
from dasan.db.base import utcnow
from dasan.db.models import Consultation, Queue
from dasan.routing import router

KINDS = ("offer", "answer", "ice", "restart", "hangup")
MAX_SDP_CHARS = 20_000
MAX_CANDIDATE_CHARS = 1_000
SENDERS = ("citizen", "agent")
WAITING_SIGN_KO = "수어 상담사 연결을 기다리고 있습니다. 순서대로 영상으로 연결해 드립니다."
MEDIA_KO = "수어 상담 영상이 연결되었습니다."


def open_sign(s: Session, language: str = "ko") -> Outcome:
    """The citizen starts a video consultation: it waits in the sign-language queue at once."""
    queue = s.scalar(select(Queue).where(Queue.code == router.SIGN_QUEUE))
    if queue is None:
        raise ChatError("sign-language consultations are not set up here (no 수어 queue)", 503,
                        "sign_unavailable")
    c = start_chat(s, language)
    c.channel = SIGN_LANGUAGE
    router.enqueue(s, c, router.Decision(queue.code, queue.priority, "sign language"))
    s.commit()
    out = Outcome(result={"consultation_id": c.id})
    system_message(s, out, c.id, WAITING_SIGN_KO, {"kind": "waiting", "queue": queue.code,
                                                   "reason": "sign_language"})
    out.state(s, c)
    out.assign = True
    return out


def _sign(s: Session, cid: int) -> Consultation:
    c = get_consultation(s, cid)
    if c.channel != SIGN_LANGUAGE:
        raise ChatError("this consultation is not a video consultation", 409, "not_video")
    return c


def _payload(frame: dict[str, Any]) -> tuple[str, str | None, dict[str, Any] | None]:
    """The signalling frame's kind, SDP and ICE candidate, checked (400 otherwise)."""
    kind = frame.get("kind")
    if kind not in KINDS:
        raise ChatError(f"rtc kind must be one of {', '.join(KINDS)}", 400, "rtc_invalid")
    sdp = frame.get("sdp")
    candidate = frame.get("candidate")
    if kind in ("offer", "answer"):
        if not isinstance(sdp, str) or not sdp.startswith("v=0") \
                or len(sdp) > MAX_SDP_CHARS:
            raise ChatError(f"an {kind} carries an SDP text (v=0 ..., at most "
                            f"{MAX_SDP_CHARS} characters)", 400, "rtc_invalid")
        return kind, sdp, None
    if kind == "ice":
        if candidate is None:  # end of candidates
            return kind, None, None
        if not isinstance(candidate, dict) or not isinstance(candidate.get("candidate"), str) \
                or len(str(candidate)) > MAX_CANDIDATE_CHARS:
            raise ChatError("an ice frame carries a candidate object (RTCIceCandidateInit)",
                            400, "rtc_invalid")
        clean = {k: candidate[k] for k in ("candidate", "sdpMid", "sdpMLineIndex",
                                           "usernameFragment") if k in candidate}
        return kind, None, clean
    return kind, None, None


def signal(s: Session, cid: int, sender: str, agent_id: int | None,
           frame: dict[str, Any]) -> Outcome:
    """Relay one signalling frame to the other side of a live video consultation.

    The citizen (authorised for `cid` by its token) or the agent the consultation is with may
    signal, only while it is live (an agent accepted it and it has not ended)."""
    if sender not in SENDERS:
        raise ChatError(f"unknown rtc sender {sender!r}")
    kind, sdp, candidate = _payload(frame)
    c = _sign(s, cid)
    if sender == "agent" and (agent_id is None or c.agent_id != agent_id):
        raise ChatError("this consultation is not assigned to you", 403, "chat_not_yours")
    if phase(c) != "live":
        raise ChatError("the video call is not live (waiting for an agent, or ended)", 409,
                        "rtc_not_live")
    event: dict[str, Any] = {"type": "rtc", "consultation_id": cid, "sender": sender,
                             "kind": kind}
    if sdp is not None:
        event["sdp"] = sdp
    if candidate is not None:
        event["candidate"] = candidate
    return Outcome(events=[(consult_channel(cid), event)], result={"kind": kind})


def media_connected(s: Session, agent_id: int, cid: int) -> Outcome:
    """The agent's desktop saw the call's media connect: the consultation is answered now
    (once; a reconnect later changes nothing)."""
    c = _sign(s, cid)
    if c.agent_id is None or c.agent_id != agent_id:
        raise ChatError("this consultation is not assigned to you", 403, "chat_not_yours")
    if c.status == "closed":
        raise ChatError("this consultation has ended", 409, "chat_ended")
    out = Outcome(result={"answered": False})
    if c.answered_at is None:
        now = utcnow()
        c.answered_at = now
        c.wait_seconds = (now - (c.queued_at or c.started_at)).total_seconds()
        s.commit()
        system_message(s, out, cid, MEDIA_KO, {"kind": "media_connected"})
        out.state(s, c)
        out.result = {"answered": True}
    return out


def ice_servers(now: float | None = None) -> list[dict[str, Any]]:
    """RTCIceServer entries from settings. TURN gets coturn's REST-style credential: the
    username is `<expiry>:dasan`, the password base64(HMAC-SHA1(secret, username)), valid for
    `DASAN_RTC_TURN_TTL_SECONDS` (coturn: `use-auth-secret`, `static-auth-secret`)."""
    st = get_settings()
    out: list[dict[str, Any]] = []
    stun = [u.strip() for u in st.rtc_stun_urls.split(",") if u.strip()]
    if stun:
        out.append({"urls": stun})
    turn = [u.strip() for u in st.rtc_turn_urls.split(",") if u.strip()]
    if turn:
        if not st.rtc_turn_secret:
            raise ChatError("TURN servers are configured without DASAN_RTC_TURN_SECRET", 503,
                            "turn_unconfigured")
        expiry = int((now if now is not None else time.time()) + st.rtc_turn_ttl_seconds)
        username = f"{expiry}:dasan"
        digest = hmac.new(st.rtc_turn_secret.encode(), username.encode(), hashlib.sha1).digest()
        out.append({"urls": turn, "username": username,
                    "credential": base64.b64encode(digest).decode()})
    return out


__all__ = ["open_sign", "signal", "media_connected", "ice_servers"]
