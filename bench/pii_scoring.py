"""Span scoring shared by the PII benchmarks (``bench_pii`` and the PII section of
``bench_text``).

Every occurrence of a labelled value in its text is a gold span (a name said twice must be
masked twice). A gold span is *recalled* when a predicted span of the same type overlaps it; a
predicted span is a *false mask* when it overlaps no gold span of its type (precision = 1 - false
masks / predicted, 1.0 when nothing was predicted) and is no echo of one: the writers do not
label a given name said alone after the full name (배현철 씨 ... 현철 씨), nor the value with a
particle glued on, so a predicted span of two characters or more whose text lies inside a gold
value of its type, or holds one, is an echo (listed as ECHO with the errors), the same person's
data, not a false mask. "masked" counts a gold span as
protected when any predicted span overlaps it, whatever its type - what matters for privacy.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Span = tuple[str, int, int]  # (type, start, end)
Finder = Callable[[str], list[Span]]


def load_items(path: Path) -> list[dict[str, Any]]:
    """Labelled items: ``{"text": ..., "pii": [{"type": ..., "value": ...}, ...]}`` per line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def gold_spans(item: dict[str, Any]) -> list[Span]:
    """Every occurrence of each labelled value is a gold span (a name the text repeats must be
    masked each time: a writer labels the value once or once per occurrence, and either way
    each place it stands in counts once)."""
    text = item["text"]
    out: list[Span] = []
    for g in item["pii"]:
        value = g["value"]
        start = text.index(value)  # a value that is not in the text is a broken item
        while start >= 0:
            span = (g["type"], start, start + len(value))
            if span not in out:
                out.append(span)
            start = text.find(value, start + len(value))
    return out


def _echo(said: str, gold_values: Sequence[str]) -> bool:
    """``said`` repeats a gold value elsewhere in the text: the value again, its given name
    alone, or the value with a particle (spaces ignored)."""
    said = "".join(said.split())
    return len(said) >= 2 and any(
        said in value or value in said for value in ("".join(v.split()) for v in gold_values)
        if len(value) >= 2)


def cell(n: int, tp: int, any_tp: int, pred: int, ok: int) -> dict[str, float]:
    return {
        "n": n,
        "recall": tp / n if n else 0.0,
        "masked": any_tp / n if n else 0.0,
        "precision": ok / pred if pred else 1.0,
        "false_masks": pred - ok,
    }


def score_spans(items: Sequence[dict[str, Any]], finder: Finder,
                groups: Sequence[tuple[str, Sequence[str]]]
                ) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Per type (every type named in ``groups``) and per group: n, recall, masked, precision
    and false masks; and one line per miss or false mask."""
    tp: dict[str, int] = defaultdict(int)
    any_tp: dict[str, int] = defaultdict(int)
    gold_n: dict[str, int] = defaultdict(int)
    pred_n: dict[str, int] = defaultdict(int)
    pred_ok: dict[str, int] = defaultdict(int)
    errors: list[str] = []
    for item in items:
        text = item["text"]
        gold = gold_spans(item)
        pred = finder(text)
        for kind, s, e in gold:
            gold_n[kind] += 1
            if any(k == kind and ps < e and s < pe for k, ps, pe in pred):
                tp[kind] += 1
            else:
                errors.append(f"MISS {kind:16} {text[s:e]!r} in {text!r}")
            if any(ps < e and s < pe for _, ps, pe in pred):
                any_tp[kind] += 1
        for kind, s, e in pred:
            pred_n[kind] += 1
            if any(k == kind and gs < e and s < ge for k, gs, ge in gold):
                pred_ok[kind] += 1
            elif _echo(text[s:e], [text[gs:ge] for k, gs, ge in gold if k == kind]):
                pred_ok[kind] += 1
                errors.append(f"ECHO {kind:16} {text[s:e]!r} in {text!r}")
            else:
                errors.append(f"FALSE {kind:15} {text[s:e]!r} in {text!r}")
    out: dict[str, dict[str, float]] = {}
    for _, kinds in groups:
        for kind in kinds:
            out[kind] = cell(gold_n[kind], tp[kind], any_tp[kind], pred_n[kind], pred_ok[kind])
    for group, kinds in groups:
        out[group] = cell(*(sum(d[k] for k in kinds)
                            for d in (gold_n, tp, any_tp, pred_n, pred_ok)))
    return out, errors
