"""District desk and status back: an officer sees and handles only their district's reports;
the district's system posts updates with its API token (replays refused); the citizen's
tracking page and Open311 show each change; supervisors see everything and the dead letters."""

from __future__ import annotations

from photo_helpers import jpeg_with_gps, plain_png
from sqlalchemy import select

from dasan.auth import issue_api_token
from dasan.complaints.sla import escalate_overdue
from dasan.db.base import utcnow
from dasan.db.models import AuditLog, Consultation, User
from dasan.db.models_complaints import NotificationOutbox, ServiceRequest

GEUMCHEON = {"lat": "37.4569", "long": "126.8955"}  # 금천구 (the demo officer's district)
JUNG = {"lat": "37.5665", "long": "126.9780"}  # 중구


def submit(client, where: dict[str, str], **extra):  # type: ignore[no-untyped-def]
    r = client.post("/api/complaints/reports", data={"service_code": "OTHER", **where,
                                                      "description": "가로수 쓰러짐", **extra},
                    files={"photos": ("a.jpg", jpeg_with_gps(), "image/jpeg")})
    assert r.status_code == 201, r.text
    return r.json()


def test_citizen_page_and_geojson(client, shared_data) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/report")
    assert page.status_code == 200 and "스마트 불편신고" in page.text
    assert "<script>" not in page.text and "/static/complaints/report.js" in page.text
    assert "불법주정차" in page.text
    en = client.get("/report?lang=en")
    assert "Report a street problem" in en.text and "Illegal parking" in en.text
    gu = client.get("/report/geo/gu.geojson")
    assert gu.status_code == 200 and len(gu.json()["features"]) == 25
    assert len(client.get("/report/geo/dong.geojson").json()["features"]) == 467
    assert client.get("/report/geo/other.geojson").status_code == 404


