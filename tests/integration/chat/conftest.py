"""Fixtures for chat tests: a small knowledge base and helpers to open chats."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Agency, KbEntry

KB_ENTRIES: tuple[tuple[str, str, str, str, list[str]], ...] = (
    ("기후동행카드 환불 방법", "교통", "city-transport",
     "기후동행카드 환불은 티머니 앱 또는 역사 고객안내센터에서 신청할 수 있습니다. "
     "사용 기간이 지나지 않은 경우 잔여 일수에 따라 환불됩니다.",
     ["기후동행카드 환불하고 싶어요", "기후동행카드 돈 돌려받을 수 있나요"]),
    ("따릉이 대여 요금", "교통", "city-transport",
     "따릉이 1시간 이용권은 1,000원, 2시간 이용권은 2,000원입니다. 서울자전거 따릉이 앱에서 "
     "결제합니다.", ["따릉이 빌리는 데 얼마예요", "따릉이 이용권 가격"]),
    ("수도 요금 납부 방법", "환경", "city-water",
     "수도 요금은 아리수 사이버고객센터, 인터넷 뱅킹, 편의점에서 납부할 수 있습니다.",
     ["수도세 내는 방법", "상수도 요금 어디서 내요"]),
    ("긴급복지 생계지원 신청", "복지", "city-welfare",
     "갑작스러운 위기로 생계가 곤란한 가구는 주소지 동주민센터에서 긴급복지 생계지원을 "
     "신청할 수 있습니다.", ["긴급복지 지원 받고 싶어요", "생계가 어려워요 지원 있나요"]),
    ("청년월세 지원 신청 자격", "주택도시계획", "city-housing",
     "만 19~39세 무주택 청년 1인 가구로 임차보증금 5천만원 이하, 월세 60만원 이하 건물에 "
     "거주하면 신청할 수 있습니다.", ["청년 월세 지원 자격", "청년월세 누가 받을 수 있어요"]),
    ("여권 발급 준비물", "행정", "city-admin",
     "여권 발급에는 신분증, 여권용 사진 1매가 필요하며 구청 여권과에서 신청합니다.",
     ["여권 만들 때 필요한 것", "여권 신청 서류"]),
    ("대형폐기물 배출 신고", "환경", "city-climate",
     "대형폐기물은 구청 홈페이지나 앱에서 배출 신고 후 수수료를 내고 스티커를 붙여 "
     "배출합니다.", ["소파 버리는 방법", "가구 버리려면 어떻게 해요"]),
    ("서울시립승화원 이용 안내", "복지", "city-welfare",
     "서울시립승화원 화장 예약은 e하늘 장사정보시스템에서 할 수 있습니다.",
     ["화장장 예약", "승화원 예약 방법"]),
)


def add_kb(db: Session) -> dict[str, int]:
    agencies = {code: aid for aid, code in db.execute(select(Agency.id, Agency.code))}
    ids: dict[str, int] = {}
    for title, category, owner, answer, variants in KB_ENTRIES:
        e = KbEntry(title=title, category=category, owner_agency_id=agencies[owner],
                    answer=answer, question_variants=variants, status="published",
                    review_due=date(2031, 1, 31), program=None)
        db.add(e)
        db.flush()
        ids[title] = e.id
    db.commit()
    return ids


@pytest.fixture
def kb(db: Session) -> dict[str, int]:
    return add_kb(db)


def start(client: Any) -> tuple[int, dict[str, str]]:
    r = client.post("/api/chat/sessions", json={"language": "ko"})
    assert r.status_code == 201, r.text
    data = r.json()
    return int(data["consultation_id"]), {"X-Chat-Token": data["token"]}
