"""The offline address geocoder: every dong named with its gu lands inside that dong; names
shared by two gu need the gu; administrative and English names fold; the precision is said."""

from __future__ import annotations

from pathlib import Path

import pytest

from dasan.complaints.geo import GeoIndex
from dasan.complaints.geocode import AddressGeocoder


@pytest.fixture(scope="module")
def index(shared_data: Path) -> GeoIndex:
    return GeoIndex.from_dir(shared_data / "seoul-maps", nearest_metres=300)


@pytest.fixture(scope="module")
def coder(index: GeoIndex) -> AddressGeocoder:
    return AddressGeocoder(index)


def test_every_dong_with_its_gu_lands_in_that_dong(index: GeoIndex, coder: AddressGeocoder
                                                     ) -> None:
    gu_name = dict(zip(index.gu_codes, index.gu_names, strict=True))
    for code, name in zip(index.dong_codes, index.dong_names, strict=True):
        found = coder.geocode(f"서울특별시 {gu_name[code[:5]]} {name} 123-4 앞")
        assert found is not None and found.precision == "dong", name
        assert found.dong_code == code and found.district_code == code[:5]
        place = index.locate(found.lat, found.lon)
        assert place.dong_code == code and place.rule == "inside"
        assert found.radius_m > 0


def test_shared_names_need_the_gu(coder: AddressGeocoder) -> None:
    assert coder.geocode("신사동 가로수길") is None  # 강남구 and 관악구 both have one
    gangnam = coder.geocode("강남구 신사동 가로수길")
    gwanak = coder.geocode("관악구 신사동")
    assert gangnam and gwanak and gangnam.district_name == "강남구"
    assert gwanak.district_name == "관악구" and gangnam.dong_code != gwanak.dong_code


def test_unique_dong_alone_admin_and_english_names(coder: AddressGeocoder) -> None:
    alone = coder.geocode("역삼동 테헤란로 앞")
    admin = coder.geocode("역삼1동 주민센터 옆")
    english = coder.geocode("123 Teheran-ro, Yeoksam-dong, Gangnam-gu, Seoul")
    assert alone and admin and english
    assert alone.dong_code == admin.dong_code == english.dong_code
    assert alone.district_name == "강남구" and alone.precision == "dong"


def test_gu_only_and_nowhere(coder: AddressGeocoder) -> None:
    gu = coder.geocode("서울 마포구 어딘가 큰길")
    assert gu is not None and gu.precision == "gu" and gu.dong_code is None
    assert gu.district_name == "마포구" and gu.radius_m > 1000
    assert coder.geocode("부산광역시 해운대구 우동") is None
    assert coder.geocode("") is None
