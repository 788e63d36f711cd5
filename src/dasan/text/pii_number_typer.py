"""A learnt number typer after the rules (issue 12, round 21): the study's version (d) shipped.

``bench/number_typer_study.py`` found that a logistic model over candidate number spans, trained
on the labelled sets, lifts typed recall on sets no one tuned on when it *re-types* the rules'
number spans and *adds* its own spans where the rules found nothing (the rules all stay: the
typer alone drops what they are sure of). This module is that model at masking time.

Candidates (:func:`candidates`) per message: every number span the rules gave (``m:`` + type),
every chain of digit runs :mod:`pii_parts` gathers with five digits or more and each run of six
or more inside a chain, and e-mail-, plate- and passport-like tokens. Features
(:func:`features`) are the study's, computed here only (the study imports them). A class's score
is the bias plus the sum of the weights of the features present (every feature is 1.0); the
probabilities are their softmax. A candidate is a number of kind K when its best kind other than
"none" scores at least the threshold (0.5), the most probable of overlapping ones.

:func:`retype` applies it after the rules in :func:`dasan.text.pii.find`: each rule's number span
takes the typer's best kind (its replacement made again when the kind changes), and the typer's
spans that overlap no span kept by the rules are added. Weights: ``pii_number_typer.json`` beside
this module (the classes, the bias per class, the feature -> {class: weight} of |w| > 0.01, the
threshold), written by ``python -m bench.number_typer_study --write``; no scikit-learn here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from dasan.text import pii_documents, pii_kind, pii_parts, pii_read_out, pii_rrn
from dasan.text.pii_phone_digits import valid_phone_digits

WEIGHTS_PATH = Path(__file__).with_name("pii_number_typer.json")
NONE = "none"

Span = tuple[str, int, int]  # kind, start, end

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-가-힣]+[ \t]*(?:@|골뱅이|앳)[ \t]*[A-Za-z0-9.\-가-힣 ]{2,30}?"
                    r"(?:\.[A-Za-z]{2,4}|닷[ \t]?컴|닷[ \t]?넷|닷[ \t]?씨오[ \t]?닷[ \t]?케이알)")
_PLATE = re.compile(r"(?<![0-9])(?:[가-힣]{2}[ \t]?)?\d{2,3}[ \t]?[가-힣][ \t]?\d{4}(?![0-9])")
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}[ \t\-]?\d{3,4}[ \t\-]?\d{4}(?![0-9])")
_TOKEN = re.compile(r"[가-힣A-Za-z]+")
_TURN_LABEL = re.compile(r"[ \t]*(?:[가-힣A-Za-z]{1,5}[ \t]*[:：])?[ \t]*$")


def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _shape(said: str) -> str:
    out = re.sub(r"[0-9]", "9", said)
    out = re.sub(r"[A-Z]", "A", out)
    out = re.sub(r"[a-z]", "a", out)
    out = re.sub(r"[가-힣]", "가", out)
    return re.sub(r"(.)\1+", r"\1+", out)[:14]


def digits_of(view: str, s: int, e: int) -> tuple[str, list[int]]:
    runs = pii_rrn.digit_runs(view, s, e)
    return "".join(r.digits for r in runs), [len(r.digits) for r in runs]


def _view(text: str) -> str:
    return pii_read_out.tens_view(text) if "십" in text else text


def candidates(text: str, masker: Sequence[Span]) -> dict[tuple[int, int], set[str]]:
    """Candidate spans (start, end) -> where each comes from."""
    out: dict[tuple[int, int], set[str]] = {}
    for kind, s, e in masker:
        out.setdefault((s, e), set()).add("m:" + kind)
    view = _view(text)
    for chain in pii_parts._chains(view):
        digits = "".join(r.digits for r in chain)
        if len(digits) >= 5:
            out.setdefault((chain[0].start, chain[-1].ends[-1]), set()).add(
                "chain" if len(chain) > 1 else "run")
        if len(chain) > 1:
            for run in chain:
                if len(run.digits) >= 6:
                    out.setdefault((run.start, run.ends[-1]), set()).add("inner")
    for name, pattern in (("email", _EMAIL), ("plate", _PLATE), ("passport", _PASSPORT)):
        for m in pattern.finditer(text):
            out.setdefault((m.start(), m.end()), set()).add("re:" + name)
    return out


def features(text: str, s: int, e: int, sources: set[str]) -> dict[str, float]:
    view = _view(text)
    said = text[s:e]
    digits, groups = digits_of(view, s, e)
    n = len(digits)
    f: dict[str, float] = {"bias": 1.0}
    for src in sources:
        f["src:" + src] = 1.0
    f[f"n={min(n, 20)}"] = 1.0
    f["g=" + "-".join(map(str, groups[:5]))] = 1.0
    f[f"ng={min(len(groups), 6)}"] = 1.0
    if digits:
        f["d1=" + digits[:1]] = 1.0
        f["d2=" + digits[:2]] = 1.0
        f["d3=" + digits[:3]] = 1.0
    if n in (15, 16) and luhn(digits):
        f["luhn"] = 1.0
    if n == 10 and pii_documents.business_check_ok(digits):
        f["biz_check"] = 1.0
    if n >= 7 and pii_rrn.valid_birth(digits[:6], digits[6]):
        f["birth7=" + digits[6]] = 1.0
        if n == 13:
            f["rrn13"] = 1.0
    if valid_phone_digits(digits):
        f["phone_ok"] = 1.0
    for kind in sorted(pii_kind.DECIDED):
        if pii_kind.fits(kind, digits):
            f["fits:" + kind] = 1.0
    f["sh=" + _shape(said)] = 1.0
    f["len=" + str(min(len(said) // 4, 10))] = 1.0
    for ch, name in (("-", "dash"), (" ", "space"), (".", "dot"), ("/", "slash"), ("@", "at"),
                     ("\n", "newline")):
        if ch in said:
            f["has:" + name] = 1.0
    if re.search(r"[가-힣]", said):
        f["has:hangul"] = 1.0
    letters = len(re.findall(r"[A-Za-z]", said))
    if letters:
        f[f"letters={min(letters, 6)}"] = 1.0
    if "골뱅이" in said or "닷컴" in said:
        f["has:mail_said"] = 1.0
    near = pii_kind.nearest_kind(text, s, e, 60) or "-"
    far = pii_kind.nearest_kind(text, s, e, 200) or "-"
    f["nk=" + near] = 1.0
    f["nk2=" + far] = 1.0
    f[f"nk_n={near}/{min(n, 20)}"] = 1.0
    f[f"nk_g={near}/" + "-".join(map(str, groups[:5]))] = 1.0
    before = text[max(0, s - 24):s]
    after = text[e:e + 12]
    for i in range(len(before) - 1):
        f["b2:" + before[i:i + 2]] = 1.0
    for i in range(len(after) - 1):
        f["a2:" + after[i:i + 2]] = 1.0
    words_before = _TOKEN.findall(text[max(0, s - 40):s])
    words_after = _TOKEN.findall(text[e:e + 30])
    if words_before:
        f["w-1:" + words_before[-1]] = 1.0
        f["w-1s:" + words_before[-1][-2:]] = 1.0
    if len(words_before) > 1:
        f["w-2:" + words_before[-2]] = 1.0
    if words_after:
        f["w+1:" + words_after[0]] = 1.0
        f["w+1p:" + words_after[0][:2]] = 1.0
    line_start = text.rfind("\n", 0, s) + 1
    if _TURN_LABEL.fullmatch(text, line_start, s):
        f["opens_turn"] = 1.0
        prev = text[max(0, line_start - 80):line_start]
        if "?" in prev:
            f["prev_asks"] = 1.0
    if "\n" in text:
        f["dialogue"] = 1.0
    return f


Model = tuple[list[str], dict[str, float], dict[str, dict[str, float]], float]


@cache
def model() -> Model:
    """(classes, bias per class, feature -> {class: weight}, threshold), read once."""
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    return (list(data["classes"]), {k: float(v) for k, v in data["bias"].items()},
            data["weights"], float(data["threshold"]))


def probabilities(feats: dict[str, float]) -> dict[str, float]:
    """Each class's probability: the softmax of its bias plus the weights of ``feats``."""
    classes, bias, weights, _ = model()
    score = dict(bias)
    for name, value in feats.items():
        row = weights.get(name)
        if row:
            for cls, w in row.items():
                score[cls] += w * value
    top = max(score.values())
    exp = {cls: math.exp(score[cls] - top) for cls in classes}
    total = sum(exp.values())
    return {cls: v / total for cls, v in exp.items()}


