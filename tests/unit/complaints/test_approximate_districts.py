"""The approximate district geography a machine without the boundary files falls back to
(`complaints.approximate_districts`): every known place in its own district, nothing outside
Seoul, and, where the real boundaries are present, how often it agrees with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dasan.complaints.approximate_districts import POINTS, district_features
from dasan.complaints.geo import GeoIndex, OutsideJurisdiction
from dasan.consultations.districts import DISTRICTS


@pytest.fixture(scope="module")
def approximate() -> GeoIndex:
    return GeoIndex(district_features(), [], approximate=True)


def test_each_known_place_is_placed_in_its_own_district(approximate: GeoIndex) -> None:
    assert sorted(POINTS) == sorted(d.code for d in DISTRICTS)
    for code, points in POINTS.items():
        for lat, lon in points:
            place = approximate.locate(lat, lon)
            assert (place.district_code, place.rule) == (code, "approximate"), (lat, lon)
            assert place.dong_code is None and place.dong_name is None


def test_a_point_outside_seoul_is_refused(approximate: GeoIndex) -> None:
    for lat, lon in ((37.35, 127.10), (37.80, 126.95), (35.18, 129.08)):  # 분당, 의정부 side, 부산
        with pytest.raises(OutsideJurisdiction):
            approximate.locate(lat, lon)


def test_one_point_per_district_without_dongs(approximate: GeoIndex) -> None:
    points = approximate.centroids()
    assert sorted(code for code, _, _ in points) == sorted(d.code for d in DISTRICTS)
    for code, lat, lon in points:
        assert approximate.locate(lat, lon).district_code == code


def test_it_agrees_with_the_real_boundaries_on_most_of_the_city(
        approximate: GeoIndex, shared_data: Path) -> None:
    real = GeoIndex.from_dir(shared_data / "seoul-maps")
    for code, points in POINTS.items():  # every known place lies in its district
        for lat, lon in points:
            assert real.locate(lat, lon).district_code == code, (code, lat, lon)
    dongs = real.centroids()
    agree = sum(approximate.locate(lat, lon).district_code == code[:5]
                for code, lat, lon in dongs)
    # 419 of 467 when written (the district offices alone: 324); the module's docstring says so
    assert agree / len(dongs) >= 0.85
