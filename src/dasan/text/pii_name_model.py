"""Personal names scored by a small model, not by one rule per phrasing.

Every Hangul word is a *candidate* when it starts with a Korean surname (or a two-syllable one
such as 남궁, 황보, 제갈) followed by one or two more syllables, and whatever follows those in
the same word is an ending a name can take (이에요, 씨, 님, 이라고, 가, 는, ...; or nothing). A
word that stands before an honorific (씨, 님, 고객님) or after a naming cue (이름은, 저는) is a
candidate too without a surname, for foreign residents' names written in Hangul (뚜엉, 라흐마트),
and so is an unknown word before a copula (피터 존슨이고, 왕웨이라고 합니다) or after where one
comes from (베트남에서 온 X); one of two or three such words (응우옌 반 남) is masked with the
words before it. Known words, nouns with their particle, countries and cities (시리아, 인도)
and the names of places and offices (광명점, 다산콜센터) are never foreign-name candidates.

Each candidate gets sparse features:

* its shape: length, which surname (a common, a rare or a two-syllable one), how many of its
  given-name syllables are common in Korean given names, each given-name syllable;
* its ending (the rest of the word: 이에요, 씨, 가, ...);
* the words around it (the word before and its last two syllables, the word after and its first
  syllable), where 이름은/저는/제 동생 or 씨/님/선생님/학생 say "a name";
* whether it is a common word (a list of nouns of the same shape, and words frequent in the
  knowledge-base and query texts, which hold no personal names).

A logistic regression (scikit-learn, trained offline by ``bench/train_pii_names.py`` on the
labelled tune sets and generated sentences) weighs them; its weights live in
``pii_name_weights.json`` beside this module, so masking needs no scikit-learn and stays a
dictionary lookup per feature. A candidate is masked when its probability reaches the threshold
stored with the weights (chosen on held-out folds of the training data for few false masks).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from dasan.text.pii_names import mask_name

Candidate = tuple[str, int, int, str]
Features = list[str]

WEIGHTS_PATH = Path(__file__).with_name("pii_name_weights.json")

_WORD = re.compile(r"[가-힣]+")
# What may follow a name inside the same word.
ENDINGS: frozenset[str] = frozenset(
    str.split(
        """이 가 은 는 을 를 의 도 랑 이랑 하고 과 와 에게 한테 께 께서 이가 이는 이를 이도 이의
        이에요 예요 이예요 에요 입니다 이요 요 이고 고 이고요 고요 이구요 이라고 라고 이라는 라는
        이랑은 인데 인데요
        이신데 이세요 세요 이십니다 이었 였 이었어요 였어요 이었는데 였는데 이었고
        으로 로 이라 라 이지 이죠 이거든요 거든요 이든 이나 이라서 이네요 네요 이야 야 아
        씨 님 씨가 씨는
        씨를 씨의 씨한테 씨랑 씨요 님이 님은 님의 님께 님께서 님이요 님이세요 님이신데
        고객님 고객님이 고객님은 선생님 선생님이 선생님이세요 학생 어린이 어르신 드림 귀하 올림
        씨였던 씨였어요 씨예요 님이었어요 이었나 였나 이었던가 이신 인 님으로 씨로 씨께
        이한테 이하고 이네 이가요 이는요
        하고는 하고도 이더러 더러 부터 처럼 은커녕 는커녕 까지 이며 며 한테서 이한테서 에게서
        이라든가 라든가 이라도 라도 이랑도 랑도
        이었습니다 였습니다 이래요 래요 이래 래 이었고요 였고요 였고 이였어요 이였는데 이라네요
        라네요 이라던데 라던데 이란 란 이던데 던데 이었대요 였대요 이래서 래서 이라서요 라서요
        께서는 이께서 씨께서 이에게 이한테는 한테는 에게는 과는 와는 을요 를요 이를요
        이었던 였던 이던 던 이였던 씨였던가"""
    )
)
# Honorifics and titles that, as the next word, make the word before a candidate.
_CALLED = frozenset(str.split(
    """씨 님 고객님 선생님 학생 어르신 주무관 주무관님 팀장님 과장님 상담사님 기사님 할아버지 할머니
    씨가 씨는 씨를 씨의 씨한테 씨랑
    님이 님은 님의 님께 씨요 씨였던 님이었어요 씨예요 님으로 씨로
    아줌마 아줌마가 아저씨 아저씨가 이모 이모가 삼촌 삼촌이 언니 언니가 오빠 오빠가 누나 누나가
    사회복지사 복지사님 간호사님 원장님 교수님 반장님 대리님 목사님 신부님 수녀님
    할머니가 할머니는 할머니요 할머니께서 할아버지가 할아버지는 할아버지요 할아버지께서
    아저씨요 아저씨는 아줌마요 아줌마는 이모님 이모님이 삼촌은 언니는 오빠는 누나는 형이 형은
    님요 님께서"""))
# A given name said alone with the 이 families and friends add (하람이가, 경순이 아줌마, 나윤이는):
# after a two-syllable word that ends in a consonant, 이 then a particle belongs to a name.
_HYPOCORISTIC = frozenset(str.split("이 이가 이는 이를 이랑 이도 이한테 이하고 이네 이가요 이는요"))
# 이 then a particle after a consonant: no noun takes it (사람이가 is no Korean), so even a word
# like 다운 or 아름 is a name here (다운이가, 아름이가).
_HYPOCORISTIC_STRONG = _HYPOCORISTIC - {"이"}
_NAMING_CUES = frozenset(str.split(
    """이름은 이름이 이름 성함은 성함이 성함 성명 성명: 이름: 성함: 저는 전 저 저는요 존함은 존함이
    아들 딸 남편 아내 동생 조카 손자 손녀 어머니 아버지 엄마 아빠 할머니 할아버지 와이프
    예금주 예금주는 신청인 신청자 보호자 수취인 수령인 민원인 고객 환자 세입자 집주인 명의자
    문의자: 문의자 신고자 예약자 대표자 사람 상담사 주무관 관리소장 담임 친구
    참석자 참가자 명단 명단은 대리인 대리인은 법정대리인 작성자 담당자
    동장 통장 반장 이장 팀장 과장 계장 주임 실장 부장 원장 소장 기사 운전기사 경비 선생 교사
    전남편 전처 전부인 남자친구 여자친구 애인 며느리 사위 시어머니 시아버지 장모 장인 애 큰애
    작은애 첫째 둘째 셋째 막내 주인 주인이 주인은 집주인이 집주인은 명단이에요 명단입니다
    대리 사원 차장 대표 사장 직원 중개사 공인중개사 관리인 자녀 배우자 명찰에 이름표에
    동대표 부녀회장 회장 총무 간사 단장 봉사단장 위원장 센터장 관장 약사 간호사 요양보호사
    사회복지사 자원봉사자 목사 전도사 명단에 명단엔 룸메이트 동거인 하우스메이트
    판매자 구매자 매도인 매수인 임대인 임차인 가해자 피해자 채무자 채권자 계약자 의뢰인 위임인
    발송인 발신인 보낸이 받는이 후견인 상속인 고인 망인 송금인 입금자 배달원 택배기사
    서명 서명은 이름란에 성명란에 전입자 전입자: 전출자 차주 차주는"""))
# (the roles of a deal, a dispute or a delivery; not the words of official texts, where a word
# after them is no name: 대상자 확정, 수급자 선정, 가입자 또는)

_SSI = frozenset(e for e in ENDINGS if e.startswith("씨"))  # 씨, 씨가, 씨는 ... (not 씨앗)
_STRONG_CUES = frozenset(str.split("이름은 이름이 성함은 성함이 성명 저는 저 전 이름: 성함: 성명:"))
# Endings that say "this word is what someone is called" (X예요, X라고 해요, X고요): with them,
# a word with no Korean surname is a candidate too (피터 존슨이고, 왕웨이라고 합니다).
_COPULA = frozenset(str.split(
    "이에요 예요 입니다 이고 고 이고요 고요 이라고 라고 이요 요 인데요 이라는 라는 이세요 세요 "
    "이었습니다 였습니다 이래요 래요 이었고요 였고요 이었어요 였어요 이었는데 였는데"))
# A word before which a foreign resident's name often stands: 베트남에서 온 X, 직원 X 씨.
_FOREIGN_CUES = frozenset(str.split("온 직원 근로자 유학생 외국인 국적 부인 남편 아내 이름은 "
                                    "일하는 사는 다니는 옆집 윗집 아랫집 참석자 대리인 "
                                    "며느리 사위 와이프 출신 노동자 선원 연수생"))
# The first syllables of a word after a name that says whose it is (X 엄마예요, X 학생 보호자).
_OWNER_AFTER = frozenset(str.split("엄마 아빠 어머 아버 보호 학생 남편 아내 부인"))


def _hangul_words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]


@cache
def _tables() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """Surnames, two-syllable surnames, given-name syllables and not-name nouns from ``pii``
    (imported late: ``pii`` imports this module)."""
    from dasan.text import pii

    return (pii.SURNAME_SET, pii.COMPOUND_SURNAMES, pii.GIVEN_SYLLABLES, pii.NOT_NAMES)


_COMMON_SURNAMES = frozenset("김이박최정강조윤장임한오서신권황안송류유"
                             "전홍고문양손배백허남심노하곽성차주우구")


@cache
def _model() -> tuple[dict[str, float], float, float, frozenset[str], dict[str, str]]:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    return (data["weights"], float(data["bias"]), float(data["threshold"]),
            frozenset(data["common_words"]), _unpack(data["lexicon"]))


def common_word_set() -> frozenset[str]:
    """The words frequent in name-free texts (stored with the weights)."""
    return _model()[3]


def lexicon() -> dict[str, str]:
    """kiwi's reading of the words it knows (word -> tag and score band), stored with the
    weights."""
    return _model()[4]


def _unpack(packed: dict[str, str]) -> dict[str, str]:
    """``{"2/NNG:1": "표기옆집...", ...}`` (words of one length run together) -> word: tag."""
    out: dict[str, str] = {}
    for key, words in packed.items():
        size, tag = key.split("/", 1)
        n = int(size)
        out.update((words[i:i + n], tag) for i in range(0, len(words), n))
    return out


def lexicon_tag(tag: str, score: float) -> str:
    """A kiwi analysis of a word as a feature value: its tag and how common the
    word is (kiwi's language-model score, in three bands)."""
    band = 0 if score > -10.5 else 1 if score > -13 else 2
    return f"{tag}:{band}"


def _split(cand: str, compound: frozenset[str]) -> tuple[str, str]:
    if len(cand) >= 3 and cand[:2] in compound:
        return cand[:2], cand[2:]
    return cand[:1], cand[1:]


def candidates(text: str, common_words: frozenset[str] | None = None,
               lexicon: dict[str, str] | None = None) -> Iterator[tuple[int, int, Features]]:
    """(start, end, features) of every name candidate in ``text``."""
    surnames, compound, given_ok, not_names = _tables()
    if common_words is None or lexicon is None:
        common_words, lexicon = _model()[3:]
    words = _hangul_words(text)
    for i, (ws, we, word) in enumerate(words):
        if _VERB_WORD.search(word) or word.endswith(_HONORIFIC_ENDS) and len(word) >= 3 and (
                word[-3] in _HONORIFIC_STEMS):
            continue  # 주실래요, 하시겠어요, 되시는: a verb, whatever its first syllable
        prev = words[i - 1][2] if i and words[i - 1][1] >= ws - 2 else ""
        nxt = words[i + 1][2] if i + 1 < len(words) and words[i + 1][0] <= we + 2 else ""
        # an elder's or a dialect's word read as the standard one (할매가 -> 할머니가)
        prev, nxt = _PLAIN_WORD.get(prev, prev), _PLAIN_WORD.get(nxt, nxt)
        gap_before = text[words[i - 1][1]:ws] if i else "^"
        gap_after = text[we:words[i + 1][0]] if i + 1 < len(words) else "$"
        parts = -1  # foreign-looking words right before this one (computed when needed)
        for length in (1, 2, 3, 4, 5, 6):
            if length > len(word):
                break
            cand, rest = word[:length], word[length:]
            rest = _PLAIN_ENDING.get(rest, rest)  # 김말순이여 is read as 김말순이에요
            if rest and rest not in ENDINGS:
                continue
            if length >= 3 and cand[-1] == "예" and rest in ("요", "요?"):
                continue  # 민재예요: 민재 and the copula, not 민재예
            if cand in PLACE_NAMES or word in PLACE_NAMES or not rest and place_word(nxt):
                continue  # 한마음 복지관에 (but a name with its particle: 정소희가 병원에)
            sur, given = _split(cand, compound)
            # 라흐마트 starts like 라 but is read as a foreign name, not a surname and three more
            # (육반장님, 김과장이: a surname and a title, no name)
            has_sur = sur in surnames and 0 < len(given) <= 2 and given not in TITLES
            if has_sur and i and words[i - 1][2][-1:] not in "은는이가을를에의도로":
                if parts < 0:
                    parts = _foreign_parts(words, i, text, common_words, lexicon)
                # 타카하시 유키: the last part of a foreign name; but after an unknown word a
                # Korean name stays one (옆집 반기태가, 참석자 위성진)
                has_sur = not parts or all(ch in given_ok for ch in given)
            # 간바트가, 로한이: a surname, then syllables no Korean given name has - read it
            # as a foreign name as well, and let the score choose
            readings = [has_sur]
            if has_sur and parts > 0 and not any(ch in given_ok for ch in given) and (
                    cand not in lexicon):
                readings.append(False)
            for has_sur in readings:
                if not has_sur:
                    if word.startswith(_FILLER_STARTS) or word in _FILLERS:
                        continue  # 이름이 뭐더라: a word said while remembering, no name
                    stem = word[:length + 1]
                    if cand[-1] in "에은는이가을를의도로와과" and (
                            cand[:-1] in common_words or cand[:-1] in not_names
                            or lexicon.get(cand[:-1], "").startswith(("NNG", "NNB"))):
                        continue  # 면허증에, 명의가: a noun and its particle
                    if not rest and (length >= 3 or cand[0] in _ONE_SYLLABLE_NOUNS) and (
                            cand[-1] in "은는을를에의"):
                        continue  # 폰은, 표기는: a word and its particle, not a foreign name
                    strong = (length == 2 and rest in _HYPOCORISTIC_STRONG
                              and (ord(cand[-1]) - 0xAC00) % 28 != 0 and stem not in common_words
                              and stem not in not_names
                              and not lexicon.get(stem, "").startswith("NN"))  # 거북이가: a noun
                    if not strong and (
                            {cand, word, stem} & common_words or {cand, word, stem} & not_names
                            or length > 2 and cand[-1] in _PLACE_ENDS or cand[-2:] in _PLACE_ENDS):
                        continue  # 아저씨, 다산콜센터입니다: a known word or a place
                    if cand in _FOREIGN_CUES or cand in _NAMING_CUES or cand in _CALLED or (
                            cand.removesuffix("님") in TITLES):  # 노금례 여사님: a title
                        continue  # 옆집 할머니가, 직원 씨: the cue, not the name
                    if not strong and lexicon.get(cand, "").startswith(("NNG:0", "NNG:1")):
                        continue  # 치매 어르신: a common noun kiwi knows, no foreign name
                    if parts < 0:
                        parts = _foreign_parts(words, i, text, common_words, lexicon)
                    # or the word after it that says whose it is (팜 민 쩌우 엄마예요)
                    hypocoristic = (length == 2 and rest in _HYPOCORISTIC
                                    and (ord(cand[-1]) - 0xAC00) % 28 != 0
                                    and (strong or all(ch in given_ok for ch in cand)))
                    if not (nxt in _SSI or rest in _SSI or prev in _STRONG_CUES or hypocoristic
                            or nxt in _CALLED
                            or prev in PLACE_NAMES and not lexicon.get(cand, "").startswith("NN")
                            or rest in _COPULA or prev in _NAMING_CUES or prev in _FOREIGN_CUES
                            or nxt[:2] in _OWNER_AFTER
                            # 철민이랑 수희가: the second of two names joined by 이랑/하고
                            or rest and gap_before == " " and prev.endswith(("이랑", "하고"))
                            # 알렉세이가 학교에서: a word no dictionary knows opens the message
                            or rest in _OPENING_PARTICLES and length >= 3 and not i
                            and cand not in lexicon and word not in lexicon):
                        continue
                    if length == 1 and (not parts or cand in _ONE_SYLLABLE_WORDS):
                        continue  # 응우옌 티 투: one syllable only as the last of several words
                f = [f"len={length}", f"suf={rest or '-'}", f"pv={prev or '-'}",
                     f"pv2={prev[-2:] or '-'}", f"nx={nxt or '-'}", f"nx1={nxt[:1] or '-'}",
                     f"gb={_gap(gap_before)}", f"ga={_gap(gap_after)}"]
                if has_sur:
                    kind = "c2" if len(sur) == 2 else ("top" if sur in _COMMON_SURNAMES else "rare")
                    f.append(f"sur={kind}")
                    n_ok = sum(ch in given_ok for ch in given)
                    f.append(f"given={len(given)}/{n_ok}")
                    f.extend(f"g={ch}" for ch in given)
                    f.append(f"head={lexicon.get(cand[:2], '-')}")
                    if len(given) == 2:
                        f.append(f"gw={lexicon.get(given, '-')}")
                    f.append(f"whole{length}={lexicon.get(cand, '-')}")
                    f.append(f"shape={kind}/{len(given)}/{n_ok}/{rest or '-'}")
                else:
                    kind = "none"
                    f.append("sur=none")
                    # how Korean it looks: given-name syllables, a known word, words before it
                    n_ok = sum(ch in given_ok for ch in cand)
                    f.append(f"fgiven={min(length, 3)}/{min(n_ok, 3)}")
                    f.append(f"parts={parts}")
                    f.append(f"fsuf={rest or '-'}")
                    f.append(f"ftail={cand[-1]}")
                    if nxt and _foreign_word(nxt, common_words, lexicon):
                        f.append("fnext")
                    if cand in lexicon or word in lexicon:
                        f.append(f"fknown={lexicon.get(cand, lexicon.get(word, '-'))[:3]}")
                if cand in not_names or cand in common_words:
                    f.append("common=whole")
                if cand[:2] in not_names or cand[:2] in common_words:
                    f.append("common=head")
                if word in common_words:
                    f.append("common=word")
                if (length == 2 and rest in _HYPOCORISTIC and (ord(cand[-1]) - 0xAC00) % 28 != 0
                        and all(ch in given_ok for ch in cand)):
                    f.append(f"hypo={kind}")
                elif (length == 2 and rest in _HYPOCORISTIC_STRONG
                        and (ord(cand[-1]) - 0xAC00) % 28 != 0):
                    f.append(f"hypo2={kind}")  # 다운이가: a word, but 이가 makes it a name
                called = nxt in _CALLED or rest in ("씨", "님")
                cued = prev in _NAMING_CUES
                if called:
                    f.append("called")
                if cued:
                    f.append("cued")
                # a naming word shortly before, in the same message (이름이 기쁨이에요 윤기쁨,
                # 명찰에 마다솜이라고): the name is being talked about
                if _NEAR_CUE.search(text, max(0, ws - 25), ws):
                    f.append(f"near/{kind}")
                # the name said again, spelled or in part (서 가 은, 서가은; 기쁨이에요 윤기쁨)
                if length >= 2 and _echoed(text, ws, ws + length, cand, kind):
                    f.append(f"echo/{kind}")
                # the context with the shape: a word like 사랑 after a surname before 학생
                f.append(f"ctx={'c' if called else ''}{'q' if cued else ''}/{kind}/"
                         f"{'common' if cand[:2] in common_words or cand in common_words else '-'}")
                yield ws, ws + length, f


# How elderly callers and dialects end a name (김말순이여, 정미자인디, 최판돌이유, 조옥자라니께,
# 황보석이던가) and the words they say around one (할매, 할배, 영감, 할멈), read as the standard
# endings and words the detector was trained on: the same weights then apply.
_PLAIN_ENDING = {
    # (not 여, 유 alone: 유예하여, 심리치유 - a verb's or a noun's last syllable)
    "이여": "이에요", "이유": "이에요", "인디": "인데", "인디요": "인데요",
    "이라니께": "이라고", "라니께": "라고", "이랑께": "이라고", "랑께": "라고",
    "이라카이": "이라고", "라카이": "라고", "이던가": "이었나", "던가": "였나",
    "이구먼": "이네요", "이당께": "이라고", "이라예": "이라고", "이래유": "이래요",
    "이었지": "이었어요", "인디유": "인데요", "이거든": "이거든요", "이라구": "이라고",
    "라구": "라고", "이라구요": "이라고", "라구요": "라고", "이에여": "이에요", "예여": "예요",
    "이구여": "이고요",
    # Jeju (고순심이우다, 고순심이우꽈, 순심이라마씸), Gyeongsang (이라꼬, 인기라), Jeolla (이어라)
    "이우다": "이에요", "우다": "예요", "이우꽈": "이에요", "이라마씸": "이라고", "라마씸": "라고",
    "이라양": "이라고", "이라꼬": "이라고", "라꼬": "라고", "인기라": "인데", "이어라": "이에요",
    "이랑게": "이라고", "이여라": "이에요", "이라카던데": "이라던데", "이유우": "이에요",
    # an elder's or a landlord's name said with the honorific copula (노판석이시고요, 성함이
    # 전미옥이셨어요): read as the plain one (only with its 이: 하셨고, 마셨는데 are verbs)
    "이시고요": "이고요", "이시고": "이고", "이시구요": "이고요", "이셨어요": "이었어요",
    "이셨는데": "이었는데", "이셨고": "이었고", "이시거든요": "이거든요", "이시래요": "이래요",
    "이시라고": "이라고", "이신데요": "인데요",
    # (eighteenth round) Gyeongsang's "it is called" (탁영순이라카는데예: 이라고 하는데요) and
    # Chungcheong's 구유 (맹철호구유: 맹철호고요)
    "이라카는데예": "이라고", "라카는데예": "라고", "이라카는데": "이라고", "라카는데": "라고",
    "이라카는데요": "이라고", "라카는데요": "라고", "이라캐요": "이라고", "라캐요": "라고",
    "이라칸다": "이라고", "라칸다": "라고", "이구유": "이고요", "구유": "고요"}
_PLAIN_WORD = {
    "할매": "할머니", "할매가": "할머니가", "할매는": "할머니는", "할매요": "할머니요",
    "할매여": "할머니요", "할배": "할아버지", "할배가": "할아버지가", "할배는": "할아버지는",
    "할매한테": "할머니", "할멈": "할머니", "할멈이": "할머니가", "할멈이가": "할머니가",
    "영감": "남편", "영감이": "남편은", "영감은": "남편은", "영감님": "할아버지", "양반": "씨",
    "양반이": "씨가", "양반은": "씨는", "손주": "손자", "손주가": "손자", "딸래미": "딸",
    "딸내미": "딸", "아들내미": "아들", "아들놈": "아들", "아들놈이": "아들", "며늘아기": "며느리",
    "집사람": "아내", "바깥양반": "남편"}


_NEAR_CUE = re.compile(r"이름|성함|함자|성명|명찰|이름표|명의|스펠링|철자|예금주")


def _echoed(text: str, start: int, end: int, cand: str, kind: str) -> bool:
    """``cand`` said again elsewhere in ``text``: spelled a syllable at a time (서 가 은), or,
    for a surname and a given name, the given name alone (기쁨이에요 ... 윤기쁨)."""
    if _spelled_in(text, cand):
        return True
    if kind != "none" and len(cand) == 3:
        return any(not start <= at < end for at in _word_starts(text, cand[1:]))
    return False


# (session 22) Both looked up once per text and word: a long text that repeats one word
# thousands of times scanned the whole text again for each of its candidates (26 s for 100,000
# characters).
@lru_cache(maxsize=128)
def _spelled_in(text: str, cand: str) -> bool:
    return " ".join(cand) in text


@lru_cache(maxsize=128)
def _word_starts(text: str, given: str) -> tuple[int, ...]:
    """Where ``given`` starts with no Hangul right before it, when it is said more than once."""
    if text.count(given) <= 1:
        return ()
    return tuple(m.start() for m in re.finditer(given, text)
                 if m.start() == 0 or not "가" <= text[m.start() - 1] <= "힣")


LIST_FACTOR = 0.5
# (a title may stand before each name of the list: 팀장 엄태규, 대리 봉수정, 사원 안혜린)
# (a role in brackets may follow each name: 배수철(세대주), 배은정(배우자))
_LIST_GAP = re.compile(r"(?:\([^()]{1,8}\))?[ \t]*"
                       r"(?:[,/·、]|및|(?:이랑|랑|하고|와|과|이나|나|이며|며)[ \t])[ \t]*"
                       r"(?:[가-힣]{1,4}[ \t]+)?")
# Names in a list with only spaces between (강민재 고은서 나도현): whole words, a surname and two
# given-name syllables each, need only SPACE_LIST_FACTOR of the threshold next to a masked one.
SPACE_LIST_FACTOR = 0.25
ROSTER_FACTOR = 0.15
_ADDRESS_END_BEFORE = re.compile(r"\d[ \t]?(?:호|층|번지|호실)?[ \t,]*$")
# Family members named in turn with no comma (아들 경호 며느리 유정): the kin word is the gap.
_KIN = (r"(?:아들|딸|며느리|사위|남편|아내|손자|손녀|동생|형|누나|언니|오빠|첫째|둘째|셋째|막내"
        r"|큰애|작은애)")
_KIN_GAP = re.compile(rf"[ \t,]+{_KIN}[ \t]+")
_KIN_BEFORE = re.compile(rf"(?:^|[ \t]){_KIN}[ \t]+$")
_NUMBERED_BEFORE = re.compile(r"(?:^|[ \t:])(?:\d{1,2}(?:번|\.|\)|:)|[①-⑳]"
                              # (하나 봉수민 둘 길다은: counted aloud)
                              r"|하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉|열)[ \t]*$")
# between two called given names: 이랑, 하고, a comma (the 이 of the first is its ending)
_PAIR_GAP = re.compile(r"(?:이랑|이하고|랑|하고|이|이,|,)[ \t]*")
_SPACE_GAP = re.compile(r"[ \t]")


def _gap(gap: str) -> str:
    s = gap.strip(" \t")
    if gap in ("^", "$"):
        return gap
    return s[:1] if s else "sp"


def _score(features: Features, weights: dict[str, float], bias: float) -> float:
    z = bias + sum(weights.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-z))


