"""Open311 intake's group commit (`intake_writer`): several reports in one transaction, each
as if written alone; a refusal refuses only its report, and a batch that fails at the database
is written again one by one, so one bad row rejects only itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from dasan.complaints import clients, intake, intake_writer
from dasan.complaints.intake import Accepted, BadReport, take_report
from dasan.complaints.intake_writer import Job, write_batch
from dasan.db.base import utcnow
from dasan.db.models import Consultation
from dasan.db.models_complaints import (
    ComplaintStatusEvent,
    DispatchOutbox,
    NotificationOutbox,
    Open311Client,
    ServiceRequest,
)
from dasan.db.session import session_scope


def job(api_key: str, description: str, lat: str, lon: str, code: str = "OTHER",
        answers: dict[str, Any] | None = None, **extra: str) -> Job:
    return Job({"api_key": api_key, "service_code": code, "lat": lat, "long": lon,
                "description": description, **extra}, answers or {})


def test_a_batch_stores_each_report_as_alone_and_refuses_only_the_bad_one(
        database_url: str, api_key: str, db) -> None:  # type: ignore[no-untyped-def]
    jobs = [
        job(api_key, "가로수 쓰러짐", "37.5665", "126.9780"),
        job(api_key, "보도블록 파손", "37.5172", "127.0473"),
        job(api_key, "없는 서비스", "37.5665", "126.9780", code="NOPE"),
        job(api_key, "같은 곳 다시", "37.56655", "126.97805"),  # 6 m from the first
        job(api_key, "연락 주세요", "37.6543", "127.0568", phone="010-1234-5678"),
        job(api_key, "위치 없음", "", ""),
        job(api_key, "광고물", "37.4837", "126.9015"),
        job(api_key, "옆집 할머니가 며칠째 안 보이시는데 우편물이 쌓여 있어요", "37.4569",
            "126.8955"),
    ]
    results = write_batch(database_url, jobs)
    assert [type(r) for r in results] == [Accepted, Accepted, type(results[2]), Accepted,
                                          Accepted, BadReport, Accepted, Accepted]
    assert not isinstance(results[2], Accepted) and "NOPE" in str(results[2])
    ids = [r.request_id for r in results if isinstance(r, Accepted)]
    rows = {r.id: r for r in db.scalars(select(ServiceRequest))}
    assert sorted(rows) == sorted(ids)  # the refused two stored nothing
    # each answered id is the report that was sent (the batch's ids map back in order)
    sent = [j.fields["description"] for j, r in zip(jobs, results, strict=True)
            if isinstance(r, Accepted)]
    assert [rows[i].description for i in ids] == sent
    first, dup = results[0], results[3]
    assert isinstance(first, Accepted) and isinstance(dup, Accepted)
    assert rows[dup.request_id].duplicate_of_id == first.request_id
    assert rows[first.request_id].duplicate_count == 1
    # one outbox row per original, none for the duplicate; payloads name their own report
    outbox = {o.request_id: o for o in db.scalars(select(DispatchOutbox))}
    assert sorted(outbox) == sorted(i for i in ids if i != dup.request_id)
    for rid, o in outbox.items():
        assert o.payload["service_request_id"] == str(rid)
        assert o.idempotency_key == f"sr-{rid}-1-{rows[rid].agency_code}"
        assert o.payload["agency_responsible"] == rows[rid].agency_code
    # consultations, first statuses and notices as for a report written alone
    assert db.scalar(select(func.count()).select_from(Consultation)
                     .where(Consultation.channel == "smart_report")) == len(ids)
    refs = set(db.scalars(select(Consultation.external_ref)
                          .where(Consultation.channel == "smart_report")))
    assert refs == {f"sr-{i}" for i in ids}
    assert db.scalar(select(func.count()).select_from(ComplaintStatusEvent)
                     .where(ComplaintStatusEvent.status == "received")) == len(ids)
    phoned = results[4]
    assert isinstance(phoned, Accepted)
    assert rows[phoned.request_id].notify_phone == "010-****-5678"
    assert db.scalar(select(func.count()).select_from(NotificationOutbox)) >= 1
    # the crisis report carries its own live alert; no other report of the batch does
    crisis = results[7]
    assert isinstance(crisis, Accepted)
    alerts = [e for _, e in crisis.events if e["type"] == "crisis_alert"]
    assert len(alerts) == 1 and alerts[0]["alert"]["consultation_id"] == db.scalar(
        select(ServiceRequest.consultation_id).where(ServiceRequest.id == crisis.request_id))
    assert all(not r.events for r in results[:7] if isinstance(r, Accepted))
    assert db.scalar(select(Consultation.crisis).join(
        ServiceRequest, ServiceRequest.consultation_id == Consultation.id)
        .where(ServiceRequest.id == crisis.request_id))


def test_a_batch_that_fails_at_the_database_is_written_again_one_by_one(
        database_url: str, api_key: str, db) -> None:  # type: ignore[no-untyped-def]
    # A client removed while this process still remembers its key: its report fails at the
    # database (the foreign key), after its checks passed.
    with session_scope(database_url) as s:
        gone = clients.issue_key(s, "removed app")
    with session_scope(database_url) as s:
        clients.client_id_for_key(s, gone, "create_request")  # remembered
        s.execute(delete(Open311Client).where(Open311Client.name == "removed app"))
    results = write_batch(database_url, [
        job(api_key, "첫 신고", "37.5665", "126.9780"),
        job(gone, "지워진 앱", "37.5172", "127.0473"),
        job(api_key, "셋째 신고", "37.4837", "126.9015"),
    ])
    assert isinstance(results[0], Accepted) and isinstance(results[2], Accepted)
    assert not isinstance(results[1], Accepted)
    stored = db.scalars(select(ServiceRequest.description).order_by(ServiceRequest.id)).all()
    assert stored == ["첫 신고", "셋째 신고"]
    assert db.scalar(select(func.count()).select_from(DispatchOutbox)) == 2
    assert db.scalar(select(func.count()).select_from(Consultation)
                     .where(Consultation.channel == "smart_report")) == 2


def test_the_writer_answers_each_request_after_its_commit(
        database_url: str, api_key: str, db) -> None:  # type: ignore[no-untyped-def]
    futures = [intake_writer.submit(job(api_key, f"신고 {i}", f"37.5{i}65", "126.9780").fields,
                                    {}, url=database_url) for i in range(6)]
    futures.append(intake_writer.submit({"api_key": "o311_wrong", "service_code": "OTHER"}, {},
                                        url=database_url))
    done = [f.result(timeout=30) for f in futures[:6]]
    assert futures[6].exception(timeout=30) is not None
    with session_scope(database_url) as s:  # a fresh session sees every answered report
        found = s.scalars(select(ServiceRequest.id)).all()
    assert sorted(found) == sorted(a.request_id for a in done)


def _stored(db: Session, ids: list[int]) -> list[dict[str, Any]]:
    """What intake stored for each report (in the order of `ids`), without what differs
    between two writes of the same reports: ids, tokens, times (kept as offsets)."""
    db.expire_all()
    order = {rid: k for k, rid in enumerate(ids)}
    out = []
    for rid in ids:
        r = db.get(ServiceRequest, rid)
        assert r is not None
        c = db.get(Consultation, r.consultation_id)
        assert c is not None
        events = db.execute(select(ComplaintStatusEvent.status, ComplaintStatusEvent.source,
                                   ComplaintStatusEvent.agency_code)
                            .where(ComplaintStatusEvent.request_id == rid)
                            .order_by(ComplaintStatusEvent.id)).all()
        outbox = db.scalars(select(DispatchOutbox).where(DispatchOutbox.request_id == rid)).all()
        out.append({
            "report": {k: getattr(r, k) for k in (
                "service_code", "status", "description", "description_masked", "attributes",
                "lat", "lon", "district_code", "dong_code", "geo_rule", "agency_code",
                "priority", "duplicate_count", "language", "client_id")},
            "sla_hours": ((r.ack_due_at - r.requested_at).total_seconds() / 3600,
                          (r.expected_at - r.requested_at).total_seconds() / 3600),
            "duplicate_of": order.get(r.duplicate_of_id) if r.duplicate_of_id else None,
            "consultation": {k: getattr(c, k) for k in (
                "channel", "category", "program", "outcome", "status", "language",
                "district_code", "subject", "priority", "citizen_id")},
            "external_ref_is_own": c.external_ref == f"sr-{rid}",
            "events": [tuple(e) for e in events],
            "outbox": [(o.agency_code, o.idempotency_key == f"sr-{rid}-1-{o.agency_code}",
                        o.state, o.attempts,
                        {k: v for k, v in o.payload.items() if k not in (
                            "service_request_id", "requested_datetime", "expected_datetime")},
                        o.payload["service_request_id"] == str(rid)) for o in outbox],
        })
    return out


def _forget_reports(url: str) -> None:
    with session_scope(url) as s:
        for model in (NotificationOutbox, DispatchOutbox, ComplaintStatusEvent):
            s.execute(delete(model))
        s.execute(delete(ServiceRequest))
        s.execute(delete(Consultation).where(Consultation.channel == "smart_report"))


def _no_fallback(caplog: pytest.LogCaptureFixture) -> None:
    """The batch was written as a batch (a failed one is written again one by one, which would
    hide a fault of the batch path behind the right rows)."""
    assert not [r for r in caplog.records if "one by one" in r.getMessage()]


def test_a_batch_stores_what_one_by_one_stores(
        database_url: str, api_key: str, db, caplog) -> None:  # type: ignore[no-untyped-def]
    jobs = [
        job(api_key, "가로등이 꺼졌어요", "37.5665", "126.9780", code="STREETLIGHT",
            answers={"symptom": "off"}, lang="en"),
        job(api_key, "보도블록 파손", "37.5172", "127.0473"),
        job(api_key, "무단 투기", "37.4837", "126.9015", code="DUMPING",
            answers={"kind": ["household"]}),
        job(api_key, "같은 곳 다시", "37.51722", "127.04732"),  # 3 m from the second
        job(api_key, "이 번호로 010-9876-5432 연락", "37.6543", "127.0568"),  # masked text
    ]
    batch = write_batch(database_url, jobs)
    assert all(isinstance(r, Accepted) for r in batch)
    _no_fallback(caplog)
    together = _stored(db, [r.request_id for r in batch if isinstance(r, Accepted)])
    _forget_reports(database_url)
    alone = [take_report(j.fields, j.attributes, [], url=database_url) for j in jobs]
    assert _stored(db, [a.request_id for a in alone]) == together
    assert together[3]["duplicate_of"] == 1 and together[1]["report"]["duplicate_count"] == 1
    assert "010-9876-5432" not in together[4]["report"]["description_masked"]


def test_a_batch_of_one_report_is_written_as_a_batch(
        database_url: str, api_key: str, db, caplog) -> None:  # type: ignore[no-untyped-def]
    (result,) = write_batch(database_url, [job(api_key, "혼자 온 신고", "37.5665", "126.9780")])
    assert isinstance(result, Accepted)
    _no_fallback(caplog)
    (stored,) = _stored(db, [result.request_id])
    assert stored["external_ref_is_own"] and len(stored["outbox"]) == 1
    assert stored["events"] == [("received", "citizen", stored["report"]["agency_code"])]


def test_a_batch_links_a_report_to_an_open_one_stored_before_and_to_no_other(
        database_url: str, api_key: str, db, caplog) -> None:  # type: ignore[no-untyped-def]
    first = write_batch(database_url, [
        job(api_key, "열린 신고", "37.5665", "126.9780"),
        job(api_key, "처리된 신고", "37.5172", "127.0473"),
        job(api_key, "오래된 신고", "37.4837", "126.9015"),
    ])
    opened, resolved, old = (r.request_id for r in first if isinstance(r, Accepted))
    db.execute(update(ServiceRequest).where(ServiceRequest.id == resolved)
               .values(status="resolved"))
    db.execute(update(ServiceRequest).where(ServiceRequest.id == old)
               .values(requested_at=utcnow() - timedelta(hours=100)))
    db.commit()
    jobs = [
        job(api_key, "열린 곳 옆", "37.56652", "126.97802"),  # 3 m: the open one
        job(api_key, "열린 곳 옆 다른 서비스", "37.56652", "126.97802", code="DUMPING",
            answers={"kind": ["household"]}),
        job(api_key, "처리된 곳 옆", "37.51722", "127.04732"),
        job(api_key, "오래된 곳 옆", "37.48372", "126.90152"),
        job(api_key, "열린 곳에서 150 m", "37.5680", "126.9780"),
    ]
    # the batch's one query (a report it flags is checked again alone; one it misses is not)
    checked = [intake.check_fields(db, j.fields, j.attributes, []) for j in jobs]
    assert intake._batch_reads(db, checked).duplicate == [True, False, False, False, False]
    db.rollback()
    second = write_batch(database_url, jobs)
    assert all(isinstance(r, Accepted) for r in second)
    _no_fallback(caplog)
    ids = [r.request_id for r in second if isinstance(r, Accepted)]
    db.expire_all()
    linked = [db.scalar(select(ServiceRequest.duplicate_of_id).where(ServiceRequest.id == i))
              for i in ids]
    assert linked == [opened, None, None, None, None]
    assert db.scalar(select(func.count()).select_from(DispatchOutbox)) == 3 + 4


def test_a_writer_connection_commits_each_batch_and_holds_no_transaction_between(
        database_url: str, api_key: str, caplog) -> None:  # type: ignore[no-untyped-def]
    held = intake_writer.HeldConnection(database_url)
    try:
        for k in range(2):  # the second batch on the connection the first one left
            results = write_batch(database_url, [
                job(api_key, f"신고 {k}-{i}", f"37.5{k}{i}5", "126.9780") for i in range(3)],
                connection=held)
            assert all(isinstance(r, Accepted) for r in results)
            _no_fallback(caplog)
            assert held._connection is not None and not held._connection.in_transaction()
            raw = held._connection.connection.dbapi_connection
            assert raw is not None
            if database_url.startswith("postgresql"):  # the server saw the COMMIT too
                assert raw.info.transaction_status.name == "IDLE"
            else:
                assert not raw.in_transaction
            with session_scope(database_url) as s:  # another connection sees every report
                assert s.scalar(select(func.count()).select_from(ServiceRequest)) == 3 * (k + 1)
    finally:
        held.close()
