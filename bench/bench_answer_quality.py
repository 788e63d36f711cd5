"""Answerability of entries: rules and classifier against a hand-labelled sample (section 1 of
``bench/bench_answer.py``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bench.answer_labels import LABEL_DATE, Labelled
from dasan.knowledge.answerability import (
    DEFAULT_MODEL,
    FEATURE_NAMES,
    AnswerabilityModel,
    assess,
    features,
)


def fit_model(rows: Sequence[Labelled]) -> AnswerabilityModel:
    from sklearn.linear_model import LogisticRegression

    x = np.array([features(r.entry, LABEL_DATE) for r in rows])
    y = np.array([r.reference for r in rows])
    lr = LogisticRegression(C=1.0, max_iter=2000, fit_intercept=False).fit(x, y)
    return AnswerabilityModel(weights=tuple(round(float(w), 2) for w in lr.coef_[0]))


def pr(pred: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float, int, int, int]:
    p, g = np.asarray(pred), np.asarray(gold)
    tp, fp, fn = int((p & g).sum()), int((p & ~g).sum()), int((~p & g).sum())
    prec = tp / (tp + fp) if tp + fp else float("nan")
    rec = tp / (tp + fn) if tp + fn else float("nan")
    return prec, rec, tp, fp, fn


def report(rows: Sequence[Labelled]) -> list[str]:
    tune = [r for r in rows if r.split == "tune"]
    hold = [r for r in rows if r.split == "holdout"]
    fitted = fit_model(tune)
    lines = [f"answerability sample: {len(rows)} hand-labelled real FAQ entries "
             f"(tune {len(tune)}, hold-out {len(hold)}); positive = reference record "
             f"(case letter, stale, call-only); judged as of {LABEL_DATE}",
             "  model weights fitted on tune this run: "
             + ", ".join(f"{n}={w}" for n, w in zip(FEATURE_NAMES, fitted.weights, strict=True)),
             f"  {'method (hold-out)':<44} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} "
             f"{'fn':>4}"]
    methods: dict[str, Callable[[Labelled], bool]] = {
        "peer: today's Dasan (every entry answerable)": lambda r: False,
        "peer: keyword '귀하' only": lambda r: "귀하" in r.entry.answer,
        "rules only": lambda r: assess(r.entry, LABEL_DATE, use_model=False).verdict
        == "reference",
        "classifier only (shipped weights)": lambda r: assess(
            r.entry, LABEL_DATE, use_rules=False).verdict == "reference",
        "rules + classifier (shipped)": lambda r: assess(r.entry, LABEL_DATE).verdict
        == "reference",
        "rules + classifier (fitted this run)": lambda r: assess(
            r.entry, LABEL_DATE, fitted).verdict == "reference",
    }
    gold = [r.reference for r in hold]
    for name, fn in methods.items():
        p, rc, tp, fp, fn_ = pr([fn(r) for r in hold], gold)
        lines.append(f"  {name:<44} {p:9.3f} {rc:7.3f} {tp:4d} {fp:4d} {fn_:4d}")
    for kind in ("case", "stale", "call_only"):
        sel = [r for r in hold if r.label == kind]
        found = sum(assess(r.entry, LABEL_DATE).verdict == "reference" for r in sel)
        lines.append(f"  recall on '{kind}' hold-out entries: {found}/{len(sel)}")
    queue = sum(assess(r.entry, LABEL_DATE).needs_review for r in hold)
    lines.append(f"  review queue: {queue}/{len(hold)} hold-out entries flagged for an editor")
    misses = [r for r in hold if r.reference != (assess(r.entry, LABEL_DATE).verdict
                                                 == "reference")][:8]
    for r in misses:
        a = assess(r.entry, LABEL_DATE)
        lines.append(f"    wrong: {r.source}:{r.ext_id} gold={r.label} got={a.verdict} "
                     f"p={a.probability:.2f} {r.entry.title[:40]}")
    _ = DEFAULT_MODEL
    return lines
