"""Peer for the masking-speed section of bench_pii: ``romanised_names`` and ``spaced_names`` as
they were before the cue-word scan (issue 12), which ran their pattern at every character of
the text. They use the live module's patterns and helpers, so both give the same spans by
construction; only the scan differs (tests/unit/text/test_pii_labelled.py pins the equality)."""

from __future__ import annotations

from collections.abc import Iterator

from dasan.text.pii_names import (
    _ROMAN_RE,
    _SPACED_RE,
    Candidate,
    _strip_particle,
    roman_candidate,
)


def romanised_names(text: str) -> Iterator[Candidate]:
    for m in _ROMAN_RE.finditer(text):
        found = roman_candidate(text, m)
        if found is not None:
            yield found


def spaced_names(text: str) -> Iterator[Candidate]:
    from dasan.text.pii import SURNAME_SET

    for m in _SPACED_RE.finditer(text):
        syllables = _strip_particle(m.group("name").split())
        if syllables[0] not in SURNAME_SET or not 2 <= len(syllables) <= 4:
            continue
        start = m.start("name")
        letters = [i for i, ch in enumerate(m.group("name")) if not ch.isspace()]
        end = start + letters[len(syllables) - 1] + 1
        masked = " ".join([syllables[0], *("*" for _ in syllables[1:-1]), syllables[-1]])
        if len(syllables) == 2:
            masked = f"{syllables[0]} *"
        yield "name", start, end, masked
