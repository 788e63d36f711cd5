"""Test photos made with Pillow: a JPEG with EXIF GPS and time, a fake JPEG, a huge file."""

from __future__ import annotations

import io

from PIL import Image


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (float(d), float(m), s)


def jpeg_with_gps(lat: float = 37.5665, lon: float = 126.9780, size: tuple[int, int] = (800, 600),
                  taken: str = "2026:11:30 14:05:00", original: str | None = None,
                  offset: str | None = None) -> bytes:
    """`taken` is IFD0 DateTime; `original` the Exif IFD's DateTimeOriginal and `offset` its
    OffsetTimeOriginal (e.g. "+09:00"), both written only when given."""
    image = Image.new("RGB", size, (120, 90, 60))
    exif = Image.Exif()
    exif[0x0132] = taken  # DateTime
    if original is not None or offset is not None:
        sub = exif.get_ifd(0x8769)
        if original is not None:
            sub[0x9003] = original  # DateTimeOriginal
        if offset is not None:
            sub[0x9011] = offset  # OffsetTimeOriginal
    exif[0x010F] = "TestCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", _dms(lat)
    gps[3], gps[4] = "E", _dms(lon)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def plain_png(size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(out, format="PNG")
    return out.getvalue()


def fake_jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0" + b"this is not really a jpeg" * 40
