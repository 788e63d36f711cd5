"""Photos: EXIF location and time are read, then gone from what is stored; bad files refused."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from dasan.complaints.photos import BadPhoto, PhotoTooLarge, process_photo
from dasan.config import get_settings

sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "complaints"))
from photo_helpers import fake_jpeg, jpeg_with_gps, plain_png  # noqa: E402

MB = 1_000_000


def test_exif_is_read_then_stripped() -> None:
    raw = jpeg_with_gps(37.5665, 126.9780)
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload carries EXIF
    p = process_photo(raw, max_bytes=10 * MB)
    assert p.exif_lat == pytest.approx(37.5665, abs=1e-4)
    assert p.exif_lon == pytest.approx(126.9780, abs=1e-4)
    # DateTime 2026:11:30 14:05:00 without an offset is Seoul time: 05:05 UTC
    assert p.exif_taken_at == datetime(2026, 11, 30, 5, 5, tzinfo=UTC)
    stored = Image.open(io.BytesIO(p.data))
    assert len(stored.getexif()) == 0
    assert b"TestCam" not in p.data and b"Exif" not in p.data
    thumb = Image.open(io.BytesIO(p.thumb))
    assert max(thumb.size) <= 320 and thumb.format == "JPEG"


def test_png_without_exif_is_accepted() -> None:
    p = process_photo(plain_png(), max_bytes=MB)
    assert p.exif_lat is None and p.content_type == "image/jpeg"


def test_fake_jpeg_is_refused() -> None:
    with pytest.raises(BadPhoto):
        process_photo(fake_jpeg(), max_bytes=MB)


def test_gif_is_refused() -> None:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, format="GIF")
    with pytest.raises(BadPhoto):
        process_photo(out.getvalue(), max_bytes=MB)


def test_oversize_is_refused_before_decoding() -> None:
    with pytest.raises(PhotoTooLarge) as err:
        process_photo(b"\0" * (2 * MB + 1), max_bytes=2 * MB)
    assert err.value.status == 413


def test_exif_original_time_with_its_offset_is_stored_in_utc() -> None:
    raw = jpeg_with_gps(taken="2026:11:30 23:59:59", original="2026:12:01 08:30:00",
                        offset="+09:00")
    p = process_photo(raw, max_bytes=10 * MB)
    assert p.exif_taken_at == datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # Original wins
    abroad = process_photo(jpeg_with_gps(original="2026:12:01 08:30:00", offset="-05:00"),
                           max_bytes=10 * MB)
    assert abroad.exif_taken_at == datetime(2026, 12, 1, 13, 30, tzinfo=UTC)


def test_exif_original_time_without_offset_uses_the_configured_zone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    raw = jpeg_with_gps(original="2026:12:01 08:30:00")
    p = process_photo(raw, max_bytes=10 * MB)
    assert p.exif_taken_at == datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # Asia/Seoul
    blank = process_photo(jpeg_with_gps(original="2026:12:01 08:30:00", offset="   :  "),
                          max_bytes=10 * MB)  # an offset left blank counts as none
    assert blank.exif_taken_at == p.exif_taken_at
    monkeypatch.setenv("DASAN_COMPLAINTS_CAMERA_TIMEZONE", "Europe/London")
    get_settings.cache_clear()
    try:
        london = process_photo(raw, max_bytes=10 * MB)
        assert london.exif_taken_at == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
        monkeypatch.setenv("DASAN_COMPLAINTS_CAMERA_TIMEZONE", "Mars/Olympus")
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="IANA"):
            process_photo(raw, max_bytes=10 * MB)
    finally:
        monkeypatch.delenv("DASAN_COMPLAINTS_CAMERA_TIMEZONE")
        get_settings.cache_clear()