def scored_names(text: str) -> Iterator[Candidate]:
    """Names whose candidate scores at or above the stored threshold (the best-scoring length
    of each word)."""
    weights, bias, threshold, common, lexicon = _model()
    best: dict[int, tuple[float, int, bool]] = {}
    plain: set[int] = set()  # whole words: a surname and two given-name syllables
    called: set[int] = set()  # given names with the 이 friends add (은별이랑, 도담이)
    for start, end, feats in candidates(text, common, lexicon):
        p = _score(feats, weights, bias)
        if p > best.get(start, (-1.0, 0, False))[0]:
            best[start] = (p, end, "sur=none" in feats)
        if "given=2/2" in feats and "suf=-" in feats and "sur=c2" not in feats:
            plain.add(start)
        if any(f.startswith("hypo") for f in feats) and "common=whole" not in feats:
            called.add(start)
    chosen = {s for s, (p, _, _) in best.items() if p >= threshold}
    # A numbered roster (1번 강하준 2번 노서윤, 1. 배수철): two plain names or more, each after
    # its number, are names however low each scores alone.
    # A name closing a message after an address, as on a parcel's label (... 2동 1108호 채서진)
    for s in plain:
        if s not in chosen and best[s][0] >= threshold * LIST_FACTOR and _ADDRESS_END_BEFORE.search(
                text, max(0, s - 8), s) and not text[best[s][1]:].strip(" \t.!"):
            chosen.add(s)
    numbered = [s for s in plain if _NUMBERED_BEFORE.search(text, max(0, s - 6), s)
                and best[s][0] >= threshold * ROSTER_FACTOR]
    if len(numbered) >= 2:
        chosen.update(numbered)
    # Two given names said the way friends call them, joined (은별이랑 도담이, 주원이, 서하):
    # both are names when both score LIST_FACTOR of the threshold.
    for a in called:
        for b in called:
            if a < b and min(best[a][0], best[b][0]) >= threshold * LIST_FACTOR and (
                    _PAIR_GAP.fullmatch(text, best[a][1], b)):
                chosen.update((a, b))
    # A candidate just short of the threshold where the words around say "a person": where a
    # foreign resident comes from right before (몽골에서 온 X, 중국 동포 X, 우즈베키스탄 X), or a
    # letter's closing right after (X 배상, X 올림).
    for start, (p, end, _) in best.items():
        word = text[start:end]
        if start not in chosen and p >= threshold * SECOND_CHANCE and word not in common and (
                word not in _FOREIGN_CUES and word not in _NAMING_CUES and word not in _CALLED
        ) and (_ORIGIN_BEFORE.search(text, max(0, start - 30), start)
               # or said to be a name, with a copula (엄마 이름이 뚜엣이에요)
               or _NAMED_BEFORE.search(text, max(0, start - 8), start)
               and _NAMED_COPULA.match(text, end) and word not in _tables()[3]
               and not _THING_NAMED.search(text, max(0, start - 16), start)
               or _RELATION_BEFORE.search(text, max(0, start - 12), start)
                or _CLOSING_AFTER.match(text, end)):
            chosen.add(start)
    # Names in a list (위성진, 견미라, 옥정훈; 가은정이랑 복태수): a Korean-name candidate next to a
    # masked name, joined by a comma or 이랑/하고/와, needs only LIST_FACTOR of the threshold.
    grew = bool(chosen)
    while grew:
        grew = False
        for start, (p, end, foreign) in best.items():
            if start in chosen or foreign or p < threshold * SPACE_LIST_FACTOR:
                continue
            if p >= threshold * LIST_FACTOR and any(
                    _LIST_GAP.fullmatch(text, best[c][1], start)
                    or _LIST_GAP.fullmatch(text, end, c) or _KIN_GAP.fullmatch(text, end, c)
                    and _KIN_BEFORE.search(text, max(0, start - 8), start)
                    for c in chosen) or start in plain and any(
                    c in plain and (_SPACE_GAP.fullmatch(text, best[c][1], start)
                                    or _SPACE_GAP.fullmatch(text, end, c)) for c in chosen):
                chosen.add(start)
                grew = True
    taken: list[tuple[int, int]] = []
    for start, (_, end, foreign) in sorted(best.items()):
        if start not in chosen:
            continue
        if foreign:
            start = _foreign_start(text, start, common, lexicon)
            # 짱 웨이 씨: after a vowel, an 이 before 씨 is the name's (no particle there)
            if (ord(text[end - 1]) - 0xAC00) % 28 == 0 and _YI_BEFORE_SSI.match(text, end):
                end += 1
        taken.append((start, end))
        yield "name", start, end, mask_name(text[start:end])
    if TAGGER:
        # the learnt tagger over every word (round 19), where the scorer chose nothing
        from dasan.text import pii_name_tagger

        yield from pii_name_tagger.tagged_names(text, taken)


