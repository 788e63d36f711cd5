from datetime import date

from dasan.knowledge.answerability import EntryText, assess, contact_residue, rule_reasons
from dasan.knowledge.answering import (
    AGREEMENT_CALIBRATION,
    AGREEMENT_MIN_ENTRIES,
    AGREEMENT_THRESHOLD,
    AnswerPolicy,
    decide,
    other_region,
    policy_for,
    programme,
    undecided_twins,
)

TODAY = date(2026, 12, 1)


def _assess(title: str, answer: str, **kw):  # type: ignore[no-untyped-def]
    return assess(EntryText(title=title, answer=answer, **kw), TODAY)


def test_reply_letters_and_named_officials_are_case_records() -> None:
    letter = _assess("수도요금 이사 정산", "안녕하십니까? 귀하께서 응답소(민원상담)를 통해 신청하신 민원에 "
                     "대한 검토 결과를 다음과 같이 알려드립니다. 공동 계량기의 경우 ...")
    assert letter.verdict == "reference" and "case" in letter.reasons
    named = _assess("가락우성아파트 근저당권 말소 담당 부서", "주거재생과에서 담당 : 김주희 주무관 2147-2899")
    assert named.verdict == "reference" and "case" in named.reasons
    # "담당 주무관에게 요청" names no one: a standard answer
    plain = _assess("부착 불가 차량", "지자체 담당주무관에게 부착 불가 명단에서 삭제해 달라고 요청하시면 "
                    "인터넷 신청이 가능합니다.")
    assert plain.verdict == "standard", plain


def test_stale_entries_by_edition_end_marker_dated_schedule_and_validity() -> None:
    assert "stale" in _assess("2023 서울형 가사서비스 지원사업, 자녀가 없어도 신청 가능한가요?",
                              "맞벌이의 경우 자녀가 없어도 신청 가능합니다.").reasons
    assert _assess("2026 서울형 가사서비스 지원사업, 자녀가 없어도 신청 가능한가요?",
                   "맞벌이의 경우 자녀가 없어도 신청 가능합니다.").verdict == "standard"
    assert "stale" in _assess("기후동행카드 판매 이벤트", "○ 행사기간: 1/23 ~ 1/27 행사종료").reasons
    assert "stale" in _assess("귀농창업 교육", "신청기간 ▣상반기: 2018년 2월 1일(목) ~ 3월 9일(금)"
                              " 서류제출 포함").reasons
    ok = EntryText("따릉이 이용권", "따릉이 이용권은 앱에서 구매합니다.", valid_to=date(2026, 1, 1))
    assert rule_reasons(ok, TODAY) == ["stale"]
    # an old law date is history, not staleness
    assert _assess("도로변상금 분할 납부", "도로변상금 분할 납부 (2009.9.24 법개정) 50만원 초과 시 "
                   "6월 2회 분납 가능합니다.").verdict == "standard"


def test_call_only_answers_but_not_answers_that_also_explain() -> None:
    only = _assess("기후동행카드 실물카드 등록 장애", "티머니고객센터(1644-0088)로 문의하시면 됩니다.")
    assert only.verdict == "reference" and "call_only" in only.reasons
    both = _assess("청년 임차보증금 중도상환", "중도상환은 가능하지만, 중도상환수수료가 발생합니다. 단, 대출 "
                   "잔여기간 3개월 이내 상환 시 면제됩니다. 좀 더 자세한 사항은 은행에 문의해 주시기 바랍니다.")
    assert both.verdict == "standard", both
    assert contact_residue("휴대전화를 바로 태그하실 수 있습니다.") == 1.0


def test_an_entry_without_an_answer_is_never_answered() -> None:
    a = _assess("따릉이 정기권 환불", "")
    assert a.verdict == "reference" and a.reasons == ("no_answer",)


def test_other_cities_are_recognised_unless_seoul_is_named() -> None:
    assert other_region("부산 동백전 충전은 어떻게 하나요") == "부산"
    assert other_region("Gyeonggi Pass refund date") is not None
    assert other_region("서울에서 인천공항 가는 버스") is None
    assert other_region("기후동행카드 충전 방법") is None


