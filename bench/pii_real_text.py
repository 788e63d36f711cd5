"""Spans the PII masker finds on real Korean text that has (almost) no personal data.

Run: ``uv run --frozen python -m bench.pii_real_text [--show TYPE] [--dump FILE] [--typer]``.

Reads the 120 FAQ and complaint answers, the Seoul 120 text book, the chatbot set, paraKQC and
KorSTS from ``../shared/data`` and counts the spans ``pii.find`` returns per type: on this text
nearly every number span is a false mask, so a rise after a change is a look-alike the change
took. ``--dump`` writes every span (source line index, type, text) to compare two runs.
``--typer`` counts the number spans with and without the learnt number typer and prints each
span it adds or re-types (``pii.find(..., number_typer=False)`` gives the rules alone).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from dasan.config import PROJECT_ROOT
from dasan.text import pii

SHARED = PROJECT_ROOT.parent / "shared" / "data"


def _csv_cells(path: Path, columns: Sequence[str]) -> Iterator[str]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            for col in columns:
                if row.get(col):
                    yield row[col]


def _tsv_column(path: Path, index: int, skip_header: bool) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if skip_header and i == 0:
                continue
            cells = line.rstrip("\n").split("\t")
            if len(cells) > index and cells[index]:
                yield cells[index]


def texts() -> Iterator[tuple[str, str]]:
    faq = SHARED / "seoul120-faq-opengov"
    for name, cols in (("civilappeal_data.csv", ("질문", "본문")),
                       ("complaint_data.csv", ("질문", "본문")),
                       ("geumcheon_gu_minwon_faq.csv", ("질문", "내용"))):
        for cell in _csv_cells(faq / name, cols):
            yield name, cell
    for cell in _csv_cells(SHARED / "seoul120-text-pytextbook" / "seoul-120-text.csv",
                           ("제목", "내용")):
        yield "seoul-120-text", cell
    for cell in _csv_cells(SHARED / "chatbot-data-songys" / "ChatbotData.csv", ("Q", "A")):
        yield "chatbot", cell
    yield from (("paraKQC", t) for t in _tsv_column(SHARED / "parakqc" / "paraKQC_v1.txt", 2,
                                                     False))
    for part in ("sts-train.tsv", "sts-dev.tsv", "sts-test.tsv"):
        path = SHARED / "korsts-kakaobrain" / part
        for col in (5, 6):
            yield from (("KorSTS", t) for t in _tsv_column(path, col, True))


def typer_changes() -> None:
    """Number spans of the rules alone and of the product, and each one the typer changed."""
    rules_n = product_n = 0
    changes = []
    for source, text in texts():
        rules = {(s.start, s.end): s.type for s in pii.find(text, number_typer=False)
                 if s.type in pii.NUMBER_TYPES}
        product = {(s.start, s.end): s.type for s in pii.find(text) if s.type in pii.NUMBER_TYPES}
        rules_n += len(rules)
        product_n += len(product)
        for (s, e), kind in product.items():
            if rules.get((s, e)) != kind:
                was = rules.get((s, e), "added")
                changes.append(f"{was:>16} -> {kind:16} {text[s:e]!r:30} ({source})")
        changes += [f"{'removed':>16}    {kind:16} {text[s:e]!r:30} ({source})"
                    for (s, e), kind in rules.items() if (s, e) not in product]
    print(f"number spans: rules {rules_n}, with the typer {product_n}; changed {len(changes)}")
    print("\n".join(changes))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="append", default=[], help="print spans of a type")
    parser.add_argument("--dump", type=Path, help="write every span to this file")
    parser.add_argument("--typer", action="store_true",
                        help="the number spans the learnt typer adds or re-types")
    args = parser.parse_args(argv)
    if args.typer:
        typer_changes()
        return
    counts: Counter[str] = Counter()
    lines = 0
    dump = []
    for i, (source, text) in enumerate(texts()):
        lines += 1
        for span in pii.find(text):
            counts[span.type] += 1
            value = text[span.start:span.end]
            dump.append(f"{i}\t{source}\t{span.type}\t{value}")
            if span.type in args.show:
                print(f"{span.type:16} {value!r:40} {text[max(0, span.start - 30):span.end + 30]!r}")
    print(f"{lines} texts; spans: " + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))
    if args.dump:
        args.dump.write_text("\n".join(dump) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