TAGGER = True
"""Whether :func:`scored_names` adds the learnt tagger's names (``pii_name_tagger``)."""




_YI_BEFORE_SSI = re.compile(r"이[ \t]?씨(?![앗름])")
SECOND_CHANCE = 0.75
_ORIGIN_BEFORE = re.compile(
    r"(?:에서[ \t]?(?:온|왔다는|오신)|출신(?:인|의)?|동포|국적(?:인|의)?|"
    r"(?:베트남|중국|몽골|우즈베키스탄|필리핀|태국|캄보디아|네팔|인도네시아|러시아|카자흐스탄"
    r"|스리랑카|방글라데시|미얀마|파키스탄|키르기스스탄|라오스|일본|미국|대만)(?:[ \t]?사람)?)"
    r"[ \t]+(?:[가-힣]{1,4}[ \t]+){0,3}$")
# ... or a word of work or family right before it (같이 일하는 X가, 며느리 X).
_RELATION_BEFORE = re.compile(r"(?:일하는|직원|동료|근로자|며느리|사위|와이프)[ \t]+$")
_CLOSING_AFTER = re.compile(r"[ \t]*(?:배상|드림|올림)(?![가-힣])")
_NAMED_BEFORE = re.compile(r"(?:이름이|이름은|성함이|성함은|존함은|존함이)[ \t]+$")
# (the name of a shop, an app or a pet is no person's: 가게 이름은 행복마트예요)
_THING_NAMED = re.compile(
    r"(?:가게|상호|회사|업체|식당|앱|어플|프로그램|사이트|카페|단체|제품|상품|건물|아파트|학교|병원"
    r"|마트|브랜드|강아지|고양이|반려견|반려묘|와이파이|계정|채널|모임|동아리|팀"
    r"|(?<![가-힣])차|차량|자동차|차종|모델|(?<![가-힣])배|식물|꽃)[ \t]?"
    r"(?:이름|성함|존함)")


