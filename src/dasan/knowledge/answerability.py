"""Answerability: may the chatbot answer a citizen with this entry, or is it a reference record?

A *standard answer* is a general rule any citizen can act on. A *reference record* stays
visible to agents but the bot never answers with it:

* ``case``      -- a reply letter to one citizen (귀하, 신청하신 민원, 접수번호) or an entry that
  names a person (김OO 주무관, 대표자 : 홍길동);
* ``stale``     -- a past edition of a yearly programme (``2023 서울형 가사서비스``), a dated
  schedule or figure years old (``2018년 2월 26일 행사``, ``2014년도 본예산``), an entry that says
  the service ended (행사종료, 운영 중단, 건물폐쇄), or one past its validity date;
* ``call_only`` -- the answer only says whom to call (``티머니고객센터(1644-0088)로 문의하시면
  됩니다``).

Two layers, both measured on a hand-labelled sample of the real FAQ
(``bench/data/answerability_labels.jsonl``, tune / hold-out splits; ``bench/bench_answer.py``):

* :func:`rule_reasons` -- hard rules; any hit makes the entry a reference record;
* :class:`AnswerabilityModel` -- a logistic regression over a dozen numeric features of the
  entry (:func:`features`), fitted on the tune split, for the cases the rules do not name.

Entries where the two disagree, or where the model is unsure, go to the editors' review queue.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

Verdict = str  # "standard" | "reference"
REASONS = ("case", "stale", "call_only")

# -- case-specific reply letters ----------------------------------------------------------

_CASE_LETTER = re.compile(
    r"귀하|신청하신\s*민원|제기하신\s*민원|응답소\s*(?:\([^)]*\)\s*)?(?:를|을)?\s*통(?:해|하여)|"
    r"접수\s*번호\s*[:：]?\s*\d|민원\s*번호\s*[:：]?\s*\d|선생님께서|담당자님께서|"
    r"질의하신\s*내용|문의하신\s*(?:민원|내용에\s*대하여)")
# "김주희 주무관", "권선조주무관", "박진희주무관님", "담당 : 김주일", "대표자 : 윤태순"
_NAMED_OFFICIAL = re.compile(r"(?<![가-힣])([가-힣]{3})\s?(?:주무관|팀장님|과장님)")
_NAMED_FIELD = re.compile(r"(?:담당|대표자|담당자)\s*[:：]\s*([가-힣]{3})(?![가-힣])")
_NOT_A_NAME = ("담당", "해당", "관할", "지자체", "업무", "관련", "시청", "구청", "부서", "각각")

# -- staleness ------------------------------------------------------------------------------

# "[대시민용] 2023 서울형 가사서비스 지원사업, ..." / "2024 청년 임차보증금" / "2023년 상반기 ..."
_EDITION = re.compile(r"^\s*(?:\[[^\]]*\]\s*,?\s*)?(20\d\d)\s*년?\s*(?:도\s*)?(?:상반기|하반기)?\s")
_ENDED = re.compile(
    r"행사\s*종료|사업\s*(?:은|이)?\s*종료|종료\s*(?:되었|됐|될\s*예정)|운영\s*중단|\[?\s*미운영|"
    r"건물\s*폐쇄|추가\s*모집\s*예정\s*없|현재\s*(?:는\s*)?운영하지\s*않|추진\s*계획\s*없")
# A year close to a word that dates the statement: schedules, plans, "as checked on".
_DATED_YEAR = re.compile(
    r"(?:(?:기간|일시|일정|모집|접수|행사|개최|예정|기준|올해|본예산|목표|공고|오는|향후)"
    r"[^0-9]{0,12}(20\d\d|19\d\d)\s*[.년])|"
    r"(?:(20\d\d|19\d\d)\s*(?:[.]|년도?)[^가-힣]{0,14}[가-힣\s]{0,24}"
    r"(?:기준|예정|개최|모집|접수|본예산|목표|상반기|하반기|완공|준공))")
STALE_AFTER_YEARS = 2  # a dated statement older than this (in calendar years) is stale

# -- call-only answers ----------------------------------------------------------------------

_PHONE = re.compile(r"\(?☎?\s*\d{2,4}\)?[-\s.)]*\d{3,4}[-\s.]*\d{4}(?:\s*[~∼]\s*\d+)?|"
                    r"\b1\d{3}-\d{4}\b|\b02-120\b|\b120\b")
_URL = re.compile(r"https?://\S+|www\.\S+|\S+\.(?:go|or|co)\.kr\S*")
_CONTACT = re.compile(r"문의|연락\s*(?:처|하|주|바|드)|전화\s*(?:로|번호|문의|상담|주|하)|콜센터|"
                      r"고객센터|상담\s*(?:센터|전화)|다산콜|안내\s*받")
_SENTENCE = re.compile(r"(?<=[다요음함됨]\.)|\s*[○▣※]\s*|\s+-\s+|\n+")


def _hangul(text: str) -> int:
    return sum(1 for c in text if "가" <= c <= "힣")


def contact_residue(answer: str) -> float:
    """Share of the answer's Hangul left after dropping sentences about whom to contact."""
    total = _hangul(answer)
    if total == 0:
        return 0.0
    kept = [s for s in _SENTENCE.split(_URL.sub(" ", _PHONE.sub(" ", answer)))
            if s and not _CONTACT.search(s)]
    return sum(_hangul(s) for s in kept) / total


