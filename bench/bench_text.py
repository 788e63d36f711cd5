"""Text benchmark: abuse screening quality against korcen and nerv-filter, PII masking
quality against a plain-regex baseline, and throughput.

Run: ``uv run python -m bench.bench_text`` (``--quick`` samples 300 items per abuse set).

1. Abuse. Precision / recall / F1 of ``dasan.text.abuse`` (hybrid: rules + the stacked
   classifier trained on the curse data's *train* split; and rules alone) against korcen
   (``korcen.check``) alone and nerv-filter (``NervFilter().analyze``, MEDIUM) alone, on
   - the held-out split of curse-detection-2runo (hash split, never trained on),
   - the dev split of korean-hate-speech-kocohub (offensive or hate = 1; never trained on),
   - ``bench/data/abuse_obfuscation.jsonl`` (obfuscated abuse aimed at agents + ordinary words
     that look alike),
   and the false-alarm rate on the real civil questions (seoul120-faq-opengov, column 질문).
   Targets: F1 >= 0.85 on the curse held-out split, false alarms <= 5% on civil questions.
2. PII. Recall / precision per type on ``bench/data/pii_labelled.jsonl`` (263 items, used while
   building the recognisers) and ``pii_labelled_holdout.jsonl`` (83 items written afterwards in
   other phrasings and never tuned on); a predicted span is right when it overlaps a labelled
   span of the same type. Peer: a plain-regex baseline with
   the hyphenated formats that generic PII tools match (NNNNNN-NNNNNNN, 01X-XXXX-XXXX, 4x4 card,
   e-mail). Targets: recall >= 0.97 on number types, >= 0.85 on names and addresses.
3. Throughput: messages per second for each screener and for masking.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.pii_scoring import load_items, score_spans
from dasan.config import PROJECT_ROOT, default_shared_data
from dasan.text import abuse, abuse_model, pii

DATA = PROJECT_ROOT / "bench" / "data"
OBFUSCATION = DATA / "abuse_obfuscation.jsonl"
PII_SET = DATA / "pii_labelled.jsonl"
# Written after the recognisers were tuned on PII_SET, and not tuned on: the honest figure.
PII_HOLDOUT = DATA / "pii_labelled_holdout.jsonl"
NUMBER_TYPES = ("rrn", "foreigner_rrn", "phone", "card", "account", "email", "car_plate")
TEXT_TYPES = ("address", "name")

Labelled = list[tuple[str, int]]


def prf(gold: Sequence[int], pred: Sequence[int]) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


# --- abuse -----------------------------------------------------------------------------------


def load_sets(shared: Path, quick: bool) -> dict[str, Labelled]:
    rng = random.Random(7)
    sets: dict[str, Labelled] = {}
    curse = shared / abuse_model.CURSE_FILE
    if curse.is_file():
        _, test = abuse_model.split_curse(abuse_model.load_curse(curse))
        sets["curse held-out"] = test
    koco = shared / abuse_model.KOCO_DIR / "dev.tsv"
    if koco.is_file():
        sets["kocohub dev"] = abuse_model.load_koco(koco)
    with OBFUSCATION.open(encoding="utf-8") as fh:
        sets["obfuscation (ours)"] = [
            (row["text"], int(row["label"])) for row in map(json.loads, fh) if row
        ]
    if quick:
        sets = {k: (rng.sample(v, 300) if len(v) > 300 else v) for k, v in sets.items()}
    return sets


def civil_questions(shared: Path, quick: bool) -> list[str]:
    path = shared / "seoul120-faq-opengov" / "civilappeal_data.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig") as fh:
        questions = [row["질문"].strip() for row in csv.DictReader(fh) if row["질문"].strip()]
    return random.Random(7).sample(questions, 500) if quick else questions


def screeners() -> dict[str, Callable[[list[str]], list[int]]]:
    out: dict[str, Callable[[list[str]], list[int]]] = {}
    clf = abuse_model.get_classifier()
    if clf is not None:
        out["dasan (rules+model)"] = lambda ts: [
            int(s.is_abusive) for s in abuse.screen_many(ts, use_classifier=True)
        ]
    out["dasan (rules only)"] = lambda ts: [
        int(s.is_abusive) for s in abuse.screen_many(ts, use_classifier=False)
    ]
    try:
        from korcen import korcen

        out["korcen 1.0.3"] = lambda ts: [int(bool(korcen.check(t))) for t in ts]
    except ImportError:
        print("korcen not installed (dev group); skipped")
    try:
        from nerv_filter import NervFilter

        nerv = NervFilter()
        out["nerv-filter 0.1.0"] = lambda ts: [int(not nerv.analyze(t).is_clean) for t in ts]
    except ImportError:
        print("nerv-filter not installed (dev group); skipped")
    return out


def bench_abuse(shared: Path, quick: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    clf = abuse_model.get_classifier()
    if clf is not None:
        print(
            f"classifier ready in {time.perf_counter() - t0:.1f}s "
            f"(trained on {clf.trained_on} comments, threshold {clf.threshold:.2f})"
        )
    else:
        print("no classifier (../shared absent): rules only")
    sets = load_sets(shared, quick)
    civil = civil_questions(shared, quick)
    systems = screeners()
    results: dict[str, Any] = {}
    speed: dict[str, float] = {}
    print("\n## Abuse screening: precision / recall / F1")
    header = f"{'set':22} {'n':>5} " + " ".join(f"{name:>22}" for name in systems)
    print(header)
    for set_name, rows in sets.items():
        texts = [t for t, _ in rows]
        gold = [y for _, y in rows]
        cells = []
        for name, fn in systems.items():
            start = time.perf_counter()
            pred = fn(texts)
            elapsed = time.perf_counter() - start
            speed[name] = speed.get(name, 0.0) + elapsed
            m = prf(gold, pred)
            results[f"{set_name}|{name}"] = m
            cells.append(f"{m['precision']:.3f}/{m['recall']:.3f}/{m['f1']:.3f}")
        print(f"{set_name:22} {len(rows):5d} " + " ".join(f"{c:>22}" for c in cells))
    n_msgs = sum(len(v) for v in sets.values())
    if civil:
        cells = []
        for name, fn in systems.items():
            start = time.perf_counter()
            flagged = sum(fn(civil))
            speed[name] = speed.get(name, 0.0) + time.perf_counter() - start
            rate = flagged / len(civil)
            results[f"civil false alarms|{name}"] = rate
            cells.append(f"{rate:.2%} ({flagged})")
        n_msgs += len(civil)
        print(f"{'civil FA rate':22} {len(civil):5d} " + " ".join(f"{c:>22}" for c in cells))
    print("\n## Screening throughput (messages/s, all sets above)")
    base = speed.get("korcen 1.0.3")
    for name, secs in speed.items():
        rate = n_msgs / secs if secs else float("inf")
        ratio = f" ({rate / (n_msgs / base):.2f}x korcen)" if base else ""
        print(f"{name:22} {rate:10.0f}/s{ratio}")
    key = "curse held-out|dasan (rules+model)"
    if key in results:
        f1 = results[key]["f1"]
        fa = results.get("civil false alarms|dasan (rules+model)", 0.0)
        print(
            f"\ntarget: curse held-out F1 {f1:.3f} (>= 0.85: {'met' if f1 >= 0.85 else 'NOT met'})"
            f", civil false alarms {fa:.2%} (<= 5%: {'met' if fa <= 0.05 else 'NOT met'})"
        )
    return results


# --- PII -------------------------------------------------------------------------------------

_BASELINE = (
    ("rrn", re.compile(r"\d{6}-[1-4]\d{6}")),
    ("foreigner_rrn", re.compile(r"\d{6}-[5-8]\d{6}")),
    ("phone", re.compile(r"0\d{1,2}-\d{3,4}-\d{4}")),
    ("card", re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}")),
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
)


def baseline_find(text: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    for kind, rx in _BASELINE:
        for m in rx.finditer(text):
            if not any(s < m.end() and m.start() < e for _, s, e in found):
                found.append((kind, m.start(), m.end()))
    return found


def dasan_find(text: str) -> list[tuple[str, int, int]]:
    return [(s.type, s.start, s.end) for s in pii.find(text)]


def score_pii(
    items: list[dict[str, Any]], finder: Callable[[str], list[tuple[str, int, int]]]
) -> dict[str, dict[str, float]]:
    groups = (("numbers", NUMBER_TYPES), ("names+addresses", TEXT_TYPES))
    return score_spans(items, finder, groups)[0]


def bench_pii(quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for path in (PII_SET, PII_HOLDOUT):
        results[path.name] = bench_pii_set(path, quick)
    return results


def bench_pii_set(path: Path, quick: bool) -> dict[str, Any]:
    items = load_items(path)
    ours = score_pii(items, dasan_find)
    peer = score_pii(items, baseline_find)
    print(f"\n## PII masking on {path.name} ({len(items)} items)")
    print(f"{'type':16} {'n':>4}  {'dasan R':>8} {'dasan P':>8}  {'regex R':>8} {'regex P':>8}")
    for kind in (*NUMBER_TYPES, *TEXT_TYPES, "numbers", "names+addresses"):
        o, p = ours[kind], peer[kind]
        print(
            f"{kind:16} {int(o['n']):4d}  {o['recall']:8.3f} {o['precision']:8.3f}  "
            f"{p['recall']:8.3f} {p['precision']:8.3f}"
        )
    texts = [i["text"] for i in items] * (5 if quick else 20)
    start = time.perf_counter()
    for t in texts:
        pii.mask(t)
    ours_rate = len(texts) / (time.perf_counter() - start)
    start = time.perf_counter()
    for t in texts:
        baseline_find(t)
    peer_rate = len(texts) / (time.perf_counter() - start)
    print(f"mask throughput: {ours_rate:.0f} texts/s ({ours_rate / peer_rate:.2f}x regex baseline)")
    num, txt = ours["numbers"]["recall"], ours["names+addresses"]["recall"]
    print(
        f"target: number recall {num:.3f} (>= 0.97: {'met' if num >= 0.97 else 'NOT met'}), "
        f"names/addresses recall {txt:.3f} (>= 0.85: {'met' if txt >= 0.85 else 'NOT met'})"
    )
    return {"dasan": ours, "regex": peer}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="300 items per abuse set")
    args = parser.parse_args(argv)
    shared = default_shared_data()
    print("# bench_text" + (" (quick)" if args.quick else ""))
    bench_abuse(shared, args.quick)
    bench_pii(args.quick)
    from bench.bench_crisis import bench_crisis  # crisis detection (issue 17)

    print("\n# crisis detection (bench/bench_crisis.py)")
    bench_crisis(shared)


if __name__ == "__main__":
    main()
