"""Personal names that the Hangul-name recogniser in ``dasan.text.pii`` cannot see: names spelled
out syllable by syllable (김 민 준) and romanised names (Lee Ji-eun, KIM MINSU, Park Jiwoo).

Both are only taken after a cue that says a name follows (이름은, 성함:, 저는, my name is ...):
romanised words are otherwise ordinary English, and spaced syllables ordinary Korean.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Candidate = tuple[str, int, int, str]


def mask_name(name: str) -> str:
    """A Hangul name masked: its first and last syllables kept (김*수, 남궁**호), a two-syllable
    name its first only (김*)."""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]

# Common romanisations of Korean surnames (Revised Romanisation and the usual passport spellings).
ROMAN_SURNAMES: frozenset[str] = frozenset(
    str.split(
        """kim gim lee yi rhee rhie park pak bak choi choe jung jeong chung jeung kang gang cho jo
        yoon yun jang chang lim im rim han oh o seo suh shin sin kwon gwon hwang ahn an song ryu
        yoo yu jeon jun chun hong ko go koh moon mun yang son sohn bae baek paik heo hur huh nam
        sim shim noh roh no ha kwak gwak sung seong cha joo ju woo wu koo ku min jin ji um eom chae
        won cheon bang gong kong hyun hyeon ham byun byeon yeom choo chu do so seok suk sun seol
        ma gil yeon wi pyo myung myeong ki gi ban ra na wang geum ok yook yuk in maeng je mo tak
        eun ye kyung gyeong bong tae namgung hwangbo jegal seonwoo sunwoo dokgo sagong"""
    )
)
# Cues after which a name follows: a cue word, the first one after an optional owner (제 이름은,
# 어머니 성함:). Every alternative starts with a literal (My|my, not [Mm]y): the fast scan below
# relies on it.
_CUE_OWNERS = ("제", "내", "저의", "본인", "신청인", "신청자", "어머니", "아버지", "남편", "아내",
               "아들", "딸")
_CUE_NAME_WORDS = ("이름", "성함", "성명")  # the words an owner may come before
_CUE_WORDS = (
    *_CUE_NAME_WORDS, "저는", "전", r"My[ \t]+name[ \t]+is", r"my[ \t]+name[ \t]+is",
    r"Name[ \t]*:", r"name[ \t]*:", r"Name[ \t]+is", r"name[ \t]+is", r"Name[ \t]*,",
    r"name[ \t]*,",
    # a form's line (..., name Zhang Wei, Chinese; Name Aigerim Sultanova)
    r"Name(?=[ \t]+[A-Z])", r",[ \t]*name(?=[ \t]+[A-Z][a-z])", r"I[ \t]?am", "I'm",
    # whose name a card or an account bears (Name on the card Michael Soto, the name on it is
    # KARIMOVA DILNOZA)
    r"Name[ \t]+on[ \t]+(?:(?:the|my|it|this)[ \t]+)?(?:card|account|passport|it)?(?:[ \t]+is)?",
    r"name[ \t]+on[ \t]+(?:(?:the|my|it|this)[ \t]+)?(?:card|account|passport|it)?(?:[ \t]+is)?",
    "신청인", "신청자", "예금주", "수령인",
    "보호자", "민원인", "예약자", "가입자", "신고자", "계약자", "명의자", "세대주", "수취인",
    # a form's or a letter's fields (작성자 : 여 경 민, 대표자 Moon Hayun, 수신인: 조 은 비)
    "작성자", "대표자", "담당자", "참석자", "수신인", "발신인", "받는[ \t]?사람",
    "보내는[ \t]?사람", "받는[ \t]?분", "보내는[ \t]?분",
    # a signature's line (확인자 서명 : 곽 태 식)
    "서명",
    # 한 자씩 말씀드릴게요 유 은 하요: a name about to be spelled out
    r"자씩(?:[ \t]+[가-힣]{2,8}(?:요|다))?[.,]?",
    # 영문으로 PARK SEO YEON: a name about to be spelled in Latin letters
    r"영문(?:으로|은|이름은|명은|명|이름|성명)", "영어로",
)
_CUE = (rf"(?:(?:{'|'.join(_CUE_OWNERS)})?[ \t]?(?:{'|'.join(_CUE_NAME_WORDS)})"
        rf"(?:은|는|이|이요|:|[ \t]*:)?|{'|'.join(_CUE_WORDS[len(_CUE_NAME_WORDS):])})")
_ROMAN_WORD = r"(?:[A-Z][a-z]{1,9}(?:-[A-Za-z][a-z]{1,9})?|[A-Z]{2,10}(?:-[A-Z]{2,10})?)"
_ROMAN_RE = re.compile(
    rf"{_CUE}\??[ \t]*(?P<name>{_ROMAN_WORD}(?:[ \t]+{_ROMAN_WORD}){{1,2}})(?![A-Za-z])"
)
# A cue, then one syllable, a space, one syllable ... (2 to 4 syllables).
_SPACED_RE = re.compile(
    rf"{_CUE}[ \t]*(?:[^?:\n]{{0,15}}[?:][ \t]*)?(?:[,.][ \t]*)?(?:네[,.]?[ \t]+)?"
    # (이름 석 자는 진, 소, 율; 이름 한 글자씩 말씀드리면 감, 나, 래: how many letters, or
    # that they come one at a time)
    r"(?:(?:석|세|두|네|한)[ \t]?(?:자|글자)(?:씩)?(?:는|은|가|를)?"
    r"(?:[ \t]+[가-힣]{1,6}(?:면|서|요))?[ \t]+)?"
    r"(?P<name>[가-힣](?:,?[ \t][가-힣]){1,3})(?=[ \t]*(?:이요|요|입니다|이에요|예요|이고|,|\.|$)"
    # 문 재 혁으로 나와요: 으로 only after three syllables (충전시 바로 is no name)
    r"|(?<=[가-힣][ \t][가-힣][ \t][가-힣])(?:으로|로)[ \t])"
)


def _mask_roman(name: str) -> str:
    words = name.split()
    return " ".join(w[0] + "*" * (len(w) - 1) for w in words)


# The full pattern is slow to scan (its cue starts with an optional word, so the regex engine
# tries a match at every character: about 1.3 us a character on English text). Every match
# holds one of ``_CUE_WORDS`` (at most an owner and a space after its start) and a romanised
# word (a capital, then a letter); the cue words, a literal-first alternation, are found
# quickly, and the pattern is tried only where a match that holds one could begin.
_ROMAN_START = re.compile(r"[A-Z][A-Za-z]")
_CUE_CORE = re.compile("|".join(_CUE_WORDS))
_CUE_PREFIX_MAX = max(map(len, _CUE_OWNERS)) + 1  # the owner and a space before the cue word


def _cued_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)`` for a pattern that starts with ``_CUE``, found
    by trying it only at the few places before each cue word (in order, never before the end of
    the last match)."""
    pos = 0  # every start before it has been tried or lies inside a match
    core = _CUE_CORE.search(text)
    while core is not None:
        c = core.start()
        for start in range(max(pos, c - _CUE_PREFIX_MAX), c + 1):
            m = pattern.match(text, start)
            if m is not None:
                yield m
                pos = m.end()
                break
        else:
            pos = max(pos, c + 1)
        # Cue words may overlap, so look again from the next character.
        core = _CUE_CORE.search(text, max(c + 1, pos))


_NAMED_CUE = re.compile(r"[Nn]ame|이름|성함|성명|예금주|명의자?|수령인|수취인|신청인|계약자|가입자")


def roman_candidate(text: str, m: re.Match[str]) -> Candidate | None:
    """The name span of one ``_ROMAN_RE`` match, or None when it is no name. After "my name
    is", "name:" or 이름/성함 any name counts (Nguyen Thi Lan); after the weaker cues (저는,
    I am ...) only a Korean surname says it is a name."""
    words = m.group("name").split()
    named = _NAMED_CUE.search(text, m.start(), m.start("name")) is not None
    if not named and not any(
            w.split("-")[0].lower() in ROMAN_SURNAMES for w in (words[0], words[-1])):
        return None
    return "name", m.start("name"), m.end("name"), _mask_roman(m.group("name"))


def romanised_names(text: str) -> Iterator[Candidate]:
    if _ROMAN_START.search(text) is None:
        return  # most messages: Korean, no capital letter
    for m in _cued_matches(_ROMAN_RE, text):
        found = roman_candidate(text, m)
        if found is not None:
            yield found


def _strip_particle(syllables: list[str]) -> list[str]:
    # 최 민 호 요 / 이 지 은 이요: a trailing 요 is the ending, not the name.
    if len(syllables) > 2 and syllables[-1] in {"요", "이", "님", "씨"}:  # (도 하 윤 님)
        return syllables[:-1]
    return syllables


def spaced_names(text: str) -> Iterator[Candidate]:
    # the Hangul surname and given-name lists live beside the recogniser
    from dasan.text.pii import GIVEN_SYLLABLES, SURNAME_SET

    for m in _cued_matches(_SPACED_RE, text):
        if re.search("영문|영어", text[m.start():m.start("name")]):
            continue  # a cue for Latin letters (영어로 오 케 이: a word spelled)
        if "가" <= text[m.start("name") - 1] <= "힣":
            continue  # 이름이 예, ...: the cue's own particle (이) is no surname
        syllables = _strip_particle(re.findall(r"[가-힣]", m.group("name")))
        if syllables[0] not in SURNAME_SET or not 2 <= len(syllables) <= 4:
            continue
        if not any(ch in GIVEN_SYLLABLES for ch in syllables[1:]) or syllables[-1] in "더요":
            continue  # 성함 한 번 더요?: words, not a name spelled out
        start = m.start("name")
        letters = [i for i, ch in enumerate(m.group("name")) if "가" <= ch <= "힣"]
        end = start + letters[len(syllables) - 1] + 1
        masked = " ".join([syllables[0], *("*" for _ in syllables[1:-1]), syllables[-1]])
        if len(syllables) == 2:
            masked = f"{syllables[0]} *"
        yield "name", start, end, masked


# --- names spelled out with no cue before them: 송 지 효 이렇게, 최. 정. 훈., 김-하-은 이름이
# One syllable at a time, joined by spaces, dots or hyphens (the same each time), then a word
# that says the letters were a name being spelled (이렇게, 이라고, 네 글자, 이름).
_SPELLED_RE = re.compile(
    r"(?<![가-힣])(?P<name>[가-힣](?P<sep>[ \t]|[.\-][ \t]?)[가-힣](?:(?P=sep)[가-힣]){0,2})\.?"
    r"(?=[ \t]*(?:이렇게|이라고|라고|[두세네][ \t]?글자|이름)(?![가-힣]*[ \t]+(?:보면|하면)))"
)
# Letters spelled out with hyphens, a word at a time: N-G-U-Y-E-N T-H-I L-A-N.
_LETTERS_RE = re.compile(
    r"(?<![A-Za-z\-])(?P<name>[A-Z](?:-[A-Z]){1,11}(?:[ \t]+[A-Z](?:-[A-Z]){1,11}){1,3})"
    r"(?![A-Za-z\-])"
)


# one-syllable words that a spelled-out name is no run of (이 건, 그 분)
_EVERYDAY_SYLLABLES = frozenset("건분번개거것때집데게걸곳말일쪽편")


