"""RFC 4733 digit detection, SDP negotiation, G.711 round trip and SIP message helpers."""

from __future__ import annotations

import numpy as np
import pytest

from dasan.voice.media import audio
from dasan.voice.media.dtmf import DtmfDetector, event_payload
from dasan.voice.sip import messages, sdp


def test_a_press_counts_once_even_with_repeated_end_packets() -> None:
    d = DtmfDetector()
    seen = [d.feed(1000, event_payload("5", False, 160)), d.feed(1000, event_payload("5", False, 320)),
            d.feed(1000, event_payload("5", True, 480)), d.feed(1000, event_payload("5", True, 480))]
    assert [x for x in seen if x] == ["5"]


def test_a_digit_whose_end_packets_were_lost_is_still_read() -> None:
    d = DtmfDetector()
    assert d.feed(1000, event_payload("1", False, 160)) == "1"
    assert d.feed(2000, event_payload("2", False, 160)) == "2"  # no end for "1" ever came


def test_the_same_key_pressed_again_with_a_reused_timestamp_counts_again() -> None:
    d = DtmfDetector()
    assert d.feed(13280, event_payload("1", False, 160)) == "1"
    assert d.feed(13280, event_payload("1", True, 800)) is None
    assert d.feed(13280, event_payload("1", False, 160)) == "1"


def test_sdp_prefers_the_callers_first_g711_and_finds_telephone_events() -> None:
    offer = (b"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
             b"m=audio 4000 RTP/AVP 18 8 0 96\r\na=rtpmap:18 G729/8000\r\n"
             b"a=rtpmap:96 telephone-event/8000\r\n")
    got = sdp.negotiate(offer)
    assert (got.host, got.port, got.payload_type, got.dtmf_payload_type) == ("10.0.0.1", 4000,
                                                                            8, 96)


@pytest.mark.parametrize("body", [
    b"",
    b"v=0\r\nm=video 4000 RTP/AVP 96\r\n",
    b"v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n",
])
def test_offers_without_usable_audio_are_refused(body: bytes) -> None:
    with pytest.raises(sdp.SdpError):
        sdp.negotiate(body)


@pytest.mark.parametrize("pt", [0, 8])
def test_g711_round_trip_keeps_the_signal(pt: int) -> None:
    pcm = audio.tone([440.0], 0.1, 0.5)
    back = np.frombuffer(audio.decode(pt, audio.encode(pt, pcm)), "<i2").astype(float)
    orig = np.frombuffer(pcm, "<i2").astype(float)
    assert len(back) == len(orig)
    assert np.corrcoef(orig, back)[0, 1] > 0.99


def test_caller_digits_prefer_asserted_identity() -> None:
    raw = (b"INVITE sip:120@gw SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\n"
           b"From: <sip:anonymous@x>;tag=1\r\nTo: <sip:120@gw>\r\nCall-ID: c\r\n"
           b"CSeq: 1 INVITE\r\nP-Asserted-Identity: <sip:+82-10-1234-5678@carrier>\r\n\r\n")
    msg = messages.parse(raw)
    assert messages.caller_digits(msg) == "821012345678"
    assert messages.uri_user(msg.uri) == "120"  # type: ignore[union-attr]


def test_garbage_is_a_parse_error() -> None:
    with pytest.raises(messages.SipParseError):
        messages.parse(b"HELLO world\r\n\r\n")


def _dtmf_packet(seq: int, ts: int, digit: str, end: bool) -> bytes:
    import struct

    return struct.pack("!BBHII", 0x80, 101, seq, ts, 1234) + event_payload(digit, end, 160)


def test_a_dtmf_storm_is_bounded_and_counted() -> None:
    from dasan.voice.media.rtp import MAX_DIGITS_QUEUED, RtpLeg

    leg = RtpLeg(("127.0.0.1", 9), 0, 101)
    for i in range(200):
        leg.datagram_received(_dtmf_packet(i, 1000 + i * 160, "5", False), ("127.0.0.1", 9))
    assert leg.digits.qsize() == MAX_DIGITS_QUEUED
    assert leg.dropped_digits == 200 - MAX_DIGITS_QUEUED
    assert leg.take_digit() == "5"


def test_recorder_decodes_g711_packets_in_bulk_and_in_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import wave

    pcm = audio.tone([440.0], 1.5)
    packets = [audio.encode(8, pcm[i:i + 320]) for i in range(0, len(pcm), 320)]
    rec = audio.WavRecorder(tmp_path / "leg.wav")
    for p in packets[:40]:
        rec.write_g711(8, p)
    rec.write(b"\x00\x00" * 160)  # plain PCM in between keeps its place
    for p in packets[40:]:
        rec.write_g711(0, audio.encode(0, audio.decode(8, p)))  # the law may change
    rec.close()
    assert audio.recordings_written()
    with wave.open(str(tmp_path / "leg.wav"), "rb") as w:
        got = w.readframes(w.getnframes())
    want = (b"".join(audio.decode(8, p) for p in packets[:40]) + b"\x00\x00" * 160
            + b"".join(audio.decode(0, audio.encode(0, audio.decode(8, p)))
                       for p in packets[40:]))
    assert got == want and rec.frames == len(want) // 2