def test_a_report_without_a_photo_from_the_page_is_taken(client, shared_data) -> None:  # type: ignore[no-untyped-def]
    """The report page posts `new FormData(form)`: with no photo chosen, the browser still sends
    the empty file field (filename "" and no bytes). That is no photo, not a bad one."""
    fields = {"service_code": "OTHER", **JUNG, "description": "가로수 쓰러짐"}
    parts = [f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             for k, v in fields.items()]
    parts.append('--b\r\nContent-Disposition: form-data; name="photos"; filename=""\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n")  # as Chromium
    r = client.post("/api/complaints/reports", content="".join(parts).encode(),
                    headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 201, r.text
    assert client.get(f"/api/complaints/track/{r.json()['token']}").json()["photos"] == []


def test_officer_handles_own_district_and_citizen_sees_it(client, login, db, shared_data) -> None:  # type: ignore[no-untyped-def]
    mine = submit(client, GEUMCHEON, phone="010-2222-3333")
    other = submit(client, JUNG)
    track = client.get(mine["tracking_url"])
    assert track.status_code == 200 and "접수" in track.text
    assert 'id="survey-form"' not in track.text  # the survey opens once the report is handled
    early = client.post(f"/report/track/{mine['token']}/survey", data={"score": "5"})
    assert early.status_code == 409 and 'id="survey-error"' in early.text
    photo_url = client.get(f"/api/complaints/track/{mine['token']}").json()["photos"][0]["thumb_url"]
    assert client.get(photo_url).headers["content-type"] == "image/jpeg"

    login("district")
    desk = client.get("/district/complaints")
    assert f'id="sr-{mine["service_request_id"]}"' in desk.text
    assert f'id="sr-{other["service_request_id"]}"' not in desk.text
    assert client.get("/district/complaints?code=11140").status_code == 403
    # another district's report: refused and audited
    r = client.post(f"/api/complaints/requests/{other['service_request_id']}/status",
                    json={"action": "accept"})
    assert r.status_code == 403
    assert db.scalar(select(AuditLog).where(AuditLog.action == "complaints.other_district"))
    # accept, then resolve with a note from the desk form
    r = client.post(f"/district/complaints/{mine['service_request_id']}",
                    data={"action": "accept", "note": ""}, follow_redirects=False)
    assert r.status_code == 303 and "error" not in r.headers["location"]
    r = client.post(f"/district/complaints/{mine['service_request_id']}",
                    data={"action": "reject", "note": ""}, follow_redirects=False)
    assert "error=invalid_update" in r.headers["location"]  # a rejection needs a reason
    r = client.post(f"/district/complaints/{mine['service_request_id']}",
                    data={"action": "resolve", "note": "수거 완료"}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/api/complaints/requests/{mine['service_request_id']}/photos",
                    files={"photo": ("done.png", plain_png(), "image/png")})
    assert r.status_code == 201 and [p["kind"] for p in r.json()["photos"]] == ["report", "resolution"]

    client.cookies.clear()
    t = client.get(f"/api/complaints/track/{mine['token']}").json()
    assert t["status"] == "resolved" and t["open311_status"] == "closed"
    assert [h["status"] for h in t["history"]] == ["received", "accepted", "resolved"]
    assert t["history"][-1]["note"] == "수거 완료"
    o = client.get(f"/open311/v2/requests/{mine['service_request_id']}.json").json()[0]
    assert o["status"] == "closed" and o["status_notes"] == "수거 완료"
    assert "수거 완료" in client.get(mine["tracking_url"]).text
    row = db.get(ServiceRequest, int(mine["service_request_id"]))
    db.refresh(row)
    assert db.get(Consultation, row.consultation_id).status == "closed"
    sms = db.scalars(select(NotificationOutbox).where(
        NotificationOutbox.request_id == row.id, NotificationOutbox.channel == "sms")).all()
    assert len(sms) == 3 and "처리 완료" in sms[-1].body  # received, accepted, resolved

    # The satisfaction survey on the tracking page (issue 17): a bad score changes nothing; one
    # answer (comment masked) joins the report's consultation; a second answer is refused.
    from dasan.db.models_quality import SurveyAnswer

    survey_url = f"/report/track/{mine['token']}/survey"
    assert 'id="survey-form"' in client.get(mine["tracking_url"]).text
    bad = client.post(survey_url, data={"score": "9"})
    assert bad.status_code == 422 and "1부터 5까지" in bad.text
    assert db.scalar(select(SurveyAnswer.id)) is None
    r = client.post(survey_url, data={"score": "2", "comment": "늦었어요 010-2222-3333"},
                    follow_redirects=False)
    assert r.status_code == 303
    answers = db.scalars(select(SurveyAnswer)).all()
    assert [(a.consultation_id, a.channel, a.score) for a in answers] == [
        (row.consultation_id, "field_report", 2)]
    assert "2222-3333" not in (answers[0].comment_masked or "")
    assert client.post(survey_url, data={"score": "5"}).status_code == 409
    assert 'id="survey-done"' in client.get(mine["tracking_url"]).text
    assert db.scalar(select(SurveyAnswer.score)) == 2


def test_district_system_posts_with_its_token_and_replays_are_refused(client, db, shared_data) -> None:  # type: ignore[no-untyped-def]
    mine = submit(client, GEUMCHEON)
    officer = db.scalar(select(User).where(User.username == "district"))
    token = issue_api_token(db, officer, "금천구 민원시스템")
    db.commit()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "gc-0001"}
    url = f"/api/complaints/requests/{mine['service_request_id']}/status"
    r = client.post(url, json={"action": "in_progress", "note": "현장 출동"}, headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    again = client.post(url, json={"action": "in_progress", "note": "현장 출동"}, headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "replayed"
    bad = client.post(url, json={"action": "explode"},
                      headers={**headers, "Idempotency-Key": "gc-0002"})
    assert bad.status_code == 400
    moved = client.post(url, json={"action": "reassign", "agency_code": "gu-11530",
                                   "note": "구로구 관할"},
                        headers={**headers, "Idempotency-Key": "gc-0003"})
    assert moved.status_code == 200
    assert moved.json()["district_code"] == "11530" and moved.json()["agency_responsible"] == "구로구"
    # once reassigned, Geumcheon's token no longer handles it
    r = client.post(url, json={"action": "accept"},
                    headers={**headers, "Idempotency-Key": "gc-0004"})
    assert r.status_code == 403
    history = [h["status"] for h in client.get(f"/api/complaints/track/{mine['token']}").json()["history"]]
    assert history == ["received", "in_progress", "reassigned"]


def test_supervisor_overview_sla_and_duplicates_follow(client, login, db, shared_data) -> None:  # type: ignore[no-untyped-def]
    first = submit(client, GEUMCHEON)
    dup = submit(client, {"lat": "37.45691", "long": "126.89551"})
    row = db.get(ServiceRequest, int(first["service_request_id"]))
    assert db.get(ServiceRequest, int(dup["service_request_id"])).duplicate_of_id == row.id
    # SLA: push the deadlines into the past and scan
    row.ack_due_at = row.expected_at = utcnow().replace(year=2020)
    db.commit()
    assert escalate_overdue(db) == 1
    db.commit()
    assert escalate_overdue(db) == 0  # once
    login("supervisor")
    page = client.get("/complaints/overview")
    assert page.status_code == 200 and "금천구" in page.text
    stats = {s["district_code"]: s for s in client.get("/api/complaints/stats").json()}
    assert stats["11545"]["total"] == 1 and stats["11545"]["escalated"] == 1
    r = client.post(f"/api/complaints/requests/{first['service_request_id']}/status",
                    json={"action": "resolve", "note": "정비 완료"})
    assert r.status_code == 200
    d = client.get(f"/api/complaints/track/{dup['token']}").json()
    assert d["status"] == "resolved" and d["duplicate_of"] == first["service_request_id"]
    login("district")
    assert client.get("/complaints/overview").status_code == 403
    assert {s["district_code"] for s in client.get("/api/complaints/stats").json()} == {"11545"}


def test_a_report_that_signals_a_crisis_alerts_the_floor(client, db, shared_data) -> None:  # type: ignore[no-untyped-def]
    """Issue 17: field reports are screened too. A neighbour not seen for days raises the
    report and stores a supervisor alert; an ordinary report does not; both go to the district."""
    from dasan.db.models_protection import CrisisAlert

    plain = submit(client, GEUMCHEON, description="가로수가 쓰러져 길을 막고 있어요")
    worry = submit(client, GEUMCHEON,
                   description="옆집 할머니가 며칠째 안 보이시는데 우편물이 쌓여 있어요")
    alerts = db.scalars(select(CrisisAlert)).all()
    row = db.get(ServiceRequest, int(worry["service_request_id"]))
    assert [(a.consultation_id, a.channel) for a in alerts] == [
        (row.consultation_id, "smart_report")]
    assert db.get(Consultation, row.consultation_id).crisis is True
    assert row.priority >= 1 and row.agency_code  # still routed to its district
    calm = db.get(ServiceRequest, int(plain["service_request_id"]))
    assert db.get(Consultation, calm.consultation_id).crisis is not True


def test_merged_report_note_in_the_readers_language_once(client, db, shared_data) -> None:  # type: ignore[no-untyped-def]
    """Two reports at the same spot: the second's generated note (merged into the first) is
    kept as a code and worded in the tracking page's language, once (the page printed the
    stored Korean sentence on the English page, twice: as the current note and in the
    history). A row written before the codes (the Korean sentence) reads the same way."""
    from dasan.db.models_complaints import ComplaintStatusEvent

    first = submit(client, GEUMCHEON)
    second = submit(client, GEUMCHEON)
    row = db.get(ServiceRequest, int(second["service_request_id"]))
    assert row is not None and row.duplicate_of_id == int(first["service_request_id"])
    original = first["service_request_id"]
    korean = f"같은 신고 2건: 원 신고 #{original}에 병합되었습니다."
    english = f"Same report ×2: merged into the original report #{original}."
    assert row.status_notes != korean  # stored as a code with its parameters, not a sentence

    def shown(lang: str) -> str:
        page = client.get(f"{second['tracking_url']}?lang={lang}")
        assert page.status_code == 200
        return str(page.text)

    en = shown("en")
    assert en.count(english) == 1 and "병합되었습니다" not in en
    assert shown("ko").count(korean) == 1
    zh = shown("zh")
    assert f"#{original}" in zh and "병합되었습니다" not in zh and "merged into" not in zh
    api = client.get(f"/api/complaints/track/{second['token']}?lang=en").json()
    assert api["status_notes"] == english and english in [h["note"] for h in api["history"]]

    # an old row: the sentence itself, on the report and in its history
    row.status_notes = korean
    for e in db.scalars(select(ComplaintStatusEvent).where(
            ComplaintStatusEvent.request_id == row.id, ComplaintStatusEvent.note.is_not(None))):
        e.note = korean
    db.commit()
    en = shown("en")
    assert en.count(english) == 1 and "병합되었습니다" not in en