def thing_named_before(text: str, start: int) -> bool:
    """The name at ``start`` is a thing's (차 이름 소나타, 가게 이름은 행복마트): a shop, an app, a
    pet or a car named right before the naming word."""
    return bool(_THING_NAMED_RIGHT_BEFORE.search(text, max(0, start - 16), start))


_THING_NAMED_RIGHT_BEFORE = re.compile(
    _THING_NAMED.pattern + r"(?:은|는|이|가|도|:)?[ \t]*['\"‘“]?$")
_NAMED_COPULA = re.compile(r"(?:이에요|예요|입니다|이라고|라고|이고요|이요)(?![가-힣])")


# How names of places, shops and offices end (광명점, 다산콜센터, 구청): no foreign person's name.
_PLACE_ENDS = frozenset(str.split("점 관 청 역 실 과 국 팀 회 당 집 센터 타워 빌딩 공원 병원 "
                                  "학교 시장 마을 아파트 빌라 카페 식당 교회 성당 은행"))
# Countries, regions and cities that start like a surname and a given name (시리아, 조지아,
# 이란, 인도, 남아공): where foreign residents come from is said as often as their names.
PLACE_NAMES = frozenset(str.split(
    """시리아 조지아 이란 이라크 인도 인도네시아 이집트 이스라엘 이탈리아 우간다 우크라이나
    우즈베키스탄 남아공 남미 노르웨이 모로코 모나코 몽골 미국 미얀마 베트남 방글라데시 태국 대만
    홍콩 중국 일본 러시아 라오스 캄보디아 네팔 스리랑카 파키스탄 필리핀 말레이시아 싱가포르 호주
    캐나다 멕시코 브라질 칠레 페루 독일 프랑스 영국 스페인 포르투갈 터키 튀르키예 요르단 쿠웨이트
    카타르 케냐 가나 나이지리아 에티오피아 카자흐스탄 키르기스스탄 타지키스탄 아프가니스탄 유럽
    아시아 아프리카 오세아니아 서울 부산 대구 인천 광주 대전 울산 세종 제주 수원 성남 고양 용인
    안산 안양 남양주 화성 평택 의정부 시흥 파주 김포 광명 하남 군포 오산 이천 양주 구리 안성
    포천 의왕 여주 동두천 과천 가평 연천 양평 춘천 원주 강릉 청주 천안 전주 목포 여수 순천 포항
    경주 김해 창원 진주 마산 거제 통영 하노이 호치민 다낭 마닐라 방콕 베이징 상하이 도쿄 오사카
    모스크바 타슈켄트 울란바토르 자카르타 카트만두 다카 뉴욕 런던 파리 시드니 하와이"""))
