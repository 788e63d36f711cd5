"""Parsing the seed FAQ files (dasan.knowledge.faq_source)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dasan.knowledge.faq_source import (
    CATEGORIES,
    CategoryClassifier,
    FaqRecord,
    assign_categories,
    holdout_split,
    load_civilappeal,
    load_pytextbook,
    load_pytextbook_categories,
    load_seed_records,
    split_program,
    title_key,
)


def _write(path: Path, text: str, bom: bool = True) -> Path:
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def test_split_program_variants() -> None:
    assert split_program("[대시민용] 기후동행카드, 환불은 어떻게 하나요?") == (
        "기후동행카드",
        "환불은 어떻게 하나요?",
    )
    # leading comma after the tag
    assert split_program("[대시민용], 서울시 장애인 버스요금 지원사업, 하루 횟수 제한이 있나요?") == (
        "서울시 장애인 버스요금 지원사업",
        "하루 횟수 제한이 있나요?",
    )
    # no comma: split only on a programme name known from other rows
    known = {"소상공인 사업재기 및 안전한 폐업지원 사업"}
    assert split_program(
        "[대시민용] 소상공인 사업재기 및 안전한 폐업지원 사업 신청기간은?", known
    ) == ("소상공인 사업재기 및 안전한 폐업지원 사업", "신청기간은?")
    # other bracket tags name the programme too
    assert split_program("[저출산대책] 출산지원시책을 확인할 곳이 있나요?") == (
        "저출산대책",
        "출산지원시책을 확인할 곳이 있나요?",
    )
    assert split_program("건축한계선은 무엇인가요?") == (None, "건축한계선은 무엇인가요?")


def test_load_civilappeal_bom_prefix_and_empty_answer(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "civil.csv",
        "id,질문,본문\n"
        '1,"[대시민용] 기후동행카드, 환불은 어떻게 하나요?","역사 고객센터에서 환불합니다."\n'
        '2,"[대시민용] 기후동행카드, 청소년도 살 수 있나요?",""\n'
        '3,건축한계선은 무엇인가요?,"건축물을 지을 수 있는 한계선입니다.\n둘째 줄"\n',
    )
    recs = load_civilappeal(path, source="civilappeal")
    assert [r.external_id for r in recs] == ["1", "2", "3"]
    first = recs[0]
    assert first.program == "기후동행카드"
    assert first.question == "환불은 어떻게 하나요?"
    assert first.title == "기후동행카드, 환불은 어떻게 하나요?"
    assert first.source == "civilappeal"
    assert recs[1].answer == ""  # kept: becomes a "needs an answer" entry
    assert recs[2].program is None and recs[2].title == "건축한계선은 무엇인가요?"
    assert "둘째 줄" in recs[2].answer


def test_load_geumcheon_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "g.csv", "id,질문,내용\n번호 1,이혼신고 절차는?,법원 방문\n", bom=False)
    (rec,) = load_civilappeal(path, source="geumcheon")
    assert rec.external_id == "번호 1" and rec.answer == "법원 방문" and rec.source == "geumcheon"


def test_load_civilappeal_rejects_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="expected columns"):
        load_civilappeal(_write(tmp_path / "a.csv", "번호,제목\n1,x\n"))
    with pytest.raises(ValueError, match="duplicate id"):
        load_civilappeal(_write(tmp_path / "b.csv", "id,질문,본문\n1,a,b\n1,c,d\n"))
    with pytest.raises(ValueError, match="empty question"):
        load_civilappeal(_write(tmp_path / "c.csv", "id,질문,본문\n1,,b\n"))


def test_pytextbook_and_assign_categories(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "pt.csv",
        "번호,분류,제목,내용,내용번호\n"
        "1,교통,따릉이 대여 방법은?,내용,1\n"
        "2,복지,산후조리경비 지원 대상,내용,2\n",
        bom=False,
    )
    assert load_pytextbook(path) == [("따릉이 대여 방법은?", "교통"), ("산후조리경비 지원 대상", "복지")]
    cats = load_pytextbook_categories(path)
    assert cats[title_key("따릉이 대여 방법은")] == "교통"
    recs = [
        FaqRecord("1", "따릉이 대여 방법은?", None, "따릉이 대여 방법은?", "a", None, "x"),
        FaqRecord("2", "모르는 제목", None, "모르는 제목", "a", None, "x"),
    ]
    out = assign_categories(recs, cats)
    assert out[0].category == "교통" and out[1].category is None
    bad = _write(tmp_path / "bad.csv", "번호,분류,제목,내용,내용번호\n1,기타,제목,x,1\n")
    with pytest.raises(ValueError, match="unknown category"):
        load_pytextbook(bad)


def test_classifier_learns_and_validates() -> None:
    titles = ["버스 노선 문의", "지하철 환승 요금", "따릉이 대여", "버스 정류장 위치",
              "기초연금 신청", "장애인 복지 지원", "노인 돌봄 서비스", "기초생활수급 자격"]
    labels = ["교통"] * 4 + ["복지"] * 4
    clf = CategoryClassifier().fit(titles, labels)
    assert clf.predict(["지하철 요금", "복지 서비스 신청"]) == ["교통", "복지"]
    with pytest.raises(ValueError, match="unknown categories"):
        CategoryClassifier().fit(["a", "b"], ["교통", "없는분류"])
    with pytest.raises(ValueError, match="not trained"):
        CategoryClassifier().predict(["x"])
    with pytest.raises(ValueError, match="titles but"):
        CategoryClassifier().fit(["a"], ["교통", "복지"])


def test_holdout_split_is_deterministic_and_disjoint() -> None:
    tr, te = holdout_split(100, 0.2, seed=1)
    tr2, te2 = holdout_split(100, 0.2, seed=1)
    assert (tr == tr2).all() and (te == te2).all()
    assert len(te) == 20 and not set(tr) & set(te) and len(set(tr) | set(te)) == 100
    with pytest.raises(ValueError):
        holdout_split(10, 1.5)


def test_real_civilappeal(shared_data: Path) -> None:
    recs = load_civilappeal(shared_data / "seoul120-faq-opengov" / "civilappeal_data.csv")
    assert len(recs) == 2842
    assert sum(1 for r in recs if not r.answer) == 576
    assert all("대시민용" not in r.title for r in recs)
    climate = [r for r in recs if r.program == "기후동행카드"]
    assert len(climate) >= 160
    assert all(r.title.startswith("기후동행카드, ") for r in climate)
    assert all("？" not in r.program for r in recs if r.program)


def test_real_seed_records_have_categories(shared_data: Path) -> None:
    recs = load_seed_records(shared_data)
    sources = {r.source for r in recs}
    assert sources == {"civilappeal", "complaint", "geumcheon"}
    assert all(r.category in CATEGORIES for r in recs)
    with pytest.raises(ValueError, match="no seed FAQ file"):
        load_seed_records(shared_data / "does-not-exist")
