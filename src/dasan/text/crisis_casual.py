# ruff: noqa: E501  (regex lexicons of Korean words read better unwrapped; Hangul counts double)
"""Casual-register normalisation for crisis detection: how people type in a chat or a messenger.

The crisis rules (:mod:`dasan.text.crisis`) were written in the register of a call centre
(죽고 싶어요, 쓰러졌어요, 전기가 끊겼어요). In a chat people write 반말 with dropped particles,
nominal endings (쓰러짐, 끊김, 숨 안쉼, 굶음), slang and abbreviations (뒤지고 싶다, ㅈㅅ하고 싶다,
자살각), typos and sound spellings (죽고시퍼, 살기실타, 죽구싶다) and words split by spaces
(죽 고 싶 다). :func:`casual_view` rewrites those forms into the standard ones the rules and the
first classifier know, keeping a map back to the original offsets (like the light view), so a
rule is written once for the standard form and reaches every casual spelling of it:

* **spelling**: sound spellings and typos of the words that carry a crisis (싶/싫/죽고);
* **slang**: 뒤지다/디지다/뒈지다 in a wish (…고 싶다) is 죽다; ㅈㅅ before 하/할/각/충동/생각 is 자살
  (alone, ㅈㅅ is 죄송 and stays); 자살각/자살 마렵다 is 자살하고 싶다;
* **nominal endings**: a word that ends a casual clause with -ㅁ/-음/-임 (쓰러짐, 끊김, 때림,
  안쉼, 굶음, 없음, 옥상임) becomes the plain 반말 form (쓰러졌어, 끊겼어, 때렸어, 안쉬어, 굶어,
  없어, 옥상이야); nouns that end in ㅁ (지금, 사람, 마음, 죽음, 아침, 게임 ...) are kept;
* **spacing**: emoji, crying jamo or dots inside a phrase are a space (죽고😭싶어); three or more single syllables split by spaces are joined (죽 고 싶 다 -> 죽고싶다).

Only the *wording* changes: what a sentence means (a joke, talk about others) is still for the
guards and the second stage to judge. A text with none of these forms is returned as it is.
"""

from __future__ import annotations

import re

from dasan.text.normalize import View

_S0, _LEN_JUNG, _LEN_JONG = 0xAC00, 21, 28
_JONG_M = 16  # ㅁ as a final consonant


def _syl(ch: str) -> tuple[int, int, int] | None:
    o = ord(ch) - _S0
    if not 0 <= o < 11172:
        return None
    return o // (_LEN_JUNG * _LEN_JONG), (o // _LEN_JONG) % _LEN_JUNG, o % _LEN_JONG


def _compose(cho: int, jung: int, jong: int = 0) -> str:
    return chr(_S0 + (cho * _LEN_JUNG + jung) * _LEN_JONG + jong)


