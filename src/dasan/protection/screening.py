"""Adapter over the text tools used by chat: abuse/crisis screening and language id.

`dasan.text.abuse.screen` and `dasan.text.langid.detect_language` are the real implementations;
while they are absent (they are built in parallel) a small conservative fallback keeps chat
working: a short lexicon of unmistakable Korean profanity, threats and sexual harassment, and a
script-based language guess.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Screening:
    """Same shape as `dasan.text.abuse.Screening`."""

    category: str = "none"  # profanity | insult | threat | sexual | none
    severity: int = 0  # 0..3
    spans: list[tuple[int, int]] = field(default_factory=list)
    crisis: bool = False

    @property
    def is_abusive(self) -> bool:
        return self.category != "none" and self.severity > 0


# Fallback lexicon: only forms that are abusive in any context.
_FALLBACK: tuple[tuple[str, str, int], ...] = (
    (r"씨\s*발|시\s*발(?!점)|ㅅㅂ|씹|좆|존나|졸라|개새끼|개새|ㄱㅅㄲ|병신|ㅂㅅ|미친\s*(?:놈|년|새끼)"
     r"|지랄|염병|닥쳐|꺼져", "profanity", 2),
    (r"멍청|등신|바보\s*같|무능(?:한|하)|쓰레기\s*같", "insult", 1),
    (r"죽여\s*버|죽일\s*거|찾아가서|가만\s*안\s*둬|칼\s*들고|불\s*질러", "threat", 3),
    (r"몸매|섹시|가슴\s*(?:크|만지)|성관계|야한", "sexual", 2),
)
_FALLBACK_RE = [(re.compile(p), c, s) for p, c, s in _FALLBACK]
_CRISIS_RE = re.compile(
    r"죽고\s*싶|자살|목숨을\s*끊|살고\s*싶지\s*않|극단적\s*(?:선택|생각)|뛰어내리|유서"
)


def _fallback_screen(text: str) -> Screening:
    norm = unicodedata.normalize("NFKC", text)
    best: tuple[str, int] = ("none", 0)
    spans: list[tuple[int, int]] = []
    for rx, cat, sev in _FALLBACK_RE:
        for m in rx.finditer(norm):
            spans.append((m.start(), m.end()))
            if sev > best[1]:
                best = (cat, sev)
    return Screening(best[0], best[1], sorted(spans), bool(_CRISIS_RE.search(norm)))


@functools.cache
def _real(module: str, attr: str) -> Any | None:
    """The real implementation when its module exists (looked up once per process)."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(mod, attr, None)


def screen(text: str) -> Screening:
    """Abuse category/severity and crisis flag of one citizen message."""
    real = _real("dasan.text.abuse", "screen")
    if real is None:
        return _fallback_screen(text)
    return _convert(real(text))


def _convert(r: Any) -> Screening:
    spans = [(int(s[0]), int(s[1])) if isinstance(s, tuple | list)
             else (int(getattr(s, "start", 0)), int(getattr(s, "end", 0)))
             for s in (getattr(r, "spans", None) or [])]
    category = str(getattr(r, "category", "none"))
    severity = int(getattr(r, "severity", 0))
    crisis = bool(getattr(r, "crisis", False))
    return Screening(category if severity > 0 else "none", severity, spans, crisis)


def screen_many(texts: list[str]) -> list[Screening]:
    """:func:`screen` for several messages at once (the classifier is much cheaper batched)."""
    real = _real("dasan.text.abuse", "screen_many")
    if real is None:
        return [screen(t) for t in texts]
    return [_convert(r) for r in real(texts)]


class BatchScreener:
    """Screens messages from many chats together: callers await one message each; whatever
    arrived meanwhile goes to `screen_many` in one call on a worker thread."""

    def __init__(self, run_in_thread: Callable[..., Awaitable[Any]], max_batch: int = 64
                 ) -> None:
        self._run = run_in_thread
        self._max = max_batch
        self._pending: list[tuple[str, asyncio.Future[Screening]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def screen(self, text: str) -> Screening:
        fut: asyncio.Future[Screening] = asyncio.get_running_loop().create_future()
        self._pending.append((text, fut))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await fut

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:self._max], self._pending[self._max:]
            try:
                results = await self._run(screen_many, [t for t, _ in batch])
            except Exception as exc:  # hand the failure to every waiting caller
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            for (_, fut), res in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(res)


_SCRIPTS: tuple[tuple[str, str], ...] = (
    (r"[\u3040-\u30ff]", "ja"),
    (r"[\uac00-\ud7a3]", "ko"),
    (r"[\u4e00-\u9fff]", "zh"),
    (r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", "vi"),
    (r"[\u0400-\u04ff]", "mn"),
)


def detect_language(text: str) -> str:
    """'ko' | 'en' | 'ja' | 'zh' | 'vi' | 'mn' (Korean when unsure)."""
    real = _real("dasan.text.langid", "detect_language")
    if real is not None:
        return str(real(text))
    low = text.lower()
    for pattern, lang in _SCRIPTS:
        if re.search(pattern, low):
            return lang
    return "en" if re.search(r"[a-z]{3,}", low) else "ko"


def mask_pii(text: str) -> str:
    """PII-masked text (`dasan.text.pii.mask`)."""
    from dasan.text.pii import mask

    return mask(text).masked
