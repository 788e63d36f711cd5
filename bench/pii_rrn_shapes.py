"""How people say a 주민등록번호 / 외국인등록번호: a small grammar that generates every shape
(issue 12), each with a look-alike that must stay unmasked, and the masker's recall per shape.

Run: ``uv run --frozen python -m bench.pii_rrn_shapes`` (``--show N`` prints N misses per
family; ``--seed`` changes the numbers and the choices).

The grammar (written from how callers and agents read numbers on the line, not from any data
set): a number is YYMMDD + G + six digits (G 1-4 Korean, 5-8 foreign); each group is written in
digits, said in sino-Korean syllables (공/영 for zero), or both mixed; the thirteen digits come
in one of the usual groupings (6-7, 6-1-6, 2-2-2-7, 3-3-3-4, 4-4-5, one at a time, 13 in a run);
the halves are joined by a dash, a space, a word (다시, 에, 의, 하고, 대시, 하이픈, 뒤에,
뒷자리는) or a filler (음, 어, 잠시만요); and the whole sits in a frame: after its name, before
it, the halves in two sentences, read back by an agent, corrected mid-way, the front half with
only the first back digit, the front half alone. Each family is scored as the share of its gold
spans overlapped by a predicted rrn/foreigner_rrn span; look-alikes (dates, 접수번호, bills,
meters, amounts) count the spans masked as any number type.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from collections.abc import Callable, Sequence

from dasan.text import pii

SINO = "공일이삼사오육칠팔구"
Item = tuple[str, list[tuple[int, int]]]  # text, gold spans (start, end)


def _number(rng: random.Random, foreign: bool) -> str:
    year = rng.randint(0, 99)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    korean = rng.choice("12") if year > 25 else rng.choice("34")
    gender = rng.choice("5678") if foreign else korean
    return f"{year:02d}{month:02d}{day:02d}{gender}" + "".join(
        str(rng.randint(0, 9)) for _ in range(6))


NATIVE = ("공", "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉")


def _say(digits: str, rng: random.Random, how: str) -> str:
    """One group: written, written a digit at a time, said in syllables (영 or 공 for zero),
    syllables with spaces, or native numerals (하나 둘 셋, as some elderly callers do)."""
    if how == "written":
        return digits if rng.random() < 0.85 else " ".join(digits)
    if how == "native":
        return " ".join(NATIVE[int(d)] for d in digits)
    zero = rng.choice("공공영")
    said = "".join(zero if d == "0" else SINO[int(d)] for d in digits)
    return " ".join(said) if how == "spaced" else said


GROUPINGS: dict[str, tuple[int, ...]] = {
    "6-7": (6, 7), "6-1-6": (6, 1, 6), "2-2-2-7": (2, 2, 2, 7), "3-3-3-4": (3, 3, 3, 4),
    "4-4-5": (4, 4, 5), "2-2-2-1-6": (2, 2, 2, 1, 6), "6-3-4": (6, 3, 4), "6-4-3": (6, 4, 3),
    "13": (13,),
}
# Between the two halves (or the 6th and 7th digit).
HALF_JOINS = ("-", " ", " - ", " 다시 ", "에 ", "의 ", " 하고 ", ", ", " 대시 ", " 하이픈 ",
              " 뒤에 ", " 뒷자리 ", " 뒷자리는 ", " 음 ", " 어 ", "... ", " 그리고 ")
# Inside a half.
INNER_JOINS = (" ", "", " ", ", ")


def _render(number: str, rng: random.Random) -> str:
    grouping = rng.choice(list(GROUPINGS.values()))
    how = rng.choice(("written", "written", "sino", "spaced", "mixed", "native"))
    groups, pos = [], 0
    for size in grouping:
        groups.append(number[pos:pos + size])
        pos += size
    out, count = "", 0
    for i, g in enumerate(groups):
        style = how if how != "mixed" else ("written" if count < 6 else "sino")
        if i:
            out += rng.choice(HALF_JOINS) if count == 6 else rng.choice(INNER_JOINS)
        out += _say(g, rng, style)
        count += len(g)
    return out


def _half(digits: str, rng: random.Random) -> str:
    how = rng.choice(("written", "written", "sino", "spaced"))
    if how == "sino" and rng.random() < 0.4:  # said in pairs: 팔팔 공오 일오
        return " ".join(_say(digits[i:i + 2], rng, "sino") for i in range(0, len(digits), 2))
    return _say(digits, rng, how)


NAMES = ("주민번호", "주민등록번호", "주민 번호", "주민등록 번호", "주민등록증 번호", "신분증 번호")
FOREIGN_NAMES = ("외국인등록번호", "외국인 번호", "외국인등록증 번호", "등록번호", "외국인 등록 번호",
                 "등록증 번호", "ARC number", "alien registration no.")
ENDINGS = ("", "요", "이요", "입니다", " 입니다", "이에요", " 이에요", "예요")


def _cue(rng: random.Random, foreign: bool) -> str:
    return rng.choice(FOREIGN_NAMES if foreign else NAMES)


def _whole(rng: random.Random, foreign: bool) -> Item:
    number = _number(rng, foreign)
    said = _render(number, rng)
    cue = _cue(rng, foreign)
    frame = rng.choice((
        "{c} {x}{e}", "제 {c}는 {x}{e}", "{c}가요 {x}{e}", "{c} 불러드릴게요. {x}{e}",
        "네 {c}요? {x}{e}", "어머니 {c} {x}{e}", "{c} 말씀드리면 {x}{e}",
        "{x} 이게 제 {c}예요", "{c}는 음 {x}{e}",
        "{c} 불러드릴게요, 잠시만요 지갑에서 신분증 좀 꺼낼게요. 네 {x}{e}",
        "상담사: 본인 확인을 위해 {c} 부탁드립니다. 고객: 아 네, {x}{e}",
        "{c} 확인차 다시 불러드리면 {x} 맞으세요?",
    ))
    return _fill(frame, said, cue, rng)


def _fill(frame: str, said: str, cue: str, rng: random.Random) -> Item:
    text = frame.replace("{c}", cue).replace("{e}", rng.choice(ENDINGS))
    start = text.index("{x}")
    text = text.replace("{x}", said)
    return text, [(start, start + len(said))]


def _apart(rng: random.Random, foreign: bool) -> Item:
    """The two halves in different places: a sentence, a filler, an agent between."""
    number = _number(rng, foreign)
    front, back = _half(number[:6], rng), _half(number[6:], rng)
    cue = _cue(rng, foreign)
    frame = rng.choice((
        "{c} 앞자리는 {F}이고요, 뒷자리는 {B}입니다.",
        "{c} 앞자리 {F}요. 네. 그리고 뒷자리가 {B}예요.",
        "{c}가 {F}... 잠시만요 신분증 좀 볼게요. 아 {B}이요.",
        "{c} {F} 음 뒤에는 {B}",
        "상담사: {c} 말씀해 주세요. 고객: {F}요. 상담사: 네, 뒷자리요. 고객: {B}",
        "{c} 앞번호는 {F}, 뒷번호는 {B}",
        "{c} 앞 여섯 자리 {F} 그리고 뒤 일곱 자리 {B}",
        "{c} 앞에 {F} 하고요 뒤에 {B}",
        "네 {c} 확인하겠습니다. {F}에 {B} 맞으시죠?",
        "{c}요, {F}. 뒤는 {B}.",
        "생년월일 {F} 뒷자리 {B}",
        "{c} 앞자리 {F}요. 뒷자리도 불러드려요? 네. {B}",
    ))
    text = frame.replace("{c}", cue)
    spans = []
    for key, said in (("{F}", front), ("{B}", back)):
        start = text.index(key)
        text = text.replace(key, said)
        spans.append((start, start + len(said)))
    # gold: spans shift when {F} is replaced before {B}; recompute in order
    spans = []
    pos = 0
    for said in (front, back):
        start = text.index(said, pos)
        spans.append((start, start + len(said)))
        pos = start + len(said)
    return text, spans


def _corrected(rng: random.Random, foreign: bool) -> Item:
    number = _number(rng, foreign)
    wrong = number[:4] + f"{(int(number[4:6]) % 28) + 1:02d}"
    said_wrong, said = _half(wrong, rng), _render(number, rng)
    cue = _cue(rng, foreign)
    fix = rng.choice((" 아 아니 ", " 아니요 ", " 잠깐만요 ", " 아니 정정할게요 "))
    text = f"{cue} {said_wrong}{fix}{said}{rng.choice(ENDINGS)}"
    start = text.index(said, len(cue) + len(said_wrong))
    return text, [(len(cue) + 1, len(cue) + 1 + len(said_wrong)), (start, start + len(said))]


def _front_first(rng: random.Random, foreign: bool) -> Item:
    """The front half with only the first back digit."""
    number = _number(rng, foreign)
    front = _half(number[:6], rng)
    g = number[6] if rng.random() < 0.5 else SINO[int(number[6])]
    cue = _cue(rng, foreign)
    joined = rng.choice((f"{front}-{g}", f"{front} 다시 {g}", f"{front} 뒷자리 첫째 {g}",
                         f"{front} 뒤에 첫자리 {g}", f"{front}에 {g}", f"{front} 하고 {g}"))
    frame = rng.choice(("{c} {x}로 시작해요", "{c} {x}까지만 적었어요", "{c} 앞자리 {x}요",
                        "{c}는 {x}이고 나머지는 모르겠어요"))
    return _fill(frame, joined, cue, rng)


def _front_alone(rng: random.Random, foreign: bool) -> Item:
    number = _number(rng, foreign)
    front = _half(number[:6], rng)
    cue = _cue(rng, foreign)
    frame = rng.choice(("{c} 앞자리만 {x}{e}", "{c} 앞자리는 {x}이고요 뒤는 말 안 할게요",
                        "{c} 앞에 여섯 자리 {x}{e}", "{c}요? 앞자리 {x}만 드릴게요"))
    return _fill(frame, front, cue, rng)


def _no_name(rng: random.Random, foreign: bool) -> Item:
    """A reply or an agent reading back, the number's name said turns before (not in the text)."""
    number = _number(rng, foreign)
    said = _render(number, rng)
    frame = rng.choice(("네 {x}{e}", "상담사: 확인차 다시 읽어드리겠습니다. {x} 맞으십니까?",
                        "(이어서) {x}{e}", "고객: 아 네, {x}{e}", "{x} 맞아요"))
    return _fill(frame, said, "", rng)