def test_decision_follows_the_policy_threshold() -> None:
    # (dense cosine, word coverage, fused score), best first
    strong = [(0.95, 1.0, 0.9), (0.85, 0.5, 0.5)]
    weak = [(0.86, 1.0, 0.62), (0.85, 1.0, 0.61)]
    assert decide(strong, "기후동행카드 충전").kind == "answer"
    assert decide(weak, "기후동행카드 충전").kind in ("related", "miss")
    assert decide(strong, "부산 동백전 충전").kind == "related"  # other city: never answered
    assert decide([], "아무거나").kind == "miss"
    # a confident cosine with none of the question's words used is not an answer
    assert decide([(0.95, 0.0, 0.9), (0.85, 0.0, 0.5)], "기후동행카드 충전").kind != "answer"
    # with the agreement calibration: the dense encoder is sure, but the lexical scorer likes
    # another entry as much, so the fused margin is narrow: unsure
    agree = AnswerPolicy(AGREEMENT_CALIBRATION, AGREEMENT_THRESHOLD)
    assert policy_for(AGREEMENT_MIN_ENTRIES - 1, 1.0) == AnswerPolicy()  # a small KB
    assert decide(strong, "기후동행카드 충전", agree).kind == "answer"
    assert decide([(0.95, 1.0, 0.9), (0.85, 0.5, 0.89)], "기후동행카드 충전",
                  agree).kind != "answer"
    never = AnswerPolicy(threshold=1.01)
    assert decide(strong, "기후동행카드 충전", never).kind == "related"


def test_no_answer_when_a_reference_record_outranks_the_entry() -> None:
    strong = [(0.95, 1.0, 0.9), (0.85, 0.5, 0.5)]
    agree = AnswerPolicy(AGREEMENT_CALIBRATION, AGREEMENT_THRESHOLD)
    # the standard entry is ahead of every reference record: answered
    assert decide(strong, "수도요금 이사 정산", agree, reference_lead=-0.3).kind == "answer"
    # a case letter scores above it (or ties): the citizen asked about that record
    for lead in (0.0, 0.2):
        d = decide(strong, "수도요금 이사 정산", agree, reference_lead=lead)
        assert (d.kind, d.reason) == ("related", "reference_ahead")
    # the same for a small KB's policy; the unguarded peer answers
    assert decide(strong, "수도요금 이사 정산", reference_lead=0.1).kind == "related"
    peer = AnswerPolicy(AGREEMENT_CALIBRATION, AGREEMENT_THRESHOLD, reference_guard=None)
    assert decide(strong, "수도요금 이사 정산", peer, reference_lead=0.1).kind == "answer"
    # no word shared: not even related
    assert decide([(0.95, 0.0, 0.9)], "수도요금", agree, reference_lead=0.1).kind == "miss"


def test_answer_display_steps_links_phones_and_review_month() -> None:
    from dasan.chat.bot import display_flags

    answer = ("○ 신청: 서울시 누리집 https://youth.seoul.go.kr 에서 신청 ○ 서류: 임대차계약서 "
              "○ 지급: 매월 20만원 ○ 문의: 120다산콜 또는 02-2133-7034")
    f = display_flags(answer, "2025-06")
    assert f["as_of"] == "2025-06" and len(f["steps"]) == 4 and f["more"]
    assert f["steps"][0].startswith("○ 신청")
    assert f["links"] == ["https://youth.seoul.go.kr"]
    assert "02-2133-7034" in f["phones"]
    short = display_flags("앱에서 구매합니다.", "2026-01")
    assert short["steps"] == ["앱에서 구매합니다."] and not short["more"]


