"""Photos of a report: type and size checked, EXIF location/time read then stripped, a
thumbnail made (Pillow). Only re-encoded pixels are stored, never the uploaded bytes."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import Image, ImageOps, UnidentifiedImageError

from dasan.config import get_settings
from dasan.errors import DomainError

ALLOWED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
THUMB_SIDE = 320
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME = 0x0132
_OFFSET_TIME = 0x9010  # EXIF 2.31: offset of DateTime
_OFFSET_TIME_ORIGINAL = 0x9011  # offset of DateTimeOriginal
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


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


def _offset(raw: object) -> timezone | None:
    """An EXIF 2.31 offset such as `+09:00` (`   :  ` or junk: none)."""
    m = _OFFSET.match(str(raw or "").strip("\x00 "))
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    if minutes > 14 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if m.group(1) == "-" else minutes))


def camera_zone() -> tzinfo:
    """The zone of an EXIF time without offset (`DASAN_COMPLAINTS_CAMERA_TIMEZONE`)."""
    name = get_settings().complaints_camera_timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"DASAN_COMPLAINTS_CAMERA_TIMEZONE {name!r} is not an IANA zone "
                         "(e.g. Asia/Seoul)") from None


def _taken_at(exif: Image.Exif, zone: tzinfo | None = None) -> datetime | None:
    """When the photo was taken, in UTC. EXIF times are the camera's wall clock without a
    zone: DateTimeOriginal with OffsetTimeOriginal when the camera wrote it (else DateTime with
    OffsetTime), otherwise the configured camera zone (Seoul)."""
    try:
        sub = exif.get_ifd(_EXIF_IFD)
        raw, offset = sub.get(_DATETIME_ORIGINAL), sub.get(_OFFSET_TIME_ORIGINAL)
        if not raw:
            raw, offset = exif.get(_DATETIME), sub.get(_OFFSET_TIME)
    except Exception:  # noqa: BLE001
        return None
    if not raw:
        return None
    try:
        local = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    aware = local.replace(tzinfo=_offset(offset) or zone or camera_zone())
    return aware.astimezone(UTC)


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
