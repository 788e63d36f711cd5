"""Editor question variant files: what a line must hold, and how variants join an entry."""

from pathlib import Path

import pytest

from dasan.knowledge.editor_variants import (
    LANGS,
    SEED_VARIANTS_DIR,
    by_entry,
    merged,
    parse_line,
    read_dir,
    seed_variants,
)


@pytest.mark.parametrize(("line", "message"), [
    ("not json", "not JSON"),
    ("[1, 2]", "expected an object"),
    ('{"variants": ["a"]}', "no id"),
    ('{"id": " ", "variants": ["a"]}', "no id"),
    ('{"id": "1", "lang": "fr", "variants": ["a"]}', "unknown language 'fr'"),
    ('{"id": "1", "variants": "a"}', "must be a list of strings"),
    ('{"id": "1", "variants": [1]}', "must be a list of strings"),
    ('{"id": "1", "variants": ["  "]}', "no variants"),
    ('{"id": "1", "variants": ["' + "가" * 301 + '"]}', "longer than 300"),
])
def test_a_bad_line_is_refused_with_its_place(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        parse_line(line, "x.jsonl:7")
    assert str(err.value).startswith("x.jsonl:7: ")


def test_a_line_reads_with_korean_as_the_default_language_and_spaces_squeezed() -> None:
    row = parse_line('{"id": 12, "variants": ["따릉이  환불 ", "따릉이 환불"]}', "w")
    assert (row.entry_id, row.lang, row.variants) == ("12", "ko", ("따릉이 환불",))


def test_variants_group_korean_first_then_the_languages_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        '{"id": "1", "lang": "mn", "variants": ["Ттарыни"]}\n'
        '{"id": "1", "lang": "en", "variants": ["bike refund"]}\n\n', encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        '{"id": "1", "variants": ["따릉이 환불", "bike refund"]}\n'
        '{"id": "2", "lang": "zh", "variants": ["退款"]}\n', encoding="utf-8")
    assert by_entry(read_dir(tmp_path)) == {
        "1": ("따릉이 환불", "bike refund", "Ттарыни"),
        "2": ("退款",)}
    assert by_entry(read_dir(tmp_path, ["zh"])) == {"2": ("退款",)}
    assert read_dir(tmp_path / "absent") == []
    with pytest.raises(ValueError, match="unknown language"):
        read_dir(tmp_path, ["xx"])


def test_a_bad_file_is_refused_whole_with_its_line_number(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": "1", "variants": ["a"]}\n{"id": "2"}\n',
                                      encoding="utf-8")
    with pytest.raises(ValueError, match=r"a\.jsonl:2: variants must be"):
        read_dir(tmp_path)


def test_merged_keeps_the_own_variants_first_drops_the_title_and_caps() -> None:
    assert merged(["요금 환불"], ["따릉이 환불", "요금  환불", "따릉이 이용권 환불"],
                  "따릉이 환불", 2) == ["요금 환불", "따릉이 이용권 환불"]


def test_the_shipped_files_cover_each_seed_entry_in_every_language() -> None:
    rows = read_dir(SEED_VARIANTS_DIR)
    ids = {r.entry_id for r in rows}
    for lang in LANGS:
        in_lang = [r for r in rows if r.lang == lang]
        assert {r.entry_id for r in in_lang} == ids, lang
    shipped = seed_variants()
    assert all(k.startswith("civilappeal:") for k in shipped)
    assert len(shipped) == len(ids) == 2842


def test_each_seed_entry_has_a_title_question_then_an_answer_question_in_every_language() -> None:
    from dasan.knowledge.editor_variants import read_file

    for lang in LANGS[1:]:
        first = read_file(SEED_VARIANTS_DIR / f"i18n-{lang}.jsonl")
        second = read_file(SEED_VARIANTS_DIR / f"i18n2-{lang}.jsonl")
        assert len(second) == 2842 and {r.lang for r in second} == {lang}
        assert {r.entry_id for r in second} == {r.entry_id for r in first}
        own = {r.entry_id: r.variants for r in first}
        shipped = seed_variants([lang])
        # the seed import reads both, the title's question first
        for row in second:
            assert shipped[f"civilappeal:{row.entry_id}"] == tuple(
                dict.fromkeys((*own[row.entry_id], *row.variants))), (lang, row.entry_id)
