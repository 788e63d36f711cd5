"""The 25 autonomous districts (자치구) of Seoul with their standard SIG_CD codes.

Codes and names match `seoul-maps` (JUSO 2015); population weights (thousands, rounded,
2023 resident registration) steer the demo generator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    code: str
    name_ko: str
    name_en: str
    population_k: int


DISTRICTS: tuple[District, ...] = (
    District("11110", "종로구", "Jongno-gu", 140),
    District("11140", "중구", "Jung-gu", 120),
    District("11170", "용산구", "Yongsan-gu", 215),
    District("11200", "성동구", "Seongdong-gu", 280),
    District("11215", "광진구", "Gwangjin-gu", 340),
    District("11230", "동대문구", "Dongdaemun-gu", 340),
    District("11260", "중랑구", "Jungnang-gu", 380),
    District("11290", "성북구", "Seongbuk-gu", 430),
    District("11305", "강북구", "Gangbuk-gu", 290),
    District("11320", "도봉구", "Dobong-gu", 300),
    District("11350", "노원구", "Nowon-gu", 500),
    District("11380", "은평구", "Eunpyeong-gu", 460),
    District("11410", "서대문구", "Seodaemun-gu", 310),
    District("11440", "마포구", "Mapo-gu", 360),
    District("11470", "양천구", "Yangcheon-gu", 430),
    District("11500", "강서구", "Gangseo-gu", 560),
    District("11530", "구로구", "Guro-gu", 400),
    District("11545", "금천구", "Geumcheon-gu", 230),
    District("11560", "영등포구", "Yeongdeungpo-gu", 375),
    District("11590", "동작구", "Dongjak-gu", 380),
    District("11620", "관악구", "Gwanak-gu", 490),
    District("11650", "서초구", "Seocho-gu", 410),
    District("11680", "강남구", "Gangnam-gu", 530),
    District("11710", "송파구", "Songpa-gu", 655),
    District("11740", "강동구", "Gangdong-gu", 460),
)
DISTRICT_BY_CODE = {d.code: d for d in DISTRICTS}
DISTRICT_BY_NAME = {d.name_ko: d for d in DISTRICTS}