def test_a_recording_handed_to_the_relay_and_back_is_one_file_in_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """ADR 0020: the gateway's recorder closes its file, the relay appends to it, the
    recorder appends again; a reader sees the three parts in order, and the file is a valid
    WAV while the relay has it."""
    import wave

    from dasan.voice.media.wavappend import AppendWav

    first, middle, last = (audio.tone([hz], 0.5) for hz in (300.0, 600.0, 900.0))
    rec = audio.WavRecorder(tmp_path / "leg.wav")
    rec.write_g711(8, audio.encode(8, first))
    rec.suspend().result(5)
    rec.write_g711(8, audio.encode(8, middle))  # while the relay has the file: not ours
    relay_side = AppendWav(tmp_path / "leg.wav")
    relay_side.append(middle)
    with wave.open(str(tmp_path / "leg.wav"), "rb") as w:  # valid meanwhile
        assert w.getnframes() == (len(first) + len(middle)) // 2
    relay_side.close()
    rec.resume()
    rec.write_g711(8, audio.encode(8, last))
    rec.close()
    assert audio.recordings_written()
    with wave.open(str(tmp_path / "leg.wav"), "rb") as w:
        assert w.getframerate() == 8000 and w.getsampwidth() == 2
        got = w.readframes(w.getnframes())
    codec = audio.codec(8)
    want = (codec.decode(codec.encode(first)) + middle + codec.decode(codec.encode(last)))
    assert got == want

def test_a_kb_answer_rendered_ahead_is_read_from_the_cache(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dasan.voice.tts.library import PromptLibrary
    from dasan.voice.tts.port import ToneTts

    class Counting(ToneTts):
        renders = 0

        def render(self, text: str, language: str) -> bytes:
            Counting.renders += 1
            return super().render(text, language)

    library = PromptLibrary(Counting(), tmp_path)
    assert library.render_cached("따릉이 대여 요금. 1시간 1,000원", "ko")
    assert not library.render_cached("따릉이 대여 요금. 1시간 1,000원", "ko")  # there already
    pcm = library.get("bot_answer:7", "따릉이 대여 요금. 1시간 1,000원", "ko")
    assert pcm and Counting.renders == 1  # the call reads what was rendered at start


def test_the_conference_mix_is_the_others_sum_clipped() -> None:
    from dasan.voice.media.mixer import mix_frames

    a = np.full(160, 1000, dtype="<i2")
    b = np.full(160, -300, dtype="<i2")
    c = np.full(160, 30000, dtype="<i2")
    out = mix_frames([a, b, c])
    assert [int(x[0]) for x in out] == [29700, 31000, 700]
    loud = mix_frames([c, c, np.full(160, -32768, dtype="<i2")])
    assert int(loud[2][0]) == 32767 and int(loud[0][0]) == -2768  # clipped, no wrap-around


async def test_the_conference_sends_each_leg_the_others_in_its_own_law() -> None:
    """Three real UDP legs (one in µ-law): a tick mixes one frame from each inbox."""
    import asyncio
    import socket

    from dasan.voice.media.mixer import Conference
    from dasan.voice.media.rtp import PortPool

    pool = PortPool(41000, 41100)
    sinks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(3)]
    for s in sinks:
        s.bind(("127.0.0.1", 0))
        s.settimeout(2)
    legs = [await pool.open("127.0.0.1", s.getsockname(), pt, 101)
            for s, pt in zip(sinks, (8, 8, 0), strict=True)]
    try:
        conf = Conference(legs)
        tones = [audio.tone([hz], 0.02, 0.2) for hz in (450.0, 1050.0, 1850.0)]
        for leg, pcm in zip(legs, tones, strict=True):
            conf.push(leg, audio.encode(leg.pt, pcm))
        conf.tick()
        got = []
        for s, leg in zip(sinks, legs, strict=True):
            packet = s.recv(2048)
            assert packet[1] & 0x7F == leg.pt and len(packet) == 12 + 160
            got.append(np.frombuffer(audio.decode(leg.pt, packet[12:]), dtype="<i2"))
        mine = [np.frombuffer(t, dtype="<i2").astype(np.int32) for t in tones]
        for i, heard in enumerate(got):
            others = sum(m for j, m in enumerate(mine) if j != i)
            assert np.abs(heard.astype(np.int32) - others).max() < 600  # G.711 step size
        conf.push(legs[0], b"\xd5" * 2000)  # a burst: only the last 100 ms is kept
        assert len(conf.inbox[id(legs[0])]) == 800
        await asyncio.sleep(0)
    finally:
        for leg in legs:
            leg.close()
        for s in sinks:
            s.close()


def test_media_payload_type_reads_rtp_media_and_nothing_else() -> None:
    from dasan.voice.media.rtp_header import media_payload_type

    header = bytes([0x80, 0x00]) + bytes(10)  # version 2, PCMU
    assert media_payload_type(header) == 0
    assert media_payload_type(bytes([0x80, 0x80 | 101]) + bytes(10)) == 101  # marker, telephone-event
    assert media_payload_type(bytes([0x80, 0xC8]) + bytes(10)) is None  # RTCP sender report (200)
    assert media_payload_type(bytes([0x40, 0x00]) + bytes(10)) is None  # version 1
    assert media_payload_type(header[:11]) is None  # shorter than a header
