from dasan.knowledge.query_fix import (
    Speller,
    apply_aliases,
    edit_distance,
    jamo,
    join_spaced_syllables,
    repair,
    strip_call_formulas,
)

KB_WORDS = ["기후동행카드", "충전", "충전", "방법", "따릉이", "대여", "요금", "신청", "청년", "월세",
            "정기", "기간", "발급", "교통카드", "환불", "환불", "경기"] * 3


def test_spaced_syllables_are_joined_but_normal_words_are_kept() -> None:
    assert join_spaced_syllables("기 후 동 행 카 드 충 전") == "기후동행카드충전"
    assert join_spaced_syllables("기후동행카드 충전 방법") == "기후동행카드 충전 방법"
    assert join_spaced_syllables("저 는 청년 월세 신 청 해 요") == "저 는 청년 월세 신청해요"
    assert join_spaced_syllables("이 거 뭐") == "이거뭐"


def test_jamo_distance_sees_one_wrong_vowel() -> None:
    assert edit_distance(jamo("충젼"), jamo("충전"), 2) == 1
    assert edit_distance(jamo("환불"), jamo("환급"), 1) == 2  # capped at limit + 1


def test_spelling_is_repaired_against_the_kb_words_only_for_odd_syllables() -> None:
    sp = Speller(KB_WORDS)
    assert repair("기후동행카드 충젼 방법", sp) == "기후동행카드 충전 방법"
    assert repair("청년 월세 신쳥", sp) == "청년 월세 신청"
    assert repair("충젼은 어디서", sp) == "충전은 어디서"  # a particle after the typo
    # a correct word the KB lacks, made of common syllables, is left alone
    assert repair("따릉이 정기권 환불", sp) == "따릉이 정기권 환불"


def test_a_spoken_verb_is_not_repaired_into_another_verb_but_a_noun_typo_is() -> None:
    # 넓, 넣, 걷 are syllables this KB (almost) never uses: the speller used to take these
    # verbs for typos of the KB's 넘어지다 / 넘다 / 얻다
    sp = Speller([*KB_WORDS, *(["넘어져", "넘어서", "얻어도", "빈대"] * 3)])
    assert repair("지역이 넓어져요", sp) == "지역이 넓어져요"
    assert repair("관리비에 넣어서 걷어도 되나요", sp) == "관리비에 넣어서 걷어도 되나요"
    # a typo'd noun that kiwi reads as a verb form (피다 + -ㄴ대) is still repaired to a noun
    assert repair("핀대 문의", sp) == "빈대 문의"
    assert repair("청년 월세 신쳥은", sp) == "청년 월세 신청은"


def test_english_and_former_names_map_to_the_kb_name() -> None:
    assert apply_aliases("Climate Card 충전") == "기후동행카드 충전"
    assert apply_aliases("따릉이 bike 대여") == "따릉이 대여"
    assert repair("climate card 충전 방법", None) == "기후동행카드 충전 방법"


def test_a_calls_opening_and_closing_are_stripped_but_the_question_is_kept() -> None:
    assert strip_call_formulas("여보세요 네 수고하십니다 가족수당 받으려면 요건이 어떻게 되나요 네 "
                               "감사합니다") == "가족수당 받으려면 요건이 어떻게 되나요"
    assert strip_call_formulas("아 네 다산콜센터죠 빈대 때문에 어디로 연락해요 그거 좀 여쭤보려고 "
                               "전화드렸어요") == "빈대 때문에 어디로 연락해요"
    assert strip_call_formulas("네 저 뭐 하나 여쭤볼게요 승화원 화장 예약 절차 그게 궁금해서요") \
        == "승화원 화장 예약 절차"
    # words that only start like a formula, and a question with none, are left alone
    assert strip_call_formulas("네이버에서 봤는데 청년월세 신청 언제 해요") \
        == "네이버에서 봤는데 청년월세 신청 언제 해요"
    assert strip_call_formulas("예술인 지원 신청") == "예술인 지원 신청"
    # all formula: the text stays as it was (the bot still sees a greeting)
    assert strip_call_formulas("네 안녕하세요") == "네 안녕하세요"
    assert repair("여보세요 기 후 동 행 카 드 충 전 네 감사합니다", None) == "기후동행카드충전"
