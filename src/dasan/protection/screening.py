"""Adapter over the text tools used by chat: abuse/crisis screening, language id, masking.

Chat works with its own small `Screening` value and batches screening across chats; the
judgements themselves come from `dasan.text` (abuse, crisis, langid, pii).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from dasan.protection.screening_workers import ScreeningProcesses
from dasan.text import abuse, langid
from dasan.text.pii import mask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Screening:
    """Same shape as `dasan.text.abuse.Screening`."""

    category: str = "none"  # profanity | insult | threat | sexual | none
    severity: int = 0  # 0..3
    spans: list[tuple[int, int]] = field(default_factory=list)
    crisis: bool = False
    crisis_kind: str | None = None
    crisis_severity: int = 0
    crisis_imminent: bool = False

    @property
    def is_abusive(self) -> bool:
        return self.category != "none" and self.severity > 0


def screen(text: str) -> Screening:
    """Abuse category/severity and crisis flag of one citizen message."""
    return _convert(abuse.screen(text))


def _convert(r: Any) -> Screening:
    spans = [(int(s[0]), int(s[1])) if isinstance(s, tuple | list)
             else (int(getattr(s, "start", 0)), int(getattr(s, "end", 0)))
             for s in (getattr(r, "spans", None) or [])]
    category = str(getattr(r, "category", "none"))
    severity = int(getattr(r, "severity", 0))
    crisis = bool(getattr(r, "crisis", False))
    return Screening(category if severity > 0 else "none", severity, spans, crisis,
                     getattr(r, "crisis_kind", None), int(getattr(r, "crisis_severity", 0) or 0),
                     bool(getattr(r, "crisis_imminent", False)))


def screen_many(texts: list[str]) -> list[Screening]:
    """:func:`screen` for several messages at once (the classifier is much cheaper batched)."""
    return [_convert(r) for r in abuse.screen_many(texts)]


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


_PROCESSES: dict[int, ScreeningProcesses] = {}


def screening_processes(processes: int) -> ScreeningProcesses:
    """The process-wide pool of `processes` screening workers (shared by every hub)."""
    if processes not in _PROCESSES:
        _PROCESSES[processes] = ScreeningProcesses(processes)
    return _PROCESSES[processes]


def detect_language(text: str) -> str:
    """'ko' | 'en' | 'ja' | 'zh' | 'vi' | 'mn' (Korean when unsure)."""
    return langid.detect_language(text)


def mask_pii(text: str) -> str:
    """PII-masked text (`dasan.text.pii.mask`)."""
    return mask(text).masked
