"""Photos of a report: type and size checked, EXIF location/time read then stripped, a
thumbnail made (Pillow). Only re-encoded pixels are stored, never the uploaded bytes."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps, UnidentifiedImageError

from dasan.errors import DomainError

ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
THUMB_SIDE = 320
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132


class BadPhoto(DomainError):
    status = 400
    code = "invalid_photo"


class PhotoTooLarge(DomainError):
    status = 413
    code = "photo_too_large"


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes
    thumb: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str
    exif_lat: float | None
    exif_lon: float | None
    exif_taken_at: datetime | None


def _ratio(v: object) -> float:
    if isinstance(v, tuple) and len(v) == 2:
        return float(v[0]) / float(v[1])
    return float(v)  # type: ignore[arg-type]


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:  # noqa: BLE001 - a broken GPS block is just no location
        return None, None
    try:
        lat_ref, lat, lon_ref, lon = gps.get(1), gps.get(2), gps.get(3), gps.get(4)
        if not (lat and lon):
            return None, None
        dlat = _ratio(lat[0]) + _ratio(lat[1]) / 60 + _ratio(lat[2]) / 3600
        dlon = _ratio(lon[0]) + _ratio(lon[1]) / 60 + _ratio(lon[2]) / 3600
        if lat_ref in ("S", b"S"):
            dlat = -dlat
        if lon_ref in ("W", b"W"):
            dlon = -dlon
        if not (-90 <= dlat <= 90 and -180 <= dlon <= 180):
            return None, None
        return round(dlat, 7), round(dlon, 7)
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return None, None


def _taken_at(exif: Image.Exif) -> datetime | None:
    try:
        raw = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    except Exception:  # noqa: BLE001
        return None
    if not raw:
        return None
    try:
        return datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def process_photo(data: bytes, *, max_bytes: int) -> ProcessedPhoto:
    """Check, read EXIF, strip it (by re-encoding pixels only) and make a thumbnail."""
    if len(data) > max_bytes:
        raise PhotoTooLarge(f"photo is {len(data) / 1e6:.1f} MB; the limit is "
                            f"{max_bytes / 1e6:.0f} MB")
    if not data:
        raise BadPhoto("photo is empty")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        opened = Image.open(io.BytesIO(data))
        opened.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError,
            ValueError):
        raise BadPhoto("not a readable JPEG, PNG or WebP image") from None
    if fmt not in ALLOWED:
        raise BadPhoto(f"photo type {fmt} is not accepted (JPEG, PNG or WebP)")
    exif = opened.getexif()
    lat, lon = _gps(exif)
    taken = _taken_at(exif)
    # keep the visible orientation, then drop EXIF by copying the pixels alone
    image: Image.Image = ImageOps.exif_transpose(opened)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    thumb_img = clean.copy()
    thumb_img.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb = io.BytesIO()
    thumb_img.save(thumb, format="JPEG", quality=75)
    stored = out.getvalue()
    return ProcessedPhoto(
        data=stored, thumb=thumb.getvalue(), content_type="image/jpeg", extension="jpg",
        width=clean.width, height=clean.height, sha256=hashlib.sha256(stored).hexdigest(),
        exif_lat=lat, exif_lon=lon, exif_taken_at=taken,
    )
