"""The masker gives the same spans in every process: no choice may follow a set's iteration
order, which changes with the interpreter's hash seed (two echoes of one name overlapped, and
whichever came first out of a set was kept)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

TEXTS = [
    "저 은정이 엄마예요, 채은정이요. 은정이 담임 선생님이 장보경 선생님이요.",
    "신청인은 박다온이고요 다온이 아빠 박성진이 대신 전화했어요. 다온이는 여덟 살이에요.",
]
SCRIPT = ("import json, sys\nfrom dasan.text import pii\n"
          "print(json.dumps([[(s.type, s.start, s.end) for s in pii.find(t)] "
          "for t in json.loads(sys.argv[1])]))")


def _spans(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(TEXTS)], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout


def test_the_same_spans_whatever_the_hash_seed() -> None:
    runs = {_spans(seed) for seed in ("0", "1", "2", "3")}
    assert len(runs) == 1, runs
    first = json.loads(runs.pop())[0]
    assert ["name", 19, 22] in first  # 은정이 said again: the whole echo, as found first
