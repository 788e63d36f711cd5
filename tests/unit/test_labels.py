"""Every code label has a Korean and an English name; unknown codes are shown as they are."""

from __future__ import annotations

import re

from dasan.labels import LABELS, label


def test_every_label_has_korean_and_english() -> None:
    for table, names in LABELS.items():
        for code, (ko, en) in names.items():
            assert re.search("[가-힣]", ko), (table, code)
            assert en and not re.search("[가-힣]", en), (table, code)


def test_label_looks_up_by_language_and_keeps_unknown_codes() -> None:
    assert label("kb_status", "published") == "게시"
    assert label("kb_status", "published", "en") == "Published"
    assert label("shift_kind", "brand-new") == "brand-new"
    assert label("no-such-table", "x") == "x" and label("kb_status", None) == ""