# Spelling and slang: (pattern, replacement). Replacements are the standard form of the word.
_SPELLING: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r) for p, r in (
        # 죽고 spelled 죽구, 주꼬, 죽꼬
        (r"(?:죽구|주꼬|죽꼬)(?=\s?싶|\s?시퍼|\s?십)", "죽고"),
        # 싶다 spelled by sound or by a slip: 십다, 시퍼, 싶당, 십어, 싶따
        (r"(?<=고)(\s?)십(?=[다어음당따])", r"\1싶"),
        (r"(?<=고)(\s?)시퍼", r"\1싶어"),
        (r"(?<=고)(\s?)싶(?:당|따)", r"\1싶다"),
        # 싫다 spelled by sound: 시러, 실타, 싫타, 실어, 시른
        (r"(?<=기)(\s?)(?:시러|실어)", r"\1싫어"),
        (r"(?<=기)(\s?)(?:실타|싫타|싫당|실다)", r"\1싫다"),
        # slang for 죽다 in a wish: 뒤지고 싶다, 디지고 싶어, 뒈지고 싶다; 뒤져 버리고 싶다
        (r"(?:뒤지|디지|뒈지|뒤즤)(?=고\s?(?:싶|시퍼|십))", "죽"),
        (r"(?:뒤져|디져|뒈져)(?=\s?버리)", "죽어"),
        # dialect: 죽고 잡다 (Jeolla: 싶다); 죽어삐고/죽어뿌고/죽어불고 (Gyeongsang, Jeolla: 버리고)
        (r"(?<=죽고)(\s?)잡(?=[다아어네])", r"\1싶"),
        (r"죽어\s?(?:삐|뿌|불)(?=[고까래랑라꺼께자면])", "죽어 버리"),
        # ㅈㅅ (자살) before a wish, a plan or an urge; alone, or before 해/합니다/함, it is 죄송
        # (sorry) and stays
        (r"ㅈㅅ(?=\s?(?:하고\s?싶|할까|할래|할\s?거|하려|각|충동|생각|시도|마렵|마려))", "자살"),
        # 자살각, 자살 마렵다: slang for "I want to kill myself"
        (r"자살\s?(?:각(?:이|임)?|마렵|마려워)", "자살하고 싶"),
        # "1도 없어" (not one bit) is 하나도 없어
        (r"(?<![0-9])1\s?도(?=\s?(?:없|안|모르|못))", "하나도"),
        # "…는 법" (how to) is "…는 방법": 죽는 법, 자살하는 법
        (r"(?<=[는을])(\s?)법(?=$|[\s?!.이을좀])", r"\1방법"),
    )
]
# 패다 (slang: to beat) after an object or a space: 엄마 패고 있어, 애를 팼어 -> 때리다.
_PAE = re.compile(r"(?<=[을를\s])(?:패(고|서|는|요)?(?=$|[\s.!?~ㅠㅜ])|팼(?=[어다고는음]|$|\s))")
_PAE_FORMS = {"고": "때리고", "서": "때려서", "는": "때리는", "요": "때려요"}


def _pae(m: re.Match[str]) -> str:
    if m.group(0) == "팼":
        return "때렸"
    return _PAE_FORMS.get(m.group(1) or "", "때려")

# Nouns (and adverbs) that end in ㅁ: never a nominal ending.
_M_NOUNS = frozenset(
    ["지금", "요즘", "조금", "가끔", "처음", "다음", "마음", "사람", "이름", "느낌", "소름", "모임", "그림", "바람", "아침", "점심", "게임", "시험", "보험", "경험", "프로그램", "놈", "이놈", "그놈", "저놈", "죽음", "웃음", "울음", "믿음", "걸음", "얼음", "신음", "졸음", "젊음", "물음", "볶음", "묶음", "여름", "기쁨", "슬픔", "아픔", "고픔", "배고픔", "싸움", "도움", "다짐", "가슴", "엄", "음", "흠", "움", "힘", "짐", "김", "남", "임", "점", "밤", "봄", "잠", "몸", "감", "담", "섬", "춤", "꿈", "숨", "틈", "참", "뜸", "뺨", "곰", "솜", "땀", "좀", "맘", "쌈", "삼", "셈", "잼", "햄", "팀", "캠", "리듬", "드림", "크림", "시스템", "아이템", "포럼", "앨범", "이럼", "그럼", "저럼", "어떡함", "친구놈", "새놈"])
# Nouns that take 나다 (불이 나다, 사고가 나다): 불남, 사고남, 피남 (강남, 여남 are no such thing).
_NA_DA = re.compile(r"(?:불|사고|피|냄새|연기|난리|큰일|불이|사고가|피가|냄새가|연기가)")
# A casual clause's nominal ending: a word whose last syllable has ㅁ as its final consonant.
_M_FINAL = "".join(chr(_S0 + (c * _LEN_JUNG + j) * _LEN_JONG + _JONG_M)
                   for c in range(19) for j in range(_LEN_JUNG))
