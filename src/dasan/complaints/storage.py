"""Photo storage port and its adapters, chosen by `DASAN_COMPLAINTS_STORAGE`:

- `disk`: files under `DASAN_COMPLAINTS_PHOTO_DIR`;
- `s3`: any S3-compatible object store (AWS S3, MinIO, Ceph RGW, ...) through boto3, configured
  by `DASAN_COMPLAINTS_S3_*` (endpoint, bucket, region, keys, prefix).

Both validate keys the same way, so a key that would leave the folder (or the prefix) is
refused before any I/O.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from dasan.config import get_settings
from dasan.errors import DomainError, NotFound

_KEY = re.compile(r"^[a-z0-9][a-z0-9/_.-]{0,200}$")


class StorageUnavailable(DomainError):
    status = 503
    code = "storage_unavailable"


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise NotFound("no such photo")
    return key


class PhotoStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...


class DiskPhotoStore:
    """Files under one folder; keys are validated so they never leave it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

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


class S3PhotoStore:
    """Objects in one bucket of an S3-compatible server (boto3's S3 client)."""

    def __init__(self, client: Any, bucket: str, prefix: str = "", region: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.region = region
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def connect(cls, *, endpoint: str | None, bucket: str, region: str,
                access_key: str | None, secret_key: str | None, prefix: str = ""
                ) -> S3PhotoStore:
        import boto3  # heavy: loaded only when S3 storage is configured
        from botocore.config import Config

        client = boto3.client(
            "s3", endpoint_url=endpoint, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 3, "mode": "standard"},
                          connect_timeout=5, read_timeout=30,
                          s3={"addressing_style": "path"}))
        return cls(client, bucket, prefix, region)

    def ensure_bucket(self) -> None:
        """Create the bucket when it does not exist (setup and tests)."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            extra = ({} if self.region in ("", "us-east-1") else
                     {"CreateBucketConfiguration": {"LocationConstraint": self.region}})
            self.client.create_bucket(Bucket=self.bucket, **extra)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + check_key(key),
                                   Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"photo storage refused the upload: {exc}") from None

    def get(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + check_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound("no such photo") from None
            raise StorageUnavailable(f"photo storage failed: {exc}") from None
        except BotoCoreError as exc:
            raise StorageUnavailable(f"photo storage failed: {exc}") from None
        return bytes(answer["Body"].read())


@lru_cache(maxsize=4)
def _s3_store(endpoint: str | None, bucket: str, region: str, access_key: str | None,
              secret_key: str | None, prefix: str) -> S3PhotoStore:
    return S3PhotoStore.connect(endpoint=endpoint, bucket=bucket, region=region,
                                access_key=access_key, secret_key=secret_key, prefix=prefix)


def photo_store() -> PhotoStore:
    settings = get_settings()
    if settings.complaints_storage == "s3":
        return _s3_store(settings.complaints_s3_endpoint, settings.complaints_s3_bucket,
                         settings.complaints_s3_region, settings.complaints_s3_access_key,
                         settings.complaints_s3_secret_key, settings.complaints_s3_prefix)
    return DiskPhotoStore(settings.complaints_photo_dir)
