"""Vietnamese typed without its diacritics gets them back from a body of Vietnamese text
(dasan.text.vietnamese), for the encoder."""

from __future__ import annotations

from dasan.text.vietnamese import DiacriticRestorer, has_vietnamese_marks

TEXT = [
    "Làm sao để đăng ký thẻ xe buýt cho người cao tuổi?",
    "Tôi muốn đăng ký thẻ giao thông khí hậu.",
    "Thẻ khí hậu có dùng được thẻ trả sau không?",
    "Chủ nhà không trả lại tiền đặt cọc thì tôi phải làm sao?",
    "Đặt lịch hỏa táng ở Seoul được trước bao nhiêu ngày?",
    "How do I apply?",  # no Vietnamese mark: teaches nothing
]


def test_has_vietnamese_marks_tells_marked_vietnamese_from_plain_latin() -> None:
    assert has_vietnamese_marks("Tôi muốn đăng ký")
    assert has_vietnamese_marks("ĐĂNG KÝ")
    assert not has_vietnamese_marks("toi muon dang ky the xe buyt")
    assert not has_vietnamese_marks("How do I apply for a bus card?")


def test_a_question_typed_without_marks_gets_the_written_forms() -> None:
    r = DiacriticRestorer(TEXT)
    assert r.restore("toi muon dang ky the xe buyt") == "tôi muốn đăng ký thẻ xe buýt"
    # the case of a word's first letter and the punctuation are kept
    assert r.restore("Chu nha khong tra lai tien dat coc?") == \
        "Chủ nhà không trả lại tiền đặt cọc?"


def test_the_neighbours_choose_between_two_written_forms() -> None:
    # "tra" is "trả" (pay back) after "không" in the text, and "tra" alone elsewhere
    r = DiacriticRestorer([*TEXT, "tra cứu", "tra cứu hồ sơ", "tra cứu kết quả"])
    assert r.restore("tra cuu ho so") == "tra cứu hồ sơ"
    assert r.restore("khong tra lai tien") == "không trả lại tiền"


def test_marked_text_and_unknown_words_are_left_as_written() -> None:
    r = DiacriticRestorer(TEXT)
    assert r.restore("Tôi muốn đăng ky") == "Tôi muốn đăng ky"  # has marks: as typed
    assert r.restore("zzz qqq") == "zzz qqq"
    assert r.restore("toi muon Jungnang") == "tôi muốn Jungnang"
    assert r.restore("") == ""
    assert DiacriticRestorer(["How do I apply?"]).restore("how do i apply") == "how do i apply"
