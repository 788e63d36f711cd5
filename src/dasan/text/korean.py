"""Korean tokenisation shared by search, classification and the text tools.

One process-wide :class:`kiwipiepy.Kiwi` (loading it costs about a second) carries a user
dictionary of Seoul service names that kiwi would otherwise split (기후동행카드 -> 기후/동/행/카드).
Before tokenising, :func:`normalize` folds the ways people (and speech-to-text) write those names:
spaces inside them ("기후 동행 카드"), English spellings ("서울Pay"), spoken numbers
("손목닥터 구구팔팔", "이천이십사년").
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence

from kiwipiepy import Kiwi

# Service and programme names of Seoul and the 120 Dasan Call Center that kiwi splits or
# mis-tags without help. Most come from the programme names of the 120 FAQ
# (`[대시민용] <사업명>, ...`) and from frequent nouns in its titles.
USER_WORDS: tuple[str, ...] = (
    "기후동행카드",
    "따릉이",
    "서울페이",
    "제로페이",
    "손목닥터9988",
    "손목닥터",
    "다산콜",
    "120다산콜",
    "다산콜센터",
    "청년수당",
    "서울런",
    "문화누리카드",
    "에코마일리지",
    "승용차마일리지",
    "서울시민카드",
    "서울사랑상품권",
    "서울달",
    "승화원",
    "서울시립승화원",
    "서울추모공원",
    "이룸통장",
    "꿈나래통장",
    "희망두배청년통장",
    "청년통장",
    "청년월세",
    "러브버그",
    "공공예식장",
    "유급병가",
    "가사서비스",
    "반지하",
    "장기요양요원",
    "배출가스저감장치",
    "조기폐차",
    "티머니",
    "안심소득",
    "몽땅정보통",
    "키움센터",
    "서울형키즈카페",
    "응답소",
    "정보소통광장",
    "e하늘",
    "산후조리경비",
    "난임부부",
    "임차보증금",
    "육아휴직",
    "학자금대출",
    "청년마음건강",
    "정원박람회",
    "국제정원박람회",
    "서울광장",
    "장애인콜택시",
    "바로콜",
    "올빼미버스",
    "심야버스",
    "동행사랑넷",
    "120다산콜재단",
)

# Other spellings -> the dictionary form. Matching ignores spaces and case, so
# "서울 pay" and "손목 닥터 구구팔팔" are caught too.
ALIASES: dict[str, str] = {
    "서울pay": "서울페이",
    "서울pay+": "서울페이",
    "서울페이+": "서울페이",
    "서울페이플러스": "서울페이",
    "zeropay": "제로페이",
    "기동카": "기후동행카드",  # the common abbreviation
    "손목닥터구구팔팔": "손목닥터9988",
    "일이공다산콜": "120다산콜",
    "백이십다산콜": "120다산콜",
    "일이공": "120",
    "tmoney": "티머니",
    "티머니카드": "티머니",
}

# Part-of-speech tags kept for indexing: nouns, numerals, verb/adjective stems, roots,
# foreign words, numbers, hanja. Particles, endings, interjections (fillers such as
# 어/그/저기) and punctuation are dropped.
CONTENT_TAGS: frozenset[str] = frozenset(
    {"NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "MAG"}
)
NOUN_TAGS: frozenset[str] = frozenset({"NNG", "NNP", "NR", "SL", "SN", "SH"})

_kiwi: Kiwi | None = None
_kiwi_lock = threading.Lock()


def _spaced_pattern(word: str) -> str:
    """Regex for ``word`` with optional whitespace between its characters."""
    return r"\s*".join(re.escape(ch) for ch in word)


def _build_normaliser() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = {}
    for w in USER_WORDS:
        table[w.lower()] = w
    for alias, target in ALIASES.items():
        table[alias.lower()] = target
    # Longest first so that "120다산콜재단" wins over "다산콜".
    keys = sorted(table, key=len, reverse=True)
    # Only multi-character names are matched across spaces; "따릉이" etc. are 3+ characters.
    pattern = re.compile("|".join(_spaced_pattern(k) for k in keys if len(k) >= 3), re.IGNORECASE)
    return pattern, table


_NAME_RE, _NAME_TABLE = _build_normaliser()

_SINO_DIGITS = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6,
                "륙": 6, "칠": 7, "팔": 8, "구": 9}
_SINO_UNITS = {"십": 10, "백": 100, "천": 1000}
_SINO_BIG = {"만": 10_000, "억": 100_000_000}
_SINO_CHARS = "".join(_SINO_DIGITS) + "".join(_SINO_UNITS) + "".join(_SINO_BIG)
# A spoken sino-Korean number is only rewritten when it is followed by a counter word, so
# that ordinary words (일 "work", 이 particle, 사 "company" ...) are left alone.
_COUNTERS = ("개월", "년", "월", "일", "세", "살", "호선", "번", "원", "시", "분", "퍼센트", "프로",
             "층", "명", "회", "주", "개")
_SPOKEN_NUM_RE = re.compile(
    rf"(?<![가-힣])([{_SINO_CHARS}]{{2,}})(?=\s?(?:{'|'.join(_COUNTERS)}))"
)
# One digit alone (육개월, 칠호선, 삼년, 오층) only before counters it cannot be read with as
# another word: not 일/월/번/시/분/... (삼일절, 이월 "carry over", 이번 "this time", 사시);
# 이 only when attached (이 층 is "this floor").
_ONE_DIGIT_COUNTERS = "|".join(("개월", "호선", "년", "층", "퍼센트"))
_SPOKEN_DIGIT_RE = re.compile(
    rf"(?<![가-힣])(?:([일삼사오육륙칠팔구])\s?|(이))(?={_ONE_DIGIT_COUNTERS})"
)


def _sino_to_int(word: str) -> int | None:
    """Parse a sino-Korean numeral such as 이천이십사 (2024) or 삼십만 (300000)."""
    total = 0
    section = 0
    digit: int | None = None
    for ch in word:
        if ch in _SINO_DIGITS:
            if digit is not None:
                return None  # two digits in a row: not a well-formed numeral
            digit = _SINO_DIGITS[ch]
        elif ch in _SINO_UNITS:
            section += (1 if digit is None else digit) * _SINO_UNITS[ch]
            digit = None
        elif ch in _SINO_BIG:
            section += digit or 0
            total += (section or 1) * _SINO_BIG[ch]
            section = 0
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def spoken_numbers_to_digits(text: str) -> str:
    """Rewrite spoken sino-Korean numbers before counters: 이천이십사년 -> 2024년, 육개월 ->
    6개월."""

    def repl(m: re.Match[str]) -> str:
        value = _sino_to_int(m.group(1))
        return m.group(0) if value is None else str(value)

    text = _SPOKEN_NUM_RE.sub(repl, text)
    return _SPOKEN_DIGIT_RE.sub(lambda m: str(_SINO_DIGITS[m.group(1) or m.group(2)]),
                                text)


def normalize(text: str) -> str:
    """NFKC, spoken numbers to digits, and service names folded to their dictionary form."""
    text = unicodedata.normalize("NFKC", text)
    text = spoken_numbers_to_digits(text)

    def repl(m: re.Match[str]) -> str:
        key = re.sub(r"\s+", "", m.group(0)).lower()
        return _NAME_TABLE.get(key, m.group(0))

    return _NAME_RE.sub(repl, text)


def get_kiwi() -> Kiwi:
    """The process-wide Kiwi with the user dictionary loaded (created on first use)."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                kiwi = Kiwi()
                for word in USER_WORDS:
                    kiwi.add_user_word(word, "NNP", 0.0)
                _kiwi = kiwi
    return _kiwi


