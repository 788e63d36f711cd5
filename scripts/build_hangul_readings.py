"""Build src/dasan/channels/translation/hangul_readings.tsv: the Hangul (Sino-Korean) readings
of Chinese characters, so that a Chinese or Japanese question can be read as Korean
(申请 -> 申請 -> 신청, 高齢者 -> 高齡者 -> 고령자).

Sources (both registry packages, both licences allow redistribution with their notices):
- Unihan (Unicode, Inc.; Unicode License, https://www.unicode.org/copyright.html), field
  kHangul, from Debian's `unicode-data` (/usr/share/unicode/Unihan_Readings.txt.bz2).
- OpenCC's character tables (Apache-2.0), from PyPI `opencc-python-reimplemented` (a dev
  dependency): STCharacters (simplified -> traditional) and JPVariants (traditional ->
  Japanese shinjitai, read backwards), because kHangul reads traditional forms.

A simplified or shinjitai character takes the readings of its traditional form(s) first, then
its own. Readings used in education ("E" in kHangul's source flags) come first; at most
MAX_READINGS are kept.

Run: ``uv run --frozen python scripts/build_hangul_readings.py [UNIHAN_DIR]``
"""

from __future__ import annotations

import bz2
import sys
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "dasan" / "channels" / "translation" / "hangul_readings.tsv"
MAX_READINGS = 2


def unihan_hangul(unihan_dir: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with bz2.open(unihan_dir / "Unihan_Readings.txt.bz2", "rt", encoding="utf-8") as fh:
        for line in fh:
            if "\tkHangul\t" not in line:
                continue
            code, _field, value = line.rstrip("\n").split("\t")
            readings = [v.split(":") for v in value.split()]
            # educational readings first, then the others in Unihan's order
            ordered = [r for r, *f in readings if f and "E" in f[0]] + \
                      [r for r, *f in readings if not (f and "E" in f[0])]
            out[chr(int(code[2:], 16))] = list(dict.fromkeys(ordered))
    return out


def variants() -> dict[str, list[str]]:
    """Simplified / shinjitai character -> its traditional forms."""
    base = Path(opencc.__file__).parent / "dictionary"
    out: dict[str, list[str]] = {}
    for line in (base / "STCharacters.txt").read_text(encoding="utf-8").splitlines():
        simp, _, trads = line.partition("\t")
        out.setdefault(simp, []).extend(trads.split())
    for line in (base / "JPVariants.txt").read_text(encoding="utf-8").splitlines():
        trad, _, shin = line.partition("\t")
        for s in shin.split():
            out.setdefault(s, []).append(trad)
    return out


def main() -> None:
    unihan_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/unicode")
    readings = unihan_hangul(unihan_dir)
    table: dict[str, list[str]] = {}
    var = variants()
    for ch in sorted(set(readings) | set(var)):
        got: list[str] = []
        for form in var.get(ch, []):
            if form != ch:
                got += readings.get(form, [])
        got += readings.get(ch, [])
        got = list(dict.fromkeys(got))[:MAX_READINGS]
        if got:
            table[ch] = got
    lines = ["# char\treadings (Hangul). Built by scripts/build_hangul_readings.py from Unihan "
             "kHangul (Unicode License) and OpenCC STCharacters/JPVariants (Apache-2.0)."]
    lines += [f"{ch}\t{' '.join(rs)}" for ch, rs in sorted(table.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(table)} characters -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
