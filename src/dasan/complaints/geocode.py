"""Address-only reports: an offline geocoder over the shipped gu/dong names.

Seoul's legal dong names (the `seoul-maps` GeoJSON, 467 dong in 25 gu) are enough to place a
written address such as "서울 강남구 역삼동 737" or "역삼1동 주민센터 앞" on its neighbourhood.
No street-level database ships with Dasan, so the answer is honest about its precision:

- `dong`: the address names a dong (alone when its name is unique in Seoul, or with its gu);
  the point is a point inside that dong's polygon, `radius_m` the farthest the true spot can be
  from it (the polygon's Hausdorff distance from the point);
- `gu`: only the district could be read; the point is inside the gu, with its radius;
- nothing: the address names no place in Seoul (or a dong shared by several gu without the gu),
  and the report is refused with a clear message asking for a pin or the gu.

Administrative dong names ("역삼1동", "신사제2동") fold to their legal dong ("역삼동"); English
romanisations ("Yeoksam-dong, Gangnam-gu") match too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import shapely

from dasan.complaints.geo import KX, KY, GeoIndex, geo_index

_CITY = re.compile(r"서울(특별)?시?|seoul(-si| city)?", re.IGNORECASE)
_TOKEN = re.compile(r"[가-힣]+\d*[가-힣]*|[a-z]+(?:-[a-z0-9]+)*", re.IGNORECASE)
_ADMIN_NUMBER = re.compile(r"제?\d+(동|가)$")


@dataclass(frozen=True)
class Geocoded:
    lat: float
    lon: float
    district_code: str
    district_name: str
    dong_code: str | None
    dong_name: str | None
    precision: str  # dong | gu
    radius_m: float

    @property
    def rule(self) -> str:
        return f"address_{self.precision}"


def _fold(name: str) -> str:
    """'역삼1동' -> '역삼동', '신사제2동' -> '신사동'; legal '종로1가' is kept (it exists)."""
    return _ADMIN_NUMBER.sub(lambda m: m.group(1), name)


class AddressGeocoder:
    def __init__(self, index: GeoIndex) -> None:
        self.index = index
        self.gu_by_name: dict[str, int] = {}
        for i, name in enumerate(index.gu_names):
            self.gu_by_name[name] = i
        self.dong_by_name: dict[str, list[int]] = {}
        for j, name in enumerate(index.dong_names):
            self.dong_by_name.setdefault(name, []).append(j)
        self._eng_gu: dict[str, int] = {}
        self._eng_dong: dict[str, list[int]] = {}
        for i, name in enumerate(index.gu_eng_names):
            self._eng_gu[name.lower()] = i
        for j, name in enumerate(index.dong_eng_names):
            self._eng_dong.setdefault(name.lower(), []).append(j)

    def _find_gu(self, tokens: list[str]) -> int | None:
        for tok in tokens:
            if tok.endswith("구") and tok in self.gu_by_name:
                return self.gu_by_name[tok]
            if tok.lower() in self._eng_gu:
                return self._eng_gu[tok.lower()]
        return None

    def _dong_candidates(self, tok: str) -> list[int]:
        if tok.lower() in self._eng_dong:
            return self._eng_dong[tok.lower()]
        if tok in self.dong_by_name:  # legal names, including '세종로' and '명륜2가'
            return self.dong_by_name[tok]
        if not tok.endswith(("동", "가")) or len(tok) < 3:
            return []
        return self.dong_by_name.get(_fold(tok), [])

    def geocode(self, address: str) -> Geocoded | None:
        text = _CITY.sub(" ", address or "")
        tokens = _TOKEN.findall(text)
        gu = self._find_gu(tokens)
        gu_code = self.index.gu_codes[gu] if gu is not None else None
        for tok in tokens:
            found = self._dong_candidates(tok)
            if gu_code is not None:
                found = [j for j in found if self.index.dong_codes[j][:5] == gu_code]
            if len(found) == 1:
                return self._at_dong(found[0])
        if gu is not None:
            return self._at_gu(gu)
        return None

    def _point(self, geom: shapely.Geometry) -> tuple[float, float, float]:
        p = shapely.point_on_surface(geom)
        radius = float(shapely.hausdorff_distance(p, geom))
        return float(shapely.get_y(p)) / KY, float(shapely.get_x(p)) / KX, radius

    def _at_dong(self, j: int) -> Geocoded:
        lat, lon, radius = self._point(self.index.dong_geoms[j])
        code = self.index.dong_codes[j][:5]
        gu = self.index.gu_codes.index(code)
        return Geocoded(lat, lon, code, self.index.gu_names[gu], self.index.dong_codes[j],
                        self.index.dong_names[j], "dong", radius)

    def _at_gu(self, i: int) -> Geocoded:
        lat, lon, radius = self._point(self.index.gu_geoms[i])
        return Geocoded(lat, lon, self.index.gu_codes[i], self.index.gu_names[i], None, None,
                        "gu", radius)


@lru_cache(maxsize=4)
def _geocoder_for(index_id: int) -> AddressGeocoder:
    return AddressGeocoder(geo_index())


def geocoder() -> AddressGeocoder:
    return _geocoder_for(id(geo_index()))
