"""Korean SMS length rules and opt-out words."""

from __future__ import annotations

import pytest

from dasan.channels.sms.encoding import (
    LMS_MAX_BYTES,
    SMS_MAX_BYTES,
    byte_length,
    euc_kr_encodable,
    segment,
    shorten,
)
from dasan.channels.sms.optout import opt_in_word, opt_out_word
from dasan.errors import DomainError


def _naive(text: str) -> int:
    return sum(len(c.encode("cp949")) if euc_kr_encodable(c) else 2 * len(c.encode("utf-16-le")) // 2
               for c in text)


@pytest.mark.parametrize("text", ["hello", "안녕하세요", "기후동행카드 refund 방법?", "漢字 혼용",
                                  "Xin chào ạ", "이모지 🙂 포함"])
def test_byte_length_counts_the_euc_kr_way(text: str) -> None:
    assert byte_length(text) == _naive(text)


def test_sms_lms_boundaries() -> None:
    assert [p.kind for p in segment("가" * 45)] == ["SMS"]  # 90 bytes
    assert [p.kind for p in segment("가" * 45 + "a")] == ["LMS"]  # 91 bytes
    assert [p.kind for p in segment("가" * 1000)] == ["LMS"]  # 2,000 bytes
    parts = segment("가나다라 " * 600)  # 5,400 bytes
    assert len(parts) == 3 and all(p.kind == "LMS" for p in parts)
    assert all(p.bytes <= LMS_MAX_BYTES for p in parts)
    assert parts[0].text.endswith("(1/3)") and parts[2].text.endswith("(3/3)")
    # Cut at a space, never inside a word.
    assert all(p.text.rsplit(" (", 1)[0].endswith("가나다라") for p in parts)
    joined = " ".join(p.text.rsplit(" (", 1)[0] for p in parts)
    assert joined == ("가나다라 " * 600).strip()


def test_ten_thousand_characters_split_or_refused() -> None:
    with pytest.raises(DomainError):
        segment("가" * 10_000)  # 20,000 bytes: more than 10 LMS parts


def test_shorten_fits_budget() -> None:
    s = shorten("기후동행카드는 지하철과 버스를 무제한으로 이용할 수 있는 카드입니다. " * 5, SMS_MAX_BYTES)
    assert byte_length(s) <= SMS_MAX_BYTES and s.endswith("…")


@pytest.mark.parametrize("text,word", [("수신거부", "수신거부"), (" 수신 거부! ", "수신거부"),
                                       ("STOP", "stop"), ("수신거부 어떻게 하나요?", None),
                                       ("거부", "거부"), ("버스 시간 알려주세요", None)])
def test_opt_out_words(text: str, word: str | None) -> None:
    assert opt_out_word(text) == word


def test_opt_in() -> None:
    assert opt_in_word("수신 동의") == "수신동의" and opt_in_word("수신거부") is None
