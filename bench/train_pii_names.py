"""Train the name scorer of ``dasan.text.pii_name_model`` (issue 12) and write its weights.

Run: ``uv run --frozen python -m bench.train_pii_names`` (``--cv`` prints recall and false
masks per threshold on 5 folds of the labelled sets first; ``--write`` stores the weights;
``--loho`` trains without each of hold-outs A..H in turn and scores the one left out with the
whole masker: how the detector does on text it has not seen; ``--loho-errors GH`` prints
those sets' misses and false masks).

The learnt tagger (round 19, ``dasan.text.pii_name_tagger``): ``--write --tagger
--tagger-threshold 0.9`` writes its weights (not the scorer's); ``--loho --tagger`` trains the
scorer and the tagger without each set and scores it with the tagger off and at several
thresholds. ``--score-aa`` scores hold-out AA with the stored weights, the tagger off and on,
and prints aggregates only: AA is never trained on, never in ``--loho``, never printed (see
``HELD_OUT``).

Training data (every labelled set is seen by now; a fresh hold-out is never trained on - AA is
read only by ``--score-aa``, for its aggregates):

* the labelled PII sets: the tune split, hold-outs A..H and the issue-3 sets; every candidate
  that is exactly a gold name is positive, every other one negative;
* generated sentences: templates of how citizens and agents say names (written here; the
  eighth round's were written after reading hold-outs G and H's misses, in other words, so
  leave-one-out figures on G and H are somewhat optimistic; the particles 까지, 처럼, 부터 ...,
  names before 할머니/아저씨 and 이랑/하고 lists were added after reading set L's misses, so
  L's leave-one-out figures are somewhat optimistic too), each filled with a generated name
  (the tenth round's - names as a bare subject or object, after a title such as 동장/팀장, with
  였습니다/이래요/였고요, 그 사람 after a name, lists with spaces, 며느리/전남편 - after reading
  set M1's misses, so M1's leave-one-out figures are somewhat optimistic; set M2 is never read;
  set O1 trains too, O2 is kept back and never read; templates written from O1's misses were
  tried in the eleventh round and left out: they lowered L and K1 left out)
  (a surname drawn by its frequency, one or two given-name syllables, some that are also
  common words: 하나, 사랑, 보람; a fifth are foreign residents' names of one to three words:
  뚜엉, 마리아 산토스, 응우옌 반 남) and, in the look-alike templates, with common words of a
  name's shape (이사, 정말, 김치, 신청, 세종대왕);
* Korean texts with no personal names: knowledge-base answers, citizen queries, transcripts,
  and from ``../shared/data`` (read, never copied) the 120 FAQ and complaint texts, district
  FAQ titles, 120 consultation titles, chatbot questions and every other line of paraKQC (the
  other half is a false-mask check): every candidate in them is negative, and their frequent
  words make the common-word list; half the look-alike templates take such a word of a name's
  shape (손수건, 이자율 against the bare-position templates). KorSTS train, KLUE-STS and two
  comment sets are read only for the words kiwi is asked about (the lexicon).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from bench.pii_scoring import gold_spans, load_items
from dasan.config import PROJECT_ROOT
from dasan.text import pii, pii_name_model, pii_name_tagger

DATA = PROJECT_ROOT / "bench" / "data"
HOLDOUTS = {"A": "pii_v2_holdout.jsonl", "B": "pii_v2_holdout_b.jsonl",
            "C": "pii_v2_holdout_c.jsonl", "D": "pii_v2_holdout_d.jsonl",
            "E": "pii_v2_holdout_e.jsonl", "F": "pii_v2_holdout_f.jsonl",
            "G": "pii_v2_holdout_g.jsonl", "H": "pii_v2_holdout_h.jsonl",
            # set K, written blind by another helper: K1 looked at, K2 kept back (bench_pii)
            "K1": "tune-k1", "K2": "tune-k2",
            # set L, written blind by a third helper, names above all (added by the lead
            # without looking at it: scored left out first, then trained on)
            "L": "pii_v2_tune_l.jsonl",
            # set M, written blind by a fourth helper: M1 looked at and trained on, M2 kept
            # back - never trained on (KEPT_BACK), only scored here
            "M1": "tune-m1", "M2": "tune-m2",
            # set O, written blind by a fifth helper (session 14): O1 looked at and trained on,
            # O2 kept back - never trained on (KEPT_BACK), only scored here
            "O1": "tune-o1", "O2": "tune-o2",
            # set Q, written blind by a sixth helper (session 15): Q1 looked at, Q2 kept back
            "Q1": "tune-q1", "Q2": "tune-q2",
            # set S, written blind by a seventh helper (session 16): S1 looked at, S2 kept back
            "S1": "tune-s1", "S2": "tune-s2",
            # set T, written blind by an eighth helper (session 17): T1 looked at, T2 kept back
            "T1": "tune-t1", "T2": "tune-t2",
            # set U, written blind by a ninth helper (session 18): U1 looked at, U2 kept back
            "U1": "tune-u1", "U2": "tune-u2",
            # set W, written blind by a tenth helper (session 19): W1 looked at, W2 kept back
            "W1": "tune-w1", "W2": "tune-w2",
            # set Y, written blind by an eleventh helper (session 20): Y1 looked at, Y2 kept back
            "Y1": "tune-y1", "Y2": "tune-y2",
            # hold-outs X and Z, scored once each by the lead (session 20) and then made tune
            # data: X1/Z1 (index % 3 != 2) looked at, X2/Z2 (index % 3 == 2) kept back
            "X1": "tune-x1", "X2": "tune-x2", "Z1": "tune-z1", "Z2": "tune-z2"}
# Hold-out AA (session 20): scored by the lead and never printed with its errors. Never trained
# on, never in --loho, never printed: ``--score-aa`` prints its aggregates only (names,
# addresses, names+addresses recall and false masks), each run one of the few scorings allowed.
HELD_OUT = {"AA": "holdout-aa"}
# Kept back from every training run and threshold choice: scored, never trained on.
KEPT_BACK = frozenset({"tune-m2", "tune-o2", "tune-q2", "tune-s2", "tune-t2", "tune-u2",
                       "tune-w2", "tune-y2", "tune-x2", "tune-z2", *HELD_OUT.values()})
# Never printed with --loho-errors: the kept-back parts, and K2 (it trains now, but its misses
# were never shown).
NEVER_PRINTED = KEPT_BACK | {"tune-k2"}
# The tagger's inverse regularisation strength and the probability at which it masks.
TAGGER_C = 1.0
TAGGER_THRESHOLDS = (0.7, 0.8, 0.85, 0.9)
LABELLED = ("pii_v2_tune.jsonl", *HOLDOUTS.values(), "pii_labelled.jsonl",
            "pii_labelled_holdout.jsonl")


# Hold-outs X and Z split as bench_pii splits them (its tune-x1 ... tune-z2); read here too so the
# trainer does not depend on which branch added those splits first.
_XZ_PARTS = {"tune-x1": ("pii_v2_holdout_x.jsonl", 1), "tune-x2": ("pii_v2_holdout_x.jsonl", 2),
             "tune-z1": ("pii_v2_holdout_z.jsonl", 1), "tune-z2": ("pii_v2_holdout_z.jsonl", 2)}


def load_set(name: str) -> list[dict[str, Any]]:
    """A labelled set by file name, or a part of set K, M, O, Q, S, T, U, W, Y, X or Z by its
    bench_pii split name."""
    if name in _XZ_PARTS:
        file, part = _XZ_PARTS[name]
        kept_back = part == 2
        return [row for i, row in enumerate(load_items(DATA / file))
                if (i % 3 == 2) == kept_back]
    if name in HELD_OUT.values():
        from bench.bench_pii import split_items

        return split_items(name)
    if name.startswith(("tune-k", "tune-m", "tune-o", "tune-q", "tune-s", "tune-t", "tune-u",
                        "tune-w", "tune-y")):
        from bench.bench_pii import split_items

        return split_items(name)
    return load_items(DATA / name)


# Surnames by rough frequency (the 2015 census order, rounded); the rest share the tail.
_SURNAME_WEIGHTS = {"김": 21, "이": 15, "박": 8, "최": 5, "정": 5, "강": 2.4, "조": 2.1,
                    "윤": 2.1, "장": 2, "임": 1.7, "한": 1.5, "오": 1.5, "서": 1.5, "신": 1.5,
                    "권": 1.4, "황": 1.4, "안": 1.4, "송": 1.3, "류": 1.2, "전": 1.1, "홍": 1.1}
_WORDLIKE_GIVEN = str.split("하나 사랑 보람 슬기 나라 한결 하늘 별 솔 다운 아름 진주 소라 미소 "
                            "보배 가람 새롬 은비 초롱 태양 승리 기쁨 누리 바다 구름 한빛 단비 "
                            "유리 다솜 봄 가을 겨울 여름 이슬 한별 새벽 우주 기자 장미 "
                            "나래 보라 은하 수정 영광 정의 재미 미래 희망 평화 석 철 민")
_FOREIGN = str.split("뚜엉 흐엉 라흐마트 마리아 왕웨이 장웨이 리밍 응우옌 타냐 안드레이 "
                     "사라 다니엘 프리야 아흐메드 니콜라이 린 투이 마이 호앙 수닐 바투 "
                     "자밀라 굴나라 딜노자 아지즈 올가 나타샤 이반 세르게이 알리 무함마드 "
                     "파티마 아이샤 로사 호세 카를로스 제니퍼 마이클 존 피터 제임스 에밀리 "
                     "하산 라시드 비크람 아르준 산지브 수미트라 쩐 팜 레 부 티 반 흐엉 "
                     "타카하시 유키 사토 하루토 아오이 류지 천밍 리우양 장리 쑨리 "
                     "바야르 에르덴 솜차이 니찻 쁘라윳 아닐 로한 메리 크리스 알렉스 "
                     "알리야 카림 누르 사이다 바흐롬 쇼히스타 레일라 디아나 빅토르 "
                     # (tenth round) Mongolian, Thai, Filipino, Nepali, Indonesian names
                     "바트바야르 에르데네 간졸 투멘 오드게렐 치멕 사롤 솜폰 니폰 쑤다 차이야 "
                     "분미 마리셀 로웰 제럴드 람 비쉬누 아구스 데위 푸트리 쁘리야")
_FOREIGN_FAMILY = str.split("응우옌 쩐 레 팜 호앙 부 산토스 가르시아 로페스 스미스 존슨 "
                            "브라운 카림 이바노프 페트로바 왕 리 장 류 천 타카하시 사토 "
                            "다나카 스즈키 아마노바 유수포프 바트 간바트 쿠마르 싱 칸 "
                            "멘데스 레예스 크루즈 바우티스타 구룽 타망 위도도 수칸 차로엔")


def _foreign_name(rng: random.Random) -> str:
    """A foreign resident's name in Hangul: one word (뚜엉), given and family name (마리아 산토스,
    응우옌 반 남), or run together (응우옌티흐엉)."""
    r = rng.random()
    given = rng.choice(_FOREIGN)
    family = rng.choice(_FOREIGN_FAMILY)
    if r < 0.35:
        return given
    if r < 0.6:
        return f"{given} {family}"
    if r < 0.8:
        return f"{family} {given}"
    if r < 0.9:
        return f"{family} {rng.choice(_FOREIGN)} {given}"
    return family + given


# {N} is the name. Forms of consultation talk: chat, SMS, call transcripts, web Q&A, letters.
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
네_{N}요 {N}이요?_네_맞아요 {N}는_제_조카예요 예,_{N}이요
{N}이가_제_딸이에요 {N}이는_제_아들이고요 {N}이_제_남동생인데요 {N}가_제_손녀예요
제_이름이_{N}인데요 {N}이라고_해요
명의자가_{N}이었어요 전에_{N}_명의였어요 {N}한테_연락_좀_해_주세요
{N}에게_전해_주세요 {N}이라고_적혀_있어요 서류에는_{N}으로_되어_있어요
계약자는_{N}이고_저는_아들이에요 담임은_{N}_선생님이에요 {N}_선생님_반이에요
우리_애_이름이_{N}인데요 {N}_어린이_보호자입니다 {N}_환자분_가족이에요
받는_분:_{N} 수신:_{N}_귀하 신청자_성명_{N} 작성자_{N} 저_{N}인데요
{N}인데요,_예약_확인하려고요 {N}입니다,_지난번에_전화드렸던 이름_{N}_/_생년월일_1990년생
{N}(남,_45세) {N}(여)_외_2명 시어머니_{N}_님이요 딸_{N}이가_다니는_학교요
아들_이름은_{N}이고요 손녀_{N}가_이번에_입학해요 {N}_할머니_댁이에요
{N}_할아버지가_쓰러지셨어요 {N}_사장님_가게_앞이에요 옆집_{N}_씨가_신고했어요
{N}_씨_부탁으로_대신_전화드려요
이름이_뭐였죠?_{N}이요 누구시라고요?_{N}입니다
{N}_님,_요청하신_서류를_보내_드립니다 {N}_고객님의_신청이_접수되었습니다
안녕하세요_{N}입니다 안녕하세요,_저_{N}인데요 여보세요_{N}_씨_댁이죠?
{N}이랑_통화하고_싶은데요 {N}_씨_번호_좀_알려_주세요 {N}_엄마예요
{N}_아빠인데요 {N}_보호자인데요 {N}_명의로_된_차예요 {N}_씨_앞으로_온_우편물
예_{N}이요 음..._{N}이요 아_{N}이요?_네 {N}요?_맞아요 네,_{N}이고요 그러니까_{N}이에요
{N}이가_학교에서_다쳤어요
에서_온_{N}이에요 베트남에서_온_{N}입니다 직원_{N}_씨_비자_문제요
남편이_{N}이에요 이름은_{N}이고
명단은_{N},_{N2}_두_명이에요 {N},_{N2},_{N3}_이렇게_세_분이요 대상자:_{N},_{N2}
참가자_{N},_{N2}_신청합니다 {N}하고_{N2}_둘이_같이_신청해요 {N}이랑_{N2}_공동명의예요
{N}이요,_아_아니다_{N2}이요 {N}_말고_{N2}로_고쳐_주세요 {N}인지_{N2}인지_헷갈리네요
{N}_사회복지사가_도와줬어요 {N}_간호사님이_알려주셨어요 {N}_복지사님_통해서_왔어요
{N}_교수님_연구실이요 {N}_반장님한테_들었어요 {N}_원장님이랑_통화했어요 {N}_대리님_계세요?
법정대리인_{N} 대리인은_{N}이고요 위임받은_사람은_{N}입니다 동행인_{N} 신청인_{N}_대리인_{N2}
{N}_{P}_연락_주세요 {N}_{P}_입니다 {P}_{N}_앞으로_보내주세요 연락처_{P}_이름_{N}
제가요_{N}라고_합니다 아_저요?_{N}인데요 {N}라는_분한테서_전화가_왔어요
옆집_{N}가_밤마다_시끄러워요 윗집_{N}_씨가_물이_샌대요 아랫집_사는_{N}가_신고했대요
ㅎㅇ요_{N}이에요 안녕하세요~_{N}이에요 성함_확인이요?_아_{N}요 {N}이라고_하면_조회되나요?
일하는_{N}이_다쳤어요 우리_직원_{N}가_등록증을_잃어버렸어요 같이_사는_{N}가_아파요
우리_반_{G}이가_다쳤어요 저희_애가_{G}이라고_해요 {G}이_아줌마가_알려줬어요
{G}이가_이번에_입학해요 {G}이랑_같이_갔어요 {G}이_엄마인데요 둘째_{G}이는_유치원_다녀요
{N}까지_세_명_신청할게요 {N}처럼_이름이_같은_사람이요 {N}부터_접수해_주세요
{N}한테서_문자가_왔어요 {N}더러_가라고_했대요 {N}이며_{N2}이며_다_가족이에요
{N}은커녕_아무도_안_왔어요 {N}이라든가_다른_사람들이요 {N}에게서_받았어요
{G}_아저씨가_도와줬어요 {G}_할머니가_혼자_사세요 {G}_할아버지요 {N}이랑_{N2}가_같이_살아요
{N}하고_{N2}는_형제예요 {N}_님_서류_발급이요
{N}이_민원을_묵살했어요 경찰이_{N}을_데려갔어요 {N}이_월급을_안_줘요 {N}가_돈을_안_갚아요
{N}한테_맞았어요 {N}의_차가_길을_막고_있어요 어제_{N}을_만났는데요 {N}과_이혼했어요
{N}와_같이_살아요 동장_{N}이_안_나왔어요 팀장_{N}이_전화를_안_받아요 운전기사_{N}가_불친절했어요
경비_{N}_씨가_도와줬어요 관리소장_{N}이_그랬어요 상담사_{N}였습니다 담당_{N}이었습니다
새_주인이_{N}이래요 전_주인은_{N}였고요 {N}라고_돼_있었어요 {N}이라고_적혀_있었어요
그_아줌마_있잖아요_{N}_그_사람이요 {N}_그_사람이_또_왔어요 {N}_그분이_전화했어요
전남편_{N}과_양육비_문제예요 전처_{N}가_연락이_안_돼요 남자친구_{N}이_대신_왔어요
태국_출신_며느리_{N}가_아파요 사위_{N}이_신청했어요 명단이에요_{N}_{N2}_{N3}
참석자_{N}_{N2}_두_명이요 저희_애_{G}랑_같은_반이에요 유치원에서_{G}랑_{G2}가_싸웠대요
큰애_{G}가_중학생이에요 둘째_{G}는_초등학생이에요 아니_{N}이요 {N}였나_{N2}였나_헷갈려요
""")
NEGATIVE_TEMPLATES = str.split("""
{W}_때문에_전화했어요 {W}_씨앗을_나눠_준대요 {W}_관련_문의예요 {W}이에요_정말로
{W}_신청은_어디서_해요? {W}_님_안내문 {W}가_안_돼요 {W}는_어떻게_해요?
{W}_복지관_프로그램_문의요 {W}_동상_앞에서_만나요 {W}_노선_배차_간격이요
{W}이요?_네_그거요 {W}라고_돼_있어요 {W}이_안_돼요 {W}_신청하려고요 네_{W}요
{W}_기념관_가는_길이요 {W}_공원_화장실이요 {W}로_되어_있습니다 {W}_표기가_달라요
{W}_문제로_연락드렸어요 아_{W}요?_그건_다른_부서예요 {W}에_대해_여쭤볼게요
이름이_{W}_어떻게_되냐면요 제_이름_{W}로_써_주세요 성함이요?_{W}_잠깐만요
{W}_두_사람_신청이요 {W}_사회복지사_선생님이요 옆집_{W}가_시끄러워요
{W}가_누워_있어요 {W}가_다쳤어요 {W}는_어디로_가요? 한_{W}가_걸어간다 {W}랑_같이_왔어요
{W}까지_해야_돼요? {W}처럼_하면_돼요 {W}부터_먼저요 옆집_할머니가_쓰러지셨어요
{W}_할머니가_오셨어요 엄마랑_{W}가_문제예요 {W}한테서_연락이_왔어요
{W}이_민원을_막았어요 경찰이_{W}을_확인했어요 {W}의_차가_막고_있어요 {W}과_관련해서요
동장_{W}_문제로요 상담사_{W}_안내였습니다 {W}라고_돼_있었어요 {W}_그_사람이_또요
저희_애_{W}랑_같이요 전_주인은_{W}_문제로_힘들었대요 명단이에요_{W}_{W}
""")
_LOOKALIKES = str.split(
    "이사 정말 김치 김장 신청 이번 정도 이상 이하 주차 고객 상담 구청 시청 주민 한강 장애 "
    "전기 수도 문의 공원 도로 민원 조회 진짜 지금 지원 우리 저희 안내 확인 접수 연락 서울 "
    "한국 강남 송파 임대 전세 월세 보험 금액 부모 자녀 이웃 경비 관리 소장 유리 하나 모두 "
    "전화 방문 차량 신고 한번 오늘 내일 어제 조금 사진 서류 남편 아내 이름 성함 노인 청년 "
    "정부 공공 구민 시민 공단 소방 경찰 병원 학교 교육 주택 아파트 빌라 상가 시장 마트 "
    "명의 세종대왕 유관순 안중근 김구 윤동주 "
    "정보 공지 장학금 구급차 조명 한파 주민센터 문화원 신분증 임신 출산 육아 안전 방역 "
    "이용권 전입 성인 조사 신규 변경 해지 연장 감면 고지 과태료 주정차 한양 남산 도봉 "
    "강서 마포 노원 은평 성북 서초 동작 관악 구로 금천 양천 중랑 광진 성동 용산 종로 "
    "신촌 홍대 명동 이태원 장충 진관 우이 방화 공항 안심 소통 고용 노동 기부 봉사 "
    "영어 스펠링 유학생 비자 이름표 외자 그니까 그러니까 한자 영문 여권 체류 강아지 공사 "
    # nouns for animals and people that start like a surname: the subject of a sentence as a
    # name is (원숭이가, 소녀가 - 나윤이가 is a name)
    "원숭이 거북이 고양이 판다 소녀 소년 사자 호랑이 여우 부엉이 오리 거위 병아리 돼지 고릴라 "
    "코끼리 기린 하마 사슴 가수 배우 선수 경비원 미화원 집배원 부모님 고모 이모 삼촌 조카 "
    "남자 여자 노인 아기 유전자 변호사 주치의 제작자")
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


