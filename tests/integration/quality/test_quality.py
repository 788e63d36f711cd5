"""Quality management: forms, exact sampling over a generated month, evaluations, disputes,
calibration, surveys in the KPI and scorecards, XLSX export, pages."""

from __future__ import annotations

import io
import random
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import numpy as np
import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat.hub import TRANSFERRED_KO
from dasan.db.models import AbuseIncident, Agent, AuditLog, Consultation, Message, User
from dasan.db.models_quality import QaEvaluation, QaForm, QaSample, SurveyAnswer
from dasan.demo import write_history
from dasan.quality import sampling
from dasan.quality.forms import DEFAULT_FORM


def generated_month(db: Session) -> list[Consultation]:
    """A generated March (about 4,600 consultations) with surveys, incidents and transfers."""
    write_history(db, date(2026, 3, 1), 31, seed=7, daily_average=150)
    db.commit()
    rows = list(db.scalars(select(Consultation).where(Consultation.agent_id.is_not(None),
                                                      Consultation.answered_at.is_not(None))
                           .order_by(Consultation.id)))
    rng = random.Random(3)
    for c in rng.sample(rows, 400):
        db.add(SurveyAnswer(consultation_id=c.id, channel="call", score=rng.randint(1, 5)))
    for c in rng.sample(rows, 40):
        db.add(AbuseIncident(consultation_id=c.id, category="insult", severity=2,
                             action="warn_1", at=c.started_at))
    for c in rng.sample(rows, 30):
        for seq in (1, 2):
            db.add(Message(consultation_id=c.id, seq=seq, sender="system", body=TRANSFERRED_KO,
                           body_masked=TRANSFERRED_KO))
    for c in rng.sample(rows, 25):
        c.crisis = True
    db.commit()
    return rows


def expected_targeted(db: Session, rules: sampling.SamplingRules) -> dict[int, str]:
    """The targeted rules written out plainly (consultation id -> reason)."""
    rows = list(db.scalars(select(Consultation).where(
        Consultation.agent_id.is_not(None), Consultation.answered_at.is_not(None),
        Consultation.started_at >= datetime(2026, 3, 1), Consultation.started_at < datetime(2026, 4, 1))
        .order_by(Consultation.id)))
    abuse = set(db.scalars(select(AbuseIncident.consultation_id)))
    low = set(db.scalars(select(SurveyAnswer.consultation_id).where(SurveyAnswer.score <= 2)))
    transfers: dict[int, int] = defaultdict(int)
    for cid in db.scalars(select(Message.consultation_id).where(Message.body == TRANSFERRED_KO)):
        transfers[cid] += 1
    tests = [("crisis", lambda c: c.crisis),
             ("abuse", lambda c: c.id in abuse or c.outcome == "forced_terminated"),
             ("low_satisfaction", lambda c: c.id in low),
             ("transferred_twice", lambda c: transfers[c.id] >= 2),
             ("long_handle", lambda c: (c.handle_seconds or 0) > rules.long_handle_seconds)]
    out: dict[int, str] = {}
    for reason, test in tests:
        per_agent: dict[int, int] = defaultdict(int)
        for c in rows:
            if c.id in out or not test(c):
                continue
            if per_agent[c.agent_id] < rules.targeted_cap:
                per_agent[c.agent_id] += 1
                out[c.id] = reason
    return out


