from datetime import datetime, timedelta

from sqlalchemy import select

from dasan.db.models import AuditLog, Citizen, Consultation

T0 = datetime(2024, 9, 2, 9, 0, 0)


def _item(**over: object) -> dict[str, object]:
    item: dict[str, object] = {
        "channel": "전화",
        "started_at": T0.isoformat(),
        "queued_at": (T0 + timedelta(seconds=20)).isoformat(),
        "answered_at": (T0 + timedelta(seconds=50)).isoformat(),
        "ended_at": (T0 + timedelta(seconds=230)).isoformat(),
        "queue": "transport",
        "outcome": "answered",
        "district_code": "11545",
        "phone": "010-1234-5678",
        "subject": "기후동행카드 충전 문의, 연락처 010-9876-5432",
        "agent_id": 1,
    }
    item.update(over)
    return item


def test_login_required_and_roles_enforced(client, login) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/consultations").status_code == 401
    login("citizen")
    r = client.get("/api/consultations")
    assert r.status_code == 403
    assert "not allowed" in r.json()["detail"]


def test_create_stores_phone_hashed_and_masks_subject(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("agent1")
    r = client.post("/api/consultations", json=_item())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["channel"] == "phone"
    assert body["wait_seconds"] == 30.0 and body["handle_seconds"] == 180.0
    assert "9876-5432" not in body["subject"] and "5432" in body["subject"]
    row = db.get(Consultation, body["id"])
    citizen = db.get(Citizen, row.citizen_id)
    assert citizen.phone_masked == "010-****-5678"
    assert "12345678" not in (citizen.phone_hash or "")
    # a second call from the same number finds the same citizen
    r2 = client.post("/api/consultations", json=_item(phone="01012345678"))
    assert db.get(Consultation, r2.json()["id"]).citizen_id == row.citizen_id


def test_bad_input_gets_a_4xx_with_a_message(client, login) -> None:  # type: ignore[no-untyped-def]
    login("agent1")
    cases = [
        _item(channel="팩스"),
        _item(outcome="lost"),
        _item(district_code="99999"),
        _item(ended_at=(T0 - timedelta(seconds=5)).isoformat()),
        _item(queue="nosuchqueue"),
        _item(agent_id=99999),
        _item(language="xx"),
        _item(phone="12"),
        {"channel": "phone"},
    ]
    for case in cases:
        r = client.post("/api/consultations", json=case)
        assert 400 <= r.status_code < 500, (case, r.status_code)
        assert r.json()["detail"], case
    r = client.post("/api/consultations", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_batch_is_atomic(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("supervisor")
    good = [_item(phone=None, subject=f"문의 {i}") for i in range(50)]
    r = client.post("/api/consultations/batch", json=good)
    assert r.status_code == 201 and r.json()["created"] == 50
    bad = good[:10] + [_item(channel="팩스")]
    r = client.post("/api/consultations/batch", json=bad)
    assert r.status_code == 422 and "item 10" in r.json()["detail"]
    assert len(db.scalars(select(Consultation.id)).all()) == 50
    assert client.post("/api/consultations/batch", json=[]).status_code == 400


def test_district_officer_is_scoped_and_refusals_are_logged(client, login, db) -> None:  # type: ignore[no-untyped-def]
    login("supervisor")
    client.post("/api/consultations", json=_item(district_code="11545", phone=None))
    other = client.post("/api/consultations", json=_item(district_code="11680", phone=None)).json()
    login("district")  # 금천구 (11545)
    rows = client.get("/api/consultations").json()
    assert rows and {r["district_code"] for r in rows} == {"11545"}
    assert client.get(f"/api/consultations/{other['id']}").status_code == 403
    assert client.get("/api/consultations", params={"district": "11680"}).status_code == 403
    denied = db.scalars(select(AuditLog).where(AuditLog.outcome == "denied")).all()
    assert len(denied) >= 2
    assert all(a.actor == "district" for a in denied)


def test_api_token_for_integrations(client, login) -> None:  # type: ignore[no-untyped-def]
    login("supervisor")
    token = client.post("/api/auth/tokens", json={"name": "CTI"}).json()["token"]
    client.cookies.clear()
    headers = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/consultations", json=_item(phone=None), headers=headers)
    assert r.status_code == 201
    r = client.get("/api/consultations", headers={"Authorization": "Bearer dsn_wrong"})
    assert r.status_code == 401


def test_home_page_is_korean_with_english_available(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/")
    assert r.status_code == 200
    assert "상담사 데스크" in r.text and "표준상담DB" in r.text
    r = client.get("/?lang=en")
    assert "Agent desktop" in r.text
    # API docs are for logged-in staff (tests/integration/security covers them).
    assert client.get("/docs", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_and_logged(client, db) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/auth/login", json={"username": "agent1", "password": "nope-nope"})
    assert r.status_code == 401
    assert db.scalars(select(AuditLog).where(AuditLog.action == "auth.login")).first()


def test_district_desk_shows_own_district_only(client, login) -> None:  # type: ignore[no-untyped-def]
    login("supervisor")
    now = datetime.utcnow().replace(microsecond=0)
    for code in ("11545", "11680"):
        client.post("/api/consultations", json=_item(
            district_code=code, phone=None, started_at=now.isoformat(), queued_at=None,
            answered_at=None, ended_at=None, outcome="open", agent_id=None,
            subject=f"{code} 민원 010-2222-3333"))
    login("district")
    page = client.get("/district")
    assert page.status_code == 200 and "금천구" in page.text
    assert "11545 민원" in page.text and "11680 민원" not in page.text
    assert "2222-3333" not in page.text  # masked
    assert client.get("/district", params={"code": "11680"}).status_code == 403


def test_district_desk_shows_times_on_the_city_clock(client, login) -> None:  # type: ignore[no-untyped-def]
    """The district officer's recent consultations start on Seoul's wall clock (as every staff
    screen), not on the stored UTC."""
    from dasan.timeutil import to_local

    login("supervisor")
    now = datetime.utcnow().replace(second=0, microsecond=0)
    client.post("/api/consultations", json=_item(
        district_code="11545", phone=None, started_at=now.isoformat(), queued_at=None,
        answered_at=None, ended_at=None, outcome="open", agent_id=None, subject="시각 확인"))
    login("district")
    page = client.get("/district").text
    assert f"<td>{to_local(now).strftime('%m-%d %H:%M')}</td>" in page
    assert f"<td>{now.strftime('%m-%d %H:%M')}</td>" not in page


def test_language_choice_is_remembered_on_every_page(client, login) -> None:  # type: ignore[no-untyped-def]
    login("kbeditor")
    r = client.get("/kb", params={"lang": "en"})
    assert r.cookies.get("dasan_lang") == "en" and "Knowledge base" in r.text
    assert "Review status per owner agency" in client.get("/kb/dashboard").text  # no ?lang
    client.get("/", params={"lang": "ko"})
    assert "소관기관별 현행화 현황" in client.get("/kb/dashboard").text
