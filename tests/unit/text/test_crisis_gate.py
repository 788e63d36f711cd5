"""The second stage of crisis detection (text/crisis_gate.py): a flag the gate reads as talk
about a crisis is dropped, a disclosure keeps its kind, and the gate never learns from the
bench's hold-out rows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from dasan.config import default_shared_data
from dasan.text import crisis, crisis_gate
from dasan.text.crisis import CrisisModel, detect_crisis, detect_crisis_many

# A tiny gate trained here (a real CrisisModel, not a stand-in): own-state sentences against
# comments about other people, with the same crisis words.
_DISCLOSURES = ["남편이 때려요 무서워요", "죽고 싶어요 너무 힘들어요", "아버지가 쓰러지셨어요",
                "며칠째 굶었어요 돈이 없어요", "옆집 할머니가 며칠째 안 보이세요"]
_TALK = ["저 배우 팬들 다 죽고 싶어 하겠네 ㅉㅉ", "정치인들 국민이 굶든 말든 관심 없지",
         "저런 놈들은 맞고 살아야 정신 차리지", "선수들 경기 끝나고 다 쓰러졌네 ㅋ",
         "기자들 연예인 괴롭혀서 죽고 싶게 만드네"]


@pytest.fixture
def tiny_gate() -> Iterator[CrisisModel]:
    gate = CrisisModel([(t, "crisis") for t in _DISCLOSURES] + [(t, "none") for t in _TALK],
                       0.5, c=10.0)
    crisis_gate.set_gate(gate)
    yield gate
    crisis_gate.set_gate(None)
    crisis_gate._LOADED = False  # the next caller loads the installed gate again


def test_the_gate_drops_talk_and_keeps_a_disclosure(tiny_gate: CrisisModel) -> None:
    talk = "저 배우 팬들 다 죽고 싶어 하겠네 ㅉㅉ"
    assert detect_crisis_many([talk], use_gate=False)[0].crisis  # the first stage flags it
    dropped = detect_crisis(talk)
    assert not dropped.crisis and dropped.disclosure is not None \
        and dropped.disclosure < tiny_gate.threshold
    kept = detect_crisis("남편이 때려요 무서워요")
    assert kept.crisis and kept.kind == "violence" and kept.disclosure is not None \
        and kept.disclosure >= tiny_gate.threshold


def test_without_a_gate_the_first_stage_decides() -> None:
    crisis_gate.set_gate(None)
    try:
        talk = "저 배우 팬들 다 죽고 싶어 하겠네 ㅉㅉ"
        result = detect_crisis(talk)
        assert result.crisis and result.disclosure is None
    finally:
        crisis_gate._LOADED = False


def test_asking_how_to_die_is_never_dropped(tiny_gate: CrisisModel) -> None:
    ask = "죽는 방법 좀 알려줘"
    assert not crisis_gate.passes(tiny_gate, [ask])[0][0]  # the tiny gate reads it as talk
    result = detect_crisis(ask)
    assert result.crisis and result.kind == "suicide"


def test_rules_only_never_ask_the_gate(tiny_gate: CrisisModel) -> None:
    talk = "저 배우 팬들 다 죽고 싶어 하겠네 ㅉㅉ"
    assert detect_crisis(talk, use_model=False).crisis


def test_the_gate_switched_off_by_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                  tiny_gate: CrisisModel) -> None:
    monkeypatch.setenv("DASAN_CRISIS_GATE", "off")
    assert crisis_gate.get_gate() is None


def test_the_tune_hash_is_odd_for_the_raw_and_the_stripped_text() -> None:
    for text in ("남편이 때려요", " 남편이 때려요 ", "죽고 싶어", "배고파 죽겠다"):
        odd = all(int(hashlib.sha1(t.encode()).hexdigest()[:8], 16) % 2 == 1
                  for t in {text, text.strip()})
        assert crisis_gate.tune_hash(text) is odd


shared = default_shared_data()
needs_data = pytest.mark.skipif(
    not (shared / "chatbot-data-songys").is_dir() or not crisis_gate.REAL_SOURCES.is_file(),
    reason="the shared data is absent")


@needs_data
def test_the_gate_never_learns_from_hold_out_rows() -> None:
    rows = crisis_gate.real_tune_rows(shared)
    assert len(rows) > 10_000
    texts = crisis_gate.source_texts(shared)
    held: set[str] = set()
    for source, row, _d, _k, _i, split in crisis_gate._label_lines(crisis_gate.REAL_SOURCES):
        if split == "holdout" and source in texts:
            held.add(texts[source][int(row)].strip())
    for row, _d, _k, _i, split in crisis_gate._label_lines(crisis_gate.REAL_LABELS):
        if split == "holdout":
            held.add(texts["chatbot"][int(row)].strip())
    labelled_tune = {texts[source][int(row)].strip() for source, row, _d, _k, _i, split
                     in crisis_gate._label_lines(crisis_gate.REAL_SOURCES)
                     if split == "tune" and source in texts}
    labelled_tune |= {texts["chatbot"][int(row)].strip() for row, _d, _k, _i, split
                      in crisis_gate._label_lines(crisis_gate.REAL_LABELS) if split == "tune"}
    for text, _kind, source in rows:
        assert text.strip() not in held and source != "civilappeal"
        # an unlabelled row is on the tune side of the hash; a labelled one by its label
        assert crisis_gate.tune_hash(text) or text.strip() in labelled_tune


@needs_data
def test_the_gate_learns_from_cue_rows_and_every_packaged_crisis() -> None:
    rows, weights = crisis_gate.gate_rows(shared)
    packaged = crisis.load_labelled(crisis.TRAIN_SET) + crisis.load_labelled(
        crisis_gate.REGISTER_SET) + crisis.load_labelled(crisis_gate.CASUAL_TUNE)
    assert any(k == "none" for _t, k, _i, _c in crisis.load_labelled(crisis_gate.CASUAL_TUNE))
    assert rows[:len(packaged)] == [(t, "none" if k == "none" else "crisis")
                                    for t, k, _i, _c in packaged]
    real = rows[len(packaged):]
    assert any(k == "crisis" for _t, k in real)  # the songys tune crises
    assert all(w == crisis_gate.REAL_CRISIS_WEIGHT
               for (_t, k), w in zip(real, weights[len(packaged):], strict=True) if k == "crisis")
    from dasan.text.normalize import light_view

    assert all(crisis.distress_cue(light_view(t).text) for t, k in real if k == "none")


def test_training_the_first_model_keeps_the_gate_file(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    models.mkdir()
    gate_file = models / "crisis_gate-0123456789ab.pkl"
    gate_file.write_bytes(b"the gate")
    path = models / "crisis-fedcba987654.pkl"
    monkeypatch.setattr(crisis, "_model_cache_path", lambda: path)
    crisis._load_or_train()  # removes older crisis-*.pkl files, not the gate's
    assert path.is_file() and gate_file.is_file()


@pytest.mark.parametrize("channel", sorted(crisis.GATE_EXEMPT_CHANNELS))
def test_a_field_report_is_not_judged_by_the_gate(tiny_gate: CrisisModel, channel: str) -> None:
    report = "저 배우 팬들 다 죽고 싶어 하겠네 ㅉㅉ"  # dropped on chat by the tiny gate
    assert not detect_crisis(report, channel="chat").crisis
    found = detect_crisis(report, channel=channel)
    assert found.crisis and found.kind == "suicide" and found.disclosure is None


def test_an_unknown_channel_is_refused_by_the_detector() -> None:
    # One vocabulary (crisis.CRISIS_CHANNELS) for the API, the playbook and every intake: a
    # misspelt channel would silently be read as a chat, with the second stage on.
    with pytest.raises(ValueError, match="unknown crisis channel 'field'"):
        detect_crisis("옆집 할머니가 며칠째 안 보여요", channel="field")  # type: ignore[arg-type]


def test_the_first_sets_field_channel_is_read_as_a_field_report(tmp_path: Path) -> None:
    tsv = tmp_path / "set.tsv"
    tsv.write_text("# a set\nneighbour\t0\tfield\t옆집 우편물이 쌓여 있어요\n", encoding="utf-8")
    assert crisis.load_labelled(tsv) == [("옆집 우편물이 쌓여 있어요", "neighbour", False,
                                          "field_report")]
    tsv.write_text("neighbour\t0\tfax\t옆집 우편물이 쌓여 있어요\n", encoding="utf-8")
    with pytest.raises(ValueError, match="set.tsv:1: unknown channel 'fax'"):
        crisis.load_labelled(tsv)