SHARED = PROJECT_ROOT.parent / "shared" / "data"


def _shared_texts(limit: int = 12000) -> list[str]:
    """Real Korean text from ``../shared/data`` with (almost) no personal names: 120 FAQ and
    complaint titles and answers (their officials are already anonymised: 담당 주무관(☎ ...)),
    district FAQ titles, 120 consultation titles, chatbot questions and answers, half of paraKQC's
    requests to a home assistant. Read here,
    never copied into the repository; a sentence the rules read a name in is left out (a few
    of these texts do hold names). Empty when the folder is absent."""
    import csv

    out: list[str] = []
    for rel, cols in (("seoul120-faq-opengov/civilappeal_data.csv", (1, 2)),
                      ("seoul120-faq-opengov/complaint_data.csv", (1, 2)),
                      ("seoul120-faq-opengov/geumcheon_gu_minwon_faq.csv", (1, 2)),
                      ("seoul120-text-pytextbook/seoul-120-text.csv", (2,)),
                      ("chatbot-data-songys/ChatbotData.csv", (0, 1))):
        path = SHARED / rel
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in list(csv.reader(fh))[1:]:
                for col in cols:
                    if col < len(row):
                        out.extend(s.strip() for s in re.split(r"(?<=[.?!])\s+|\n+", row[col])
                                   if 4 <= len(s.strip()) <= 200)
    para = SHARED / "parakqc" / "paraKQC_v1.txt"
    if para.exists():  # spoken requests to an assistant; every other line (the rest: a check)
        lines = para.read_text(encoding="utf-8").splitlines()
        out.extend(p.split("\t")[2] for p in lines[::2] if p.count("\t") >= 2)
    rng = random.Random(5)
    rng.shuffle(out)
    rules = tuple(r for r in pii.RECOGNISERS if r is not pii_name_model.scored_names)
    saved = pii.RECOGNISERS
    pii.RECOGNISERS = rules
    try:
        kept = [t for t in out[: limit * 2] if not any(s.type == "name" for s in pii.find(t))]
    finally:
        pii.RECOGNISERS = saved
    return kept[:limit]


