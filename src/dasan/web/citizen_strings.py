"""What the citizen pages say besides their templates' ``t()`` calls, as (Korean, English,
where) for the catalogues of :mod:`dasan.web.citizen_language`:

- the strings the citizen page scripts ask for with ``t("key")`` (the chat page's ``STRINGS``),
  found by reading the scripts themselves, so a key a script starts using joins the
  catalogues;
- the field-report statuses, service names and generated notes, and the visible-ARS menu
  labels;
- the error texts of the codes a citizen's page can meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

STATIC = Path(__file__).parent / "static"
# The scripts of the citizen pages that take their strings from the chat page's STRINGS.
CITIZEN_SCRIPTS = ("chat/common.js", "chat/citizen.js", "sign/citizen.js", "sign/rtc.js")
_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")

# Error codes a citizen's page can meet (chat, sign video, Q&A board, field report, visible
# ARS, surveys), by prefix, and the generic ones every page can meet.
CITIZEN_ERROR_PREFIXES = ("chat_", "sign_", "qna_", "board_", "complaint_", "report_", "ars_",
                          "visible_ars", "survey_", "attachment", "upload")
CITIZEN_ERROR_CODES = ("bad_request", "invalid", "invalid_input", "not_found", "forbidden",
                       "conflict", "rate_limited", "too_large", "payload_too_large", "csrf",
                       "cross_site", "channel_not_configured", "generic", "internal")


# Keys the citizen chat script asks for with a computed name (``t(m.sender)``: who said a
# message), which reading the scripts cannot find.
COMPUTED_KEYS = ("bot", "agent", "system")


def script_keys() -> set[str]:
    """The ``t("key")`` keys the citizen page scripts use."""
    keys: set[str] = set(COMPUTED_KEYS)
    for name in CITIZEN_SCRIPTS:
        path = STATIC / name
        if path.is_file():
            keys |= set(_KEY.findall(path.read_text(encoding="utf-8")))
    return keys


def citizen_script_strings() -> dict[str, tuple[str, str]]:
    """The chat page's strings (key -> (Korean, English)) a citizen page script uses."""
    from dasan.web.pages.chat import STRINGS

    keys = script_keys()
    return {k: v for k, v in STRINGS.items() if k in keys}


def citizen_error_codes() -> dict[str, tuple[str, str]]:
    from dasan.web.error_text import STATUS_TEXT, catalog

    out = {code: texts for code, texts in catalog().items()
           if code in CITIZEN_ERROR_CODES or code.startswith(CITIZEN_ERROR_PREFIXES)}
    out.update({key: texts for key, texts in STATUS_TEXT.items()})
    return out


def citizen_sources() -> Iterator[tuple[str, str | None, str]]:
    from dasan.complaints.catalogue import SERVICES
    from dasan.complaints.notify import STATUS_EN, STATUS_KO
    from dasan.voice.visible_ars.menu import label_pairs

    for key, (ko, en) in citizen_script_strings().items():
        yield ko, en, f"web/pages/chat.py:STRINGS[{key}]"
    for code, ko in STATUS_KO.items():
        yield ko, STATUS_EN.get(code), f"complaints/notify.py:{code}"
    from dasan.complaints.system_notes import texts as system_note_texts

    for ko, en, code in system_note_texts():
        yield ko, en, f"complaints/system_notes.py:{code}"
    from dasan.complaints.catalogue import attribute_texts

    for svc in SERVICES:
        yield svc.name_ko, svc.name_en, f"complaints/catalogue.py:{svc.code}"
    for ko, en, where in attribute_texts():
        yield ko, en, f"complaints/catalogue.py:{where}"
    from dasan.web.pages.channels import STATUS_LABELS as QNA_STATUS

    for code, (ko, en) in QNA_STATUS.items():
        yield ko, en, f"web/pages/channels.py:{code}"
    for ko, en in label_pairs():
        yield ko, en, "voice/visible_ars/menu.py"
    for code, (ko, en) in citizen_error_codes().items():
        yield ko, en, f"web/error_text.py:{code}"
