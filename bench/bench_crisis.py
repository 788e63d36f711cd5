"""Crisis detection benchmark: recall and false alarms per kind, against the rules before issue 17.

Run: ``uv run --frozen python -m bench.bench_crisis``.

Sets (hand-written citizen utterances over chat, SMS, transcribed calls, web Q&A and field
reports, with look-alikes such as 배고파 죽겠어요, 죽전역, 한강 다리 야경 투어):
- tune: ``src/dasan/text/crisis_data/crisis_train.tsv`` (rules tuned on it, classifier trained on it);
- hold-out: ``bench/data/crisis_holdout.tsv`` (written first, never tuned on: the honest figure);
- casual register (반말, slang, typos, nominal endings, laughter, as people type in a chat):
  tune ``bench/data/crisis_casual_tune.tsv`` (crises paired with casual look-alikes; the casual
  view and rules were developed on it) and hold-out ``bench/data/crisis_casual_holdout.tsv``
  (written and committed before that work, never tuned on);
- blind everyday register (반말/존댓말, typos, dialect, indirect hints, third-person reports, call
  fillers, elderly/teen/foreign-resident phrasing, all six kinds and look-alikes): tune
  ``bench/data/crisis_blind_tune.tsv`` (scored before any change, 70/135 found and 4/121 false
  alarms, then tuned on) and hold-out ``bench/data/crisis_blind_holdout.tsv``, both written by a
  helper who had never seen the detector, its rules, data or tests (the hold-out is never tuned
  on); a second blind tune set ``bench/data/crisis_blind_tune2.tsv`` by another such helper;
- a third blind tune set ``bench/data/crisis_blind_tune3.tsv`` by a third such helper (weighted
  to call transcripts, SMS, elderly dialect callers, foreign residents and third-person reports);
- a fourth blind tune set ``bench/data/crisis_blind_tune4.tsv`` by another such helper (chat and
  messenger register, Q&A letters with the crisis buried, field reports, indirect signs);
- a fifth blind tune set ``bench/data/crisis_blind_tune5.tsv`` by another such helper (field
  reports of what is seen, heard or smelt at a place, long Q&A letters with the crisis in a later
  paragraph, emergencies and violence told by riders, building managers, caregivers, teachers,
  social workers and taxi drivers; half look-alikes);
- a sixth blind tune set ``bench/data/crisis_blind_tune6.tsv`` by another such helper (everyday
  register on all five channels, many short context-free one-liners, crises buried in ordinary
  questions, destitution in every form);
- a seventh blind tune set ``bench/data/crisis_blind_tune7.tsv`` by another such helper (call
  transcripts with fillers and self-corrections, SMS from elderly people and foreign residents
  in simple Korean, third-party reports by carers, neighbours, shop owners, riders, landlords;
  ordinary 120 calls as look-alikes); scored before it joined training (``--only``);
- an eighth blind tune set ``bench/data/crisis_blind_tune8.tsv`` by another such helper (young
  people's chat and web Q&A with slang and 초성, self-harm hints, dating violence and stalking,
  students' and young workers' hardship; games, memes, exams as look-alikes); scored first too;
- a ninth and a tenth blind tune set ``bench/data/crisis_blind_tune9.tsv`` (middle-aged and older
  people living alone: job loss, divorce, debt, illness; long formal Q&A letters) and
  ``crisis_blind_tune10.tsv`` (violence and abuse seen or heard from outside, indirect hardship;
  news, podcasts, dramas, pets and calm past events as look-alikes), by two more such helpers
  (tenth pass); both scored first;
- an eleventh blind tune set ``bench/data/crisis_blind_tune11.tsv`` by another such helper
  (emergencies told vaguely, violence told calmly or mid-question, suicide hints; noise quarrels,
  clinic questions, fire-safety checks, game and sports slang as look-alikes; eleventh pass);
  scored first;
- a twelfth blind tune set ``bench/data/crisis_blind_tune12.tsv`` by another such helper
  (crises told with ordinary words or none, indirect, calm, third-person or buried in questions;
  hyperbole, cooking, games, vaccines, news, dramas, courts, service questions, calm past events
  and complaints as look-alikes; thirteenth pass); scored first;
- second blind hold-out ``bench/data/crisis_blind_holdout2.tsv`` (everyday register on all five
  channels, about half crises over all six kinds and half look-alikes), written by yet another
  helper who had never seen the detector, its rules, data or tests; never tuned on;
- third blind hold-out ``bench/data/crisis_blind_holdout3.tsv`` (fourteenth session: a whole
  day's mix of every channel, register and kind, 228 crises and 225 look-alikes), by a further
  helper who read only its task; never tuned on;
- fourth blind hold-out ``bench/data/crisis_blind_holdout4.tsv`` (fifteenth session, the same
  brief as the third, a new writer); never tuned on;
- fifth blind hold-out ``bench/data/crisis_blind_holdout5.tsv`` (sixteenth session, the same
  brief, a new writer, written after the study's threshold had been seen on the first four);
  never tuned on;
- sixth blind hold-out ``bench/data/crisis_blind_holdout6.tsv`` (seventeenth session, the same
  brief, a new writer, committed before the seventeenth session's rule changes were merged:
  230 crises and 225 look-alikes); never tuned on;
- real public text: candidate rows of the songys chatbot questions (``../shared/data``), labelled
  by hand in ``bench/data/crisis_real_chatbot.tsv`` (text read from the shared data by row, with
  its own tune and hold-out splits; skipped without the data);
- real look-alikes from every Korean source of the shared data (news comments, captions, FAQ
  titles, smart-home requests...), labelled by hand in ``bench/data/crisis_real_sources.tsv``
  by source, row and SHA-1, with a hash split (none is a crisis: false alarms only);
- civil questions: the real Seoul 120 FAQ questions (``../shared/data``), none of which is a
  crisis, for the false-alarm rate on ordinary traffic (skipped without the data).
Peer: the crisis rules before issue 17 (``bench/peers/crisis_rules_v1.py``), same run; the
detector is also run without its second stage (``text/crisis_gate.py``, "without gate") and
without its third (``text/crisis_stage.py``, "without stage"; the stage learns from every tune
set above, so the tune sets' figures with it are in-sample).
Targets on the hold-out: recall >= 0.93, false alarms <= 3%.
Also: screening throughput (abuse + crisis, as live chat runs it) on one core, target >= 2,000/s.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.peers import crisis_rules_v1
from dasan.config import PROJECT_ROOT, default_shared_data
from dasan.text import abuse, abuse_fast, crisis
from dasan.text.crisis_gate import source_texts

HOLDOUT = PROJECT_ROOT / "bench" / "data" / "crisis_holdout.tsv"
REAL_LABELS = PROJECT_ROOT / "bench" / "data" / "crisis_real_chatbot.tsv"
REAL_SOURCES = PROJECT_ROOT / "bench" / "data" / "crisis_real_sources.tsv"
CASUAL_TUNE = PROJECT_ROOT / "bench" / "data" / "crisis_casual_tune.tsv"
CASUAL_HOLDOUT = PROJECT_ROOT / "bench" / "data" / "crisis_casual_holdout.tsv"
BLIND_TUNE = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune.tsv"
BLIND_TUNE2 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune2.tsv"
BLIND_TUNE3 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune3.tsv"
BLIND_TUNE4 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune4.tsv"
BLIND_TUNE5 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune5.tsv"
BLIND_TUNE6 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune6.tsv"
BLIND_TUNE7 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune7.tsv"
BLIND_TUNE8 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune8.tsv"
BLIND_TUNE9 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune9.tsv"
BLIND_TUNE10 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune10.tsv"
BLIND_TUNE11 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune11.tsv"
BLIND_TUNE12 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_tune12.tsv"
BLIND_HOLDOUT = PROJECT_ROOT / "bench" / "data" / "crisis_blind_holdout.tsv"
BLIND_HOLDOUT2 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_holdout2.tsv"
BLIND_HOLDOUT3 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_holdout3.tsv"
BLIND_HOLDOUT4 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_holdout4.tsv"
BLIND_HOLDOUT5 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_holdout5.tsv"
BLIND_HOLDOUT6 = PROJECT_ROOT / "bench" / "data" / "crisis_blind_holdout6.tsv"
# The blind hold-outs written after the first three, scored when their file is there: number,
# ordinal, writer (one table for their sections and their lines under the targets).
LATER_BLIND_HOLDOUTS = (("4", "fourth", "a fourth writer", BLIND_HOLDOUT4),
                        ("5", "fifth", "a fifth writer", BLIND_HOLDOUT5),
                        ("6", "sixth", "a sixth writer", BLIND_HOLDOUT6))

# A detector judges texts of one channel (None: unknown; field reports skip the second stage).
Detector = Callable[[list[str], str | None], list[tuple[bool, str | None]]]


def as_channel(channel: str | None) -> crisis.CrisisChannel | None:
    """The detector's channel for a set's row: the real-source rows carry their source's name
    (kocohub_train ...), which is no channel (None: read as a written message)."""
    return next((c for c in crisis.CRISIS_CHANNELS if c == channel), None)


def detectors() -> dict[str, Detector]:
    return {
        "dasan (rules+model)": lambda ts, ch: [(r.crisis, r.kind) for r in
                                               crisis.detect_crisis_many(
                                                   ts, channel=as_channel(ch))],
        "dasan (without gate)": lambda ts, ch: [(r.crisis, r.kind) for r in
                                                crisis.detect_crisis_many(ts, use_gate=False)],
        "dasan (without stage)": lambda ts, ch: [(r.crisis, r.kind) for r in
                                                 crisis.detect_crisis_many(
                                                     ts, use_stage=False, channel=as_channel(ch))],
        "dasan (rules only)": lambda ts, ch: [(r.crisis, r.kind) for r in
                                              crisis.detect_crisis_many(ts, use_model=False)],
        "peer: rules v1": lambda ts, ch: [(r.crisis, r.kind) for r in
                                          map(crisis_rules_v1.detect_crisis, ts)],
    }


def evaluate(rows: Sequence[tuple[str, str, bool, str]], fn: Detector) -> dict[str, Any]:
    preds: list[tuple[bool, str | None]] = [(False, None)] * len(rows)
    for channel in {c for _, _, _, c in rows}:  # each channel's texts as that channel sends them
        at = [i for i, r in enumerate(rows) if r[3] == channel]
        for i, pred in zip(at, fn([rows[i][0] for i in at], channel), strict=True):
            preds[i] = pred
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # found, n, right kind
    per_channel: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    fa = neg = 0
    for (_text, kind, _imm, channel), (flag, got) in zip(rows, preds, strict=True):
        if kind == "none":
            neg += 1
            fa += int(flag)
            continue
        per_kind[kind][0] += int(flag)
        per_kind[kind][1] += 1
        per_kind[kind][2] += int(flag and got == kind)
        per_channel[channel][0] += int(flag)
        per_channel[channel][1] += 1
    pos = sum(v[1] for v in per_kind.values())
    found = sum(v[0] for v in per_kind.values())
    return {"recall": found / pos if pos else 0.0, "false_alarm": fa / neg if neg else 0.0,
            "fa": fa, "neg": neg, "pos": pos, "found": found,
            "kind_accuracy": sum(v[2] for v in per_kind.values()) / pos if pos else 0.0,
            "per_kind": {k: v[0] / v[1] for k, v in per_kind.items()},
            "per_channel": {k: v[0] / v[1] for k, v in per_channel.items()}}


def civil_questions(shared: Path) -> list[str]:
    path = shared / "seoul120-faq-opengov" / "civilappeal_data.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig") as f:
        return [r["질문"].strip() for r in csv.DictReader(f) if r.get("질문", "").strip()]


def real_rows(shared: Path) -> dict[str, list[tuple[str, str, bool, str]]]:
    """The hand-labelled rows of real public text, per split (empty without the shared data).

    Rows labelled ``skip`` (an idiom too ambiguous to call either way) are left out. A row whose
    text no longer matches its SHA-1 prefix raises: the labels belong to that text only."""
    path = shared / "chatbot-data-songys" / "ChatbotData.csv"
    out: dict[str, list[tuple[str, str, bool, str]]] = {"tune": [], "holdout": []}
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as f:
        questions = [r["Q"] for r in csv.DictReader(f)]
    for line in REAL_LABELS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        row, digest, kind, imminent, split = line.split("\t")
        text = questions[int(row)]
        if hashlib.sha1(text.encode()).hexdigest()[:8] != digest:
            raise ValueError(f"ChatbotData.csv row {row} changed; its label no longer applies")
        if kind != "skip":
            out[split].append((text, kind, imminent == "1", "chat"))
    return out


def real_source_rows(shared: Path) -> dict[str, list[tuple[str, str, bool, str]]]:
    """The hand-labelled rows of ``crisis_real_sources.tsv`` per split, as (text, kind,
    imminent, source); ``skip`` rows left out. A row whose text no longer matches its SHA-1
    prefix raises: the label belongs to that text only."""
    texts = source_texts(shared)
    out: dict[str, list[tuple[str, str, bool, str]]] = {"tune": [], "holdout": []}
    for line in REAL_SOURCES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, row, digest, kind, imminent, split = line.split("\t")
        if source not in texts:
            continue
        text = texts[source][int(row)]
        if hashlib.sha1(text.encode()).hexdigest()[:8] != digest:
            raise ValueError(f"{source} row {row} changed; its label no longer applies")
        if kind != "skip":
            out[split].append((text, kind, imminent == "1", source))
    return out


# Source families of the real look-alikes, for the false-alarm rate of each.
SOURCE_FAMILY = {"chatbot": "chatbot questions", "civilappeal": "Seoul 120 questions",
                 "complaint": "Seoul 120 questions", "geumcheon": "Seoul 120 questions",
                 "seoul120text": "Seoul 120 questions", "kocohub_train": "news comments",
                 "kocohub_dev": "news comments", "curse2runo": "news comments",
                 "parakqc": "smart-home requests", "korsts_train": "news and captions (KorSTS)",
                 "korsts_dev": "news and captions (KorSTS)",
                 "korsts_test": "news and captions (KorSTS)",
                 "kluests": "KLUE-STS sentences"}


def false_alarms_by_source(rows: Sequence[tuple[str, str, bool, str]]) -> dict[str, Any]:
    """False-alarm rate of each detector on the non-crisis rows, per source family."""
    out: dict[str, Any] = {}
    negatives = [r for r in rows if r[1] == "none"]
    families = sorted({SOURCE_FAMILY[r[3]] for r in negatives})
    print(f"false alarms per source: {'system':22} "
          + " ".join(f"{f[:14]:>14}" for f in families))
    for sys_name, fn in detectors().items():
        flags = [f for f, _ in fn([r[0] for r in negatives], None)]
        cells = []
        for fam in families:
            got = [f for f, r in zip(flags, negatives, strict=True) if SOURCE_FAMILY[r[3]] == fam]
            out[f"{sys_name}|{fam}"] = (sum(got), len(got))
            cells.append(f"{sum(got):>5}/{len(got):<4} {sum(got) / len(got):4.0%}"[:14].rjust(14))
        print(f"{'':24}{sys_name:22} " + " ".join(cells))
    return out


def report(name: str, rows: Sequence[tuple[str, str, bool, str]]) -> dict[str, Any]:
    print(f"\n## {name}: {sum(1 for r in rows if r[1] != 'none')} crises, "
          f"{sum(1 for r in rows if r[1] == 'none')} non-crises")
    out: dict[str, Any] = {}
    kinds = crisis.KINDS
    print(f"{'system':22} {'recall':>7} {'FA rate':>8} {'kind acc':>8} "
          + " ".join(f"{k[:11]:>11}" for k in kinds))
    for sys_name, fn in detectors().items():
        m = evaluate(rows, fn)
        out[sys_name] = m
        cells = " ".join(f"{m['per_kind'][k]:11.2f}" if k in m["per_kind"] else f"{'-':>11}"
                         for k in kinds)  # "-": the split has no example of the kind
        print(f"{sys_name:22} {m['recall']:7.3f} {m['false_alarm']:7.1%} "
              f"{m['kind_accuracy']:8.2f} {cells}  (FA {m['fa']}/{m['neg']})")
    chans = out["dasan (rules+model)"]["per_channel"]
    print("recall per channel (dasan): " + ", ".join(f"{c} {v:.2f}" for c, v in
                                                     sorted(chans.items())))
    return out


def throughput(texts: list[str], rounds: int = 3) -> tuple[float, float, float]:
    """(messages/s of abuse+crisis screening, messages/s of the crisis detector alone,
    messages/s of the first screening pass with a cold word cache).

    Screening is single-threaded Python, so its rate per core is messages per second of
    this process's CPU time (`time.process_time`): on a shared machine wall time measures
    the neighbours as well. The wall-clock rate is printed beside it."""
    abuse.screen_many(texts[:50])
    crisis.detect_crisis_many(texts[:50])
    abuse_fast.clear_word_cache()
    c0 = time.process_time()
    for i in range(0, len(texts), 64):
        abuse.screen_many(texts[i:i + 64])
    cold = len(texts) / (time.process_time() - c0)
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for i in range(0, len(texts), 64):  # the chat hub batches up to 64 messages
            abuse.screen_many(texts[i:i + 64])
    full = rounds * len(texts) / (time.process_time() - c0)
    wall = rounds * len(texts) / (time.perf_counter() - t0)
    print(f"(screening wall-clock rate this run: {wall:.0f} msg/s; CPU-time rate {full:.0f}; "
          f"first pass with a cold word cache {cold:.0f})")
    c0 = time.process_time()
    for _ in range(rounds):
        for i in range(0, len(texts), 64):
            crisis.detect_crisis_many(texts[i:i + 64])
    alone = rounds * len(texts) / (time.process_time() - c0)
    return full, alone, cold


def bench_crisis(shared: Path | None = None) -> dict[str, Any]:
    shared = shared or default_shared_data()
    t0 = time.perf_counter()
    model = crisis.get_model()
    print(f"crisis model ready in {time.perf_counter() - t0:.2f}s "
          f"(trained on {model.trained_on if model else 0} tune rows)")
    from dasan.text import crisis_opinion, crisis_stage

    stage, opinion = crisis_stage.get_stage(), crisis_opinion.get_opinion()
    said_stage = f"on, threshold {stage.threshold:.2f}" if stage else "off"
    said_opinion = (f"on, weight {crisis_opinion.WEIGHT:.2f}, threshold "
                    f"{crisis_opinion.THRESHOLD:.2f}" if opinion else "off")
    print(f"third stage: {said_stage}; second opinion: {said_opinion}; "
          f"load {Path('/proc/loadavg').read_text().split()[:3]}")
    tune = crisis.load_labelled(crisis.TRAIN_SET)
    hold = crisis.load_labelled(HOLDOUT)
    results: dict[str, Any] = {"tune": report("tune split (tuned on)", tune),
               "holdout": report("HOLD-OUT split (never tuned on)", hold),
               "casual_tune": report("casual register, tune split (tuned on)",
                                     crisis.load_labelled(CASUAL_TUNE)),
               "casual_holdout": report("casual register, HOLD-OUT split (never tuned on)",
                                        crisis.load_labelled(CASUAL_HOLDOUT)),
               "blind_tune": report("written blind (everyday register), tune split (tuned on)",
                                    crisis.load_labelled(BLIND_TUNE)),
               "blind_tune2": report("written blind (everyday register), second tune set",
                                     crisis.load_labelled(BLIND_TUNE2)),
               "blind_tune3": report("written blind (calls, SMS, elderly, foreign), third tune set",
                                     crisis.load_labelled(BLIND_TUNE3)),
               "blind_tune4": report("written blind (chat, Q&A letters, field reports), fourth tune set",
                                     crisis.load_labelled(BLIND_TUNE4)),
               "blind_tune5": report("written blind (field reports, Q&A letters, workers), fifth tune set",
                                     crisis.load_labelled(BLIND_TUNE5)),
               "blind_tune6": report("written blind (short one-liners, buried crises, hardship), sixth tune set",
                                     crisis.load_labelled(BLIND_TUNE6)),
               "blind_tune7": report("written blind (calls, elderly and foreign SMS, third parties), seventh tune set",
                                     crisis.load_labelled(BLIND_TUNE7)),
               "blind_tune8": report("written blind (youth chat and Q&A, dating violence, young hardship), eighth tune set",
                                     crisis.load_labelled(BLIND_TUNE8)),
               "blind_tune9": report("written blind (older people living alone, long Q&A letters), ninth tune set",
                                     crisis.load_labelled(BLIND_TUNE9)),
               "blind_tune10": report("written blind (violence seen from outside, indirect hardship), tenth tune set",
                                      crisis.load_labelled(BLIND_TUNE10)),
               "blind_tune11": report("written blind (vague emergencies, calm violence, suicide hints), eleventh tune set",
                                      crisis.load_labelled(BLIND_TUNE11)),
               "blind_tune12": report("written blind (crises in ordinary words, keyword look-alikes), twelfth tune set",
                                      crisis.load_labelled(BLIND_TUNE12)),
               "blind_holdout": report("blind everyday register, HOLD-OUT split (never tuned on)",
                                       crisis.load_labelled(BLIND_HOLDOUT)),
               "blind_holdout2": report("second blind everyday register, HOLD-OUT (never tuned on)",
                                        crisis.load_labelled(BLIND_HOLDOUT2)),
               "blind_holdout3": report("third blind, a whole day's mix, HOLD-OUT (never tuned on)",
                                        crisis.load_labelled(BLIND_HOLDOUT3))}
    for n, ordinal, _who, path in LATER_BLIND_HOLDOUTS:
        if path.is_file():
            results[f"blind_holdout{n}"] = report(
                f"{ordinal} blind, a whole day's mix, HOLD-OUT (never tuned on)",
                crisis.load_labelled(path))
    real_text = real_rows(shared)
    if real_text["holdout"]:
        results["real_tune"] = report("real text (chatbot questions), tune split",
                                      real_text["tune"])
        results["real_holdout"] = report("real text (chatbot questions), HOLD-OUT split "
                                         "(never tuned on)", real_text["holdout"])
    sourced = real_source_rows(shared)
    if sourced["holdout"]:
        for split, title in (("tune", "tune split"), ("holdout", "HOLD-OUT split (never tuned on)")):
            results[f"sources_{split}"] = report(
                f"real look-alikes from every shared source, {title}", sourced[split])
            results[f"sources_{split}_by_source"] = false_alarms_by_source(sourced[split])
    civil = civil_questions(shared)
    if civil:
        print(f"\n## civil questions (Seoul 120 FAQ, {len(civil)} non-crises): false-alarm rate")
        for sys_name, fn in detectors().items():
            flagged = sum(int(f) for f, _ in fn(civil, None))
            results[f"civil|{sys_name}"] = flagged / len(civil)
            print(f"{sys_name:22} {flagged / len(civil):7.2%} ({flagged})")
    texts = [t for t, _, _, _ in hold + tune] + civil
    full, alone, cold = throughput(texts)
    peer_t0 = time.process_time()
    for t in texts:
        crisis_rules_v1.detect_crisis(t)
    peer_rate = len(texts) / (time.process_time() - peer_t0)
    # Our own screening before it was compiled: the classifier through scikit-learn.
    real_compiled = abuse_fast.compiled
    abuse_fast.compiled = lambda clf: clf  # type: ignore[assignment]
    try:
        sklearn_full, _, _ = throughput(texts)
    finally:
        abuse_fast.compiled = real_compiled  # type: ignore[assignment]
    # Peer screening: the same abuse screening with the v1 crisis rules in place of the new
    # detector (what live chat ran before issue 17).
    real = abuse.detect_crisis_many
    abuse.detect_crisis_many = lambda ts, **_: [  # type: ignore[assignment]
        crisis.CrisisResult(r.crisis, r.kind) for r in map(crisis_rules_v1.detect_crisis, ts)]
    try:
        peer_full, _, _ = throughput(texts)
    finally:
        abuse.detect_crisis_many = real  # type: ignore[assignment]
    print(f"\n## throughput on one core ({len(texts)} messages, batches of 64, per CPU second; "
          f"load {Path('/proc/loadavg').read_text().split()[:3]})")
    print(f"abuse+crisis screening: {full:8.0f} msg/s (target >= 2000: "
          f"{'met' if full >= 2000 else 'NOT met'}); peer (abuse + v1 crisis rules): "
          f"{peer_full:8.0f} msg/s")
    print(f"first pass (cold word cache): {cold:8.0f} msg/s")
    print(f"same screening with the classifier through scikit-learn (before): "
          f"{sklearn_full:8.0f} msg/s")
    print(f"crisis detector alone:  {alone:8.0f} msg/s; peer rules v1: {peer_rate:8.0f} msg/s")
    h = results["holdout"]["dasan (rules+model)"]
    print(f"\ntarget (hold-out): recall {h['recall']:.3f} (>= 0.93: "
          f"{'met' if h['recall'] >= 0.93 else 'NOT met'}), false alarms {h['false_alarm']:.1%} "
          f"(<= 3%: {'met' if h['false_alarm'] <= 0.03 else 'NOT met'}); peer v1 recall "
          f"{results['holdout']['peer: rules v1']['recall']:.3f}")
    c, cp = results["casual_holdout"]["dasan (rules+model)"], results["casual_holdout"]["peer: rules v1"]
    print(f"casual-register hold-out: recall {c['recall']:.3f} ({c['found']}/{c['pos']}; >= 0.93: "
          f"{'met' if c['recall'] >= 0.93 else 'NOT met'}), false alarms {c['false_alarm']:.1%} "
          f"({c['fa']}/{c['neg']}); peer v1 recall {cp['recall']:.3f}, false alarms "
          f"{cp['false_alarm']:.1%}")
    b, bp = results["blind_holdout"]["dasan (rules+model)"], results["blind_holdout"]["peer: rules v1"]
    print(f"blind hold-out (written without seeing the detector): recall {b['recall']:.3f} "
          f"({b['found']}/{b['pos']}; >= 0.93: {'met' if b['recall'] >= 0.93 else 'NOT met'}), "
          f"false alarms {b['false_alarm']:.1%} ({b['fa']}/{b['neg']}; <= 3%: "
          f"{'met' if b['false_alarm'] <= 0.03 else 'NOT met'}); peer v1 recall "
          f"{bp['recall']:.3f}, false alarms {bp['false_alarm']:.1%}")
    print("  blind hold-out recall per kind: " + ", ".join(
        f"{k} {b['per_kind'][k]:.2f} (peer {bp['per_kind'].get(k, 0.0):.2f})"
        for k in sorted(b["per_kind"])))
    for n, who in (("2", "another writer"), ("3", "a third writer"),
                   *((n, who) for n, _ordinal, who, _path in LATER_BLIND_HOLDOUTS)):
        if f"blind_holdout{n}" not in results:
            continue
        b2 = results[f"blind_holdout{n}"]["dasan (rules+model)"]
        bp2 = results[f"blind_holdout{n}"]["peer: rules v1"]
        print(f"blind hold-out {n} ({who}, without seeing the detector): recall "
              f"{b2['recall']:.3f} ({b2['found']}/{b2['pos']}; >= 0.93: "
              f"{'met' if b2['recall'] >= 0.93 else 'NOT met'}), false alarms "
              f"{b2['false_alarm']:.1%} ({b2['fa']}/{b2['neg']}; <= 3%: "
              f"{'met' if b2['false_alarm'] <= 0.03 else 'NOT met'}); "
              f"peer v1 recall {bp2['recall']:.3f}, false alarms {bp2['false_alarm']:.1%}")
        print(f"  blind hold-out {n} recall per kind: " + ", ".join(
            f"{k} {b2['per_kind'][k]:.2f} (peer {bp2['per_kind'].get(k, 0.0):.2f})"
            for k in sorted(b2["per_kind"])))
    if "real_holdout" in results:
        r, rp = results["real_holdout"]["dasan (rules+model)"], results["real_holdout"]["peer: rules v1"]
        print(f"real-text hold-out: recall {r['recall']:.3f} ({r['found']}/{r['pos']}; >= 0.93: "
              f"{'met' if r['recall'] >= 0.93 else 'NOT met'}), false alarms "
              f"{r['false_alarm']:.1%} ({r['fa']}/{r['neg']}; <= 3%: "
              f"{'met' if r['false_alarm'] <= 0.03 else 'NOT met'}); peer v1 recall "
              f"{rp['recall']:.3f}, false alarms {rp['false_alarm']:.1%}")
    if "sources_holdout" in results:
        r = results["sources_holdout"]["dasan (rules+model)"]
        rp = results["sources_holdout"]["peer: rules v1"]
        print(f"real look-alikes hold-out (every shared source): false alarms "
              f"{r['false_alarm']:.1%} ({r['fa']}/{r['neg']}; <= 3%: "
              f"{'met' if r['false_alarm'] <= 0.03 else 'NOT met'}); peer v1 "
              f"{rp['false_alarm']:.1%} ({rp['fa']}/{rp['neg']})")
    return results


def score_new_set(path: Path) -> dict[str, Any]:
    """A newly written tune set scored by the detector as it is, before anything learns from it
    (a fresh out-of-writer figure): recall and false alarms of every detector, and how many of
    its imminent crises (and of its other crises) the detector calls imminent."""
    rows = crisis.load_labelled(path)
    out = report(f"new set {path.name}, scored before it joins training", rows)
    flagged: list[crisis.CrisisResult | None] = [None] * len(rows)
    for channel in {c for _, _, _, c in rows}:
        at = [i for i, r in enumerate(rows) if r[3] == channel]
        for i, r in zip(at, crisis.detect_crisis_many([rows[i][0] for i in at],
                                                      channel=as_channel(channel)), strict=True):
            flagged[i] = r
    imm = [(r.crisis and r.imminent, row[2]) for r, row in zip(flagged, rows, strict=True)
           if r is not None and row[1] != "none"]
    print(f"imminent crises flagged imminent: {sum(f for f, i in imm if i)}/{sum(i for _, i in imm)}"
          f"; other crises flagged imminent: {sum(f for f, i in imm if not i)}/"
          f"{sum(not i for _, i in imm)}")
    print_sources(rows, flagged)
    return out


def print_sources(rows: Sequence[tuple[str, str, bool, str]],
                  flagged: Sequence[crisis.CrisisResult | None]) -> None:
    """Which part of the detector flagged each row, per kind: the crises found and the
    look-alikes flagged by the rules, the first classifier (``model``) and the stage."""
    sources = ("rule", "model", "stage")
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # by source, then n
    for r, (_text, kind, _imm, _ch) in zip(flagged, rows, strict=True):
        t = tally[kind]
        t[3] += 1
        if r is not None and r.crisis and r.source in sources:
            t[sources.index(r.source)] += 1
    print(f"{'kind':12} {'rows':>5} {'rule':>5} {'model':>6} {'stage':>6} {'missed/quiet':>13}")
    for kind in (*crisis.KINDS, "none"):
        if kind in tally:
            t = tally[kind]
            print(f"{kind:12} {t[3]:5} {t[0]:5} {t[1]:6} {t[2]:6} {t[3] - sum(t[:3]):13}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", type=Path, help="score this new tune set alone (nothing else)")
    args = parser.parse_args(argv)
    if args.only is not None:
        print(f"# bench_crisis --only {args.only.name}")
        score_new_set(args.only)
        return
    print("# bench_crisis")
    bench_crisis()


if __name__ == "__main__":
    main()