def _lexicon_texts() -> list[str]:
    """More real Korean text from ``../shared/data`` (KorSTS train, KLUE-STS, comment sets), read
    only for the words kiwi is asked about (is 손수건, 이자율, 가금류 a dictionary word?), never as
    training sentences. Empty when the folder is absent."""
    out: list[str] = []
    sts = SHARED / "korsts-kakaobrain" / "sts-train.tsv"
    if sts.exists():
        for row in sts.read_text(encoding="utf-8").splitlines()[1:]:
            out.extend(row.split("\t")[5:7])
    klue = SHARED / "klue-sts" / "klue-sts-v1.1_dev.json"
    if klue.exists():
        out.extend(r[k] for r in json.loads(klue.read_text(encoding="utf-8"))
                   for k in ("sentence1", "sentence2"))
    curse = SHARED / "curse-detection-2runo" / "dataset.txt"
    if curse.exists():
        out.extend(line.rsplit("|", 1)[0] for line in curse.read_text(
            encoding="utf-8").splitlines())
    hate = SHARED / "korean-hate-speech-kocohub" / "train.tsv"
    if hate.exists():
        out.extend(line.split("\t")[0] for line in hate.read_text(
            encoding="utf-8").splitlines()[1:])
    return out


def common_words(texts: Iterable[str]) -> list[str]:
    """Words (and words without a name-like ending) seen at least twice in name-free texts."""
    counts: Counter[str] = Counter()
    for text in texts:
        for _, _, word in pii_name_model._hangul_words(text):
            stems = {word} | {word[:n] for n in range(2, 7) if word[n:] in pii_name_model.ENDINGS}
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
    # and every word of two to four syllables in the texts (with a name's ending taken off),
    # whatever its first syllable: 치매, 돌보미, 아까 are words, not foreign residents' names
    strings |= {stem for t in texts for _, _, w in pii_name_model._hangul_words(t)
                for stem in [w] + [w[:n] for n in range(2, len(w))
                                   if w[n:] in pii_name_model.ENDINGS]
                if 2 <= len(stem) <= 4}
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
    if r < 0.2:
        return _foreign_name(rng)
    if r < 0.27:
        sur = rng.choice(sorted(pii.COMPOUND_SURNAMES))
    elif r < 0.52:
        sur = rng.choice(sorted(pii.SURNAME_SET - pii.COMPOUND_SURNAMES))
    else:
        sur = rng.choices(list(_SURNAME_WEIGHTS), weights=list(_SURNAME_WEIGHTS.values()))[0]
    if rng.random() < 0.22:
        return sur + rng.choice(_WORDLIKE_GIVEN)
    syllables = sorted(pii.GIVEN_SYLLABLES)
    n = 1 if rng.random() < 0.12 else 2
    return sur + "".join(rng.choice(syllables) for _ in range(n))


