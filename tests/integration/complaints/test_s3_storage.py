"""Photos on an S3-compatible server: a real S3 HTTP endpoint (moto's server, started here on a
free port) behind `DASAN_COMPLAINTS_STORAGE=s3`."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from collections.abc import Iterator

import boto3
import httpx
import pytest
from dispatch_helpers import free_port
from photo_helpers import jpeg_with_gps
from PIL import Image
from sqlalchemy import func, select

from dasan.complaints import storage
from dasan.config import get_settings
from dasan.db.models_complaints import ComplaintPhoto, ServiceRequest

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
KEYS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                             "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=0.5) as http:  # one client (and TLS context) for the polling
            for _ in range(300):
                try:
                    http.get(url)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                pytest.fail("the S3 server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def s3_bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    bucket = f"photos-{free_port()}"
    for name, value in {"STORAGE": "s3", "S3_ENDPOINT": s3_endpoint, "S3_BUCKET": bucket,
                        "S3_ACCESS_KEY": KEYS["aws_access_key_id"],
                        "S3_SECRET_KEY": KEYS["aws_secret_access_key"],
                        "S3_PREFIX": "seoul"}.items():
        monkeypatch.setenv(f"DASAN_COMPLAINTS_{name}", value)
    get_settings.cache_clear()
    store = storage.photo_store()
    assert isinstance(store, storage.S3PhotoStore)
    store.ensure_bucket()
    yield bucket
    storage._s3_store.cache_clear()
    get_settings.cache_clear()


def test_report_photos_go_to_the_bucket_without_exif(client, api_key, db, s3_endpoint,  # type: ignore[no-untyped-def]
                                                      s3_bucket) -> None:
    photo = jpeg_with_gps(37.5665, 126.9780)
    r = client.post("/open311/v2/requests.json",
                    data={"api_key": api_key, "service_code": "OTHER", "description": "화분"},
                    files={"media": ("a.jpg", photo, "image/jpeg")})
    assert r.status_code == 200, r.text
    row = db.scalar(select(ComplaintPhoto))
    assert row is not None and row.storage_key and row.exif_lat is not None
    raw = boto3.client("s3", endpoint_url=s3_endpoint, region_name="ap-northeast-2", **KEYS)
    listed = {o["Key"] for o in raw.list_objects_v2(Bucket=s3_bucket)["Contents"]}
    assert listed == {f"seoul/{row.storage_key}", f"seoul/{row.thumb_key}"}
    stored = raw.get_object(Bucket=s3_bucket, Key=f"seoul/{row.storage_key}")["Body"].read()
    assert not Image.open(io.BytesIO(stored)).getexif().get_ifd(0x8825)  # GPS stripped
    token = db.scalar(select(ServiceRequest.token))
    served = client.get(f"/report/photo/{token}/{row.id}")
    assert served.status_code == 200 and served.content == stored
    with pytest.raises(storage.NotFound):
        storage.photo_store().get("2026/01/missing.jpg")


def test_unreachable_store_refuses_the_report_and_stores_nothing(  # type: ignore[no-untyped-def]
        client, api_key, db, monkeypatch) -> None:
    monkeypatch.setenv("DASAN_COMPLAINTS_STORAGE", "s3")
    monkeypatch.setenv("DASAN_COMPLAINTS_S3_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("DASAN_COMPLAINTS_S3_ACCESS_KEY", "k")
    monkeypatch.setenv("DASAN_COMPLAINTS_S3_SECRET_KEY", "s")
    get_settings.cache_clear()
    try:
        r = client.post("/open311/v2/requests.json",
                        data={"api_key": api_key, "service_code": "OTHER", "lat": "37.5665",
                              "long": "126.9780"},
                        files={"media": ("a.jpg", jpeg_with_gps(), "image/jpeg")})
    finally:
        storage._s3_store.cache_clear()
    assert r.status_code == 503, r.text
    assert db.scalar(select(func.count()).select_from(ServiceRequest)) == 0
