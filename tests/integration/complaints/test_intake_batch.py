"""Open311 intake's group commit (`intake_writer`): several reports in one transaction, each
as if written alone; a refusal refuses only its report, and a batch that fails at the database
is written again one by one, so one bad row rejects only itself."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from dasan.complaints import clients, intake_writer
from dasan.complaints.intake import Accepted, BadReport
from dasan.complaints.intake_writer import Job, write_batch
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
        **extra: str) -> Job:
    return Job({"api_key": api_key, "service_code": code, "lat": lat, "long": lon,
                "description": description, **extra}, {})


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