_PARTICLES_AFTER_VOWEL = (
    ("이에요", "예요"), ("이라고", "라고"), ("이요", "요"), ("이고요", "고요"), ("이가", "가"),
    ("이라는", "라는"), ("이신데요", "신데요"), ("이세요", "세요"), ("으로", "로"), ("이고", "고"),
    ("이었는데요", "였는데요"), ("이랑", "랑"), ("은커녕", "는커녕"), ("이라든가", "라든가"),
    ("이며", "며"), ("이는", "는"), ("이", "가"))


def _fill(text: str, slot: str, value: str) -> str:
    """Put ``value`` in ``slot``; the particle after it follows its last syllable's final
    consonant (김하나예요, 김하람이에요)."""
    if "가" <= value[-1] <= "힣" and (ord(value[-1]) - 0xAC00) % 28 == 0:
        for a, b in _PARTICLES_AFTER_VOWEL:
            text = text.replace(slot + a, slot + b)
    return text.replace(slot, value)


def _given(rng: random.Random) -> str:
    """A given name alone, as family and neighbours say it (하람이가, 경순이 아줌마)."""
    if rng.random() < 0.3:
        return rng.choice(_WORDLIKE_GIVEN)
    syllables = sorted(pii.GIVEN_SYLLABLES)
    return rng.choice(syllables) + rng.choice(syllables)


