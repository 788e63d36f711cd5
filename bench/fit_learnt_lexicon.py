"""Learn the foreign -> Korean translation table from the editors' gists, score it, write it.

The parallel text: every seed FAQ entry's gist in en/zh/ja/vi/mn (``seed_gists/``) beside the
entry's Korean title and the start of its answer (``KOREAN_CHARS``; the gists were written from
about that much). ``dasan.channels.translation.learnt.learn`` builds one table a language
(log-likelihood association, a soft competitive linking); the rewrite of a foreign question
(``lexicon.korean_terms``) adds the question's learnt terms after the hand lexicon's.

``--part score`` (the default) searches every question of the five tune splits and of hold-out
J (``bench_channels.TUNE_SPLITS`` + ``holdout_j``, tune data since the lead scored it; no other
hold-out is read) as the product does (the rewrite as the lexical query, the encoder on the
question, ``CROSSLINGUAL``, the shipped foreign re-ranker over the fused top 5), once without
the learnt terms (the product now) and once with each table of a small grid of the learner's
settings; the setting is chosen out of fold by entry (5 folds x 5 repeats: the grid's best
hit@1 on four folds scores the fifth; an entry's questions in every language held out together)
and printed beside the product from the same run, per language and per split, with BM25 alone
on the Korean terms per language before and after. ``--leave-out``: the same, with the tables
learnt without the gists of the questioned entries (every entry of those splits).

``--part write`` learns the table with ``--setting`` (default: the shipped one, ``SHIPPED``) from
every shipped gist and writes ``src/dasan/channels/translation/learnt_lexicon.tsv``.

    uv run --frozen python -m bench.fit_learnt_lexicon [--part score|write] [--leave-out]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from dasan.config import PROJECT_ROOT

KOREAN_CHARS = 420
VECS = PROJECT_ROOT / "var" / "cache" / "fit_learnt_lexicon_queries.npz"
SCORED_SPLITS = ("tune", "tune_b", "tune_c", "tune_e", "tune_g", "holdout_j")
# (min_pairs, per_word, mutual, min_llr)
Setting = tuple[int, int, int, float]
SHIPPED: Setting = (3, 2, 3, 10.0)
GRID: tuple[Setting, ...] = (
    (3, 1, 3, 10.0), (3, 2, 3, 10.0), (3, 2, 10, 10.0), (5, 2, 3, 10.0), (2, 2, 3, 10.0),
    (3, 3, 3, 10.0), (3, 1, 1, 10.0), (3, 2, 3, 20.0),
)


def parallel(exclude: Collection[str] = frozenset()
             ) -> dict[str, list[tuple[list[str], list[str]]]]:
    """Language -> (foreign words of the gist, Korean words of the entry) of every seed entry
    with a gist in that language, the entries of ``exclude`` left out; in file order."""
    from dasan.channels.translation.learnt import source_words, target_words
    from dasan.config import default_shared_data
    from dasan.knowledge.editor_gists import SEED_GISTS_DIR, by_entry, read_dir
    from dasan.knowledge.faq_source import load_civilappeal
    from dasan.text.korean import tokens_batch

    path = default_shared_data() / "seoul120-faq-opengov" / "civilappeal_data.csv"
    records = [r for r in load_civilappeal(path) if r.external_id not in exclude]
    gists = by_entry(read_dir(SEED_GISTS_DIR))
    korean = tokens_batch([f"{r.title}\n{r.answer[:KOREAN_CHARS]}" for r in records])
    out: dict[str, list[tuple[list[str], list[str]]]] = {}
    for r, ko in zip(records, korean, strict=True):
        for lang, gist in gists.get(r.external_id, {}).items():
            out.setdefault(lang, []).append((source_words(gist, lang), target_words(ko)))
    return out


_ASSOC: dict[tuple[int, int], dict[str, list[tuple[str, str, float]]]] = {}


def tables(data: dict[str, list[tuple[list[str], list[str]]]], setting: Setting
           ) -> dict[str, dict[str, tuple[str, ...]]]:
    """One table a language (the associations of each ``data`` and min_pairs computed once)."""
    from dasan.channels.translation.learnt import associations, select

    mp, pw, mu, llr = setting
    key = (id(data), mp)
    if key not in _ASSOC:
        _ASSOC[key] = {lang: associations(pairs, mp) for lang, pairs in sorted(data.items())}
    return {lang: select(a, per_word=pw, mutual=mu, min_llr=llr)
            for lang, a in _ASSOC[key].items()}


def questions() -> list[tuple[str, str, str, str]]:
    """(split, language, question, entry id) of the scored splits only."""
    from bench.bench_channels import LANGS, crosslingual_rows

    return [(r["split"], lang, r[lang], r["id"]) for r in crosslingual_rows()
            if r["split"] in SCORED_SPLITS for lang in LANGS]


def search_ranks(index: Any, queries: list[tuple[str, str, str, str]], rel: list[np.ndarray],
                 enc_c: list[Any], vecs: np.ndarray, table: Any) -> dict[str, np.ndarray]:
    """Each question's rank under the product (re-ranked), the fused order and BM25 alone on
    the Korean terms, the rewrite with ``table``'s learnt terms (None: without them)."""
    from bench.bench_channels import _lexical_components, foreign_ordered
    from bench.bench_search import rank_of
    from dasan.channels.translation.lexicon import korean_text
    from dasan.knowledge.search import CROSSLINGUAL, Components, fuse

    ids = list(index.ids)
    terms = [korean_text(q[2], q[1], learnt=table is not None, table=table) for q in queries]
    lex_c = _lexical_components(index, terms, vecs, [q[2] for q in queries])
    out: dict[str, list[int]] = {"product": [], "fused": [], "bm25 terms": []}
    for q, r, k, rl in zip(queries, enc_c, lex_c, rel, strict=True):
        f = fuse(Components(bm25=k.bm25, chars=k.chars, dense=r.dense, answer=k.answer,
                            foreign=k.foreign, answer_dense=r.answer_dense), CROSSLINGUAL)
        out["fused"].append(rank_of(f, rl))
        out["product"].append(rank_of(foreign_ordered(index, f, r.query_vector, q[1]), rl))
        out["bm25 terms"].append(rank_of(k.bm25, rl) if k.bm25.any() else len(ids) + 1)
    return {k: np.array(v) for k, v in out.items()}


