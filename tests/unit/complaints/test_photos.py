"""Photos: EXIF location and time are read, then gone from what is stored; bad files refused."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from dasan.complaints.photos import BadPhoto, PhotoTooLarge, process_photo

sys.path.insert(0, str(Path(__file__).parents[2] / "integration" / "complaints"))
from photo_helpers import fake_jpeg, jpeg_with_gps, plain_png  # noqa: E402

MB = 1_000_000


def test_exif_is_read_then_stripped() -> None:
    raw = jpeg_with_gps(37.5665, 126.9780)
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload carries EXIF
    p = process_photo(raw, max_bytes=10 * MB)
    assert p.exif_lat == pytest.approx(37.5665, abs=1e-4)
    assert p.exif_lon == pytest.approx(126.9780, abs=1e-4)
    assert p.exif_taken_at is not None and p.exif_taken_at.year == 2026
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
