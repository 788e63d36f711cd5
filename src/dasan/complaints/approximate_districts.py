"""Approximate district geography for a machine without the `seoul-maps` boundaries.

`dasan demo` on a clean clone without `../shared/data` still takes field reports: a point goes to
the district of the nearest of a few known places in each district (its office first, then
neighbourhoods and stations), within Seoul's rough extent. These are Voronoi cells of
161 points, not boundaries: near a border, or on the river, a report can land in the
neighbour, and no dong is known. Checked against the real boundaries where they are present
(tests/unit/complaints/test_approximate_districts.py): every point below lies in its own
district, and 90% of the dong (419 of 467 points inside them) and 89% of the city's area land
in their own district (the district offices alone: 69%). Places made here carry
`geo_rule = "approximate"` and the demo says so when it starts; a city sets
`DASAN_SHARED_DATA` to the folder with the real boundaries. Never used when they are there.

The places' locations are public facts (WGS84, rounded to about 100 m), written for this
project; codes and names come from :mod:`dasan.consultations.districts`.
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping

from dasan.consultations.districts import DISTRICT_BY_CODE

# SIG_CD -> (lat, lon) of known places in the district, its office (구청) first
POINTS: dict[str, tuple[tuple[float, float], ...]] = {
    "11110": (  # 종로구: office first
        (37.5735, 126.9790), (37.5820, 127.0010), (37.6100, 126.9690), (37.5930, 126.9620),
        (37.5740, 127.0110), (37.5720, 126.9770), (37.5870, 126.9850),
    ),
    "11140": (  # 중구: office first
        (37.5641, 126.9979), (37.5610, 126.9860), (37.5600, 127.0170), (37.5660, 126.9920),
        (37.5590, 126.9770), (37.5550, 127.0100),
    ),
    "11170": (  # 용산구: office first
        (37.5326, 126.9905), (37.5340, 126.9940), (37.5360, 127.0050), (37.5298, 126.9648),
        (37.5420, 126.9600), (37.5220, 126.9720), (37.5200, 126.9950), (37.5290, 126.9710),
        (37.5490, 126.9770), (37.5280, 126.9990),
    ),
    "11200": (  # 성동구: office first
        (37.5634, 127.0369), (37.5445, 127.0560), (37.5480, 127.0220), (37.5400, 127.0170),
        (37.5560, 127.0450),
    ),
    "11215": (  # 광진구: office first
        (37.5385, 127.0823), (37.5404, 127.0690), (37.5430, 127.0860), (37.5340, 127.0830),
        (37.5570, 127.0790), (37.5500, 127.1000),
    ),
    "11230": (  # 동대문구: office first
        (37.5744, 127.0400), (37.5800, 127.0470), (37.5895, 127.0580), (37.5700, 127.0700),
        (37.5670, 127.0550),
    ),
    "11260": (  # 중랑구: office first
        (37.6066, 127.0927), (37.5880, 127.0860), (37.5960, 127.0860), (37.6150, 127.0770),
        (37.6120, 127.1030),
    ),
    "11290": (  # 성북구: office first
        (37.5894, 127.0167), (37.5930, 126.9950), (37.6040, 127.0250), (37.6110, 127.0600),
        (37.6060, 127.0000), (37.6020, 127.0400),
    ),
    "11305": (  # 강북구: office first
        (37.6396, 127.0257), (37.6380, 127.0250), (37.6260, 127.0260), (37.6360, 127.0350),
        (37.6600, 127.0120),
    ),
    "11320": (  # 도봉구: office first
        (37.6688, 127.0471), (37.6530, 127.0470), (37.6680, 127.0440), (37.6480, 127.0340),
        (37.6890, 127.0450), (37.6630, 127.0350), (37.6850, 127.0300),
    ),
    "11350": (  # 노원구: office first
        (37.6542, 127.0568), (37.6600, 127.0730), (37.6460, 127.0750), (37.6260, 127.0590),
        (37.6250, 127.0770), (37.6370, 127.0680), (37.6480, 127.0650), (37.6750, 127.0600),
        (37.6250, 127.0850), (37.6180, 127.0600),
    ),
    "11380": (  # 은평구: office first
        (37.6027, 126.9291), (37.6100, 126.9300), (37.6190, 126.9210), (37.5990, 126.9150),
        (37.6400, 126.9200),
    ),
    "11410": (  # 서대문구: office first
        (37.5791, 126.9368), (37.5560, 126.9370), (37.5890, 126.9440), (37.5760, 126.9190),
        (37.5610, 126.9540),
    ),
    "11440": (  # 마포구: office first
        (37.5663, 126.9019), (37.5490, 126.9140), (37.5780, 126.8900), (37.5440, 126.9510),
        (37.5560, 126.9010), (37.5630, 126.9230), (37.5450, 126.9350), (37.5560, 126.9230),
        (37.5400, 126.9480),
    ),
    "11470": (  # 양천구: office first
        (37.5170, 126.8664), (37.5180, 126.8560), (37.5340, 126.8750), (37.5280, 126.8380),
    ),
    "11500": (  # 강서구: office first
        (37.5509, 126.8495), (37.5586, 126.7945), (37.5600, 126.8250), (37.5415, 126.8400),
        (37.5700, 126.8100), (37.5640, 126.8520), (37.5470, 126.8740),
    ),
    "11530": (  # 구로구: office first
        (37.4954, 126.8874), (37.4950, 126.8580), (37.4945, 126.8450), (37.5050, 126.8800),
    ),
    "11545": (  # 금천구: office first
        (37.4568, 126.8955), (37.4810, 126.8826), (37.4500, 126.9000), (37.4700, 126.8950),
    ),
    "11560": (  # 영등포구: office first
        (37.5264, 126.8962), (37.5250, 126.9240), (37.5340, 126.9020), (37.4930, 126.8960),
        (37.5050, 126.9170), (37.5170, 126.8950),
    ),
    "11590": (  # 동작구: office first
        (37.5124, 126.9393), (37.5030, 126.9480), (37.4980, 126.9250), (37.5050, 126.9650),
    ),
    "11620": (  # 관악구: office first
        (37.4784, 126.9516), (37.4600, 126.9520), (37.4842, 126.9297), (37.4823, 126.9415),
        (37.4700, 126.9350),
    ),
    "11650": (  # 서초구: office first
        (37.4837, 127.0324), (37.5050, 127.0050), (37.4700, 127.0380), (37.4600, 127.0700),
        (37.4920, 127.0080), (37.4750, 127.0000), (37.4810, 126.9880), (37.5140, 127.0100),
        (37.4650, 127.0200),
    ),
    "11680": (  # 강남구: office first
        (37.5172, 127.0473), (37.5110, 127.0600), (37.4820, 127.0550), (37.5270, 127.0280),
        (37.5007, 127.0365), (37.4900, 127.0700), (37.4990, 127.0600), (37.4870, 127.1010),
        (37.4650, 127.1000), (37.5240, 127.0500), (37.5110, 127.0280),
    ),
    "11710": (  # 송파구: office first
        (37.5145, 127.1059), (37.5130, 127.1000), (37.4970, 127.1180), (37.4850, 127.1220),
        (37.4930, 127.1440), (37.5020, 127.1280), (37.5350, 127.1150), (37.5200, 127.1220),
        (37.5110, 127.1150), (37.4950, 127.1500), (37.4800, 127.1350),
    ),
    "11740": (  # 강동구: office first
        (37.5301, 127.1238), (37.5385, 127.1235), (37.5550, 127.1540), (37.5270, 127.1360),
        (37.5500, 127.1280),
    ),
}
# Seoul's rough extent (lat, lon): the cells are cut to it, so a point well outside the city is
# refused as with the real boundaries.
EXTENT = ((37.413, 126.764), (37.715, 127.184))


def district_features() -> list[dict[str, Any]]:
    """GeoJSON-like features (SIG_CD, SIG_KOR_NM, SIG_ENG_NM, and ``approximate``: true;
    lon/lat polygons): each district's union of its points' Voronoi cells within
    :data:`EXTENT`."""
    owners = [code for code, points in POINTS.items() for _ in points]
    sites = shapely.points([(lon, lat) for points in POINTS.values() for lat, lon in points])
    (south, west), (north, east) = EXTENT
    box = shapely.box(west, south, east, north)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites),
                                                       extend_to=box))
    owner_of_cell = [owners[int(shapely.STRtree(sites).query(cell, predicate="contains")[0])]
                     for cell in cells]
    features = []
    for code, district in ((c, DISTRICT_BY_CODE[c]) for c in POINTS):
        mine = [cell for cell, owner in zip(cells, owner_of_cell, strict=True) if owner == code]
        features.append({"type": "Feature",
                         "properties": {"SIG_CD": code, "SIG_KOR_NM": district.name_ko,
                                        "SIG_ENG_NM": district.name_en, "approximate": True},
                         "geometry": mapping(shapely.intersection(shapely.union_all(mine),
                                                                  box))})
    return features
