"""The chatbot on written channels, in the citizen's language.

Calls `dasan.chat.bot.respond` (unchanged) on the question, or — for a question in en/zh/ja/vi/mn
— on its Korean rendering from the translation port (a full translation when an engine is
configured, the glossary's Korean terms otherwise). A confident answer goes back in the
citizen's language when the engine translates sentences; otherwise it goes back in Korean,
tagged with a catalogue line in the citizen's language and the answer's key terms. SMS gets a
short form with a link to the full answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dasan.channels.catalog import message
from dasan.channels.sms.encoding import byte_length, shorten
from dasan.channels.translation.glossary import GlossaryTranslator
from dasan.channels.translation.lexicon import korean_text
from dasan.channels.translation.port import Translator
from dasan.chat import bot
from dasan.config import get_settings


@dataclass(frozen=True)
class WrittenAnswer:
    body: str  # what the citizen receives
    original_ko: str  # the Korean answer (agents always see it)
    entry_id: int
    language: str
    translated: bool  # body is a machine translation of original_ko


def answer_link(entry_id: int) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/answers/{entry_id}"


def korean_queries(text: str, language: str, translator: Translator) -> list[str]:
    """What to search the Korean knowledge base with, best first."""
    if language == "ko":
        return [text]
    out: list[str] = []
    if translator.full_sentences:
        t = translator.translate(text, language, "ko")
        if t is not None and t.text.strip():
            out.append(t.text)
    # Then the raw question with its Korean terms appended (the glossary's and the lexicon's,
    # and the Sino-Korean readings of Chinese characters: translation.lexicon): the KB's dense
    # embedder is multilingual and sees both, the lexical scorers match the Korean terms. On the
    # tune splits of the cross-lingual bench (bench_channels --only crosslingual) it finds the
    # entry far more often than the raw question alone or the terms alone. The raw question
    # and the bare terms stay as the later tries.
    terms = korean_text(text, language)
    if text.strip() and terms:
        out.append(f"{text.strip()} {terms}")
    if text.strip() and text not in out:
        out.append(text)
    if terms and terms not in out:
        out.append(terms)
    return out


def answer(session: Session, text: str, language: str, translator: Translator,
           short_budget: int | None = None, masks: Mapping[str, str] | None = None
           ) -> WrittenAnswer | None:
    """The bot's confident answer for a written question, or None (then an agent answers).
    `masks`: texts already masked (the message's own), for the bot's gap records."""
    if bot.wants_agent(text):
        return None
    found = None
    for query in korean_queries(text, language, translator):
        reply = bot.respond(session, query, masks=masks)
        if reply.kind == "answer":
            found = reply
            break
    if found is None:
        return None
    entry_id = int(found.flags["entry"]["id"])
    link = answer_link(entry_id)
    korean = found.body
    tail = f"\n{message('more', language)}: {link}" if short_budget else ""
    budget = None if short_budget is None else short_budget - byte_length(tail)
    if language == "ko":
        body = (shorten(korean, budget) if budget else korean) + tail
        return WrittenAnswer(body, korean, entry_id, language, translated=False)
    short_ko = shorten(korean, budget) if budget else korean
    if translator.full_sentences:
        t = translator.translate(short_ko, "ko", language)
        if t is not None and not t.partial:
            body = f"{t.text}\n{message('translated', language)}{tail}"
            return WrittenAnswer(body, korean, entry_id, language, translated=True)
    terms = GlossaryTranslator().translate(korean.split("\n", 1)[0], "ko", language)
    lines = [message("answer_in_korean", language)]
    if terms is not None:
        lines.append(f"{message('keywords', language)}: {terms.text}")
    head = "\n".join(lines) + "\n"
    if budget:
        short_ko = shorten(korean, budget - byte_length(head))
    body = head + short_ko + tail
    return WrittenAnswer(body, korean, entry_id, language, translated=False)
