"""The citizen pages' six languages: every string a citizen page says is translated in each
catalogue, with its placeholders intact, and the fallbacks hold."""

from __future__ import annotations

import re

import pytest

from dasan.web import citizen_language as cl
from dasan.web.citizen_strings import citizen_script_strings, script_keys
from dasan.web.templating import TEMPLATES_DIR

PLACEHOLDER = re.compile(r"\{[a-z0-9_]+\}")


@pytest.mark.parametrize("lang", cl.CATALOGUE_LANGUAGES)
def test_every_citizen_string_is_translated(lang: str) -> None:
    gaps = cl.missing(lang)
    assert not gaps, (f"{len(gaps)} citizen strings lack a {lang} translation (run `python -m "
                      f"dasan.web.citizen_language update` and translate): {gaps[:5]}")


@pytest.mark.parametrize("lang", cl.CATALOGUE_LANGUAGES)
def test_translations_keep_their_placeholders(lang: str) -> None:
    cat = cl.catalogue(lang)
    for ko, text in cat.items():
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(ko)), (lang, ko)


@pytest.mark.parametrize("lang", cl.CATALOGUE_LANGUAGES)
def test_translations_are_not_korean_or_english_copies(lang: str) -> None:
    msgs = cl.messages()
    cat = cl.catalogue(lang)
    copies = [ko for ko, (en, _) in msgs.items()
              if cat.get(ko) and len(ko) > 6 and cat[ko] in (ko, en)]
    assert not copies, (lang, copies[:5])


def test_translate_falls_back_to_english_then_korean() -> None:
    assert cl.translate("없는 문장", "No such sentence", "ko") == "없는 문장"
    assert cl.translate("없는 문장", "No such sentence", "en") == "No such sentence"
    assert cl.translate("없는 문장", "No such sentence", "vi") == "No such sentence"
    assert cl.translate("없는 문장", None, "mn") == "없는 문장"
    assert cl.pick_language("zh") == "zh" and cl.pick_language("fr") is None


def test_a_catalogue_language_reads_its_catalogue() -> None:
    ko = "120 다산콜 채팅 상담"
    for lang in cl.CATALOGUE_LANGUAGES:
        got = cl.translate(ko, "120 Dasan chat", lang)
        assert got == cl.catalogue(lang)[ko] and got not in (ko, "120 Dasan chat")


def test_citizen_templates_offer_the_six_languages() -> None:
    for name in cl.CITIZEN_TEMPLATES:
        source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        if name in ("base.html", "_citizen_languages.html"):
            continue
        assert '{% include "_citizen_languages.html" %}' in source, name


def test_sources_cover_the_citizen_scripts_strings() -> None:
    keys = script_keys()
    # the chat page script's own strings (a key the script uses is in the catalogue's sources)
    assert {"handoff", "waiting", "survey_thanks", "attach_bad"} <= keys
    strings = citizen_script_strings()
    msgs = cl.messages()
    assert all(ko in msgs for ko, _en in strings.values())
    # the agent desk's strings are not a citizen's
    assert "take_over" not in strings and "whisper" not in strings