def spelled_names(text: str) -> Iterator[Candidate]:
    """A Korean name spelled one syllable at a time before 이렇게/글자/이름, and a romanised
    name spelled letter by letter with hyphens (two to four words)."""
    from dasan.text.pii import GIVEN_SYLLABLES, SURNAME_SET

    for m in _SPELLED_RE.finditer(text):
        syllables = re.findall(r"[가-힣]", m.group("name"))
        if syllables[0] not in SURNAME_SET or syllables[-1] in "더요":
            continue
        if not any(ch in GIVEN_SYLLABLES for ch in syllables[1:]):
            continue
        sep = m.group("sep")
        if sep.isspace() and (len(syllables) < 3 or all(
                ch in _EVERYDAY_SYLLABLES for ch in syllables[1:])):
            continue  # 이 건 이렇게, 이 번 더: words; spaces alone spell three syllables or more
        masked = sep.join([syllables[0], *("*" for _ in syllables[1:-1]), syllables[-1]])
        if len(syllables) == 2:
            masked = f"{syllables[0]}{sep}*"
        yield "name", m.start("name"), m.end("name"), masked
    if "-" in text:
        for m in _LETTERS_RE.finditer(text):
            masked = " ".join(w[0] + re.sub("[A-Z]", "*", w[1:]) for w in m.group("name").split())
            yield "name", m.start("name"), m.end("name"), masked


# --- names in Latin letters inside Korean text ----------------------------------------------
# Foreign residents write their names as in their passports (Nguyen Thi Hoa, Bat-Erdene
# Ganbold, Jocelyn Dela Cruz), often with no cue at all: in a Korean message, two to four
# capitalised Latin words that stand on their own (Hangul, punctuation or the text's edge on
# both sides, not inside an English sentence) are a name unless one of them is a word that
# brands, programmes, places and everyday English share (Google Play, Seoul Pay, Line Friends).
_LATIN_NOT_NAMES: frozenset[str] = frozenset(
    str.split(
        """the a an of and or for to in on at by with from my your our his her their is am are
        was be this that it i you we he she they me us them please thank thanks hello hi dear
        yes no not ok okay good best new old big one two three first last next day time name
        seoul korea korean busan incheon daegu gwangju daejeon ulsan sejong jeju gyeonggi
        gangnam gangbuk itaewon hongdae myeongdong jamsil yeouido mapo jongno yongsan songpa
        city hall station line metro subway bus taxi bike airport port road street avenue
        tower center centre plaza mall market park zone gate square hotel hospital clinic
        school university college office government ministry service services center museum
        pay card money bank cash point points coin wallet account app apps store play web mobile
        phone smart online digital cloud data net talk chat mail message messenger video music
        google apple samsung galaxy iphone ipad android kakao naver daum coupang baemin toss
        line facebook instagram youtube twitter netflix amazon microsoft windows office excel
        word zoom teams slack microsoft lg sk kt hyundai kia lotte shinhan woori hana nonghyup
        ibk kb citi starbucks mcdonald mcdonalds burger king coffee cafe pizza chicken
        climate green blue red white black gold silver premium plus pro max mini air free
        global world international national public open social care health life family home
        happy love dream hope star sun moon sky sea land team club group company co ltd inc
        corp korail ktx srt tmoney t-money cu gs emart homeplus olive young daiso muji uniqlo
        visa master mastercard american express paypal alipay wechat zalo viber whatsapp telegram
        january february march april may june july august september october november december
        monday tuesday wednesday thursday friday saturday sunday english chinese japanese
        vietnamese thai filipino russian mongolian nepali google-play e-mail email id pw pin
        sms mms otp qr pdf url www http https com net org kr olympic forest river mountain
        island bridge village world tour travel food festival request refund cancel apply
        check help support info information notice error update report form
        são paulo méxico bogotá montréal zürich münchen köln düsseldorf nội nẵng hải phòng
        cần thơ huế"""
    )
)
_LATIN_JOINERS = frozenset(str.split("de dela del da das dos di van von der den bin binti al el "
                                     "le la ibn bte thi"))
# (session 22) letters with diacritics as Vietnamese, Filipino, Turkish and European names are
# written (Lê Thị Hoa, José, Müller), and an apostrophe after the first capital (O'Brien).
_UP = "A-ZÀ-ÖØ-Þ\u0100-\u017f\u01a0\u01af\u1ea0-\u1ef9"
_LOW = "a-zß-öø-ÿ\u0100-\u017f\u01a1\u01b0\u1ea0-\u1ef9"
_LATIN_WORD = (rf"(?:[{_UP}][{_LOW}]{{1,14}}(?:-[{_UP}]?[{_LOW}]{{1,14}})?"
               rf"|[A-Z]'[A-Z][a-z]{{1,14}}|[A-Z]{{2,14}}(?:-[A-Z]{{2,14}})?)")
_LATIN_RUN_RE = re.compile(
    rf"(?<![A-Za-z'{_LOW}])(?P<name>{_LATIN_WORD}"
    rf"(?:[ \t]+(?:(?:[a-z]{{2,4}}[ \t]+)?{_LATIN_WORD})){{1,4}})"
    rf"(?![A-Za-z'{_LOW}])"
)
# A country said right before or after a name in Latin letters (passport A0773 Philippines Jose
# Ramirez Dela Cruz): context, not a part of the name.
_LATIN_COUNTRIES = frozenset(str.split(
    "philippines vietnam china japan thailand mongolia uzbekistan nepal cambodia myanmar "
    "indonesia india pakistan bangladesh usa america canada russia kazakhstan kyrgyzstan laos "
    "malaysia singapore taiwan france germany england australia brazil mexico peru turkey "
    "egypt nigeria ghana kenya ethiopia"))
# (and the cities whose names are written with diacritics, not a person's: São Paulo, Hà Nội)
# lower-case, right before a copula: winston park이라고, nguyen van an입니다
_LATIN_LOWER_RE = re.compile(
    r"(?<![A-Za-z'])(?P<name>[a-z]{2,14}(?:[ \t]+[a-z]{1,14}){1,3})"
    r"(?=[ \t]?(?:이라고|라고|이에요|예요|입니다|이고|이요|요)(?![a-z]))"
)
# ... any lower-case name when the message says how it is written (영어로, 소문자로, 철자)
_WRITTEN_SO = re.compile(r"영어로|영문|소문자|대문자|철자|스펠링|알파벳")
# one capitalised word said to be what someone is called: Dorj라고 합니다
_LATIN_SINGLE_RE = re.compile(
    r"(?<![A-Za-z'])(?P<name>[A-Z][a-z]{1,14})"
    r"(?=(?:이라고|라고)[ \t]*(?:합니다|해요|하고요|불러요|부르세요|부릅니다))"
)
_HANGUL = re.compile(r"[가-힣]")
# after the name: "my name", or the Tagalog polite po (Rosalinda Bautista po)
_ENGLISH_CUE_AFTER = re.compile(r"[ \t,]*(?:(?:my|is my|-)[ \t]+name|po\b|here\b)",
                                re.IGNORECASE)


# An English title before a name (Ms. Oyunchimeg Batbayar, Mr. John Smith 씨) is a cue, not
# English around it.
_TITLE_BEFORE = re.compile(r"(?<![A-Za-z])(?:Mr|Ms|Mrs|Miss|Mx|Dr)\.?[ \t]*$")


def _stands_alone(text: str, start: int, end: int) -> bool:
    """No Latin word right before or after the run (skipping spaces and punctuation): it sits in
    Korean text, not in an English sentence; "X my name" still counts."""
    title = _TITLE_BEFORE.search(text, max(0, start - 6), start)
    if title:
        start = title.start()
    before = text[max(0, start - 3):start].rstrip(" \t,.:;\"'(")
    after = text[end:end + 3].lstrip(" \t,.:;\"')")
    latin_before = bool(before) and before[-1].isascii() and before[-1].isalpha()
    latin_after = bool(after) and after[0].isascii() and after[0].isalpha()
    if latin_after and _ENGLISH_CUE_AFTER.match(text, end):
        latin_after = False
    return not latin_before and not latin_after


def latin_names(text: str) -> Iterator[Candidate]:
    """Two to four capitalised Latin words standing alone in Korean text, none an everyday
    English, brand or place word; or lower-case words with a Korean surname right before a
    copula (winston park이라고)."""
    if not _HANGUL.search(text) or not re.search(r"[A-Za-z]{2}", text):
        return
    runs: list[tuple[int, int, int, int]] = []  # the run with its countries, the name alone
    for m in _LATIN_RUN_RE.finditer(text):
        words = [(w.start() + m.start("name"), w.end() + m.start("name"), w.group())
                 for w in re.finditer(r"\S+", m.group("name"))]
        while words and words[0][2].lower() in _LATIN_COUNTRIES:
            words = words[1:]
        while words and words[-1][2].lower() in _LATIN_COUNTRIES:
            words = words[:-1]
        names = [w for _, _, w in words if w.lower() not in _LATIN_JOINERS]
        if not 2 <= len(names) <= 4 or any(
                w.lower() in _LATIN_NOT_NAMES or w.split("-")[0].lower() in _LATIN_NOT_NAMES
                for w in names):
            continue
        if all(w.isupper() for w in names) and not any(
                w.split("-")[0].lower() in ROMAN_SURNAMES for w in (names[0], names[-1])):
            continue  # KTX SRT, ATM PIN: capitals only with a Korean surname (KIM MINSU)
        runs.append((m.start("name"), m.end("name"), words[0][0], words[-1][1]))
    # names in a list (Pham Quoc Bao, Nguyen Thi Hoa) or beside a country: the others are no
    # English around each
    listed = text
    for run_start, run_end, _, _ in runs:
        listed = listed[:run_start] + "가" * (run_end - run_start) + listed[run_end:]
    for _, _, start, end in runs:
        if _stands_alone(listed, start, end):
            yield "name", start, end, _mask_roman(text[start:end])
    for m in _LATIN_SINGLE_RE.finditer(text):
        if m.group("name").lower() not in _LATIN_NOT_NAMES and _stands_alone(
                text, m.start("name"), m.end("name")):
            yield "name", m.start("name"), m.end("name"), _mask_roman(m.group("name"))
    for m in _LATIN_LOWER_RE.finditer(text):
        lower = m.group("name").split()
        if not (any(w in ROMAN_SURNAMES for w in (lower[0], lower[-1]))
                or len(lower) <= 3 and _WRITTEN_SO.search(text)) or any(
                w in _LATIN_NOT_NAMES for w in lower if w not in ROMAN_SURNAMES):
            continue
        if _stands_alone(text, m.start("name"), m.end("name")):
            yield "name", m.start("name"), m.end("name"), _mask_roman(m.group("name"))


