"""The chatbot on written channels, in the citizen's language.

Calls `dasan.chat.bot.respond` (unchanged) on the question, or — for a question in en/zh/ja/vi/mn
— on its Korean rendering from the translation port (a full translation when an engine is
configured, the glossary's Korean terms otherwise). A confident answer goes back in the
citizen's language when the engine translates sentences; otherwise, when the editors keep a
gist of the answer in the citizen's language (``KbEntry.gists``), that gist labelled as a
summary followed by the Korean answer; otherwise in Korean, tagged with a catalogue line in the
citizen's language and the answer's key terms. SMS gets a short form with a link to the full
answer. Small talk (a Korean message the chat bot's small-talk recogniser flags) gets the chat
bot's small-talk line (``WrittenAnswer.smalltalk``, no entry), never an entry; a foreign
message whose Korean rendering it flags gets no bot reply (an agent answers, as before).
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
from dasan.db.models import KbEntry


@dataclass(frozen=True)
class WrittenAnswer:
    body: str  # what the citizen receives
    original_ko: str  # the Korean answer (agents always see it)
    entry_id: int | None  # None: a small-talk reply (smalltalk)
    language: str
    translated: bool  # body is a machine translation of original_ko
    # the editors' gist in the citizen's language shown with the Korean answer (no engine)
    summary: str | None = None
    # the reply to small talk (dasan.chat.bot.smalltalk_reply): no entry
    smalltalk: bool = False


def entry_gist(session: Session, entry_id: int, language: str) -> str | None:
    """The editors' gist of the entry's answer in ``language`` (``KbEntry.gists``), if any."""
    entry = session.get(KbEntry, entry_id)
    gists = (entry.gists or {}) if entry is not None else {}
    text = gists.get(language)
    return text.strip() if isinstance(text, str) and text.strip() else None


def _with_gist(gist: str, korean: str, entry_id: int, language: str, tail: str,
               budget: int | None) -> WrittenAnswer:
    """The answer as a foreign resident reads it without a translation engine: the editors'
    gist in their language, labelled as a summary, then the Korean answer (shortened to what
    the budget leaves; left out when nothing is left, the link then carries it)."""
    head = f"{message('summary', language)}\n{gist}\n\n{message('answer_in_korean', language)}\n"
    if budget:
        room = budget - byte_length(head)
        if room < 40:
            head = f"{message('summary', language)}\n{gist}"
            body = (shorten(head, budget) if byte_length(head) > budget else head) + tail
            return WrittenAnswer(body, korean, entry_id, language, translated=False,
                                 summary=gist)
        body = head + shorten(korean, room) + tail
    else:
        body = head + korean + tail
    return WrittenAnswer(body, korean, entry_id, language, translated=False, summary=gist)


def answer_link(entry_id: int) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/answers/{entry_id}"


@dataclass(frozen=True)
class SearchTry:
    """One search the bot makes for a written question: ``query`` as the encoder (and, without
    ``lexical_query``, the lexical scorers) reads it; ``lexical_query``: the Korean terms the
    lexical scorers read instead (a foreign question, searched as the desk's assistant
    searches it: ``SearchIndex.search(..., lexical_query=..., weights=CROSSLINGUAL)``)."""

    query: str
    lexical_query: str | None = None


def search_tries(text: str, language: str, translator: Translator) -> list[SearchTry]:
    """What to search the Korean knowledge base with, best first (the bot answers with the
    first try it is confident about)."""
    if language == "ko":
        return [SearchTry(text)]
    out: list[SearchTry] = []
    if translator.full_sentences:
        t = translator.translate(text, language, "ko")
        if t is not None and t.text.strip():
            out.append(SearchTry(t.text))
    # Then the question as written for the multilingual encoder and its Korean terms for the
    # lexical scorers (the glossary's and the lexicon's, and the Sino-Korean readings of Chinese
    # characters: translation.lexicon), fused with the CROSSLINGUAL weights: the desk's search
    # for a foreign question. On the tune splits of the cross-lingual bench (bench_channels
    # --only crosslingual) it finds the entry more often than the question with its terms
    # appended searched as a Korean one (docs/written-channels.md). Without any Korean term,
    # the question as written. Nothing after it: the raw question and the bare terms, which
    # were later tries, answered 2.5% more of the cross-lingual tune questions at precision
    # 0.93 and 28% of the foreign chit-chat (bench/fit_foreign.py), against 0.97 and 4% for
    # this search alone under answering.FOREIGN_POLICY.
    terms = korean_text(text, language)
    if text.strip() and terms:
        out.append(SearchTry(text.strip(), terms))
    elif text.strip():
        out.append(SearchTry(text))
    return out


def answer(session: Session, text: str, language: str, translator: Translator,
           short_budget: int | None = None, masks: Mapping[str, str] | None = None
           ) -> WrittenAnswer | None:
    """The bot's confident answer for a written question, or None (then an agent answers).
    `masks`: texts already masked (the message's own), for the bot's gap records."""
    if bot.wants_agent(text):
        return None
    found = None
    for attempt in search_tries(text, language, translator):
        reply = bot.respond(session, attempt.query, masks=masks,
                            lexical_query=attempt.lexical_query, language=language)
        if reply.kind == "answer":
            found = reply
            break
        if reply.kind == "smalltalk":
            if language != "ko":  # (its Korean rendering was small talk): an agent replies in
                return None       # the citizen's language, never an entry
            body = shorten(reply.body, short_budget) if short_budget else reply.body
            return WrittenAnswer(body, reply.body, None, language, translated=False,
                                 smalltalk=True)
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
    gist = entry_gist(session, entry_id, language)
    if gist:
        return _with_gist(gist, korean, entry_id, language, tail, budget)
    terms = GlossaryTranslator().translate(korean.split("\n", 1)[0], "ko", language)
    lines = [message("answer_in_korean", language)]
    if terms is not None:
        lines.append(f"{message('keywords', language)}: {terms.text}")
    head = "\n".join(lines) + "\n"
    if budget:
        short_ko = shorten(korean, budget - byte_length(head))
    body = head + short_ko + tail
    return WrittenAnswer(body, korean, entry_id, language, translated=False)
