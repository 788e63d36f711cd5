"""Gists of the answers kept by editors in the residents' languages, read from files.

A knowledge entry's answer is written in Korean. For residents who do not read Korean, editors
keep a gist of it in their language: one to three sentences on what the answer tells
(subject, who, how much, where, when). A gist file is JSON Lines, one entry per line::

    {"id": "<the entry's id in its source>", "lang": "vi", "gist": "..."}

``lang`` is one of :data:`GIST_LANGS`. A bad line is refused with its file and line number;
nothing is half-read.

The project ships such files for the real Seoul 120 FAQ that ``dasan demo`` seeds
(``seed_gists/gist-<lang>.jsonl``, ids of ``civilappeal_data.csv``), written by editors who
saw each entry's title and answer only (not the search code, not any question set).
:func:`dasan.knowledge.importer.import_seed_faq` stores them on the entries it imports
(``KbEntry.gists``, language -> gist); the search embeds each gist as a passage of its entry
and reads its words with the foreign-word scorer (a Korean question never meets it:
``search.IndexConfig.korean_passages``), and the written bot shows the citizen the gist in
their language beside the Korean answer when no translation engine is configured.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dasan.knowledge import editor_files

GIST_LANGS = ("en", "zh", "ja", "vi", "mn")
SEED_GISTS_DIR = Path(__file__).parent / "seed_gists"
SEED_SOURCE = "civilappeal"  # the seed FAQ whose ids the shipped files use
MAX_GIST_CHARS = 1000


@dataclass(frozen=True)
class GistRow:
    """One line of a gist file."""

    entry_id: str
    lang: str
    gist: str


def parse_line(line: str, where: str) -> GistRow:
    """One JSON line as a :class:`GistRow`; ``ValueError`` naming ``where`` when bad."""
    row = editor_files.line_object(line, where)
    entry_id = editor_files.entry_id(row, where)
    lang = editor_files.language(row, where, GIST_LANGS)
    gist = row.get("gist")
    if not isinstance(gist, str) or not gist.strip():
        raise ValueError(f"{where}: no gist")
    gist = " ".join(gist.split())
    if len(gist) > MAX_GIST_CHARS:
        raise ValueError(f"{where}: the gist is longer than {MAX_GIST_CHARS} characters")
    return GistRow(entry_id, lang, gist)


def read_file(path: Path) -> list[GistRow]:
    """Every row of one gist file (blank lines skipped)."""
    return editor_files.read_file(path, parse_line)


def read_dir(directory: Path, langs: Iterable[str] | None = None) -> list[GistRow]:
    """The rows of every ``*.jsonl`` file in ``directory`` (sorted by name), keeping only
    ``langs`` when given; no rows when the directory is absent."""
    return editor_files.read_dir(directory, parse_line, GIST_LANGS, langs)


def by_entry(rows: Iterable[GistRow]) -> dict[str, dict[str, str]]:
    """Entry id -> {language: gist} (a later row for the same entry and language wins),
    languages in :data:`GIST_LANGS` order."""
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        out.setdefault(row.entry_id, {})[row.lang] = row.gist
    order = {lang: i for i, lang in enumerate(GIST_LANGS)}
    return {k: dict(sorted(v.items(), key=lambda kv: order[kv[0]])) for k, v in out.items()}


def seed_gists(langs: Iterable[str] | None = None,
               directory: Path = SEED_GISTS_DIR) -> dict[str, dict[str, str]]:
    """The shipped gists of the seed FAQ, keyed by the entry's external id
    (``civilappeal:<id>``), as :func:`dasan.knowledge.importer.import_records` stores it."""
    return {f"{SEED_SOURCE}:{k}": v for k, v in by_entry(read_dir(directory, langs)).items()}


def clean_gists(gists: Mapping[str, str] | None) -> dict[str, str]:
    """An entry's gists as stored: known languages only, whitespace collapsed, empty ones
    dropped (``ValueError`` for an unknown language or an over-long gist)."""
    out: dict[str, str] = {}
    for lang, text in (gists or {}).items():
        if lang not in GIST_LANGS:
            raise ValueError(f"unknown gist language {lang!r} (one of {', '.join(GIST_LANGS)})")
        if not isinstance(text, str):
            raise ValueError(f"the {lang} gist must be a string")
        text = " ".join(text.split())
        if len(text) > MAX_GIST_CHARS:
            raise ValueError(f"the {lang} gist is longer than {MAX_GIST_CHARS} characters")
        if text:
            out[lang] = text
    return out