def test_the_questions_own_signals_weigh_in_and_are_needed_when_weighed() -> None:
    from dasan.knowledge.answering import AnswerCalibration, QuerySignals, informal_register

    # casual endings are chit-chat's; polite questions and bare keywords are not
    for casual in ("심심해", "너도 썸 타?", "자존감 어떻게 올려?", "놀아 줄 사람이 없어"):
        assert informal_register(casual), casual
    for polite in ("기후동행카드 충전은 어떻게 하나요?", "수도요금 이사 정산", "여권 발급 알려주세요",
                   "주차 과태료 이의신청 방법입니다.", ""):
        assert not informal_register(polite), polite
    strong = [(0.95, 1.0, 0.9), (0.85, 0.5, 0.5)]
    cal = AnswerCalibration(a=12.0, b=0.0, c=-14.0, e=10.0, f=3.0, g=1.0, h=-4.0)
    pol = AnswerPolicy(cal, 0.5)
    in_domain = QuerySignals(vocab_share=1.0, title_cover=0.8, informal=0.0)
    chat = QuerySignals(vocab_share=0.3, title_cover=0.0, informal=1.0)
    assert decide(strong, "기후동행카드 충전", pol, signals=in_domain).kind == "answer"
    assert decide(strong, "카드 충전해 줘", pol, signals=chat).kind != "answer"
    assert cal(0.95, 0.1, 1.0, 0.4, in_domain) > cal(0.95, 0.1, 1.0, 0.4, chat)
    # a calibration that weighs the signals does not answer without them
    assert decide(strong, "기후동행카드 충전", pol).kind == "related"
    # one that does not weigh them ignores them
    plain = AnswerPolicy(AGREEMENT_CALIBRATION if not AGREEMENT_CALIBRATION.uses_signals
                         else AnswerCalibration(a=12.96, c=-13.58, e=12.37),
                         AGREEMENT_THRESHOLD)
    assert decide(strong, "기후동행카드 충전", plain).kind == "answer"


def test_two_stage_calibration_needs_both_an_in_domain_question_and_a_clear_top_hit() -> None:
    import pytest

    from dasan.knowledge.answering import (
        QuerySignals,
        TwoStageCalibration,
        distinct_after_first,
    )

    cal = TwoStageCalibration(("vocab", "lexical", "informal"), (4.0, 3.0, -3.0), -4.0,
                              ("dense", "fused_margin"), (10.0, 12.0), -10.0)
    pol = AnswerPolicy(cal, 0.5)
    assert cal.uses_signals
    in_domain = QuerySignals(vocab_share=1.0, informal=0.0)
    chat = QuerySignals(vocab_share=0.2, informal=1.0)
    # (dense, coverage, fused, lexical), best first
    clear = [(0.95, 1.0, 0.9, 1.0), (0.85, 0.0, 0.5, 0.3)]
    close = [(0.95, 1.0, 0.9, 1.0), (0.94, 0.0, 0.88, 0.9)]
    assert decide(clear, "기후동행카드 충전 방법", pol, signals=in_domain).kind == "answer"
    # the same hits for a casual question in words no entry uses: not in the domain
    assert decide(clear, "카드 충전해 줘", pol, signals=chat).kind != "answer"
    # in the domain, but two different entries score alike: unsure
    assert decide(close, "기후동행카드 충전 방법", pol, signals=in_domain).kind == "related"
    # the lexical score counts: the same hits with no lexical agreement are not answered
    no_lex = [(0.95, 1.0, 0.9, 0.0), (0.85, 0.0, 0.5, 0.3)]
    assert cal(0.95, 0.1, 1.0, 0.4, in_domain, 0.0) < cal(0.95, 0.1, 1.0, 0.4, in_domain, 1.0)
    assert decide(no_lex, "기후동행카드 충전 방법", pol, signals=in_domain).kind != "answer"
    # it weighs the question's signals: without them it does not answer
    assert decide(clear, "기후동행카드 충전 방법", pol).kind == "related"
    with pytest.raises(ValueError):
        TwoStageCalibration(("nope",), (1.0,), 0.0, ("dense",), (1.0,), 0.0)
    with pytest.raises(ValueError):
        TwoStageCalibration(("dense",), (1.0, 2.0), 0.0, ("dense",), (1.0,), 0.0)
    # a verbatim copy of the top entry is not its rival; an entry after it still is
    assert distinct_after_first(["a", "b", "c", "d"], ["k", "k", "j", "k"]) == ["a", "c"]
    assert distinct_after_first([], []) == []
    # copies set aside, the margin is over the next distinct entry: answered
    copy = [(0.95, 1.0, 0.9, 1.0), (0.95, 0.0, 0.9, 1.0), (0.85, 0.0, 0.5, 0.3)]
    rivals = distinct_after_first(copy, ["기후동행카드충전", "기후동행카드충전", "따릉이"])
    assert decide(copy, "기후동행카드 충전 방법", pol, signals=in_domain).kind != "answer"
    assert decide(rivals, "기후동행카드 충전 방법", pol, signals=in_domain).kind == "answer"


