"""A WAV file appended to in turns (stdlib only: the media relay process imports it at start,
before anything heavy)."""

from __future__ import annotations

from pathlib import Path

RATE = 8000


class AppendWav:
    """A mono 16-bit 8 kHz WAV opened for appending: created if missing, else continued (the
    gateway's recorder and the media relay take turns on one leg's file, ADR 0020). The
    header's sizes are patched after every append, so the file is valid at any moment."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._data_at = 40  # offset of the data chunk's size field
        if path.exists() and path.stat().st_size >= 44:
            self._f = path.open("r+b")
            head = self._f.read(4096)
            pos = 12
            while pos + 8 <= len(head):
                tag, size = head[pos:pos + 4], int.from_bytes(head[pos + 4:pos + 8], "little")
                if tag == b"data":
                    self._data_at = pos + 4
                    break
                pos += 8 + size + (size & 1)
            else:
                raise OSError(f"{path}: no data chunk")
            self._f.seek(0, 2)
            self._size = self._f.tell() - (self._data_at + 4)
        else:
            self._f = path.open("w+b")
            self._f.write(b"RIFF" + (36).to_bytes(4, "little") + b"WAVEfmt "
                          + (16).to_bytes(4, "little") + (1).to_bytes(2, "little")
                          + (1).to_bytes(2, "little") + RATE.to_bytes(4, "little")
                          + (RATE * 2).to_bytes(4, "little") + (2).to_bytes(2, "little")
                          + (16).to_bytes(2, "little") + b"data" + (0).to_bytes(4, "little"))
            self._size = 0

    def append(self, pcm: bytes) -> None:
        self._f.seek(0, 2)
        self._f.write(pcm)
        self._size += len(pcm)
        self._f.seek(4)
        self._f.write((self._data_at + 4 + self._size - 8).to_bytes(4, "little"))
        self._f.seek(self._data_at)
        self._f.write(self._size.to_bytes(4, "little"))
        self._f.flush()

    writeframesraw = append

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()
