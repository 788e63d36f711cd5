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
takes the typer's best kind when that kind is plausible for it (:func:`plausible`; its
replacement made again when the kind changes; a registration number keeps the kind its seventh
digit gave), and the typer's plausible spans that overlap no span kept by the rules are added -
after the rules' own filters in ``pii.find`` (a form's example, a company's or an office's
number, a reference named before it, a bus's plate, an office's role e-mail), so a look-alike
the rules leave alone on purpose stays unmasked (session 22: 43 rule tests were red without).

Weights: ``pii_number_typer.json`` beside this module (the classes, the bias per class, the
feature -> {class: weight} of |w| > 0.01, the threshold), written by
``python -m bench.number_typer_study --write``; no scikit-learn here.
"""

from __future__ import annotations

import itertools
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

# (the ID bounded: an unbounded run before the @ made a long text of Hangul quadratic - 100 s
# for 100,000 characters)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-가-힣]{1,40}[ \t]*(?:@|골뱅이|앳)"
                    r"[ \t]*[A-Za-z0-9.\-가-힣 ]{2,30}?"
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
        if name == "email" and not _MAIL_SAID.search(text):
            continue
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
    taken = _Taken()
    for _, (kind, s, e) in found:
        if not taken.overlaps(s, e):
            kept.append((kind, s, e))
            taken.add(s, e)
    return kept


class _Taken:
    """Character positions already spoken for: an overlap test that costs the span's length,
    not the number of spans kept (a long text holding thousands of numbers was quadratic)."""

    def __init__(self) -> None:
        self.marks = bytearray()

    def add(self, s: int, e: int) -> None:
        if e > len(self.marks):
            self.marks.extend(bytes(e - len(self.marks)))
        self.marks[s:e] = b"\x01" * (e - s)

    def overlaps(self, s: int, e: int) -> bool:
        return self.marks.find(1, s, e) >= 0


_REGISTRATION = frozenset({"rrn", "foreigner_rrn"})


def retyped_kind(text: str, kind: str, typed: tuple[str, float], s: int, e: int) -> str:
    """A rule's span of ``kind`` keeps it unless the typer's best kind and its probability
    ``typed`` reach the threshold and that kind is plausible for the span; a registration
    number stays of the kind the rules read from its seventh digit (or its cue)."""
    typed_as, probability = typed
    if typed_as == kind or (kind in _REGISTRATION and typed_as in _REGISTRATION) or (
            probability < model()[3]):
        return kind
    return typed_as if plausible(text, typed_as, s, e, added=False) else kind


def combine(text: str, masker: Sequence[Span], probs: dict[tuple[int, int], dict[str, float]],
            found: Sequence[Span], taken: Sequence[tuple[int, int]] = ()
            ) -> tuple[list[Span], list[Span]]:
    """(the rules' number spans ``masker`` re-typed by ``probs``, in their order; the typer's
    spans ``found`` that are plausible and overlap none of them nor any span in ``taken``).
    The product (:func:`retype`) and the study (``bench/number_typer_study.py``) both combine
    the two here."""
    retyped = [(retyped_kind(text, kind, best(probs[(s, e)]), s, e), s, e)
               for kind, s, e in masker]
    busy = _Taken()
    for s, e in itertools.chain(((s, e) for _, s, e in masker), taken):
        busy.add(s, e)
    added = [t for t in found
             if not busy.overlaps(t[1], t[2]) and plausible(text, *t, added=True)]
    return retyped, added


def retype(text: str, masker: Sequence[Span], taken: Sequence[tuple[int, int]] = ()
           ) -> tuple[list[Span], list[Span]]:
    """The typer after the rules: :func:`combine` with its own probabilities and spans."""
    probs = scored(text, masker)
    return combine(text, masker, probs, typed(probs, model()[3]), taken)


# A plate's Hangul letter between its digits (12가3456, 서울 70 사 3456), as written or said.
_PLATE_SHAPE = re.compile(r"\d{2,3}[ \t]?[가-힣][ \t]?\d{4}")
# A unit right after the digits: an amount, a year, a count, a time (10000 원, 2035 년).
_UNIT_AFTER = re.compile(r"[ \t]*(?:원|만[ \t]?원|천[ \t]?원|달러|년|개월|월(?![가-힣])"
                         r"|시(?![가-힣])|분(?![가-힣])|개(?![가-힣])|명|살|세(?![가-힣])|회|번(?![호지])|퍼센트|%)")
_MAIL_SAID = re.compile(r"@|골뱅이|앳")
# A date or a code named before six or eight digits: a birth date, an expiry or a code sent by
# text is no registration or passport number (생년월일 880515, 여권 만료일이 20310415, 등록증
# 만료일이 251231, 인증번호 850412).
_DATE_BEFORE = re.compile(r"(?:생년월일|생일|만료|유효[ \t]?기간|기한|날짜|일자"
                          r"|인증[ \t]?번호|비밀[ \t]?번호|OTP|확인[ \t]?코드)[^\n\d]{0,12}$")
_LETTER = re.compile(r"[A-Za-z]")
# A company's nationwide line (1588-1515, 1644 - 8910).
_COMPANY_LINE = re.compile(r"(?<!\d)1[568]\d{2}[ \t]*-[ \t]*\d{4}(?!\d)")
# An account's part named before a short run (계좌번호 끝자리 4860 아니 48607).
_ACCOUNT_PART_BEFORE = re.compile(r"계좌|통장|(?:끝|뒷|앞)[ \t]?자리")
# The back half named before six digits (뒷자리가 성별 빼고 여섯 자리 ... 034781).
_BACK_BEFORE = re.compile(r"뒷[ \t]?자리|뒷[ \t]?번호|뒤[ \t]?번호")


def _a_date(digits: str) -> bool:
    """Eight digits that make a date of this century or the last (20310415, 19990101)."""
    if len(digits) != 8 or digits[:2] not in ("19", "20"):
        return False
    return pii_rrn.valid_birth(digits[2:], "1" if digits[:2] == "19" else "3")


def plausible(text: str, kind: str, s: int, e: int, *, added: bool) -> bool:
    """The typer may call ``text[s:e]`` a number of ``kind`` (a span the typer ``added``, or a
    rule's span it re-types). An e-mail has its @ (or 골뱅이, 앳) or letters. Any other kind: no
    amount, year or count after it, and
    - a phone: a whole phone's prefix and length (an added part: a mobile's first seven or
      eight digits), no 080 or 15xx/16xx/18xx company line, no list;
    - a plate: a letter between its digits;
    - a passport: seven to nine digits with a letter, or digits only that make no date and
      follow no date's word;
    - a registration number: 13 digits (or a front half with its seventh) of a real birth date
      and the seventh digit of its kind (1-4, 9, 0 a citizen; 5-8 a foreigner), a back half of
      7 digits, or a front half of 6 (a real date, or after 뒷자리) after no date's or code's
      word (생년월일, 만료일, 인증번호);
    - a card: 15 or 16 digits (Luhn's check for an added one), or a part of 6 to 12 said in one
      piece;
    - an account: 5 to 16 digits that make no phone and hold no company line or list (an added
      one under 10 digits after an account's word);
    - the document numbers: no more digits than the kind has."""
    said = text[s:e]
    view = _view(text)
    digits, _ = digits_of(view, s, e)
    n = len(digits)
    if kind == "email":
        return bool(_MAIL_SAID.search(said) or _LETTER.search(said))
    if _UNIT_AFTER.match(text, e) or re.search(r"[0-9][ \t]*원", said):
        return False
    if kind == "phone":
        if digits.startswith(("080", "15", "16", "18")) or "," in said:
            return False
        return valid_phone_digits(digits) is not None or (
            added and digits.startswith("01") and 7 <= n <= 8)
    if kind == "car_plate":
        return bool(_PLATE_SHAPE.search(view, s, e))
    if kind == "passport":
        if _LETTER.search(said) or _LETTER.search(text, max(0, s - 4), s):
            return 7 <= n <= 9
        return 7 <= n <= 9 and not _a_date(digits) and not _DATE_BEFORE.search(
            text, max(0, s - 30), s)
    if kind in ("rrn", "foreigner_rrn"):
        own = "123490" if kind == "rrn" else "5678"
        if n == 13 or (n == 7 and digits[0] not in own):
            return digits[6] in own and pii_rrn.valid_birth(digits[:6], digits[6])
        if n == 7:  # the back half (its first digit the kind's)
            return True
        return n == 6 and (pii_rrn.valid_birth(digits, own[0]) or bool(_BACK_BEFORE.search(
            text, max(0, s - 40), s))) and not _DATE_BEFORE.search(text, max(0, s - 30), s)
    if kind == "card":
        if n in (15, 16):
            return luhn(digits) or not added
        return 6 <= n <= 12 and not (added and re.search(r"[가-힣]", said))
    if kind == "account":
        if "\n" in said or "," in said or _COMPANY_LINE.search(said):
            return False  # a list of lines (1588-1111\n1599-1111), a company's line
        if not 5 <= n <= 16 or valid_phone_digits(digits) is not None:
            return False
        # a part of an account the typer adds: after an account's word
        return n >= 10 or not added or bool(_ACCOUNT_PART_BEFORE.search(text, max(0, s - 40), s))
    if kind == "business_no":
        return 5 <= n <= 10
    if kind == "driver_licence":
        return 6 <= n <= 12
    if kind == "health_insurance":
        return 6 <= n <= 11
    return False


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