# --- a Japanese name in Hangul: a surname, a space, a given name (사토 켄지, 타나카 유이) ---
# (session 22) The most frequent Japanese surnames as Koreans write them; none is a Korean
# word (하라, 안도, 오타, 구도, 모리, 이토 and 콘도 are left out: 하라 is an imperative, 안도
# relief, 오타 a typo, 콘도 a condominium); a given name that is a common word is none (사토
# 반입: sand brought in).
JAPANESE_SURNAMES = frozenset(str.split(
    "사토 스즈키 다카하시 타카하시 다나카 타나카 와타나베 야마모토 나카무라 고바야시 코바야시 "
    "가토 카토 요시다 야마다 사사키 야마구치 마츠모토 마쓰모토 이노우에 기무라 키무라 하야시 "
    "사이토 시미즈 야마자키 야마사키 이케다 하시모토 야마시타 이시카와 나카지마 마에다 후지타 "
    "오가와 오카다 하세가와 무라카미 곤도 이시이 사카모토 엔도 아오키 후지이 니시무라 "
    "후쿠다 미우라 후지와라 오카모토 마츠다 마쓰다 나카가와 하라다 다무라 타무라 다케우치 "
    "타케우치 가네코 카네코 나카야마 이시다 우에다 모리타 시바타 사카이 요코야마 미야자키 "
    "미야모토 우치다 다카기 타카기 다니구치 타니구치 마루야마 이마이 다카다 후지모토 다케다 "
    "타케다 무라타 우에노 스기야마 마스다 스가와라 히라노 오쓰카 오츠카 고야마 코야마"))
_JAPANESE_NAME_RE = re.compile(
    r"(?<![가-힣])(?P<surname>" + "|".join(sorted(JAPANESE_SURNAMES, key=len, reverse=True))
    + r")[ \t]+(?P<given>[가-힣]{1,3})"
    r"(?=$|[^가-힣]|(?:이에요|예요|입니다|이고|이요|요|씨|상|님|라고|이라고|는|은|가|이|를|을|의|도|한테"
    r"|에게|하고|랑|이랑|입니다)(?![가-힣]))")


_TITLES_AFTER_SURNAME = frozenset(str.split("씨 상 님 선생 군 양 사장 과장 부장 교수 고객"))


def japanese_names(text: str) -> Iterator[Candidate]:
    """A frequent Japanese surname in Hangul with a given name of one to three syllables after
    a space (일본 여권 ... 사토 켄지, 유학생이에요 타나카 유이)."""
    from dasan.text.pii_name_model import common_word_set

    common = common_word_set()
    for m in _JAPANESE_NAME_RE.finditer(text):
        given = m.group("given")
        if not given.startswith(tuple(_TITLES_AFTER_SURNAME)) and given not in common and not (
                given[:-1] in common and len(given) > 1):  # 사토 반입, 콘도 거래에: words
            name = m.group(0)
            yield "name", m.start(), m.end(), name[0] + re.sub("[가-힣]", "*", name[1:])


# --- a name in Chinese characters after a naming word: 이름: 타나카 유이 (田中 結衣) --------------
_HAN_NAME_RE = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<name>[\u4e00-\u9fff]{1,3}(?:[ \t][\u4e00-\u9fff]{1,3})?)"
    r"(?![\u4e00-\u9fff])")
# (not 한자로 alone: 서울特別市)
_HAN_CUE = re.compile(r"이름|성함|성명|[Nn]ame|姓名|氏名|我叫|我是|我的名字")


_HAN_SELF_RE = re.compile(r"(?:我叫|我是|我的名字是|我的名字叫)(?P<name>[\u4e00-\u9fff]{2,3})")


def han_names(text: str) -> Iterator[Candidate]:
    """Two to six Chinese characters (a Chinese or Japanese name, or a Korean one in hanja)
    within 30 characters after a naming word; a name after 我叫 (I am called)."""
    if not _HAN_CUE.search(text):
        return
    for m in _HAN_SELF_RE.finditer(text):
        name = m.group("name")
        yield "name", m.start("name"), m.end("name"), name[0] + "*" * (len(name) - 1)
    for m in _HAN_NAME_RE.finditer(text):
        name = m.group("name")
        if len(name.replace(" ", "").replace("\t", "")) >= 2 and _HAN_CUE.search(
                text, max(0, m.start() - 30), m.start()):
            yield "name", m.start(), m.end(), name[0] + "*" * (len(name) - 1)


# --- a foreign name in Hangul with its Latin spelling in brackets: 하마드 알리(Hamad Ali) ---------
_BRACKETED_RE = re.compile(
    r"(?<![가-힣])(?P<hangul>[가-힣]{1,6}(?:[ \t][가-힣]{1,6}){0,3})[ \t]?"
    r"\((?P<latin>[A-Za-z][a-z]{1,14}(?:[ \t-][A-Za-z][a-z]{1,14}){0,3})\)"
)


def bracketed_names(text: str) -> Iterator[Candidate]:
    """A name said in Hangul with its Latin spelling in brackets: both are the name when the
    words pair up (as many Hangul words as Latin ones, two at least, none an everyday word)."""
    if "(" not in text:
        return
    for m in _BRACKETED_RE.finditer(text):
        latin = m.group("latin").split()  # (Eco-Pod is one word)
        if len(latin) < 2 or any(w.lower() in _LATIN_NOT_NAMES for w in latin if
                                 w.lower() not in _LATIN_JOINERS):
            continue
        words = m.group("hangul").split()
        if len(words) < len(latin):
            continue
        kept = words[-len(latin):]
        from dasan.text.pii_name_model import PLACE_NAMES, _model, common_word_set

        common, lexicon = common_word_set(), _model()[4]
        if any(w in common or w in PLACE_NAMES for w in kept):
            continue  # 야간 개장(Night Opening): words, not a name
        if any(_compound(w, common, lexicon) or _known_with_particle(w, common, lexicon)
               for w in kept):
            continue  # 옥상에 태양광패널(Solar Panel): a word with its particle, a compound
        start = m.start("hangul") + len(m.group("hangul")) - len(" ".join(kept))
        yield "name", start, m.end("hangul"), kept[0][0] + " *"
        yield "name", m.start("latin"), m.end("latin"), _mask_roman(m.group("latin"))


# --- a foreign name of two or three Hangul words right after 성함은/이름은: 세입자 성함은 마리아나
# 고메스, 집주인은 ... -------------------------------------------------------------------------
_CUED_WORDS_RE = re.compile(
    r"(?:(?:성함|이름|성명|존함)(?:은|는|이|:)(?![가-힣])"
    # one's own name with no particle (제 이름 라흐마노바 딜노자, ...)
    r"|(?<![가-힣])(?:제|내|저의|본인)[ \t]?(?:성함|이름|성명)(?![가-힣])"
    # ... or 이름 alone when a copula ends the name (이름 모하마드 라힘 이에요)
    r"|(?<![가-힣])이름(?=[ \t]+[가-힣]{2,6}(?:[ \t][가-힣]{1,6}){1,2}[ \t]?(?:이에요|예요|입니다)"
    r"(?![가-힣])))[ \t]*"
    r"(?P<name>[가-힣]{2,6}?(?:[ \t][가-힣]{1,6}?){1,2}?)"
    # (the copula may be said apart: 라힘 이에요; the name written in Chinese characters may
    # follow: 스즈키 하루카 鈴木 遥)
    r"(?=[ \t]*(?:[,./)]|$|[\u4e00-\u9fff])"
    r"|[ \t]?(?:이에요|예요|입니다|이고요|이고|이요|이래요|래요)(?![가-힣])"
    r"|[ \t]?(?:씨|님))"
)
# ... or one word and 씨/님 (간병인 이름이 뚜이 씨고): the naming word and the honorific both
_CUED_ONE_WORD_RE = re.compile(
    r"(?:성함|이름|성명|존함)(?:은|는|이)[ \t]+(?P<name>[가-힣]{2,5})[ \t]?(?:씨|님)"
    r"(?!앗|름|[가-힣]{3})")
_NOT_A_NAME_WORD = re.compile(
    r"(?:더라|요|죠|다|히|게|서|면|고|은|는|을|를|에|씨|십시오|시오|는지|은지|던지)$"
    r"|^(?:예요|이에요|입니다|이고|성은|성이)$")


# the last syllable of a particle after a noun (친구들은, 학교에, 집으로, 동생이랑)
_PARTICLE_SYLLABLES = frozenset("은는이가을를에의도로과와랑만께서고나며")


def cued_foreign_names(text: str) -> Iterator[Candidate]:
    """Two or three Hangul words said as a name after a naming word, none an everyday word."""
    if not ("성함" in text or "이름" in text or "성명" in text or "존함" in text):
        return
    from dasan.text.pii_name_model import (
        _CALLED,
        _NAMING_CUES,
        PLACE_NAMES,
        TITLES,
        _model,
        common_word_set,
    )

    common = common_word_set()
    lexicon = _model()[4]
    for m in _CUED_WORDS_RE.finditer(text):
        words = m.group("name").split()
        if any(w in common or w in PLACE_NAMES or _NOT_A_NAME_WORD.search(w)
               # (a noun and its particle: 이름은 모르는데 친구들은; not 하루카, 하루 and 카)
               or w[:-1] in common and (w[-1] in _PARTICLE_SYLLABLES or len(w) >= 4)
               or w in TITLES or w in _CALLED or w in _NAMING_CUES
               # 이름은 모르겠는데 별명이 곰돌: a verb, a noun kiwi knows and its particle
               or _VERB_FORM.search(w) or w.endswith("데")
               or w[-1] in _PARTICLE_SYLLABLES
               and lexicon.get(w[:-1], "").startswith(("NNG:0", "NNG:1")) for w in words):
            continue  # (추현석 변호사: a name and a title, found as a name by the rules)
        yield "name", m.start("name"), m.end("name"), words[0][0] + " *"
    for m in _CUED_ONE_WORD_RE.finditer(text):
        w = m.group("name")
        if not (w in common or w in PLACE_NAMES or w in TITLES or w in _CALLED
                or w in ("아무개", "누구누구", "모모", "홍길동")  # a placeholder, nobody
                or w in _NAMING_CUES or _NOT_A_NAME_WORD.search(w) or _VERB_FORM.search(w)
                or lexicon.get(w, "").startswith(("NNG", "NNB", "VV", "VA", "MAG"))):
            yield "name", m.start("name"), m.end("name"), w[0] + "*" * (len(w) - 1)


# --- a name spelled, then said whole; letters spelled after a spelling cue; English cues -------

# A run of single syllables (서 가 은) whose letters, joined, are said as a word elsewhere in the
# message (서 가 은, 서가은): the spelling and the name both.
_SYLLABLE_RUN_RE = re.compile(r"(?<![가-힣])[가-힣](?:[ \t][가-힣]){1,3}(?![가-힣])")
# Latin letters spelled one at a time with commas, dots, hyphens or spaces between (J, O, S, E;
# K-H-U-R-E-L), after a word that says a name is being spelled.
_SPELLED_LETTERS_RE = re.compile(
    r"(?<![A-Za-z])[A-Z](?:(?:[ \t]*[,.\-][ \t]*|[ \t]+)[A-Z]){2,14}(?![A-Za-z])")
_SPELLING_CUE = re.compile(r"철자|스펠|알파벳|영문|[Ss]pell|이름|성함|성은|성이|성명")
# One or more capitalised words right after 성은/이름은/저 (성은 Batsaikhan이에요, 저 Ali인데).
_LATIN_AFTER_CUE_RE = re.compile(
    r"(?:성은|성이|이름은|이름이|성함은|성함이|저는|저|전)[ \t]+"
    r"(?P<name>(?:[A-Z][a-z]{1,14}|[A-Z]{2,14})(?:[ \t\-][A-Z][a-z]{1,14}){0,2})(?![A-Za-z])")