def test_sampling_rules_are_exact_over_a_generated_month(client: Any, login: Any,
                                                         db: Session) -> None:
    rows = generated_month(db)
    rules = sampling.SamplingRules(random_per_agent=4, targeted_cap=3, long_handle_seconds=600)
    login("supervisor")
    r = client.post("/api/quality/samples", json={"month": "2026-03", "random_per_agent": 4,
                                                  "targeted_cap": 3, "long_handle_seconds": 600})
    assert r.status_code == 200, r.text
    db.expire_all()
    got = {s.consultation_id: s.reason for s in db.scalars(select(QaSample))}
    targeted = {cid: reason for cid, reason in got.items() if reason != "random"}
    assert targeted == expected_targeted(db, rules)
    assert {"crisis", "abuse", "low_satisfaction", "transferred_twice"} <= set(targeted.values())
    by_agent: dict[int, list[int]] = defaultdict(list)
    for c in rows:
        by_agent[c.agent_id].append(c.id)  # type: ignore[index]
    randoms: dict[int, int] = defaultdict(int)
    agent_of = {c.id: c.agent_id for c in rows}
    for cid, reason in got.items():
        if reason == "random":
            randoms[agent_of[cid]] += 1  # type: ignore[index]
    for agent_id, ids in by_agent.items():
        left = len([i for i in ids if i not in targeted])
        assert randoms[agent_id] == min(4, left)
    assert r.json()["total"] == len(got)
    # drawn once; a second draw is refused and changes nothing
    again = client.post("/api/quality/samples", json={"month": "2026-03"})
    assert again.status_code == 409
    db.expire_all()
    assert {s.consultation_id: s.reason for s in db.scalars(select(QaSample))} == got
    # the random part is reproducible from the seed, and another seed draws other ones
    data = sampling.load_month(db, "2026-03")
    same = sampling.select_samples(data, rules, "2026-03")
    assert {c: r for c, _, r in same} == got
    other = sampling.select_samples(data, sampling.SamplingRules(
        random_per_agent=4, targeted_cap=3, long_handle_seconds=600, seed=5), "2026-03")
    assert {c for c, _, r in other if r == "random"} != {c for c, r in got.items() if r == "random"}
    # the draw that does not read every row equals the plain reading at every pre-filter
    # threshold: agents that take their random part from the filtered rows, and agents that
    # fall back to their whole month (both kinds occur at 2^26)
    keys = sampling.random_keys(data.ids, rules.seed, "2026-03")
    untaken = ~np.isin(data.ids, np.array(list(targeted), dtype=np.int64))
    for threshold in (1 << 19, 1 << 26, sampling.key_threshold(4), 1 << 32):
        assert {c: r for c, _, r in sampling.draw(db, "2026-03", rules, threshold)} == got
    below = np.bincount(data.agents[untaken & (keys < 1 << 26)])
    assert (below[data.agents] >= 4).any() and (below[data.agents] < 4).any()
    other_seed = sampling.SamplingRules(4, 3, 600, seed=5)
    assert sorted(sampling.draw(db, "2026-03", other_seed)) == sorted(other)


def test_the_random_key_filter_in_sql_equals_the_keys(db: Session) -> None:
    """The random part's pre-filter computes the key in SQL (no XOR operator on SQLite): the
    rows it keeps are exactly those whose key (numpy) is below the threshold."""
    db.add_all([Consultation(channel="web", started_at=datetime(2026, 3, 2)) for _ in range(300)])
    db.commit()
    ids = np.array(sorted(db.scalars(select(Consultation.id))), dtype=np.int64)
    for seed, threshold in ((120, 1 << 27), (5, 1 << 31), (7, 3 << 29)):
        keys = sampling.random_keys(ids, seed, "2026-03")
        kept = sampling.query(db, "SELECT c.id FROM consultations c WHERE "
                              + sampling._key_below_sql(seed, "2026-03", threshold))
        assert sorted(int(i) for i, in kept) == ids[keys < threshold].tolist()
        assert 0 < len(kept) < len(ids)
    with pytest.raises(ValueError):
        sampling._key_below_sql(120, "2026-03", 12345)


def test_the_transfer_notice_matches_the_chat_hub() -> None:
    assert sampling.TRANSFER_NOTICE == TRANSFERRED_KO


def test_forms_are_versioned_and_weights_must_sum_to_100(client: Any, login: Any,
                                                         db: Session) -> None:
    login("supervisor")
    bad = {**DEFAULT_FORM, "items": [{**DEFAULT_FORM["items"][0], "weight": 50},
                                     {**DEFAULT_FORM["items"][1], "weight": 40}]}
    r = client.post("/api/quality/forms", json=bad)
    assert r.status_code == 422 and r.json()["code"] == "weights_not_100"
    assert db.scalar(select(QaForm.id)) is None
    assert client.post("/api/quality/forms", json=DEFAULT_FORM).json()["version"] == 1
    v2 = client.post("/api/quality/forms", json=DEFAULT_FORM).json()
    assert v2["version"] == 2 and v2["active"]
    db.expire_all()
    assert [f.active for f in db.scalars(select(QaForm).order_by(QaForm.version))] == [False, True]
    login("agent1")
    assert client.post("/api/quality/forms", json=DEFAULT_FORM).status_code == 403


def _answered(db: Session, agent_id: int, minute: int = 0) -> Consultation:
    c = Consultation(channel="web", started_at=datetime(2026, 3, 5, 10, minute),
                     answered_at=datetime(2026, 3, 5, 10, minute, 30), agent_id=agent_id,
                     outcome="answered", status="closed", handle_seconds=200)
    db.add(c)
    db.commit()
    return c