def _latin_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch)
                       if not unicodedata.combining(c))
        if base != ch and base.isascii() and base:
            table[cp] = base
    table.update({ord("đ"): "d", ord("Đ"): "D"})
    return table


_LATIN_FOLD = _latin_fold_table()


def fold_latin(text: str) -> str:
    """``text`` with the diacritics of Latin letters removed ("thẻ xe buýt" -> "the xe buyt",
    "đăng ký" -> "dang ky", "café" -> "cafe"); every other script is left as it is (Hangul
    syllables are not decomposed).

    What the lexical scorers read, on both sides (an entry's text when it is indexed, a
    question when it is searched): residents often type Vietnamese on a phone without its
    diacritics, and a question typed so must still match the words of a variant written with
    them. The dense encoder reads the text as written."""
    return text.translate(_LATIN_FOLD)


def _base_tag(tag: object) -> str:
    return str(tag).split("-", 1)[0]


def _select(tokens: Iterable[object], tags: frozenset[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        tag = _base_tag(tok.tag)  # type: ignore[attr-defined]
        if tag in tags:
            out.append(fold_latin(str(tok.form).lower()))  # type: ignore[attr-defined]
    return out


def tokens(text: str) -> list[str]:
    """Content morphemes of ``text`` for indexing and matching, lowercased.

    Nouns, numerals, verb/adjective stems, roots, adverbs, foreign words, numbers and hanja;
    user-dictionary names stay whole (``"기후동행카드 환불" -> ["기후동행카드", "환불"]``).
    """
    if not text or not text.strip():
        return []
    return _select(get_kiwi().tokenize(normalize(text)), CONTENT_TAGS)


# Texts already analysed by `tokens_batch`, newest last: an index rebuilt over the same entries
# (the live index starts again from the table when rows were removed) analyses only new texts.
_BATCH_CACHE_SIZE = 50_000
_batch_cache: dict[str, tuple[str, ...]] = {}
_batch_cache_lock = threading.Lock()


def tokens_batch(texts: Sequence[str]) -> list[list[str]]:
    """:func:`tokens` for many texts at once (kiwi's batch API, much faster than a loop), each
    text analysed once per process while it stays among the last 50,000."""
    if not texts:
        return []
    with _batch_cache_lock:
        known = {t: _batch_cache[t] for t in texts if t in _batch_cache}
    todo = list(dict.fromkeys(t for t in texts if t not in known))
    if todo:
        analysed = get_kiwi().tokenize([normalize(t) if t else "" for t in todo])
        fresh = {t: tuple(_select(toks, CONTENT_TAGS)) for t, toks in zip(todo, analysed,
                                                                          strict=True)}
        known.update(fresh)
        with _batch_cache_lock:
            _batch_cache.update(fresh)
            while len(_batch_cache) > _BATCH_CACHE_SIZE:
                del _batch_cache[next(iter(_batch_cache))]
    return [list(known[t]) for t in texts]


def nouns(text: str) -> list[str]:
    """Nouns (common, proper, numerals), foreign words and numbers of ``text``, lowercased."""
    if not text or not text.strip():
        return []
    return _select(get_kiwi().tokenize(normalize(text)), NOUN_TAGS)


_HANGUL_OR_WORD = re.compile(r"[^0-9a-z가-힣]+")


def compact(text: str) -> str:
    """Lowercased text with everything but Hangul syllables, digits and Latin letters removed.

    Spaces go too, so "기후 동행카드" and "기후동행 카드" compare equal.
    """
    return _HANGUL_OR_WORD.sub("", fold_latin(normalize(text).lower()))


def char_ngrams(text: str, n: int = 2) -> list[str]:
    """Overlapping character n-grams of :func:`compact` text (robust to spacing and typos)."""
    if n < 1:
        raise ValueError(f"n-gram size must be >= 1, got {n}")
    s = compact(text)
    if len(s) < n:
        return [s] if s else []
    return [s[i : i + n] for i in range(len(s) - n + 1)]


# Interjections and hesitation words that speech-to-text keeps ("어 그 저기 ..."). Kiwi tags
# most of them IC; a few ("그러니까", "있잖아요") are multi-morpheme and are listed here.
_FILLER_RE = re.compile(
    r"(?:^|\s)(?:그러니까|있잖아요|있잖아|뭐냐|뭐지|그게|음+|어+|아+|저기요?)(?=\s|$)"
)


_LONG_HANGUL_RUN = 16
_LONG_RUN_RE = re.compile(rf"[가-힣]{{{_LONG_HANGUL_RUN},}}")


def respace_long_runs(text: str) -> str:
    """``text`` with spaces inserted by kiwi (``Kiwi.space``, existing spaces kept) when it
    holds a run of at least 16 Hangul syllables without a space, else ``text`` unchanged.

    A speech-to-text engine or a hurried typist may leave out every space
    ("구청장님이사고가나면그직무는누가대신해요"); kiwi still finds the words, but the dense
    encoder's subword vocabulary reads such a run poorly. The length is chosen on the tune
    split of ``bench/bench_search.py`` (spoken questions with their spaces dropped); no
    ordinary word is that long, and shorter runs are left alone (re-spacing a compound title
    word such as 동행정서비스헌장 cost a tune query)."""
    if not _LONG_RUN_RE.search(text):
        return text
    return str(get_kiwi().space(text, reset_whitespace=False))


def analyze_query(text: str) -> tuple[str, list[str]]:
    """One kiwi pass over a query: ``(clean_text, content_tokens)``.

    ``clean_text`` is the normalised query without interjections/fillers (for the dense
    encoder); ``content_tokens`` is what :func:`tokens` would return.
    """
    norm = normalize(text)
    if not norm.strip():
        return "", []
    toks = get_kiwi().tokenize(norm)
    content = _select(toks, CONTENT_TAGS)
    pieces: list[str] = []
    pos = 0
    for tok in toks:
        if _base_tag(tok.tag) == "IC":
            pieces.append(norm[pos : tok.start])
            pos = tok.start + tok.len
    pieces.append(norm[pos:])
    clean = _FILLER_RE.sub(" ", "".join(pieces))
    clean = re.sub(r"\s+", " ", clean).strip()
    return clean or norm.strip(), content


# Everyday words callers use -> the administrative terms the FAQ is written in. Applied to
# queries only (see :func:`expand_terms`); keys are kiwi content morphemes as produced by
# :func:`tokens`. Written from general knowledge of Korean civil-service wording.
CITIZEN_TERMS: dict[str, tuple[str, ...]] = {
    "중학생": ("청소년",),
    "고등학생": ("청소년",),
    "중고등학생": ("청소년",),
    "중고생": ("청소년",),
    "납골당": ("봉안당",),
    "납골": ("봉안",),
    "돌려받": ("환불", "반환"),
    "그린벨트": ("개발제한구역",),
    "핸드폰": ("모바일", "휴대폰"),
    "휴대폰": ("모바일",),
    "스마트폰": ("모바일",),
    "갈아타": ("환승",),
    "등본": ("주민등록등본",),
    "떼": ("발급",),
    "뽑": ("발급",),
    "빌리": ("대여",),
    "잃": ("분실",),
    "잃어버리": ("분실",),
    "강아지": ("반려견", "반려동물"),
    "고양이": ("반려동물",),
    "애완동물": ("반려동물",),
    "쓰레기": ("폐기물",),
    "밥값": ("식대",),
    "식비": ("식대",),
    "집주인": ("임대인",),
    "세입자": ("임차인",),
    "전셋집": ("전세", "임차"),
    "공짜": ("무료",),
    "애기": ("아기", "영아"),
    "낳": ("출산",),
    "어르신": ("노인", "경로"),
    "수돗물": ("상수도", "수질"),
    "딱지": ("과태료", "단속"),
    "벌금": ("과태료",),
    "고장": ("장애", "오류"),
    "에러": ("오류",),
    "이사": ("전입",),
    "외국사람": ("외국인",),
    "돌아가시": ("사망",),
    "죽": ("사망",),
    "장애우": ("장애인",),
    "폐업하": ("폐업",),
    "얼마": ("금액", "요금"),
    "언제까지": ("기한", "기간"),
    "연락처": ("전화번호",),
    "전화번호": ("연락처",),
}


def expand_terms(toks: Sequence[str]) -> list[str]:
    """Administrative terms for the everyday words in ``toks`` (not already present)."""
    have = set(toks)
    extra: list[str] = []
    for t in toks:
        for s in CITIZEN_TERMS.get(t, ()):
            if s not in have:
                have.add(s)
                extra.append(s)
    return extra
