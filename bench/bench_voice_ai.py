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
from dasan.knowledge.search import SearchDoc, SearchIndex, fuse

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


def quality(data: Path, quick: bool) -> tuple[SearchIndex, dict[str, SearchDoc]] | None:
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
    print(f"  {'decoder':<34} {'RTF':>6} {'CER':>6}")
    for label, compute in (("Whisper base int8 (shipped)", "int8"),
                           ("Whisper base float32 (peer)", "float32")):
        stt = whisper.WhisperStt(SttSettings(adapter="whisper"))
        from faster_whisper import WhisperModel

        stt._model = WhisperModel(str(stt.model_path()), device="cpu", compute_type=compute,
                                  cpu_threads=2, local_files_only=True)
        stt.transcribe(clips[0][1])  # warm
        t = time.perf_counter()
        hyps = [" ".join(s.text for s in stt.transcribe(p)) for _t, p in clips]
        rtf = (time.perf_counter() - t) / seconds
        errs = statistics.mean(cer(ref, hyp) for (ref, _p), hyp in zip(clips, hyps, strict=True))
        print(f"  {label:<34} {rtf:6.2f} {errs:6.2f}")
        if compute == "int8":
            print(f"    e.g. {clips[0][0]!r} -> {hyps[0]!r}")
            from concurrent.futures import ThreadPoolExecutor

            t = time.perf_counter()
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda c, m=stt: m.transcribe(c[1]), clips + clips))
            rtf2 = (time.perf_counter() - t) / (2 * seconds)
            print(f"    two calls at once: RTF {rtf2:.2f} per call -> about "
                  f"{max(0.0, 1 / rtf2):.1f} calls transcribed in real time on this machine")
    return clips


def turn_latency(clips: list[tuple[str, bytes]],
                 built: tuple[SearchIndex, dict[str, SearchDoc]] | None) -> None:
    """STT of the utterance + the KB search the decision rests on (over the FAQ index) + TTS
    of the answer; the peer is the same search on the typed text (the text chatbot's floor)."""
    if not clips or built is None:
        return
    index, docs = built
    from dasan.stt.port import make_stt
    from dasan.voice.tts.port import EspeakTts

    stt, tts = make_stt(), EspeakTts(175)
    turns, text_only = [], []
    for text, pcm in clips * 2:
        t = time.perf_counter()
        heard = " ".join(x.text for x in stt.transcribe(pcm))
        hits = index.search(normalise(heard) or heard, k=5)
        top = docs.get(hits[0].id) if hits else None
        tts.render(f"{top.title}. {top.answer[:200]}" if top else "상담사에게 연결합니다.", "ko")
        turns.append(time.perf_counter() - t)
        t = time.perf_counter()
        index.search(text, k=5)
        text_only.append(time.perf_counter() - t)
    print(f"\ncallbot turn latency, end of utterance -> first answer audio (n={len(turns)}); "
          f"target p95 < 1.5 s\n  callbot (STT + search + TTS)     p50 {pct(turns, 50):.2f} s "
          f"p95 {pct(turns, 95):.2f} s\n  typed-text search alone (peer)   p50 "
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
