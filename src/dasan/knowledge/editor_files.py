"""Reading the editors' JSON Lines files (question variants, answer gists): one line per entry
and language, ``{"id": ..., "lang": ..., ...}``. The parts every kind shares live here; each
kind (:mod:`dasan.knowledge.editor_variants`, :mod:`dasan.knowledge.editor_gists`) parses its
own payload. A bad line is refused with its file and line number; nothing is half-read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any, Protocol, TypeVar


class _Row(Protocol):
    @property
    def lang(self) -> str: ...


RowT = TypeVar("RowT", bound=_Row)


def line_object(line: str, where: str) -> dict[str, Any]:
    """One JSON line as an object; ``ValueError`` naming ``where`` when it is not one."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise ValueError(f"{where}: expected an object")
    return row


def entry_id(row: dict[str, Any], where: str) -> str:
    """The line's entry id (a string or a number), stripped."""
    value = row.get("id")
    if not isinstance(value, str | int) or not str(value).strip():
        raise ValueError(f"{where}: no id")
    return str(value).strip()


def language(row: dict[str, Any], where: str, langs: Collection[str],
             default: str | None = None) -> str:
    """The line's ``lang``, one of ``langs`` (``default`` when absent)."""
    lang = row.get("lang", default)
    if lang not in langs:
        raise ValueError(f"{where}: unknown language {lang!r} (one of {', '.join(langs)})")
    return str(lang)


def read_file(path: Path, parse: Callable[[str, str], RowT]) -> list[RowT]:
    """Every row of one file (blank lines skipped), each parsed by ``parse(line, where)``."""
    text = path.read_text(encoding="utf-8")
    return [parse(line, f"{path.name}:{n}")
            for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def read_dir(directory: Path, parse: Callable[[str, str], RowT], all_langs: Collection[str],
             langs: Iterable[str] | None = None) -> list[RowT]:
    """The rows of every ``*.jsonl`` file in ``directory`` (sorted by name), keeping only
    ``langs`` (a subset of ``all_langs``) when given; no rows when the directory is absent."""
    wanted = set(langs) if langs is not None else None
    if wanted is not None and not wanted <= set(all_langs):
        raise ValueError(f"unknown language(s): {', '.join(sorted(wanted - set(all_langs)))}")
    if not directory.is_dir():
        return []
    rows = [r for p in sorted(directory.glob("*.jsonl")) for r in read_file(p, parse)]
    return [r for r in rows if wanted is None or r.lang in wanted]
