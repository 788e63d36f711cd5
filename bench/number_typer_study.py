"""A learnt detector and typer for personal numbers - a study (issue 12, session 21).

Not the product: nothing here changes ``dasan.text.pii``. The question is whether a model
trained on the labelled sets finds and types the eleven number kinds better than the rules on a
set it never saw, as the learnt name tagger did for names (``bench/train_pii_names.py --loho``).

Candidates (``candidates``), per message:

* every span the current masker (``pii.find``) gives a number type;
* every chain of digit runs ``pii_parts`` gathers (written digits, digit syllables, native
  numerals, groups said as numbers, joined by any joining word, over turns or a pause) with five
  digits or more, and each run of six digits or more inside a chain;
* e-mail-like tokens (an @ or 골뱅이/앳 said aloud between two words), plate-like tokens
  (12가3456, 서울 12 가 3456, 임시) and passport-like tokens (one or two letters, 7-8 digits).

Features (``features``): where the candidate comes from (and the masker's type), its digit count
and grouping, separators, spoken digits, letters, its first digits, its checks (Luhn, the
business number's check digit, a birth date and the seventh digit, a phone's prefix, a licence's
region, which decided kinds its digits fit), the kind named nearest (``pii_kind.nearest_kind``,
within 60 and 200 characters), character pairs of the 24 characters before and 12 after, the
words right before and after, whether it opens its turn and whether the turn before asks, and
conjunctions of the nearest kind with the digit count and grouping. A multinomial logistic
regression (scikit-learn, C=1.0) says "a personal number of kind K" or "none"; a candidate is
masked when its best kind scores at least the threshold, the most probable of overlapping ones.

Scored (``bench.pii_scoring``, numbers only: typed recall, masked as any type, false masks) per
left-out set over every labelled set's looked-at part (the model trained on all the others, as
``train_pii_names --loho``), beside (a) the current masker, (b) the typer alone, (c) the union
(the masker's spans and the typer's that overlap none of them) and (d) the re-typing (the
masker's spans typed by the typer, plus the typer's that overlap none). The kept-back splits
(M2 ... Z2) are scored by a model trained on every looked-at set: aggregates only.
Hold-outs AA, AB and AC, each scored once for numbers (sessions 20 and 21; ``--holdouts``
scored them here then), are looked-at sets since session 22: they train the typer and are
scored left out like the others (``SCORED``).

Run: ``uv run --frozen python -m bench.number_typer_study --real-negatives`` (``--real-text``
to count what the typer adds on the other half of real text).
Figures and reading: docs/pii.md, "Number typer study (session 21)".
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bench.bench_pii import NUMBER_TYPES, split_items
from bench.pii_scoring import Span, gold_spans, score_spans
from bench.train_pii_names import HOLDOUTS, KEPT_BACK, LABELLED, load_set
from dasan.text import pii
from dasan.text.pii_number_typer import best, candidates, combine, features, typed

NONE = "none"
GROUPS = (("numbers", NUMBER_TYPES),)
THRESHOLDS = (0.3, 0.5, 0.7, 0.9)
SHIPPED = 0.5  # the threshold the per-set table shows (chosen before any hold-out was scored)
# (session 22) the hold-outs whose numbers were scored once each (sessions 20-21) train the
# typer now, as looked-at sets: each is scored left out like every other one.
SCORED = {"AA": "holdout-aa", "AB": "holdout-ab", "AC": "holdout-ac"}


def load(name: str) -> list[dict[str, Any]]:
    """A labelled set by ``train_pii_names`` name, or a scored hold-out by its split."""
    return split_items(name) if name in SCORED.values() else load_set(name)

Example = tuple[int, tuple[int, int], dict[str, float], str]  # item, span, features, label


def _label(span: tuple[int, int], gold: Sequence[Span]) -> str:
    s, e = span
    best, overlap = NONE, 0
    for kind, gs, ge in gold:
        if kind in NUMBER_TYPES and gs < e and s < ge:
            o = min(e, ge) - max(s, gs)
            if o > overlap:
                best, overlap = kind, o
    return best


class Prepared:
    """One set's items with the masker's number spans and the typer's candidates."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.masker: list[list[Span]] = []
        self.examples: list[Example] = []
        self.gold_n = 0
        self.gold_covered = 0
        for i, item in enumerate(items):
            text = item["text"]
            found = [(sp.type, sp.start, sp.end) for sp in pii.find(text, number_typer=False)
                     if sp.type in NUMBER_TYPES]
            self.masker.append(found)
            gold = gold_spans(item)
            cands = candidates(text, found)
            for kind, gs, ge in gold:
                if kind in NUMBER_TYPES:
                    self.gold_n += 1
                    self.gold_covered += any(s < ge and gs < e for s, e in cands)
            for span, sources in cands.items():
                self.examples.append((i, span, features(text, *span, sources),
                                      _label(span, gold)))


