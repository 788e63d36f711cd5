"""Geo-routing: a point to its district (gu) and neighbourhood (dong), with shapely 2 STRtrees
over the shipped `seoul-maps` GeoJSON (read at run time from `DASAN_SHARED_DATA`).

Polygons are moved once into a local metric plane (an equirectangular projection at Seoul's
latitude, good to well under a metre across the city), so distances are metres and every query
is a plain STRtree lookup. The rules for points that fall in no polygon:

- inside Korea, within `nearest_metres` of a district (a sliver between polygons, the river bank,
  a pin dropped just over the city line): the nearest district (`geo_rule = "nearest"`);
- farther from Seoul, or outside Korea: refused with a clear error.

Without the boundary files, `complaints_approximate_geo` (set by `dasan demo` on a machine
without seed data) places a point in the district of the nearest known place
(:mod:`dasan.complaints.approximate_districts`; `geo_rule = "approximate"`, no dong); otherwise
every lookup is refused with `geo_data_missing`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely import STRtree
from shapely.geometry import shape

from dasan.config import get_settings
from dasan.errors import DomainError

GU_FILE = "juso_2015_seoul_municipalities_geo_simple.json"
DONG_FILE = "juso_2015_seoul_neighborhoods_geo_simple.json"

# Equirectangular plane around Seoul's centre (metres per degree).
_LAT0 = 37.55
KY = 111_132.0
KX = 111_320.0 * math.cos(math.radians(_LAT0))

# Rough bounding box of the Republic of Korea (Jeju to the DMZ, Baengnyeong to Dokdo).
KOREA_LAT = (33.0, 38.7)
KOREA_LON = (124.5, 132.0)


class OutsideJurisdiction(DomainError):
    status = 400
    code = "outside_jurisdiction"


class GeoDataMissing(DomainError):
    status = 503
    code = "geo_data_missing"


@dataclass(frozen=True)
class Place:
    district_code: str
    district_name: str
    dong_code: str | None
    dong_name: str | None
    rule: str  # inside | nearest | approximate
    distance_m: float = 0.0


def to_plane(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Lon/lat arrays to metres in the local plane, as an (n, 2) array."""
    return np.column_stack((np.asarray(lon) * KX, np.asarray(lat) * KY))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two points (local plane; fine for the city's size)."""
    return math.hypot((lon1 - lon2) * KX, (lat1 - lat2) * KY)


def check_in_korea(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise OutsideJurisdiction("lat/long must be finite numbers", code="invalid_location")
    if not (KOREA_LAT[0] <= lat <= KOREA_LAT[1] and KOREA_LON[0] <= lon <= KOREA_LON[1]):
        raise OutsideJurisdiction(
            f"location {lat:.5f},{lon:.5f} is outside Korea; "
            "lat/long are WGS84 degrees (Seoul is about 37.5, 127.0)",
            code="outside_korea",
        )


class GeoIndex:
    """The 25 gu and 467 dong polygons with an STRtree each."""

    def __init__(self, gu_features: list[dict], dong_features: list[dict], *,
                 nearest_metres: float = 300.0, approximate: bool = False) -> None:
        self.nearest_metres = nearest_metres
        self.approximate = approximate  # known places' Voronoi cells, not boundaries
        self.gu_codes = [f["properties"]["SIG_CD"] for f in gu_features]
        self.gu_names = [f["properties"]["SIG_KOR_NM"] for f in gu_features]
        self.gu_eng_names = [f["properties"].get("SIG_ENG_NM") or "" for f in gu_features]
        self.dong_codes = [f["properties"]["EMD_CD"] for f in dong_features]
        self.dong_names = [f["properties"]["EMD_KOR_NM"] for f in dong_features]
        self.dong_eng_names = [f["properties"].get("EMD_ENG_NM") or "" for f in dong_features]
        self.gu_geoms = np.array([self._planar(f) for f in gu_features], dtype=object)
        self.dong_geoms = np.array([self._planar(f) for f in dong_features], dtype=object)
        shapely.prepare(self.gu_geoms)
        shapely.prepare(self.dong_geoms)
        self.gu_tree = STRtree(self.gu_geoms)
        self.dong_tree = STRtree(self.dong_geoms)
        self._dong_gu = np.array([c[:5] for c in self.dong_codes])

    @staticmethod
    def _planar(feature: dict) -> shapely.Geometry:
        geom = shapely.make_valid(shape(feature["geometry"]))
        return shapely.transform(geom, lambda xy: xy * np.array([KX, KY]))

    @classmethod
    def from_dir(cls, folder: Path, *, nearest_metres: float = 300.0) -> GeoIndex:
        gu, dong = folder / GU_FILE, folder / DONG_FILE
        if not gu.is_file() or not dong.is_file():
            raise GeoDataMissing(
                f"district boundaries not found in {folder} (set DASAN_SHARED_DATA to the folder "
                "that holds seoul-maps/)"
            )
        return cls(json.loads(gu.read_text(encoding="utf-8"))["features"],
                   json.loads(dong.read_text(encoding="utf-8"))["features"],
                   nearest_metres=nearest_metres)

    # --- vectorised lookups ------------------------------------------------------------------

    @staticmethod
    def _lookup(tree: STRtree, geoms: NDArray[np.object_], lon: NDArray[np.float64],
                lat: NDArray[np.float64]) -> NDArray[np.int64]:
        """The STRtree narrows each point to the polygons whose box holds it; then one
        vectorised, prepared `contains_xy` per polygon decides (first hit wins on borders)."""
        xy = to_plane(lon, lat)
        src, hit = tree.query(shapely.points(xy))
        out = np.full(len(xy), -1, dtype=np.int64)
        if not len(src):
            return out
        order = np.argsort(hit, kind="stable")
        src, hit = src[order], hit[order]
        bounds = np.flatnonzero(np.diff(hit)) + 1
        for chunk_src, j in zip(np.split(src, bounds), hit[np.r_[0, bounds]], strict=True):
            todo = chunk_src[out[chunk_src] < 0]
            if len(todo):
                inside = shapely.contains_xy(geoms[j], xy[todo, 0], xy[todo, 1])
                out[todo[inside]] = j
        return out

    def district_index(self, lon: NDArray[np.float64], lat: NDArray[np.float64]
                       ) -> NDArray[np.int64]:
        """Index into `gu_codes` for each point (-1 where no polygon contains it)."""
        return self._lookup(self.gu_tree, self.gu_geoms, lon, lat)

    def dong_index(self, lon: NDArray[np.float64], lat: NDArray[np.float64]
                   ) -> NDArray[np.int64]:
        return self._lookup(self.dong_tree, self.dong_geoms, lon, lat)

    # --- one point, with the rules -----------------------------------------------------------

    def locate(self, lat: float, lon: float) -> Place:
        check_in_korea(lat, lon)
        point = shapely.points(to_plane(np.array([lon]), np.array([lat])))[0]
        gu_hits = self.gu_tree.query(point, predicate="intersects")
        rule, dist = "inside", 0.0
        if len(gu_hits):
            gu = int(gu_hits[0])
        else:
            nearest = self.gu_tree.query_nearest(point, max_distance=self.nearest_metres,
                                                 return_distance=True)
            if not len(nearest[0]):
                raise OutsideJurisdiction(
                    f"location {lat:.5f},{lon:.5f} is outside Seoul; this service takes "
                    "reports inside the city of Seoul only",
                )
            gu, dist, rule = int(nearest[0][0]), float(nearest[1][0]), "nearest"
        if self.approximate:
            rule = APPROXIMATE_RULE
        code = self.gu_codes[gu]
        dong_code = dong_name = None
        for d in self.dong_tree.query(point, predicate="intersects"):
            if self._dong_gu[int(d)] == code:
                dong_code, dong_name = self.dong_codes[int(d)], self.dong_names[int(d)]
                break
        else:
            near = self.dong_tree.query_nearest(point, max_distance=self.nearest_metres)
            for d in near:
                if self._dong_gu[int(d)] == code:
                    dong_code, dong_name = self.dong_codes[int(d)], self.dong_names[int(d)]
                    break
        return Place(code, self.gu_names[gu], dong_code, dong_name, rule, dist)

    def centroids(self) -> list[tuple[str, float, float]]:
        """(dong code, lat, lon) of a point surely inside each dong (for tests and benches);
        (district code, lat, lon) of each district where no dong is known."""
        out = []
        codes, geoms = ((self.dong_codes, self.dong_geoms) if self.dong_codes
                        else (self.gu_codes, self.gu_geoms))
        for code, geom in zip(codes, geoms, strict=True):
            p = shapely.point_on_surface(geom)
            out.append((code, float(shapely.get_y(p)) / KY, float(shapely.get_x(p)) / KX))
        return out


def maps_dir() -> Path:
    return get_settings().shared_data / "seoul-maps"


@lru_cache(maxsize=4)
def _index_for(folder: str, nearest_metres: float) -> GeoIndex:
    return GeoIndex.from_dir(Path(folder), nearest_metres=nearest_metres)


@lru_cache(maxsize=2)
def _approximate_index(nearest_metres: float) -> GeoIndex:
    from dasan.complaints.approximate_districts import district_features

    return GeoIndex(district_features(), [], nearest_metres=nearest_metres, approximate=True)


APPROXIMATE_RULE = "approximate"


def approximate_in_use() -> bool:
    """True when a pin is placed by the approximate districts: the boundaries are missing and
    `complaints_approximate_geo` is on (the citizen report page says so)."""
    return (get_settings().complaints_approximate_geo
            and not (maps_dir() / GU_FILE).is_file())


def placed_approximately(geo_rule: str) -> bool:
    """True for a report whose district came from the approximate districts (about 1 in 10
    lands in a neighbour), not from a boundary or an address lookup."""
    return geo_rule == APPROXIMATE_RULE


def geo_index() -> GeoIndex:
    """The process-wide index (built once per data folder); the approximate one when the
    boundaries are missing and `complaints_approximate_geo` is on."""
    settings = get_settings()
    if approximate_in_use():
        return _approximate_index(settings.complaints_nearest_metres)
    return _index_for(str(maps_dir()), settings.complaints_nearest_metres)


def boundary_layer(layer: str) -> bytes | None:
    """The citizen map's GeoJSON layer ("gu" or "dong"): the boundary file as shipped; for
    "gu" without it and with `complaints_approximate_geo`, the approximate districts (each
    feature marked `approximate`); None when there is neither."""
    path = maps_dir() / {"gu": GU_FILE, "dong": DONG_FILE}[layer]
    if path.is_file():
        return _layer_file(str(path))
    if layer == "gu" and get_settings().complaints_approximate_geo:
        return _approximate_layer()
    return None


@lru_cache(maxsize=4)
def _layer_file(path: str) -> bytes:
    return Path(path).read_bytes()


@lru_cache(maxsize=1)
def _approximate_layer() -> bytes:
    from dasan.complaints.approximate_districts import district_features

    return json.dumps({"type": "FeatureCollection", "features": district_features()},
                      ensure_ascii=False).encode()

