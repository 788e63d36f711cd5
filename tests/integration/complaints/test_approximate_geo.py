"""A machine without the boundary files (`dasan demo` on a clean clone without ../shared):
with `complaints_approximate_geo` field reports are taken and routed to a district, marked
approximate on Open311; without it a report with a location is refused (503) and nothing is
saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.complaints import catalogue
from dasan.complaints.demo_reports import seed_demo_reports
from dasan.complaints.geo import GeoDataMissing
from dasan.complaints.intake import ReportIn, create_report
from dasan.complaints.open311 import request_view
from dasan.config import get_settings
from dasan.db.models_complaints import ServiceRequest


@pytest.fixture
def no_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DASAN_SHARED_DATA", str(tmp_path / "no-shared-data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _report(db: Session, **fields: object) -> ReportIn:
    service = next(s for s in catalogue.active_services(db)
                   if not any(a.required for a in catalogue.attributes_of(db, s)))
    return ReportIn(service_code=service.code, description="보도블록이 깨져 있어요",
                    **fields)  # type: ignore[arg-type]


def test_without_boundaries_a_located_report_is_refused_and_nothing_saved(
        db: Session, no_boundaries: None) -> None:
    assert not get_settings().complaints_approximate_geo
    with pytest.raises(GeoDataMissing):
        create_report(db, _report(db, lat=37.5172, lon=127.0473))
    db.rollback()
    assert db.scalar(select(func.count(ServiceRequest.id))) == 0


def test_approximate_geography_routes_reports_and_says_so(
        db: Session, no_boundaries: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
    get_settings.cache_clear()
    request = create_report(db, _report(db, lat=37.5172, lon=127.0473))  # 강남구청
    db.commit()
    assert (request.district_code, request.geo_rule, request.dong_code) == (
        "11680", "approximate", None)
    service = catalogue.all_services(db)[request.service_code]
    assert request_view(request, service, {})["location_precision"] == "approximate"
    by_address = create_report(db, _report(db, address="서울 마포구 월드컵로 212"))
    db.commit()
    assert (by_address.district_code, by_address.geo_rule) == ("11440", "address_gu")


def test_the_demo_seeds_its_reports_over_the_districts(
        db: Session, no_boundaries: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
    get_settings.cache_clear()
    assert seed_demo_reports(db, n=30, days=5) >= 20
    db.commit()
    rows = db.execute(select(ServiceRequest.district_code, ServiceRequest.geo_rule)).all()
    assert {rule for _, rule in rows} == {"approximate"}
    assert len({code for code, _ in rows}) >= 10


def test_the_citizen_map_and_intake_work_without_boundaries(  # type: ignore[no-untyped-def]
        client, no_boundaries: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/report/geo/gu.geojson").status_code == 404  # neither file nor fallback
    monkeypatch.setenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
    get_settings.cache_clear()
    gu = client.get("/report/geo/gu.geojson")
    assert gu.status_code == 200
    features = gu.json()["features"]
    assert len(features) == 25 and all(f["properties"]["approximate"] for f in features)
    assert client.get("/report/geo/dong.geojson").status_code == 404  # no dong is known
    r = client.post("/api/complaints/reports",
                    data={"service_code": "OTHER", "lat": "37.4569", "long": "126.8955",
                          "description": "가로수 쓰러짐"})
    assert r.status_code == 201, r.text


def test_the_dong_directory_stays_empty_without_dongs(
        db: Session, no_boundaries: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The crisis panel's 주민센터 directory is seeded from the dong names; the approximate
    districts know none, so it stays empty (and the panel asks for the centre by hand)."""
    from dasan.protection import welfare

    monkeypatch.setenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
    get_settings.cache_clear()
    assert welfare.ensure_directory(db) == 0
