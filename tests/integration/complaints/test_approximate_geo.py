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


# --- what the citizen is told (the report page and the tracking page) --------------------------

def _notice(html: str) -> str | None:
    """The text of the page's approximate-district notice, None when the page has none."""
    import html as html_lib
    import re

    m = re.search(r'<p id="approximate-notice"[^>]*>(.*?)</p>', html, re.S)
    return html_lib.unescape(m.group(1)).strip() if m else None


def _assert_in_language(text: str | None, lang: str) -> None:
    """The notice is there, in `lang`'s own script: no Korean on a foreign page, no Latin
    letters (raw codes, English) on the Korean page."""
    import re

    assert text
    hangul = re.search(r"[\uac00-\ud7a3]", text) is not None
    latin = re.search(r"[A-Za-z]", text) is not None
    if lang == "ko":
        assert hangul and not latin, text
    else:
        assert not hangul, text
        if lang in ("zh", "ja"):
            assert not latin, text


def _post(client, **where: str) -> dict:  # type: ignore[no-untyped-def]
    r = client.post("/api/complaints/reports",
                    data={"service_code": "OTHER", "description": "가로등이 꺼져 있어요", **where})
    assert r.status_code == 201, r.text
    body: dict = r.json()
    return body


def test_the_report_page_says_the_district_is_estimated_only_when_it_is(  # type: ignore[no-untyped-def]
        client, no_boundaries: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.web.citizen_language import translate

    client.cookies.clear()
    assert _notice(client.get("/report").text) is None  # setting off: nothing to say
    monkeypatch.setenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
    get_settings.cache_clear()
    ko = _notice(client.get("/report?lang=ko").text)
    _assert_in_language(ko, "ko")
    assert ko is not None and "추정" in ko and "구청" in ko
    vi = _notice(client.get("/report?lang=vi").text)
    _assert_in_language(vi, "vi")
    assert vi == translate(ko, None, "vi") and vi != translate(ko, "en", "en")
    en = _notice(client.get("/report?lang=en").text)
    assert en is not None and "estimated" in en and "district office" in en


def test_the_report_page_is_silent_with_the_real_boundaries(  # type: ignore[no-untyped-def]
        client, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The setting on a machine that has the boundaries changes nothing: no notice."""
    monkeypatch.setenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
    get_settings.cache_clear()
    client.cookies.clear()
    page = client.get("/report")
    assert page.status_code == 200 and _notice(page.text) is None


def test_the_tracking_page_of_an_approximate_report_says_so(  # type: ignore[no-untyped-def]
        client, no_boundaries: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.web.citizen_language import translate

    monkeypatch.setenv("DASAN_COMPLAINTS_APPROXIMATE_GEO", "1")
    get_settings.cache_clear()
    client.cookies.clear()
    pinned = _post(client, lat="37.5172", long="127.0473")  # 강남구청, placed approximately
    ko = _notice(client.get(pinned["tracking_url"] + "?lang=ko").text)
    _assert_in_language(ko, "ko")
    assert ko is not None and "추정" in ko
    zh = _notice(client.get(pinned["tracking_url"] + "?lang=zh").text)
    _assert_in_language(zh, "zh")
    assert zh == translate(ko, None, "zh")
    # placed from a written address: the district is the address's, not estimated
    client.cookies.clear()
    by_address = _post(client, address_string="서울 마포구 월드컵로 212")
    page = client.get(by_address["tracking_url"])
    assert page.status_code == 200 and _notice(page.text) is None


def test_the_tracking_page_is_silent_for_a_report_placed_by_the_boundaries(  # type: ignore[no-untyped-def]
        client, shared_data: Path) -> None:
    client.cookies.clear()
    mine = _post(client, lat="37.5172", long="127.0473")
    for lang in ("ko", "mn"):
        page = client.get(mine["tracking_url"] + f"?lang={lang}")
        assert page.status_code == 200 and _notice(page.text) is None
