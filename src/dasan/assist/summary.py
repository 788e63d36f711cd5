"""Wrap-up proposals: a summary of the chat and a category, which the agent confirms.

Default: an extractive Korean summary. Sentences of the citizen's and the agent's messages
(kiwi's sentence splitter) are ranked with TextRank over kiwi content morphemes, picked with
MMR against redundancy, and printed in conversation order with a speaker tag. Optional: an LLM
through any OpenAI-compatible `/chat/completions` endpoint (`DASAN_LLM_BASE_URL`), falling back
to the extractive summary on any error. Both are PII-masked before they leave this module and
carry no verbatim profanity: the citizen's abusive sentences are left out (and the summary says
so), abusive words elsewhere become a neutral label, and a forced-terminated chat's summary says
that it was force-terminated (``dasan.text.record_clean``).

The category is the majority category of the knowledge-base entries nearest to what the
citizen wrote.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dasan.errors import BadRequest
from dasan.text.korean import get_kiwi, tokens_batch
from dasan.text.record_clean import (
    ABUSE_OMITTED_KO,
    FORCED_TERMINATION_KO,
    for_record,
    is_abusive,
)

SPEAKER_TAG = {"citizen": "민원", "agent": "답변"}
_BOILERPLATE = re.compile(
    r"^(?:네+|예+|안녕하세요|감사합니다|고맙습니다|잠시만\s*기다려\s*주세요|수고하세요|"
    r"알겠습니다|넵|ㅇㅋ|ok|okay)[.!~\s]*$", re.IGNORECASE)
MAX_TRANSCRIPT_CHARS = 50_000


@dataclass(frozen=True)
class Turn:
    sender: str  # citizen | agent | bot | system
    body: str


@dataclass(frozen=True)
class Sentence:
    index: int
    sender: str
    text: str


def split_sentences(turns: Sequence[Turn], senders: Sequence[str] = ("citizen", "agent")
                    ) -> list[Sentence]:
    """Sentences of the chosen speakers' turns, in order, without greetings and fillers."""
    kiwi = get_kiwi()
    out: list[Sentence] = []
    for turn in turns:
        if turn.sender not in senders or not turn.body.strip():
            continue
        for part in re.split(r"\n+", turn.body.strip()):
            for s in kiwi.split_into_sents(part):
                text = s.text.strip()
                if len(text) < 4 or _BOILERPLATE.match(text):
                    continue
                out.append(Sentence(len(out), turn.sender, text))
    return out


def _similarity(tok_sets: list[set[str]]) -> np.ndarray:
    """TextRank similarity: shared content words over the log lengths."""
    n = len(tok_sets)
    sim = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = tok_sets[i], tok_sets[j]
            if not a or not b:
                continue
            common = len(a & b)
            if common == 0:
                continue
            denom = math.log(len(a) + 1) + math.log(len(b) + 1)
            sim[i, j] = sim[j, i] = common / denom
    return sim


def textrank(sim: np.ndarray, damping: float = 0.85, iters: int = 60) -> np.ndarray:
    n = sim.shape[0]
    if n == 0:
        return np.zeros(0)
    rows = sim.sum(axis=1, keepdims=True)
    trans = np.divide(sim, rows, out=np.full_like(sim, 1.0 / n), where=rows > 0)
    scores = np.full(n, 1.0 / n)
    for _ in range(iters):
        new = (1 - damping) / n + damping * trans.T @ scores
        if np.abs(new - scores).sum() < 1e-9:
            scores = new
            break
        scores = new
    return scores


def extractive(turns: Sequence[Turn], max_sentences: int = 3, mmr_lambda: float = 0.7,
               tagged: bool = True) -> str:
    """TextRank + MMR extractive summary of a transcript, PII-masked."""
    if max_sentences < 1:
        raise ValueError("max_sentences must be >= 1")
    _check(turns)
    sents = _without_abuse(split_sentences(turns))
    if not sents:
        return ""
    toks = [set(t) for t in tokens_batch([s.text for s in sents])]
    sim = _similarity(toks)
    scores = textrank(sim)
    # The citizen's first substantive sentence states the problem: give it a head start.
    first_citizen = next((s.index for s in sents if s.sender == "citizen"), None)
    if first_citizen is not None:
        scores[first_citizen] += scores.max() * 0.5
    # Prefer informative sentences over one-word turns.
    scores = scores * np.array([min(1.0, len(t) / 4) for t in toks])
    chosen: list[int] = []
    norm = sim / (sim.max() or 1.0)
    while len(chosen) < min(max_sentences, len(sents)):
        best, best_val = -1, -1e9
        for i in range(len(sents)):
            if i in chosen:
                continue
            redundancy = max((norm[i, j] for j in chosen), default=0.0)
            val = mmr_lambda * scores[i] / (scores.max() or 1.0) - (1 - mmr_lambda) * redundancy
            if val > best_val:
                best, best_val = i, val
        chosen.append(best)
    return _render([sents[i] for i in sorted(chosen)], tagged)


