"""Query repair before search: spaced syllables, typos, English and old service names.

Citizens type "기 후 동 행 카 드 충 전" (a space after every syllable), "기후동행카드 충젼 방법"
(one jamo wrong), "climate card 충전" (an English name) or an old programme name. The index's
own normalisation (:func:`dasan.text.korean.normalize`) folds known service names; this module
adds, per index:

* syllable-spacing repair: a run of three or more single-syllable Hangul words is joined;
* vocabulary spelling repair: a query word the knowledge base never uses, holding a syllable
  the knowledge base (almost) never uses, is replaced by the knowledge-base word at jamo edit
  distance 1 (2 for words of four syllables or more), the most frequent one when several are
  that close;
* a small alias table of English and former service names.

Each step is measured on its own noisy variant of the held-out queries by
``bench/bench_search.py`` against the unrepaired search.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

_S_BASE, _N_V, _N_T = 0xAC00, 21, 28
HANGUL_WORD = re.compile(r"[가-힣]+")

# English and former names -> the name the knowledge base uses (lower-case keys).
ALIASES: dict[str, str] = {
    "climate card": "기후동행카드", "climate pass": "기후동행카드",
    "climate companion card": "기후동행카드", "기후 카드": "기후동행카드",
    "seoul bike": "따릉이", "ddareungi": "따릉이", "ttareungi": "따릉이", "따릉이 bike": "따릉이",
    "public bike": "따릉이", "seoul pay": "서울페이", "zero pay": "제로페이",
    "tmoney": "티머니", "t-money": "티머니", "wrist doctor": "손목닥터9988",
    "youth allowance": "청년수당", "youth rent": "청년월세",
    "제로페이 상품권": "서울사랑상품권",
    "기동카": "기후동행카드", "서울형 유급병가": "서울형 입원 생활비 지원",
}
_ALIAS_RE = re.compile("|".join(re.escape(k) for k in sorted(ALIASES, key=len, reverse=True)),
                       re.IGNORECASE)


def jamo(word: str) -> str:
    """Hangul syllables decomposed into (lead, vowel, tail) code letters."""
    out = []
    for ch in word:
        code = ord(ch) - _S_BASE
        if 0 <= code < 11172:
            lead, vowel, tail = code // (_N_V * _N_T), (code % (_N_V * _N_T)) // _N_T, code % _N_T
            out.append(chr(0x1100 + lead) + chr(0x1161 + vowel) + (chr(0x11A7 + tail) if tail
                                                                    else ""))
        else:
            out.append(ch)
    return "".join(out)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        best = i
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            best = min(best, cur[j])
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def join_spaced_syllables(text: str) -> str:
    """"기 후 동 행 카 드 충 전" -> "기후동행카드충전" (runs of >= 3 one-syllable words)."""
    words = text.split()
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3:
            out.append("".join(run))
        else:
            out.extend(run)
        run.clear()

    for w in words:
        if len(w) == 1 and "가" <= w <= "힣":
            run.append(w)
        else:
            flush()
            out.append(w)
    flush()
    return " ".join(out)


def apply_aliases(text: str) -> str:
    return _ALIAS_RE.sub(lambda m: ALIASES[m.group(0).lower()], text)


RARE_SYLLABLE = 2  # a syllable seen this often or less in the KB's words marks a likely typo


class Speller:
    """Spelling repair against the words a knowledge base uses."""

    def __init__(self, words: Iterable[str]) -> None:
        self.counts: Counter[str] = Counter(w for w in words if len(w) >= 2)
        self._by_syllable: dict[str, set[str]] = defaultdict(set)
        self._jamo: dict[str, str] = {}
        self._memo: dict[str, str | None] = {}
        self.syllables: Counter[str] = Counter()
        for w, n in self.counts.items():
            for ch in w:
                self.syllables[ch] += n
        for w in self.counts:
            self._jamo[w] = jamo(w)
            for ch in set(w):
                self._by_syllable[ch].add(w)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def suspicious(self, word: str) -> bool:
        """Does ``word`` hold a syllable the knowledge base (almost) never uses? Typos make
        such syllables ("충젼", "환뷸", "신쳥"); a correct word the KB lacks ("정기권") is made
        of common ones and is left alone."""
        return any(self.syllables[ch] <= RARE_SYLLABLE for ch in word if "가" <= ch <= "힣")

    def correct(self, word: str) -> str | None:
        """The knowledge-base word ``word`` was probably meant to be, or None."""
        if len(word) < 2 or word in self.counts or not self.suspicious(word):
            return None
        if word in self._memo:
            return self._memo[word]
        limit = 1 if len(word) < 4 else 2
        # A word one or two jamo away keeps all but one or two of its syllables: count the
        # syllables each candidate shares before paying for an edit distance.
        shared: Counter[str] = Counter()
        for ch in set(word):
            for c in self._by_syllable.get(ch, ()):
                if abs(len(c) - len(word)) <= 1:
                    shared[c] += 1
        need = max(len(set(word)) - limit, 1)
        jw = jamo(word)
        best: tuple[int, int, str] | None = None
        for c, n in shared.items():
            if n < need:
                continue
            d = edit_distance(jw, self._jamo[c], limit)
            if d <= limit:
                key = (d, -self.counts[c], c)
                if best is None or key < best:
                    best = key
        out = best[2] if best else None
        if len(self._memo) > 50_000:
            self._memo.clear()
        self._memo[word] = out
        return out

    def fix(self, text: str) -> str:
        """Replace unknown Hangul words (or their stem before a particle) with the KB's word.
        A well-formed verb or adjective (:func:`inflected_predicate`) is replaced only by a
        word that starts with a noun (a typo'd name such as 핀대 -> 빈대 reads as a verb form
        too); never by another verb, adverb or ending (넓어져요 -> 넘어져요, 써서 -> 커서,
        걷어도 -> 얻어도, 떼는 -> 또는 were such "repairs" of spoken questions)."""

        def repl(m: re.Match[str]) -> str:
            w = m.group(0)
            if w in self.counts or len(w) < 2:
                return w
            fixed = self.correct(w)
            if fixed is None:
                # "충젼은", "환뷸하려면": try the word without its last one or two syllables
                for cut in (1, 2):
                    stem = w[:-cut]
                    if len(stem) >= 2 and stem not in self.counts:
                        fixed = self.correct(stem)
                        if fixed is not None:
                            fixed += w[-cut:]
                            break
            if fixed is None or (inflected_predicate(w) and not noun_first(fixed)):
                return w
            return fixed

        return HANGUL_WORD.sub(repl, text)


_PREDICATE_TAGS = ("VV", "VA", "VX")


def inflected_predicate(word: str) -> bool:
    """Is ``word`` an inflected verb or adjective (kiwi: it starts with a verb or adjective
    stem and goes on with endings), such as 넓어져요, 뽑는, 닳았어요?

    Speech and casual typing use everyday verbs whose syllables an administrative knowledge
    base rarely holds (넓, 닳, 긁): such a word is what the citizen said, not a typo of a
    knowledge-base word ("넓어져요" was read as "넘어져요"). The typos the speller is for make
    nouns kiwi does not know ("충젼", "신쳥하려면": a noun first), so they are still repaired.
    Only words the speller would change are analysed (a few per query at most)."""
    from dasan.text.korean import get_kiwi

    toks = get_kiwi().tokenize(word)
    if len(toks) < 2 or not str(toks[0].tag).startswith(_PREDICATE_TAGS):
        return False
    return all(str(t.tag).startswith(("E", "VX", "XS")) for t in toks[1:])


def noun_first(word: str) -> bool:
    """Does kiwi read ``word`` as starting with a noun (NN*)?"""
    from dasan.text.korean import get_kiwi

    toks = get_kiwi().tokenize(word)
    return bool(toks) and str(toks[0].tag).startswith("NN")


# What a caller says around the question on the phone (and a speech-to-text engine writes
# down): greetings and "I have a question" before it, "that is what I called to ask" and
# thanks after it. Written from how calls to a public call centre open and close; they carry
# no word of the question, but bm25 and the encoder weigh them (전화, 궁금, 감사).
_OPENING = re.compile(
    r"^(?:(?:여보세요|안녕하세요|안녕하십니까|수고하십니다|수고하세요|수고\s?많으십니다|"
    r"고생\s?많으십니다|(?:거기\s)?(?:다산\s?)?콜\s?센터(?:죠|지요|맞죠|인가요|예요|맞나요)?|"
    r"상담사님|다름이\s아니(?:라|고)|"
    r"(?:뭐\s)?(?:하나\s)?(?:좀\s)?(?:여쭤|물어)\s?볼(?:게요|께요|게\s있는데요?)|"
    r"네|예|아|저기요?|저)(?:[\s,.!?~]+|$))+")
_CLOSING = re.compile(
    r"(?:[\s,.]+(?:(?:그거|그게|그걸)\s)?(?:좀\s)?(?:여쭤\s?보려고|물어\s?보려고|알고\s?싶어서|궁금해서)"
    r"(?:요|\s?전화\s?(?:드렸|했|드린|한)\S*)?|[\s,.]+(?:네\s)?(?:감사합니다|고맙습니다)|[\s,.]+네)+"
    r"[\s.?!~]*$")


def strip_call_formulas(text: str) -> str:
    """``text`` without a phone call's opening (여보세요, 안녕하세요, 다산콜센터죠, 뭐 하나
    여쭤볼게요, 네, 저 ...) and closing (그거 좀 여쭤보려고 전화드렸어요, 궁금해서요, 네
    감사합니다); ``text`` itself when nothing else is left ("네 안녕하세요" is all formula)."""
    out = _CLOSING.sub("", _OPENING.sub("", text.strip())).strip()
    return out or text


def repair(text: str, speller: Speller | None) -> str:
    """All repairs, in order: a call's opening and closing formulas, aliases, syllable
    spacing, spelling."""
    text = join_spaced_syllables(apply_aliases(strip_call_formulas(text)))
    return speller.fix(text) if speller is not None else text