# English text: I'm Fatima Bello, my name is ..., Mr. Seo Jung-hoon.
_ENGLISH_CUE_RE = re.compile(
    r"(?:(?P<self>\bI'm|\bI[ \t]am|[Mm]y[ \t]name[ \t]is|\b[Tt]his[ \t]is|[Ii]t's"
    # how a form or a message names someone in English: name is, Name:, full name, the
    # applicant's name, named, signed, a letter's closing (Regards, Sincerely)
    r"|(?<![A-Za-z])(?:[Ff]ull[ \t]|[Ll]egal[ \t]|[Ff]amily[ \t]|[Gg]iven[ \t])?[Nn]ame"
    r"(?:[ \t]+is|[ \t]*[:,]|(?=[ \t]+[A-Z]))|\b[Nn]amed|\b[Ss]igned[ \t]*[:,]?"
    r"|\b(?:[Bb]est[ \t])?[Rr]egards,|\b[Ss]incerely(?:[ \t]yours)?,|\b[Tt]hanks?,"
    r"|\b[Tt]hank[ \t]you,"
    # a relative, a landlord or a friend named in English (my husband Arjun Mehta)
    r"|\b[Mm]y[ \t](?:husband|wife|son|daughter|mother|father|mom|dad|brother|sister|friend"
    r"|landlord|landlady|neighbou?r|colleague|boss|child|grandmother|grandfather|roommate)"
    r"(?:[ \t]+(?:Mr|Ms|Mrs|Dr)\.?)?)"
    r"|(?<![A-Za-z])(?:Mr|Ms|Mrs|Dr)\.?"
    # a signature at the end of a message: ... my deposit. - Sofia Marquez
    r"|(?:^|[.!?][ \t]*)(?:-|–|—)(?=[ \t]*[A-Z][a-z]+[ \t]+[A-Z][a-z]+[ \t]*$))[ \t]+"
    r"(?P<name>[A-Z][a-z]{1,14}(?:-[A-Za-z][a-z]{1,14})?"
    r"(?:[ \t]+[A-Z][a-z]{1,14}(?:-[A-Za-z][a-z]{1,14})?){0,2})(?![A-Za-z])")


# What ends a one-word English self-introduction (I'm Aziz. / This is Bilguun speaking)
_ONE_WORD_END = re.compile(r"[ \t]*(?:[.,!]|$|[ \t](?:from|speaking|here|calling|and)\b)")
# Capitalised words that say how one is, not who (I'm Sorry. / I am Fine, thanks)
_ENGLISH_STATES = frozenset(str.split(
    "sorry fine sure ready here back sick married single pregnant new lost late done busy tired "
    "confused worried calling writing waiting living working studying staying also still just "
    "not so very really okay alright glad happy afraid interested available unemployed retired "
    "korean foreign student teacher worker "
    # where one comes from (I am Canadian, I'm Vietnamese)
    "american canadian mexican brazilian british english irish scottish french german italian "
    "spanish portuguese dutch swiss swedish russian ukrainian polish turkish egyptian nigerian "
    "kenyan indian pakistani nepali nepalese bangladeshi chinese japanese taiwanese vietnamese "
    "thai filipino filipina indonesian malaysian mongolian uzbek kazakh kyrgyz cambodian "
    "laotian burmese australian asian african european"))


def said_and_spelled(text: str) -> Iterator[Candidate]:
    """A Korean name spelled and said whole in one message; Latin letters spelled after a
    spelling or naming cue; Latin names after 성은/저 and English cues (I'm, Mr.)."""
    from dasan.text.pii import GIVEN_SYLLABLES, NOT_NAMES, SURNAME_SET

    if " " in text:
        for m in _SYLLABLE_RUN_RE.finditer(text):
            syllables = m.group(0).split()
            joined = "".join(syllables)
            head = joined[:2] if joined[:2] in SURNAME_SET else joined[:1]
            if head not in SURNAME_SET or joined in NOT_NAMES or not any(
                    ch in GIVEN_SYLLABLES for ch in joined[len(head):]) or len(joined) < 3:
                continue
            said = [w for w in re.finditer(rf"(?<![가-힣]){joined}", text)]
            if not said:
                continue
            yield "name", m.start(), m.end(), f"{syllables[0]} * {syllables[-1]}"
            for w in said:
                yield "name", w.start(), w.end(), mask_name(joined)
    if re.search(r"[A-Z]", text):
        for m in _SPELLED_LETTERS_RE.finditer(text):
            if _SPELLING_CUE.search(text, max(0, m.start() - 30), m.start()):
                letters = re.findall(r"[A-Z]", m.group(0))
                yield "name", m.start(), m.end(), letters[0] + "*" * (len(letters) - 1)
        for m in _LATIN_AFTER_CUE_RE.finditer(text):
            parts = re.split(r"[ \t\-]", m.group("name"))
            if not any(w.lower() in _LATIN_NOT_NAMES for w in parts):
                yield "name", m.start("name"), m.end("name"), _mask_roman(m.group("name"))
        for m in _ENGLISH_CUE_RE.finditer(text):
            if text[max(0, m.start() - 5):m.start()].strip().lower() == "dear":
                continue  # Dear Mr. Tom Baker: an English letter's salutation (as before)
            words = m.group("name").split()
            if m.group("self") and len(words) < 2 and not (
                    # I'm Tsogtbayar. / This is Bilguun speaking / I am Ganbold, from ...: one
                    # word that ends the clause, no English word (I'm Sorry, I am Korean)
                    _ONE_WORD_END.match(text, m.end("name"))
                    and words[0].lower() not in _LATIN_NOT_NAMES
                    and words[0].lower() not in _ENGLISH_STATES):
                continue
            if not any(w.split("-")[0].lower() in _LATIN_NOT_NAMES
                       and w.split("-")[0].lower() not in ROMAN_SURNAMES for w in words):
                yield "name", m.start("name"), m.end("name"), _mask_roman(m.group("name"))


# Vietnamese names in Hangul (a quarter of the foreign residents who call): a surname, a middle
# name - 티 for women, 반 for men, or another of the usual ones - and one or two given-name words
# (레 티 투 하, 쩐 반 하이, 팜 반 득, 응우옌 티 투 짱). The middle name is what tells it from Korean
# words; the last word may carry an ending (하가, 득이라고, 프엉이).
_VIET_SURNAMES = ("응우옌|응웬|뉴엔|쩐|짠|레|팜|호앙|후인|판|부|보|브엉|당|부이|도|호|응오|즈엉|리"
                  "|마이|딘|찐|또|람|하|까오|르엉|홍|꽁|트엉|떠")
_VIET_MIDDLE = "티|반|흐우|득|딘|꽝|밍|응옥|탄|타인|투|티엔|쑤언|꾸옥|낌|홍|후"
_VIET_RE = re.compile(
    rf"(?<![가-힣])(?:{_VIET_SURNAMES})[ \t](?:{_VIET_MIDDLE})"
    rf"(?P<rest>(?:[ \t][가-힣]{{1,6}}){{1,2}})")


def vietnamese_names(text: str) -> Iterator[Candidate]:
    if "티" not in text and "반" not in text and not any(m in text for m in ("득", "흐우", "밍")):
        return
    from dasan.text.pii_name_model import ENDINGS, common_word_set

    common = common_word_set()
    for m in _VIET_RE.finditer(text):
        end = None
        pos = m.start("rest")
        for word in m.group("rest").split():
            pos = text.index(word, pos)
            if word in common or word in _COPULA_WORDS:
                break  # (응우옌 티 흐엉 여: an elder's copula said apart)
            # a given name of one to three syllables, maybe with an ending (하가, 득이라고)
            cut = next((n for n in range(min(2, len(word)), 0, -1) if word[n:] in ENDINGS
                        and word[n:]), None)
            if word in ENDINGS or cut is None and len(word) > 2:
                break
            end = pos + (cut if cut is not None else len(word))
            if cut is not None:
                break  # the ending closes the name
            pos += len(word)
        if end is not None:
            yield "name", m.start(), end, text[m.start()] + " *"



# A child or a friend naming themselves in a text message (엄마 나 세아야, 언니 나 다온이야): 나,
# a two-syllable given name and 야/이야 ending the clause.
_SELF_BANMAL_RE = re.compile(
    r"(?:^|[.!?\]][ \t]*|(?:엄마|아빠|언니|오빠|누나|형|할머니|할아버지|이모|삼촌)[ \t,]+)"
    r"나[ \t]+(?P<n>[가-힣]{2})(?:이)?야(?=[ \t.!?,~]|$)")


def self_named_banmal(text: str) -> Iterator[Candidate]:
    if "나 " not in text or "야" not in text:
        return
    from dasan.text.pii import GIVEN_SYLLABLES, NOT_NAMES
    from dasan.text.pii_name_model import common_word_set

    for m in _SELF_BANMAL_RE.finditer(text):
        name = m.group("n")
        if all(ch in GIVEN_SYLLABLES for ch in name) and name not in NOT_NAMES and (
                name not in common_word_set()):
            yield "name", m.start("n"), m.end("n"), name[0] + "*"


# A given name said alone where only a person's name stands: called out at the start of a
# message (수현아 엄마 주민센터 왔는데, [문자] 다솔아 나 지금), or before a parent's word that says
# whose parent is meant (연우 아빠랑, 지우 엄마, 길동 아빠가). The 아/야 must fit the name's last
# syllable (수현아, 현수야); a common word (친구야, 아가야, 동네 엄마) never counts.
_VOCATIVE_RE = re.compile(
    r"(?:^|[.!?\n][ \t]*|[\])>][ \t]*|(?:ㅇㅇ|ㅎㅇ|야|어|응|엉|아)[ \t,]+)"
    r"(?P<n>[가-힣]{2})(?P<v>아|야)(?=[ \t,.!?~]|$)"
    # not a verb's 아야/어야 (일해야 되는데, 가야 해)
    r"(?![ \t]*(?:되|돼|하|해|할|했|겠|지|만|죠|지요))")
_PARENT_OF_RE = re.compile(
    r"(?:^|(?<=[ \t,]))(?P<n>[가-힣]{2})[ \t](?:엄마|아빠|어머니|아버지|어머님|아버님"
    # ... or an elder's or a neighbour's title (봉구 할아버지라고 불러, 순자 할매가)
    r"|할머니|할아버지|할매|할배|할멈|아저씨|아줌마|이모|삼촌|어르신|할머님|할아버님)"
    r"(?:가|는|랑|하고|한테|께서|도|가요|예요|에요|이에요|인데요|이랑|와|과|요|라고|라는|,|(?![가-힣]))")
# Words before a parent's word that make it someone's else than a child's (우리 엄마, 새 아빠)
_NOT_CHILD_BEFORE = re.compile(r"(?:우리|저희|제|내|니|너희|친|새|시|외|옆집|동네|학교|반)[ \t]*$")