def test_a_city_sized_kb_uses_the_policy_fitted_on_the_kb_as_it_ships() -> None:
    from dasan.knowledge.answering import CITY_POLICY, QuerySignals

    city = policy_for(AGREEMENT_MIN_ENTRIES, 1.0)
    assert city is CITY_POLICY
    assert city.reference_guard == 0.0 and 0.0 < city.threshold < 1.0
    assert policy_for(AGREEMENT_MIN_ENTRIES - 1, 1.0) == AnswerPolicy()
    in_kb = QuerySignals(vocab_share=1.0)
    # (dense cosine, word coverage, fused score, lexical score), best first
    clear = [(0.92, 1.0, 0.9, 1.0), (0.85, 0.0, 0.6, 0.4)]
    assert decide(clear, "기후동행카드 충전 방법", city, signals=in_kb).kind == "answer"
    # the same top hit for a question the entry covers less than a fifth of: not answered
    # (the policy's coverage floor; since the seventeenth session the calibration itself does
    # not weigh the coverage: answering.CITY_CALIBRATION)
    thin = [(0.92, 0.15, 0.9, 1.0), (0.85, 0.0, 0.6, 0.4)]
    assert decide(thin, "우리 강아지 산책 몇 번 시켜", city, signals=in_kb).kind != "answer"
    # a paraphrase in other words than the entry's (a fifth of them shared) but as close to
    # it as the clear case: answered
    reworded = [(0.92, 0.2, 0.9, 1.0), (0.85, 0.0, 0.6, 0.4)]
    assert decide(reworded, "기후동행카드에 돈 넣는 법", city, signals=in_kb).kind == "answer"
    # at a lower cosine, the cosine margin decides: a rival as close as the top hit makes it
    # unsure, a clear lead answers
    close = [(0.80, 0.6, 0.9, 1.0), (0.80, 0.0, 0.89, 0.9)]
    ahead = [(0.80, 0.6, 0.9, 1.0), (0.40, 0.0, 0.4, 0.3)]
    assert decide(close, "기후동행카드 충전 방법", city, signals=in_kb).kind != "answer"
    assert decide(ahead, "기후동행카드 충전 방법", city, signals=in_kb).kind == "answer"


def test_a_city_kb_without_variants_keeps_the_policy_fitted_on_titles_alone() -> None:
    from dasan.knowledge.answering import (
        CITY_POLICY,
        TWO_STAGE_POLICY,
        VARIANT_SHARE_MIN,
    )
    from dasan.knowledge.search import SearchDoc, variant_share

    assert policy_for(AGREEMENT_MIN_ENTRIES, VARIANT_SHARE_MIN) is CITY_POLICY
    assert policy_for(AGREEMENT_MIN_ENTRIES, VARIANT_SHARE_MIN - 0.01) is TWO_STAGE_POLICY
    assert policy_for(AGREEMENT_MIN_ENTRIES - 1, 0.0) == AnswerPolicy()
    # a seed entry's own question is the second half of its title: not a variant of its own;
    # reference records do not count either way
    own = SearchDoc(1, "따릉이, 정기권 환불은?", ("정기권 환불은?", "따릉이 이용권 돈 돌려받기"), "답")
    titled = SearchDoc(2, "따릉이, 대여 요금은?", ("대여 요금은?",), "답")
    bare = SearchDoc(3, "수도 요금 납부", (), "답")
    ref = SearchDoc(4, "접수번호 2024-1 회신", ("회신 문의",), "답", answerable=False)
    assert variant_share([own, titled, bare, ref]) == 1 / 3
    assert variant_share([ref]) == 0.0 and variant_share([]) == 0.0


def test_passage_features_of_the_top_hit_can_be_weighed() -> None:
    from dasan.knowledge.answering import QuerySignals, TwoStageCalibration

    cal = TwoStageCalibration(("vocab",), (4.0,), -2.0,
                              ("dense", "title_dense", "variant_best", "passage_cover"),
                              (5.0, 3.0, -1.0, 2.0), -7.0)
    assert cal.uses_signals
    title_hit = QuerySignals(vocab_share=1.0, title_dense=0.9, variant_best=0.0,
                             passage_cover=1.0)
    variant_hit = QuerySignals(vocab_share=1.0, title_dense=0.7, variant_best=1.0,
                               passage_cover=0.4)
    assert cal(0.9, 0.1, signals=title_hit) > cal(0.9, 0.1, signals=variant_hit)


