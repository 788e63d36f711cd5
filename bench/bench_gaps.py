"""Miss clustering on a simulated week (section 3 of ``bench/bench_answer.py``).

``bench/data/gap_week.jsonl`` holds 62 hand-written unanswered questions on 17 topics, each
labelled with its topic. Topics alternate between a tune half (where the join threshold is
chosen) and a hold-out half (reported). Precision = share of questions that sit in a cluster
whose majority topic is their own (purity); recall = share of same-topic question pairs that
share a cluster. The peer groups identical question texts only (today: no grouping at all).

Run alone: ``uv run --frozen python -m bench.bench_gaps`` (also section 3 of bench_answer).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import combinations

import numpy as np

from bench.answer_labels import DATA
from dasan.knowledge import gaps


def load_week() -> list[tuple[str, str, str]]:
    rows = [json.loads(line) for line in
            (DATA / "gap_week.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    order = list(dict.fromkeys(r["topic"] for r in rows))
    split = {t: ("tune" if i % 2 == 0 else "holdout") for i, t in enumerate(order)}
    # Arrival order over the week: interleave topics as citizens would ask.
    rng = np.random.default_rng(7)
    idx = rng.permutation(len(rows))
    return [(rows[i]["question"], rows[i]["topic"], split[rows[i]["topic"]]) for i in idx]


def scores(labels: Sequence[int], topics: Sequence[str]) -> tuple[int, float, float]:
    by: dict[int, Counter[str]] = {}
    for lab, t in zip(labels, topics, strict=True):
        by.setdefault(lab, Counter())[t] += 1
    purity = sum(c.most_common(1)[0][1] for c in by.values()) / len(labels)
    pairs = [(a, b) for a, b in combinations(range(len(labels)), 2) if topics[a] == topics[b]]
    recall = (sum(labels[a] == labels[b] for a, b in pairs) / len(pairs)) if pairs else 1.0
    return len(by), purity, recall


def report() -> list[str]:
    week = load_week()
    from dasan.knowledge.embeddings import default_embedder

    emb = default_embedder()
    dense = [v / (np.linalg.norm(v) or 1.0) for v in
             np.asarray(emb.queries([q for q, _, _ in week]), dtype=np.float32)]
    hashed = [gaps.hashed_vector(q) for q, _, _ in week]
    lines = [f"simulated week: {len(week)} unanswered questions, "
             f"{len({t for _, t, _ in week})} hand-labelled topics (tune/hold-out by topic)"]
    vecs: dict[str, tuple[list[np.ndarray], float]] = {
        "e5 query vectors": (dense, gaps.DENSE_JOIN),
        "hashed char bigrams": (hashed, gaps.HASHED_JOIN),
    }
    for name, (vs, shipped) in vecs.items():
        for split in ("tune", "holdout"):
            sel = [i for i, (_, _, s) in enumerate(week) if s == split]
            topics = [week[i][1] for i in sel]
            best = None
            rows = []
            for th in np.arange(0.1, 0.97, 0.05):
                labels = gaps.greedy_clusters([vs[i] for i in sel], float(th))
                n, p, r = scores(labels, topics)
                rows.append((round(float(th), 2), n, p, r))
                if split == "tune" and (best is None or p + r > best[2] + best[3]):
                    best = rows[-1]
            if split == "tune" and best is not None:
                lines.append(f"  {name}: best join threshold on tune {best[0]} "
                             f"(precision {best[2]:.3f}, recall {best[3]:.3f}); shipped {shipped}")
            else:
                sh = gaps.greedy_clusters([vs[i] for i in sel], shipped)
                n, p, r = scores(sh, topics)
                lines.append(f"  {name}, hold-out ({len(sel)} questions, "
                             f"{len(set(topics))} topics) at the shipped threshold: {n} clusters, "
                             f"precision {p:.3f}, pair recall {r:.3f}")
    # The figure for the closing note: the whole simulated week through the shipped
    # clustering (threshold chosen on the tune topics above), against the hand labels.
    topics_all = [t for _, t, _ in week]
    for name, (vs, shipped) in vecs.items():
        n, p, r = scores(gaps.greedy_clusters(vs, shipped), topics_all)
        lines.append(f"  {name}, whole week ({len(week)} questions, {len(set(topics_all))} "
                     f"hand-labelled topics) at the shipped threshold {shipped}: {n} miss "
                     f"clusters, precision {p:.3f}, pair recall {r:.3f}")
    sel = [i for i, (_, _, s) in enumerate(week) if s == "holdout"]
    texts = [week[i][0] for i in sel]
    peer: Callable[[str], int] = {t: k for k, t in enumerate(dict.fromkeys(texts))}.__getitem__
    n, p, r = scores([peer(t) for t in texts], [week[i][1] for i in sel])
    lines.append(f"  peer (identical texts only), hold-out: {n} clusters, precision {p:.3f}, "
                 f"pair recall {r:.3f}")
    ids = {t: k for k, t in enumerate(dict.fromkeys(q for q, _, _ in week))}
    n, p, r = scores([ids[q] for q, _, _ in week], topics_all)
    lines.append(f"  peer (identical texts only), whole week: {n} clusters, precision {p:.3f}, "
                 f"pair recall {r:.3f}")
    return lines


def main() -> int:
    for line in report():
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