def _child_name(name: str) -> bool:
    from dasan.text.pii import GIVEN_SYLLABLES, NOT_NAMES
    from dasan.text.pii_name_model import _model, common_word_set

    if not all(ch in GIVEN_SYLLABLES for ch in name) or name in NOT_NAMES or (
            name in _CALLED_WORDS):
        return False
    tag = _model()[4].get(name, "")
    # kiwi's proper nouns are mostly names (수현, 연우, 지우); a rare common noun may be one (다솔)
    return tag.startswith("NNP") or name not in common_word_set() and (
        not tag or tag.startswith("NNG:2"))


def _proper_noun(word: str) -> bool:
    from dasan.text.pii_name_model import _model

    return _model()[4].get(word, "").startswith("NNP")


# Words called out like a name that are none (아가야, 여보야, 얘들아)
_CALLED_WORDS = frozenset(str.split("아가 여보 자기 얘들 애들 친구 동생 아들 엄마 아빠 언니 오빠 "
                                    "누나 형아 이모 삼촌 고모 애기 아기 강아 사장 선배 후배"))


def given_names_alone(text: str) -> Iterator[Candidate]:
    """A child's or friend's given name called out (수현아) or before its parent (연우 아빠)."""
    if "아" in text or "야" in text:
        for m in _VOCATIVE_RE.finditer(text):
            name = m.group("n")
            final = (ord(name[-1]) - 0xAC00) % 28 != 0  # the last syllable ends in a consonant
            if (m.group("v") == "아") == final and _child_name(name):
                yield "name", m.start("n"), m.end("n"), name[0] + "*"
    if any(w in text for w in ("엄마", "아빠", "어머", "아버", "할", "아저씨", "아줌마", "이모",
                               "삼촌", "어르신")):
        for m in _PARENT_OF_RE.finditer(text):
            name = m.group("n")
            # only a word kiwi knows as a proper noun: an unknown one before 엄마 is as often a
            # group's or a place's (the looser test added a false mask on kept-back T2)
            if _child_name(name) and _proper_noun(name) and not _NOT_CHILD_BEFORE.search(
                    text, 0, m.start()):
                yield "name", m.start("n"), m.end("n"), name[0] + "*"


# A foreign resident's one-word name in Hangul after a word that says a person follows
# (몽골 학생 바트자르갈이, 외국인 주민 아나스타시아 씨, 일하는 수실라가, 친구 어르헝이랑):
# three syllables or more, a word no dictionary or name-free text knows, with a particle or an
# honorific after it.
_PERSON_BEFORE = (r"학생|주민|친구|동료|직원|근로자|노동자|유학생|연수생|외국인|이웃|며느리|사위"
                  r"|와이프|아내|남편|일하는|사는|다니는|온|출신|동포|국적|세입자|선생님|강사|통역사"
                  r"|알바생|알바|아르바이트생|간병인|가사도우미|룸메이트|룸메|하숙생|직원분")
_FOREIGN_ONE_WORD_RE = re.compile(
    rf"(?:^|(?<=[ \t]))(?:{_PERSON_BEFORE})[ \t]+(?P<n>[가-힣]{{3,6}}?)"
    r"(?:이가|이는|이를|이랑|이하고|이도|이한테|이가요|이|가|은|는|을|를|랑|하고|도|한테|에게|의"
    r"|[ \t]?씨|[ \t]?님)(?![가-힣])")


def one_word_foreign_names(text: str) -> Iterator[Candidate]:
    """A foreign resident's name of one unknown word after a person's word (학생 하산이)."""
    if not any(cue in text for cue in ("학생", "주민", "친구", "동료", "직원", "근로자", "노동자",
                                       "연수생", "외국인", "이웃", "며느리", "사위", "와이프",
                                       "아내", "남편", "하는", "사는", "다니는", "온 ", "출신",
                                       "동포", "국적", "세입자", "선생님", "강사", "통역사",
                                       "알바", "아르바이트", "간병인", "도우미", "룸메", "하숙생")):
        return
    from dasan.text.pii_name_model import PLACE_NAMES, _model, common_word_set, place_word

    common, lexicon = common_word_set(), _model()[4]
    for m in _FOREIGN_ONE_WORD_RE.finditer(text):
        name = m.group("n")
        if name in common or name in PLACE_NAMES or re.fullmatch(_PERSON_BEFORE, name) or (
                name in _RESIDENT_WORDS or
                place_word(name) or name.endswith(("들", "님", "씨", "분"))
                or name in lexicon and not lexicon[name].startswith("NNP")):
            continue
        if _compound(name, common, lexicon):
            continue  # 휴게공간, 결혼기념일: two known words
        if name[-1] in "여유" and _known(name[:-1], common, lexicon):
            continue  # 남편 명의여도: a noun and a dialect's copula
        yield "name", m.start("n"), m.end("n"), name[0] + "*" * (len(name) - 1)


_NOUN_PARTICLES = frozenset(str.split("로 으로 에 에서 이어 처럼 보다 만 까지 부터 마다 조차"))


def _known(word: str, common: frozenset[str], lexicon: dict[str, str]) -> bool:
    return word in common or lexicon.get(word, "").startswith(("NNG", "NNB"))


def _known_with_particle(word: str, common: frozenset[str], lexicon: dict[str, str]) -> bool:
    """옥상에, 여권이: a known word and the particle after it."""
    return any(word.endswith(p) and len(word) - len(p) >= 2
               and _known(word[:-len(p)], common, lexicon) for p in _PARTICLES_AFTER_WORD)


def _compound(word: str, common: frozenset[str], lexicon: dict[str, str]) -> bool:
    """``word`` is made of known words: two of two syllables or more (결혼기념일, 휴게공간), or
    one of three syllables or more and an ending (관광객이어도)."""
    return any((k >= 3 or word[k:] in _NOUN_PARTICLES) and _known(word[:k], common, lexicon)
               or len(word) - k >= 2 and (
        _known(word[k:], common, lexicon)) and (
        _known(word[:k], common, lexicon) or word[k:] in common)
        for k in range(2, len(word)))


# One capitalised Latin word in Korean text where a person is meant: after a person's word (친구
# Aziz가, 남편 Michael이, 이름 Batbayar예요) or before 씨/님 (Sarah 씨가). A brand with its
# particle (Google 계정이, Zoom이 안 돼요) has neither.
_PERSON_WORD = (r"친구|남편|아내|와이프|아들|딸|동생|형|누나|언니|오빠|선생님|선생|직원|동료"
                r"|사장님|사장|이웃|옆집|학생|유학생|근로자|며느리|사위|손자|손녀|조카|엄마|아빠|이름|이름은|이름이"
                r"|성함|성함은|저는|저|전|담당자|담당|상담사|통역사|통역|보호자|신청인|신청자|세입자|집주인")
_LATIN_PERSON_RE = re.compile(
    rf"(?:(?<![가-힣])(?:{_PERSON_WORD})[ \t]+(?P<a>[A-Z][a-z]{{2,14}})"
    r"(?=(?:이|가|은|는|을|를|의|도|랑|이랑|하고|한테|에게|씨|님|예요|이에요|이고|인데|이요|요"
    r"|라고|이라고)?(?![A-Za-z])(?:[ \t]|$|[,.!?]))"
    r"|(?<![A-Za-z'])(?P<b>[A-Z][a-z]{2,14})[ \t]?(?=(?:씨|님)(?![가-힣]{2})))")


def latin_persons(text: str) -> Iterator[Candidate]:
    """A foreign resident's first name in Latin letters said as a person (친구 Aziz가)."""
    if not re.search(r"[A-Z][a-z]", text) or not _HANGUL.search(text):
        return
    for m in _LATIN_PERSON_RE.finditer(text):
        group = "a" if m.group("a") else "b"
        name = m.group(group)
        if name.lower() in _LATIN_NOT_NAMES:
            continue
        yield "name", m.start(group), m.end(group), _mask_roman(name)


# A foreign resident's name of one to three Hangul words after where they come from (필리핀 사람
# 로웰 산토스가, 네팔 사람 라주 구룽이에요, 인도네시아 유학생 데위 푸트리): words no dictionary or
# name-free text knows, the last one with its particle, copula or honorific.
_COUNTRIES = (r"베트남|중국|몽골|우즈베키스탄|우즈벡|필리핀|태국|캄보디아|네팔|인도네시아|러시아"
              r"|카자흐스탄|스리랑카|방글라데시|미얀마|파키스탄|키르기스스탄|라오스|일본|미국|대만|인도|이란|터키"
              r"|튀르키예|이집트|나이지리아|가나|케냐|프랑스|독일|영국|캐나다|호주|브라질|멕시코|페루"
              r"|고려인")
_ORIGIN_RE = re.compile(
    rf"(?<![가-힣])(?:{_COUNTRIES})(?:[ \t]?(?:사람|출신|국적|동포|교포|유학생|근로자|노동자|여성"
    r"|남성|학생|친구|며느리|사위|아내|남편|분|고려인)"
    # (중국 사람이에요 왕쯔한: where one comes from said with a copula, then the name)
    r"(?P<cop>이에요|입니다|이고요|이고|인데요|이요|예요)?[.,]?"
    r"|에서[ \t]?(?:온|오신|왔다는|왔어요|왔고요?|왔습니다|왔는데요?)[.,]?"
    # a document's nationality in brackets before the holder's name: (중국) 왕리핑
    r"|(?P<bracket>\))|(?=[ \t]?(?:이름|성함)))"
    # (스리랑카 친구 이름이 니산카 페레라인데, 러시아 이름으로는 올레그 스미르노프예요)
    r"(?:[ \t]*(?:이름|성함)(?:은|이|으로는|으로|은요|이요)?)?[ \t]+"
    r"(?P<names>[가-힣]{1,12}(?:[ \t][가-힣]{1,12}){0,2})(?![가-힣])")
# the copula's forms among them (before a copula no particle can stand)
_COPULA_ENDS = ("이에요", "예요", "입니다")
_NAME_END_PARTS = ("이에요", "예요", "입니다", "이고", "이요", "인데", "이라고", "라고", "씨가",
                   "씨는", "씨", "님", "이가", "이는", "이랑", "랑", "하고", "가", "는", "은", "이",
                   "를", "을", "의", "도", "한테", "에게")


# What foreign residents call about, said right after where they come from (네팔 사람 비자 문의):
# words a dictionary may not know, never a name.
_RESIDENT_WORDS = RESIDENT_WORDS = frozenset(str.split(
    "비자 체류 통역 영주권 출입국 귀화 사증 외국인등록 등록증 체류자격 재입국 고용허가 산재 어학당 "
    "기숙사 노동 근로 임금 월급 취업 결혼이민 다문화 한국어 통역사 번역 공증 아포스티유 송금 환전 "
    "대사관 영사관 쉼터 상담 문의 신청 지원 교육 센터 가족 아이 자녀 부부 식당 음식 요리 마트 "
    "가게 선원 어부 선장 조선족 동포 교포"))


_PARTICLES_AFTER_WORD = ("에서", "으로", "에", "이", "가", "은", "는", "을", "를", "도", "의", "로",
                         "이랑", "하고", "까지")


# A copula said apart from the name, standard or an elder's (여, 유, 이랑께)
_COPULA_WORDS = frozenset(str.split("예요 이에요 입니다 이요 요 여 유 이여 예여 이고 이고요 이라고 "
                                    "라고 인데 인데요 이랑께 이우다 이래요 래요"))


