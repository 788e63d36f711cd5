"""The editors' gists of the answers (dasan.knowledge.editor_gists): the file format, the
shipped files, and how the search index reads a gist (a passage of its entry that a foreign
question meets and a Korean one never does; words of the foreign-word scorer)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from dasan.knowledge.editor_gists import (
    GIST_LANGS,
    SEED_GISTS_DIR,
    by_entry,
    clean_gists,
    parse_line,
    read_dir,
    read_file,
    seed_gists,
)
from dasan.knowledge.search import IndexConfig, SearchDoc, SearchIndex


@pytest.mark.parametrize("line, message", [
    ("not json", "not JSON"),
    ("[1]", "expected an object"),
    ('{"lang": "vi", "gist": "x"}', "no id"),
    ('{"id": "1", "lang": "ko", "gist": "x"}', "unknown language"),
    ('{"id": "1", "lang": "vi", "gist": "  "}', "no gist"),
    ('{"id": "1", "lang": "vi", "gist": ["x"]}', "no gist"),
    (json.dumps({"id": "1", "lang": "vi", "gist": "x" * 1001}), "longer than"),
])
def test_a_bad_line_is_refused_with_its_place(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        parse_line(line, "gist-vi.jsonl:7")
    assert "gist-vi.jsonl:7" in str(err.value)


def test_a_file_reads_whole_or_not_at_all(tmp_path: Path) -> None:
    good = tmp_path / "gist-vi.jsonl"
    good.write_text('{"id": 12, "lang": "vi", "gist": " Thẻ  xe buýt\\n cho người cao tuổi. "}\n'
                    "\n", encoding="utf-8")
    rows = read_file(good)
    assert [(r.entry_id, r.lang, r.gist) for r in rows] == [
        ("12", "vi", "Thẻ xe buýt cho người cao tuổi.")]
    (tmp_path / "gist-mn.jsonl").write_text('{"id": "12", "lang": "mn", "gist": "a"}\nbad\n',
                                            encoding="utf-8")
    with pytest.raises(ValueError, match="gist-mn.jsonl:2"):
        read_dir(tmp_path)


def test_gists_group_by_entry_in_language_order(tmp_path: Path) -> None:
    rows = [parse_line(json.dumps({"id": "1", "lang": lang, "gist": lang}), "x")
            for lang in ("mn", "en", "vi")]
    assert list(by_entry(rows)["1"]) == ["en", "vi", "mn"]
    assert read_dir(tmp_path / "absent") == []
    with pytest.raises(ValueError, match="unknown language"):
        read_dir(tmp_path, ["ko"])


def test_clean_gists_drops_empty_ones_and_refuses_unknown_languages() -> None:
    assert clean_gists({"en": "  Bus  card. ", "vi": " "}) == {"en": "Bus card."}
    assert clean_gists(None) == {}
    with pytest.raises(ValueError, match="unknown gist language"):
        clean_gists({"ko": "요약"})
    with pytest.raises(ValueError, match="longer than"):
        clean_gists({"en": "x" * 1001})


def test_the_shipped_files_are_complete_one_language_a_file() -> None:
    files = sorted(SEED_GISTS_DIR.glob("*.jsonl"))
    assert files, "no gist file shipped"
    for path in files:
        rows = read_file(path)
        lang = path.stem.removeprefix("gist-")
        assert lang in GIST_LANGS and {r.lang for r in rows} == {lang}, path.name
        assert len(rows) == len({r.entry_id for r in rows}) == 2842, path.name
    shipped = seed_gists()
    assert len(shipped) == 2842 and all(k.startswith("civilappeal:") for k in shipped)


GIST = "Seoul public bikes (Ttareungyi) are rented in the app after buying a pass."
DOCS = [
    SearchDoc("bike-rent", "따릉이 대여는 어떻게 하나요?", ("공공자전거 빌리는 방법",),
              "따릉이 앱에서 대여권을 구매한 뒤 대여합니다.", gists=(GIST,)),
    SearchDoc("bike-lost", "따릉이 분실 신고는 어디에 하나요?", ("자전거 잃어버렸어요",),
              "따릉이 고객센터에 신고합니다."),
    SearchDoc("resident-copy", "주민등록등본은 어디서 발급받나요?", ("등본 떼는 곳",),
              "주민센터나 정부24에서 발급합니다."),
]
CONFIG = IndexConfig(foreign_lexical=True)


@pytest.fixture(scope="module")
def indexes() -> tuple[SearchIndex, SearchIndex]:
    """The entries with the gist, and the same entries without it."""
    with_gist = SearchIndex(DOCS, config=CONFIG)
    without = SearchIndex([replace(d, gists=()) for d in DOCS], cache=with_gist.cache,
                          config=CONFIG)
    return with_gist, without


def test_a_gist_is_a_passage_a_foreign_question_meets(
        indexes: tuple[SearchIndex, SearchIndex]) -> None:
    with_gist, without = indexes
    q = "How do I rent a public bike with a pass in the app?"
    got = with_gist.components(q, foreign=q)
    assert with_gist.best_passage(got, "bike-rent") == GIST
    assert got.dense[0] > without.components(q).dense[0]
    # the foreign-word scorer reads the gist's words; without it nothing matches
    assert got.foreign is not None and got.foreign[0] > 0
    plain = without.components(q, foreign=q).foreign
    assert plain is None or not plain.any()


def test_a_korean_question_never_meets_a_gist(indexes: tuple[SearchIndex, SearchIndex]) -> None:
    with_gist, without = indexes
    q = "따릉이 빌리려면 어떻게 해요"
    got, ref = with_gist.components(q), without.components(q)
    assert np.allclose(got.dense, ref.dense)
    assert np.allclose(got.bm25, ref.bm25) and np.allclose(got.chars, ref.chars)
    assert with_gist.best_passage(got, "bike-rent") != GIST


def test_a_gist_given_as_one_string_is_refused() -> None:
    with pytest.raises(ValueError, match="gists must be a sequence"):
        SearchDoc("x", "제목", gists="one string")  # type: ignore[arg-type]
