"""A generated note on a field report: stored as a code, worded when read."""

from __future__ import annotations

from dasan.complaints import system_notes


def test_a_coded_note_is_worded_in_the_readers_language() -> None:
    stored = system_notes.coded("duplicate_merged", count=3, original=241)
    assert "병합" not in stored and system_notes.parse(stored) == (
        "duplicate_merged", {"count": "3", "original": "241"})
    assert system_notes.render(stored) == "같은 신고 3건: 원 신고 #241에 병합되었습니다."
    assert system_notes.render(stored, "en") == (
        "Same report ×3: merged into the original report #241.")
    zh = system_notes.render(stored, "zh", lambda ko, en, lang: "同一举报 {count} 件 #{original}")
    assert zh == "同一举报 3 件 #241"
    # a translation that lost a placeholder falls back to the written text
    broken = system_notes.render(stored, "ja", lambda ko, en, lang: "{cnt}")
    assert broken == "같은 신고 3건: 원 신고 #241에 병합되었습니다."


def test_old_rows_and_free_text() -> None:
    old = "같은 신고 2건: 원 신고 #17에 병합되었습니다."
    assert system_notes.render(old, "en") == "Same report ×2: merged into the original report #17."
    assert system_notes.render("수거 완료", "en") == "수거 완료"  # an officer's words as written
    assert system_notes.render(None, "en") is None
    assert system_notes.render("code:no_such_note?x=1", "en") == "code:no_such_note?x=1"