def _phone(rng: random.Random) -> str:
    return f"010-{rng.randrange(1000, 10000)}-{rng.randrange(1000, 10000)}"


def generated(rng: random.Random, n: int, common: Iterable[str] = ()) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    shaped = sorted(w for w in common if 2 <= len(w) <= 3 and w[0] in pii.SURNAME_SET)
    for _ in range(n):
        text = rng.choice(POSITIVE_TEMPLATES).replace("_", " ")
        names: list[str] = []
        for slot in ("{N}", "{N2}", "{N3}", "{G}", "{G2}"):
            if slot in text:
                value = _given(rng) if slot.startswith("{G") else _name(rng)
                if value in text or any(value in v or v in value for v in names):
                    value = _name(rng)
                names.append(value)
                text = _fill(text, slot, value)
        text = text.replace("{P}", _phone(rng))
        pii_spans = [{"type": "name", "value": v} for v in names if text.count(v) == 1]
        if len(pii_spans) == len(names):  # a value that occurs twice would be mislabelled
            items.append({"text": text, "pii": pii_spans})
    for _ in range(n // 2):
        text = rng.choice(NEGATIVE_TEMPLATES).replace("_", " ")
        while "{W}" in text:
            # a hand-picked look-alike, or a frequent word of a name's shape (손수건, 이자율)
            word = rng.choice(_LOOKALIKES) if rng.random() < 0.5 or not shaped else rng.choice(
                shaped)
            text = text.replace("{W}", word, 1)
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


def tagger_examples(items: Iterable[dict[str, Any]]) -> tuple[list[list[str]], list[int]]:
    """Features and labels of the tagger (``pii_name_tagger``): every stem of every Hangul word;
    a stem is a name when it starts inside a gold name and ends where the name ends, or where
    the word ends inside it (응우옌 in 응우옌 반 남)."""
    xs: list[list[str]] = []
    ys: list[int] = []
    for item in items:
        gold = [(s, e) for t, s, e in gold_spans(item) if t == "name"]
        text = item["text"]
        for start, end, feats in pii_name_tagger.candidates(text):
            word_end = start
            while word_end < len(text) and "가" <= text[word_end] <= "힣":
                word_end += 1
            xs.append(feats)
            ys.append(int(any(gs <= start < ge and end == min(ge, word_end) for gs, ge in gold)))
    return xs, ys


def fit_tagger(xs: list[list[str]], ys: list[int], c: float = TAGGER_C
               ) -> tuple[dict[str, float], float]:
    """The tagger's logistic regression; features seen fewer than twice are dropped."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    seen = Counter(f for feats in xs for f in set(feats))
    vec = DictVectorizer()
    x = vec.fit_transform([{f: 1 for f in feats if seen[f] >= 2} for feats in xs]).tocsr()
    x.indices = x.indices.astype("int32")  # (liblinear takes 32-bit indices only)
    x.indptr = x.indptr.astype("int32")
    model = LogisticRegression(C=c, solver="liblinear", max_iter=3000, random_state=0)
    model.fit(x, ys)
    weights = {name: round(float(w), 3) for name, w in zip(vec.feature_names_, model.coef_[0],
                                                          strict=True) if abs(w) >= 5e-3}
    return weights, float(model.intercept_[0])


def _use_tagger(weights: dict[str, float], bias: float, threshold: float) -> None:
    """Make the tagger read names with these weights (instead of the stored ones)."""
    model = (weights, bias, threshold)
    pii_name_tagger._model = lambda: model  # type: ignore[assignment]


def _labelled(leave_out: str = "") -> list[dict[str, Any]]:
    return [row for name in LABELLED if name != leave_out and name not in KEPT_BACK
            for row in load_set(name)]


def _use(weights: dict[str, float], bias: float, threshold: float, common: frozenset[str],
         lexicon: dict[str, str]) -> None:
    """Make ``pii.find`` score names with these weights (instead of the stored ones)."""
    model = (weights, bias, threshold, common, lexicon)
    pii_name_model._model = lambda: model  # type: ignore[assignment]


def leave_one_out(common: frozenset[str], lexicon: dict[str, str],
                  background: list[dict[str, Any]], threshold: float,
                  show: str = "") -> None:
    """Train on every labelled set but one hold-out, score that hold-out with the whole masker
    (rules + the model trained without it): how the detector does on text it has not seen. Also
    *candidate recall*: the share of gold names that the rules find or that is a model candidate
    at all (a name the candidate step never proposes cannot be found by the model)."""
    from bench.bench_pii import GROUPS, dasan_find
    from bench.pii_scoring import score_spans

    saved = pii_name_model._model
    totals = Counter[str]()
    print(f"{'left out':9}{'names':>6}{'R':>7}{'FM':>4}{'cand R':>8}{'addr R':>8}{'n+a R':>7}")
    try:
        for letter, name in HOLDOUTS.items():
            weights, bias = fit(*examples(_labelled(name) + background, common, lexicon))
            _use(weights, bias, threshold, common, lexicon)
            items = load_set(name)
            scores, errors = score_spans(items, dasan_find, GROUPS)
            n, a = scores["name"], scores["address"]
            cand = 0
            for item in items:
                spans = list(pii_name_model.candidates(item["text"], common, lexicon))
                found = dasan_find(item["text"])
                for t, s, e in gold_spans(item):
                    if t == "name" and (any(cs < e and s < ce for cs, ce, _ in spans) or any(
                            k == "name" and ps < e and s < pe for k, ps, pe in found)):
                        cand += 1
            print(f"{letter:9}{int(n['n']):6d}{n['recall']:7.3f}{int(n['false_masks']):4d}"
                  f"{cand / max(1, n['n']):8.3f}{a['recall']:8.3f}"
                  f"{scores['names+addresses']['recall']:7.3f}")
            totals["n"] += int(n["n"])
            totals["hit"] += round(n["recall"] * n["n"])
            totals["fm"] += int(n["false_masks"])
            totals["cand"] += cand
            totals["na_n"] += int(scores["names+addresses"]["n"])
            totals["na_hit"] += round(scores["names+addresses"]["recall"]
                                      * scores["names+addresses"]["n"])
            if letter in show and name not in NEVER_PRINTED:  # kept back: never printed
                print("\n".join(e for e in errors if " name " in e[:20] or "FALSE name" in e))
    finally:
        pii_name_model._model = saved
    print(f"{'all':9}{totals['n']:6d}{totals['hit'] / totals['n']:7.3f}{totals['fm']:4d}"
          f"{totals['cand'] / totals['n']:8.3f}{'':8}{totals['na_hit'] / totals['na_n']:7.3f}")


def leave_one_out_tagger(common: frozenset[str], lexicon: dict[str, str],
                         background: list[dict[str, Any]], threshold: float,
                         thresholds: tuple[float, ...] = TAGGER_THRESHOLDS) -> None:
    """Leave-one-set-out of the whole name path with the tagger: train the scorer and the tagger
    without each set, score it with the whole masker, the tagger off (``base``: the scorer
    alone, as ``--loho``) and on at each threshold. Names recall and false masks per set, and
    names+addresses; kept-back parts never train (they are left out of every run anyway)."""
    from bench.bench_pii import GROUPS, dasan_find
    from bench.pii_scoring import score_spans

    saved = pii_name_model._model, pii_name_tagger._model, pii_name_model.TAGGER
    scorer_bg = examples(background, common, lexicon)
    tagger_bg = tagger_examples(background)
    sets = {name: load_set(name) for name in LABELLED if name != "pii_v2_tune.jsonl"}
    sets["pii_v2_tune.jsonl"] = load_set("pii_v2_tune.jsonl")
    scorer_ex = {name: examples(items, common, lexicon) for name, items in sets.items()
                 if name not in KEPT_BACK}
    tagger_ex = {name: tagger_examples(items) for name, items in sets.items()
                 if name not in KEPT_BACK}
    cols = ("base", *(f"t{t:.2f}" for t in thresholds))
    print(f"{'left out':9}{'names':>6}" + "".join(f"{c + ' R':>11}{'FM':>4}{'n+a':>6}"
                                                   for c in cols))
    totals: dict[str, Counter[str]] = {group: Counter() for group in ("all", "seen", "kept")}
    fitted: dict[str, tuple[dict[str, float], float, dict[str, float], float]] = {}
    try:
        for letter, name in HOLDOUTS.items():
            def joined(ex: dict[str, tuple[list[list[str]], list[int]]],
                       bg: tuple[list[list[str]], list[int]], out: str = name
                       ) -> tuple[list[list[str]], list[int]]:
                xs = [x for k, (xx, _) in ex.items() if k != out for x in xx] + bg[0]
                ys = [y for k, (_, yy) in ex.items() if k != out for y in yy] + bg[1]
                return xs, ys
            key = name if name in scorer_ex else ""  # a kept-back part never trains anyway
            if key not in fitted:
                fitted[key] = (*fit(*joined(scorer_ex, scorer_bg)),
                               *fit_tagger(*joined(tagger_ex, tagger_bg)))
            weights, bias, t_weights, t_bias = fitted[key]
            _use(weights, bias, threshold, common, lexicon)
            items = sets[name]
            row = f"{letter:9}"
            for col in cols:
                pii_name_model.TAGGER = col != "base"
                _use_tagger(t_weights, t_bias, float(col[1:]) if col != "base" else 1.0)
                scores, _ = score_spans(items, dasan_find, GROUPS)
                n, na = scores["name"], scores["names+addresses"]
                if col == "base":
                    row += f"{int(n['n']):6d}"
                row += f"{n['recall']:11.3f}{int(n['false_masks']):4d}{na['recall']:6.3f}"
                for group in ("all", "kept" if name in KEPT_BACK else "seen"):
                    totals[group][f"{col}/n"] += int(n["n"])
                    totals[group][f"{col}/hit"] += round(n["recall"] * n["n"])
                    totals[group][f"{col}/fm"] += int(n["false_masks"])
                    totals[group][f"{col}/na_n"] += int(na["n"])
                    totals[group][f"{col}/na_hit"] += round(na["recall"] * na["n"])
            print(row, flush=True)
    finally:
        pii_name_model._model, pii_name_tagger._model, pii_name_model.TAGGER = saved
    for group, t in totals.items():
        row = f"{group:9}{t['base/n']:6d}"
        for col in cols:
            row += (f"{t[col + '/hit'] / max(1, t[col + '/n']):11.3f}{t[col + '/fm']:4d}"
                    f"{t[col + '/na_hit'] / max(1, t[col + '/na_n']):6.3f}")
        print(row)


def score_held_out() -> None:
    """Names, addresses and names+addresses recall and false masks of the stored name path on
    each held-out set (AA), the tagger off and on: aggregates only, never an item."""
    from bench.bench_pii import GROUPS, dasan_find
    from bench.pii_scoring import score_spans

    saved = pii_name_model.TAGGER
    try:
        for letter, name in HELD_OUT.items():
            items = load_set(name)
            for tagger in (False, True):
                pii_name_model.TAGGER = tagger
                scores, _ = score_spans(items, dasan_find, GROUPS)  # errors never printed
                print(f"{letter} ({len(items)} items), tagger {'on ' if tagger else 'off'}: " + ", ".join(
                    f"{kind} {scores[kind]['recall']:.3f} ({int(scores[kind]['false_masks'])} FM, "
                    f"n={int(scores[kind]['n'])})" for kind in ("name", "address",
                                                               "names+addresses")))
    finally:
        pii_name_model.TAGGER = saved


def cross_validate(common: frozenset[str], lexicon: dict[str, str],
                   background: list[dict[str, Any]], show: float | None = None) -> None:
    """5 folds over the labelled items (generated and name-free texts always train): name recall
    and false masks of the scorer alone, per threshold."""
    items = _labelled("tune-k2")  # K2 and M2 are kept back: no threshold is chosen on them
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
    parser.add_argument("--loho", action="store_true",
                        help="leave-one-hold-out-out: train without each of A..H, score it")
    parser.add_argument("--loho-errors", default="",
                        help="print the misses and false masks of these left-out sets (ABC..)")
    parser.add_argument("--tagger", action="store_true",
                        help="with --loho: the scorer and the learnt tagger left out together; "
                             "with --write: write the tagger's weights too")
    parser.add_argument("--tagger-threshold", type=float, default=0.9)
    parser.add_argument("--tagger-thresholds", type=float, nargs="+", default=TAGGER_THRESHOLDS,
                        help="with --loho --tagger: the thresholds scored")
    parser.add_argument("--score-aa", action="store_true",
                        help="score hold-out AA with the stored weights (aggregates only) and stop")
    args = parser.parse_args()
    if args.score_aa:
        score_held_out()
        return
    corpus = _corpus_texts()
    shared = _shared_texts()
    common = frozenset(common_words(corpus + shared))
    lexicon = kiwi_lexicon(corpus + shared + _lexicon_texts())
    background = generated(random.Random(12), 4000, common)
    background += [{"text": t, "pii": []} for t in corpus + shared]
    if args.cv:
        cross_validate(common, lexicon, background, args.show)
    if args.loho and args.tagger:
        leave_one_out_tagger(common, lexicon, background, args.threshold,
                             tuple(args.tagger_thresholds))
    elif args.loho:
        leave_one_out(common, lexicon, background, args.threshold, args.loho_errors)
    if args.write and args.tagger:
        t_weights, t_bias = fit_tagger(*tagger_examples(_labelled() + background))
        pii_name_tagger.WEIGHTS_PATH.write_text(json.dumps(
            {"threshold": args.tagger_threshold, "c": TAGGER_C, "bias": round(t_bias, 4),
             "weights": dict(sorted(t_weights.items()))}, ensure_ascii=False, indent=0) + "\n",
            encoding="utf-8")
        print(f"wrote {pii_name_tagger.WEIGHTS_PATH} ({len(t_weights)} weights)")
    elif args.write:
        weights, bias = fit(*examples(_labelled() + background, common, lexicon))
        pii_name_model.WEIGHTS_PATH.write_text(json.dumps(
            {"threshold": args.threshold, "bias": round(bias, 4), "weights": weights,
             "common_words": sorted(common), "lexicon": _pack(lexicon)}, ensure_ascii=False, indent=0) + "\n",
            encoding="utf-8")
        print(f"wrote {pii_name_model.WEIGHTS_PATH} ({len(weights)} weights, "
              f"{len(common)} common words, {len(lexicon)} kiwi words)")


if __name__ == "__main__":
    main()
