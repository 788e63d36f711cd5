"""A field complaint in a real browser, on a phone-sized viewport: the citizen picks the
service, places a pin (tap on the map, then the phone's location), adds a photo, submits and
gets the tracking page; the Geumcheon district officer sees it on the desk and resolves it; the
citizen's tracking page shows the result."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from dasan.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "integration" / "complaints"))
from photo_helpers import jpeg_with_gps  # noqa: E402

pytestmark = pytest.mark.e2e
TIMEOUT = 30_000
GEUMCHEON = {"latitude": 37.4569, "longitude": 126.8955}
LEAFLET = PROJECT_ROOT / "src" / "dasan" / "web" / "static" / "vendor" / "leaflet" / "leaflet.js"


def test_citizen_reports_with_photo_and_officer_resolves(
        live_server: Any, browser: Any, screenshots: Path, tmp_path: Path,
        shared_data: Path) -> None:
    if not LEAFLET.exists():
        pytest.skip("Leaflet is not installed (scripts/web-assets.sh, part of make setup)")
    base = live_server.base_url
    ctx = browser.new_context(bypass_csp=True, locale="ko-KR", viewport={"width": 390, "height": 844},
                              is_mobile=True, has_touch=True, geolocation=GEUMCHEON,
                              permissions=["geolocation"])
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/report")
    page.select_option("#service", "PARKING")
    page.fill("#attr-plate", "12가3456")
    page.select_option("#attr-spot", "crosswalk")
    page.wait_for_selector("#map path.leaflet-interactive")  # the gu layer is drawn
    assert page.locator("#approximate-notice").count() == 0  # real boundaries: nothing to say
    page.click("#map", position={"x": 195, "y": 120})  # a tap places the pin
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.input_value("#lat") != ""
    page.click("#locate")  # then the phone's location moves it to Geumcheon
    page.wait_for_function("document.getElementById('lat').value.startsWith('37.456')")
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(jpeg_with_gps(37.4569, 126.8955))
    page.set_input_files("#photos", str(photo))
    page.fill("#description", "횡단보도 위에 차량이 서 있습니다")
    page.fill("#phone", "010-3333-4444")
    page.screenshot(path=str(screenshots / "complaint-report.png"), full_page=True)
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/report/track/.+"))
    assert page.inner_text("#track-status") == "접수"
    assert page.inner_text("#track-agency") == "금천구"
    assert page.locator("ul.photos img").count() == 1
    assert page.locator("#approximate-notice").count() == 0
    tracking = page.url

    officer = browser.new_context(bypass_csp=True, locale="ko-KR").new_page()
    officer.set_default_timeout(TIMEOUT)
    officer.goto(f"{base}/login?next=/district/complaints")
    officer.fill("input[name=username]", "district")
    officer.fill("input[name=password]", "dasan1234!")
    officer.click("button[type=submit]")
    try:
        officer.wait_for_url(f"{base}/district/complaints")
    except Exception:
        raise AssertionError(f"officer landed on {officer.url}: {officer.inner_text('body')[:300]}") from None
    row = officer.locator("#complaints tbody tr[data-status=received]").first
    assert "불법주정차" in row.inner_text()
    row.locator("select[name=action]").select_option("resolve")
    row.locator("input[name=note]").fill("견인 조치 완료")
    done = tmp_path / "done.jpg"
    done.write_bytes(jpeg_with_gps(37.4569, 126.8955, size=(400, 300)))
    row.locator("input[name=photo]").set_input_files(str(done))
    row.locator("button[type=submit]").click()
    officer.wait_for_url(f"{base}/district/complaints")
    officer.goto(f"{base}/district/complaints?status=resolved")
    assert officer.locator("#complaints tbody tr[data-status=resolved]").count() == 1

    page.goto(tracking)
    assert page.inner_text("#track-status") == "처리 완료"
    assert "견인 조치 완료" in page.inner_text("#history")
    assert page.locator("ul.photos img").count() == 2  # the report's and the resolution's
    page.screenshot(path=str(screenshots / "complaint-tracking.png"), full_page=True)
    ctx.close()