def edition_year(title: str) -> int | None:
    m = _EDITION.match(title.replace("[대시민용]", "[대시민용] ").replace(",", " , ", 1))
    return int(m.group(1)) if m else None


def dated_years(text: str) -> list[int]:
    out = []
    for m in _DATED_YEAR.finditer(text):
        y = m.group(1) or m.group(2)
        if y:
            out.append(int(y))
    return out


def named_people(text: str) -> list[str]:
    names = [m.group(1) for m in _NAMED_OFFICIAL.finditer(text)]
    names += [m.group(1) for m in _NAMED_FIELD.finditer(text)]
    return [n for n in names if not any(n.startswith(p) or n.endswith(p) for p in _NOT_A_NAME)]


@dataclass(frozen=True, slots=True)
class EntryText:
    """What answerability looks at."""

    title: str
    answer: str
    program: str | None = None
    valid_to: date | None = None


def rule_reasons(entry: EntryText, as_of: date) -> list[str]:
    """Reasons (from :data:`REASONS`) the hard rules find; empty = no rule fired."""
    reasons: list[str] = []
    answer = entry.answer or ""
    if _CASE_LETTER.search(answer) or named_people(answer):
        reasons.append("case")
    ed = edition_year(entry.title)
    dated = dated_years(answer)
    if ((entry.valid_to is not None and entry.valid_to < as_of)
            or (ed is not None and ed <= as_of.year - STALE_AFTER_YEARS)
            or _ENDED.search(answer)
            or (dated and max(dated) <= as_of.year - STALE_AFTER_YEARS - 1)):
        reasons.append("stale")
    if answer.strip() and len(answer) < 220 and contact_residue(answer) < 0.2:
        reasons.append("call_only")
    return reasons


FEATURE_NAMES = (
    "case_letter", "named_person", "edition_age", "dated_age", "ended", "contact_residue",
    "log_len", "greeting", "n_years", "old_year_share", "plan_words", "bias",
)


def features(entry: EntryText, as_of: date) -> list[float]:
    answer = entry.answer or ""
    ed = edition_year(entry.title)
    dated = dated_years(answer)
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d|19\d\d)(?=\s*[.년])", answer)]
    old = [y for y in years if y <= as_of.year - STALE_AFTER_YEARS]
    return [
        float(len(_CASE_LETTER.findall(answer))),
        float(len(named_people(answer))),
        float(min(max(as_of.year - ed, 0), 10)) if ed else 0.0,
        float(min(max(as_of.year - max(dated), 0), 15)) if dated else 0.0,
        1.0 if _ENDED.search(answer) else 0.0,
        contact_residue(answer),
        math.log1p(len(answer)),
        1.0 if re.match(r"\s*[○]?\s*안녕하(?:십니까|세요)", answer) else 0.0,
        float(len(years)),
        len(old) / len(years) if years else 0.0,
        float(len(re.findall(r"예정|계획|추진\s*중|올해|금년|내년", answer))),
        1.0,
    ]


@dataclass(frozen=True, slots=True)
class AnswerabilityModel:
    """``p(reference) = sigmoid(w . features)``; weights fitted by ``bench/bench_answer.py`` on
    the tune split of the labelled sample (see :data:`FEATURE_NAMES`)."""

    weights: tuple[float, ...] = (
        1.42, 1.75, 2.28, 0.29, 0.4, -1.54, -0.43, 0.49, 0.38, 1.05, 0.0, 0.8,
    )
    threshold: float = 0.5
    unsure_low: float = 0.3
    unsure_high: float = 0.7

    def probability(self, entry: EntryText, as_of: date) -> float:
        z = sum(w * x for w, x in zip(self.weights, features(entry, as_of), strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


DEFAULT_MODEL = AnswerabilityModel()


@dataclass(frozen=True, slots=True)
class Assessment:
    verdict: Verdict  # standard | reference
    reasons: tuple[str, ...]
    probability: float  # the model's p(reference)
    needs_review: bool  # rules and model disagree, or the model is unsure


def assess(entry: EntryText, as_of: date, model: AnswerabilityModel = DEFAULT_MODEL,
           use_rules: bool = True, use_model: bool = True) -> Assessment:
    """Rules first (any hit = reference), then the model for what the rules do not name."""
    reasons = rule_reasons(entry, as_of) if use_rules else []
    p = model.probability(entry, as_of) if use_model else 0.0
    if not (entry.answer or "").strip():
        return Assessment("reference", ("no_answer",), p, False)
    by_model = use_model and p >= model.threshold
    verdict = "reference" if reasons or by_model else "standard"
    if by_model and not reasons:
        reasons = ["model"]
    unsure = use_model and model.unsure_low <= p < model.unsure_high
    disagree = use_rules and use_model and bool(rule_reasons(entry, as_of)) != by_model
    return Assessment(verdict, tuple(reasons), p, unsure or disagree)
