"""The translation port: ko <-> en/zh/ja/vi/mn, chosen by config (`DASAN_TRANSLATION`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Translation:
    text: str
    source: str
    target: str
    engine: str
    # A glossary translation carries only the terms it knew (good enough to search with, not
    # to show a citizen as a sentence).
    partial: bool = False


class Translator(Protocol):
    name: str
    # Whether it translates whole sentences (an LLM/MT engine) or only known terms.
    full_sentences: bool

    def translate(self, text: str, source: str, target: str) -> Translation | None:
        """The translation, or None when this adapter cannot translate the text."""
        ...


class NoTranslator:
    name = "none"
    full_sentences = False

    def translate(self, text: str, source: str, target: str) -> Translation | None:
        return None
