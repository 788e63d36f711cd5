"""The cross-lingual query rewriter (channels.translation.lexicon): lexicon matching per
language and Sino-Korean readings of Chinese characters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dasan.channels.translation import lexicon
from dasan.channels.translation.lexicon import (
    READING_WEIGHT,
    en_forms,
    han_runs,
    korean_terms,
    load_readings,
    read_han,
)


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, ...]:
    rows = [
        {"ko": "신청", "en": ["apply", "application"], "zh": ["申请"], "ja": ["申し込み"],
         "vi": ["đăng ký"], "mn": ["өргөдөл"]},
        {"ko": "카드", "en": ["card"], "zh": ["卡"], "ja": ["カード"], "vi": ["thẻ"],
         "mn": ["карт"]},
        {"ko": "기후동행카드", "en": ["climate card"], "zh": ["气候卡"], "ja": ["気候カード"],
         "vi": ["thẻ khí hậu"], "mn": ["уур амьсгалын карт"]},
        {"ko": "시장", "mn": ["зах"], "en": ["market"]},
        {"ko": "그리고", "skip": True},
        {"ko": "관련", "en": ["about", "related to"], "vi": ["về", "liên quan"]},
    ]
    glossary = tmp_path / "glossary.json"
    glossary.write_text("[]", encoding="utf-8")
    part = tmp_path / "part-a.jsonl"
    part.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return (glossary, part, tmp_path / "absent.jsonl")


def _ko(text: str, lang: str, paths: tuple[Path, ...]) -> list[str]:
    return [t.ko for t in korean_terms(text, lang, readings=False, paths=paths, learnt=False)]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("How do I apply for a climate card?", "en", ["신청", "기후동행카드"]),  # longest first
    ("Applying for cards", "en", ["신청", "카드"]),  # lemmatised
    ("Làm sao đăng ký thẻ khí hậu?", "vi", ["신청", "기후동행카드"]),
    ("lam sao dang ky the khi hau", "vi", ["신청", "기후동행카드"]),  # typed without marks
    ("Уур амьсгалын картыг хаана авах вэ", "mn", ["기후동행카드"]),  # case ending
    ("Өргөдлийг яаж өгөх вэ", "mn", ["신청"]),  # өргөдөл: its last vowel drops
    ("气候卡怎么申请", "zh", ["기후동행카드", "신청"]),
    ("気候カードの申し込み", "ja", ["기후동행카드", "신청"]),
])
def test_a_foreign_question_gives_its_korean_terms(text: str, lang: str, expected: list[str],
                                                   paths: tuple[Path, ...]) -> None:
    assert _ko(text, lang, paths) == expected


def test_unknown_words_give_nothing(paths: tuple[Path, ...]) -> None:
    assert _ko("Good morning, xyzzy", "en", paths) == []
    assert _ko("Сайн байна уу", "mn", paths) == []
    assert _ko("apply", "ko", paths) == []  # only en/zh/ja/vi/mn are rewritten
    # a short Mongolian alias is a whole word only: "зах" (market) is not in "захиргаа"
    assert _ko("захиргаа", "mn", paths) == []
    assert _ko("зах", "mn", paths) == ["시장"]
    # a function word alone is no term; inside a phrase it counts
    assert _ko("What about it?", "en", paths) == []
    assert _ko("Anything related to cards", "en", paths) == ["관련", "카드"]
    assert _ko("Hỏi về thẻ", "vi", paths) == ["카드"]
    assert _ko("hoi ve the", "vi", paths) == ["카드"]
    # a skipped row gives nothing
    assert all(e.ko != "그리고" for e in lexicon.load_entries(paths))


def test_without_lexicon_files_the_glossary_alone_is_used(tmp_path: Path) -> None:
    only_glossary = (lexicon.GLOSSARY_FILE, tmp_path / "missing.jsonl")
    terms = korean_terms("How do I buy a climate card?", "en", paths=only_glossary)
    assert "기후동행카드" in [t.ko for t in terms]


def test_english_forms() -> None:
    assert {"apply"} <= en_forms("applies") and {"apply"} <= en_forms("applied")
    assert "renew" in en_forms("renewing") and "stop" in en_forms("stopped")


@pytest.mark.parametrize(("han", "korean"), [
    ("申請", "신청"),  # traditional
    ("申请", "신청"),  # simplified -> traditional -> reading
    ("高齢者", "고령자"),  # Japanese shinjitai 齢 -> 齡
    ("体験", "체험"),  # shinjitai 体/験 read as 體/驗, not 体's own reading 분
    ("料金", "요금"),  # initial-sound rule: a word does not start with 료
    ("利用", "이용"),
])
def test_sino_korean_readings(han: str, korean: str) -> None:
    assert read_han(han)[0] == korean


def test_readings_weigh_less_and_cover_only_what_the_lexicon_missed(
        paths: tuple[Path, ...]) -> None:
    terms = korean_terms("申请高龄者体验", "zh", paths=paths)
    assert terms[0].ko == "신청" and terms[0].weight == 1.0 and terms[0].source == "lexicon"
    readings = [t for t in terms if t.source == "reading"]
    assert readings and readings[0].ko == "고령자체험" and readings[0].weight == READING_WEIGHT
    assert all("신청" not in t.ko for t in readings)  # the lexicon's span is not read again


def test_what_has_no_chinese_characters_is_not_read() -> None:
    assert han_runs("こんにちは、カードです", "ja") == []
    assert han_runs("我的护照", "zh") == ["护照"]  # a particle and a pronoun split the run
    assert read_han("abc") == []
    assert load_readings(Path("/nonexistent/readings.tsv")) == {}


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("My landlord will not give back my deposit", "en", {"집주인", "보증금"}),
    ("The noise from my neighbours upstairs", "en", {"소음", "이웃"}),
    ("房东不退押金", "zh", {"집주인", "보증금"}),
    ("上の階の騒音がひどい", "ja", {"이웃", "소음"}),
    ("Chủ nhà không trả tiền đặt cọc", "vi", {"집주인", "보증금"}),
    ("Хөршийн дуу чимээ их байна", "mn", {"이웃", "소음"}),
])
def test_the_shipped_lexicon_knows_everyday_words(text: str, lang: str,
                                                  expected: set[str]) -> None:
    # lexicon/part-c.jsonl: what residents say about their situation (a landlord, a noisy
    # neighbour), beside the civil-service vocabulary of parts a and b
    assert expected <= {t.ko for t in korean_terms(text, lang, readings=False)}
