"""The citizen pages in the six languages the city serves: ko, en, zh, ja, vi, mn.

Every template says its text as ``t("한국어", "English")``. Korean and English are written in
the template; Chinese, Japanese, Vietnamese and Mongolian come from gettext catalogues
(``web/locale/<lang>/LC_MESSAGES/citizen.po``, read with Babel), keyed by the Korean text. A
string a catalogue lacks is shown in English (a resident who reads neither language is better
served by English than by Korean), never as a raw key.

Only the citizen pages (chat, sign-language video, visible ARS, the field report and its
tracking page, the web Q&A board and its tracking page) take the four catalogue languages.
Staff screens stay Korean-first with English: a staff browser that last visited a citizen page
in Chinese sees its staff screens in English.

``python -m dasan.web.citizen_language update`` re-extracts the citizen strings (the citizen
templates' ``t()`` calls, the chat page script's citizen strings, the status names and the
error texts a citizen can meet) into the catalogues: new strings arrive with an empty
translation, strings no page says any more are dropped, translations already written are kept.
``python -m dasan.web.citizen_language check`` lists what a catalogue still lacks (a unit test
runs the same check).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

LANGUAGES = ("ko", "en", "zh", "ja", "vi", "mn")
CATALOGUE_LANGUAGES = ("zh", "ja", "vi", "mn")
# Each language named in itself, for the language menu.
NATIVE_NAMES = {"ko": "한국어", "en": "English", "zh": "中文", "ja": "日本語",
                "vi": "Tiếng Việt", "mn": "Монгол"}
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "citizen"

# The templates a citizen sees (and the base they extend), relative to web/templates.
CITIZEN_TEMPLATES = (
    "base.html",
    "_citizen_languages.html",
    "chat/citizen.html",
    "chat/sign.html",
    "channels/qna_form.html",
    "channels/qna_tracking.html",
    "channels/qna_missing.html",
    "channels/answer.html",
    "complaints/report.html",
    "complaints/track.html",
    "voice/visible_ars.html",
    "voice/visible_ars_gone.html",
)


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Korean text -> its translation in ``lang`` (empty for ko/en or a missing file)."""
    if lang not in CATALOGUE_LANGUAGES:
        return {}
    path = catalogue_path(lang)
    if not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        cat = read_po(f, locale=lang, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in cat
            if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
            and not m.fuzzy}


def translate(ko: str, en: str | None, lang: str) -> str:
    """The text in ``lang``: Korean and English as written, the other four from their
    catalogue, else English (else Korean when no English was written)."""
    if lang == "ko":
        return ko
    if lang != "en":
        found = catalogue(lang).get(ko)
        if found:
            return found
    return en if en is not None else ko


def pick_language(asked: str | None) -> str | None:
    """``asked`` when it is one of the six languages, else None."""
    return asked if asked in LANGUAGES else None


# --- what the citizen pages say (the catalogues' sources) -----------------------------------

def template_strings() -> Iterator[tuple[str, str | None, str]]:
    """(Korean, English, where) of every ``t()`` call in the citizen templates."""
    from jinja2 import Environment
    from jinja2.ext import extract_from_ast

    templates = Path(__file__).parent / "templates"
    env = Environment()
    for name in CITIZEN_TEMPLATES:
        source = (templates / name).read_text(encoding="utf-8")
        for lineno, _func, message in extract_from_ast(env.parse(source), ("t",),
                                                         babel_style=False):
            texts = message if isinstance(message, tuple) else (message,)
            if texts and isinstance(texts[0], str):
                en = texts[1] if len(texts) > 1 and isinstance(texts[1], str) else None
                yield texts[0], en, f"{name}:{lineno}"


def script_strings() -> Iterator[tuple[str, str | None, str]]:
    """(Korean, English, where) of the chat page script's strings a citizen sees, the status
    names of the tracking pages and the error texts a citizen's page can show."""
    from dasan.web.citizen_strings import citizen_sources

    yield from citizen_sources()


def messages() -> dict[str, tuple[str | None, list[str]]]:
    """Korean text -> (English, where it is said), over every citizen source."""
    out: dict[str, tuple[str | None, list[str]]] = {}
    for ko, en, where in [*template_strings(), *script_strings()]:
        if not ko.strip():
            continue
        prev = out.get(ko)
        if prev is None:
            out[ko] = (en, [where])
        else:
            prev[1].append(where)
    return out


def missing(lang: str) -> list[str]:
    """The citizen strings ``lang``'s catalogue does not translate."""
    cat = catalogue(lang)
    return [ko for ko in messages() if not cat.get(ko)]


def update() -> dict[str, int]:
    """Rewrite every catalogue from the sources, keeping the translations already written.
    Returns the number of untranslated strings per language."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    msgs = messages()
    counts: dict[str, int] = {}
    for lang in CATALOGUE_LANGUAGES:
        path = catalogue_path(lang)
        old: dict[str, str] = {}
        if path.is_file():
            with path.open("rb") as f:
                old = {str(m.id): str(m.string) for m in read_po(f, locale=lang, domain=DOMAIN)
                       if m.id and isinstance(m.id, str) and isinstance(m.string, str)}
        cat = Catalog(locale=lang, domain=DOMAIN, project="Dasan", version="1",
                      copyright_holder="Dasan contributors", charset="utf-8")
        for ko, (en, where) in msgs.items():
            cat.add(ko, old.get(ko, ""), auto_comments=[f"en: {en}"] if en else [],
                    locations=[(w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1]))
                               if w.rsplit(":", 1)[-1].isdigit() else (w, 0) for w in where])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, cat, width=100, sort_output=False, omit_header=False)
        counts[lang] = sum(1 for ko in msgs if not old.get(ko))
    catalogue.cache_clear()
    return counts


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        for lang, n in update().items():
            print(f"{lang}: {n} untranslated")
        return 0
    if argv[:1] == ["check"]:
        bad = 0
        for lang in CATALOGUE_LANGUAGES:
            gaps = missing(lang)
            bad += len(gaps)
            print(f"{lang}: {len(gaps)} untranslated" + "".join(f"\n  {g}" for g in gaps[:20]))
        return 1 if bad else 0
    print("usage: python -m dasan.web.citizen_language update|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
