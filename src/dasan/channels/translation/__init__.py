"""The translation port and its adapters (see docs/adr/0007-translation.md)."""

from __future__ import annotations

from dasan.channels.translation.glossary import GlossaryTranslator
from dasan.channels.translation.openai_compat import OpenAICompatTranslator
from dasan.channels.translation.port import NoTranslator, Translation, Translator
from dasan.config import get_settings

__all__ = ["Translation", "Translator", "get_translator"]


def get_translator() -> Translator:
    """The adapter chosen by `DASAN_TRANSLATION` (openai: `DASAN_TRANSLATION_BASE_URL`, else the
    summary LLM's `DASAN_LLM_BASE_URL`; it falls back to the glossary when neither is set)."""
    s = get_settings()
    base_url = s.translation_base_url or s.llm_base_url
    if s.translation == "openai" and base_url:
        return OpenAICompatTranslator(base_url, s.translation_model or s.llm_model,
                                      s.llm_api_key)
    if s.translation == "none":
        return NoTranslator()
    return GlossaryTranslator()
