"""Board attachments: the type is what the bytes are (magic numbers), not what the name or the
browser claims; a mismatch or an unknown type is refused. Stored by content hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from dasan.channels.errors import BadAttachment

MAX_FILES = 3
MAX_FILE_BYTES = 5 * 1024 * 1024
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
EXTENSIONS = {"image/png": {".png"}, "image/jpeg": {".jpg", ".jpeg"},
              "application/pdf": {".pdf"}, "image/gif": {".gif"}}


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str  # as declared by the browser
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def sniff(data: bytes) -> str | None:
    for magic, ctype in SIGNATURES:
        if data.startswith(magic):
            return ctype
    return None


def check(uploads: list[Upload]) -> list[CheckedFile]:
    files = [u for u in uploads if u.filename or u.data]
    if len(files) > MAX_FILES:
        raise BadAttachment(f"at most {MAX_FILES} files")
    out = []
    for u in files:
        name = Path(u.filename or "file").name[:128]
        if not u.data:
            raise BadAttachment(f"{name}: the file is empty")
        if len(u.data) > MAX_FILE_BYTES:
            raise BadAttachment(f"{name}: over {MAX_FILE_BYTES // (1024 * 1024)} MB")
        real = sniff(u.data)
        if real is None:
            raise BadAttachment(f"{name}: only PNG, JPEG, GIF and PDF files are accepted")
        declared = (u.content_type or "").split(";")[0].strip().lower()
        if declared and declared != "application/octet-stream" and declared != real:
            raise BadAttachment(f"{name}: the file is not what it claims ({declared})")
        if Path(name).suffix.lower() not in EXTENSIONS[real]:
            raise BadAttachment(f"{name}: the file name does not match its type ({real})")
        out.append(CheckedFile(name, real, len(u.data), hashlib.sha256(u.data).hexdigest(),
                               u.data))
    return out


def store(directory: Path, files: list[CheckedFile]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for f in files:
        path = directory / f.sha256
        if not path.exists():
            tmp = path.with_suffix(".part")
            tmp.write_bytes(f.data)
            tmp.replace(path)
