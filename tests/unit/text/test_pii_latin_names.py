"""Issue 12, ninth round: names in Latin letters inside Korean text, with no cue (foreign
residents write them as in their passports), and the brand, programme and place words that
look the same and stay unmasked."""

from __future__ import annotations

import pytest

from dasan.text import pii_names
from dasan.text.pii import mask


def _latin(text: str) -> list[str]:
    return [text[s:e] for _, s, e, _ in pii_names.latin_names(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Bat-Erdene Ganbold 몽골에서 왔습니다 체류 연장 문의합니다", "Bat-Erdene Ganbold"),
        ("필리핀 사람 Jocelyn Dela Cruz라고 하는데 아이 학교 문제로요", "Jocelyn Dela Cruz"),
        ("저 Nguyen Thi Hoa 입니다 베트남 사람이에요", "Nguyen Thi Hoa"),
        ("Ahmed Hassan my name, I live in 이태원", "Ahmed Hassan"),
        ("Rosalinda Bautista po 제 이름이에요", "Rosalinda Bautista"),
        ("winston park이라고 영어로 적었는데요", "winston park"),
        ("여권에는 KIM MINSU 로 되어 있어요", "KIM MINSU"),
    ],
)
def test_a_latin_name_in_korean_text_is_masked(text: str, name: str) -> None:
    assert _latin(text) == [name]
    assert name not in mask(text).masked


@pytest.mark.parametrize(
    "text",
    [
        "Google Play 스토어에서 서울Pay 앱 받으세요",
        "Seoul Metro 앱에서 확인하세요",
        "KTX SRT 예매는 어디서 해요?",
        "Climate Card 환불 문의",
        "Samsung Pay로 결제했어요",
        "Naver Map 에서 Seoul Forest 검색",
        # inside an English sentence: not standing alone in Korean text
        "Please contact Seoul Global Center 기후동행카드",
        "winston churchill 책이요",
    ],
)
def test_brand_programme_and_place_words_stay(text: str) -> None:
    assert _latin(text) == []
