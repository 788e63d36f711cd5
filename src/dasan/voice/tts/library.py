"""Prompt library: recorded prompts override generated ones; generated ones are cached as WAV.

Lookup for a prompt key (e.g. `main_menu`) in a language:
1. `<prompt_dir>/custom/<key>.<lang>.wav` or `<key>.wav` (an admin's recording), else
2. `<prompt_dir>/tts/<sha1 of adapter, speed, language, text>.wav` (rendered once), else
3. render with the TTS port and write (2).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from dasan.voice.media import audio
from dasan.voice.tts.port import TtsPort


class PromptLibrary:
    def __init__(self, tts: TtsPort, root: Path, speed: int = 0) -> None:
        self.tts = tts
        self.root = root
        self.speed = speed
        self._memory: dict[tuple[str, str, str], bytes] = {}
        self._lock = threading.Lock()

    def custom_path(self, key: str, language: str | None = None) -> Path:
        return self.custom_path_in(self.root, key, language)

    @staticmethod
    def custom_path_in(root: Path, key: str, language: str | None = None) -> Path:
        name = f"{key}.{language}.wav" if language else f"{key}.wav"
        return root / "custom" / name

    def cache_path(self, text: str, language: str) -> Path:
        digest = hashlib.sha1(f"{self.tts.name}|{self.speed}|{language}|{text}".encode())
        return self.root / "tts" / f"{digest.hexdigest()}.wav"

    def get(self, key: str, text: str, language: str = "ko") -> bytes:
        """8 kHz PCM for a prompt (blocking: call it from a thread inside the event loop)."""
        mem_key = (key, language, text)
        with self._lock:
            if mem_key in self._memory:
                return self._memory[mem_key]
        pcm = self._load(key, text, language)
        with self._lock:
            self._memory[mem_key] = pcm
        return pcm

    def _load(self, key: str, text: str, language: str) -> bytes:
        for custom in (self.custom_path(key, language), self.custom_path(key)):
            if custom.is_file():
                return audio.read_wav_8k(custom)
        cached = self.cache_path(text, language)
        if cached.is_file():
            return audio.read_wav_8k(cached)
        pcm = self.tts.render(text, language)
        audio.write_wav_8k(cached, pcm)
        return pcm

    def render_cached(self, text: str, language: str = "ko") -> bool:
        """Render `text` into the disk cache (not kept in memory: for the many KB answers the
        callbot may read); False when it was there already."""
        cached = self.cache_path(text, language)
        if cached.is_file():
            return False
        audio.write_wav_8k(cached, self.tts.render(text, language))
        return True

    def forget(self) -> None:
        with self._lock:
            self._memory.clear()
