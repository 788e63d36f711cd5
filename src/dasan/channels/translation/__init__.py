"""The translation port and its adapters (see docs/adr/0007-translation.md)."""

from __future__ import annotations

from dasan.channels.translation.glossary import GlossaryTranslator
from dasan.channels.translation.openai_compat import OpenAICompatTranslator
from dasan.channels.translation.port import NoTranslator, Translation, Translator
from dasan.config import get_settings

__all__ = ["Translation", "Translator", "get_translator"]


def get_translator() -> Translator:
    """The adapter chosen by `DASAN_TRANSLATION` (openai falls back to the glossary when no
    endpoint is configured)."""
    s = get_settings()
    if s.translation == "openai" and s.llm_base_url:
        return OpenAICompatTranslator(s.llm_base_url, s.translation_model or s.llm_model,
                                      s.llm_api_key)
    if s.translation == "none":
        return NoTranslator()
    return GlossaryTranslator()
