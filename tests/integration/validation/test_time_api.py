"""Timestamps: RFC 3339 with an offset out, offsets honoured in, no 500 on odd values."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

T0 = datetime(2026, 3, 4, 9, 0, 0)  # UTC


def _item(started: str) -> dict[str, object]:
    return {"channel": "전화", "started_at": started, "queue": "transport",
            "outcome": "open", "district_code": "11545", "subject": "기후동행카드 문의"}


def test_timestamps_leave_with_an_offset_and_offsets_count_on_the_way_in(
        client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    # 18:00 in Seoul is 09:00 UTC.
    r = c.post("/api/consultations", json=_item("2026-03-04T18:00:00+09:00"))
    assert r.status_code == 201, r.text
    rows = c.get("/api/consultations").json()
    started = datetime.fromisoformat(rows[0]["started_at"].replace("Z", "+00:00"))
    assert started.utcoffset() is not None
    assert started == datetime(2026, 3, 4, 9, tzinfo=started.tzinfo)
    # since/until keep their offset: 17:30+09:00 is 08:30 UTC, before the consultation.
    hit = c.get("/api/consultations", params={"since": "2026-03-04T17:30:00+09:00"}).json()
    assert len(hit) == 1
    miss = c.get("/api/consultations", params={"since": "2026-03-04T18:30:00+09:00"}).json()
    assert miss == []
    miss = c.get("/api/consultations", params={"until": "2026-03-04T17:59:00+09:00"}).json()
    assert miss == []


def test_zoned_alert_scan_and_huge_drill_offset_are_not_500(
        client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    c = login("analyst")
    r = c.post("/api/analytics/alerts/scan",
               params={"at": (T0 + timedelta(hours=9)).isoformat() + "+09:00"})
    assert r.status_code == 200, r.text
    r = c.get("/api/analytics/drill", params={"start": "2026-03-01", "end": "2026-03-31",
                                             "offset": str(2**62)})
    assert 400 <= r.status_code < 500, r.text
    r = c.get("/api/analytics/drill", params={"start": "2026-03-01", "end": "2026-03-31",
                                             "offset": "5000000"})
    assert r.status_code == 200, r.text


def test_tiny_simulation_with_callbacks_is_not_500(client: TestClient, login) -> None:  # type: ignore[no-untyped-def]
    """Found by schemathesis: a pool without calls crashed the callback simulation."""
    c = login("supervisor")
    r = c.post("/api/workforce/simulate", json={"callback_share": 0.5, "calls_per_year": 2.0,
                                                "days": 1})
    assert r.status_code == 200, r.text