def test_a_foreign_question_on_a_city_sized_kb_uses_the_policy_fitted_on_foreign_questions(
) -> None:
    from dasan.knowledge.answering import (
        CITY_POLICY,
        FOREIGN_POLICY,
        TWO_STAGE_POLICY,
        QuerySignals,
    )

    assert policy_for(AGREEMENT_MIN_ENTRIES, 1.0, foreign=True) is FOREIGN_POLICY
    assert policy_for(AGREEMENT_MIN_ENTRIES, 1.0) is CITY_POLICY
    # a small KB, or one without variants, keeps its policy whatever the language
    assert policy_for(AGREEMENT_MIN_ENTRIES - 1, 1.0, foreign=True) == AnswerPolicy()
    assert policy_for(AGREEMENT_MIN_ENTRIES, 0.0, foreign=True) is TWO_STAGE_POLICY
    # a foreign question's cosine to its entry is lower than a Korean one's: a top hit the
    # Korean policy leaves to an agent, the foreign policy answers; a weak one neither does
    sig = QuerySignals(vocab_share=0.8)
    clear = [(0.86, 0.6, 0.8, 0.9), (0.80, 0.0, 0.45, 0.3)]
    assert decide(clear, "How do I get a climate card?", CITY_POLICY, None, sig).kind != "answer"
    assert decide(clear, "How do I get a climate card?", FOREIGN_POLICY, None,
                  sig).kind == "answer"
    weak = [(0.78, 0.3, 0.5, 0.2), (0.77, 0.0, 0.48, 0.2)]
    assert decide(weak, "hello how are you", FOREIGN_POLICY, None, sig).kind != "answer"


def test_near_twins_the_question_does_not_tell_apart_are_offered_not_answered() -> None:
    """Two entries of one programme on nearly the same question: when their scores are as
    close as twins' and the question's words do not favour the top one, the bot offers both
    (related, reason near_twin) instead of answering with one."""
    top = "꿈나래통장, 배우자와 별거중입니다. 가구원 제외가 가능한가요?"
    twin = "꿈나래통장, 주거를 따로 하는 배우자가 있는데 가구원으로 인정되나요?"
    other = "희망두배 청년통장, 배우자와 별거중입니다. 가구원 제외가 가능한가요?"
    top_t, twin_t = ["꿈나래통장", "배우자", "별거", "가구원", "제외"], \
        ["꿈나래통장", "주거", "따로", "배우자", "가구원", "인정"]
    vague = ["꿈나래통장", "배우자", "가구원"]
    assert programme(top) == programme(twin) == "꿈나래통장" and programme("전입신고") is None
    assert undecided_twins(vague, top, top_t, twin, twin_t, 0.001, 0.01)
    # scores further apart than twins', or another programme: not twins
    assert not undecided_twins(vague, top, top_t, twin, twin_t, 0.02, 0.01)
    assert not undecided_twins(vague, top, top_t, twin, twin_t, 0.001, 0.2)
    assert not undecided_twins(vague, top, top_t, other, twin_t, 0.001, 0.01)
    # a word of the question is the top entry's own (별거): it tells them apart
    assert not undecided_twins([*vague, "별거"], top, top_t, twin, twin_t, 0.001, 0.01)
    # ... and a word that is the twin's own keeps the bot from picking the top one
    assert undecided_twins([*vague, "별거", "따로", "주거"], top, top_t, twin, twin_t,
                           0.001, 0.01)
    hits = [(0.95, 1.0, 0.98), (0.949, 0.0, 0.97)]
    assert decide(hits, "꿈나래통장 배우자 가구원").kind == "answer"
    d = decide(hits, "꿈나래통장 배우자 가구원", twins=True)
    assert (d.kind, d.reason) == ("related", "near_twin")
    # the rule never makes a question the policy would not answer into an answer
    assert decide([(0.5, 1.0, 0.5)], "꿈나래통장", twins=True).kind != "answer"
