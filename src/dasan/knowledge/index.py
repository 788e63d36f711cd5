"""Glue between knowledge-base entries and the search index.

``build_index(entries)`` turns KB entries (``dasan.db.models.KbEntry`` or anything with the
same attributes) into a :class:`~dasan.knowledge.search.SearchIndex` whose passage vectors
are cached on disk under ``var/cache/`` (keyed by a hash of the text), so a server restart
embeds only what changed since the last save. ``sync_entry`` keeps the index in step with an
edit in the KB editor. Callers that answer citizens should search with
``status="published"`` and ``valid_on=date.today()``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from dasan.config import PROJECT_ROOT
from dasan.knowledge.embeddings import EmbeddingCache, default_embedder
from dasan.knowledge.search import SearchDoc, SearchIndex

DEFAULT_CACHE_PATH = PROJECT_ROOT / "var" / "cache" / "search-embeddings.npz"


class EntryLike(Protocol):
    id: Any
    title: str
    question_variants: Any
    answer: str
    category: str | None
    status: str
    valid_from: date | None
    valid_to: date | None


def owner_key(entry: object) -> str | None:
    """The owner filter value of an entry: its agency code when loaded, else the agency id."""
    owner = getattr(entry, "owner", None)
    code = getattr(owner, "code", None) if owner is not None else None
    if code:
        return str(code)
    agency_id = getattr(entry, "owner_agency_id", None)
    return None if agency_id is None else str(agency_id)


def doc_from_entry(entry: EntryLike) -> SearchDoc:
    """The :class:`SearchDoc` of a KB entry; ValueError when the entry has no title."""
    variants = entry.question_variants or ()
    if isinstance(variants, str):
        variants = (variants,)
    return SearchDoc(
        id=entry.id,
        title=entry.title,
        question_variants=tuple(str(v) for v in variants if str(v).strip()),
        answer=entry.answer or "",
        category=entry.category,
        owner=owner_key(entry),
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        status=entry.status,
    )


_caches: dict[Path, EmbeddingCache] = {}
_caches_lock = threading.Lock()


def shared_cache(path: Path | str = DEFAULT_CACHE_PATH) -> EmbeddingCache:
    """One embedding cache per file per process (a corrupt file is ignored and rebuilt)."""
    p = Path(path).resolve()
    with _caches_lock:
        cache = _caches.get(p)
        if cache is None:
            try:
                cache = EmbeddingCache(default_embedder(), p)
            except ValueError:
                p.unlink(missing_ok=True)
                cache = EmbeddingCache(default_embedder(), p)
            _caches[p] = cache
        return cache


def build_index(
    entries: Iterable[EntryLike],
    *,
    use_dense: bool = True,
    cache_path: Path | str | None = DEFAULT_CACHE_PATH,
) -> SearchIndex:
    """A built search index over ``entries``; new passage vectors are saved to ``cache_path``
    (None: keep them in memory only)."""
    docs = [doc_from_entry(e) for e in entries]
    if not use_dense:
        index = SearchIndex(docs, use_dense=False)
        index.build()
        return index
    cache = shared_cache(cache_path) if cache_path is not None else EmbeddingCache(
        default_embedder()
    )
    index = SearchIndex(docs, cache=cache)
    index.build()
    cache.save_if_changed()
    return index


def sync_entry(index: SearchIndex, entry: EntryLike, deleted: bool = False) -> None:
    """Apply one KB edit: upsert the entry, or drop it when ``deleted`` (no error if absent)."""
    if deleted:
        if entry.id in index:
            index.remove(entry.id)
        return
    index.upsert(doc_from_entry(entry))