SETTINGS = {"C": 1.0}  # the logistic model's inverse regularisation strength (--C)


def fit(examples: Sequence[Example]) -> Any:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(DictVectorizer(), LogisticRegression(C=SETTINGS["C"], max_iter=3000))
    model.fit([x for _, _, x, _ in examples], [y for _, _, _, y in examples])
    return model


Scored = list[tuple[int, tuple[int, int], dict[str, float]]]  # item, span, kind -> probability


def predict(model: Any, prepared: Prepared) -> Scored:
    if not prepared.examples:
        return []
    probs = model.predict_proba([x for _, _, x, _ in prepared.examples])
    classes = list(model.classes_)
    return [(i, span, dict(zip(classes, row, strict=True)))
            for (i, span, _, _), row in zip(prepared.examples, probs, strict=True)]


def per_item(scored: Scored, n_items: int) -> list[dict[tuple[int, int], dict[str, float]]]:
    """The scored candidates as one span -> probabilities dictionary per item, as the product's
    ``pii_number_typer.scored`` gives them."""
    out: list[dict[tuple[int, int], dict[str, float]]] = [{} for _ in range(n_items)]
    for i, span, p in scored:
        out[i][span] = p
    return out


def typer_spans(scored: Scored, n_items: int, threshold: float) -> list[list[Span]]:
    """The typer's own spans per item (``pii_number_typer.typed``)."""
    return [typed(probs, threshold) for probs in per_item(scored, n_items)]


def combined(prepared: Prepared, scored: Scored, found: list[list[Span]], retype: bool
             ) -> list[list[Span]]:
    """Per item: the masker's number spans (with ``retype``, of the typer's kind where that kind
    is plausible for them) and the typer's plausible spans that overlap none of them, as
    ``pii_number_typer.combine`` makes them. The product (``pii.find``) also runs the rules'
    filters for a form's example, a company's or an office's number on the spans it adds."""
    out: list[list[Span]] = []
    for i, probs in enumerate(per_item(scored, len(prepared.items))):
        masker = prepared.masker[i]
        retyped, added = combine(prepared.items[i]["text"], masker, probs, found[i])
        out.append((retyped if retype else list(masker)) + added)
    return out


def _score(items: list[dict[str, Any]], spans: list[list[Span]]) -> dict[str, dict[str, float]]:
    by_text = {id(item): found for item, found in zip(items, spans, strict=True)}
    lookup = iter(items)

    def finder(text: str) -> list[Span]:
        item = next(lookup)
        assert item["text"] == text
        return by_text[id(item)]

    return score_spans(items, finder, GROUPS)[0]


def real_prepared(part: int) -> Prepared:
    """The real texts of ``bench.pii_real_text`` (every other one: ``part`` 0 or 1), labelled by
    the masker: a candidate is of the kind the masker gives the span it overlaps, else none (no
    labels there; about every number is an office's line, a date or an amount)."""
    from bench.pii_real_text import texts

    items = [{"text": text, "pii": []} for i, (_, text) in enumerate(texts()) if i % 2 == part]
    prep = Prepared(items)
    prep.examples = [(i, span, x, _label(span, prep.masker[i]))
                     for i, span, x, _ in prep.examples]
    return prep