FAMILIES: dict[str, Callable[[random.Random, bool], Item]] = {
    "whole": _whole, "halves apart": _apart, "corrected": _corrected,
    "front + first back": _front_first, "front alone": _front_alone, "no name": _no_name,
}


def look_alikes(rng: random.Random) -> list[str]:
    """Numbers near an rrn's shape that are nobody's: dates, case and bill numbers, amounts."""
    out = []
    for _ in range(6):
        number = _number(rng, False)
        yy, mm, dd = number[:2], number[2:4], number[4:6]
        rest = number[6:]
        out += [
            f"접수번호 {number[:6]}-{rest} 로 조회돼요",
            f"민원 접수번호는 {_say(number[:6], rng, 'sino')} 다시 {_say(rest, rng, 'sino')}요",
            f"생년월일은 19{yy}년 {int(mm)}월 {int(dd)}일이에요",
            f"생년월일 {yy}.{mm}.{dd} 이에요",
            f"고지서 번호 {number[:6]} {rest} 맞나요",
            f"계량기 번호 {number[:6]}-{rest[:3]} 이에요",
            f"납부 금액 {int(number[:6]):,}원이고 {int(dd)}일까지래요",
            f"{yy}년 {int(mm)}월 {int(dd)}일에 {int(rest[:2])}번 버스 탔어요",
            f"주민센터 전화번호가 02-{rest[:3]}-{rest[3:6]}{number[0]} 맞죠?",
            f"주민등록등본 발급번호 {number[:4]}-{number[4:8]}-{number[8:12]}",
        ]
    return out