def best(p: dict[str, float]) -> tuple[str, float]:
    """The most probable kind other than none, and its probability."""
    return max(((k, v) for k, v in p.items() if k != NONE), key=lambda kv: kv[1])


def scored(text: str, masker: Sequence[Span]) -> dict[tuple[int, int], dict[str, float]]:
    """Every candidate span's class probabilities."""
    return {span: probabilities(features(text, *span, sources))
            for span, sources in candidates(text, masker).items()}


def typed(probs: dict[tuple[int, int], dict[str, float]], threshold: float) -> list[Span]:
    """The typer's own spans: best kind at ``threshold`` or more, most probable first, none
    overlapping another."""
    found = sorted(((kp[1], (kp[0], s, e)) for (s, e), p in probs.items()
                    if (kp := best(p))[1] >= threshold), key=lambda pk: -pk[0])
    kept: list[Span] = []
    for _, (kind, s, e) in found:
        if not any(ks < e and s < ke for _, ks, ke in kept):
            kept.append((kind, s, e))
    return kept


def retype(text: str, masker: Sequence[Span], taken: Sequence[tuple[int, int]] = ()
           ) -> tuple[list[Span], list[Span]]:
    """(the rules' number spans ``masker`` re-typed, in their order; the typer's spans that
    overlap none of them nor any other span in ``taken``)."""
    probs = scored(text, masker)
    retyped = [(best(probs[(s, e)])[0], s, e) for _, s, e in masker]
    busy = [(s, e) for _, s, e in masker] + list(taken)
    added = [t for t in typed(probs, model()[3])
             if not any(s < t[2] and t[1] < e for s, e in busy)]
    return retyped, added


# The digit counts at which a kind's own masked form hides enough (a card's 4-****-****-4 of six
# digits, an account's first and last three of six, would show them all).
_FULL_LENGTHS: dict[str, tuple[int, ...]] = {
    "card": (15, 16), "business_no": (10,), "driver_licence": (12,), "rrn": (13,),
    "foreigner_rrn": (13,), "health_insurance": (11,), "phone": (9, 10, 11),
    "account": tuple(range(10, 17))}


def replacement(text: str, kind: str, s: int, e: int) -> str:
    """A masked form for a span the typer typed: its kind's read-out form when the digits are
    that kind's whole number, else a star per digit (a part said alone shows nothing)."""
    from dasan.text import pii  # the rules import this module

    digits, _ = digits_of(_view(text), s, e)
    if len(digits) in _FULL_LENGTHS.get(kind, ()):
        return pii._kind_replacement(kind, text[s:e], digits)
    return "*" * max(len(digits), 1) if digits else "*" * (e - s)
