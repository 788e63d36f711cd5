"""Query rewriting for the Korean knowledge base: a foreign question -> weighted Korean terms.

Two sources, no translation model (none with a licence ships in a registry package):

- The lexicon: the glossary (glossary.json: the KB's programme names) and the project-written
  lexicon of the city's civil-service vocabulary (lexicon/*.jsonl: one Korean word per line with
  the words and phrases people type for it in en/zh/ja/vi/mn, or ``"skip": true``; part-c holds
  everyday words residents use to tell their situation: a landlord, a neighbour's noise, a
  towed car, a funeral). Matching is
  longest-first and non-overlapping: over words for English (with simple lemmatising:
  "applying", "applied", "applications" find "apply"/"application"), Vietnamese (also without
  its diacritics when the question is typed without any) and Mongolian (an alias word of at
  least MN_STEM_MIN letters also matches as the start of a longer word: case endings), over
  characters for Chinese and Japanese.
- Sino-Korean readings (hangul_readings.tsv, built from Unihan and OpenCC by
  scripts/build_hangul_readings.py): the Chinese characters the lexicon did not cover are read
  as Korean (申请 -> 신청, 高齢者 -> 고령자); Korean administrative words are mostly
  Sino-Korean, so the character-bigram and morpheme scorers match them. A reading weighs less
  than a lexicon term (READING_WEIGHT).

Every file is optional: without the lexicon files the glossary alone is used; without the
readings table Chinese and Japanese get the lexicon's terms only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dasan.channels.translation.glossary import FOREIGN, GLOSSARY_FILE, MN_STEM_MIN, Term
from dasan.channels.translation.learnt import LEARNT_WEIGHT, learnt_terms

HERE = Path(__file__).parent
LEXICON_DIR = HERE / "lexicon"
READINGS_FILE = HERE / "hangul_readings.tsv"
# English function words: alone, an alias that is one of them says nothing about the question
# ("about" is listed for 관련, 정도, 소개 and 내외; "for" for 동안); inside a phrase they count.
_EN_FUNCTION = ("a an the for about of in on at to with by from up out into as is are be do does "
                "i my me you your it its we our they their this that these those and or but if "
                "so there here some any")
EN_FUNCTION_WORDS = frozenset(_EN_FUNCTION.split())
# The same for Vietnamese ("không" ends a yes/no question, listed for 제로; "có" for 소지).
_VI_FUNCTION = ("không có là của và cho để với những các một này đó thì mà về trong đến từ ở tại "
                "tôi bạn anh chị em")
VI_FUNCTION_WORDS = frozenset(_VI_FUNCTION.split())
FUNCTION_WORDS = {"en": EN_FUNCTION_WORDS, "vi": VI_FUNCTION_WORDS}
READING_WEIGHT = 0.5
# Chinese particles and pronouns, which are not part of a Sino-Korean word: they split a run of
# characters before it is read (我的护照 -> 护照). Characters that are also morphemes of
# administrative words stay (要 in 要件 요건, 会 in 会员 회원, 对 in 对象 대상, 就 in 就业 취업).
ZH_BREAK = frozenset("的了吗呢吧啊呀我你他她它们这那哪么怎谁很")


@dataclass(frozen=True, slots=True)
class KoreanTerm:
    ko: str
    weight: float
    source: str  # "lexicon", "reading" or "learnt"


def _rows(paths: Iterable[Path]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in paths:
        if not path.is_file():
            continue
        if path.suffix == ".json":
            rows += json.loads(path.read_text(encoding="utf-8"))
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def lexicon_paths(lexicon_dir: Path = LEXICON_DIR) -> tuple[Path, ...]:
    """The glossary first, then every lexicon/*.jsonl in name order."""
    extra = sorted(lexicon_dir.glob("*.jsonl")) if lexicon_dir.is_dir() else []
    return (GLOSSARY_FILE, *extra)


@lru_cache(maxsize=4)
def load_entries(paths: tuple[Path, ...] | None = None) -> tuple[Term, ...]:
    out = []
    for row in _rows(paths if paths is not None else lexicon_paths()):
        ko = row.get("ko")
        if not isinstance(ko, str) or not ko.strip() or row.get("skip"):
            continue
        aliases = {}
        for lang in FOREIGN:
            values = row.get(lang) or ()
            items: list[object] = [values] if isinstance(values, str) else \
                list(values) if isinstance(values, list | tuple) else []
            aliases[lang] = tuple(v.strip() for v in items if isinstance(v, str) and v.strip())
        out.append(Term(ko.strip(), aliases))
    return tuple(out)


# --- words (en, vi, mn) ---------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def strip_marks(text: str) -> str:
    """Vietnamese without its diacritics ("thẻ" -> "the", "đ" -> "d")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def en_forms(word: str) -> set[str]:
    """The word and the lemmas it may be an inflection of (no dictionary: all candidates)."""
    w = word.lower()
    out = {w}
    if len(w) > 3 and w.endswith("ies"):
        out.add(w[:-3] + "y")
    if len(w) > 3 and w.endswith("es"):
        out.add(w[:-2])
    if len(w) > 2 and w.endswith("s") and not w.endswith("ss"):
        out.add(w[:-1])
    if len(w) > 4 and w.endswith("ied"):
        out.add(w[:-3] + "y")
    if len(w) > 3 and w.endswith("ed"):
        out |= {w[:-2], w[:-1]}
        if len(w) > 4 and w[-3] == w[-4]:
            out.add(w[:-3])  # stopped -> stop
    if len(w) > 4 and w.endswith("ing"):
        out |= {w[:-3], w[:-3] + "e"}
        if len(w) > 5 and w[-4] == w[-5]:
            out.add(w[:-4])  # running -> run
    return out


@dataclass(frozen=True, slots=True)
class _WordAlias:
    words: tuple[str, ...]
    kos: tuple[str, ...]


def _key(word: str, lang: str, plain: bool) -> str:
    w = word.lower()
    return strip_marks(w) if plain else w


@lru_cache(maxsize=32)
def _word_index(lang: str, plain: bool, paths: tuple[Path, ...] | None = None
                ) -> dict[str, list[_WordAlias]]:
    """First alias word (or its Mongolian stem) -> aliases starting with it, longest first."""
    kos: dict[tuple[str, ...], list[str]] = {}
    stops = {_key(w, lang, plain) for w in FUNCTION_WORDS.get(lang, ())}
    for e in load_entries(paths):
        for alias in e.aliases.get(lang, ()):
            words = tuple(_key(w, lang, plain) for w in _WORD.findall(alias))
            if not words or (len(words) == 1 and words[0] in stops):
                continue
            forms = [words]
            if lang == "mn" and mn_fleeting(words[-1]) != words[-1]:
                forms.append((*words[:-1], mn_fleeting(words[-1])))
            for form in forms:
                kos.setdefault(form, [])
                if e.ko not in kos[form]:
                    kos[form].append(e.ko)
    index: dict[str, list[_WordAlias]] = {}
    for words, ko in kos.items():
        index.setdefault(words[0], []).append(_WordAlias(words, tuple(ko)))
    for aliases in index.values():
        aliases.sort(key=lambda a: -len(a.words))
    return index


_MN_VOWELS = set("аэиоуөүяеёюы")


def mn_fleeting(word: str) -> str:
    """A Mongolian noun's stem before a case ending, when its last vowel drops
    ("өргөдөл" -> "өргөдл-" in "өргөдлийг"); the word itself otherwise. Only for words of at
    least MN_STEM_MIN + 1 letters ending consonant-vowel-consonant."""
    if len(word) <= MN_STEM_MIN or len(word) < 3:
        return word
    a, v, b = word[-3], word[-2], word[-1]
    if a not in _MN_VOWELS and v in _MN_VOWELS and b not in _MN_VOWELS and b.isalpha() \
            and b not in "ьъй":
        return word[:-2] + b
    return word


def _word_matches(text_word: str, alias_word: str, lang: str) -> bool:
    if lang == "mn" and len(alias_word) >= MN_STEM_MIN:
        return text_word.startswith(alias_word)
    return text_word == alias_word


def _mn_heads(word: str, index: dict[str, list[_WordAlias]]) -> list[str]:
    heads = [word] if word in index else []
    heads += [word[:n] for n in range(len(word) - 1, MN_STEM_MIN - 1, -1) if word[:n] in index]
    return heads


def _word_terms(text: str, lang: str, paths: tuple[Path, ...] | None) -> list[str]:
    words = _WORD.findall(text)
    plain = lang == "vi" and all(strip_marks(w) == w for w in words)
    index = _word_index(lang, plain, paths)
    keys = [_key(w, lang, plain) for w in words]
    out: list[str] = []
    i = 0
    while i < len(keys):
        if lang == "en":
            forms = [keys[i], *sorted(en_forms(keys[i]) - {keys[i]})]
            heads = [f for f in forms if f in index]
        elif lang == "mn":
            heads = _mn_heads(keys[i], index)
        else:
            heads = [keys[i]] if keys[i] in index else []
        best: _WordAlias | None = None
        for head in heads:
            for alias in index[head]:
                n = len(alias.words)
                if best is not None and n <= len(best.words):
                    break
                if i + n > len(keys):
                    continue
                if all(_rest_matches(keys[i + j], alias.words[j], lang) for j in range(1, n)):
                    best = alias
                    break
        if best is None:
            i += 1
            continue
        out += best.kos
        i += len(best.words)
    return out


def _rest_matches(text_word: str, alias_word: str, lang: str) -> bool:
    if lang == "en":
        return alias_word in en_forms(text_word)
    return _word_matches(text_word, alias_word, lang)


# --- characters (zh, ja) --------------------------------------------------------------------


@lru_cache(maxsize=8)
def _char_index(lang: str, paths: tuple[Path, ...] | None = None
                ) -> tuple[dict[str, tuple[str, ...]], int]:
    kos: dict[str, list[str]] = {}
    for e in load_entries(paths):
        for alias in e.aliases.get(lang, ()):
            alias = alias.replace(" ", "")
            if len(alias) < 2 and not _is_han(alias):
                continue  # a lone kana or letter would match everywhere
            kos.setdefault(alias, [])
            if e.ko not in kos[alias]:
                kos[alias].append(e.ko)
    longest = max((len(a) for a in kos), default=0)
    return {a: tuple(k) for a, k in kos.items()}, longest


def _is_han(text: str) -> bool:
    return bool(text) and all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
                              for ch in text)


def _char_terms(text: str, lang: str, paths: tuple[Path, ...] | None
                ) -> tuple[list[str], list[tuple[int, int]]]:
    """Lexicon terms found in CJK text, and the spans they cover."""
    index, longest = _char_index(lang, paths)
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 0, -1):
            kos = index.get(text[i:i + n])
            # a single character matches only when the lexicon lists it alone on purpose
            if kos is not None:
                out += kos
                spans.append((i, i + n))
                i += n
                break
        else:
            i += 1
    return out, spans


@lru_cache(maxsize=2)
def load_readings(path: Path = READINGS_FILE) -> dict[str, tuple[str, ...]]:
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        ch, readings = line.split("\t", 1)
        out[ch] = tuple(readings.split())
    return out


# Korean's initial-sound rule: a word does not start with ㄹ (or ㄴ before i/y), so 料金 is
# 요금, not 료금, and 利用 is 이용.
_DOOEUM = {"라": "나", "래": "내", "로": "노", "뢰": "뇌", "루": "누", "르": "느",
           "랴": "야", "려": "여", "례": "예", "료": "요", "류": "유", "리": "이", "륙": "육",
           "률": "율", "륜": "윤", "력": "역", "련": "연", "렬": "열", "령": "영", "록": "녹",
           "론": "논", "롱": "농", "룡": "용", "락": "낙", "란": "난", "람": "남", "랑": "낭",
           "략": "약", "량": "양", "림": "임", "립": "입", "린": "인", "녀": "여", "뇨": "요",
           "뉴": "유", "니": "이", "년": "연", "념": "염", "녕": "영"}


def initial(syllable: str) -> str:
    return _DOOEUM.get(syllable, syllable)


def han_runs(text: str, lang: str) -> list[str]:
    """Runs of Chinese characters, split at kana, punctuation and (Chinese) function words."""
    breaks = ZH_BREAK if lang == "zh" else frozenset()
    runs, cur = [], ""
    for ch in text:
        if _is_han(ch) and ch not in breaks:
            cur += ch
        else:
            if cur:
                runs.append(cur)
            cur = ""
    if cur:
        runs.append(cur)
    return runs


def read_han(run: str, readings: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """Korean readings of a run of characters: the main reading of the whole run (initial
    sound rule on its first syllable), then two-syllable words for the second readings and for
    a word that may start inside the run (its initial sound rule applied)."""
    table = load_readings() if readings is None else readings
    sylls = [table.get(ch, ()) for ch in run]
    if not any(sylls):
        return []
    main = "".join(s[0] if s else " " for s in sylls).split()
    out = [initial(w[0]) + w[1:] for w in main if w]
    extra: list[str] = []
    for i in range(len(sylls) - 1):
        a, b = sylls[i], sylls[i + 1]
        if not a or not b:
            continue
        for x in a:
            for y in b:
                word = x + y
                if (x, y) != (a[0], b[0]):
                    extra.append(word)
                if initial(x) != x and i > 0:
                    extra.append(initial(x) + y)
    return out + [w for w in dict.fromkeys(extra) if w not in out]


# --- the whole rewrite ----------------------------------------------------------------------


def korean_terms(text: str, lang: str, *, readings: bool = True,
                 paths: tuple[Path, ...] | None = None, learnt: bool = True,
                 table: Mapping[str, Mapping[str, Sequence[str]]] | None = None
                 ) -> list[KoreanTerm]:
    """Weighted Korean terms for a question in `lang` (en/zh/ja/vi/mn), each once: the
    lexicon's in order of appearance, then the readings, then (``learnt``) the words the
    table learnt from the editors' gists gives it (``table``: that table instead of the
    shipped one, learnt.TABLE_FILE); [] for another language or when nothing is known."""
    if lang not in FOREIGN or not text.strip():
        return []
    terms: list[KoreanTerm] = []
    if lang in ("zh", "ja"):
        found, spans = _char_terms(text, lang, paths)
        terms += [KoreanTerm(k, 1.0, "lexicon") for k in found]
        if readings and load_readings():
            rest = list(text)
            for s, e in spans:
                rest[s:e] = " " * (e - s)
            for run in han_runs("".join(rest), lang):
                terms += [KoreanTerm(w, READING_WEIGHT, "reading") for w in read_han(run)]
        # Latin words inside a CJK question ("T-money", "ID")
        words = " ".join(w for w in _WORD.findall(text) if w.isascii())
        if words:
            terms += [KoreanTerm(k, 1.0, "lexicon") for k in _word_terms(words, "en", paths)]
    else:
        terms += [KoreanTerm(k, 1.0, "lexicon") for k in _word_terms(text, lang, paths)]
    if learnt:
        terms += [KoreanTerm(k, LEARNT_WEIGHT, "learnt") for k in learnt_terms(text, lang, table)]
    seen: set[str] = set()
    out = []
    for t in terms:
        if t.ko not in seen:
            seen.add(t.ko)
            out.append(t)
    return out


def korean_text(text: str, lang: str, *, readings: bool = True, learnt: bool = True,
                table: Mapping[str, Mapping[str, Sequence[str]]] | None = None) -> str:
    """The Korean terms of `korean_terms` as one search string ("" when none)."""
    return " ".join(t.ko for t in korean_terms(text, lang, readings=readings, learnt=learnt,
                                               table=table))