def run(seed: int, per_family: int, show: int) -> dict[str, float]:
    rng = random.Random(seed)
    results: dict[str, float] = {}
    misses: dict[str, list[str]] = defaultdict(list)
    for family, make in FAMILIES.items():
        hit = total = 0
        for i in range(per_family):
            text, gold = make(rng, i % 3 == 2)
            pred = [(s.start, s.end) for s in pii.find(text)
                    if s.type in ("rrn", "foreigner_rrn")]
            for gs, ge in gold:
                total += 1
                if any(ps < ge and gs < pe for ps, pe in pred):
                    hit += 1
                else:
                    misses[family].append(f"{text[gs:ge]!r} in {text!r}")
        results[family] = hit / total
    false = [t for t in look_alikes(rng) if any(s.type in pii.NUMBER_TYPES for s in pii.find(t))]
    results["look-alikes masked"] = len(false)
    for family, value in results.items():
        print(f"{family:22} {value:.3f}" if family in FAMILIES else f"{family:22} {value:.0f}")
        for line in misses.get(family, [])[:show]:
            print("   MISS", line)
    for t in false[:show]:
        print("   FALSE", t, [(s.type, s.text) for s in pii.find(t)])
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n", type=int, default=300, help="items per family")
    parser.add_argument("--show", type=int, default=0, help="misses to print per family")
    args = parser.parse_args(argv)
    run(args.seed, args.n, args.show)


if __name__ == "__main__":
    main()
