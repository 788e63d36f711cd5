"""Which kind of document number a run of digits is: one decision from the nearest word that
names a kind of number, and from the number's shape (issue 12).

The recognisers of ``dasan.text.pii`` each look for their own cue within a window, so a number
near two cues could be taken by the wrong one: an 11-digit account said after 보험증 번호 말고
(the health-insurance recogniser sees 보험증 and outranks accounts), a health-insurance number
said after a bank was mentioned. Here every word that names a kind of number - said in full or
short, before the number or after it (건강보험증, 보험증, 증번호, 가입자 번호, 건보; 계좌, 통장,
a bank's name, 입금; 사업자; 면허; 카드) - is found once, and a number whose digits fit the kind
named nearest to it takes that kind. A kind the digits cannot be (16 digits are no account, a
mobile's 010 is no business number) is never given, so the shape decides when the nearest word
names something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dasan.text.pii_phone_digits import valid_phone_digits

# A case, bill, order or certificate number's own name (접수번호, 고지서 번호, 등기번호): no
# person's number follows it (``pii`` reads it before phones and accounts, too).
REFERENCE_CUE = re.compile(
    # (session 22) a product's barcode (바코드 8801234567890: a Korean EAN-13 starts 880)
    r"바코드|상품[ \t]?코드|"
    r"(?:접수|신청|민원|주문|예약|관리|사건|등기|송장|운송장|고지서|납부|전자납부|고객|회원|증권"
    r"|계량기|수험|납부자|수용가|검침|사원|학생|대기|발급|문서[ \t]?확인|승인|영수증"
    # a certificate's, a voucher's or a ticket's own number (헌혈 증서 번호, 상품권 번호)
    r"|증서|증명서|인증서|확인서|상품권|쿠폰|티켓|좌석|운송|택배|등록증[ \t]?발급|일련|제품|모델"
    r"|자산|재고|청구|결제|거래|배송|환불[ \t]?신청|처리"
    # a bill's, a shop's or a pass's own number (고지번호, 가맹점번호, 이용권 번호)
    r"|고지|가맹점|이용권|정기권"
    # a ticket's or a pass's own number (주차권 번호, 승차권 번호, 관람권 번호)
    r"|주차권|승차권|탑승권|관람권|입장권|교환권|식권|회원권|할인권|주차[ \t]?등록)\s?번호"
)


# A passport's word, also in the languages foreign residents write it in (旅券, 护照, hộ chiếu,
# pasaporte, passeport, паспорт) and its form's short name (PP No.).
PASSPORT_WORDS: tuple[str, ...] = (
    "여권", "passport", "Passport", "PASSPORT", "旅券", "护照", "護照", "hộ chiếu", "Hộ chiếu",
    "pasaporte", "Pasaporte", "passeport", "Passeport", "паспорт", "Паспорт", "Reisepass",
    "PP No", "PP no", "PP NO")
PASSPORT_WORDS_RE = "|".join(map(re.escape, PASSPORT_WORDS))
PASSPORT_CUE = re.compile(PASSPORT_WORDS_RE)

# A business registration's words: 사업자, 법인 번호, and the taxpayer's class a sole trader says
# (간이과세자, 일반과세자).
BUSINESS_WORDS = r"사업자(?:[ \t]?등록)?|법인[ \t]?번호|(?:간이|일반)[ \t]?과세자"
# A vehicle's words: the number said near them is a plate's, not a phone's.
VEHICLE_WORDS = r"차량|차[ \t]?번호|번호판|차번|자동차|오토바이|이륜차|승용차|화물차"

# Words that name a kind of number. Longer words first where one holds another: 보험 카드 is a
# health-insurance card, 국민건강보험 no bank, 외국인 등록증 no business registration.
_CUES: tuple[tuple[str, str], ...] = (
    ("health_insurance",
     # (round 20) the card's word held whole (의료보험 카드: not a bank card named nearest)
     r"(?:국민[ \t]?건강[ \t]?보험(?:공단)?|건강[ \t]?보험|의료[ \t]?보험|건보)"
     r"(?:[ \t]?(?:증|카드))?"
     r"|보험[ \t]?증|보험[ \t]?카드|피보험자|피부양자|의료[ \t]?급여|보험[ \t]?자격"
     r"|가입자[ \t]?번호"
     # 증번호 said short, as a word of its own (not 대출증 번호, 학생증 번호)
     r"|(?<![가-힣])증[ \t]?번호"
     # (round 20) the household head's number on the card, 의료보험 said short (의보 번호), and
     # a foreign resident's English (health insurance card no., NHIS number)
     r"|세대주[ \t]?(?:증[ \t]?)?번호|의보(?=[ \t]?(?:증|카드|번호))"
     r"|(?i:(?:national[ \t])?health[ \t]?insurance(?:[ \t]card)?)|(?<![A-Za-z])NHIS?(?![A-Za-z])"),
    ("foreigner_rrn", r"외국인[ \t]?(?:등록)?(?:증|번호)?"),
    ("rrn", r"주민[ \t]?(?:등록)?[ \t]?(?:번호|증)?"),
    ("business_no", BUSINESS_WORDS),
    ("driver_licence", r"운전[ \t]?면허|면허"),
    ("passport", PASSPORT_WORDS_RE),
    ("card", r"(?:신용|체크|직불)?[ \t]?카드|[Cc]ard"),
    ("account",
     r"계좌|통장|[가-힣]{1,4}은행|뱅크|입금|송금|이체|예금주|환급|환불|농협|신한|우체국|수협|신협"
     r"|씨티"
     # a bank whose name is also a word (우리 엄마, 하나 더) only before 은행, 계좌 or digits
     r"|(?:우리|하나|기업|국민|새마을|카카오|토스|SC)(?=[ \t]?(?:은행|뱅크|계좌|통장|\d))"),
    ("phone", r"전화|연락처|핸드폰|휴대폰|휴대[ \t]?전화|폰"),
    ("car_plate", VEHICLE_WORDS),
)
_CUE_RE = re.compile("|".join([f"(?P<reference>{REFERENCE_CUE.pattern})"]
                              + [f"(?P<{kind}>{words})" for kind, words in _CUES]))
HEALTH_CUE = re.compile(dict(_CUES)["health_insurance"])
# The kinds decided here: numbers of digits only whose shapes overlap (10 to 16 digits).
DECIDED = frozenset({"health_insurance", "account", "business_no", "driver_licence", "card"})
# How far a word may stand from the number, and what ends the search: another line or turn.
_WIDTH = 40
_STOP = re.compile(r"\n|[ \t]/[ \t]")
# What may stand in a turn before the number it answers with: a speaker's label, a yes, a filler.
_TURN_OPENING = re.compile(
    r"[ \t]*(?:[가-힣A-Za-z]{1,5}[ \t]?[:：][ \t]*)?"
    r"(?:(?:네|예|아|음|어|그러니까|잠시만요)[ \t,.]*)*")


def fits(kind: str, digits: str) -> bool:
    """The digits can be a number of ``kind``."""
    n = len(digits)
    if not digits.isdigit():
        return False
    if kind == "health_insurance":  # 11 digits (some write the ten after the first)
        return n in (10, 11) and digits[0] != "0"
    if kind == "account":
        return 10 <= n <= 14 and not (digits.startswith("01") and n in (10, 11))
    if kind == "business_no":
        return n == 10 and digits[0] != "0"
    if kind == "driver_licence":
        return n == 12 and 11 <= int(digits[:2]) <= 28
    if kind == "card":
        return n in (15, 16)
    return False


# A clause ends between a word and the number (건강보험 카드 번호는 1-2039485761 이고 환급받을
# 통장은: the bank word after 이고 names the next thing said).
_CLAUSE_END = re.compile(r"[.?!,]|(?:이고|이구|인데|는데|고요|했고|지만|그리고|그리구)(?![가-힣])")


def nearest_kind(text: str, start: int, end: int, width: int = _WIDTH) -> str | None:
    """The kind of number named nearest to ``text[start:end]`` in its sentence or turn: the word
    before it, or the word after it when there is none before or a clause ends between the word
    before and the number and none between the number and the word after."""
    lo = max(0, start - width)
    stops = list(_STOP.finditer(text, lo, start))
    if stops:
        lo = stops[-1].end()
    hi = min(len(text), end + width)
    stop = _STOP.search(text, end, hi)
    if stop:
        hi = stop.start()
    before = None
    for m in _CUE_RE.finditer(text, lo, start):
        before = m  # the last one before is the nearest
    after = _CUE_RE.search(text, end, hi)
    if after and (before is None or _CLAUSE_END.search(text, before.end(), start)
                  and not _CLAUSE_END.search(text, end, after.start())):
        return after.lastgroup
    if before is None and after is None and stops and _TURN_OPENING.fullmatch(
            text, stops[-1].end(), start):
        # the number opens its turn: the answer to the question before it (보험증 번호 불러
        # 주시겠어요? / 네 3728190461 이요) - the last kind named in the turn before
        turn_end = stops[-1].start()
        for _ in range(4):
            turn_lo = max(0, turn_end - width)
            earlier = list(_STOP.finditer(text, turn_lo, turn_end))
            if earlier:
                turn_lo = earlier[-1].end()
            for m in _CUE_RE.finditer(text, turn_lo, turn_end):
                before = m
            # (round 20) a short turn that names nothing (나머지는요? / 7 이요) goes on with the
            # reading the turns before it asked for (증번호 앞자리가 어떻게 되세요? / 7 이요 /
            # 나머지는요? / 3029481756)
            if before is not None or not earlier or turn_end - turn_lo > 16:
                break
            turn_end = earlier[-1].start()
    return before.lastgroup if before else None


def shape_kind(said: str) -> str | None:
    """The kind a written number's grouping marks when no word names it: 3-2-5 a business
    registration, 2-2-6-2 (a region code first) a licence, 4-4-4-4 or 4-6-5 a card, one digit
    and ten a health-insurance card."""
    groups = [len(g) for g in re.findall(r"\d+", said)]
    if groups == [3, 2, 5]:
        return "business_no"
    if groups == [2, 2, 6, 2] and 11 <= int(said.lstrip()[:2]) <= 28:
        return "driver_licence"
    if groups in ([4, 4, 4, 4], [4, 6, 5]):
        return "card"
    if groups == [1, 10]:
        return "health_insurance"
    return None


# A written number of ten to sixteen digits, in up to five groups (a space, a dash or a dot
# between them), as a word of its own.
_WRITTEN_RE = re.compile(r"(?<![\d\w\-.])\d{1,16}(?:(?:[ \t]?[-.][ \t]?|[ \t])\d{1,8}){0,4}"
                         r"(?![\d\-]|\.\d)")
_FAR_WIDTH = 90


def named_far(text: str) -> Iterator[tuple[str, int, int, str]]:
    """Written numbers whose kind is named far before them in the same turn, with no other kind
    of number named in between (건강보험증 번호는 같은 가족이면 앞에가 같고 뒤에 한 자리만
    달라요 저희 건 3728190461; 건보 카드 번호 ... 다른 번호요? ... 제 번호는 62091847736):
    (kind, start, end, digits)."""
    for m in _WRITTEN_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if not 10 <= len(digits) <= 16 or valid_phone_digits(digits):
            continue  # a phone's digits are the phone recognisers' to read
        kind = nearest_kind(text, m.start(), m.end(), _FAR_WIDTH)
        if kind in DECIDED and fits(kind, digits):
            yield kind, m.start(), m.end(), digits
