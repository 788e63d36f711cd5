"""The rules' hits per writer: crises a rule catches and look-alikes a rule fires on (issue 17).

Over every writer's tune set (:func:`dasan.text.crisis_stage.writer_paths`) and the real tune
rows (:func:`dasan.text.crisis_stage.training_rows`, group ``real``), each row read on its
channel by the detector without the third stage: a row counts as a rule hit when its result's
source is ``rule`` (after the second stage). Hold-out files are never read.

    uv run --frozen python -m bench.crisis_rule_alarms [--list]

``--list`` prints every look-alike a rule fires on with its kind and sub-kind (the families
of the twelfth pass in docs/crisis.md were grouped from that list). ``--guards`` takes each
guard of :data:`GUARDS` out in turn (its pattern never matches) and prints the crises and the
look-alikes it alone keeps the rules (``_rule_hits``, before the gate) silent on: what a guard
costs on every writer's crises.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path

from bench.bench_crisis import as_channel
from dasan.config import default_shared_data
from dasan.text import crisis, crisis_stage


def rows() -> list[tuple[str, str, str, str | None, bool]]:
    """(group, text, kind, channel, real look-alike) of the writers' and the real tune rows."""
    out: list[tuple[str, str, str, str | None, bool]] = []
    for name, paths in crisis_stage.writer_paths().items():
        for path in paths:
            out.extend((name, t, k, ch, False) for t, k, _i, ch in crisis.load_labelled(path))
    for t, k, g, hard in crisis_stage.training_rows(default_shared_data()):
        if g == "real":
            out.append(("real", t, k, None, hard))
    return out


# The rules' guards (module patterns of dasan.text.crisis whose match silences a hit).
GUARDS = ("_ABOUT", "_JOKE", "_LAUGH", "_REPORTED", "_GENERIC_AFTER", "_NEWS", "_CAPTION_SUBJECT",
          "_DEFINITION", "_FICTION", "_TOLD_OVER", "_WHEN_BEFORE", "_FALSE_ALARM", "_CASE_NOTE",
          "_HARM_OVER", "_REVIVE", "_HYPERBOLE", "_OBJECT_AFTER", "_OUT_OF_PLACE", "_ANIMAL",
          "_SHOPPING", "_DIET", "_GRILL", "_SUPPLY", "_WORN_OUT", "_TASK", "_TRANSITION",
          "_CASUAL_WISH", "_SIBLING_FIGHT", "_PLAYED_FEAR", "_FOLLOWER_AFTER", "_TOGETHER",
          "_BORED", "_ACCIDENT", "_INJECTION", "_CELEBRATED", "_WILL_PAY", "_PET_SUBJECT",
          "_BIRTHMARK", "_FIRE_IDIOM", "_WORKS", "_FRIDGE", "_OBJECT_FALL", "_ONE_MEAL",
          "_STARVE_HYPERBOLE", "_WHEREABOUTS_KNOWN", "_STAKED_ON", "_LANDLORD", "_AHEAD")
_NEVER = re.compile(r"(?!)")


def guard_costs(data: list[tuple[str, str, str, str | None, bool]]) -> None:
    """Each guard taken out alone: the rows whose rule hits (before the gate) it silences."""
    views = [crisis._view(r[1]).text for r in data]  # noqa: SLF001 - the rules' own reading
    base = [bool(crisis._rule_hits(v)) for v in views]  # noqa: SLF001
    for name in GUARDS:
        kept = getattr(crisis, name)
        setattr(crisis, name, _NEVER)
        try:
            freed = [i for i, v in enumerate(views) if not base[i] and crisis._rule_hits(v)]  # noqa: SLF001
        finally:
            setattr(crisis, name, kept)
        cr = [i for i in freed if data[i][2] != "none"]
        la = [i for i in freed if data[i][2] == "none" and (data[i][0] != "real" or data[i][4])]
        print(f"GUARD\t{name}\tsilences {len(cr)} crises, {len(la)} look-alikes")
        for i in cr:
            print(f"  CR\t{data[i][0]}\t{data[i][2]}\t{data[i][1][:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--list", action="store_true", help="print each look-alike a rule fires on")
    parser.add_argument("--crises", action="store_true", help="print each crisis a rule catches")
    parser.add_argument("--guards", action="store_true",
                        help="print the crises and look-alikes each guard alone silences")
    args = parser.parse_args()
    data = rows()
    if args.guards:
        guard_costs(data)
        return
    hit = [False] * len(data)
    sub: list[str | None] = [None] * len(data)
    t0 = time.process_time()
    for ch in {r[3] for r in data}:
        at = [i for i, r in enumerate(data) if r[3] == ch]
        for i, res in zip(at, crisis.detect_crisis_many([data[i][1] for i in at], use_stage=False,
                                                       channel=as_channel(ch)), strict=True):
            hit[i] = res.source == "rule"
            sub[i] = f"{res.kind}/{res.subkind}" if hit[i] else None
    cpu = time.process_time() - t0
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for i, (g, text, kind, _ch, real_la) in enumerate(data):
        if g == "real" and kind == "none" and not real_la:
            continue  # the unlabelled sample: not a look-alike
        t = tally[g]
        if kind == "none":
            t[2] += hit[i]
            t[3] += 1
            if args.list and hit[i]:
                print(f"LA\t{g}\t{sub[i]}\t{text[:160]}")
        else:
            t[0] += hit[i]
            t[1] += 1
            if args.crises and hit[i]:
                print(f"CR\t{g}\t{sub[i]}\t{text[:160]}")
    print("group\tcrises with a rule hit\tlook-alikes with a rule hit")
    for g, (nh, nc, la, nl) in tally.items():
        print(f"{g}\t{nh}/{nc}\t{la}/{nl}")
    tot = [sum(v[j] for g, v in tally.items() if g != "real") for j in range(4)]
    print(f"writers\t{tot[0]}/{tot[1]}\t{tot[2]}/{tot[3]}")
    print(f"cpu {cpu:.1f} s for {len(data)} rows; load {Path('/proc/loadavg').read_text().split()[:3]}")


if __name__ == "__main__":
    main()
