"""Train the name scorer of ``dasan.text.pii_name_model`` (issue 12) and write its weights.

Run: ``uv run --frozen python -m bench.train_pii_names`` (``--cv`` prints recall and false
masks per threshold on 5 folds of the labelled sets first; ``--write`` stores the weights).

Training data (hold-out H, ``pii_v2_holdout_h.jsonl``, is never read):

* the labelled PII sets that have been tuned on: the tune split, hold-outs A..G and the issue-3
  sets; every candidate that is exactly a gold name is positive, every other one negative;
* generated sentences: templates of how citizens and agents say names (written here, not taken
  from any hold-out), each filled with a generated name (a surname drawn by its frequency, one or
  two given-name syllables, some that are also common words: 하나, 사랑, 보람) and, in the
  look-alike templates, with common words of a name's shape (이사, 정말, 김치, 신청);
* Korean texts with no personal names (knowledge-base answers, citizen queries, transcripts):
  every candidate in them is negative, and their frequent words make the common-word list.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

from bench.pii_scoring import gold_spans, load_items
from dasan.config import PROJECT_ROOT
from dasan.text import pii, pii_name_model

DATA = PROJECT_ROOT / "bench" / "data"
LABELLED = ("pii_v2_tune.jsonl", "pii_v2_holdout.jsonl", "pii_v2_holdout_b.jsonl",
            "pii_v2_holdout_c.jsonl", "pii_v2_holdout_d.jsonl", "pii_v2_holdout_e.jsonl",
            "pii_v2_holdout_f.jsonl", "pii_v2_holdout_g.jsonl", "pii_labelled.jsonl",
            "pii_labelled_holdout.jsonl")

# Surnames by rough frequency (the 2015 census order, rounded); the rest share the tail.
_SURNAME_WEIGHTS = {"김": 21, "이": 15, "박": 8, "최": 5, "정": 5, "강": 2.4, "조": 2.1,
                    "윤": 2.1, "장": 2, "임": 1.7, "한": 1.5, "오": 1.5, "서": 1.5, "신": 1.5,
                    "권": 1.4, "황": 1.4, "안": 1.4, "송": 1.3, "류": 1.2, "전": 1.1, "홍": 1.1}
_WORDLIKE_GIVEN = str.split("하나 사랑 보람 슬기 나라 한결 하늘 별 솔 다운 아름 진주 소라 미소 "
                            "보배 가람 새롬 은비 초롱 태양 승리 기쁨 누리 바다 구름 한빛 단비")
_FOREIGN = str.split("뚜엉 흐엉 라흐마트 마리아 왕웨이 장웨이 리밍 응우옌 타냐 안드레이 "
                     "사라 다니엘 프리야 아흐메드 니콜라이 린 투이 마이 호앙 수닐 바투")

# {N} is the name. Forms of consultation talk: chat, SMS, call transcripts, web Q&A.
POSITIVE_TEMPLATES = str.split("""
저는_{N}입니다 저는_{N}이라고_합니다 제_이름은_{N}이에요 제_이름이요?_{N}이요
{N}_씨_계세요? {N}_님_맞으시죠? {N}_고객님_본인이세요? {N}_선생님께_여쭤보래요
{N}씨가_어제_왔었어요 {N}님_서류가_도착했습니다 네_{N}입니다 {N}이라고_하는데요
성함이_{N}_맞으세요? 성함은_{N}이고요 이름:_{N} 신청인_{N} 보호자_{N}입니다
제_동생_{N}이_신청했어요 우리_아들_{N}이가_아파요 남편은_{N}이고요 아내_{N}_명의예요
{N}_학생_어머니입니다 {N}_어르신_댁이죠? {N}_주무관님_계신가요 {N}_팀장님_연결해_주세요
받는_사람_{N} 보내는_사람:_{N} {N}_드림 {N}_올림 {N}_귀하 수취인은_{N}입니다
예금주_{N} 예금주는_{N}으로_되어_있어요 명의자는_{N}이에요 세입자_{N}_씨요
{N}라는_사람이_찾아왔어요 {N}이라는_분이요 아까_{N}_씨랑_통화했어요
상담사_{N}입니다 담당자_{N}_주무관입니다 {N}_님께서_접수하신_건이요
[안내]_{N}님,_신청이_완료되었습니다 {N}님_안녕하세요_다산콜입니다
어머니_성함은_{N}이세요 할머니가_{N}이신데요 친구_{N}가_대신_전화했어요
{N}_앞으로_고지서가_왔어요 {N}_이름으로_예약했어요 {N}로_예약돼_있어요
고객_{N},_문의_내용 환자_{N}_보호자입니다 {N}하고_같이_갈게요 {N}랑_저랑요
""")
NEGATIVE_TEMPLATES = str.split("""
{W}_때문에_전화했어요 {W}_씨앗을_나눠_준대요 {W}_관련_문의예요 {W}이에요_정말로
{W}_신청은_어디서_해요? {W}_님_안내문 {W}가_안_돼요 {W}는_어떻게_해요?
""")
_LOOKALIKES = str.split(
    "이사 정말 김치 김장 신청 이번 정도 이상 이하 주차 고객 상담 구청 시청 주민 한강 장애 "
    "전기 수도 문의 공원 도로 민원 조회 진짜 지금 지원 우리 저희 안내 확인 접수 연락 서울 "
    "한국 강남 송파 임대 전세 월세 보험 금액 부모 자녀 이웃 경비 관리 소장 유리 하나 모두 "
    "전화 방문 차량 신고 한번 오늘 내일 어제 조금 사진 서류 남편 아내 이름 성함 노인 청년 "
    "정부 공공 구민 시민 공단 소방 경찰 병원 학교 교육 주택 아파트 빌라 상가 시장 마트")


def _corpus_texts() -> list[str]:
    out: list[str] = []
    kb = PROJECT_ROOT / "tests" / "integration" / "channels" / "kb_channels.json"
    for entry in json.loads(kb.read_text(encoding="utf-8")):
        out.append(entry["answer"])
        out.extend(entry.get("question_variants", []))
    for name in ("reference_queries.jsonl", "paraphrase_queries.jsonl", "ood_queries.jsonl",
                 "answerability_labels.jsonl"):
        for row in load_items(DATA / name):
            out.extend(str(row[k]) for k in ("query", "title") if k in row)
    for row in load_items(DATA / "transcripts.jsonl"):
        out.extend(turn["body"] for turn in row["turns"])
    return out


def common_words(texts: Iterable[str]) -> list[str]:
    """Words (and words without a name-like ending) seen at least twice in name-free texts."""
    counts: Counter[str] = Counter()
    for text in texts:
        for _, _, word in pii_name_model._hangul_words(text):
            stems = {word} | {word[:n] for n in (2, 3) if word[n:] in pii_name_model.ENDINGS}
            counts.update(s for s in stems if 2 <= len(s) <= 4)
    return sorted(w for w, c in counts.items() if c >= 2)


def kiwi_lexicon(texts: Iterable[str]) -> dict[str, str]:
    """Two-syllable strings that kiwi's dictionary reads as one word, with its tag and band
    (``pii_name_model.lexicon_tag``): a surname then any syllable common in the name-free texts
    (이사, 김치, 표기 are words; 민수, 지은 are proper nouns), and every pair of given-name
    syllables (사랑, 하늘 are words). Built here, offline; masking only looks the strings up."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    syllables: Counter[str] = Counter(ch for t in texts for ch in t if "가" <= ch <= "힣")
    common = sorted(ch for ch, c in syllables.items() if c >= 3)
    singles = sorted(s for s in pii.SURNAME_SET if len(s) == 1)
    given = sorted(pii.GIVEN_SYLLABLES)
    strings = {s + ch for s in singles for ch in sorted(set(common) | set(given))}
    strings |= {a + b for a in given for b in given}
    # three- and four-syllable words that start like a name, from the name-free texts
    strings |= {w[:n] for t in texts for _, _, w in pii_name_model._hangul_words(t)
                for n in (3, 4) if len(w) >= n and (w[0] in pii.SURNAME_SET
                                                    or w[:2] in pii.COMPOUND_SURNAMES)}
    out: dict[str, str] = {}
    for word in sorted(strings):
        tokens = kiwi.tokenize(word)
        if len(tokens) == 1 and tokens[0].form == word:
            out[word] = pii_name_model.lexicon_tag(tokens[0].tag.split("-")[0], tokens[0].score)
    return out