# A word before these names a place, not a person: 한마음 복지관, 민들레 어린이집, and statues
# and memorials of historical figures (이순신 장군 동상, 김구 기념관).
_PLACE_AFTER = frozenset(str.split(
    """복지관 복지센터 센터 어린이집 유치원 도서관 교회 성당 공원 병원 의원 약국 식당 마트 아파트
    빌라 회관 경로당 시장 장군 동상 기념관 기념사업회 대왕 열사 광장 생가 성지 묘역 기념비
    문학관 기념공원 과학관 박물관 미술관 작은도서관 체육관 문화센터 수영장 놀이터 전시관
    기념도서관"""))
_PLACE_PARTICLES = frozenset(str.split(
    "에 에서 으로 로 은 는 이 가 을 를 의 앞 근처 쪽 까지 에요 이에요 예요") + [""])


def place_word(word: str) -> bool:
    """A place or statue word, alone or with a particle (복지관, 동상 앞, 공원에서)."""
    return any(word[:n] in _PLACE_AFTER and word[n:] in _PLACE_PARTICLES
               for n in range(2, min(len(word), 5) + 1))


# Titles said right after a surname (김과장님, 육반장님, 박기사): a person, but no name; and
# role nouns that make a common noun after a surname's syllable (유학생, 이주민).
TITLES = frozenset(str.split(
    "반장 과장 팀장 부장 차장 실장 국장 대리 주임 계장 소장 원장 사장 기사 교수 박사 목사 집사 "
    "권사 장로 여사 이장 동장 통장 회장 총무 간사 대표 감독 코치 작가 상무 전무 이사님 선생 "
    "변호사 세무사 법무사 노무사 약사 간호사 주무관 반장님 과장님 팀장님 부장님 실장님 기사님 "
    "학생 주민 고객 환자 회원"))


