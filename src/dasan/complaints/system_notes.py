"""The notes the system itself writes on a field report (its `status_notes` and a history
event's `note`), kept as a code with its parameters and worded only when read, in the reader's
language.

A note an officer or a district's system writes is free text and is shown as written. A note
the product generates (a report merged into an earlier one at the same spot) is stored as
``code:<code>?<params>`` (``code:duplicate_merged?count=2&original=241``) and rendered from
`TEXTS` (Korean and English here; the citizen pages' other four languages from their
catalogues, keyed by the Korean text). Rows written before the codes (the Korean sentence
itself) are recognised by `LEGACY` and rendered the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, urlencode

PREFIX = "code:"

# code -> (Korean, English), with {name} placeholders for the parameters.
TEXTS: dict[str, tuple[str, str]] = {
    "duplicate_merged": ("같은 신고 {count}건: 원 신고 #{original}에 병합되었습니다.",
                         "Same report ×{count}: merged into the original report #{original}."),
}

# Generated notes stored as Korean text before the codes.
LEGACY: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^같은 신고 (?P<count>\d+)건: 원 신고 #(?P<original>\d+)에 병합되었습니다\.$"),
     "duplicate_merged"),
)

Translate = Callable[[str, str, str], str]
"""(Korean, English, language) -> the text in that language (the citizen catalogues')."""


def coded(code: str, **params: int | str) -> str:
    """The stored form of the generated note `code` with its parameters."""
    if code not in TEXTS:
        raise ValueError(f"unknown system note {code!r}")
    return PREFIX + code + ("?" + urlencode(params) if params else "")


def parse(note: str | None) -> tuple[str, dict[str, str]] | None:
    """(code, parameters) of a generated note (coded or legacy), None for free text."""
    if not note:
        return None
    if note.startswith(PREFIX):
        code, _, query = note[len(PREFIX):].partition("?")
        return (code, dict(parse_qsl(query))) if code in TEXTS else None
    for pattern, code in LEGACY:
        m = pattern.match(note.strip())
        if m:
            return code, m.groupdict()
    return None


def _ko_en(ko: str, en: str, lang: str) -> str:
    return en if lang == "en" else ko


def render(note: str | None, lang: str = "ko", translate: Translate | None = None
           ) -> str | None:
    """The note as the reader reads it: a generated note in `lang` (through `translate` for
    the catalogue languages; Korean or English without it), free text as written."""
    found = parse(note)
    if found is None:
        return note
    code, params = found
    ko, en = TEXTS[code]
    # a translation that lost a placeholder falls back to Korean or English, a row missing a
    # parameter to its stored form
    for template in ((translate or _ko_en)(ko, en, lang), _ko_en(ko, en, lang)):
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            continue
    return note


def texts() -> Iterator[tuple[str, str, str]]:
    """(Korean, English, code) of every generated note, for the citizen catalogues."""
    for code, (ko, en) in TEXTS.items():
        yield ko, en, code