def _pack(lexicon: dict[str, str]) -> dict[str, str]:
    packed: dict[str, list[str]] = {}
    for word, tag in sorted(lexicon.items()):
        packed.setdefault(f"{len(word)}/{tag}", []).append(word)
    return {tag: "".join(words) for tag, words in sorted(packed.items())}


def _name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.06:
        return rng.choice(_FOREIGN)
    if r < 0.14:
        sur = rng.choice(sorted(pii.COMPOUND_SURNAMES))
    elif r < 0.45:
        sur = rng.choice(sorted(pii.SURNAME_SET - pii.COMPOUND_SURNAMES))
    else:
        sur = rng.choices(list(_SURNAME_WEIGHTS), weights=list(_SURNAME_WEIGHTS.values()))[0]
    if rng.random() < 0.15:
        return sur + rng.choice(_WORDLIKE_GIVEN)
    syllables = sorted(pii.GIVEN_SYLLABLES)
    n = 1 if rng.random() < 0.12 else 2
    return sur + "".join(rng.choice(syllables) for _ in range(n))


def generated(rng: random.Random, n: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for _ in range(n):
        name = _name(rng)
        text = rng.choice(POSITIVE_TEMPLATES).replace("_", " ")
        # the particle after a name follows its last syllable's final consonant
        if (ord(name[-1]) - 0xAC00) % 28 == 0:
            for a, b in (("{N}이에요", "{N}예요"), ("{N}이라고", "{N}라고"), ("{N}이요", "{N}요"),
                         ("{N}이고요", "{N}고요"), ("{N}이가", "{N}가"), ("{N}이라는", "{N}라는"),
                         ("{N}이신데요", "{N}신데요"), ("{N}이세요", "{N}세요"),
                         ("{N}으로", "{N}로"), ("{N}이고", "{N}고"), ("{N}이", "{N}가")):
                text = text.replace(a, b)
        text = text.replace("{N}", name)
        items.append({"text": text, "pii": [{"type": "name", "value": name}]})
    for _ in range(n // 3):
        text = rng.choice(NEGATIVE_TEMPLATES).replace("_", " ").replace(
            "{W}", rng.choice(_LOOKALIKES))
        items.append({"text": text, "pii": []})
    return items


def examples(items: Iterable[dict[str, Any]], common: frozenset[str], lexicon: dict[str, str]
             ) -> tuple[list[list[str]], list[int]]:
    """Features and labels: a candidate is a name when it is exactly a gold name, or when it
    has no Korean surname and lies inside one (산토스 in 마리아 산토스)."""
    xs: list[list[str]] = []
    ys: list[int] = []
    for item in items:
        gold = [(s, e) for t, s, e in gold_spans(item) if t == "name"]
        for start, end, feats in pii_name_model.candidates(item["text"], common, lexicon):
            xs.append(feats)
            ys.append(int((start, end) in gold or "sur=none" in feats and any(
                gs <= start and end <= ge for gs, ge in gold)))
    return xs, ys


def fit(xs: list[list[str]], ys: list[int]) -> tuple[dict[str, float], float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f in xs])
    model = LogisticRegression(C=0.5, max_iter=2000)
    model.fit(x, ys)
    weights = {name: round(float(w), 4) for name, w in zip(vec.feature_names_, model.coef_[0],
                                                          strict=True) if abs(w) >= 1e-3}
    return weights, float(model.intercept_[0])


def _labelled() -> list[dict[str, Any]]:
    return [row for name in LABELLED for row in load_items(DATA / name)]


def cross_validate(common: frozenset[str], lexicon: dict[str, str],
                   background: list[dict[str, Any]], show: float | None = None) -> None:
    """5 folds over the labelled items (generated and name-free texts always train): name recall
    and false masks of the scorer alone, per threshold."""
    items = _labelled()
    random.Random(3).shuffle(items)
    folds = [items[i::5] for i in range(5)]
    thresholds = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    hits = Counter[float]()
    false = Counter[float]()
    total = 0
    rules_only = tuple(r for r in pii.RECOGNISERS if r is not pii_name_model.scored_names)
    saved = pii.RECOGNISERS
    pii.RECOGNISERS = rules_only
    try:
        ruled = {id(item): [(s.start, s.end) for s in pii.find(item["text"]) if s.type == "name"]
                 for item in items}
    finally:
        pii.RECOGNISERS = saved
    shown: list[str] = []
    for k, test in enumerate(folds):
        train = [row for j, fold in enumerate(folds) if j != k for row in fold] + background
        weights, bias = fit(*examples(train, common, lexicon))
        for item in test:
            gold = [(s, e) for t, s, e in gold_spans(item) if t == "name"]
            total += len(gold)
            best: dict[int, tuple[float, int]] = {}
            for start, end, feats in pii_name_model.candidates(item["text"], common, lexicon):
                p = pii_name_model._score(feats, weights, bias)
                if p > best.get(start, (0.0, 0))[0]:
                    best[start] = (p, end)
            for th in thresholds:
                model_pred = [(s, e) for s, (p, e) in best.items() if p >= th]
                pred = ruled[id(item)] + [(s, e) for s, e in model_pred if not any(
                    rs < e and s < re_ for rs, re_ in ruled[id(item)])]
                if th == show:
                    text = item["text"]
                    shown += [f"MISS {text[s:e]} | {text}" for s, e in gold
                              if not any(ps < e and s < pe for ps, pe in pred)]
                    shown += [f"FALSE {text[s:e]} | {text}" for s, e in pred
                              if not any(gs < e and s < ge for gs, ge in gold)]
                hits[th] += sum(any(ps < e and s < pe for ps, pe in pred) for s, e in gold)
                false[th] += sum(not any(ps < e and s < pe for s, e in gold) for ps, pe in pred)
    print("\n".join(shown))
    for th in thresholds:
        print(f"rules + model, threshold {th:.1f}: name recall {hits[th] / total:.3f} ({total} names), "
              f"false masks {false[th]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--show", type=float, help="print the folds' misses at this threshold")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    corpus = _corpus_texts()
    common = frozenset(common_words(corpus))
    lexicon = kiwi_lexicon(corpus)
    background = generated(random.Random(12), 3000)
    background += [{"text": t, "pii": []} for t in corpus]
    if args.cv:
        cross_validate(common, lexicon, background, args.show)
    if args.write:
        weights, bias = fit(*examples(_labelled() + background, common, lexicon))
        pii_name_model.WEIGHTS_PATH.write_text(json.dumps(
            {"threshold": args.threshold, "bias": round(bias, 4), "weights": weights,
             "common_words": sorted(common), "lexicon": _pack(lexicon)}, ensure_ascii=False, indent=0) + "\n",
            encoding="utf-8")
        print(f"wrote {pii_name_model.WEIGHTS_PATH} ({len(weights)} weights, "
              f"{len(common)} common words, {len(lexicon)} kiwi words)")


if __name__ == "__main__":
    main()