def folds(entry: np.ndarray, seed: int) -> np.ndarray:
    ents = np.unique(entry)
    fold = dict(zip(np.random.default_rng(seed).permutation(ents), np.arange(len(ents)) % 5,
                    strict=True))
    return np.array([fold[e] for e in entry])


def out_of_fold(grid_ranks: np.ndarray, entry: np.ndarray, repeats: int = 5) -> np.ndarray:
    """(repeats, nq) ranks: each fold's questions ranked by the setting best on the others
    (hit@1, then hit@5)."""
    out = np.zeros((repeats, grid_ranks.shape[1]), dtype=int)
    for seed in range(repeats):
        f = folds(entry, seed)
        for k in range(5):
            tr = f != k
            best = int(np.argmax((grid_ranks[:, tr] == 1).sum(1) * 100000
                                 + (grid_ranks[:, tr] <= 5).sum(1)))
            out[seed, f == k] = grid_ranks[best, f == k]
    return out


def line(name: str, r: np.ndarray, split: np.ndarray, lang: np.ndarray) -> str:
    from bench.bench_channels import LANGS

    r = r if r.ndim == 2 else r[None, :]
    cells = [f"h@1 {(r == 1).mean():.4f} h@5 {(r <= 5).mean():.4f} |"]
    cells += [f"{lg} {(r[:, lang == lg] == 1).mean():.3f}/{(r[:, lang == lg] <= 5).mean():.3f}"
              for lg in LANGS]
    cells += ["|"] + [f"{s} {(r[:, split == s] == 1).mean():.3f}" for s in SCORED_SPLITS]
    return f"  {name:34s} " + " ".join(cells)


# the learnt terms as a scorer of their own: (weight of their bm25 over the titles and
# variants, weight of their bm25 over the answers), beside CROSSLINGUAL's (sum 3.55)
SCORER_WEIGHTS: tuple[tuple[float, float], ...] = (
    (0.1, 0.0), (0.2, 0.0), (0.0, 0.1), (0.0, 0.2), (0.1, 0.1), (0.2, 0.2), (0.3, 0.1),
)


def product_ranks(index: Any, queries: list[tuple[str, str, str, str]], enc_c: list[Any],
                  rel: list[np.ndarray], fused: list[np.ndarray]) -> dict[str, np.ndarray]:
    """The fused order's rank and the product's (the shipped re-ranker over the top 5)."""
    from bench.bench_channels import foreign_ordered
    from bench.bench_search import rank_of

    out: dict[str, list[int]] = {"product": [], "fused": []}
    for q, r, rl, f in zip(queries, enc_c, rel, fused, strict=True):
        out["fused"].append(rank_of(f, rl))
        out["product"].append(rank_of(foreign_ordered(index, f, r.query_vector, q[1]), rl))
    return {k: np.array(v) for k, v in out.items()}


