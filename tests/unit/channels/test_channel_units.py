"""Units of the written channels: signatures, the glossary, attachment sniffing, SMPP text
coding, the catalogue, SLA deadlines."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from dasan.channels.board.files import MAX_FILE_BYTES, Upload, check, sniff
from dasan.channels.catalog import LANGUAGES, MESSAGES, message
from dasan.channels.errors import BadAttachment, BadSignature, Replayed
from dasan.channels.signing import (
    b64_signature,
    check_b64_signature,
    check_timestamped_signature,
    hex_signature,
    timestamped_message,
)
from dasan.channels.sla import due_at
from dasan.channels.sms.http_gateway import charset_of, decode_body
from dasan.channels.sms.smpp_gateway import DC_KSC5601, DC_UCS2, decode_text, encode_text
from dasan.channels.translation.glossary import GlossaryTranslator, korean_terms

SECRET = "unit-test-secret-123456"


def test_timestamped_signature_accepts_and_refuses() -> None:
    body, ts = b'{"a":1}', str(int(time.time()))
    good = hex_signature(SECRET, timestamped_message(ts, body))
    check_timestamped_signature(SECRET, body, ts, good)
    check_timestamped_signature(SECRET, body, ts, "sha256=" + good)
    with pytest.raises(BadSignature):
        check_timestamped_signature(SECRET, body + b" ", ts, good)
    with pytest.raises(BadSignature):
        check_timestamped_signature(SECRET, body, None, good)
    old = str(int(time.time()) - 3600)
    with pytest.raises(Replayed):
        check_timestamped_signature(SECRET, body, old,
                                    hex_signature(SECRET, timestamped_message(old, body)))


def test_line_signature() -> None:
    body = b'{"events":[]}'
    check_b64_signature(SECRET, body, b64_signature(SECRET, body))
    with pytest.raises(BadSignature):
        check_b64_signature(SECRET, body, b64_signature("other-secret-000000", body))


@pytest.mark.parametrize("text,lang,terms", [
    ("Where can I buy a climate card?", "en", ["구매", "기후동행카드"]),
    ("我想申请青年月租补贴", "zh", ["신청", "청년월세", "보조금"]),
    ("粗大ごみの出し方", "ja", ["대형폐기물"]),
    ("Làm sao để thuê xe đạp công cộng?", "vi", ["방법", "대여", "따릉이"]),
    ("Паспорт яаж авах вэ", "mn", ["여권", "방법", "구매"]),
    ("Thank you very much", "en", []),
    # English plurals and Mongolian case endings find the term ...
    ("Are there vouchers for bed bugs?", "en", ["바우처", "빈대"]),
    ("Уур амьсгалын картыг хэрхэн цэнэглэх вэ", "mn", ["기후동행카드"]),
    ("Сөүл иргэний картаар юу хийж болох вэ", "mn", ["서울시민카드"]),
    # ... but a short Mongolian alias must be a whole word: "зах" (market), not "захиргаа"
    ("Захиргааны ажилтан", "mn", []),
    ("Зах хаана байдаг вэ", "mn", ["재래시장"]),
])
def test_glossary_finds_korean_terms(text: str, lang: str, terms: list[str]) -> None:
    assert sorted(korean_terms(text, lang)) == sorted(terms)


def test_glossary_is_partial_and_never_a_sentence() -> None:
    g = GlossaryTranslator()
    t = g.translate("How much is the seoul bike?", "en", "ko")
    assert t is not None and t.partial and set(t.text.split()) == {"요금", "따릉이"}
    assert g.translate("Good morning", "en", "ko") is None
    assert g.translate("환불 방법 안내", "ko", "en").text == "refund, how do i"  # type: ignore


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_attachment_sniffing() -> None:
    assert sniff(_png()) == "image/png" and sniff(b"%PDF-1.7") == "application/pdf"
    assert sniff(b"MZ\x90\x00") is None
    [ok] = check([Upload("scan.PDF", "application/pdf", b"%PDF-1.7 body")])
    assert ok.content_type == "application/pdf" and len(ok.sha256) == 64
    for bad in ([Upload("a.png", "image/png", b"MZ\x90")],
                [Upload("a.png", "image/jpeg", _png())],
                [Upload("a.jpg", "image/png", _png())],
                [Upload("a.png", "image/png", _png() + b"\x00" * MAX_FILE_BYTES)],
                [Upload(f"{i}.png", "image/png", _png()) for i in range(4)]):
        with pytest.raises(BadAttachment):
            check(bad)


@pytest.mark.parametrize("text,dc", [("hello", 0), ("안녕하세요 120", DC_KSC5601),
                                     ("Xin chào ạ", DC_UCS2), ("웃음 🙂", DC_UCS2)])
def test_smpp_text_coding_round_trip(text: str, dc: int) -> None:
    got_dc, octets = encode_text(text)
    assert got_dc == dc and decode_text(got_dc, octets) == text


def test_smpp_unknown_coding_is_an_error() -> None:
    with pytest.raises(UnicodeDecodeError):
        decode_text(0x05, b"\x81\x82")


def test_gateway_charsets() -> None:
    assert charset_of("application/json; charset=EUC-KR") == "cp949"
    assert charset_of(None) == "utf-8"
    assert decode_body('{"text":"안녕"}'.encode("cp949"), "application/json; charset=euc-kr") \
        == {"text": "안녕"}


def test_catalogue_covers_every_language() -> None:
    for key, entry in MESSAGES.items():
        for lang in LANGUAGES:
            assert lang in entry, (key, lang)
    assert message("received", "xx") == MESSAGES["received"]["ko"]


def test_sla_by_channel() -> None:
    start = datetime(2026, 12, 2, 9, 0)
    assert due_at("sms", start) < due_at("portal", start) < due_at("web", start)  # type: ignore
    assert due_at("chat", start) is None


def test_foreign_questions_search_the_raw_question_with_its_korean_terms_only() -> None:
    from dasan.channels.translation.glossary import GlossaryTranslator
    from dasan.channels.written_bot import SearchTry, search_tries

    tries = search_tries("How do I buy a climate card?", "en", GlossaryTranslator())
    # first the desk's cross-lingual search: the encoder reads the question as written, the
    # lexical scorers its Korean terms
    assert tries[0].query == "How do I buy a climate card?"
    assert tries[0].lexical_query is not None and "기후동행카드" in tries[0].lexical_query
    # nothing after it: the raw question alone and the bare terms answered far more
    # out-of-domain questions under the foreign policy (bench/fit_foreign.py)
    assert len(tries) == 1
    # without any Korean term only the raw question is left
    assert search_tries("Good morning", "en", GlossaryTranslator()) == [SearchTry("Good morning")]
    assert search_tries("기후동행카드 구매", "ko", GlossaryTranslator()) == [
        SearchTry("기후동행카드 구매")]


def test_a_chinese_question_is_searched_with_its_korean_terms_and_readings() -> None:
    from dasan.channels.translation.lexicon import korean_terms, korean_text
    from dasan.channels.translation.port import NoTranslator
    from dasan.channels.written_bot import search_tries

    question = "高龄者可以申请吗？"
    tries = search_tries(question, "zh", NoTranslator())
    assert (tries[0].query, tries[0].lexical_query) == (question, korean_text(question, "zh"))
    assert "신청" in (tries[0].lexical_query or "")  # 申请: the lexicon's term or its reading
    assert any(t.source == "reading" for t in korean_terms(question, "zh"))
    assert len(tries) == 1


def test_a_gist_answer_keeps_the_gist_whole_and_shortens_the_korean_to_the_budget() -> None:
    from dasan.channels.sms.encoding import byte_length
    from dasan.channels.written_bot import _with_gist

    gist = "Seoul bikes are rented in the app after buying a pass (1,000 won an hour)."
    korean = "따릉이 1시간 이용권은 1,000원입니다. " * 20
    full = _with_gist(gist, korean, 7, "en", "", None)
    assert full.body == (f"{message('summary', 'en')}\n{gist}\n\n"
                         f"{message('answer_in_korean', 'en')}\n{korean}")
    assert full.summary == gist and full.original_ko == korean and not full.translated
    short = _with_gist(gist, korean, 7, "en", "\nMore: x", 400)
    assert short.body.startswith(f"{message('summary', 'en')}\n{gist}")
    assert short.body.endswith("\nMore: x") and byte_length(short.body) <= 400 + 8
    assert "…" in short.body
    # no room left for the Korean answer: the gist alone, then the link
    tiny = _with_gist(gist, korean, 7, "en", "\nMore: x", 120)
    assert "따릉이" not in tiny.body and tiny.body.endswith("\nMore: x")
