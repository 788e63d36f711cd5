"""KB entries -> search documents (dasan.knowledge.index)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from dasan.knowledge.index import build_index, doc_from_entry, owner_key, sync_entry


@dataclass
class Agency:
    code: str


@dataclass
class Entry:
    id: int
    title: str
    question_variants: list[str] = field(default_factory=list)
    answer: str = ""
    category: str | None = None
    status: str = "published"
    valid_from: date | None = None
    valid_to: date | None = None
    owner_agency_id: int | None = None
    owner: Agency | None = None


def test_doc_from_entry_maps_fields() -> None:
    e = Entry(7, "따릉이 대여 방법", ["자전거 빌리기", " "], "앱에서", "교통", "draft",
              date(2024, 1, 1), None, 3, Agency("dept-traffic"))
    d = doc_from_entry(e)
    assert d.id == 7 and d.question_variants == ("자전거 빌리기",)
    assert d.owner == "dept-traffic" and d.status == "draft" and d.category == "교통"
    assert owner_key(Entry(1, "t", owner_agency_id=5)) == "5"
    assert owner_key(Entry(1, "t")) is None
    with pytest.raises(ValueError, match="title"):
        doc_from_entry(Entry(1, ""))


def test_build_and_sync(tmp_path: Path) -> None:
    entries = [Entry(1, "따릉이 대여는 어떻게 하나요?"), Entry(2, "서울페이 가맹점 신청 방법")]
    cache = tmp_path / "emb.npz"
    idx = build_index(entries, cache_path=cache)
    assert cache.is_file()
    assert idx.search("공공자전거 따릉이 빌리기")[0].id == 1
    sync_entry(idx, Entry(3, "서울런 가입 방법", status="published"))
    assert idx.search("서울런 가입")[0].id == 3
    sync_entry(idx, Entry(3, "서울런 가입 방법"), deleted=True)
    sync_entry(idx, Entry(3, "서울런 가입 방법"), deleted=True)  # already gone: no error
    assert 3 not in idx
    lex = build_index(entries, use_dense=False)
    assert lex.search("서울페이 가맹점")[0].id == 2
