"""Passports, car plates, driver's licences and business numbers read aloud, as families: a small
grammar of how callers say them (issue 12), each with look-alikes that must stay, and the
masker's recall per family.

Run: ``uv run --frozen python -m bench.pii_document_shapes`` (``--show N`` prints misses).

Each number is generated in its real format (Korean passports M12345678 and M123A4567, foreign
ones of one or two letters and 7-9 digits; plates 12가3456 / 123가4567 with or without a region;
licences 11-22-333333-44 or with the region's name; business numbers 123-45-67890 with a valid
check digit), then read: digits written, in sino-Korean syllables, one at a time, in pairs, as
numbers (이십육 하 오천이백삼십일), letters as their Korean names (엠, 에스, 에이); between groups a
dash, a space, 다시, 에, 하고, a filler; in a frame that names the kind before or after it. A
gold span is recalled when a predicted span of its type overlaps it.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from collections.abc import Callable, Sequence

from dasan.text import pii

SINO = "공일이삼사오육칠팔구"
LETTERS = {"M": "엠", "S": "에스", "R": "알", "D": "디", "G": "지", "T": "티", "A": "에이",
           "B": "비", "C": "씨", "E": "이", "K": "케이", "P": "피", "N": "엔", "H": "에이치",
           "F": "에프", "L": "엘", "Z": "제트", "X": "엑스", "Y": "와이", "J": "제이", "V": "브이"}
JOINS = (" ", "-", " 다시 ", "에 ", " 하고 ", ", ", " ")
Item = tuple[str, str, str]  # text, type, gold value


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _say(d: str, rng: random.Random, how: str | None = None) -> str:
    how = how or rng.choice(("written", "sino", "spaced", "spaced-written"))
    zero = rng.choice("공공영")
    if how == "written":
        return d
    if how == "spaced-written":
        return " ".join(d)
    said = "".join(zero if ch == "0" else SINO[int(ch)] for ch in d)
    return " ".join(said) if how == "spaced" else said


def _said_number(n: int) -> str:
    """A number as sino-Korean words: 5231 -> 오천이백삼십일."""
    out = ""
    for unit, word in ((1000, "천"), (100, "백"), (10, "십")):
        q, n = divmod(n, unit)
        if q:
            out += ("" if q == 1 else SINO[q]) + word
    return out + (SINO[n] if n else "")


def _groups(d: str, rng: random.Random) -> str:
    """The digits in one or a few groups, each read its own way."""
    cut = sorted(rng.sample(range(1, len(d)), rng.choice((0, 1, 2)))) if len(d) > 3 else []
    parts = [d[a:b] for a, b in zip([0, *cut], [*cut, len(d)], strict=True)]
    how = rng.choice(("written", "sino", "spaced", "spaced-written", None))
    out = _say(parts[0], rng, how)
    for p in parts[1:]:
        out += rng.choice(JOINS) + _say(p, rng, how)
    return out


def _letter(ch: str, rng: random.Random) -> str:
    return LETTERS.get(ch, ch) if rng.random() < 0.6 else ch


def passport(rng: random.Random) -> Item:
    kind = rng.choice(("old", "new", "foreign", "foreign2"))
    if kind == "old":
        letter, d = rng.choice("MSRG"), _digits(rng, 8)
        said = _letter(letter, rng) + rng.choice(("", " ", "에 ", " 다음에 ")) + _groups(d, rng)
    elif kind == "new":
        letter, a, mid, b = rng.choice("MS"), _digits(rng, 3), rng.choice("ABCDEK"), _digits(rng, 4)
        said = (_letter(letter, rng) + rng.choice(("", " ")) + _say(a, rng) + rng.choice(("", " "))
                + _letter(mid, rng) + rng.choice(("", " ")) + _say(b, rng))
    elif kind == "foreign":
        letter, d = rng.choice("CBEKPN"), _digits(rng, rng.choice((7, 8)))
        said = _letter(letter, rng) + rng.choice(("", " ")) + _groups(d, rng)
    else:
        letters, d = rng.choice(("EH", "AA", "FA", "TK", "EJ")), _digits(rng, 7)
        said = (" ".join(_letter(ch, rng) for ch in letters) + rng.choice(("", " "))
                + _groups(d, rng))
    frame = rng.choice(("여권번호 {x}예요", "여권 번호가 {x}입니다", "제 여권번호는 {x}이에요",
                        "passport number {x}", "여권번호 불러드릴게요 {x}", "{x} 이게 여권번호예요",
                        "여권에 적힌 번호가 {x}요", "상담사: 여권번호 말씀해 주세요. 고객: {x}"))
    return frame.replace("{x}", said), "passport", said


PLATE_HANGUL = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호"


def plate(rng: random.Random) -> Item:
    head = rng.randint(10, 99) if rng.random() < 0.6 else rng.randint(100, 699)
    h, tail = rng.choice(PLATE_HANGUL), rng.randint(1000, 9999)
    region = rng.choice(("", "", "", "서울 ", "경기 ", "부산"))
    how = rng.choice(("written", "spaced", "sino", "said", "pairs", "mixed"))
    if how == "written":
        said = f"{head}{rng.choice(('', ' '))}{h}{rng.choice(('', ' '))}{tail}"
    elif how == "spaced":
        said = f"{' '.join(str(head))} {h} {' '.join(str(tail))}"
    elif how == "sino":
        said = f"{_say(str(head), rng, 'sino')} {h} {_say(str(tail), rng, 'sino')}"
    elif how == "said":
        said = f"{_said_number(head)} {h} {_said_number(tail)}"
    elif how == "pairs":
        t = str(tail)
        said = f"{head}{h} {t[:2]} {t[2:]}"
    else:
        said = f"{head}{h} {_say(str(tail), rng, 'sino')}"
    said = region + said
    frame = rng.choice(("차량번호 {x}이에요", "제 차 번호는 {x}입니다", "차번호 {x}요",
                        "번호판이 {x}인 차가 계속 주차해요", "제 차가 {x}인데요", "{x} 차량 주인이에요",
                        "자동차 번호 {x}로 등록했어요", "오토바이 번호 {x}예요"))
    return frame.replace("{x}", said), "car_plate", said


REGIONS = ("서울", "부산", "경기", "강원", "충북", "대구", "인천", "광주")


def licence(rng: random.Random) -> Item:
    code, year, serial, check = rng.randint(11, 28), _digits(rng, 2), _digits(rng, 6), _digits(
        rng, 2)
    if rng.random() < 0.3:
        said = f"{rng.choice(REGIONS)} {_say(year, rng)}{rng.choice(JOINS)}{_groups(serial, rng)}" \
               f"{rng.choice(JOINS)}{_say(check, rng)}"
    else:
        said = _groups(f"{code}{year}{serial}{check}", rng)
    frame = rng.choice(("운전면허번호 {x}입니다", "면허증 번호가 {x}예요", "운전면허 번호는 {x}이에요",
                        "면허번호 불러드릴게요 {x}", "driver's licence {x}", "{x} 제 면허번호예요"))
    return frame.replace("{x}", said), "driver_licence", said


def _business_number(rng: random.Random) -> str:
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    while True:
        d = str(rng.randint(1, 8)) + _digits(rng, 8)  # a tax office's code: never 0...
        total = sum(int(c) * w for c, w in zip(d, weights, strict=True))
        total += int(d[8]) * 5 // 10
        check = (10 - total % 10) % 10
        return d + str(check)


def business(rng: random.Random) -> Item:
    d = _business_number(rng)
    if rng.random() < 0.5:
        said = (_say(d[:3], rng) + rng.choice(JOINS) + _say(d[3:5], rng) + rng.choice(JOINS)
                + _say(d[5:], rng))
    else:
        said = _groups(d, rng)
    frame = rng.choice(("사업자번호 {x}입니다", "사업자등록번호가 {x}예요", "저희 가게 사업자 번호는 {x}이에요",
                        "사업자 번호 불러드릴게요 {x}", "{x} 이게 사업자번호예요",
                        "법인 사업자등록번호 {x}요"))
    return frame.replace("{x}", said), "business_no", said


FAMILIES: dict[str, Callable[[random.Random], Item]] = {
    "passport": passport, "car_plate": plate, "driver_licence": licence, "business_no": business,
}


def look_alikes() -> list[str]:
    return [
        "여권 발급 접수번호 M20241205 로 조회했어요", "여권 사진 규격이 3.5 곱하기 4.5예요",
        "여권 만료일이 2031년 5월 3일이에요", "여권 수수료 53000원 냈어요",
        "차량 2대 주차 가능한가요", "버스 번호 7016번 타고 갔어요", "12가 3456원 결제했어요",
        "차량 등록 사업소 02-2171-3400 맞나요", "면허 갱신 수수료 13000원이에요",
        "면허시험장 접수번호 11-2024-000123 이요", "사업자 등록 신청 접수번호 2024-1205-0042",
        "사업자 세금 1234만 원 냈어요", "면허 딴 지 12년 됐어요", "차로 30분 걸려요",
        "오늘 여권 찾으러 구청 3층 민원실 가요", "사업자번호 말고 고유번호증 있어요",
    ]


def run(seed: int, per_family: int, show: int) -> dict[str, float]:
    rng = random.Random(seed)
    out: dict[str, float] = {}
    misses: dict[str, list[str]] = defaultdict(list)
    for family, make in FAMILIES.items():
        hit = 0
        for _ in range(per_family):
            text, kind, value = make(rng)
            s = text.index(value)
            e = s + len(value)
            if any(p.type == kind and p.start < e and s < p.end for p in pii.find(text)):
                hit += 1
            else:
                misses[family].append(
                    f"{value!r} in {text!r} -> {[(p.type, p.text) for p in pii.find(text)]}")
        out[family] = hit / per_family
    false = [t for t in look_alikes() if any(p.type in pii.NUMBER_TYPES for p in pii.find(t))]
    out["look-alikes masked"] = len(false)
    for family, share in out.items():
        print(f"{family:22} {share:.3f}" if family in FAMILIES else f"{family:22} {share:.0f}")
        for line in misses.get(family, [])[:show]:
            print("   MISS", line)
    for t in false[:show]:
        print("   FALSE", t, [(p.type, p.text) for p in pii.find(t)])
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n", type=int, default=300, help="items per family")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args(argv)
    run(args.seed, args.n, args.show)


if __name__ == "__main__":
    main()
