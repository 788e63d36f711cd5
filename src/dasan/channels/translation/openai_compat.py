"""Translation through an OpenAI-compatible chat-completions endpoint (the summary LLM's)."""

from __future__ import annotations

import httpx

from dasan.channels.translation.port import Translation

LANGUAGE_NAMES = {"ko": "Korean", "en": "English", "zh": "Simplified Chinese",
                  "ja": "Japanese", "vi": "Vietnamese", "mn": "Mongolian (Cyrillic)"}
MAX_CHARS = 4000


class OpenAICompatTranslator:
    name = "openai"
    full_sentences = True

    def __init__(self, base_url: str, model: str, api_key: str | None = None,
                 timeout: float = 20.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def translate(self, text: str, source: str, target: str) -> Translation | None:
        if source == target:
            return Translation(text, source, target, self.name)
        if source not in LANGUAGE_NAMES or target not in LANGUAGE_NAMES or not text.strip():
            return None
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        prompt = (f"Translate the user's text from {LANGUAGE_NAMES[source]} to "
                  f"{LANGUAGE_NAMES[target]}. Keep names of programs, numbers and URLs. "
                  "Answer with the translation only.")
        body = {"model": self.model, "temperature": 0,
                "messages": [{"role": "system", "content": prompt},
                             {"role": "user", "content": text[:MAX_CHARS]}]}
        try:
            r = httpx.post(f"{self.base_url}/chat/completions", json=body, headers=headers,
                           timeout=self.timeout)
            r.raise_for_status()
            out = r.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError):
            return None  # the caller falls back to the catalogue + the Korean original
        if not isinstance(out, str) or not out.strip():
            return None
        return Translation(out.strip(), source, target, self.name)