FULL = {"greeting": 1, "listening": 1, "accuracy": 0.5, "courtesy": 1, "closing": 1, "privacy": 1}


def test_evaluation_dispute_and_calibration(client: Any, login: Any, db: Session) -> None:
    agent1 = db.scalar(select(Agent).join(User, User.id == Agent.user_id)
                       .where(User.username == "agent1"))
    assert agent1 is not None
    c = _answered(db, agent1.id)
    login("supervisor")
    form = client.get("/api/quality/forms").json()[0]
    r = client.post("/api/quality/evaluations", json={
        "consultation_id": c.id, "form_id": form["id"], "scores": {"greeting": 1}})
    assert r.status_code == 422 and r.json()["code"] == "missing_scores"
    r = client.post("/api/quality/evaluations", json={
        "consultation_id": c.id, "form_id": form["id"], "scores": FULL,
        "coaching_note": "정확한 안내 보완"})
    assert r.status_code == 201 and r.json()["total"] == 82.5
    eid = r.json()["id"]
    failed = {**FULL, "privacy": 0}
    c2 = _answered(db, agent1.id, 5)
    r = client.post("/api/quality/evaluations", json={
        "consultation_id": c2.id, "form_id": form["id"], "scores": failed})
    assert r.json()["total"] == 0 and r.json()["auto_failed"]
    login("agent2")
    assert client.post(f"/api/quality/evaluations/{eid}/dispute",
                       json={"note": "x"}).status_code == 403
    login("agent1")
    mine = client.get("/api/quality/evaluations/mine").json()
    assert {e["id"] for e in mine} >= {eid}
    assert client.post(f"/api/quality/evaluations/{eid}/dispute", json={"note": ""}
                       ).status_code == 422
    assert client.post(f"/api/quality/evaluations/{eid}/dispute",
                       json={"note": "표준상담DB대로 안내했습니다"}).json()["status"] == "disputed"
    login("supervisor")
    done = client.post(f"/api/quality/evaluations/{eid}/resolve",
                       json={"note": "인정", "scores": {**FULL, "accuracy": 1}}).json()
    assert done["status"] == "resolved" and done["total"] == 100
    cal = client.post("/api/quality/calibrations", json={
        "consultation_id": c.id, "form_id": form["id"], "title": "3월 보정"}).json()
    for who, acc in (("supervisor", 1.0), ("admin", 0.5)):
        login(who)
        r = client.post("/api/quality/evaluations", json={
            "consultation_id": c.id, "form_id": form["id"], "calibration_id": cal["id"],
            "scores": {**FULL, "accuracy": acc}})
        assert r.status_code == 201, r.text
    spread = client.get(f"/api/quality/calibrations/{cal['id']}").json()
    assert spread["n"] == 2 and spread["range"] == 17.5 and spread["mean"] == 91.25
    assert spread["item_agreement"]["accuracy"] == 0.0
    assert spread["item_agreement"]["greeting"] == 1.0
    db.expire_all()
    acts = set(db.scalars(select(AuditLog.action)))
    assert {"qa.evaluate", "qa.dispute", "qa.resolve", "qa.calibration.create"} <= acts


def test_survey_answers_land_in_kpi_and_scorecards(client: Any, login: Any, db: Session) -> None:
    agent = db.scalar(select(Agent).order_by(Agent.id))
    assert agent is not None
    cs = [_answered(db, agent.id, i) for i in range(4)]
    login("agent1")
    assert client.post("/api/quality/surveys", json={
        "consultation_id": cs[0].id, "channel": "call", "score": "5"}).status_code == 201
    assert client.post("/api/quality/surveys", json={
        "consultation_id": cs[1].id, "channel": "sms", "score": 2}).status_code == 201
    r = client.post("/api/quality/surveys", json={
        "consultation_id": cs[1].id, "channel": "sms", "score": 5})
    assert r.status_code == 409 and r.json()["code"] == "survey_answered"
    assert client.post("/api/quality/surveys", json={
        "consultation_id": cs[2].id, "channel": "call", "score": "9"}).status_code == 422
    db.expire_all()
    assert [a.score for a in db.scalars(select(SurveyAnswer).order_by(SurveyAnswer.id))] == [5, 2]
    login("analyst")
    kpi = client.get("/api/quality/kpi?month=2026-03").json()
    assert kpi["survey_answers"] == 2 and kpi["mean_score"] == 3.5 and kpi["csat"] == 0.5
    assert kpi["answered_consultations"] == 4 and kpi["response_rate"] == 0.5
    card = next(r for r in client.get("/api/quality/scorecards?month=2026-03").json()
                if r["agent_id"] == agent.id)
    assert card["surveys"] == 2 and card["survey_mean"] == 3.5 and card["csat"] == 0.5
    assert card["answered"] == 4
    team = client.get("/api/quality/scorecards?month=2026-03&group=team").json()
    assert sum(t["surveys"] for t in team) == 2
    x = client.get("/api/quality/scorecards.xlsx?month=2026-03")
    assert x.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(x.content))
    sheet = book[book.sheetnames[0]]
    header = [c.value for c in sheet[2]]
    assert "만족도 평균" in header
    db.expire_all()
    assert "export.qa_scorecards" in set(db.scalars(select(AuditLog.action)))
    login("agent1")
    assert client.get("/api/quality/scorecards?month=2026-03").status_code == 403


