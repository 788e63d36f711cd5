"""Question variants (유사질문) kept by editors, read from files and added to entries.

The city's Standard Consultation DB keeps, on each entry, other wordings of its question so
that citizens' own phrasings find it, in Korean and, for foreign residents, in their languages.
A variant file is JSON Lines, one entry per line::

    {"id": "<the entry's id in its source>", "lang": "en", "variants": ["...", ...]}

``lang`` (``ko`` when absent) is one of :data:`LANGS`. A bad line is refused with its file
and line number; nothing is half-read.

The project ships such files for the real Seoul 120 FAQ that ``dasan demo`` seeds from
``../shared/data`` (``seed_variants/``, ids of ``civilappeal_data.csv``): four Korean variants
per entry (``ko-part-*``: a plain question and a keyword query, from the title; ``ko2-part-*``:
a question on one thing the answer tells and a situation-first question, by a second editor)
and two questions in each of en/zh/ja/vi/mn (``i18n-*``: one from the title; ``i18n2-*``: one
from what the answer covers, half on one thing it tells, half situation-first, by five other
writers), written by the project acting as the editors (from each entry's title and answer,
without reading the search code or any question set). Files are read in name order, so an
entry's ``i18n-`` question comes before its ``i18n2-`` one.
:func:`dasan.knowledge.importer.import_seed_faq` adds them to the entries it imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dasan.knowledge import editor_files

LANGS = ("ko", "en", "zh", "ja", "vi", "mn")
SEED_VARIANTS_DIR = Path(__file__).parent / "seed_variants"
SEED_SOURCE = "civilappeal"  # the seed FAQ whose ids the shipped files use
MAX_VARIANT_CHARS = 300


@dataclass(frozen=True)
class VariantRow:
    """One line of a variant file: an entry's id, the variants' language and the variants."""

    entry_id: str
    lang: str
    variants: tuple[str, ...]


def parse_line(line: str, where: str) -> VariantRow:
    """One JSON line as a :class:`VariantRow`; ``ValueError`` naming ``where`` when bad."""
    row = editor_files.line_object(line, where)
    entry_id = editor_files.entry_id(row, where)
    lang = editor_files.language(row, where, LANGS, default="ko")
    raw = row.get("variants")
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise ValueError(f"{where}: variants must be a list of strings")
    variants = tuple(dict.fromkeys(" ".join(v.split()) for v in raw if v.strip()))
    if not variants:
        raise ValueError(f"{where}: no variants")
    if any(len(v) > MAX_VARIANT_CHARS for v in variants):
        raise ValueError(f"{where}: a variant is longer than {MAX_VARIANT_CHARS} characters")
    return VariantRow(entry_id, lang, variants)


def read_file(path: Path) -> list[VariantRow]:
    """Every row of one variant file (blank lines skipped)."""
    return editor_files.read_file(path, parse_line)


def read_dir(directory: Path, langs: Iterable[str] | None = None) -> list[VariantRow]:
    """The rows of every ``*.jsonl`` file in ``directory`` (sorted by name), keeping only
    ``langs`` when given; no rows when the directory is absent."""
    return editor_files.read_dir(directory, parse_line, LANGS, langs)


def by_entry(rows: Iterable[VariantRow]) -> dict[str, tuple[str, ...]]:
    """Entry id -> its variants: Korean first, then the other languages in :data:`LANGS`
    order (rows of one language in file order), each once."""
    order = {lang: i for i, lang in enumerate(LANGS)}
    grouped: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {}
    for n, row in enumerate(rows):
        grouped.setdefault(row.entry_id, []).append((order[row.lang], n, row.variants))
    return {k: tuple(dict.fromkeys(v for _o, _n, vs in sorted(vals) for v in vs))
            for k, vals in grouped.items()}


def seed_variants(langs: Iterable[str] | None = None,
                  directory: Path = SEED_VARIANTS_DIR) -> dict[str, tuple[str, ...]]:
    """The shipped variants of the seed FAQ, keyed by the entry's external id
    (``civilappeal:<id>``), as :func:`dasan.knowledge.importer.import_records` stores it."""
    return {f"{SEED_SOURCE}:{k}": v for k, v in by_entry(read_dir(directory, langs)).items()}


def merged(own: Iterable[str], extra: Iterable[str], title: str, limit: int) -> list[str]:
    """An entry's own variants, then the extra ones it lacks (none equal to its title), at
    most ``limit`` in all."""
    seen = {" ".join(title.split())}
    out: list[str] = []
    for v in (*own, *extra):
        key = " ".join(v.split())
        if key and key not in seen:
            seen.add(key)
            out.append(v)
    return out[:limit]
