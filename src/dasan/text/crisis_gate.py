"""Second stage of crisis detection: is a flagged message someone's disclosure of a crisis?

The rules and the first classifier (:mod:`dasan.text.crisis`) answer "which crisis words are
here"; news comments, captions, headlines, insults (자살해라) and talk about a celebrity carry
the same words. This gate answers a second question of every message the first stage flags:
does it read like a citizen telling of a present crisis (their own or that of someone they
know), or like talk about one? It is a character 1-4-gram logistic regression (within words,
on the light view, like the first classifier), trained on

* positives: the crises of the packaged tune set (``crisis_data/crisis_train.tsv``) and the real
  crises of the songys chatbot questions' tune split (``bench/data/crisis_real_chatbot.tsv``),
  the casual-register rows (``crisis_gate_register.tsv``) and the casual tune set
  (``bench/data/crisis_casual_tune.tsv``: crises and their casual look-alikes, by label);
* negatives: the non-crises of the packaged and casual tune sets and many thousands of real
  rows of the *tune* hash of every Korean source of the shared data (news comments,
  hate-speech and curse sets, captions and news sentences, chatbot small talk, smart-home
  requests, Seoul 120 FAQ and complaint titles): hand-labelled rows by their label
  (``bench/data/crisis_real_sources.tsv``), unlabelled rows as non-crises (those sources hold
  no first-person crisis; the rows the detector flags among them were read by hand, see
  :data:`REAL_TUNE_CRISES`).

Never trained on: the hold-out hash of the real sources (SHA-1 of the text even, the rule of
``crisis_real_sources.tsv``, checked on the raw and the stripped text), any text equal to a
hold-out row, the songys hold-out rows, the hand-written hold-out set, and the Seoul 120 civil
questions (the bench reads them all as its ordinary-traffic set).

Trained at ``make models`` time from ``../shared/data`` and kept in ``var/models`` like the
abuse classifier; without the data (or the label files) there is no gate and the first stage
decides alone (:func:`get_gate` returns None).
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dasan.config import PROJECT_ROOT, get_settings

log = logging.getLogger(__name__)

REGISTER_SET = Path(__file__).parent / "crisis_data" / "crisis_gate_register.tsv"
REAL_LABELS = PROJECT_ROOT / "bench" / "data" / "crisis_real_chatbot.tsv"
REAL_SOURCES = PROJECT_ROOT / "bench" / "data" / "crisis_real_sources.tsv"
# Casual-register crises paired with casual look-alikes (tune split; its hold-out is never read).
CASUAL_TUNE = PROJECT_ROOT / "bench" / "data" / "crisis_casual_tune.tsv"
# The civil questions are the bench's ordinary-traffic set (all rows): never trained on.
NOT_TRAINED_ON = frozenset({"civilappeal"})
# Unlabelled rows of the tune hash that turned out, read by hand, to be someone's present
# crisis (source, row, kind): trained on as crises, not as the non-crises the rest are.
REAL_TUNE_CRISES: tuple[tuple[str, int, str], ...] = ()


def source_texts(shared: Path) -> dict[str, list[str]]:
    """Every Korean text of the shared data by source name, in the row order that
    ``crisis_real_sources.tsv`` refers to (a source whose file is missing is left out)."""
    out: dict[str, list[str]] = {}

    def csv_column(name: str, rel: str, column: str, **kw: Any) -> None:
        path = shared / rel
        if path.is_file():
            with path.open(encoding="utf-8-sig") as f:
                out[name] = [r[column] for r in csv.DictReader(f, **kw)]

    csv_column("chatbot", "chatbot-data-songys/ChatbotData.csv", "Q")
    csv_column("civilappeal", "seoul120-faq-opengov/civilappeal_data.csv", "질문")
    csv_column("complaint", "seoul120-faq-opengov/complaint_data.csv", "질문")
    csv_column("geumcheon", "seoul120-faq-opengov/geumcheon_gu_minwon_faq.csv", "질문")
    csv_column("seoul120text", "seoul120-text-pytextbook/seoul-120-text.csv", "제목")
    for split in ("train", "dev"):
        csv_column(f"kocohub_{split}", f"korean-hate-speech-kocohub/{split}.tsv", "comments",
                   delimiter="\t", quoting=csv.QUOTE_NONE)
    path = shared / "curse-detection-2runo" / "dataset.txt"
    if path.is_file():
        out["curse2runo"] = [line.rsplit("|", 1)[0]
                             for line in path.read_text(encoding="utf-8").splitlines()]
    path = shared / "parakqc" / "paraKQC_v1.txt"
    if path.is_file():
        out["parakqc"] = [line.split("\t")[2]
                          for line in path.read_text(encoding="utf-8").splitlines()]
    for split in ("train", "dev", "test"):
        path = shared / "korsts-kakaobrain" / f"sts-{split}.tsv"
        if path.is_file():
            with path.open(encoding="utf-8") as f:
                out[f"korsts_{split}"] = [
                    s for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                    for s in (r["sentence1"], r["sentence2"])]
    path = shared / "klue-sts" / "klue-sts-v1.1_dev.json"
    if path.is_file():
        out["kluests"] = [s for r in json.loads(path.read_text(encoding="utf-8"))
                          for s in (r["sentence1"], r["sentence2"])]
    return out


def tune_hash(text: str) -> bool:
    """The tune side of the real sources' split: SHA-1 of the text odd, of the raw and of the
    stripped text (a row on the hold-out side by either reading is left out)."""
    return all(int(hashlib.sha1(t.encode()).hexdigest()[:8], 16) % 2 == 1
               for t in {text, text.strip()})


def _label_lines(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def real_tune_rows(shared: Path) -> list[tuple[str, str, str]]:
    """(text, kind, source) of the real rows the gate may learn from: labelled tune rows by
    their label (``skip`` left out), unlabelled rows of the tune hash as ``none``. Empty without
    the shared data or the label files."""
    if not (REAL_LABELS.is_file() and REAL_SOURCES.is_file()):
        return []
    texts = source_texts(shared)
    if not texts:
        return []
    labelled: dict[tuple[str, int], tuple[str, str]] = {}  # (source, row) -> (kind, split)
    for row, _digest, kind, _imm, split in _label_lines(REAL_LABELS):
        labelled[("chatbot", int(row))] = (kind, split)
    for name, number, _digest, kind, _imm, split in _label_lines(REAL_SOURCES):
        labelled[(name, int(number))] = (kind, split)
    for name, index, kind in REAL_TUNE_CRISES:
        labelled[(name, index)] = (kind, "tune")
    held_out = {texts[s][r].strip() for (s, r), (_k, split) in labelled.items()
                if split == "holdout" and s in texts}
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for source, rows in texts.items():
        if source in NOT_TRAINED_ON:
            continue
        for i, text in enumerate(rows):
            key = text.strip()
            if not key or key in held_out or key in seen:
                continue
            kind, split = labelled.get((source, i), ("none", "tune" if tune_hash(text) else
                                                      "holdout"))
            if split != "tune" or kind == "skip":
                continue
            seen.add(key)
            out.append((text, kind, source))
    return out


def data_key(shared: Path) -> bytes:
    """What the gate's training data depends on besides code: the label files and the shared
    source files (by size and modification time: the files are large and read-only)."""
    h = hashlib.sha1()
    for path in (REAL_LABELS, REAL_SOURCES):
        h.update(path.read_bytes() if path.is_file() else b"-")
    for path in sorted(shared.glob("*/*")) if shared.is_dir() else []:
        if path.is_file():
            st = path.stat()
            h.update(f"{path.relative_to(shared)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.digest()


# Chosen by cross-validation on the tune rows only (5-fold x 3 seeds; docs/crisis.md has the
# figures): negatives only where the first classifier's
# distress cue appears (the rows a flag can come from; all 27k rows taught register, not
# content, and lost half the real crises), C 1, balanced classes, real crises weighted 3, and
# the message passes when P(disclosure) >= 0.15.
GATE_C = 1.0
REAL_CRISIS_WEIGHT = 3.0
THRESHOLD = 0.15


def gate_rows(shared: Path) -> tuple[list[tuple[str, str]], list[float]]:
    """The gate's training rows (text, crisis|none) and their weights: the packaged tune set,
    the real crises of the tune split (weight :data:`REAL_CRISIS_WEIGHT`) and the real
    non-crises that carry a distress cue. Empty without the shared data or label files."""
    from dasan.text import crisis
    from dasan.text.normalize import light_view

    real = real_tune_rows(shared)
    if not real:
        return [], []
    packaged = crisis.load_labelled(crisis.TRAIN_SET) + crisis.load_labelled(REGISTER_SET)
    if CASUAL_TUNE.is_file():
        packaged += crisis.load_labelled(CASUAL_TUNE)
    rows = [(t, "none" if k == "none" else "crisis") for t, k, _i, _c in packaged]
    weights = [1.0] * len(rows)
    for text, kind, _source in real:
        if kind != "none":
            rows.append((text, "crisis"))
            weights.append(REAL_CRISIS_WEIGHT)
        elif crisis.distress_cue(light_view(text).text):
            rows.append((text, "none"))
            weights.append(1.0)
    return rows, weights


def _key_files() -> tuple[Path, ...]:
    from dasan.text import crisis

    casual = (CASUAL_TUNE,) if CASUAL_TUNE.is_file() else ()
    return (*crisis._model_key_files(), REGISTER_SET, *casual, Path(__file__))


def cache_path(shared: Path) -> Path:
    """Keyed by the code and packaged set the gate depends on and by the shared data."""
    from dasan.config import VAR_DIR

    h = hashlib.sha1(data_key(shared))
    for path in _key_files():
        h.update(path.read_bytes())
    return VAR_DIR / "models" / f"crisis_gate-{h.hexdigest()[:12]}.pkl"


def train(shared: Path) -> Any:
    """The gate trained from the tune rows (a :class:`dasan.text.crisis.CrisisModel` over
    {crisis, none}); None without the data."""
    from dasan.text.crisis import CrisisModel

    rows, weights = gate_rows(shared)
    if not rows:
        return None
    return CrisisModel(rows, THRESHOLD, c=GATE_C, min_df=2, class_weight="balanced",
                       weights=weights)


def load_or_train(shared: Path | None = None) -> Any:
    """The gate from ``var/models``, else trained from the shared data and kept there."""
    from dasan.text.crisis import CrisisModel
    from dasan.text.model_files import kept_or_trained

    shared = shared or get_settings().shared_data
    if not REAL_SOURCES.is_file() or not (shared / "chatbot-data-songys").is_dir():
        return None
    return kept_or_trained(cache_path(shared), CrisisModel, lambda: train(shared),
                           "crisis gate", "crisis_gate-*.pkl")


_GATE: Any = None
_LOADED = False
_LOCK = threading.Lock()


def get_gate() -> Any:
    """The process-wide gate (a CrisisModel over {crisis, none}); None without the data or
    when switched off (``DASAN_CRISIS_GATE=off``)."""
    global _GATE, _LOADED
    if os.environ.get("DASAN_CRISIS_GATE", "").lower() in ("off", "0", "false", "no"):
        return None
    if not _LOADED:
        with _LOCK:
            if not _LOADED:
                try:
                    _GATE = load_or_train()
                except Exception:
                    log.exception("crisis gate unavailable; the first stage decides alone")
                    _GATE = None
                _LOADED = True
    return _GATE


def set_gate(gate: Any) -> None:
    """Replace the process-wide gate (tests, benchmarks; None switches it off)."""
    global _GATE, _LOADED
    with _LOCK:
        _GATE = gate
        _LOADED = True


def passes(gate: Any, views: Sequence[str]) -> list[tuple[bool, float]]:
    """(passes, P(disclosure)) for each light-view text the first stage flagged."""
    return [(p >= gate.threshold, p) for _kind, p in gate.predict(views)]
