"""The live segmenter: utterances with their timing, noise dropped, monologues cut."""

from __future__ import annotations

import numpy as np

from dasan.stt.segmenter import Gate, Segmenter
from dasan.voice.media import audio


def speech(seconds: float) -> bytes:
    t = np.arange(int(seconds * 8000)) / 8000
    return (np.sin(2 * np.pi * 300 * t) * 8000).astype("<i2").tobytes()


def test_utterances_are_cut_at_pauses_with_their_times() -> None:
    got: list[tuple[int, int, int]] = []
    seg = Segmenter(lambda pcm, a, b: got.append((a, b, len(pcm))))
    seg.feed(audio.silence(1.0) + speech(1.0) + audio.silence(1.0) + speech(0.5))
    seg.feed(audio.silence(0.1))
    assert len(got) == 1  # the second utterance is still open
    seg.flush()
    assert len(got) == 2
    (a1, b1, n1), (a2, b2, _n2) = got
    assert 700 <= a1 <= 1000 and 1500 < b1 <= 2700 and n1 == (b1 - a1) * 16
    assert a2 > b1 - 100 and b2 > a2


def test_a_cough_is_dropped_and_a_monologue_is_cut() -> None:
    got: list[tuple[int, int]] = []
    seg = Segmenter(lambda pcm, a, b: got.append((a, b)), Gate(max_seconds=2.0))
    seg.feed(speech(0.1) + audio.silence(1.0))  # 100 ms: under min_speech
    assert got == []
    seg.feed(speech(5.0))
    assert len(got) == 2 and all(b - a <= 2000 for a, b in got)


def test_silence_and_noise_under_the_gate_give_nothing() -> None:
    got: list[object] = []
    seg = Segmenter(lambda pcm, a, b: got.append(a))
    rng = np.random.default_rng(1)
    seg.feed((rng.normal(0, 100, 16000)).astype("<i2").tobytes())
    seg.flush()
    assert got == []


def test_a_pause_hands_over_the_utterance_so_far_before_the_end_is_confirmed() -> None:
    got: list[tuple[int, int]] = []
    paused: list[tuple[int, int]] = []
    seg = Segmenter(lambda pcm, a, b: got.append((len(pcm), seg.emitted_speech)),
                    on_pause=lambda pcm, n: paused.append((len(pcm), n)))
    seg.feed(audio.silence(0.3) + speech(1.0) + audio.silence(0.3))
    assert len(paused) == 1 and got == []  # paused for 0.2 s: not the end yet
    seg.feed(audio.silence(0.4))
    assert len(got) == 1 and got[0][1] == paused[0][1]  # no speech after the pause
    seg.feed(speech(0.6) + audio.silence(0.25) + speech(0.5) + audio.silence(0.7))
    assert len(paused) == 3 and len(got) == 2
    assert got[1][1] == paused[2][1] > paused[1][1]  # spoke on after the first pause
