"""The quarterly 현행화: bulk confirm, diff, restore, owner reassignment, automatic retirement."""

from datetime import date, timedelta

from sqlalchemy import select

from dasan.db.models import Agency, AuditLog, KbEntry
from dasan.knowledge import service

ENTRY = {"title": "따릉이 대여 요금", "answer": "1시간권 1,000원입니다.\n앱에서 구매합니다.",
         "status": "published", "question_variants": ["따릉이 얼마예요"]}


def test_confirm_diff_restore_and_reassign(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    ids = [client.post("/api/knowledge/entries", json=ENTRY | {"title": f"따릉이 요금 {i}"}
                       ).json()["id"] for i in range(2)]
    r = client.post("/api/knowledge/entries/confirm", json={"entry_ids": ids})
    assert r.status_code == 200 and r.json()["confirmed"] == ids
    hist = client.get(f"/api/knowledge/entries/{ids[0]}/history").json()
    assert [h["version"] for h in hist] == [1, 2] and "confirmed unchanged" in hist[1]["change_note"]
    assert hist[1]["changed_by"] is not None  # the author of each version

    client.patch(f"/api/knowledge/entries/{ids[0]}", json={"answer": "1시간권 2,000원입니다."})
    d = client.get(f"/api/knowledge/entries/{ids[0]}/diff", params={"a": 1, "b": 3}).json()
    assert set(d["fields"]) >= {"answer"} and any(line.startswith("-1시간권 1,000원")
                                                  for line in d["answer_diff"])
    r = client.post(f"/api/knowledge/entries/{ids[0]}/restore/1")
    assert r.status_code == 200 and r.json()["answer"] == ENTRY["answer"]
    assert r.json()["version"] == 4
    assert client.post(f"/api/knowledge/entries/{ids[0]}/restore/99").status_code == 404

    gc = db.scalar(select(Agency.id).where(Agency.code == "gu-11545"))
    r = client.post(f"/api/knowledge/entries/{ids[1]}/owner",
                    json={"owner_agency_id": gc, "note": "금천구 사업"})
    assert r.status_code == 200 and r.json()["owner_agency_id"] == gc
    assert db.scalar(select(AuditLog.id).where(AuditLog.action == "kb.reassign"))
    # now it is another agency's entry: no more edits, confirmations or reassignments
    assert client.post("/api/knowledge/entries/confirm",
                       json={"entry_ids": [ids[1]]}).status_code == 403
    assert client.post(f"/api/knowledge/entries/{ids[1]}/owner",
                       json={"owner_agency_id": gc}).status_code == 403


def test_validity_dates_retire_entries_and_the_filter_counts_are_real(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    past = (date.today() - timedelta(days=1)).isoformat()
    old = client.post("/api/knowledge/entries", json=ENTRY | {"valid_to": past}).json()
    client.post("/api/knowledge/entries", json={"title": "답변이 필요한 질문", "status": "draft"})
    assert service.retire_expired(db) == [old["id"]]
    db.commit()
    db.expire_all()
    assert db.get(KbEntry, old["id"]).status == "retired"
    page = client.get("/kb", params={"needs_answer": "1"})
    assert page.status_code == 200 and "총 1건" in page.text
    # statuses are named in Korean on the Korean page, never shown as the stored code
    assert ">초안<" in page.text and ">draft<" not in page.text