def lead(turns: Sequence[Turn], n: int = 3, tagged: bool = True) -> str:
    """Lead-n baseline: the first n sentences."""
    _check(turns)
    return _render(_without_abuse(split_sentences(turns))[:n], tagged)


def _without_abuse(sents: list[Sentence]) -> list[Sentence]:
    """The sentences minus the citizen's abusive ones (re-indexed)."""
    kept = [s for s in sents if s.sender != "citizen" or not is_abusive(s.text)]
    return [Sentence(i, s.sender, s.text) for i, s in enumerate(kept)]


def abusive_turns(turns: Sequence[Turn]) -> int:
    """How many of the citizen's sentences are abusive."""
    return sum(1 for s in split_sentences(turns, ("citizen",)) if is_abusive(s.text))


def _render(sents: Sequence[Sentence], tagged: bool) -> str:
    lines = [f"[{SPEAKER_TAG.get(s.sender, s.sender)}] {s.text}" if tagged else s.text
             for s in sents]
    return for_record("\n".join(lines))


def _check(turns: Sequence[Turn]) -> None:
    total = sum(len(t.body) for t in turns)
    if total > MAX_TRANSCRIPT_CHARS:
        raise BadRequest(f"transcript too long to summarise ({total} > {MAX_TRANSCRIPT_CHARS})")


# --- optional LLM -----------------------------------------------------------------------------

LLM_SYSTEM_PROMPT = (
    "당신은 서울시 120다산콜센터 상담 기록 요약 도우미입니다. 상담 대화를 3문장 이내의 "
    "한국어로 요약하세요: 민원인의 문의 내용, 상담사의 안내, 후속 조치. 개인정보는 적지 마세요."
)


def llm_summary(turns: Sequence[Turn], base_url: str, model: str, api_key: str | None = None,
                timeout: float = 20.0) -> str:
    """Summary from an OpenAI-compatible endpoint (the transcript is masked before it is sent).

    Raises ValueError when the endpoint fails or answers in an unexpected shape.
    """
    import httpx

    _check(turns)
    transcript = "\n".join(f"{SPEAKER_TAG.get(t.sender, t.sender)}: {for_record(t.body)}"
                           for t in turns if t.sender in ("citizen", "agent"))
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    payload = {"model": model, "temperature": 0,
               "messages": [{"role": "system", "content": LLM_SYSTEM_PROMPT},
                            {"role": "user", "content": transcript}]}
    try:
        r = httpx.post(base_url.rstrip("/") + "/chat/completions", json=payload,
                       headers=headers, timeout=timeout)
        r.raise_for_status()
        content = r.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"LLM summary failed: {exc}") from exc
    if not isinstance(content, str) or not content.strip():
        raise ValueError("LLM summary failed: empty answer")
    return for_record(content.strip())


@dataclass(frozen=True)
class SummaryProposal:
    text: str
    method: str  # extractive | llm
    note: str | None = None


def propose(turns: Sequence[Turn], *, llm_base_url: str | None = None, llm_model: str = "",
            llm_api_key: str | None = None, forced_terminated: bool = False
            ) -> SummaryProposal:
    """LLM summary when an endpoint is configured (falls back), else extractive; the notes on
    left-out abuse and on a forced termination are appended."""
    if llm_base_url:
        try:
            proposal = SummaryProposal(
                llm_summary(turns, llm_base_url, llm_model, llm_api_key), "llm")
        except ValueError as exc:
            proposal = SummaryProposal(extractive(turns), "extractive", str(exc))
    else:
        proposal = SummaryProposal(extractive(turns), "extractive")
    notes = []
    if forced_terminated:
        notes.append(f"[조치] {FORCED_TERMINATION_KO}")
    elif abusive_turns(turns):
        notes.append(f"[참고] {ABUSE_OMITTED_KO}")
    if not notes:
        return proposal
    text = "\n".join([proposal.text, *notes]) if proposal.text else "\n".join(notes)
    return SummaryProposal(text, proposal.method, proposal.note)


def majority_category(categories: Sequence[str | None]) -> str | None:
    """The most frequent category of the nearest entries (ties to the nearest)."""
    counts = Counter(c for c in categories if c)
    if not counts:
        return None
    top = max(counts.values())
    return next(c for c in categories if c and counts[c] == top)
