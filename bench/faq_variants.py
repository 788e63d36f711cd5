"""Editor-written question variants (유사질문) for the real Seoul 120 FAQ, for the benchmarks.

In the city's Standard Consultation DB the editors keep question variants on each entry, so
that citizens' own phrasings match it; the FAQ in ``../shared/data`` has titles only. The
project ships variants for every one of its 2,842 entries
(``src/dasan/knowledge/seed_variants/``, read by :mod:`dasan.knowledge.editor_variants`;
``dasan demo`` adds them to the entries it imports):

* Korean (``ko-part-*.jsonl``): two citizen-style variants per entry (a plain question, a
  keyword or situation query), written in the twelfth session by three writers acting as
  editors; ``ko2-part-*.jsonl``: two more per entry (a question on one thing the answer
  tells, and a situation-first question), written in the thirteenth session by three other
  writers who did not read the first ones;
* en/zh/ja/vi/mn (``i18n-<lang>.jsonl``): one question per entry in each language, written in
  the thirteenth session by five writers, one per language, from the title;
  ``i18n2-<lang>.jsonl``: a second one per entry, written in the fourteenth session by five
  other writers from what the answer covers (half on one thing it tells, half
  situation-first).

Every writer worked from each entry's title and answer, without reading the search code or any
question set under ``bench/data``. They were the same kind of writer as the blind hold-outs'
(C, crosslingual B), so a gain measured with these variants may be larger than one on real
citizens' questions would be; the benches report the search with and without them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from dasan.knowledge.editor_variants import SEED_VARIANTS_DIR as VARIANTS_DIR
from dasan.knowledge.editor_variants import by_entry, merged, read_dir
from dasan.knowledge.search import SearchDoc
from dasan.knowledge.service import MAX_QUESTION_VARIANTS

__all__ = ["VARIANTS_DIR", "load_gists", "load_variants", "with_gists", "with_variants"]


def load_variants(langs: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Entry id (the FAQ's own) -> its editor variants in ``langs`` (all when None); empty
    when the files are absent."""
    return by_entry(read_dir(VARIANTS_DIR, langs))


def with_variants(docs: Sequence[SearchDoc], variants: dict[str, tuple[str, ...]],
                  prefix: str = "") -> list[SearchDoc]:
    """The documents with the editors' variants added after their own, exactly as the product
    imports them (:func:`dasan.knowledge.importer.import_records` through
    :func:`~dasan.knowledge.editor_variants.merged`): a variant equal to the title or to an
    earlier one is dropped, and an entry keeps at most ``MAX_QUESTION_VARIANTS``."""
    out = []
    for d in docs:
        extra = variants.get(str(d.id).removeprefix(prefix), ())
        if not extra:
            out.append(d)
            continue
        kept = merged(d.question_variants, extra, d.title, MAX_QUESTION_VARIANTS)
        out.append(replace(d, question_variants=tuple(kept)))
    return out


def load_gists(langs: Iterable[str] | None = None) -> dict[str, dict[str, str]]:
    """Entry id (the FAQ's own) -> {language: the editors' gist of its answer}
    (``src/dasan/knowledge/seed_gists/``, :mod:`dasan.knowledge.editor_gists`); empty when
    no gist file is shipped."""
    from dasan.knowledge.editor_gists import SEED_GISTS_DIR, by_entry
    from dasan.knowledge.editor_gists import read_dir as read_gists

    return by_entry(read_gists(SEED_GISTS_DIR, langs))


def with_gists(docs: Sequence[SearchDoc], gists: dict[str, dict[str, str]],
               prefix: str = "") -> list[SearchDoc]:
    """The documents with the editors' gists of their answers, as the seed import stores them
    and the live index reads them (:func:`dasan.knowledge.live.to_doc`)."""
    return [replace(d, gists=tuple(gists.get(str(d.id).removeprefix(prefix), {}).values()),
                    gist_languages=tuple(gists.get(str(d.id).removeprefix(prefix), {}).keys()))
            for d in docs]
