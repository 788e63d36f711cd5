"""Korean tokenisation used by knowledge search (dasan.text.korean)."""

from __future__ import annotations

import pytest

from dasan.text.korean import (
    analyze_query,
    char_ngrams,
    compact,
    get_kiwi,
    normalize,
    nouns,
    respace_long_runs,
    spoken_numbers_to_digits,
    tokens,
    tokens_batch,
)


@pytest.mark.parametrize(
    "text, word",
    [
        ("기후동행카드 환불은 어떻게 하나요?", "기후동행카드"),
        ("따릉이 대여 방법", "따릉이"),
        ("서울페이로 결제했어요", "서울페이"),
        ("손목닥터9988 포인트 적립", "손목닥터9988"),
        ("120다산콜에 전화했어요", "120다산콜"),
        ("청년수당을 신청하려고요", "청년수당"),
        ("서울런은 누가 가입해요", "서울런"),
    ],
)
def test_user_dictionary_words_stay_whole(text: str, word: str) -> None:
    toks = tokens(text)
    assert word in toks
    # and kiwi's default split pieces are not emitted instead
    assert "카드" not in toks or word != "기후동행카드"


def test_without_user_dictionary_kiwi_would_split() -> None:
    # Guard for the premise of the user dictionary: a bare Kiwi splits the name.
    from kiwipiepy import Kiwi

    forms = [t.form for t in Kiwi().tokenize("기후동행카드")]
    assert forms != ["기후동행카드"]
    assert [t.form for t in get_kiwi().tokenize("기후동행카드")] == ["기후동행카드"]


def test_get_kiwi_is_a_singleton() -> None:
    assert get_kiwi() is get_kiwi()


def test_spaced_and_spoken_names_are_folded() -> None:
    assert "기후동행카드" in tokens("기후 동행 카드 환불 되나요")
    assert "서울페이" in tokens("서울 pay 가맹점")
    assert "서울페이" in tokens("서울Pay+ 가맹점")
    assert "손목닥터9988" in tokens("손목 닥터 구구팔팔 포인트")
    assert normalize("일이공 다산콜") == "120다산콜"


def test_spoken_numbers_before_counters() -> None:
    assert spoken_numbers_to_digits("이천이십사년 문화누리카드") == "2024년 문화누리카드"
    assert spoken_numbers_to_digits("육십오세 이상") == "65세 이상"
    assert spoken_numbers_to_digits("삼십만원 지원") == "300000원 지원"
    # ordinary words are not numbers
    assert spoken_numbers_to_digits("일이 많아요") == "일이 많아요"
    assert spoken_numbers_to_digits("오일 교환") == "오일 교환"


def test_one_spoken_digit_before_an_unambiguous_counter() -> None:
    assert spoken_numbers_to_digits("지원이 육개월이라던데") == "지원이 6개월이라던데"
    assert spoken_numbers_to_digits("칠 호선 타고") == "7호선 타고"
    assert spoken_numbers_to_digits("삼년 거주, 이층 건물") == "3년 거주, 2층 건물"
    # counters that make other words with one digit, and the demonstrative 이, are left alone
    for text in ("삼일절", "이월 되나요", "이번 달", "사시", "이 층에 있어요"):
        assert spoken_numbers_to_digits(text) == text


def test_tokens_keep_content_and_drop_particles_and_endings() -> None:
    toks = tokens("주민등록등본을 어디서 발급받을 수 있나요?")
    assert "주민등록" in toks or "주민등록등본" in toks or "등본" in toks
    assert "발급" in toks
    assert "을" not in toks and "나요" not in toks and "?" not in toks
    assert tokens("") == [] and tokens("   ") == []


def test_tokens_lowercase_foreign_words() -> None:
    assert "drm" in tokens("DRM 재설치")


def test_nouns_excludes_verbs() -> None:
    ns = nouns("따릉이를 빌리고 싶어요")
    assert "따릉이" in ns
    assert "빌리" not in ns


def test_tokens_batch_matches_single() -> None:
    texts = ["기후동행카드 환불", "", "서울페이 가맹점 신청 방법"]
    assert tokens_batch(texts) == [tokens(t) for t in texts]
    assert tokens_batch([]) == []


def test_tokens_batch_analyses_a_text_once_and_hands_out_copies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dasan.text import korean

    monkeypatch.setattr(korean, "_batch_cache", {})
    monkeypatch.setattr(korean, "_BATCH_CACHE_SIZE", 2)
    kiwi = korean.get_kiwi()
    analysed: list[str] = []
    real = kiwi.tokenize

    def counting(texts, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(texts, list):  # a batch (`tokens` analyses one string)
            analysed.extend(texts)
        return real(texts, *args, **kwargs)

    monkeypatch.setattr(kiwi, "tokenize", counting)
    first = tokens_batch(["따릉이 대여", "따릉이 대여", "청년수당 신청"])
    assert analysed == ["따릉이 대여", "청년수당 신청"]  # a repeated text once
    first[0].append("변경")  # a caller's list is its own
    again = tokens_batch(["청년수당 신청", "따릉이 대여"])
    assert analysed == ["따릉이 대여", "청년수당 신청"]  # both came from the cache
    assert again == [tokens("청년수당 신청"), tokens("따릉이 대여")]
    tokens_batch(["서울페이 가맹점"])  # the oldest of two is forgotten
    tokens_batch(["따릉이 대여"])
    assert analysed[-2:] == ["서울페이 가맹점", "따릉이 대여"]


def test_char_ngrams_ignore_spacing() -> None:
    assert char_ngrams("기후 동행카드") == char_ngrams("기후동행 카드")
    assert char_ngrams("가", 2) == ["가"]
    assert compact("  ,. ") == ""
    with pytest.raises(ValueError, match="n-gram"):
        char_ngrams("abc", 0)


def test_analyze_query_drops_fillers_for_dense_text() -> None:
    clean, toks = analyze_query("어 그 저기 기후 동행 카드 환불 되나요")
    assert clean.startswith("기후동행카드")
    assert "어" not in clean.split()
    assert "기후동행카드" in toks and "환불" in toks
    assert analyze_query("   ") == ("", [])


def test_common_abbreviation_expands() -> None:
    assert tokens("기동카 충전 방법")[0] == "기후동행카드"


def test_a_long_run_without_spaces_is_respaced_and_other_text_is_kept() -> None:
    spaced = respace_long_runs("구청장님이사고가나면그직무는누가대신해요")
    assert spaced.replace(" ", "") == "구청장님이사고가나면그직무는누가대신해요"
    assert {"구청장님이", "사고가", "직무는"} <= set(spaced.split())
    # shorter runs (a compound title word, an ordinary spaced question) are left alone
    assert respace_long_runs("동행정서비스헌장이뭐예요?") == "동행정서비스헌장이뭐예요?"
    assert respace_long_runs("기후동행카드 충전 방법") == "기후동행카드 충전 방법"


def test_latin_diacritics_are_folded_for_the_lexical_scorers_only_latin() -> None:
    from dasan.text.korean import char_ngrams, fold_latin, tokens

    assert fold_latin("Tôi muốn đăng ký thẻ xe buýt") == "Toi muon dang ky the xe buyt"
    assert fold_latin("ĐẶNG café 기후동행카드 Өргөдөл 申请") == "DANG cafe 기후동행카드 Өргөдөл 申请"
    # a Vietnamese question typed without diacritics reads as the one written with them
    assert tokens("đăng ký thẻ") == tokens("dang ky the") == ["dang", "ky", "the"]
    assert char_ngrams("thẻ xe") == char_ngrams("the xe")
