"""The translation table learnt from parallel text (channels.translation.learnt) and the
rewrite's use of it (lexicon.korean_terms)."""

from __future__ import annotations

import random
from pathlib import Path

from dasan.channels.translation.learnt import (
    LEARNT_WEIGHT,
    learn,
    learnt_terms,
    load_table,
    source_words,
    write_table,
)
from dasan.channels.translation.lexicon import korean_terms


def _corpus() -> list[tuple[list[str], list[str]]]:
    """Twelve parallel pairs: "dog" goes with 반려견 in four of them, "bus" with 버스 in four;
    "city" and 안내 are in every pair (they translate each other, but say nothing); the rest
    is one-off noise on both sides."""
    pairs = []
    for i in range(12):
        f = ["city", f"noise{i}"]
        k = ["안내", f"잡음{i}"]
        if i < 4:
            f.append("dog")
            k.append("반려견")
        if 4 <= i < 8:
            f.append("bus")
            k.append("버스")
        if i in (0, 4):  # a word seen with both subjects
            k.append("요금")
        pairs.append((f, k))
    return pairs


def test_a_constructed_parallel_corpus_gives_the_expected_pairs() -> None:
    table = learn(_corpus(), min_pairs=3, per_word=2, mutual=3, min_llr=1.0)
    assert table["dog"][0] == "반려견"
    assert table["bus"][0] == "버스"
    # a word in every pair has no association (its pairs hold everything as often as all do)
    assert "city" not in table
    # a word seen fewer than min_pairs times with another is never linked
    assert not any(w.startswith("noise") for w in table)
    assert all("요금" not in kos for kos in table.values())


def test_the_table_is_deterministic_whatever_the_order_of_the_pairs() -> None:
    pairs = _corpus()
    shuffled = pairs[:]
    random.Random(3).shuffle(shuffled)
    a = learn(pairs, min_pairs=3, min_llr=1.0)
    b = learn(shuffled, min_pairs=3, min_llr=1.0)
    assert a == b and list(a) == sorted(a)


def test_a_higher_llr_floor_or_fewer_pairs_keeps_less() -> None:
    assert learn(_corpus(), min_pairs=5, min_llr=1.0) == {}
    assert learn(_corpus(), min_pairs=3, min_llr=1e6) == {}


def test_source_words_per_language() -> None:
    # en/mn: folded, cut to five letters, function words dropped
    assert source_words("The landlords of my flat", "en") == ["landl", "flat"]
    assert source_words("Түрээсийн байрны", "mn") == ["түрээ", "байрн"]
    # vi: syllables without their marks and each pair of neighbours
    assert source_words("Đăng ký thẻ", "vi") == ["dang", "ky", "the", "dang_ky", "ky_the"]
    assert source_words("dang ky the", "vi") == source_words("Đăng ký thẻ", "vi")
    # zh/ja: character bigrams of each run
    assert source_words("申请护照", "zh") == ["申请", "请护", "护照"]


def test_the_table_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "learnt.tsv"
    write_table({"en": {"dog": ("반려견", "강아지")}, "zh": {"护照": ("여권",)}}, path,
                header="a test table")
    assert path.read_text(encoding="utf-8").startswith("# a test table\n")
    assert load_table(path) == {"en": {"dog": ("반려견", "강아지")}, "zh": {"护照": ("여권",)}}
    assert load_table(tmp_path / "absent.tsv") == {}


def test_learnt_terms_follow_the_question_words() -> None:
    table = {"en": {"dog": ("반려견",), "lost": ("분실", "반려견")}}
    assert learnt_terms("Lost dog", "en", table) == ["분실", "반려견"]
    assert learnt_terms("Lost dog", "vi", table) == []  # no table for the language


def test_korean_terms_add_the_learnt_terms_after_the_lexicon_and_below_it() -> None:
    # keys as source_words cuts them: "deposit" -> "depos"
    table = {"en": {"depos": ("보증금",), "lodge": ("숙박", "보증금")}}
    terms = korean_terms("deposit lodge", "en", table=table)
    # "deposit" is in the shipped lexicon: its term stays the lexicon's, once
    assert terms[0].ko == "보증금" and terms[0].source == "lexicon" and terms[0].weight == 1.0
    assert [t.ko for t in terms].count("보증금") == 1
    learnt = [t for t in terms if t.source == "learnt"]
    assert [t.ko for t in learnt] == ["숙박"]
    assert all(t.weight == LEARNT_WEIGHT < 1.0 for t in learnt)
    assert terms[-1].source == "learnt"
    assert not any(t.source == "learnt" for t in
                   korean_terms("deposit lodge", "en", table=table, learnt=False))