# What a caller says while remembering a name (이름이 뭐더라, 그 뭐시기): no foreign name.
_FILLER_STARTS = ("뭐", "뭣", "거시기", "머더라", "머였")
_FILLERS = frozenset(str.split("그러니까 있잖아 있잖아요 어디보자 뭐시기 머시기 아마도 글쎄요 "
                               "글쎄 그게 저기요 이게"))


# One-syllable words of everyday Korean (a foreign name's one-syllable parts are others: 티, 반
# in 응우옌 반 남 is both, and is taken only in the middle of a name).
_ONE_SYLLABLE_WORDS = frozenset(
    "몇반한두세네그이저좀더또잘꼭안못다뭐왜집차돈앞뒤옆위밑속밖날달해시분초층"
    "동호번건개명원살곳길일등중후전때쪽것수말글제내우리너걔쟤얘거게데네예응어음아뭘요")


# A polite verb form (주실래요, 가실게요, 하시겠어요, 되셨어요): no name in it.
_VERB_WORD = re.compile(
    r"(?:실래요?|을래요?|실게요?|을게요?|시겠어요?|셨어요|셨나요|시죠|시네요|십시오)$")
# (되시는 분, 계시던 곳, 하셔서: an honorific verb before a noun or a clause)
_HONORIFIC_ENDS = ("시는", "시던", "시면", "시고", "셔서", "셨던")
_HONORIFIC_STEMS = frozenset("되계하가오보주")
# One-syllable nouns that take a particle like a name's last syllable (폰은, 차는, 집을).
_ONE_SYLLABLE_NOUNS = frozenset("폰차집돈방밥옷책약빚땅물불빵술표키값일말글짐잠꿈길문창벽"
                                "란칸쪽줄")  # (성명 란에, 대리인 칸에: a form's field)