def test_pages_render_in_korean_and_english(client: Any, login: Any, db: Session) -> None:
    agent = db.scalar(select(Agent).order_by(Agent.id))
    assert agent is not None
    c = _answered(db, agent.id)
    login("supervisor")
    assert client.get("/qa/evaluate/999999").status_code == 404
    for path in ("/qa", "/qa?lang=en", "/protection", "/crisis/playbooks", f"/qa/evaluate/{c.id}",
                 "/supervisor"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<script>" not in r.text  # no inline script (CSP)
    assert "Quality management" in client.get("/qa?lang=en").text
    assert "상담 품질 관리" in client.get("/qa?lang=ko").text
    assert "crisis-alerts.js" in client.get("/supervisor").text
    login("agent1")
    assert client.get("/qa/mine").status_code == 200
    assert client.get("/qa", follow_redirects=False).status_code == 403


def test_chat_survey_opens_when_the_chat_ends_and_only_once(client: Any, db: Session) -> None:
    r = client.post("/api/chat/sessions", json={"language": "ko"})
    cid, h = int(r.json()["consultation_id"]), {"X-Chat-Token": r.json()["token"]}
    r = client.post(f"/api/quality/surveys/chat/{cid}", json={"score": 5}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "chat_not_ended"
    client.post(f"/api/chat/sessions/{cid}/leave", headers=h)
    other = client.post("/api/chat/sessions", json={"language": "ko"}).json()["token"]
    r = client.post(f"/api/quality/surveys/chat/{cid}", json={"score": 5},
                    headers={"X-Chat-Token": other})
    assert r.status_code == 403
    r = client.post(f"/api/quality/surveys/chat/{cid}", json={"score": 4}, headers=h)
    assert r.status_code == 201
    r = client.post(f"/api/quality/surveys/chat/{cid}", json={"score": 1}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "survey_answered"
    db.expire_all()
    assert [(a.channel, a.score) for a in db.scalars(select(SurveyAnswer))] == [("chat", 4)]


def test_calibration_session_pages_show_the_spread_after_scoring(
        client: Any, login: Any, db: Session) -> None:
    agent = db.scalar(select(Agent).order_by(Agent.id))
    assert agent is not None
    c = _answered(db, agent.id)
    login("supervisor")
    r = client.post("/qa/calibrations", data={"consultation_id": 999999, "title": "x"})
    assert "처리하지 못했습니다" in r.text
    r = client.post("/qa/calibrations", data={"consultation_id": c.id, "title": "3월 보정"},
                    follow_redirects=False)
    cal_path = r.headers["location"].split("?")[0]
    cal_id = int(cal_path.rsplit("/", 1)[1])
    page = client.get(cal_path).text
    assert "3월 보정" in page and f"calibration={cal_id}" in page and "cal-mean" not in page
    form = client.get(f"/qa/evaluate/{c.id}?calibration={cal_id}").text
    assert f'name="calibration_id" value="{cal_id}"' in form
    for who, acc in (("supervisor", "1"), ("admin", "0")):
        login(who)
        scores = {f"score_{k}": str(v) for k, v in FULL.items()}
        r = client.post(f"/qa/evaluate/{c.id}", data={**scores, "score_accuracy": acc,
                                                      "calibration_id": str(cal_id)})
        assert r.status_code == 200 and "cal-mean" in r.text, who
    db.expire_all()
    evs = list(db.scalars(select(QaEvaluation).where(QaEvaluation.calibration_id == cal_id)))
    assert sorted(e.total for e in evs) == [65.0, 100.0]
    page = client.get(cal_path).text
    assert '<span id="cal-range">35.0</span>' in page and '<dd id="cal-mean">82.5</dd>' in page
    assert "평가 보정 세션" in client.get("/qa/calibrations").text
