"""Smart phone channel benchmark (issue 14): callbot answer quality on spoken-style questions,
STT speed and error rate, callbot turn latency, visible-ARS page and steering latency.

Run: ``uv run --frozen python -m bench.bench_voice_ai`` (``--quick``: fewer questions and
clips). Needs ``../shared/data`` for the FAQ and espeak-ng + the shipped Whisper model for the
STT parts (each part says so and is skipped when it cannot run).

* Callbot quality: the hand-written citizen paraphrases of bench_search (tune / hold-out
  splits; the hold-out is reported first) turned into what a transcriber writes — fillers and
  hesitations, spacing dropped or split, digits read aloud — ranked by the callbot's search
  (spoken-style normaliser + the shipped fusion) and by the peer, plain morpheme BM25 (bm25s on
  kiwi morphemes, the raw transcript as query). Also the 40 hand-written spoken queries.
* STT: real-time factor of the shipped Whisper base (int8) on espeak-ng Korean clips, one call
  and two at once, with float32 decoding of the same model as the peer; character error rate
  against the text espeak read (synthetic speech: a floor, not a target).
* Callbot turn latency: end of the caller's utterance -> first audio of the answer, i.e. STT of
  the utterance + decision + TTS rendering (p50/p95), beside the text chatbot's decision alone.
* Visible ARS: page load and choice -> command published, beside a static file from the same
  app.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.bench_search import (
    CACHE,
    DATA,
    HEADER,
    add_fillers,
    components_for,
    faq_docs,
    fmt_row,
    load_queries,
    rank_of,
    relevance,
)
from dasan.callbot.spoken import normalise
from dasan.config import default_shared_data
from dasan.knowledge.embeddings import EmbeddingCache, default_embedder
from dasan.knowledge.faq_source import load_civilappeal
from dasan.knowledge.search import DocId, SearchDoc, SearchIndex, fuse

_READ = {"0": "공", "1": "일", "2": "이", "3": "삼", "4": "사", "5": "오", "6": "육", "7": "칠",
         "8": "팔", "9": "구"}


def read_digits_aloud(text: str) -> str:
    return re.sub(r"\d", lambda m: _READ[m.group(0)], text)


def transcriber_style(text: str, rng: random.Random) -> str:
    """What an STT engine writes for a citizen saying `text`."""
    out = add_fillers(read_digits_aloud(text), rng)
    words = out.split()
    if len(words) > 3 and rng.random() < 0.5:  # two words run together
        i = rng.randrange(len(words) - 1)
        words[i:i + 2] = [words[i] + words[i + 1]]
    if rng.random() < 0.3:  # a word split where the speaker paused
        i = rng.randrange(len(words))
        if len(words[i]) > 2:
            words[i:i + 1] = [words[i][:2], words[i][2:]]
    return " ".join(words).replace("?", "")


def cer(ref: str, hyp: str) -> float:
    r, h = re.sub(r"\s+", "", ref), re.sub(r"\s+", "", hyp)
    if not r:
        return 0.0
    prev = list(range(len(h) + 1))
    for i, rc in enumerate(r, 1):
        cur = [i]
        for j, hc in enumerate(h, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (rc != hc)))
        prev = cur
    return prev[-1] / len(r)


def pct(xs: Sequence[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p)) if xs else float("nan")


def quality(data: Path, quick: bool) -> tuple[SearchIndex, dict[DocId, SearchDoc]] | None:
    faq_path = data / "seoul120-faq-opengov" / "civilappeal_data.csv"
    if not faq_path.is_file():
        print(f"callbot quality: seed data not found at {faq_path}; skipped")
        return None
    docs = faq_docs(load_civilappeal(faq_path))
    by_id = {d.id: d for d in docs}
    cache = EmbeddingCache(default_embedder(), CACHE)
    index = SearchIndex(docs, cache=cache)
    t = time.perf_counter()
    index.build()
    cache.save_if_changed()
    print(f"FAQ index: {len(docs)} entries, built in {time.perf_counter() - t:.1f} s")
    queries = [q for q in load_queries(DATA / "paraphrase_queries.jsonl")
               if q.kind in ("citizen", "spoken") and q.target in by_id]
    if quick:
        queries = queries[::3]
    heard = [transcriber_style(q.text, random.Random(q.qid)) if q.kind == "citizen" else q.text
             for q in queries]
    ours_text = [normalise(h) for h in heard]
    comps = components_for(index, ours_text)
    peer_comps = components_for(index, heard)
    rels = [relevance(index.ids, by_id, q.target) for q in queries]
    ex = next(i for i, q in enumerate(queries) if q.kind == "citizen")
    print(f"example: {queries[ex].text!r}\n  heard as {heard[ex]!r}\n  normalised {ours_text[ex]!r}")
    methods: dict[str, Callable[[int], np.ndarray]] = {
        "plain morpheme BM25 (peer)": lambda i: peer_comps[i].bm25.astype(np.float64),
        "callbot: normalise + fusion": lambda i: fuse(comps[i], index.weights),
    }
    for title, pred in (("spoken-style citizen questions, HOLD-OUT split",
                         lambda q: q.kind == "citizen" and q.split == "test"),
                        ("spoken-style citizen questions, tune split",
                         lambda q: q.kind == "citizen" and q.split == "tune"),
                        ("hand-written spoken (STT) queries", lambda q: q.kind == "spoken")):
        sel = [i for i, q in enumerate(queries) if pred(q)]
        print(f"\n{title} (n={len(sel)}); target hit@1 >= 0.90, hit@5 >= 0.97\n{HEADER}")
        for name, fn in methods.items():
            print(fmt_row(name, [rank_of(fn(i), rels[i]) for i in sel]))
    return index, by_id


CLIPS = ("수도 요금은 어디서 납부하나요", "기후동행카드 환불 방법을 알려 주세요",
         "주차 위반 과태료 이의 신청은 어떻게 하나요", "여권 발급에 필요한 서류가 무엇인가요",
         "제 전화번호는 공일공 일이삼사 오육칠팔 입니다", "따릉이 대여 요금이 얼마인가요")


def speech_clips(folder: Path, n: int) -> list[tuple[str, bytes]]:
    from dasan.voice.media import audio

    out = []
    for i, text in enumerate(CLIPS[:n]):
        wav = folder / f"clip{i}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-s", "150", "-w", str(wav), text],
                       check=True, capture_output=True)
        out.append((text, audio.read_wav_8k(wav)))
    return out


def stt_figures(quick: bool) -> list[tuple[str, bytes]]:
    from dasan.stt import whisper
    from dasan.stt.port import SttSettings

    if not whisper.shipped_model_available() or not shutil.which("espeak-ng"):
        print("\nSTT: the Whisper base parts or espeak-ng are not installed; skipped")
        return []
    with tempfile.TemporaryDirectory() as tmp:
        clips = speech_clips(Path(tmp), 3 if quick else len(CLIPS))
    seconds = sum(len(p) / 16000 for _t, p in clips)
    print(f"\nSTT on {len(clips)} espeak-ng Korean clips ({seconds:.1f} s of audio)")
    print(f"  {'decoder':<42} {'RTF':>6} {'CER':>6}")
    for label, compute, window in (("Whisper base int8, 10 s window (shipped)", "int8", 10),
                                   ("Whisper base int8, 30 s window (before)", "int8", 0),
                                   ("Whisper base float32, 30 s (peer)", "float32", 0)):
        stt = whisper.WhisperStt(SttSettings(adapter="whisper", window_seconds=window))
        from faster_whisper import WhisperModel

        stt._model = WhisperModel(str(stt.model_path()), device="cpu", compute_type=compute,
                                  cpu_threads=2, local_files_only=True)
        stt.transcribe(clips[0][1])  # warm
        t = time.perf_counter()
        hyps = [" ".join(s.text for s in stt.transcribe(p)) for _t, p in clips]
        rtf = (time.perf_counter() - t) / seconds
        errs = statistics.mean(cer(ref, hyp) for (ref, _p), hyp in zip(clips, hyps, strict=True))
        print(f"  {label:<42} {rtf:6.2f} {errs:6.2f}")
        if window:
            print(f"    e.g. {clips[0][0]!r} -> {hyps[0]!r}")
            from concurrent.futures import ThreadPoolExecutor

            t = time.perf_counter()
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda c, m=stt: m.transcribe(c[1]), clips + clips))
            rtf2 = (time.perf_counter() - t) / (2 * seconds)
            print(f"    two calls at once: RTF {rtf2:.2f} per call -> about "
                  f"{max(0.0, 1 / rtf2):.1f} calls transcribed in real time on this machine")
    return clips


def _answer_text(index: SearchIndex, docs: dict[DocId, SearchDoc], heard: str) -> str:
    from dasan.callbot.brain import speech_for

    hits = index.search(normalise(heard) or heard, k=5)
    top = docs.get(str(hits[0].id)) if hits else None
    return speech_for(top.title, top.answer) if top else "상담사에게 연결해 드리겠습니다."


async def _streamed_turn(pcm: bytes, stt: Any, index: SearchIndex,
                         docs: dict[DocId, SearchDoc], library: Any) -> tuple[float, bool]:
    """One caller turn streamed in real time (20 ms frames) through the callbot's listening
    path: the live segmenter (end after 0.6 s of silence) with early recognition at the
    caller's pause, then the decision's search and the answer's audio from the prompt library.
    Returns (end of the caller's speech -> answer audio in hand, early result used)."""
    import asyncio

    from dasan.stt.incremental import Early
    from dasan.stt.segmenter import FRAME_BYTES, Gate, Segmenter

    loop = asyncio.get_running_loop()
    utterances: asyncio.Queue[tuple[bytes, int]] = asyncio.Queue()
    early = Early(stt)
    seg: Segmenter

    def sink(utterance: bytes, _a: int, _b: int) -> None:
        utterances.put_nowait((utterance, seg.emitted_speech))

    seg = Segmenter(sink, Gate(max_seconds=15.0), None, early.pause)
    stream = pcm + b"\0" * (FRAME_BYTES * 60)  # the caller then stays silent for 1.2 s
    t0 = loop.time()
    speech_end = t0 + len(pcm) / 16000
    for i in range(0, len(stream), FRAME_BYTES):
        seg.feed(stream[i:i + FRAME_BYTES])
        if not utterances.empty():
            break
        await asyncio.sleep(max(0.0, t0 + (i + FRAME_BYTES) / 16000 - loop.time()))
    said = await utterances.get()
    segments = await early.result(*said)
    heard = " ".join(x.text for x in segments)
    text = await asyncio.to_thread(_answer_text, index, docs, heard)
    await asyncio.to_thread(library.get, "bot_answer", text, "ko")
    return loop.time() - speech_end, early.used == 1


def turn_latency(clips: list[tuple[str, bytes]],
                 built: tuple[SearchIndex, dict[DocId, SearchDoc]] | None) -> None:
    """End of the caller's speech -> first audio of the answer.

    * shipped pipeline: audio streamed in real time through the segmenter with early
      recognition (Silero-VAD-trimmed utterance in a 10 s Whisper window, greedy, text only),
      the KB search, and the answer's audio from the TTS cache the gateway fills at start
      (`prerender_answers`; here: the answers of a first, untimed pass);
    * before (the pipeline until this change): the whole utterance decoded after the end was
      confirmed (0.6 s of silence) in Whisper's 30 s window, then TTS rendered on demand;
    * peer: the same search on the typed text (the text chatbot's floor)."""
    if not clips or built is None:
        return
    import asyncio

    from dasan.stt.port import SttSettings, make_stt
    from dasan.stt.whisper import WhisperStt
    from dasan.voice.tts.library import PromptLibrary
    from dasan.voice.tts.port import EspeakTts

    index, docs = built
    stt = make_stt()
    warm = getattr(stt, "warm", None)
    if warm is not None:
        warm()
    with tempfile.TemporaryDirectory() as tmp:
        library = PromptLibrary(EspeakTts(175), Path(tmp))
        # What `prerender_answers` does at gateway start, for the answers these clips reach.
        for _text, pcm in clips:
            heard = " ".join(x.text for x in stt.transcribe(pcm))
            library.render_cached(_answer_text(index, docs, heard), "ko")
        turns, used = [], 0
        for _text, pcm in clips * 2:
            took, early = asyncio.run(_streamed_turn(pcm, stt, index, docs, library))
            turns.append(took)
            used += early
        old_stt = WhisperStt(SttSettings(window_seconds=0))
        old_stt.warm()
        tts = EspeakTts(175)
        before, renders = [], []
        for _text, pcm in clips:
            t = time.perf_counter()
            heard = " ".join(x.text for x in old_stt.transcribe(pcm))
            answer = _answer_text(index, docs, heard)
            r = time.perf_counter()
            tts.render(answer, "ko")
            renders.append(time.perf_counter() - r)
            before.append(0.6 + time.perf_counter() - t)  # + the endpointing wait
    text_only = []
    for text, _pcm in clips * 2:
        t = time.perf_counter()
        index.search(text, k=5)
        text_only.append(time.perf_counter() - t)
    print(f"\ncallbot turn latency, end of caller's speech -> first answer audio; "
          f"target p95 < 1.5 s (load average {Path('/proc/loadavg').read_text().split()[:3]})"
          f"\n  shipped: streamed, early 10 s-window STT, search, cached TTS (n={len(turns)}) "
          f"p50 {pct(turns, 50):.2f} s p95 {pct(turns, 95):.2f} s "
          f"(early result used {used}/{len(turns)})"
          f"\n  before: endpoint 0.6 s + 30 s-window STT + search + TTS render (n={len(before)}) "
          f"p50 {pct(before, 50):.2f} s p95 {pct(before, 95):.2f} s "
          f"(of which TTS render p50 {pct(renders, 50):.2f} s)"
          f"\n  typed-text search alone (peer, n={len(text_only)})          p50 "
          f"{pct(text_only, 50):.3f} s p95 {pct(text_only, 95):.3f} s")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--data", type=Path, default=default_shared_data())
    ap.add_argument("--skip-quality", action="store_true")
    args = ap.parse_args(argv)
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]} "
          "(a shared machine: figures move with the other work on it)")
    built = None if args.skip_quality else quality(args.data, args.quick)
    clips = stt_figures(args.quick)
    turn_latency(clips, built)
    return 0


if __name__ == "__main__":
    sys.exit(main())
