"""The learnt number typer (round 21) after the rules: its shipped weights, a shape no rule
knows, look-alikes it leaves alone, and the product path giving the study's re-type spans."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dasan.config import PROJECT_ROOT
from dasan.text import pii, pii_number_typer

sys.path.insert(0, str(PROJECT_ROOT))  # the study's combination is the benchmark's (bench)
from bench import number_typer_study as study  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "bench" / "data"


def _numbers(text: str) -> list[tuple[str, int, int]]:
    return [(s.type, s.start, s.end) for s in pii.find(text) if s.type in pii.NUMBER_TYPES]


def test_shipped_weights_load() -> None:
    classes, bias, weights, threshold = pii_number_typer.model()
    assert pii_number_typer.NONE in classes
    assert set(classes) - {pii_number_typer.NONE} <= pii.NUMBER_TYPES
    assert set(bias) == set(classes)
    assert threshold == 0.5
    assert len(weights) > 1000
    assert all(abs(w) >= 0.01 for row in weights.values() for w in row.values())


def test_features_are_the_products() -> None:
    # one copy of the feature code: the study imports it from the product module
    assert study.features is pii_number_typer.features
    assert study.candidates is pii_number_typer.candidates


def test_probabilities_sum_to_one() -> None:
    text = "제 번호는 010-2231-4455 입니다"
    for p in pii_number_typer.scored(text, []).values():
        assert abs(sum(p.values()) - 1.0) < 1e-9


def test_a_shape_no_rule_knows_is_typed() -> None:
    # a card's first six digits said alone (the rules want a whole card): typed as a card, and
    # its masked form shows none of them
    text = "신용카드 번호 앞에 여섯자리 512348 뒤에 네자리 7731 이에요"
    assert [(s.type, s.text) for s in pii.find(text, number_typer=False)
            if s.type in pii.NUMBER_TYPES] == []
    spans = [s for s in pii.find(text) if s.type in pii.NUMBER_TYPES]
    assert [(s.type, s.text) for s in spans] == [("card", "512348")]
    assert "512348" not in pii.mask(text).masked
    assert not any(ch.isdigit() for ch in spans[0].replacement)


def test_look_alikes_stay_unmasked() -> None:
    for text in ("구청 민원실 대표전화는 02-2133-1234 입니다. 평일 9시부터 운영합니다.",
                 "접수 기간은 2024년 3월 15일부터 2024년 4월 30일까지입니다."):
        assert _numbers(text) == [], text


def _labelled(name: str, n: int) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    with_numbers = [r for r in rows if any(
        p["type"] in pii.NUMBER_TYPES for p in r.get("pii", []))]  # type: ignore[union-attr]
    return with_numbers[:n]


def test_product_gives_the_study_retype_spans() -> None:
    items = _labelled("pii_v2_tune.jsonl", 40) + _labelled("pii_labelled.jsonl", 40)
    prep = study.Prepared(items)  # type: ignore[arg-type]
    scored = [(i, span, pii_number_typer.probabilities(x)) for i, span, x, _ in prep.examples]
    typed = study.typer_spans(scored, len(items), study.SHIPPED)
    expected = study.combined(prep, scored, typed, True)
    for item, spans in zip(items, expected, strict=True):
        # the product keeps each of the study's decisions or drops it by a rule's filter
        assert set(_numbers(str(item["text"]))) <= set(spans), item["text"]


def _plausible(text: str, kind: str, value: str, *, added: bool = True) -> bool:
    s = text.index(value)
    return pii_number_typer.plausible(text, kind, s, s + len(value), added=added)


def test_a_kind_must_be_plausible_for_what_was_said() -> None:
    # a passport's letter, or digits that make no date
    assert _plausible("여권 M 12345678 이에요", "passport", "M 12345678")
    assert not _plausible("여권 만료일이 20310415 인데요", "passport", "20310415")
    # a registration number: its birth date and the seventh digit of its kind; a back half
    assert _plausible("주민번호 850412-1234561", "rrn", "850412-1234561")
    assert not _plausible("주민번호 850412-5234561", "rrn", "850412-5234561")
    assert not _plausible("주민번호 781314 이요", "rrn", "781314")
    assert not _plausible("인증번호 850412 받았어요", "rrn", "850412")
    assert _plausible("뒷자리는 2567675 예요", "rrn", "2567675")
    # no amount, no company line, no list of lines
    assert not _plausible("나머지 1200 3400 5600 원은 카드로", "card", "1200 3400 5600")
    assert not _plausible("수협 1588 - 1515, 1644-1515", "account", "1588 - 1515, 1644-1515")
    assert not _plausible("수신 거부 080-3321-4400 으로", "phone", "080-3321-4400")
    # an added part of a mobile or an account after its word; a plate's letter
    assert _plausible("010-3372 아 아니다", "phone", "010-3372")
    assert _plausible("계좌번호 끝자리 4860 아니 48607이요", "account", "48607")
    assert not _plausible("회원 번호 48607이요", "account", "48607")
    assert not _plausible("메일 sb 2207", "car_plate", "sb 2207")


def test_a_rule_span_keeps_its_kind_unless_the_typers_is_plausible() -> None:
    text = "IBK 기업 010-483920-01-017"
    s, e = text.index("010"), len(text)
    assert pii_number_typer.retyped_kind(text, "account", ("phone", 0.9), s, e) == "account"
    text = "주민번호 920413-5123456 입니다"
    s, e = text.index("9"), text.index(" 입")
    assert pii_number_typer.retyped_kind(text, "foreigner_rrn", ("rrn", 0.9), s, e) == "foreigner_rrn"
    text = "카드 번호 4111 1111 1111 1111 이요"
    s, e = text.index("4"), text.index(" 이요")
    assert pii_number_typer.retyped_kind(text, "account", ("card", 0.9), s, e) == "card"
    # the typer re-types only when it is sure (a part of a business number read as an account)
    assert pii_number_typer.retyped_kind(text, "account", ("card", 0.3), s, e) == "account"


def test_the_rules_filters_hold_for_the_typers_spans() -> None:
    # an office's role address the typer alone would add (real text: a museum's booking line)
    text = "단체관람 예약 : 02-720-0667 /info@daelimmuseum.org○ 대관 : 운영팀"
    assert [s for s in pii.find(text) if s.type == "email"] == []