def scorer_grid(index: Any, queries: list[tuple[str, str, str, str]], rel: list[np.ndarray],
                enc_c: list[Any], vecs: np.ndarray, table: Any,
                fused: list[np.ndarray]) -> dict[tuple[float, float], dict[str, np.ndarray]]:
    """The product with the learnt terms (those the lexicon did not give) as a scorer of their
    own, each of SCORER_WEIGHTS: ranks as :func:`product_ranks`, and BM25 alone on them."""
    from bench.bench_search import rank_of
    from dasan.channels.translation.lexicon import korean_terms
    from dasan.knowledge.search import CROSSLINGUAL, _minmax

    present = (CROSSLINGUAL.bm25 + CROSSLINGUAL.chars + CROSSLINGUAL.dense + CROSSLINGUAL.answer
               + CROSSLINGUAL.foreign + CROSSLINGUAL.answer_dense)
    mm_b, mm_a = [], []
    for q, v in zip(queries, vecs, strict=True):
        learnt = " ".join(t.ko for t in korean_terms(q[2], q[1], table=table)
                          if t.source == "learnt")
        if learnt:
            c = index.components(learnt, v, answer=True, dense_query=q[2])
            mm_b.append(_minmax(c.bm25.astype(np.float64), None))
            mm_a.append(_minmax(c.answer.astype(np.float64), None))
        else:
            mm_b.append(np.zeros(len(index.ids)))
            mm_a.append(np.zeros(len(index.ids)))
    out = {}
    for wb, wa in SCORER_WEIGHTS:
        new = [(present * f + wb * b + wa * a) / (present + wb + wa)
               for f, b, a in zip(fused, mm_b, mm_a, strict=True)]
        out[(wb, wa)] = product_ranks(index, queries, enc_c, rel, new)
    bm = [rank_of(b, rl) if b.any() else len(index.ids) + 1 for b, rl in zip(mm_b, rel,
                                                                             strict=True)]
    out[(0.0, 0.0)] = {"bm25 learnt": np.array(bm)}
    return out


def part_score(leave_out: bool, settings: Sequence[Setting], mode: str = "terms") -> None:
    from bench.bench_channels import LANGS
    from bench.bench_search import title_key
    from bench.fit_foreign import build_index
    from dasan.knowledge.foreign_rerank import shipped

    queries = questions()
    exclude = {q[3] for q in queries} if leave_out else set()
    t0 = time.perf_counter()
    data = parallel(exclude)
    print(f"  parallel text: {', '.join(f'{k} {len(v)}' for k, v in data.items())} pairs "
          f"({len(exclude)} questioned entries left out) in {time.perf_counter() - t0:.0f} s",
          flush=True)
    index, by_id = build_index(True, foreign_reranker=shipped())
    texts = [q[2] for q in queries]
    enc_texts = [index.for_encoder(q[2], q[1]) for q in queries]
    key = hashlib.sha256(json.dumps([texts, enc_texts]).encode()).hexdigest()[:16]
    if VECS.is_file():
        with np.load(VECS) as z:
            cached = (z["vecs"], z["enc"]) if str(z["key"]) == key else None
    else:
        cached = None
    if cached is None:
        raw = index.embed_queries(texts)
        enc = raw.copy()
        changed = [n for n, (t, e) in enumerate(zip(texts, enc_texts, strict=True)) if t != e]
        if changed:
            enc[changed] = index.embed_queries([enc_texts[n] for n in changed])
        cached = (raw, enc)
        np.savez(VECS, key=key, vecs=cached[0], enc=cached[1])
    vecs, enc_vecs = cached
    enc_c = [index.components(t, v) for t, v in zip(enc_texts, enc_vecs, strict=True)]
    ids = list(index.ids)
    keys = np.array([title_key(by_id[i].title) for i in ids])
    rel = [(keys == title_key(by_id[q[3]].title)) | (np.array(ids) == q[3]) for q in queries]
    split = np.array([q[0] for q in queries])
    lang = np.array([q[1] for q in queries])
    entry = np.array([q[3] for q in queries])
    t0 = time.perf_counter()
    before = search_ranks(index, queries, rel, enc_c, vecs, None)
    print(f"  {len(queries)} questions searched in {time.perf_counter() - t0:.0f} s; "
          f"language figures h@1/h@5", flush=True)
    print(line("product now (no learnt terms)", before["product"], split, lang))
    print(line("  fused order", before["fused"], split, lang))
    print(line("  BM25 alone on the terms", before["bm25 terms"], split, lang), flush=True)
    if mode == "scorer":
        from bench.bench_channels import _lexical_components
        from dasan.channels.translation.lexicon import korean_text
        from dasan.knowledge.search import CROSSLINGUAL, Components, fuse

        lex_c = _lexical_components(index, [korean_text(q[2], q[1], learnt=False)
                                            for q in queries], vecs, texts)
        fused = [fuse(Components(bm25=k.bm25, chars=k.chars, dense=r.dense, answer=k.answer,
                                 foreign=k.foreign, answer_dense=r.answer_dense), CROSSLINGUAL)
                 for r, k in zip(enc_c, lex_c, strict=True)]
        del lex_c
        names, runs = [], []
        for s in settings:
            t0 = time.perf_counter()
            tab = tables(data, s)
            by_weight = scorer_grid(index, queries, rel, enc_c, vecs, tab, fused)
            print(line(f"{s}: BM25 alone on learnt terms",
                       by_weight.pop((0.0, 0.0))["bm25 learnt"], split, lang)
                  + f"  [{time.perf_counter() - t0:.0f} s]")
            for w, g in by_weight.items():
                names.append(f"{s} w {w}")
                runs.append(g["product"])
                print(line(f"{s} w {w}", g["product"], split, lang))
                print(line("  fused order", g["fused"], split, lang), flush=True)
        oof = out_of_fold(np.stack(runs), entry)
        print(line("setting chosen out of fold", oof, split, lang))
        print(line("product now (peer, same run)", before["product"], split, lang))
        return
    grid: list[dict[str, np.ndarray]] = []
    for s in settings:
        t0 = time.perf_counter()
        tab = tables(data, s)
        size = sum(len(v) for v in tab.values())
        got = search_ranks(index, queries, rel, enc_c, vecs, tab)
        grid.append(got)
        print(line(f"{s} ({size} words)", got["product"], split, lang)
              + f"  [{time.perf_counter() - t0:.0f} s]")
        print(line("  fused order", got["fused"], split, lang))
        print(line("  BM25 alone on the terms", got["bm25 terms"], split, lang), flush=True)
    products = np.stack([g["product"] for g in grid])
    oof = out_of_fold(products, entry)
    print(line("setting chosen out of fold", oof, split, lang))
    print(line("product now (peer, same run)", before["product"], split, lang))
    sit = np.isin(split, ("tune_c", "tune_e", "tune_g", "holdout_j"))
    print(f"  situation questions (tune_c, tune_e, tune_g, holdout_j) h@1: out of fold "
          f"{(oof[:, sit] == 1).mean():.4f}, product now {(before['product'][sit] == 1).mean():.4f}"
          f"; per language out of fold - now: "
          + " ".join(f"{lg} {(oof[:, sit & (lang == lg)] == 1).mean() - (before['product'][sit & (lang == lg)] == 1).mean():+.3f}"  # noqa: E501
                     for lg in LANGS))