_VERB_FORM = re.compile(
    r"(?:어요|아요|워요|해요|네요|죠|데요|거든요|잖아요|어서|아서|니까|는데|습니다)$")


def _without_ending(word: str) -> str:
    """``word`` without the particle, copula or honorific a name may end in (아내예요 -> 아내)."""
    for end in _NAME_END_PARTS:
        if word.endswith(end) and len(word) - len(end) >= 2:
            return word[:-len(end)]
    return word


_CLAUSE_END = re.compile(r"[ \t]*(?:$|[.!?~\n]|(?:예요|이에요|입니다|이요|요|여|유|이라고|라고)"
                         r"(?![가-힣]))")


def _origin_matches(text: str) -> Iterator[re.Match[str]]:
    """``_ORIGIN_RE``'s matches; after a match said with a copula the search goes on inside it
    (필리핀 사람이고요, 필리핀 이름은 X: the words after the copula may hold the next origin)."""
    pos = 0
    while (m := _ORIGIN_RE.search(text, pos)) is not None:
        yield m
        pos = m.end("cop") if m.group("cop") else m.end()


def origin_names(text: str) -> Iterator[Candidate]:
    """A foreign resident's name in Hangul after a country word and a person's word."""
    if not re.search(_COUNTRIES, text):
        return
    from dasan.text.pii import SURNAME_SET
    from dasan.text.pii_name_model import PLACE_NAMES, _model, common_word_set

    common, lexicon = common_word_set(), _model()[4]

    def known_with_particle(word: str) -> bool:
        """안산에, 여권이, 이름은: a known word or place and its particle."""
        return any(word.endswith(p) and len(word) > len(p) and (
            word[:-len(p)] in common or word[:-len(p)] in lexicon or word[:-len(p)] in PLACE_NAMES)
            for p in _PARTICLES_AFTER_WORD)

    def foreign(word: str, particle_ok: bool = False) -> bool:
        """``particle_ok``: a rare word's particle may end the word (before a copula, where no
        particle can stand, 류메이 is 류메이; 여권이예요 is still 여권)."""
        return not (word in common or word in PLACE_NAMES or re.fullmatch(_PERSON_BEFORE, word)
                    # 왕씨예요: a surname's 씨
                    or re.fullmatch(r"[가-힣]{1,2}씨(?:예요|요|이에요|고|이고|였어요)?", word)
                    or _VERB_FORM.search(word)  # 이름이 길어요: an adjective, no name
                    or known_with_particle(word) and not (
                        particle_ok and not any(
                            word.endswith(p) and _everyday(word[:-len(p)], common, lexicon)
                            for p in _PARTICLES_AFTER_WORD))
                    or word in _RESIDENT_WORDS or _without_ending(word) in _RESIDENT_WORDS
                    or lexicon.get(word, "").startswith(
                        ("NNG:0", "NNG:1", "NNB", "VV", "VA", "MAG", "NP"))
                    or _compound(word, common, lexicon))

    for m in _origin_matches(text):
        if m.group("bracket") and text[m.start() - 1:m.start()] != "(":
            continue
        words = m.group("names").split()
        taken: list[str] = []
        for word in words:
            if word in _COPULA_WORDS:
                break  # 바야르마 예요, 응우옌 티 흐엉 여: the copula said apart
            stem = word
            ended = before_copula = False
            for end in _NAME_END_PARTS:
                if word.endswith(end) and len(word) - len(end) >= 2 and foreign(word[:-len(end)]):
                    stem, ended = word[: -len(end)], True
                    break
            copula = next((c for c in _COPULA_ENDS if word.endswith(c) and len(word) - len(c) >= 2),
                          None)
            if not ended and copula:
                # 류메이예요: a name before its copula, though its last syllable reads like a
                # particle after a word (류메 + 이); the copula is never the name's
                stem, ended, before_copula = word[: -len(copula)], True, True
            # one syllable only as the last of several (쩐 반 남), or a Korean surname before
            # a foreign given name (고려인 동포 김 발렌티나)
            surname_first = (not taken and len(stem) == 1 and len(words) > 1
                             and stem in SURNAME_SET and stem not in "제저내그이"
                             and len(words[1]) >= 3 and words[1][0] not in "씨님"
                             and foreign(_without_ending(words[1])))
            if not surname_first and (not foreign(stem, particle_ok=before_copula)
                                      or len(stem) < 2 and len(taken) < 2):
                break
            taken.append(stem)
            if ended:
                break
        if not taken or sum(len(w) for w in taken) < 2:
            continue
        start = m.start("names")
        stop = start + len(" ".join(taken))
        if m.group("cop") and not (ended or _CLAUSE_END.match(text, stop)):
            continue  # (중국 사람이에요 X: only a name that ends its clause after the copula)
        yield "name", start, stop, taken[0][0] + " *"


# A surname said alone, then the whole name (탁 씨였어요 탁윤성, 김이 아니라 금이요 금가연, 성은
# 여요 여경민): the three syllables after it that start with it are a name. The surname stands
# alone with 씨, or after 성은/아니라/말고 with a copula (이요, 예요: 이 is a copula too).
_SURNAME_ALONE_RE = re.compile(
    r"(?:(?P<cue>성은|성이|성|아니라|아니고|아니요|말고)[ \t]+)?(?<![가-힣])(?P<s>[가-힣])"
    r"(?P<tail>[ \t]?씨(?:였어요|예요|요|고|이고|였고|였는데)?|이요|요|이에요|예요|이고|이라고|라고"
    r"|이고요|고요)?(?![가-힣])")
_STUTTER = re.compile(r"(?<![가-힣])([가-힣])[ \t]+\1[가-힣]{2}(?![가-힣])")
# A surname and a title are no name (박이사, 김과장)
_TITLE_WORDS = frozenset(str.split(
    "이사 과장 부장 사장 팀장 대리 주임 실장 선생 기사 원장 소장 차장 계장 반장 통장 이장 국장 "
    "회장 교수 박사 변호 대표 여사 양반 영감"))


def surname_then_name(text: str) -> Iterator[Candidate]:
    """The whole name said shortly after its surname was said alone."""
    from dasan.text.pii import GIVEN_SYLLABLES, NOT_NAMES, SURNAME_SET
    from dasan.text.pii_name_model import _model, common_word_set

    if "씨" not in text and not re.search("성은|성이|아니|말고", text) and not (
            _STUTTER.search(text)):
        return
    for m in _SURNAME_ALONE_RE.finditer(text):
        sur = m.group("s")
        with_ssi = (m.group("tail") or "").lstrip(" \t").startswith("씨")
        # (or said twice, stuttering: 김 김말녀)
        stutter = not m.group("tail") and re.match(rf"[ \t]+{sur}[가-힣]{{2}}(?![가-힣])", text[
            m.end():])
        if sur not in SURNAME_SET or not (with_ssi or m.group("cue") or stutter):
            continue
        whole = re.compile(rf"(?<![가-힣]){sur}(?P<g>[가-힣]{{1,2}})(?=(?:이요|이에요|예요|이고"
                           r"|입니다|요|이라고|라고|씨|님)?(?![가-힣]))")
        w = whole.search(text, m.end(), min(len(text), m.end() + 25))
        if not w:
            continue
        name = sur + w.group("g")
        given_ok = [ch in GIVEN_SYLLABLES for ch in w.group("g")]
        if len(w.group("g")) == 1 and (name in common_word_set() or name in NOT_NAMES or _model()[
                4].get(name, "").startswith(("NN", "VV", "VA", "MAG", "NP"))):
            continue  # 곽 씨, 곽순 - but 박 씨 ... 박사 is a word
        if w.group("g") in _TITLE_WORDS or name in NOT_NAMES or name in common_word_set() or (
                name[:2] in common_word_set() or name[:2] in NOT_NAMES) or not (
                all(given_ok) or with_ssi and any(given_ok)):
            continue  # (안씨 ... 안점례: after 씨 one given-name syllable is enough)
        yield "name", w.start(), w.end(), name[0] + "*" + name[-1]


# A name with a one-syllable given name said with 외자 (장윤이요 외자예요, 김솔 외자이름이에요); a
# two-syllable surname apart from the given name (남궁 옥분 할머니요, 제갈 성렬이라고); a Korean
# surname apart from a foreign given name (박 안나라고, 이 나탈리야 님).
_ONE_SYLLABLE_GIVEN_RE = re.compile(
    r"(?<![가-힣])(?P<n>[가-힣][ \t]?[가-힣])[ \t]?"
    r"(?:이요|요|이에요|예요|이고|이라고|라고|입니다|이고요)?[ \t,.]*외자")
_SPACED_SURNAME_RE = re.compile(
    r"(?<![가-힣])(?P<n>(?P<s>남궁|황보|제갈|선우|독고|사공|서문|동방|[가-힣])[ \t]"
    r"(?P<g>[가-힣]{2,5}?))"
    r"(?=(?:이라고|라고|이|가|은|는|씨|님|[ \t]?(?:이요|요|이에요|예요|입니다|이고))?"
    r"(?:[ \t]*(?:할머니|할아버지|씨|님|선생님|어르신|고객님))?(?![가-힣]))")


def spaced_surname_names(text: str) -> Iterator[Candidate]:
    """A one-syllable given name said with 외자, and a surname said apart from its given name
    (compound surnames, or a Korean surname before a foreign given name)."""
    from dasan.text.pii import GIVEN_SYLLABLES, NOT_NAMES, SURNAME_SET
    from dasan.text.pii_name_model import _model, common_word_set

    if "외자" in text:
        for m in _ONE_SYLLABLE_GIVEN_RE.finditer(text):
            name = m.group("n")
            if name[0] in SURNAME_SET and name not in NOT_NAMES and name not in common_word_set():
                yield "name", m.start("n"), m.end("n"), name[0] + "*"
    common, lexicon = common_word_set(), _model()[4]
    for m in _SPACED_SURNAME_RE.finditer(text):
        sur, given = m.group("s"), m.group("g")
        if sur not in SURNAME_SET and sur not in COMPOUND_SURNAMES_SPACED:
            continue
        after = text[m.end():m.end() + 12]
        cued = re.match(r"(?:이라고|라고)|[ \t]*(?:님|씨|할머니|할아버지|어르신|고객님)", after)
        tag = lexicon.get(given, "")
        if given[-1] in "씨님" or given in common or given in NOT_NAMES or tag.startswith(
                ("NNG:0", "NNG:1", "NNB", "VV", "VA", "MAG", "NP", "MM", "JK")):
            continue
        if len(sur) == 2:  # 남궁 옥분: a Korean given name, said as a name
            if len(given) != 2 or not all(ch in GIVEN_SYLLABLES for ch in given) or not (
                    cued or _COPULA_APART.match(after)):
                continue
        elif not cued or len(given) < 2 or given.endswith("이") and len(given) < 3:
            continue  # 박 안나라고, 이 나탈리야 님 (not 한 번이라고, 이 분이 씨)
        yield "name", m.start("n"), m.end("n"), sur + " *"


_COPULA_APART = re.compile(r"[ \t]?(?:이요|요|이에요|예요|입니다|이고)(?![가-힣])")
COMPOUND_SURNAMES_SPACED = frozenset(str.split("남궁 황보 제갈 선우 독고 사공 서문 동방"))