def real_text(model: Any, prep: Prepared) -> None:
    """On real text: the masker's number spans, and the spans the typer adds (overlapping none
    of the masker's) and re-types, per threshold and kind."""
    items = prep.items
    scored = predict(model, prep)
    masker = Counter(k for found in prep.masker for k, _, _ in found)
    print(f"\nreal text (every other): {len(items)} texts, masker number spans {sum(masker.values())} "
          + str(dict(sorted(masker.items()))))
    for t in THRESHOLDS:
        typed = typer_spans(scored, len(items), t)
        added: Counter[str] = Counter()
        for i, found in enumerate(typed):
            for kind, s, e in found:
                if not any(ms < e and s < me for _, ms, me in prep.masker[i]):
                    added[str(kind)] += 1
        retyped = Counter(
            f"{k}->{k2}" for i, span, p in scored for k, s, e in prep.masker[i]
            if (s, e) == span and (k2 := best(p)[0]) != k)
        print(f"threshold {t}: added {sum(added.values())} {dict(sorted(added.items()))}; "
              f"re-typed {sum(retyped.values())} {dict(retyped.most_common(6))}")


COLUMNS = ("masker", "typer", "union", "retype")


def write_weights(model: Any, min_weight: float = 0.01) -> None:
    """The model's weights as the product reads them (``pii_number_typer.json``): the classes,
    the bias per class, each feature's weights of |w| > ``min_weight`` at four decimals, the
    threshold."""
    from dasan.text import pii_number_typer

    vec, clf = model.steps[0][1], model.steps[1][1]
    classes = [str(c) for c in clf.classes_]
    weights: dict[str, dict[str, float]] = {}
    for name, j in sorted(vec.vocabulary_.items()):
        row = {c: round(float(clf.coef_[k, j]), 4) for k, c in enumerate(classes)
               if abs(clf.coef_[k, j]) > min_weight}
        if row:
            weights[name] = row
    data = {"classes": classes, "C": SETTINGS["C"], "threshold": SHIPPED,
            "bias": {c: round(float(b), 6) for c, b in zip(classes, clf.intercept_, strict=True)},
            "weights": weights}
    path = pii_number_typer.WEIGHTS_PATH
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                    + "\n", encoding="utf-8")
    kept = sum(len(r) for r in weights.values())
    print(f"wrote {path}: {len(vec.vocabulary_)} features x {len(classes)} classes, "
          f"{kept} weights of |w| > {min_weight} over {len(weights)} features, "
          f"{path.stat().st_size / 1e6:.2f} MB")


def product_check(model: Any, prepared: dict[str, Prepared], looked: set[str]) -> None:
    """The product path (``pii.find`` with the shipped typer) against the study's re-type
    decisions from ``model`` (scikit-learn): items whose number spans differ, and the product's
    figures on the looked-at sets (in-sample: the shipped model trained on them) and the
    kept-back splits (aggregates only)."""
    groups: dict[str, Totals] = {"looked at": Totals(), "kept back": Totals()}
    differ = {"looked at": 0, "kept back": 0}
    count = {"looked at": 0, "kept back": 0}
    for letter, prep in prepared.items():
        group = "looked at" if letter in looked else "kept back"
        scored = predict(model, prep)
        typed = typer_spans(scored, len(prep.items), SHIPPED)
        study = combined(prep, scored, typed, True)
        product = [[(sp.type, sp.start, sp.end) for sp in pii.find(item["text"])
                    if sp.type in NUMBER_TYPES] for item in prep.items]
        differ[group] += sum(sorted(a) != sorted(b) for a, b in zip(study, product, strict=True))
        count[group] += len(prep.items)
        groups[group].add({"retype": _score(prep.items, study),
                           "masker": _score(prep.items, prep.masker),
                           "typer": _score(prep.items, product)})
    for group, tot in groups.items():
        print(f"| {group} | rules {tot.cell('masker')} | study re-type {tot.cell('retype')} | "
              f"product {tot.cell('typer')} | items differing {differ[group]}/{count[group]} |")


