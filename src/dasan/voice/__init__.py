"""The phone channel: a SIP voice gateway (`dasan voice`), the ARS flow engine, call queues, CTI.

Layout: `sip/` (signalling: UDP transport, transactions, the B2BUA's two legs), `media/` (RTP,
G.711, RFC 4733 DTMF, pacing, recording, hold audio), `flows/` (the ARS as versioned data, its
validator and interpreter), `tts/` (prompt rendering port and the espeak-ng adapter), `calls`
(the call record: one consultation per call), `acd` (queueing and agent choice), `cti` (events
to the agent desktop and commands from it), `gateway` (one call's life from INVITE to CDR).
"""