# A name said as what one is called (저 예전에 통화했던 국민서라고 하는데요, 왕리라고 합니다): a
# surname and two given-name syllables, or three syllables or more of no known word, before
# (이)라고 and a verb of saying - even when it starts like a word (국민).
_CALLED_SO_RE = re.compile(
    r"(?<![가-힣])(?P<n>[가-힣]{3,5}?)(?:이라고|라고)[ \t]?(?:합니다|해요|하는데요|하고요|하는데"
    r"|불러요|부릅니다|하면)(?![가-힣])")


_SELF_BEFORE = re.compile(r"(?:^|[ \t])(?:저|저는|전|제가|나는|난|이름은|이름이|성함은)[ \t]")


def called_so(text: str) -> Iterator[Candidate]:
    """A name before 라고 합니다/하는데요 that the detector's common-word head kept out."""
    if "라고" not in text:
        return
    from dasan.text.pii import GIVEN_SYLLABLES, NOT_NAMES, SURNAME_SET
    from dasan.text.pii_name_model import _model, common_word_set

    common, lexicon = common_word_set(), _model()[4]
    for m in _CALLED_SO_RE.finditer(text):
        name = m.group("n")
        if name in common or name in NOT_NAMES or name in lexicon or _compound(
                name, common, lexicon) or name in _RESIDENT_WORDS:
            continue
        if name[-1] in "님씨하히달주오가보내지게시라":
            continue  # 사장님이라고, 목욕하라고 하면, 데려달라고: a title or a verb's command
        korean = len(name) == 3 and name[0] in SURNAME_SET and all(
            ch in GIVEN_SYLLABLES for ch in name[1:])
        if not korean and not _SELF_BEFORE.search(text, max(0, m.start() - 25), m.start()):
            continue  # a foreign-looking word only when one is naming oneself (이그나이터라고)
        yield "name", m.start("n"), m.end("n"), mask_name(name)


# --- a transcript's speaker label: [채팅] 상담원 하지민: ..., 고객 김민수:, 하지민 상담사: ---
# A role that speaks in a chat or call log, then a name of a name's shape and a colon (or the
# name first and the role after it), where a turn begins: the message's start, a bracketed tag,
# a slash or a line break between turns, or a sentence's end.
# The staff and callers who name a person right after their role: one list for the speaker's
# label here and pii._role_named (판매자 예상헌한테). Where one role starts another (상담원,
# 상담원님; 담당자, 담당) their order is the order the patterns were tuned with.
STAFF_ROLES = (r"상담원|상담사|상담직원|담당자|담당|직원|주무관|매니저|팀장|센터장|민원인|신고인"
               r"|신청인")
_SPEAKER_ROLE = rf"{STAFF_ROLES}|상담자|고객|문의자|안내원|상담원님|상담사님|보호자|통역사|통역"
_TURN_START = r"(?:^|(?<=[\n/|>\[\]])|(?<=[.!?][ \t]))[ \t]*"
_SPEAKER_RE = re.compile(
    rf"{_TURN_START}(?:(?:{_SPEAKER_ROLE})[ \t]*(?P<a>[가-힣]{{2,4}})"
    rf"|(?P<b>[가-힣]{{2,4}})[ \t]*(?:{_SPEAKER_ROLE}))[ \t]*(?:[:：]|\](?![ \t]*\())")


def speaker_labels(text: str) -> Iterator[Candidate]:
    """The name in a transcript's speaker label (상담원 하지민:, 김민수 고객:)."""
    if ":" not in text and "：" not in text and "]" not in text:
        return
    from dasan.text.pii import COMPOUND_SURNAMES, GIVEN_SYLLABLES, NOT_NAMES, SURNAME_SET
    from dasan.text.pii_name_model import common_word_set

    common = common_word_set()
    for m in _SPEAKER_RE.finditer(text):
        group = "a" if m.group("a") else "b"
        name = m.group(group)
        surname = name[:2] if len(name) == 4 and name[:2] in COMPOUND_SURNAMES else name[:1]
        given = name[len(surname):]
        if (surname not in SURNAME_SET or not 1 <= len(given) <= 2 or name in common
                or name in NOT_NAMES or not any(ch in GIVEN_SYLLABLES for ch in given)):
            continue
        yield "name", m.start(group), m.end(group), mask_name(name)


# --- a foreign resident's name said as one word after 저는 / 제 이름은, with a copula ----------
# (저는 누르술탄이에요, 제 이름은 쩐반하이입니다): a word of three to seven syllables that no
# dictionary or name-free text knows, made of no known words and no place.
_SELF_ONE_WORD_RE = re.compile(
    r"(?:^|(?<=[ \t,.!?]))(?:저는|전|제[ \t]?이름은|이름은|이름이|성함은|성함이)[ \t]+"
    r"(?P<n>[가-힣]{3,7}?)(?:이에요|예요|입니다|이고요|이라고|라고|인데요|이요)(?![가-힣])")


# A message that speaks of a foreign resident (a name no dictionary knows may be repeated there)
FOREIGN_TALK = re.compile(rf"{_COUNTRIES}|외국인|비자|체류|이주|다문화|유학|결혼이민|동포")
_FOREIGN_HINT = re.compile(rf"{_COUNTRIES}|외국인|비자|체류|등록증|여권|이주|다문화|유학|결혼이민"
                           r"|[A-Za-z]{3}")


def _everyday(word: str, common: frozenset[str], lexicon: dict[str, str]) -> bool:
    return word in common or lexicon.get(word, "").startswith(("NNG:0", "NNG:1", "NNB"))


# how words for what one is end (직장인, 자영업자, 대학생, 회사원, 복지사, 작가; 엔지니어, 디자이너)
_SELF_WORD_ENDS = ("들", "님", "씨", "분", "인", "자", "생", "원", "사", "가", "어", "너", "러")


def self_named_one_word(text: str) -> Iterator[Candidate]:
    """A foreign resident's one-word Hangul name after a self-naming cue and before a copula."""
    if not any(cue in text for cue in ("저는", "전 ", "이름", "성함")) or not (
            _FOREIGN_HINT.search(text)):
        return  # (저는 프리랜서예요: with no word of a foreign resident, a loanword)
    from dasan.text.pii import NOT_NAMES
    from dasan.text.pii_name_model import PLACE_NAMES, _model, common_word_set, place_word

    common, lexicon = common_word_set(), _model()[4]
    for m in _SELF_ONE_WORD_RE.finditer(text):
        name = m.group("n")
        if (name in common or name in PLACE_NAMES or name in NOT_NAMES or name in _RESIDENT_WORDS
                or re.fullmatch(_PERSON_BEFORE, name) or place_word(name)
                or name.endswith(_SELF_WORD_ENDS)
                or name in lexicon and not lexicon[name].startswith("NNP")
                or any(w in name for w in _RESIDENT_WORDS if len(w) >= 2)  # 다문화가정
                # two everyday words (not 응우옌티탄: 응우옌 is a rare noun to kiwi)
                or any(_everyday(name[:k], common, lexicon) and _everyday(name[k:], common, lexicon)
                       for k in range(2, len(name) - 1))
                or any(name.startswith(p) for p in PLACE_NAMES if len(p) >= 2)):
            continue
        yield "name", m.start("n"), m.end("n"), name[0] + "*" * (len(name) - 1)


# --- a surname and a given name said apart, each after its own word (성은 문, 이름은 솔; 성이 윤
# 이름이 석이에요): the given name (one or two syllables) is the person's.
_APART_RE = re.compile(
    r"(?:성은|성이|성씨는|성씨가)[ \t]+(?P<s>[가-힣]{1,2}?)(?:씨)?"
    r"(?:이고요|이고|고요|고|이요|요|예요|이에요|이구요|구요)?[ \t]*[,.]?[ \t]*(?:그리고[ \t]+)?"
    r"(?:이름은|이름이|이름)[ \t]+"
    r"(?P<g>[가-힣]{1,2}?)(?:이에요|예요|이요|요|입니다|이고요|이고|이라고|라고)?(?=$|[ \t,.!?~])")


# ... or the given name first (제 딸 이름은 하늘이에요 성은 강이고요)
_APART_REVERSED_RE = re.compile(
    r"(?:이름은|이름이)[ \t]+(?P<g>[가-힣]{1,2}?)(?:이에요|예요|이요|요|이고요|이고|고요|고)?"
    r"[ \t]*[,.]?[ \t]*(?:그리고[ \t]+)?(?:성은|성이)[ \t]+(?P<s>[가-힣]{1,2}?)(?:씨)?"
    r"(?:이에요|예요|이요|요|이고요|이고|고요|입니다)?(?=$|[ \t,.!?~])")


def surname_and_given_apart(text: str) -> Iterator[Candidate]:
    """The given name said after its own word when the surname was said after 성은."""
    if "성" not in text or "이름" not in text:
        return
    from dasan.text.pii import NOT_NAMES, SURNAME_SET
    from dasan.text.pii_name_model import _ONE_SYLLABLE_WORDS, _model, common_word_set

    common, lexicon = common_word_set(), _model()[4]
    for m in (*_APART_RE.finditer(text), *_APART_REVERSED_RE.finditer(text)):
        sur, given = m.group("s"), m.group("g")
        # (a noun may be a given name here - 하늘, 솔 - but not a verb: 이름은 몰라요)
        if sur not in SURNAME_SET or given in NOT_NAMES or given in _ONE_SYLLABLE_WORDS or (
                given in common and not lexicon.get(given, "").startswith("NNG")):
            continue
        yield "name", m.start("g"), m.end("g"), given[0] + "*" * (len(given) - 1) if len(
            given) > 1 else "*"
        for whole in re.finditer(rf"(?<![가-힣]){sur}{given}", text):  # ... 유솔이요
            yield "name", whole.start(), whole.end(), sur + "*" * len(given)


