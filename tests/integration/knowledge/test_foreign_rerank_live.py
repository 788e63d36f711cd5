"""A foreign question's search on the live index goes through the shipped foreign re-ranker
(dasan.knowledge.foreign_rerank): the stored gists reach the index with their languages, the
index learns its maps from them, and the bot's answer search and the desk's search re-order
their top candidates with it."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest
from sqlalchemy.orm import Session

from dasan.knowledge.search import SearchIndex

ENTRY = {"program": "기후동행카드", "category": "교통", "status": "published",
         "question_variants": []}
ENTRIES = [
    ("기후동행카드 충전 방법", "지하철역 무인충전기와 모바일 앱에서 충전합니다.",
     {"en": "The Climate Card is topped up at station machines or in the app.",
      "vi": "Thẻ Climate Card được nạp tiền tại máy ở ga hoặc trong ứng dụng."}),
    ("기후동행카드 환불 방법", "역 고객안내센터에서 잔액을 환불받을 수 있습니다.",
     {"en": "The Climate Card balance is refunded at a station service centre."}),
    ("기후동행카드 구매 장소", "역 고객안내센터와 편의점에서 구매합니다.",
     {"en": "The Climate Card is bought at station service centres or convenience stores."}),
]


def test_a_foreign_search_goes_through_the_foreign_reranker(
        client: Any, login: Any, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.knowledge.bot_answer import find_answer
    from dasan.knowledge.foreign_rerank import shipped
    from dasan.knowledge.live import get_live_index

    assert shipped() is not None
    login("kbeditor")
    for title, answer, gists in ENTRIES:
        r = client.post("/api/knowledge/entries",
                        json=ENTRY | {"title": title, "answer": answer, "gists": gists})
        assert r.status_code == 201, r.text
    calls: list[tuple[str, np.ndarray | None]] = []
    original = SearchIndex.foreign_order

    def spy(self: SearchIndex, query_vector: np.ndarray, language: str,
            fused: np.ndarray) -> np.ndarray | None:
        out = original(self, query_vector, language, fused)
        calls.append((language, out))
        return out

    monkeypatch.setattr(SearchIndex, "foreign_order", spy)
    found = find_answer(db, "How do I get my Climate Card money back?", date.today(),
                        lexical_query="기후동행카드 환불", language="en")
    assert found.found
    assert calls and calls[-1][0] == "en" and calls[-1][1] is not None
    # the index learnt maps for the languages whose gists are stored (with their languages)
    live = get_live_index()
    index = live.sync(db)
    assert {"en", "vi"} <= set(index._ensure_built().gist_maps)
    assert "zh" not in index._ensure_built().gist_maps
    # the desk's search (not the bot's answerable-only one) too
    calls.clear()
    hits = live.search(db, "Where do I buy the Climate Card?", lexical_query="기후동행카드 구매",
                       language="en")
    assert hits and calls and calls[-1][1] is not None
