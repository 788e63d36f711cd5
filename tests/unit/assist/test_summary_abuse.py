"""Issue 12: wrap-up summaries carry no verbatim profanity and say when a chat was
force-terminated."""

from __future__ import annotations

from dasan.assist.summary import Turn, extractive, propose
from dasan.text.record_clean import (
    FORCED_TERMINATION_KO,
    REDACTED_KO,
    for_record,
    redact_abuse,
    with_termination,
)

ABUSIVE = [
    Turn("citizen", "기후동행카드 환불이 왜 안 되는 거예요? 씨발 진짜 짜증나네요."),
    Turn("citizen", "이 개새끼야 빨리 환불해 줘. 제 번호 010-3344-5566 이에요."),
    Turn("agent", "고객님, 기후동행카드 환불은 역사 고객안내센터에서 신청하실 수 있습니다."),
    Turn("citizen", "병신같은 구청 때문에 기후동행카드 환불도 못 받네."),
]
WORDS = ("씨발", "개새끼", "병신", "개새")


def _clean(text: str) -> None:
    for w in WORDS:
        assert w not in text, (w, text)
    assert "3344" not in text


def test_extractive_summary_leaves_out_abuse_and_pii() -> None:
    s = extractive(ABUSIVE, max_sentences=3)
    _clean(s)
    assert "기후동행카드" in s


def test_proposal_says_abuse_was_left_out_or_the_chat_was_terminated() -> None:
    p = propose(ABUSIVE)
    _clean(p.text)
    assert "생략" in p.text and FORCED_TERMINATION_KO not in p.text
    forced = propose(ABUSIVE, forced_terminated=True)
    _clean(forced.text)
    assert FORCED_TERMINATION_KO in forced.text
    clean = propose([Turn("citizen", "기후동행카드 충전은 어디서 하나요?")])
    assert "생략" not in clean.text and FORCED_TERMINATION_KO not in clean.text


def test_redaction_labels_each_abusive_word() -> None:
    text, n = redact_abuse("씨발 왜 안돼요 이 개새끼야")
    assert n == 2 and text.count(REDACTED_KO) == 2
    _clean(text)
    assert redact_abuse("기후동행카드 환불 문의") == ("기후동행카드 환불 문의", 0)
    assert for_record("ㅅㅂ 010-1234-5678 로 전화해") == f"{REDACTED_KO} 010-****-5678 로 전화해"
    assert for_record(None) == ""


def test_records_of_terminated_chats_say_so() -> None:
    assert with_termination("", "forced_terminated") == FORCED_TERMINATION_KO
    assert with_termination("요약", "forced_terminated").endswith(FORCED_TERMINATION_KO)
    assert with_termination("요약", "answered") == "요약"
    once = with_termination("요약", "forced_terminated")
    assert with_termination(once, "forced_terminated") == once