def part_write(setting: Setting) -> None:
    from dasan.channels.translation.learnt import TABLE_FILE, write_table

    t0 = time.perf_counter()
    data = parallel()
    tab = tables(data, setting)
    mp, pw, mu, llr = setting
    write_table(tab, TABLE_FILE, header=(
        "Learnt by bench/fit_learnt_lexicon.py --part write from the editors' gists "
        "(src/dasan/knowledge/seed_gists) and the seed FAQ's titles and answers\n"
        f"(first {KOREAN_CHARS} characters): min_pairs {mp}, per_word {pw}, mutual {mu}, "
        f"min_llr {llr}. language<TAB>foreign word<TAB>Korean words, best first."))
    print(f"  written {TABLE_FILE}: {', '.join(f'{k} {len(v)}' for k, v in tab.items())} words, "
          f"{TABLE_FILE.stat().st_size} bytes, in {time.perf_counter() - t0:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("score", "write"), default="score")
    ap.add_argument("--mode", choices=("terms", "scorer"), default="terms",
                    help="terms: the learnt terms appended to the lexical query; scorer: a "
                         "scorer of their own in the fusion (SCORER_WEIGHTS)")
    ap.add_argument("--leave-out", action="store_true",
                    help="learn without the gists of the questioned entries")
    ap.add_argument("--setting", default=None,
                    help="min_pairs,per_word,mutual,min_llr (write: the table's; score: the "
                         "ones scored, separated by /)")
    args = ap.parse_args()
    chosen: list[Setting] = [
        (int(a), int(b), int(c), float(d))
        for a, b, c, d in (one.split(",") for one in args.setting.split("/"))
    ] if args.setting else []
    if args.part == "write":
        part_write(chosen[0] if chosen else SHIPPED)
    else:
        part_score(args.leave_out, chosen or GRID, args.mode)
    with open("/proc/loadavg", encoding="ascii") as fh:
        print(f"  load average: {' '.join(fh.read().split()[:3])}")


if __name__ == "__main__":
    main()