def evaluate(model: Any, prepared: Prepared, threshold: float
             ) -> dict[str, dict[str, dict[str, float]]]:
    scored = predict(model, prepared)
    typed = typer_spans(scored, len(prepared.items), threshold)
    return {"masker": _score(prepared.items, prepared.masker),
            "typer": _score(prepared.items, typed),
            "union": _score(prepared.items, combined(prepared, scored, typed, False)),
            "retype": _score(prepared.items, combined(prepared, scored, typed, True))}


def _cell(c: dict[str, float]) -> str:
    return f"{c['recall']:.3f} ({c['masked']:.3f}; {int(c['false_masks'])})"


class Totals:
    def __init__(self) -> None:
        self.c: Counter[str] = Counter()

    def add(self, res: dict[str, dict[str, dict[str, float]]]) -> None:
        for col, scores in res.items():
            for kind in (*NUMBER_TYPES, "numbers"):
                cell = scores[kind]
                self.c[f"{col}/{kind}/n"] += int(cell["n"])
                self.c[f"{col}/{kind}/tp"] += round(cell["recall"] * cell["n"])
                self.c[f"{col}/{kind}/any"] += round(cell["masked"] * cell["n"])
                self.c[f"{col}/{kind}/fm"] += int(cell["false_masks"])

    def cell(self, col: str, kind: str = "numbers") -> str:
        n = max(1, self.c[f"{col}/{kind}/n"])
        return (f"{self.c[f'{col}/{kind}/tp'] / n:.3f} ({self.c[f'{col}/{kind}/any'] / n:.3f}; "
                f"{self.c[f'{col}/{kind}/fm']})")


def _row(name: str, n: int, res: dict[str, dict[str, dict[str, float]]]) -> str:
    return f"| {name} | {n} | " + " | ".join(_cell(res[c]["numbers"]) for c in COLUMNS) + " |"


def _looked_and_kept() -> tuple[dict[str, str], dict[str, str]]:
    looked = {letter: name for letter, name in HOLDOUTS.items() if name not in KEPT_BACK}
    looked = {"tune": "pii_v2_tune.jsonl", **looked}
    for name in LABELLED:
        if name.startswith("pii_labelled"):
            looked[name.removesuffix(".jsonl")] = name
    looked.update(SCORED)
    kept = {letter: name for letter, name in HOLDOUTS.items() if name in KEPT_BACK}
    return looked, kept