# The particles after the subject or topic that opens a message (알렉세이가, 에밀리는).
_OPENING_PARTICLES = frozenset(("가", "는", "이가", "랑", "하고"))  # (이, 은: nouns too)
# A word that ends in one of these joins two names (강지훈하고 조은비가): not a name's first part.
_JOINER_ENDS = ("하고", "랑", "이며", "이나", "와", "과")


# How a sentence or clause ends (엄마인데요, 맞으시죠, 끊겼어요): a verb or copula, no name part.
_VERB_ENDS = ("요", "죠", "는데", "인데", "니다", "어서", "아서", "니까", "지만")


def _foreign_word(word: str, common: frozenset[str], lexicon: dict[str, str]) -> bool:
    """A word that may be part of a foreign name: no known Korean word, cue or particle."""
    tag = lexicon.get(word, "")
    return not (word in common or word in _ONE_SYLLABLE_WORDS or word in ENDINGS
                or tag.startswith("NN") and not tag.startswith("NNP")  # a noun kiwi knows
                or word in _NAMING_CUES or word in _CALLED or word in _FOREIGN_CUES
                or word[-1] in "은는이가을를에의도로" or word in _tables()[3]
                or word.endswith(_JOINER_ENDS) or word.endswith(_VERB_ENDS))


def _foreign_parts(words: list[tuple[int, int, str]], i: int, text: str,
                   common: frozenset[str], lexicon: dict[str, str]) -> int:
    """How many words (0-3) right before word ``i``, one space apart, could be the first parts
    of a foreign name (마리아 산토스, 응우옌 반 남, 응우옌 티 투 짱). A one-syllable word that is
    also everyday Korean (반, 한) counts only in the middle, after a longer foreign word."""
    n = 0
    while n < 3 and i - n - 1 >= 0:
        ps, pe, pw = words[i - n - 1]
        if text[pe:words[i - n][0]] != " " or len(pw) > 5 or pw in PLACE_NAMES:
            break  # (베트남 며느리: where someone comes from is no part of a name)
        if not _foreign_word(pw, common, lexicon) and not (
                pw in _ONE_SYLLABLE_WORDS and n < 1 and i - n - 2 >= 0
                and text[words[i - n - 2][1]:ps] == " " and len(words[i - n - 2][2]) > 1
                and _foreign_word(words[i - n - 2][2], common, lexicon)):
            break
        n += 1
    return n


def _foreign_start(text: str, start: int, common: frozenset[str],
                   lexicon: dict[str, str]) -> int:
    """A foreign resident's name is often two or three words (마리아 산토스, 응우옌 티 투): take up
    to two words before the scored one when they are no known Korean word or cue."""
    words = _hangul_words(text[max(0, start - 20):start + 1])
    offset = max(0, start - 20)
    words = [(ws + offset, we + offset, w) for ws, we, w in words]
    i = next((k for k, (ws, _, _) in enumerate(words) if ws == start), None)
    if i is None:
        return start
    n = _foreign_parts(words, i, text, common, lexicon)
    return words[i - n][0] if n else start