_WORD_M = re.compile(f"[가-힣]*[{_M_FINAL}](?![가-힣])")
# Emoji, crying jamo or dots typed inside a phrase (죽고😭싶어, 살기ㅠㅠ싫어, 죽고..싶다) are a space.
_INSIDE = re.compile("(?<=[가-힣])(?:[\U0001F300-\U0001FAFF\u2600-\u27BF\uFE0F]+|[ㅠㅜ]+|\\.{2,}|…)(?=[가-힣])")
# Three or more single syllables split by single spaces: 죽 고 싶 다.
_SPLIT = re.compile(r"(?<![가-힣])[가-힣](?: [가-힣](?![가-힣])){2,}")


def _plain_of_nominal(word: str) -> str | None:
    """The plain 반말 form of a word ending in -ㅁ/-음/-임, or None when it is not one."""
    if word in _M_NOUNS or word.endswith("놈") or (len(word) < 2 and word != "쉼"):
        return None
    last = _syl(word[-1])
    if last is None or last[2] != _JONG_M:
        return None
    cho, jung, _ = last
    stem = word[:-1]
    if word.endswith("음") and len(word) >= 2:  # 없음, 있음, 굶음, 먹음, 했음, 싶음
        prev = _syl(word[-2])
        if prev is None or prev[2] == 0:  # 마음, 처음: a vowel before 음 is a noun
            return None
        return stem + ("아" if prev[1] in (0, 8) else "어")  # 맞음 -> 맞아, 없음 -> 없어
    if word.endswith("임"):  # copula: 옥상임 -> 옥상이야, 위임 -> 위야; 안보임 -> 안보여
        if stem.endswith("보"):
            return stem + "여"
        before = _syl(stem[-1])
        return stem + ("야" if before is not None and before[2] == 0 else "이야")
    if word.endswith("함"):  # 하다: 신고함 -> 신고했어
        return stem + "했어"
    if _NA_DA.fullmatch(stem):  # 나다 after its nouns: 불남 -> 불났어, 사고남 -> 사고났어
        return stem + "났어"
    if jung == 20 and cho in (0, 5, 12, 18):  # 기/리/지/히: 끊김, 때림, 쓰러짐, 막힘
        return stem + _compose(cho, 6, 20) + "어"  # ㅕ + ㅆ: 끊겼어, 때렸어, 쓰러졌어, 막혔어
    if jung in (11, 16):  # ㅚ/ㅟ: 됨 -> 되었어, 안쉼 -> 안쉬었어
        return stem + _compose(cho, jung) + "었어"
    return None  # other endings in ㅁ are mostly nouns (자존심, 농담, 요금, 마감)


def _rewrite(view: View, pattern: re.Pattern[str], repl: object) -> View:
    """``view`` with every match of ``pattern`` replaced (``repl``: a string or a function of
    the match returning the replacement or None to keep the match); a replacement's characters
    map to the original offsets of the match, in order (the last ones to its last character)."""
    text = view.text
    out_chars: list[str] = []
    out_index: list[int] = []
    pos = 0
    changed = False
    for m in pattern.finditer(text):
        new = m.expand(repl) if isinstance(repl, str) else repl(m)  # type: ignore[operator]
        if new is None or new == m.group(0):
            continue
        changed = True
        out_chars.append(text[pos:m.start()])
        out_index.extend(view.index[pos:m.start()])
        span = view.index[m.start():m.end()]
        out_chars.append(new)
        out_index.extend(span[min(k, len(span) - 1)] for k in range(len(new)))
        pos = m.end()
    if not changed:
        return view
    out_chars.append(text[pos:])
    out_index.extend(view.index[pos:])
    return View("".join(out_chars), tuple(out_index))


def casual_view(view: View) -> View:
    """The light view with casual forms rewritten into standard ones (see the module doc);
    ``index`` still maps every character to the original text."""
    for pattern, repl in _SPELLING:
        if pattern.search(view.text):
            view = _rewrite(view, pattern, repl)
    if _INSIDE.search(view.text):
        view = _rewrite(view, _INSIDE, " ")
    if _PAE.search(view.text):
        view = _rewrite(view, _PAE, _pae)
    if _SPLIT.search(view.text):
        view = _rewrite(view, _SPLIT, lambda m: m.group(0).replace(" ", ""))
    return _rewrite(view, _WORD_M, lambda m: _plain_of_nominal(m.group(0)))
