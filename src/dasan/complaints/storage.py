"""Photo storage port and its disk adapter, chosen by `DASAN_COMPLAINTS_STORAGE`.

An S3-compatible adapter would implement the same three methods (`put`, `get`, `url_path`)
with a bucket client; no light, pinned S3 client is in the dependency set today, so the seam
is this Protocol and `photo_store()` below (see docs/complaints.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from dasan.config import get_settings
from dasan.errors import NotFound

_KEY = re.compile(r"^[a-z0-9][a-z0-9/_.-]{0,200}$")


class PhotoStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...


class DiskPhotoStore:
    """Files under one folder; keys are validated so they never leave it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.match(key) or ".." in key:
            raise NotFound("no such photo")
        return self.root / key

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    def get(self, key: str) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise NotFound("no such photo")
        return path.read_bytes()


def photo_store() -> PhotoStore:
    settings = get_settings()
    return DiskPhotoStore(settings.complaints_photo_dir)
