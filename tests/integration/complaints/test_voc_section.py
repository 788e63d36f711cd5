"""The VOC report's field-complaint section: reports per district with SLA shares, only the
period's reports, the district officer's report restricted to the district."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.filters import Filters
from dasan.analytics.voc import voc_report
from dasan.complaints.intake import ReportIn, create_report
from dasan.db.session import session_scope

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
JUNG, GANGNAM = (37.5665, 126.9780), (37.5006, 127.0364)  # 중구 City Hall, 강남구 역삼동


def test_voc_has_a_field_complaint_section_per_district(database_url: str, shared_data: Path,
                                                         tmp_path: Path) -> None:
    now = datetime(2026, 11, 10, 9, 0)
    with session_scope(database_url) as s:
        for i, (lat, lon) in enumerate([JUNG, JUNG, GANGNAM]):
            r = create_report(s, ReportIn("OTHER", lat=lat, lon=lon + i * 0.002),
                              now=now + timedelta(minutes=i))
            if i == 0:  # acknowledged in time
                r.acknowledged_at = now + timedelta(minutes=5)
        create_report(s, ReportIn("OTHER", lat=JUNG[0], lon=JUNG[1] + 0.008),
                      now=datetime(2026, 10, 20))  # previous month: not counted
    engine = AnalyticsEngine(database_url, tmp_path / "m.duckdb")
    engine.refresh(full=True)
    table = voc_report(engine, "2026-11").table("field_complaints")
    rows = {r["district"]: r for r in table.rows}
    assert set(rows) == {"중구", "강남구"}
    assert (rows["중구"]["count"], rows["강남구"]["count"]) == (2, 1)
    assert rows["중구"]["ack_within_sla"] == 1.0 and rows["강남구"]["ack_within_sla"] is None
    one = voc_report(engine, "2026-11", Filters(district="11680")).table("field_complaints")
    assert [r["district"] for r in one.rows] == ["강남구"]
