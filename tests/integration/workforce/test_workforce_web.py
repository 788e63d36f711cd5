"""Workforce API and pages through the app: roles, JSON answers, 4xx on bad input, DB forecast."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from dasan.db.models import Consultation
from dasan.workforce.forecast import load_counts


def test_erlang_api_requires_a_planner_role(client, login) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    assert client.post("/api/workforce/erlang", json={"calls": 100}).status_code == 401
    login("agent1")
    assert client.post("/api/workforce/erlang", json={"calls": 100}).status_code == 403


def test_erlang_api(login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    r = c.post("/api/workforce/erlang", json={"calls": [0, 100, 200], "aht_seconds": 180})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["model"] == "erlang_c"
    assert [i["raw_agents"] for i in data["intervals"]] == [0, 14, 24]
    r = c.post(
        "/api/workforce/erlang",
        json={"calls": 100, "patience_seconds": 120, "service_level": None, "response_rate": 0.95},
    )
    assert r.status_code == 200 and r.json()["model"] == "erlang_a"
    assert r.json()["intervals"][0]["metrics"]["response_rate"] >= 0.95
    r = c.post("/api/workforce/erlang", json={"calls": 100, "agents": 8})
    assert r.json()["intervals"][0]["asa"] is None  # unstable queue: infinite ASA -> null


@pytest.mark.parametrize(
    "body",
    [
        {"calls": -1},
        {"calls": 10, "response_rate": 0.9},  # response-rate goal without patience
        {"calls": 10, "shrinkage": 1.5},
        {"calls": []},
    ],
)
def test_erlang_api_bad_input(login, body: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    r = login("analyst").post("/api/workforce/erlang", json=body)
    assert 400 <= r.status_code < 500
    assert r.json()["detail"]


def test_plan_and_simulate_api(login) -> None:  # type: ignore[no-untyped-def]
    c = login("supervisor")
    req = [0] * 48
    for s in range(18, 36):
        req[s] = 3
    r = c.post("/api/workforce/plan", json={"requirement": req, "time_limit": 5})
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["shortfall"] == 0 and all(
        cov >= need for cov, need in zip(plan["coverage"], req, strict=True)
    )
    assert c.post("/api/workforce/plan", json={"requirement": [1, 2]}).status_code == 400
    r = c.post(
        "/api/workforce/simulate",
        json={"days": 1, "calls_per_year": 1e6, "compare_routing": True, "extra_lunch": 5},
    )
    assert r.status_code == 200, r.text
    scen = r.json()["scenarios"]
    assert set(scen) == {"omni", "skills", "omni +5"}
    assert len(scen["omni"]["by_half_hour"]) == 48
    assert c.post("/api/workforce/simulate", json={"days": 0}).status_code == 422


def _add_calls(db: Session, start: datetime, days: int) -> int:
    n = 0
    for d in range(days):
        for hour in (0, 1, 5):  # UTC: 09, 10, 14 KST
            for k in range(3 + (d % 7 == 0)):
                db.add(
                    Consultation(
                        channel="phone" if k % 2 == 0 else "chat",
                        started_at=start + timedelta(days=d, hours=hour, minutes=k),
                    )
                )
                n += 1
    db.commit()
    return n


def test_forecast_from_the_consultations_table(db: Session, login) -> None:  # type: ignore[no-untyped-def]
    start = datetime(2024, 3, 4)  # a Monday, naive UTC
    total = _add_calls(db, start, 21)
    counts = load_counts(db, start.date(), (start + timedelta(days=21)).date())
    assert counts.counts.sum() == total
    assert counts.channels == ["chat", "phone"]
    assert counts.channel("phone")[18] > 0  # 00:00 UTC -> 09:00 KST
    r = login("supervisor").post(
        "/api/workforce/forecast",
        json={
            "source": "db",
            "start": "2024-03-04",
            "end": "2024-03-25",
            "days": 3,
            "holdout_days": 7,
        },
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["history"]["total"] == total
    assert len(data["forecast"]["counts"]) == 3 * 48
    assert {a["channel"] for a in data["accuracy"]} == {"chat", "phone"}
    r = login("supervisor").post(
        "/api/workforce/forecast", json={"source": "db", "start": "2020-01-01", "end": "2020-02-01"}
    )
    assert r.status_code == 400 and "no consultations" in r.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/workforce",
        "/workforce/erlang?calls=300&patience=90",
        "/workforce/forecast?source=demo&days=2&holdout=7",
        "/workforce/plan?days=1",
        "/workforce/simulate?days=1&calls_per_year=1000000",
    ],
)
def test_pages_render(login, path: str) -> None:  # type: ignore[no-untyped-def]
    r = login("supervisor").get(path)
    assert r.status_code == 200, r.text
    assert "<svg" in r.text or path == "/workforce"
    assert "인력 운영" in r.text


def test_validate_page(login, shared_data) -> None:  # type: ignore[no-untyped-def]
    r = login("supervisor").get("/workforce/validate")
    assert r.status_code == 200, r.text
    assert "<svg" in r.text and "Kaplan-Meier" in r.text


def test_pages_show_errors_and_guard_roles(client, login) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    r = client.get("/workforce/erlang", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]
    c = login("supervisor")
    r = c.get("/workforce/erlang?calls=abc")
    assert r.status_code == 400 and "not a number" in r.text
    r = c.get("/workforce/plan?days=30")
    assert r.status_code == 400
    r = c.get("/workforce/erlang?calls=100&lang=en")
    assert "Agents needed" in r.text


RAW_CODES = {"OPTIMAL", "FEASIBLE", "afternoon", "night", "part", "short", "remote", "omni",
             "skills", "phone", "chat"}


def _visible_words(html: str) -> set[str]:
    import re

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)  # attribute values (option values, ids) are not shown
    return set(re.findall(r"[A-Za-z_]+", body))


@pytest.mark.parametrize("path", ["/workforce/plan?days=1",
                                  "/workforce/simulate?days=1&calls_per_year=1000000",
                                  "/workforce/forecast?source=demo&days=2&holdout=7"])
def test_korean_pages_name_codes_in_korean(login, path: str) -> None:  # type: ignore[no-untyped-def]
    r = login("supervisor").get(path)
    assert r.status_code == 200
    assert _visible_words(r.text) & RAW_CODES == set()
    english = login("supervisor").get(path + "&lang=en")
    assert english.status_code == 200
