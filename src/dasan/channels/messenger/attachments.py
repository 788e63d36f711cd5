"""Attachments by URL: checked (scheme, declared type, size) and kept as references."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from dasan.channels.errors import BadAttachment

ALLOWED_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf",
                 "video/mp4", "audio/mpeg", "audio/mp4", "audio/aac", "audio/m4a"}
MAX_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 5


def check_url_attachments(items: Any) -> list[dict[str, Any]]:
    if items is None:
        return []
    if not isinstance(items, list) or len(items) > MAX_ATTACHMENTS:
        raise BadAttachment(f"attachments must be a list of at most {MAX_ATTACHMENTS}")
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise BadAttachment("an attachment must be an object with url and content_type")
        url = str(item.get("url", ""))
        parsed = urlparse(url)
        if parsed.scheme not in ("https", "http") or not parsed.netloc or len(url) > 2000:
            raise BadAttachment("an attachment needs an http(s) URL")
        ctype = str(item.get("content_type", "")).lower()
        if ctype not in ALLOWED_TYPES:
            raise BadAttachment(f"attachment type {ctype!r} is not accepted")
        size = item.get("size")
        if size is not None and (not isinstance(size, int) or not 0 < size <= MAX_BYTES):
            raise BadAttachment(f"attachment size must be 1..{MAX_BYTES} bytes")
        out.append({"url": url, "content_type": ctype, "size": size,
                    "name": str(item.get("name", ""))[:128]})
    return out
