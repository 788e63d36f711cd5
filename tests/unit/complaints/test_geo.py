"""Geo-routing against the shipped GeoJSON: every dong's inner point routes to that dong and
its gu, vectorised and one by one; points outside Seoul or Korea are refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dasan.complaints.geo import GeoIndex, OutsideJurisdiction


@pytest.fixture(scope="module")
def index(shared_data: Path) -> GeoIndex:
    return GeoIndex.from_dir(shared_data / "seoul-maps", nearest_metres=300)


def test_every_dong_point_routes_to_its_dong_and_gu(index: GeoIndex) -> None:
    points = index.centroids()
    assert len(points) == 467
    lat = np.array([p[1] for p in points])
    lon = np.array([p[2] for p in points])
    dongs = index.dong_index(lon, lat)
    gus = index.district_index(lon, lat)
    for (code, la, lo), d, g in zip(points, dongs, gus, strict=True):
        assert index.dong_codes[d] == code
        assert index.gu_codes[g] == code[:5]
        place = index.locate(la, lo)
        assert (place.district_code, place.dong_code, place.rule) == (code[:5], code, "inside")


def test_all_25_districts_are_reached(index: GeoIndex) -> None:
    assert len({c[:5] for c, _la, _lo in index.centroids()}) == 25


def test_known_places(index: GeoIndex) -> None:
    assert index.locate(37.5665, 126.9780).district_name == "중구"  # Seoul City Hall
    assert index.locate(37.5172, 126.9950).district_code == "11170"  # Han river, Yongsan side


def test_just_outside_the_city_line_goes_to_the_nearest_district(index: GeoIndex) -> None:
    # Walk west from a Gangseo-gu dong point until no polygon holds it: the first point
    # outside is within one step (~45 m) of the city line.
    _code, lat, lon = next(p for p in index.centroids() if p[0].startswith("11500"))
    while index.district_index(np.array([lon]), np.array([lat]))[0] >= 0:
        lon -= 0.0005
    place = index.locate(lat, lon)
    assert place.rule == "nearest"
    assert place.district_code == "11500"
    assert 0 < place.distance_m <= 300
    with pytest.raises(OutsideJurisdiction):
        index.locate(lat, lon - 0.01)  # ~900 m further out


@pytest.mark.parametrize("lat,lon,code", [
    (35.1796, 129.0756, "outside_jurisdiction"),  # Busan
    (37.4563, 126.7052, "outside_jurisdiction"),  # Incheon
    (40.0, 116.4, "outside_korea"),  # Beijing
    (-37.5, 127.0, "outside_korea"),
    (float("nan"), 127.0, "invalid_location"),
])
def test_outside_is_refused(index: GeoIndex, lat: float, lon: float, code: str) -> None:
    with pytest.raises(OutsideJurisdiction) as err:
        index.locate(lat, lon)
    assert err.value.code == code
    assert err.value.status == 400
