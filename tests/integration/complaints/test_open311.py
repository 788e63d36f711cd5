"""Open311 GeoReport v2 conformance, from the spec's examples, in JSON and XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from photo_helpers import fake_jpeg, jpeg_with_gps
from sqlalchemy import func, select, text

from dasan.complaints import system_notes
from dasan.db.models import Consultation
from dasan.db.models_complaints import (
    ComplaintPhoto,
    DispatchOutbox,
    NotificationOutbox,
    ServiceRequest,
)

CITY_HALL = {"lat": "37.5665", "long": "126.9780"}


def post(client, api_key: str, fmt: str = "json", files=None, **fields):  # type: ignore[no-untyped-def]
    data = {"api_key": api_key, "jurisdiction_id": "seoul.go.kr", **fields}
    return client.post(f"/open311/v2/requests.{fmt}", data=data, files=files)


def parking(api_key: str, client, fmt: str = "json", **extra):  # type: ignore[no-untyped-def]
    fields = {"service_code": "PARKING", **CITY_HALL, "attribute[plate]": "12가3456",
              "attribute[spot]": "crosswalk", "description": "횡단보도 위 주차", **extra}
    return post(client, api_key, fmt, **fields)


def test_service_list_json_and_xml(client, api_key) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/open311/v2/services.json?jurisdiction_id=seoul.go.kr")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    services = r.json()
    names = {s["service_name"] for s in services}
    assert {"불법주정차", "도로 파손/포트홀", "가로등 고장", "쓰레기 무단투기"} <= names
    first = services[0]
    assert list(first) == ["service_code", "service_name", "description", "metadata", "type",
                           "keywords", "group"]
    assert first["metadata"] is True and first["type"] == "realtime"
    x = client.get("/open311/v2/services.xml")
    assert x.headers["content-type"].startswith("text/xml")
    assert x.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<services>')
    root = ET.fromstring(x.content)
    assert [c.tag for c in root] == ["service"] * len(services)
    assert root.find("service/metadata").text == "true"  # type: ignore[union-attr]
    en = client.get("/open311/v2/services.json?lang=en").json()
    assert "Illegal parking" in {s["service_name"] for s in en}


def test_service_definition(client, api_key) -> None:  # type: ignore[no-untyped-def]
    d = client.get("/open311/v2/services/PARKING.json").json()
    assert d["service_code"] == "PARKING"
    spot = next(a for a in d["attributes"] if a["code"] == "spot")
    assert list(spot) == ["variable", "code", "datatype", "required", "datatype_description",
                          "order", "description", "values"]
    assert spot["datatype"] == "singlevaluelist" and spot["required"] is True
    assert {"key": "crosswalk", "name": "횡단보도"} in spot["values"]
    root = ET.fromstring(client.get("/open311/v2/services/PARKING.xml").content)
    assert root.tag == "service_definition"
    attr = root.find("attributes/attribute[code='spot']")
    assert attr is not None and attr.find("values/value/key") is not None
    assert client.get("/open311/v2/services/NOPE.json").status_code == 404
    en = client.get("/open311/v2/services/PARKING.json?lang=en").json()
    spot_en = next(a for a in en["attributes"] if a["code"] == "spot")
    assert spot_en["description"] == "Where"
    assert {"key": "crosswalk", "name": "Crosswalk"} in spot_en["values"]


def test_post_then_get_request_and_token(client, api_key, db) -> None:  # type: ignore[no-untyped-def]
    r = parking(api_key, client, email="citizen@example.com", phone="010-1234-5678")
    assert r.status_code == 200, r.text
    created = r.json()
    assert list(created[0]) == ["service_request_id", "service_notice", "account_id"]
    sr_id = created[0]["service_request_id"]
    one = client.get(f"/open311/v2/requests/{sr_id}.json").json()
    assert len(one) == 1
    req = one[0]
    assert req["status"] == "open" and req["service_code"] == "PARKING"
    assert req["agency_responsible"] == "중구"
    assert req["requested_datetime"].endswith("+09:00")
    assert req["lat"] == 37.5665 and req["long"] == 126.978
    row = db.get(ServiceRequest, int(sr_id))
    tok = client.get(f"/open311/v2/tokens/{row.token}.json").json()
    assert tok == [{"service_request_id": sr_id, "token": row.token}]
    xml = ET.fromstring(client.get(f"/open311/v2/requests/{sr_id}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request/status").text == "open"  # type: ignore[union-attr]
    assert xml.find("request/address_id") is not None  # empty elements are kept
    # The record: a consultation on the smart-report channel, in its district, one dispatch,
    # and the citizen's two notices (SMS and e-mail).
    c = db.get(Consultation, row.consultation_id)
    assert (c.channel, c.district_code, c.category) == ("smart_report", "11140", "교통")
    assert db.scalar(select(func.count()).select_from(DispatchOutbox)) == 1
    assert {n.channel for n in db.scalars(select(NotificationOutbox))} == {"sms", "email"}
    # The number is sealed in the PII vault; the row and the notice keep the masked form, and
    # the notifier gets the real number only when it sends.
    assert row.notify_phone == "010-****-5678"
    sms = db.scalar(select(NotificationOutbox).where(NotificationOutbox.channel == "sms"))
    assert sms.recipient == "010-****-5678"
    # So is the e-mail address (c***@example.com on the row and the notice).
    assert row.notify_email == "c***@example.com"
    mail = db.scalar(select(NotificationOutbox).where(NotificationOutbox.channel == "email"))
    assert mail.recipient == "c***@example.com"
    stored = db.execute(text("SELECT token FROM sealed_texts WHERE kind = "
                             "'service_requests.notify_email'")).scalars().all()
    assert len(stored) == 1 and "citizen@example.com" not in stored[0]
    from dasan.complaints.notify import drain_notifications

    sent: list[str] = []

    class Port:
        def send(self, channel: str, recipient: str, subject: str, body: str) -> None:
            sent.append(recipient)

    assert drain_notifications(db, Port()) == 2
    assert sorted(sent) == ["01012345678", "citizen@example.com"]


def test_xml_post_and_multivalue_attribute(client, api_key) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/open311/v2/requests.xml", data={
        "api_key": api_key, "service_code": "DUMPING", "lat": "37.4812", "long": "126.8970",
        "attribute[kind][]": ["household", "bulky"]})
    assert r.status_code == 200, r.text
    root = ET.fromstring(r.content)
    assert root.tag == "service_requests" and root.find("request/service_request_id") is not None
    assert root.find("request/account_id") is not None
    assert b"<account_id/>" in r.content  # empty elements as the spec writes them


def test_get_requests_filters(client, api_key) -> None:  # type: ignore[no-untyped-def]
    a = parking(api_key, client).json()[0]["service_request_id"]
    b = post(client, api_key, service_code="STREETLIGHT", lat="37.5172", long="126.9950",
             **{"attribute[symptom]": "off"}).json()[0]["service_request_id"]
    everything = client.get("/open311/v2/requests.json").json()
    assert {x["service_request_id"] for x in everything} == {a, b}
    only = client.get("/open311/v2/requests.json?service_code=STREETLIGHT").json()
    assert [x["service_request_id"] for x in only] == [b]
    assert client.get("/open311/v2/requests.json?status=closed").json() == []
    ids = client.get(f"/open311/v2/requests.json?service_request_id={a},{b}&status=closed").json()
    assert len(ids) == 2  # ids override the other filters
    old = client.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z"
                     "&end_date=2020-02-01T00:00:00Z").json()
    assert old == []
    wide = client.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z"
                      "&end_date=2020-12-01T00:00:00Z")
    assert wide.status_code == 400 and wide.json()[0]["code"] == 400


def test_errors_in_the_spec_format(client, api_key, db) -> None:  # type: ignore[no-untyped-def]
    def check(r, status: int) -> str:  # type: ignore[no-untyped-def]
        assert r.status_code == status, r.text
        body = r.json()
        assert isinstance(body, list) and list(body[0]) == ["code", "description"]
        assert body[0]["code"] == status
        return str(body[0]["description"])

    assert "api_key" in check(parking("wrong", client), 403)
    assert "api_key" in check(client.post("/open311/v2/requests.json",
                                          data={"service_code": "PARKING", **CITY_HALL}), 403)
    check(client.get("/open311/v2/services.json?jurisdiction_id=busan.go.kr"), 404)
    check(post(client, api_key, service_code="NOPE", **CITY_HALL), 404)
    assert "location" in check(post(client, api_key, service_code="OTHER"), 400)
    assert "outside Korea" in check(post(client, api_key, service_code="OTHER", lat="48.85",
                                         long="2.35"), 400)
    assert "outside Seoul" in check(post(client, api_key, service_code="OTHER", lat="35.18",
                                         long="129.07"), 400)
    assert "number" in check(post(client, api_key, service_code="POTHOLE", **CITY_HALL,
                                  **{"attribute[road_type]": "city",
                                     "attribute[size_cm]": "big"}), 400)
    assert "required" in check(post(client, api_key, service_code="PARKING", **CITY_HALL), 400)
    assert "unknown" in check(post(client, api_key, service_code="OTHER", **CITY_HALL,
                                   **{"attribute[colour]": "red"}), 400)
    check(post(client, api_key, service_code="OTHER", **CITY_HALL,
               files={"media": ("x.jpg", fake_jpeg(), "image/jpeg")}), 400)
    big = b"\xff\xd8" + b"\0" * 11_000_000
    check(post(client, api_key, service_code="OTHER", **CITY_HALL,
               files={"media": ("x.jpg", big, "image/jpeg")}), 413)
    x = client.post("/open311/v2/requests.xml", data={"api_key": "nope"})
    assert x.status_code == 403
    assert ET.fromstring(x.content).find("error/code").text == "403"  # type: ignore[union-attr]
    # nothing half-stored
    for model in (ServiceRequest, Consultation, DispatchOutbox, ComplaintPhoto):
        assert db.scalar(select(func.count()).select_from(model)) == 0


def test_a_revoked_key_is_refused_at_once(client, api_key, db) -> None:  # type: ignore[no-untyped-def]
    from dasan.complaints.clients import revoke_key

    first = parking(api_key, client)  # the key is now remembered by the intake
    assert first.status_code == 200, first.text
    row = db.get(ServiceRequest, int(first.json()[0]["service_request_id"]))
    assert row is not None and row.client_id is not None
    consultation = db.get(Consultation, row.consultation_id)
    assert consultation is not None and consultation.external_ref == f"sr-{row.id}"
    assert revoke_key(db, api_key[:9]).id == row.client_id
    db.commit()
    refused = parking(api_key, client)
    assert refused.status_code == 403 and "api_key" in refused.json()[0]["description"]
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 1


def test_photo_location_and_duplicate(client, api_key, db) -> None:  # type: ignore[no-untyped-def]
    photo = jpeg_with_gps(37.5665, 126.9780)
    first = post(client, api_key, service_code="OTHER", description="쓰러진 화분",
                 files={"media": ("a.jpg", photo, "image/jpeg")})
    assert first.status_code == 200, first.text  # located by the photo's EXIF
    second = post(client, api_key, service_code="OTHER", lat="37.56660", long="126.97805",
                  email="b@example.com")
    far = post(client, api_key, service_code="OTHER", lat="37.5700", long="126.9780")
    other_service = parking(api_key, client)
    ids = [r.json()[0]["service_request_id"] for r in (first, second, far, other_service)]
    rows = {str(r.id): r for r in db.scalars(select(ServiceRequest))}
    assert rows[ids[1]].duplicate_of_id == int(ids[0])
    assert rows[ids[0]].duplicate_count == 1
    assert rows[ids[2]].duplicate_of_id is None and rows[ids[3]].duplicate_of_id is None
    assert system_notes.render(rows[ids[1]].status_notes) == (
        f"같은 신고 2건: 원 신고 #{ids[0]}에 병합되었습니다.")
    # the duplicate is not dispatched again; its reporter hears about the original
    assert db.scalar(select(func.count()).select_from(DispatchOutbox)) == 3
    note = db.scalar(select(NotificationOutbox).where(NotificationOutbox.request_id == int(ids[1])))
    assert note is not None and f"#{ids[0]}" in note.body
    photo_row = db.scalar(select(ComplaintPhoto))
    assert photo_row is not None and photo_row.exif_lat is not None
    media = client.get(f"/open311/v2/requests/{ids[0]}.json").json()[0]["media_url"]
    assert media and "/report/photo/" in media


def test_city_road_pothole_goes_to_the_city_department(client, api_key) -> None:  # type: ignore[no-untyped-def]
    city = post(client, api_key, service_code="POTHOLE", **CITY_HALL,
                **{"attribute[road_type]": "city", "attribute[size_cm]": "30"}).json()
    gu = post(client, api_key, service_code="POTHOLE", lat="37.4812", long="126.8970",
              **{"attribute[road_type]": "district"}).json()
    a = client.get(f"/open311/v2/requests/{city[0]['service_request_id']}.json").json()[0]
    b = client.get(f"/open311/v2/requests/{gu[0]['service_request_id']}.json").json()[0]
    assert a["agency_responsible"] == "도시기반시설본부 도로관리과"
    assert b["agency_responsible"] == "구로구"


def test_sms_notices_go_through_the_channels_sms_outbox(  # type: ignore[no-untyped-def]
        client, api_key, db, monkeypatch) -> None:
    """With an SMS adapter configured, the citizen's SMS notice is an `sms.send` item in the
    channels outbox (segmented, retried there), not a log line; e-mail keeps its own outbox;
    a phone that opted out of SMS gets nothing."""
    from dasan.auth import phone_hash
    from dasan.config import get_settings, signing_key
    from dasan.db.base import utcnow
    from dasan.db.models_channels import OutboxItem, SmsOptOut

    monkeypatch.setenv("DASAN_SMS_ADAPTER", "http")
    get_settings.cache_clear()
    r = parking(api_key, client, email="citizen@example.com", phone="010-1234-5678")
    assert r.status_code == 200, r.text
    items = db.scalars(select(OutboxItem).where(OutboxItem.kind == "sms.send")).all()
    assert len(items) == 1 and "to" not in items[0].payload  # a sealed reference only
    from dasan.channels.addresses import resolve

    opened = dict(items[0].payload)
    resolve(db, [opened])
    assert opened["to"] == "01012345678"  # opened in memory, at send time
    row = db.get(ServiceRequest, int(r.json()[0]["service_request_id"]))
    assert row.notify_phone == "010-****-5678"  # never in clear on the row
    assert "불편신고" in items[0].payload["text"]
    assert {n.channel for n in db.scalars(select(NotificationOutbox))} == {"email"}

    db.add(SmsOptOut(phone_hash=phone_hash("01099998888", signing_key()),
                     word="수신거부", at=utcnow()))
    db.commit()
    assert parking(api_key, client, phone="010-9999-8888",
                   **{"lat": "37.5700", "long": "126.9820"}).status_code == 200
    assert db.scalar(select(func.count()).select_from(OutboxItem)
                     .where(OutboxItem.kind == "sms.send")) == 1


def test_address_only_report_is_placed_on_its_dong(client, api_key, db) -> None:  # type: ignore[no-untyped-def]
    r = post(client, api_key, service_code="OTHER", address_string="서울 강남구 역삼동 737 앞")
    assert r.status_code == 200, r.text
    view = client.get(f"/open311/v2/requests/{r.json()[0]['service_request_id']}.json").json()[0]
    assert view["location_precision"] == "dong" and "강남" in view["agency_responsible"]
    row = db.scalar(select(ServiceRequest))
    assert (row.dong_name, row.geo_rule) == ("역삼동", "address_dong")
    nowhere = post(client, api_key, service_code="OTHER", address_string="어딘가 큰길 앞")
    assert nowhere.status_code == 400 and "gu and dong" in nowhere.json()[0]["description"]
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 1
