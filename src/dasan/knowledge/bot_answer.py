"""The one answer decision of every bot that answers citizens from the knowledge base.

The text chatbot, the callbot (both through :func:`dasan.chat.bot.respond`) and the visible
ARS page (:mod:`dasan.voice.visible_ars.menu`) call :func:`find_answer`: it searches the
answerable entries of the live index and applies the policy of
:mod:`dasan.knowledge.answering`, with the same features ``bench/bench_answer.py`` measures
(dense cosine, fused margin over the next distinct entry, lexical score, word coverage, the
question's own signals, the reference guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from dasan.db.models import KbEntry
from dasan.knowledge.answering import (
    COVERAGE_ANSWER_CHARS,
    LEXICAL_POLICY,
    Decision,
    QuerySignals,
    coverage,
    decide,
    distinct_after_first,
    informal_register,
    policy_for,
    twin_candidates,
    undecided_twins,
)
from dasan.knowledge.live import get_live_index
from dasan.knowledge.search import CROSSLINGUAL, Hit, duplicate_key, is_korean
from dasan.knowledge.smalltalk import is_smalltalk
from dasan.text.korean import tokens

# Hits fetched: enough that a rival remains after the top entry's verbatim copies are set
# aside (distinct_after_first).
SEARCH_K = 6


@dataclass(frozen=True)
class FoundAnswer:
    decision: Decision
    # the answerable hits, best first (the first is the answer when decision.kind == "answer")
    found: list[tuple[KbEntry, Hit]]


def find_answer(session: Session, query: str, today: date, k: int = SEARCH_K,
                lexical_query: str | None = None, language: str | None = None) -> FoundAnswer:
    """Search the answerable entries valid ``today`` for ``query`` and decide whether the bot
    may answer with the first (``answer``), should offer related entries and a human
    (``related``), or has nothing (``miss``).

    ``lexical_query``: the Korean terms of a foreign-language ``query``
    (dasan.channels.translation.lexicon): the search for a foreign question, as the desk's
    assistant makes it (the encoder reads ``query``, the lexical scorers the terms,
    :data:`~dasan.knowledge.search.CROSSLINGUAL` weights); the policy's word coverage reads
    the question and its terms together (against the entry's gists too), and the policy is the
    one fitted on foreign questions (:data:`~dasan.knowledge.answering.FOREIGN_POLICY`).
    ``language``: that question's language, when known (the encoder reads a Vietnamese
    question typed without diacritics with them given back: SearchIndex.for_encoder).

    A Korean question the small-talk recogniser flags (:mod:`dasan.knowledge.smalltalk`) is
    decided ``smalltalk`` before any search: the knowledge base never answers chit-chat."""
    cross = bool(lexical_query and lexical_query.strip())
    if not cross and is_korean(query) and is_smalltalk(query):
        return FoundAnswer(decide([], query, smalltalk=True), [])
    live = get_live_index()
    index = live.sync(session)
    found = live.search_in(session, index, query, k=k, valid_on=today, answerable_only=True,
                           lexical_query=lexical_query if cross else None,
                           weights=CROSSLINGUAL if cross else None,
                           language=language if cross else None)
    if not found:
        return FoundAnswer(decide([], query), [])
    e = found[0][0]
    q_tokens = tokens(index.repaired(f"{query} {lexical_query}" if cross else query))
    # a foreign question's words may be the editors' gist's (dasan.knowledge.editor_gists)
    gists = list((e.gists or {}).values()) if cross else []
    cover = coverage(q_tokens, tokens("\n".join(
        [e.title, *(e.question_variants or []), *gists,
         (e.answer or "")[:COVERAGE_ANSWER_CHARS]])))
    lead = found[0][1].reference_lead
    if not index.has_dense:
        # No dense vectors (DASAN_EMBEDDER=none): the lexical index's fused score, with its
        # own calibration (ADR 0012).
        decision = decide([(h.score, cover) for _, h in found], query, LEXICAL_POLICY, lead)
        return FoundAnswer(decision, found)
    top = found[0][1]
    signals = QuerySignals(
        vocab_share=index.vocabulary_share(q_tokens),
        title_cover=coverage(q_tokens, tokens("\n".join(
            [e.title, *(e.question_variants or [])]))),
        informal=float(informal_register(query)),
        title_dense=top.title_dense if top.title_dense is not None else top.dense,
        variant_best=float(top.passage is not None and top.passage != e.title.strip()),
        passage_cover=coverage(q_tokens, tokens(top.passage or e.title)))
    rivals = distinct_after_first(found, [duplicate_key(x.title) for x, _ in found])
    hits = [(h.dense, cover if n == 0 else 0.0, h.score, h.lexical or 0.0)
            for n, (_, h) in enumerate(rivals)]
    # a foreign question (searched with its Korean terms, or written without Korean at all)
    # gets the policy fitted on foreign questions
    policy = policy_for(index.answerable_count(), index.variant_share(),
                        foreign=cross or not is_korean(query))
    # the runner-up a near twin the question does not tell apart: both offered, neither
    # answered (the words are only read when the titles and scores make them twins)
    twins = False
    if len(rivals) > 1:
        nxt, nh = rivals[1]
        gaps = (top.dense - nh.dense, top.score - nh.score)
        twins = twin_candidates(e.title, nxt.title, *gaps) and undecided_twins(
            q_tokens, e.title, index.entry_words(found[0][1].id), nxt.title,
            index.entry_words(nh.id), *gaps)
    decision = decide(hits, query, policy, lead, signals, twins=twins)
    return FoundAnswer(decision, found)