def ship(check: bool) -> None:
    """The shipped model: the study's (d) settings (C, real-text negatives), trained on every
    looked-at set; its weights written; with ``check`` the product path compared."""
    looked, kept = _looked_and_kept()
    sets = {**looked, **kept} if check else looked
    prepared = {letter: Prepared(load(name)) for letter, name in sets.items()}
    background = [(-1, span, x, y) for _, span, x, y in real_prepared(0).examples]
    full = fit([x for letter, p in prepared.items() if letter in looked for x in p.examples]
               + background)
    write_weights(full)
    if check:
        from dasan.text import pii_number_typer

        pii_number_typer.model.cache_clear()
        product_check(full, prepared, set(looked))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="a learnt number typer, leave-one-set-out")
    parser.add_argument("--real-text", action="store_true",
                        help="count the spans the typer adds to the masker's on real text")
    parser.add_argument("--real-negatives", action="store_true",
                        help="train on every other real text too, labelled by the masker "
                             "(the others are counted by --real-text)")
    parser.add_argument("--C", type=float, default=SETTINGS["C"],
                        help="inverse regularisation strength")
    parser.add_argument("--write", action="store_true",
                        help="train the shipped model (every looked-at set + real-text "
                             "negatives) and write src/dasan/text/pii_number_typer.json")
    parser.add_argument("--product", action="store_true",
                        help="with --write: the product path against the study's decisions "
                             "(looked-at and kept-back sets, aggregates only)")
    args = parser.parse_args(argv)
    SETTINGS["C"] = args.C
    if args.write:
        ship(args.product)
        return
    t0 = time.perf_counter()
    looked, kept = _looked_and_kept()
    prepared = {letter: Prepared(load(name)) for letter, name in {**looked, **kept}.items()}
    prep_s = time.perf_counter() - t0
    background: list[Example] = []
    if args.real_negatives:
        background = [(-1, span, x, y) for _, span, x, y in real_prepared(0).examples]
        print(f"{len(background)} real-text candidates train (labelled by the masker)")
    n_msgs = sum(len(p.items) for p in prepared.values())
    n_ex = sum(len(p.examples) for p in prepared.values())
    cov_n = sum(p.gold_n for letter, p in prepared.items() if letter in looked)
    cov = sum(p.gold_covered for letter, p in prepared.items() if letter in looked)
    print(f"{n_msgs} messages, {n_ex} candidates; prepared in {prep_s:.1f} s "
          f"(masker + candidates + features: {1e3 * prep_s / n_msgs:.2f} ms a message); "
          f"candidate recall over the looked-at sets {cov}/{cov_n} = {cov / max(1, cov_n):.3f}")
    header = "| Left out | numbers | " + " | ".join(COLUMNS) + " |"
    print("\nTyped recall (masked as any type; false masks), threshold", SHIPPED)
    print(header)
    print("|---|---|" + "---|" * len(COLUMNS))
    totals = {t: Totals() for t in THRESHOLDS}
    for letter in looked:
        train = [x for other, p in prepared.items() if other in looked and other != letter
                 for x in p.examples]
        model = fit(train + background)
        for t in THRESHOLDS:
            res = evaluate(model, prepared[letter], t)
            totals[t].add(res)
            if t == SHIPPED:
                print(_row(letter, prepared[letter].gold_n, res), flush=True)
    full = fit([x for other, p in prepared.items() if other in looked for x in p.examples]
               + background)
    kept_totals = {t: Totals() for t in THRESHOLDS}
    for letter in kept:
        for t in THRESHOLDS:
            res = evaluate(full, prepared[letter], t)
            kept_totals[t].add(res)
            if t == SHIPPED:
                print(_row(letter + " (kept)", prepared[letter].gold_n, res), flush=True)
    print("\nTotals per threshold (typed recall (masked; false masks))")
    for t in THRESHOLDS:
        for group, tot in (("looked at", totals[t]), ("kept back", kept_totals[t])):
            print(f"| {group}, {t} | " + " | ".join(tot.cell(c) for c in COLUMNS) + " |")
    print("\nPer kind, looked-at sets left out, threshold", SHIPPED)
    for kind in NUMBER_TYPES:
        print(f"| {kind} | " + " | ".join(totals[SHIPPED].cell(c, kind) for c in COLUMNS) + " |")
    print("\nPer kind, kept-back splits, threshold", SHIPPED)
    for kind in NUMBER_TYPES:
        print(f"| {kind} | " + " | ".join(kept_totals[SHIPPED].cell(c, kind)
                                          for c in COLUMNS) + " |")
    vec, clf = full.steps[0][1], full.steps[1][1]
    print(f"\nmodel on every looked-at set: {len(vec.vocabulary_)} features x "
          f"{len(clf.classes_)} classes")
    sample = prepared["X1"]
    start = time.perf_counter()
    for i, item in enumerate(sample.items):
        text = item["text"]
        cands = candidates(text, sample.masker[i])
        xs = [features(text, *span, src) for span, src in cands.items()]
        if xs:
            full.predict_proba(xs)
    per = 1e6 * (time.perf_counter() - start) / len(sample.items)
    print(f"typer cost on X1 (candidates + features + scikit-learn predict, masker excluded): "
          f"{per:.0f} us a message")
    if args.real_text:
        real_text(full, real_prepared(1))


if __name__ == "__main__":
    main()