# --- a name written twice side by side, in two scripts (eighteenth round) ---------------------
# 왕리핑 王丽萍, Chen Wei 천웨이예요, 국민서 (KUK MINSEO), 아흐메드 하산 Ahmed Hassan: a name
# found in one script makes its neighbour in another one a name too, when the two sound alike
# (Latin and Hangul start with the same consonant) or the neighbour is in Chinese characters.
# Chinese surnames and the first syllables they are said with in Hangul (Korean reading and
# Mandarin's): 王 왕, 张 장, 刘 류/유/리우, 赵 조/자오.
_HAN_SURNAME_SOUNDS = {
    k: v.split() for ks, v in (
        ("王汪", "왕"), ("李", "이 리"), ("张張蒋蔣", "장"), ("刘劉", "류 유 리우"),
        ("陈陳", "천 진"), ("杨楊", "양"), ("黄黃", "황"), ("赵趙", "조 자오"), ("吴吳", "우 오"),
        ("周", "주 저우"), ("徐", "서 쉬"), ("孙孫", "손 순 쑨"), ("马馬", "마"), ("朱", "주"),
        ("胡", "호 후"), ("郭", "곽 궈"), ("何", "하 허"), ("高", "고 가오"), ("林", "임 린"),
        ("罗羅", "나 라 뤄"), ("郑鄭", "정"), ("梁", "양 량"), ("谢謝", "사 셰"), ("宋", "송 쑹"),
        ("唐汤湯", "당 탕"), ("许許", "허 쉬"), ("韩韓", "한"), ("冯馮", "풍 펑"),
        ("邓鄧", "등 덩"),
        ("曹", "조 차오"), ("彭", "팽 펑"), ("曾", "증 쩡 정"), ("肖", "초 샤오"), ("田", "전 톈"),
        ("董", "동 둥"), ("袁", "원 위안"), ("潘", "반 판"), ("于", "우 위"), ("蔡", "채 차이"),
        ("余", "여 위"), ("杜", "두"), ("叶葉", "엽 예"), ("程", "정 청"), ("苏蘇", "소 쑤"),
        ("魏韦韋", "위 웨이"), ("吕呂", "여 뤼"), ("丁", "정 딩"), ("任", "임 런"), ("沈", "심 선"),
        ("姚", "요 야오"), ("卢盧", "노 루"), ("姜江", "강 장"), ("崔", "최 추이"),
        ("钟鍾", "종 중"), ("谭譚", "담 탄"), ("陆陸", "육 루"), ("范", "범 판"), ("金", "김 진"),
        ("石", "석 스"), ("贾賈", "가 자"), ("夏", "하 샤"), ("方", "방 팡"), ("白", "백 바이"),
        ("孟", "맹 멍"), ("秦", "진 친"), ("尹", "윤 인"), ("薛", "설 쉐"), ("毛", "모 마오"),
        ("孔", "공 쿵"), ("严嚴", "엄 옌"), ("钱錢", "전 첸"), ("朴", "박"))
    for k in ks}
_HAN_SURNAMES = frozenset(_HAN_SURNAME_SOUNDS)


def _mask_han(name: str) -> str:
    return name[0] + "*" * (len(name) - 1)


def _han_pairs(han: str, hangul: str) -> bool:
    """A Chinese name and a Hangul word that starts the way its surname is said."""
    return any(hangul.startswith(said) for said in _HAN_SURNAME_SOUNDS.get(han[0], ()))


_HAN_RUN_AT = re.compile(r"[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff])")
_HAN_RUN_END = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,3}$")
_LATIN_RUN_AT = re.compile(r"(?:[A-Z][a-z]{1,14}|[A-Z]{2,14})"
                           r"(?:[ \t]+(?:[A-Z][a-z]{1,14}|[A-Z]{2,14})){0,2}(?![A-Za-z])")
_LATIN_RUN_END = re.compile(r"(?<![A-Za-z])(?:[A-Z][a-z]{1,14}|[A-Z]{2,14})"
                            r"(?:[ \t]+(?:[A-Z][a-z]{1,14}|[A-Z]{2,14})){0,2}$")
_HANGUL_RUN_AT = re.compile(r"[가-힣]{2,8}(?:[ \t][가-힣]{2,6}){0,2}")
_HANGUL_RUN_END = re.compile(r"(?<![가-힣])[가-힣]{2,6}(?:[ \t][가-힣]{2,6}){0,2}$")
_PAIR_GAP_AFTER = re.compile(r"[ \t]*[(/]?[ \t]*")
_PAIR_GAP_BEFORE = re.compile(r"[ \t]*[(/]?[ \t]*$")
# The first consonants a Latin spelling's first letters are written with in Hangul (Chen 천,
# Wang 왕, Xiao 샤오, Oyunchimeg 어용치멕).
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_SOUNDS = {"a": "ㅇ", "e": "ㅇ", "i": "ㅇ", "o": "ㅇ", "u": "ㅇ", "y": "ㅇ", "w": "ㅇ",
           "b": "ㅂㅃ", "c": "ㅋㅊㅅㅆ", "d": "ㄷㄸ", "f": "ㅍㅎ", "g": "ㄱㄲㅈ", "h": "ㅎㅇ",
           "j": "ㅈㅉㅎ", "k": "ㅋㄱㄲ", "l": "ㄹㄴㅇ", "m": "ㅁ", "n": "ㄴㅇ", "p": "ㅍㅂㅃ",
           "q": "ㅋㅊㄱ", "r": "ㄹㄴㅇ", "s": "ㅅㅆㅈ", "t": "ㅌㄷㄸㅊ", "v": "ㅂㅃ",
           "x": "ㅅㅆㅈ", "z": "ㅈㅉㅊ"}


def _sounds_alike(latin: str, hangul: str) -> bool:
    """The Latin word's first letter is said with the Hangul word's first consonant."""
    if not latin or not hangul or not "가" <= hangul[0] <= "힣":
        return False
    initial = _INITIALS[(ord(hangul[0]) - 0xAC00) // 588]
    return initial in _SOUNDS.get(latin[0].lower(), "")


def _latin_pairs(latin: str, hangul: str) -> bool:
    """A Latin name and a Hangul one that sound alike: the first words, or the Latin's last
    and the Hangul's first (Minseo Kuk, 국민서)."""
    words = latin.split()
    return _sounds_alike(words[0], hangul) or _sounds_alike(words[-1], hangul)


def _hangul_side(run: str, common: frozenset[str], lexicon: dict[str, str],
                 most: int) -> str:
    """The Hangul words of ``run`` that may be a name (at most ``most``, the last without its
    particle or copula), or ''."""
    from dasan.text.pii_name_model import ENDINGS, PLACE_NAMES

    words = run.split()[:most]
    out: list[str] = []
    for word in words:
        bare = _without_ending(word)
        if word in ENDINGS or word in _COPULA_WORDS or len(bare) < 2 or (
                bare in PLACE_NAMES or bare in _RESIDENT_WORDS
                or _everyday(bare, common, lexicon)):
            break
        out.append(bare)
        if bare != word:
            break  # a particle or copula ends the name
    return " ".join(out)


# (a Hangul name after a Latin one ends what is said: Chen Wei 천웨이예요, Oyunchimeg 어용치멕
# 이에요)
_NAME_COPULA_AFTER = re.compile(r"[ \t]?(?:이에요|예요|이요|입니다|이고|이라고|라고|요)(?![가-힣])")


def paired_names(text: str, found: list[tuple[int, int]]) -> Iterator[Candidate]:
    """Names beside a found name that write it again in another script: Chinese characters
    next to it, a Latin spelling that sounds alike, or a Hangul one that sounds like a Latin
    name. Also a Chinese name whose first character is a surname right beside a Hangul word
    that may be a name (장샤오위 张晓雨): both, when neither was found."""
    from dasan.text.pii_name_model import ENDINGS, PLACE_NAMES, common_word_set
    from dasan.text.pii_name_model import lexicon as _lexicon

    has_han = re.search(r"[\u4e00-\u9fff]", text) is not None
    has_latin = re.search(r"[A-Za-z]{2}", text) is not None
    if not (has_han or has_latin):
        return
    common, lexicon = common_word_set(), _lexicon()
    spans = list(found)
    if has_han:
        for hm in _HAN_RUN_AT.finditer(text):
            if hm.group(0)[0] not in _HAN_SURNAMES:
                continue
            before = text[max(0, hm.start() - 20):hm.start()]
            after = _PAIR_GAP_AFTER.match(text, hm.end())
            gap_ok = before.endswith((" ", "\t", "("))
            left = _HANGUL_RUN_END.search(before.rstrip(" \t(")) if gap_ok else None
            word = left.group(0).split()[-1] if left else ""
            tail = next((len(c) for c in ("이에요", "예요", "이요", "이고", "입니다", "이라고",
                                          "라고") if word.endswith(c) and len(word) > len(c) + 1),
                        0)  # (류메이예요 刘梅: 류메이; but 류메이 刘梅 keeps its 이)
            word = word[:len(word) - tail]
            nxt = _HANGUL_RUN_AT.match(text, after.end()) if after else None
            if not word and nxt and after and after.end() > hm.end():
                word = _hangul_side(nxt.group(0), common, lexicon, 1)
                if word and _han_pairs(hm.group(0), word):
                    yield "name", hm.start(), hm.end(), _mask_han(hm.group(0))
                    s = after.end()
                    yield "name", s, s + len(word), mask_name(word)
                continue
            if word and not _everyday(word, common, lexicon) and word not in PLACE_NAMES and (
                    _han_pairs(hm.group(0), word)):
                yield "name", hm.start(), hm.end(), _mask_han(hm.group(0))
                s = hm.start() - (len(before) - len(before.rstrip(" \t("))) - len(word) - tail
                yield "name", s, s + len(word), mask_name(word)
    for s, e in spans:
        said = text[s:e]
        # (a name spelled letter by letter, K-H-U-R-E-L, is said again as it sounds: no pair)
        latin = bool(re.fullmatch(r"[A-Za-z .'-]+", said)) and not re.search(
            r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])", said)
        hangul = bool(re.fullmatch(r"[가-힣 ]+", said))
        gap = _PAIR_GAP_AFTER.match(text, e)
        p = gap.end() if gap else e
        if p > e or text[e:e + 1] in "(/":
            if has_han and not latin and (m := _HAN_RUN_AT.match(text, p)):
                yield "name", m.start(), m.end(), _mask_han(m.group(0))
            if hangul and has_latin and (m := _LATIN_RUN_AT.match(text, p)) and all(
                    w.lower() not in _LATIN_NOT_NAMES and w.lower() not in _ENGLISH_STATES
                    for w in m.group(0).split()) and _latin_pairs(m.group(0), said):
                yield "name", m.start(), m.end(), _mask_roman(m.group(0))
            if latin and (m := _HANGUL_RUN_AT.match(text, p)):
                word = _hangul_side(m.group(0), common, lexicon, len(said.split()))
                rest = text[p + len(word):p + len(word) + 6]
                if word and _NAME_COPULA_AFTER.match(rest) and all(
                        _sounds_alike(la, ha)
                        for la, ha in zip(said.split(), word.split(), strict=False)):
                    yield "name", p, p + len(word), mask_name(word)
        head = text[max(0, s - 30):s]
        gap_b = _PAIR_GAP_BEFORE.search(head)
        if gap_b is None or gap_b.start() == len(head):
            continue
        head = head[:gap_b.start()]
        if hangul and has_latin and (m := _LATIN_RUN_END.search(head)) and all(
                w.lower() not in _LATIN_NOT_NAMES and w.lower() not in _ENGLISH_STATES
                for w in m.group(0).split()) and _latin_pairs(m.group(0), said):
            start = s - (len(head) - m.start()) - (len(text[max(0, s - 30):s]) - len(head))
            yield "name", start, start + len(m.group(0)), _mask_roman(m.group(0))
        if latin and (m := _HANGUL_RUN_END.search(head)):
            words = m.group(0).split()[-len(said.split()):]
            run = " ".join(words)
            if all(_without_ending(w) == w and w not in ENDINGS and w not in _COPULA_WORDS
                   and w not in PLACE_NAMES and w not in _RESIDENT_WORDS
                   and not _everyday(w, common, lexicon) and not _compound(w, common, lexicon)
                   # (회장인 Howard, 여동생인 Ethel: a known word said with the copula's 인)
                   and not (w.endswith("인") and _known(w[:-1], common, lexicon))
                   for w in words) and _sounds_alike(
                    said.split()[0], run):
                off = max(0, s - 30) + len(head) - len(run)
                yield "name", off, off + len(run), mask_name(run)
