"""Time the first `dasan demo`'s knowledge index on a cold embedding cache.

Imports the seed FAQ (../shared/data, as `dasan demo` does: the editors' variants and gists)
into a scratch SQLite database, then builds the live index as the demo does, with an empty
passage cache in a scratch folder, and prints the wall time, the CPU time (this process and
its encoding workers) and the load. ``--workers 1`` embeds in this process (as before the
pool), ``0`` on one worker per core. ``--sample N`` embeds only N of the demo's passages
(random, seeded) instead of building the whole index.

Run: ``uv run --frozen python scripts/cold_index_time.py [--workers N] [--sample N]``
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=0, help="0: one per core; 1: in process")
    ap.add_argument("--sample", type=int, default=0, help="embed only this many passages")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dasan-cold-index-") as tmp:
        run(Path(tmp), args.workers, args.sample)


def run(tmp: Path, workers: int, sample: int) -> None:
    os.environ["DASAN_DATABASE_URL"] = f"sqlite:///{tmp / 'demo.db'}"
    os.environ["DASAN_EMBEDDER_WORKERS"] = str(workers)
    from dasan import config

    config.get_settings.cache_clear()
    from dasan.db.migrate import upgrade
    from dasan.db.session import session_scope
    from dasan.demo import seed_org, seed_people
    from dasan.knowledge.embeddings import EmbeddingCache, default_embedder
    from dasan.knowledge.importer import import_seed_faq
    from dasan.knowledge.live import LiveIndex
    from dasan.knowledge.search import ANSWER_DENSE_CHARS, IndexConfig

    upgrade()
    with session_scope() as s:
        seed_org(s)
        seed_people(s)
    with session_scope() as s:
        print(f"knowledge base: {import_seed_faq(s, config.get_settings().shared_data)}")
    live = LiveIndex(cache_path=tmp / "search-embeddings.npz")
    default_embedder()  # loaded before the clock starts, as the demo's first search would
    load = os.getloadavg()
    wall, cpu = time.perf_counter(), cpu_seconds()
    with session_scope() as s:
        if sample:
            docs = live._docs(s)
            cfg = IndexConfig(answer_dense_chars=ANSWER_DENSE_CHARS)
            texts = sorted({p for d in docs for p in (d.answer_passage(cfg.answer_dense_chars),
                                                      *d.passages(cfg.dense_answer_chars))})
            picked = random.Random(19).sample(texts, min(sample, len(texts)))
            n = len(EmbeddingCache(default_embedder()).passages(picked))
            what = f"{n:,} of the demo's {len(texts):,} passages"
        else:
            what = f"the index of {len(live.sync(s)):,} entries"
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    end = os.getloadavg()
    print(f"cold cache, --workers {workers}: {what} in {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"(load average {load[0]:.2f} before, {end[0]:.2f} after, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
