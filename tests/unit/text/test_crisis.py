from __future__ import annotations

import pytest

from dasan.text.crisis import KINDS, CrisisInputError, detect_crisis, detect_crisis_many


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # the four messages the old rules missed
        ("한강 다리 위에 와 있어요", "suicide"),
        ("약을 한 통 다 먹었어요", "suicide"),
        ("며칠째 아무것도 못 먹었어요 전기도 끊겼어요", "destitution"),
        ("옆집 할머니가 며칠째 안 보이시는데 우편물이 쌓여 있어요", "neighbour"),
        ("너무 힘들어서 죽고 싶어요", "suicide"),
        ("손목을 그었어요", "suicide"),
        ("남편이 저를 때려요 살려주세요", "violence"),
        ("헤어진 남자친구가 계속 집 앞에 찾아와요", "violence"),
        ("옆집 아이 몸에 멍이 자주 보여요", "abuse"),
        ("요양원에서 할아버지를 묶어 두고 방치해요", "abuse"),
        ("불이 났어요 빨리 와 주세요", "emergency"),
        ("아이가 쓰러졌어요 숨을 안 쉬어요", "emergency"),
        ("월세가 밀려서 쫓겨나게 생겼어요", "destitution"),
        ("윗집에서 썩는 냄새가 나요 혼자 사시는 분인데", "neighbour"),
    ],
)
def test_crisis_detected_with_its_kind(text: str, kind: str) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.kind == kind
    assert result.kind in KINDS and 1 <= result.severity <= 3
    assert result.spans


@pytest.mark.parametrize(
    "text",
    [
        # the look-alikes
        "배고파 죽겠어요", "죽전역", "한강 다리 야경 투어", "약국 심야 운영", "유언장 공증",
        "더워 죽겠다", "자살예방센터 전화번호 알려주세요", "극단적 선택 기사 봤어요",
        "아동학대 신고 전화번호가 뭐예요", "단전 유예 제도가 있나요", "가스 요금 문의드립니다",
        "시험 망쳐서 죽고 싶다 ㅋㅋ 농담이고 성적 조회 어디서 해요", "쓰러진 나무 신고",
        # field reports about things that fell over (a person who collapsed still is one)
        "가로수가 쓰러져 길을 막고 있어요", "가로등이 쓰러졌어요", "공사장 가림막이 바람에 넘어졌어요",
        # a citizen chasing a reply on a written thread (regression: "왜 답이 없어요" on LINE
        # went to the crisis queue; the classifier read "…이 없어요" as suicide)
        "왜 답이 없어요", "왜 답이 없어요?", "아직도 답이 없어요", "왜 답장이 없어요", "연락이 없어요",
        "왜 대답이 없어요", "왜 말이 없어요", "답변이 없어요", "답답해요 왜 답이 없어요",
        "아직 소식이 없어요", "회신이 없어요", "메시지 읽고 답이 없어요",
    ],
)
def test_look_alikes_are_not_a_crisis(text: str) -> None:
    assert not detect_crisis(text).crisis


def test_a_person_who_collapsed_beside_a_fallen_thing_is_still_an_emergency() -> None:
    assert detect_crisis("가로수 옆에 사람이 쓰러져 있어요").kind == "emergency"
    assert detect_crisis("할아버지가 쓰러지셨어요").kind == "emergency"


def test_a_reply_chaser_does_not_hide_a_crisis_beside_it() -> None:
    """Only the chaser's own words are taken out of the model's cue check: a worry about a
    person, or crisis words in the same message, are still judged."""
    assert detect_crisis("연락도 없고 살 이유가 없어요").kind == "suicide"
    assert detect_crisis("남편이 때리고 나서 연락이 없어요").kind == "violence"
    assert detect_crisis("혼자 사시는 어머니가 사흘째 전화를 안 받아요").kind == "neighbour"
    assert detect_crisis("딸이 며칠째 연락이 없어요").crisis
    assert detect_crisis("답이 없어서 그냥 다 끝내고 싶어요").kind == "suicide"


def test_imminent_and_severity() -> None:
    now = detect_crisis("지금 옥상에 올라와 있어요 뛰어내리려고요")
    assert now.imminent and now.severity == 3
    later = detect_crisis("요즘 살기가 싫어요")
    assert later.crisis and not later.imminent and later.severity == 2
    need = detect_crisis("쌀이 떨어져서 먹을 게 없어요")
    assert need.kind == "destitution" and not need.imminent and need.severity == 1


def test_every_channel_style() -> None:
    samples = {
        "sms": "남편이 술먹고 때림 도와주세요",
        "call": "어 그 지금 엄마가 갑자기 쓰러지셨는데요 숨을 안 쉬어요",
        "qna": "독거 어르신 댁에 우편물이 쌓여 있고 일주일째 인기척이 없습니다",
        "field": "공원 화장실 앞에 사람이 의식 없이 쓰러져 있음",
    }
    for channel, text in samples.items():
        assert detect_crisis(text).crisis, channel


def test_batch_matches_single() -> None:
    texts = ["죽고 싶어요", "버스 시간표", "", "전기가 끊겼어요"]
    assert [r.crisis for r in detect_crisis_many(texts)] == [
        detect_crisis(t).crisis for t in texts]


def test_bad_input() -> None:
    with pytest.raises(CrisisInputError):
        detect_crisis(None)  # type: ignore[arg-type]
    with pytest.raises(CrisisInputError):
        detect_crisis("가" * 20_001)


# Look-alikes and phrasings found on the tune split of real public text (the songys chatbot
# questions, bench/data/crisis_real_chatbot.tsv); each guard keeps the crisis beside it.
@pytest.mark.parametrize(
    "text",
    ["아침밥 먹을 시간 없어서 굶었더니 배고파", "전기 나갔다", "여자해보고 싶어", "커피콩 볶고 있어",
     "가슴에 구멍이 너무 커.", "너무 보고 싶어 살려줘.", "어젯밤 집 앞에서 잠깐 만났어.",
     "멍 때리는 중", "내가 좋아하는 사람이 나를 창피해하는 것 같아."],
)
def test_real_text_look_alikes_are_not_a_crisis(text: str) -> None:
    assert not detect_crisis(text).crisis


@pytest.mark.parametrize(
    ("text", "kind"),
    [("너무 힘들어서 지금 옥상에 올라왔어.", "suicide"), ("죽는게 더 편할려나", "suicide"),
     ("학교에서 맞았어", "violence"), ("학교폭력 당하고 있어요", "violence"),
     # the guards do not hide the crisis they sit beside
     ("며칠째 아침 점심 다 굶었어요 돈이 없어요", "destitution"), ("자해를 했어요", "suicide"),
     ("아이 팔에 멍이 들어 있어요", "abuse"), ("남편이 때려요 살려주세요", "violence"),
     ("헤어진 남자친구가 집 앞에 서 있어요", "violence"), ("전기가 끊겼어요", "destitution")],
)
def test_real_text_phrasings_are_found(text: str, kind: str) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.kind == kind, result
    assert detect_crisis("너무 힘들어서 지금 옥상에 올라왔어.").imminent


# Look-alikes of the kinds found on the tune split of real news sentences, video captions,
# comments and FAQ titles (bench/data/crisis_real_sources.tsv; these sentences are our own, in
# the same forms): a suicide bombing, someone else's completed act, a legal category, a caption,
# a word's definition, an empty fridge. Each guard keeps the citizen's own crisis beside it.
@pytest.mark.parametrize(
    "text",
    ["시장에서 자살 폭탄 테러로 9명 사망", "그 배우가 자살했다는 기사", "자살한 가수의 노래",
     "폭행 혐의로 기소된 남자", "쌍방폭행이라고 봐야죠", "성폭행범 재판 결과",
     "한 남자가 벽에서 뛰어내리고 있다.", "죄의식이 없는 사람들", "숨이 막힐 정도로 멋진 경치",
     "교통사고 났었어.", "한 남자가 호스 물에 맞고 있다.", "열경련이란?", "냉장고에 먹을 게 없네",
     "주식 투자해 볼까", "시리아 폭력으로 두 명이 사망", "공장에서 노동자 수십 명이 사망했다고 밝혔다"],
)
def test_news_and_talk_about_others_are_not_a_crisis(text: str) -> None:
    assert not detect_crisis(text).crisis, detect_crisis(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("자살하고 싶어요", "suicide"), ("자살 시도했어요", "suicide"), ("자해했어요", "suicide"),
     ("뛰어내리려고요", "suicide"), ("남편한테 폭행당했어요", "violence"),
     ("배우자의 폭력으로 집을 나왔어요", "violence"), ("남편이 지금 때리고 있어요", "violence"),
     ("아빠가 의식이 없어요", "emergency"), ("아빠가의식이없어요", "emergency"),
     ("숨이 막혀요", "emergency"), ("교통사고 났어요 사람이 다쳤어요", "emergency"),
     ("냉장고에 먹을 게 없어요 며칠째 굶었어요", "destitution"),
     ("뉴스 보다가 생각났는데 저 정말 죽고 싶어요", "suicide")],
)
def test_the_news_guards_keep_the_citizens_own_crisis(text: str, kind: str) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.kind == kind, result


# Issue 17, session 10: guards taught by the false alarms of the real look-alikes' tune split
# (news comments, KorSTS captions and headlines, songys questions; our own sentences in the same
# forms). Each pair: the look-alike must stay silent AND a crisis with the same word must fire.
GUARD_PAIRS = [
     ("그 가수가 자살한건데 왜 가족이 욕을 먹어요", "자살한다고 유서를 써 놨어요", "suicide"),
     ("저런 애들은 자살을 안 하지", "저 자살할 거예요", "suicide"),
     ("자살하는 사람이 그렇게 많대", "자살하는 방법 알려줘", "suicide"),
     ("악플 때문에 또 한 사람이 생을 마감했네", "생을 마감하고 싶어요", "suicide"),
     ("목숨을 끊은 배우 이야기 들었어", "목숨을 끊으려고 해요", "suicide"),
     ("할머니가 작년에 세상을 떠나셨어요", "세상을 떠나고 싶어요", "suicide"),
     ("그녀는 경비원에게 성폭행을 당했다고 주장했다.", "어제 성폭행을 당했어요", "abuse"),
     ("성폭행이 마약보다 더 나쁜 죄다", "삼촌이 저를 성추행해요", "abuse"),
     ("그는 '무기를 들고 죽고 싶다'고 한다.", "죽고 싶다", "suicide"),
     ("얼마나 맞고 살았으면 그랬을까", "남편한테 매일 맞고 살아요", "violence"),
     ("니가 지금처럼 죽고 싶으면 그때 가서 생각해", "나 지금 죽고 싶어", "suicide"),
     ("우리 가게 매출 좀 살려 주세요", "누가 좀 살려 주세요 남편이 때려요", "violence"),
     ("대학에서 쫓겨나 다른 학교로 옮겼대", "월세가 밀려서 집에서 쫓겨나요", "destitution"),
     ("애들 지쳐 쓰러져서 나가떨어질 때까지 두고 보냐", "엄마가 쓰러졌어요", "emergency"),
     ("개가 따라오는 동안 언덕을 올랐다", "모르는 남자가 계속 따라와요", "violence"),
     ("콘서트 따라다니느라 돈을 다 썼어", "전 남친이 계속 따라다녀요", "violence"),
     ("한 어린 소년이 낚싯대를 들고 다리 위에 서 있다.", "지금 다리 위에 서 있어요", "suicide"),
     ("공원 길에서 자전거 타는 중", "갈 데가 없어서 길에서 자고 있어요", "destitution"),
     ("소녀가 맨발로 웅덩이에서 논다", "아이가 맨발로 밖에 서 있어요", "abuse"),
     ("애기가 밥을 안 먹어", "아이한테 밥을 안 줘요", "abuse"),
     ("파업이 교통을 마비시킬까 걱정이에요", "한쪽 팔이 갑자기 마비됐어요", "emergency"),
     ("부끄러워서 말을 못하겠어", "아빠가 말을 못 하세요", "emergency"),
     ("그녀의 결혼 소식에 가슴이 아프네", "가슴이 너무 아프네요", "emergency"),
     ("여친이 나를 좋아하는 게 맞는지 모르겠어", "남자친구한테 맞았어요", "violence"),
     ("배다른 형제거나 어머니가 다르던지 그렇겠지", "남편이 물건을 던지고 있어요", "violence"),
     ("사촌이 상대 도장에 쳐들어가서 이겼대", "전 남편이 집에 쳐들어왔어요", "violence"),
     ("여자친구 폭행 사건으로 방송에 못 나와", "남자친구가 폭행해요", "violence"),
     ("배고파서 굶어 죽겠다", "돈이 없어서 굶어 죽겠어요", "destitution"),
     ("저녁 약속 가면 욕 말고는 먹을 게 없다는 거 알아", "먹을 게 없어요 며칠째 굶었어요", "destitution"),
     ("뭐 먹을 거 없나", "먹을 거 하나도 없어요 쌀이 떨어졌어요", "destitution"),
     ("방글라데시 공장에서 수백 명이 쓰러졌다.", "사람 두 명이 쓰러졌어요", "emergency"),
     ("수감자가 심장마비로 사망", "심장마비 같아요 숨을 안 쉬어요", "emergency"),
     ("뇌졸중으로 입원한 대통령", "아빠가 뇌졸중 같아요 말이 어눌해요", "emergency"),
     ("온몸에 멍이 들었다는데 상해죄는 적용 안 되나요?", "아이 몸에 멍이 들어 있어요", "abuse"),
     ("행인이 숨어있는 소년을 발견했다.", "남편 피해서 화장실에 숨어 있어요", "violence"),
     ("아침밥 못 먹었더니 배고파", "며칠째 밥을 못 먹었어요", "destitution"),
     ("그 사람이 맞는 소리 하네", "옆집에서 애 때리는 소리가 계속 나요 애가 울어요", "abuse"),
     ("또 자살이냐 이번엔 누구냐", "자살할 이유만 생각나요", "suicide"),
     ("그 배우 자살 이유가 뭐래", "자살 생각이 자꾸 나요", "suicide"),
     ("연예인들 우울증으로 자살하는 거 보면 안타깝다", "차라리 자살하는 게 낫겠어요", "suicide"),
     ("죽고 싶냐?", "정말 죽고 싶어요", "suicide"),
     ("그렇게 죽고 싶으면 혼자 죽어라", "너무 힘들어서 죽고 싶어요", "suicide"),
     ("극단적 선택을 한 배우 소식에 팬들이 슬퍼했다", "극단적인 생각이 자꾸 들어요", "suicide"),
     ("아동학대범은 사형시켜라", "아동학대 같아요 아이가 매일 맞아요", "abuse"),
     ("애를 때리는 부모는 부모 자격이 없다", "애를 때리는 사람이 있어요", "abuse"),
     ("걔 예전에 동거녀 폭행으로 잡혀갔잖아", "동거인이 폭행해요", "violence"),
     ("성추행 당했다고 거짓말하는 사람도 있대", "어제 성추행을 당했어요", "abuse"),
     ("불이 났던 건물이 아직도 그대로네", "불이 났어요", "emergency"),
     ("다이어트 한다고 굶는 중이야", "돈이 없어서 이틀째 굶는 중이에요", "destitution"),
     ("한 남자가 칼을 들고 요리를 하고 있다.", "남편이 칼을 들고 있어요", "violence"),
     ("그 아이돌 폭행 논란 진짜야?", "남편이 폭행해요", "violence"),
     ("스토커 같은 팬들 진짜 무섭다", "스토커가 집 앞에 있어요", "violence"),
     ("유서 깊은 사찰을 방문했다", "유서를 써 놨어요", "suicide"),
     ("마지막으로 연락한 게 언제더라", "마지막으로 연락드려요 그동안 고마웠어요", "suicide"),
     ("전기 끊기기 전에 요금 내세요 안내 문자", "전기가 끊겼어요", "destitution"),
     ("굶는 다이어트 효과 있나요", "돈이 없어서 사흘째 굶고 있어요", "destitution"),
]


@pytest.mark.parametrize(("quiet", "loud", "kind"), GUARD_PAIRS)
def test_each_guard_silences_the_look_alike_and_keeps_the_crisis(
        quiet: str, loud: str, kind: str) -> None:
    assert not detect_crisis(quiet).crisis, detect_crisis(quiet)
    result = detect_crisis(loud)
    assert result.crisis and result.kind == kind, result


def test_the_models_own_arithmetic_equals_scikit_learns_predict_proba() -> None:
    """The per-message path skips scikit-learn's checks; it must give the same probabilities."""
    import pickle

    import numpy as np

    from dasan.text import crisis
    from dasan.text.normalize import light_view

    model = crisis.CrisisModel([(t, k) for t, k, _, _ in crisis.load_labelled(crisis.TRAIN_SET)])
    texts = [light_view(t).text for t in (
        "한강 다리 위에 와 있어요", "약을 한 통 다 먹었어요", "며칠째 아무것도 못 먹었어요 전기도 끊겼어요",
        "배고파 죽겠어요", "기후동행카드 환불 문의", "", "zzzz qqqq", "🙂🙂🙂", "ＡＢＣ  Def\tg")]
    assert model.vectorizer is not None and model.model is not None
    expected = model.model.predict_proba(model.vectorizer.transform(texts))
    got = np.vstack([model.probabilities(t) for t in texts])
    assert np.allclose(got, expected, atol=1e-9)
    # The cached model is kept without scikit-learn's objects and scores the same.
    kept = pickle.loads(pickle.dumps(model))
    assert kept.vectorizer is None and kept.model is None
    assert np.allclose(np.vstack([kept.probabilities(t) for t in texts]), expected, atol=1e-9)


def test_the_models_cue_skips_appointments_candles_and_therefore() -> None:
    from dasan.text.crisis import _CUE

    for chore in ("금요일에는 약속 잡지 마", "촛불을 켜 둔 부처상", "불독이 뛰어요", "따라서 신청하세요"):
        assert not _CUE.search(chore), chore
    for cue in ("약을 다 먹었어", "불이 났어", "누가 따라와"):
        assert _CUE.search(cue), cue


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # indirect disclosures: a passive wish not to wake, a farewell that assumes one's
        # absence, affairs settled, the wish to die of the old, the casual volitional question,
        # "can't bear it any more", a friend's stated intent reported
        ("아침에 눈 안 떴으면 좋겠어", "suicide"), ("영원히 잠들고 싶다", "suicide"),
        ("태어나지 말았어야 했어", "suicide"), ("나 없어도 다들 잘 살 거야", "suicide"),
        ("먼저 가서 미안해 엄마", "suicide"), ("신변 정리 다 했어요", "suicide"),
        ("빨리 죽어야지 이 나이에", "suicide"), ("그냥 죽을까", "suicide"),
        ("이제 더는 못 버티겠어", "suicide"), ("친구가 자살한대요 어떡해요", "suicide"),
        ("어제 칼빵 했어", "suicide"),
        # dialect: 죽고 잡다 (싶다), 죽어삐고 (버리고)
        ("죽고 잡다", "suicide"), ("죽어삐고 싶다", "suicide"),
        # a blow named (멱살, 머리채, 뺨), the fear of the next one (때릴까 봐)
        ("남편이 또 때릴까 봐 무서워요", "violence"), ("남친이 멱살을 잡고 흔들었어", "violence"),
        # unresponsive, foam at the mouth, calling 119
        ("깨워도 안 일어나요", "emergency"), ("입에 거품 물고 쓰러졌어", "emergency"),
        ("아빠가 숨은 쉬는데 119 불러야 돼?", "emergency"),
        # no money for rice or briquettes; a neighbour not seen lately, no answer at the door
        ("쌀 살 돈도 없어", "destitution"), ("옆집 할머니 요즘 통 안 보이셔", "neighbour"),
        ("문을 두드려도 대답이 없어요 옆집 할아버지", "neighbour"),
    ],
)
def test_indirect_and_everyday_phrasings_are_found(text: str, kind: str) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.kind == kind, result


@pytest.mark.parametrize(
    "text",
    ["먼저 가서 자리 잡을게", "오늘 회사 일찍 먼저 갈게", "방 정리 다 했어", "잠들고 싶다 너무 졸려",
     "내일 아침에 눈 뜨면 연락할게", "그냥 집에 갈까", "더워서 못 버티겠다 에어컨 틀자"],
)
def test_everyday_look_alikes_of_the_indirect_phrasings_are_not_a_crisis(text: str) -> None:
    assert not detect_crisis(text).crisis, detect_crisis(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a farewell beside affairs settled or beside a place to jump from
        ("집 정리 다 했어 그동안 고마웠어", "suicide"), ("다들 잘 지내 나 한강 간다", "suicide"),
        ("통장은 동생한테 넘겨놨어요 그동안 감사했습니다", "suicide"),
        ("찾지 마 다들 고마웠어", "suicide"), ("어젯밤부터 죽으라는 목소리가 들려", "suicide"),
        ("요즘 어떻게 죽을까 그 생각만 해", "suicide"), ("난간 앞이야", "suicide"),
        ("약을 좀 많이 먹었어요 서른 알 정도", "suicide"),
        # conjugations: 조릅니다, 뿌린다고, 죽여버린다고; a restraining order broken
        ("남편이 술 마시면 목을 조릅니다", "violence"), ("헤어지자니까 사진 뿌린다고 협박해", "violence"),
        ("그 사람이 죽여버린다고 문자 보냈어", "violence"), ("접근금지 걸려 있는데 또 집 앞에 왔어", "violence"),
        # violence at home against a child or an elder is abuse; against a partner, violence
        ("엄마가 옷걸이로 때려 나 초6", "abuse"), ("삼촌이 할매를 때렸어", "abuse"),
        ("남편이 나를 때려 애가 다 보고 있어", "violence"),
        ("아들이 어머니 연금을 다 가져가요", "abuse"), ("계부가 나를 자꾸 만지려고 해", "abuse"),
    ],
)
def test_farewells_conjugations_and_victims_name_the_crisis(text: str, kind: str) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.kind == kind, result


@pytest.mark.parametrize(
    "text",
    ["이사 때문에 집 정리 다 했어", "그동안 고마웠어요 다음에 또 봐요", "격투기 보는데 목 조르기로 이김",
     "번개탄에 삼겹살 구워 먹자", "비타민 한 통 다 먹었다 또 사야지", "보고서 마감이라 밤새야 함 살려줘",
     "어머니 기초연금 신청할 때 뭐 가져가야 돼요", "속이는 거 더 이상 못하겠어",
     "반 애들한테 매일 맞아 학교 가기 싫어"],
)
def test_look_alikes_of_farewells_and_named_blows_stay_quiet_or_keep_their_kind(text: str) -> None:
    result = detect_crisis(text)
    if text.startswith("반 애들"):  # school violence stays violence, not child abuse
        assert result.kind == "violence"
    else:
        assert not result.crisis, result


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # emergencies in everyday words: trapped under, hit by a car, bleeding a lot, a fall,
        # a broken bone, flood water, collapse, anaphylaxis, poisoning, a wire burning
        ("아저씨가 트랙터 밑에 깔렸어요", "emergency"), ("오토바이에 치였어요 다리가 안 움직여요", "emergency"),
        ("아빠 머리 피 나 어떡해", "emergency"), ("엄마가 계단에서 굴러떨어지셨어", "emergency"),
        ("등산하다 발목이 부러진 것 같아요", "emergency"), ("반지하에 물이 무릎까지 찼어요", "emergency"),
        ("옆 건물 붕괴 우려 있어요 금이 계속 커져요", "emergency"),
        ("땅콩 먹고 두드러기 나더니 목이 부어요", "emergency"),
        ("공장에서 화학 약품이 샌 뒤로 다들 두통에 구토해요", "emergency"),
        ("콘센트에서 타는 냄새가 나요", "emergency"),
        # destitution: bills months behind, a cut-off announced, a cold room, no food
        ("가스비가 석 달 밀려서 공급 중단 예고받았어요", "destitution"),
        ("방 안 온도가 3도예요 난방비가 없어요", "destitution"), ("강제집행 내일이래요", "destitution"),
        ("먹을 것도 부족해요 애들이 셋이에요", "destitution"),
        # neighbours: lately unseen or not eating, days of milk uncollected, zero meter readings
        ("혼자 사시는 할배가 요새 경로당도 안 나오셔", "neighbour"),
        ("독거 어르신 댁 우유가 5일분 미수거예요", "neighbour"),
        ("옆집 아주머니 요즘 식사도 안 하시는 것 같아요", "neighbour"),
        ("아랫집 할매 수도 검침이 계속 0이래", "neighbour"),
        ("세입자가 두 달째 연락도 안 되고 불이 안 켜져요", "neighbour"),
    ],
)
def test_everyday_emergencies_hardship_and_neighbours_are_found(text: str, kind: str) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.kind == kind, result


@pytest.mark.parametrize(
    "text",
    ["뭐 먹을 거 없나", "식량이 부족한 나라에 지원한다는 기사를 봤다", "코피 많이 나서 휴지 좀",
     "고기 타는 냄새 좋다", "불꽃놀이 보러 한강 가자", "다이어트 중이라 하루 한 끼 먹어",
     "작년에 다리 부러졌었는데 이제 괜찮아", "가스 차단기 교체는 어디에 신청하나요",
     "친구가 요즘 안 보이네 바쁜가 봐"],
)
def test_look_alikes_of_everyday_emergencies_and_hardship_are_not_a_crisis(text: str) -> None:
    assert not detect_crisis(text).crisis, detect_crisis(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # neglect and abuse signs: a cigarette burn (담배빵), food not given, diapers not changed,
        # a small child alone for hours, truancy, a parent away for days; the fear of a blow
        ("우리 반 아이 팔에 담배빵 자국이 있어요", "abuse"),
        ("요양원에서 할아버지 밥을 안 준대요", "abuse"),
        ("아기가 몇 시간째 혼자 울고 있어요 어른이 없는 것 같아요", "abuse"),
        ("아빠가 사흘째 집에 안 들어와 나 초4야", "abuse"), ("아동이 무단결석 3주째예요", "abuse"),
        ("남편이 술 마시고 왔어 오늘 또 맞을 거 같아", "violence"),
        ("물 끊겼어 애기 씻길 물도 없어", "destitution"),
        # a bruise beside a partner's blows, no child or elder: violence
        ("얼굴에 멍 자국이 있어요 남편 폭행이에요", "violence"),
    ],
)
def test_neglect_signs_and_feared_blows_are_found(text: str, kind: str) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.kind == kind, result


@pytest.mark.parametrize(
    "text", ["아이가 친구랑 같은 옷을 샀어요", "할머니가 용돈을 안 준대 ㅠ", "술 끊었어 이제 물만 마셔",
             "그 경기 보면서 한 시간 동안 울었어", "어른이 없는 캠핑은 처음이야"])
def test_look_alikes_of_neglect_signs_are_not_a_crisis(text: str) -> None:
    assert not detect_crisis(text).crisis, detect_crisis(text)


@pytest.mark.parametrize(
    ("text", "imminent"),
    [
        ("아빠가 엄마 때리고 있어 나 어떡해", True), ("손목 그었는데 피가 안 멈춰", True),
        ("오늘 죽을 거예요 약 샀어요", True), ("내일 쫓겨나요 갈 데가 없어요", True),
        ("옆방 사람 며칠째 안 나오는데 복도에 파리가 많고 냄새가 심해요", True),
        ("쌀이 다 떨어졌어요", False), ("남편이 예전에 저를 때렸어요", False),
    ],
)
def test_imminent_follows_what_is_happening_now(text: str, imminent: bool) -> None:
    result = detect_crisis(text)
    assert result.crisis and result.imminent is imminent, result
    assert result.severity == (3 if imminent else result.severity)


@pytest.mark.parametrize(
    ("text", "crisis_"),
    [
        # coercive control: the phone searched beside being kept from friends or from going out
        ("남친이 내 폰 검사하고 친구 못 만나게 해", True), ("남편이 휴대폰 뺏고 밖에 못 나가게 해요", True),
        ("엄마가 폰 검사해서 짜증나", False), ("친구 못 만나게 하는 게임 중독", False),
        # violence witnessed: dragged away beside a scream, a fight beside things breaking
        ("어떤 남자가 여자를 끌고 가요 여자가 소리 질러요", True),
        ("옆집에서 부부 싸우는 소리랑 접시 깨지는 소리가 나요", True),
        ("윗집 싸우는 소리 때문에 잠을 못 자요", False), ("짐을 끌고 가는 소리가 시끄러워요", False),
    ],
)
def test_control_and_witnessed_violence_need_both_signs(text: str, crisis_: bool) -> None:
    result = detect_crisis(text)
    assert result.crisis is crisis_ and (not crisis_ or result.kind == "violence"), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("전입신고 문의요 근데 남편 피해서 나온 거라 주소 노출되면 안 돼요", "violence"),
     ("전 남친 피해서 이사했어요", "violence"),
     ("다 그만하고 싶다 아무도 나 필요 없잖아", "suicide"),
     ("다 포기하고 싶어 나만 없으면 다들 편할 텐데", "suicide"),
     ("일 다 그만하고 싶다 퇴사할까", None), ("나 같은 건 원래 이래", None),
     ("비 피해서 카페 들어왔어", None)],
)
def test_fleeing_an_abuser_and_worthlessness_beside_giving_up(text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("방문 결과: 독거 어르신 거동 불가, 식사 못 하심, 보호자 없음", "neighbour"),
     ("혼자 계신 아버지가 전화를 이틀째 안 받으세요", "neighbour"),
     ("할매가 밥을 사흘째 안 드신다", "neighbour"),
     ("아이가 열이 40도가 넘고 축 처져서 반응이 없어요", "emergency"),
     ("애들 분유값도 없어요 남편은 연락 끊겼고요", "destitution"),
     ("친구가 전화를 이틀째 안 받네 삐졌나", None), ("문의했는데 반응이 없어요", None),
     ("어제 체온이 40도까지 올랐다가 지금은 괜찮아요", None)],
)
def test_an_elder_not_eating_or_answering_a_limp_feverish_child_no_money_for_formula(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("오늘 밤에 한강 갈 거야 마지막으로 얼굴 보고 싶었어", "suicide"),
     ("약 모아둔 거 오늘 다 먹을 거임", "suicide"),
     ("학교 애들이 돈 뺏고 때려 담임한테 말해도 소용없어", "violence"),
     ("새엄마가 밥을 안 줘", "abuse"), ("아빠가 술 마시면 집에 들어가기 무서워", "violence"),
     ("오빠가 자꾸 내 방에 들어와서 만져", "abuse"), ("돈 없어서 3일째 물만 마심", "destitution"),
     ("집주인이 문 잠가버려서 못 들어감 밖에서 자야 됨", "destitution"),
     ("캠핑 가서 밖에서 자야 돼 텐트 챙겨", None), ("학교 애들이 나 놀려서 짜증나", None),
     ("오빠가 내 폰 만져서 짜증나", None), ("비타민 모아둔 거 먹었어", None),
     ("마지막으로 한강 야경 보고 집에 가자", None)],
)
def test_casual_disclosures_of_means_fear_touching_and_sleeping_outside(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("옆집 아줌마가 맨날 아이를 밖에 세워놔요 이 추운데", "abuse"),
     ("전기요금 못 내서 내일 끊긴대요 애기 있는데", "destitution"),
     ("독거노인 댁 방문했는데 문이 안 열리고 안에서 신음 소리가 나요", "neighbour"),
     ("차 안에 아기가 혼자 있어요 창문도 닫혀 있고 너무 더워요", "emergency"),
     ("자전거 세워놔도 돼요?", None)],
)
def test_a_child_left_outside_or_in_a_car_a_cut_off_announced_a_moan_behind_a_door(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


def test_a_noun_in_eum_is_not_read_as_a_nominal_ending() -> None:
    from dasan.text.crisis_casual import casual_view
    from dasan.text.normalize import light_view

    assert casual_view(light_view("안에서 신음 소리가 나요")).text == "안에서 신음 소리가 나요"


@pytest.mark.parametrize(
    ("text", "kind"),
    [("여기 불 났어요 3층이요", "emergency"), ("연기가 계단에 꽉 찼어요", "emergency"),
     ("할아버지가 길에서 쓰러지셔서 안 일어나세요", "emergency"),
     ("공사장에서 2층에서 사람이 떨어졌어요", "emergency"),
     ("딸이 공원에서 없어졌어요 빨간 옷이요", "emergency"),
     ("치매 아버지가 4시간째 안 돌아오세요", "emergency"),
     ("애가 건전지 삼켰어요", "emergency"),
     ("엄마가 왼쪽 팔다리에 힘이 없대요", "emergency"),
     ("반지하인데 물이 무릎까지 찼어요", "emergency"),
     ("아이가 시험에서 떨어졌어요", None), ("그 배우 연기가 많이 나아졌어", None),
     ("놀이터에서 애 킥보드가 없어졌어요", None), ("동전 삼키는 마술 배웠어", None),
     ("마음에 불 붙는 노래 추천", None)],
)
def test_everyday_words_for_an_emergency_now(text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("수면제 다 모아놨어 이번 주에 먹을 거야", "suicide"),
     ("방에 줄은 이미 걸어놨어요", "suicide"),
     ("나 같은 사람은 없어지는 게 다들 편할 거야", "suicide"),
     ("요즘 살 이유를 모르겠어요", "suicide"),
     ("아내 먼저 간 뒤로 나도 곧 따라가야지 싶어", "suicide"),
     ("한강 다리까지 갔는데 못 뛰었어요", "suicide"),
     ("손목에 흉터가 또 늘었어", "suicide"),
     ("이 버그가 없어지면 편할 텐데", None), ("빨래줄 걸어놨어요", None),
     ("비타민 다 모아놨어", None), ("나도 곧 따라갈게 먼저 출발해", None),
     ("오늘 수업은 여기까지인 것 같아요", None)],
)
def test_means_prepared_farewells_and_passive_wishes(text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("옆집 할머니 일주일 못 봤어요 문 앞에 음식 그대로 있어요", "neighbour"),
     ("101호 독거 어르신 우편물 열흘째 미수령", "neighbour"),
     ("혼자 사시는 아저씨 집 불이 일주일 내내 켜져 있어요", "neighbour"),
     ("앞집 할배가 요새 기척이 읎어유", "neighbour"),
     ("아랫집 영감 요새 통 안 보인다 신문이 문앞에 수북하다", "neighbour"),
     ("혼자 사는 옆방 남자 창문에 파리가 새까맣게 붙어 있어요", "neighbour"),
     ("친구를 일주일 못 봤어요 여행 갔대요", None),
     ("옆집 불이 일주일 내내 켜져 있어서 눈부셔요 커튼 추천", None),
     ("택배 미수령 문의요 이틀째 안 왔어요", None)],
)
def test_a_neighbour_unseen_in_everyday_words(text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("모르는 남자가 퇴근길에 계속 따라옵니다", "violence"),
     ("전 남친이 제 새 주소를 알아냈어요", "violence"),
     ("헤어진 사람이 집 앞에서 휘발유 들고 서 있어요", "violence"),
     ("누가 밖에서 문 계속 두드려요 도어락 번호 누르는 소리 나요", "violence"),
     ("남친이 헤어지면 같이 죽자고 해요", "violence"),
     ("우리 집 양반이 술만 먹으면 손찌검을 해요", "violence"),
     ("강아지가 산책길에 계속 따라왔어요 귀여워요", None),
     ("비밀번호 찾기로 알아내는 법 알려주세요", None),
     ("밤길 조심하세요 가로등이 없어요", None),
     ("야구장 갈 때 응원 방망이 챙겨", None)],
)
def test_stalking_threats_and_a_partners_blows_in_everyday_words(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("돈이 없어서 이틀째 물만 마셔요", "destitution"),
     ("사장님이 월급을 안 줘서 월세도 밀리고 밥도 못 먹어요", "destitution"),
     ("고시원비 못내서 쫓겨났어요", "destitution"),
     ("아기 분유도 오늘 떨어져요 돈이 없어요", "destitution"),
     ("차에서 2주째 생활하고 있어요", "destitution"),
     ("전기가 나갔어요 요금 못 내서요", "destitution"),
     ("월세 못 내면 어떻게 되나요?", None),
     ("다이어트 때문에 하루 물만 마셔볼까", None),
     ("압류 해제 절차 문의드려요", None),
     ("캠핑 가서 차에서 잤어요", None)],
)
def test_hardship_in_everyday_words(text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("요양보호사가 할머니를 꼬집고 밀치는 게 찍혔어요", "abuse"),
     ("학원 선생님이 제 몸 만지고 아무한테도 말하지 말래요", "abuse"),
     ("엄마가 밥을 안 줘요 동생도 배고파해요", "abuse"),
     ("새아빠가 밤에 제 방에 들어와요", "abuse"),
     ("옆집 하르방이 아들한티 맞고 살아요", "abuse"),
     ("선생님이 제 머리 쓰다듬고 칭찬해 주셨어요", None),
     ("동생이 밤에 내 방에 들어와서 게임해", None),
     ("서프라이즈 파티니까 아무한테도 말하지 마", None)],
)
def test_abuse_by_a_carer_or_a_grown_child_in_everyday_words(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


def test_meals_withheld_in_a_field_report_are_abuse() -> None:
    assert detect_crisis("보호자가 이틀간 식사 및 약 미제공", channel="field_report").kind == "abuse"
    assert not detect_crisis("점심 식사 미제공 행사입니다", channel="field_report").crisis


@pytest.mark.parametrize(
    ("text", "kind"),
    [("교통사고 났는데 다친 데는 없고 보험 처리 중이에요", None),
     ("할아버지가 작년에 뇌졸중으로 쓰러지셨는데 재활 잘 하셔서 지금은 걸으세요", None),
     ("지하철에서 누가 쓰러졌는데 119 와서 데려갔대요", None),
     ("저는 다친 데 없는데 엄마가 쓰러졌어요 숨을 안 쉬어요", "emergency"),
     ("사고 났어요 사람이 다쳤어요 피가 많이 나요", "emergency")],
)
def test_an_emergency_told_as_over_and_harmless_is_not_one(text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [("재작년에 우리 가게에 불났을 때 와주신 소방관분들께 감사 인사 드리려고요", None),
     ("지난달에 남편이 쓰러져서 입원했는데 지금은 다 나아서 출근해요 병원비 지원 되나요", None),
     ("정전 신고했는데 알고 보니 차단기 문제였어요 이제 불 들어와요", None),
     ("고등학교 때 왕따 당했었는데 다 지나간 일이라 이제 아무렇지 않아요", None),
     ("현장 확인 결과 보일러 연기는 수증기로 판명, 이상 없음", None),
     ("작년에 불났을 때 도와주셨는데 오늘 또 불이 났어요 빨리 와 주세요", "emergency"),
     ("남편이 어제 때렸어요 지금은 자는데 깨면 또 때릴까 봐 무서워요", "violence")],
)
def test_an_event_told_as_over_is_no_crisis_unless_a_danger_is_now(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    "text",
    ["웹툰 주인공이 옥상 난간 끝에 서 있는 장면에서 너무 울었어요",
     "추리 소설인데 범인이 피해자를 스토킹 하고 있는 설정이에요 현실성 있나요",
     "우리 애 독감 주사 맞고 팔이 아프대요 정상인가요",
     "매운 라면 먹었더니 입에 불났어",
     "내일 배관 공사 때문에 물이 끊긴대요 몇 시부터예요?",
     "손자 생일이라 축하한다고 문자해 줬어",
     "저녁 굶음 다이어트 중 아님 그냥 바빴음",
     "동생이 내가 자해하는 줄 알았대 그냥 고양이가 할퀸 건데"],
)
def test_fiction_idioms_injections_works_and_a_mistaken_belief_are_not_a_crisis(
        text: str) -> None:
    assert not detect_crisis(text).crisis, text


@pytest.mark.parametrize(
    "text",
    ["우리 강아지가 아침부터 밥을 안 먹고 침대 밑에 숨어 있어요 동물병원 가야 하나요",
     "어젯밤 꿈에서 누가 칼 들고 쫓아와서 식은땀 흘리며 깼어",
     "주차하다 기둥에 살짝 박았는데 아무도 안 다쳤어요 보험 접수만 하면 되나요",
     "아버지 칠순을 맞으셔서 잔치를 하려는데 구민회관 대관 되나요",
     "월세가 두 달 밀렸는데 이번 주에 한꺼번에 낼 수 있어요 연체료만 알려 주세요",
     "몇 년 전에 남편 폭력으로 이혼했고 지금은 아이들하고 안전하게 잘 지내요 개명 절차가 궁금해요",
     "범죄 팟캐스트 들었는데 스토커 에피소드 무섭더라",
     "휴지 떨어졌네 쌀도 떨어졌고 마트 가서 사 와야지"],
)
def test_a_pet_a_dream_nobody_hurt_a_feast_a_debt_paid_a_past_told_and_shopping_are_not_a_crisis(
        text: str) -> None:
    assert not detect_crisis(text).crisis, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [("강아지 말고 우리 엄마가 숨을 못 쉬어요 빨리 와 주세요", "emergency"),
     ("쌀이 떨어졌는데 살 돈이 없어요 애들이 며칠째 라면만 먹어요", "destitution"),
     ("지금은 잘 지내는데 남편이 또 찾아올까 봐 무서워요 어제도 남편한테 맞았어요", "violence")],
)
def test_the_same_words_beside_a_person_in_danger_stay_a_crisis(text: str, kind: str) -> None:
    assert detect_crisis(text).kind == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [("이번에 떨어지면 옥상에서 뛰어내릴 거야 농담 아니야", "suicide"),
     ("남편이 같이 죽자고 하는데 농담 같지가 않아요", "violence"),
     ("이번에 떨어지면 옥상에서 뛰어내릴 거야 농담이고 결과 언제 나와요", None),
     ("아빠 미안해요 저 먼저 갈게", "suicide"),
     ("여보 미안 나 먼저 간다 애들 잘 부탁해", "suicide"),
     ("엄마 미안 나 먼저 갈게 내일 봐", None),
     ("엄마 미안 나 먼저 갈게 회사 일 생겨서", None)],
)
def test_a_joke_denied_and_a_last_goodbye_are_heard(text: str, kind: str | None) -> None:
    """A joke denied or doubted (농담 아니야, 농담 같지가 않아요) does not silence the crisis
    beside it as a joke said (농담이고) does; 'sorry, I'm going first' to a parent or a spouse
    as the last words or before a farewell is one, leaving early with a plan is not."""
    result = detect_crisis(text, use_model=False)
    assert result.kind == kind and result.crisis is (kind is not None), result


# Twelfth pass (issue 17): the rules' look-alike families over all the writers' tune sets, each
# beside a crisis of the same surface that still fires (docs/crisis.md).
@pytest.mark.parametrize(
    ("text", "kind"),
    [  # a plea or a dying word about an object or a task
     ("살려줘 엑셀 함수가 자꾸 오류나", None),
     ("살려주세요 노트북이 안 켜져요 내일 발표인데", None),
     ("살려주세요 남편이 칼을 들고 있어요", "violence"),
     ("프로젝트 다 끝내고 싶다 진짜", None),
     ("이제 다 끝내고 싶어요 사는 게 너무 지옥이에요", "suicide"),
     ("콘서트 티켓팅 또 실패 나 사라질래", None),
     ("나 진짜 사라질래 아무도 나 필요 없대", "suicide"),
     # a farewell at a change of job, school or home
     ("다음 주 퇴사라 팀에 마지막 인사 문자 보내려는데 문구 추천해 주세요", None),
     ("전학 가기 전에 마지막 인사 하고 옥상에 갈 거예요", "suicide"),
     ("마지막으로 인사하고 싶었어요 다들 잘 지내", "suicide"),
     # the kind's word as a topic noun, a place named after it
     ("어린이집 교사 교육에서 쓸 아동학대 징후 목록 있나요", None),
     ("옆집 아동이 학대 당하는 것 같아요 매일 울어요", "abuse"),
     ("자살바위라고 불리는 곳이 전망대래요", None),
     ("자살하려고 자살바위에 왔어요", "suicide"),
     # a sibling's fight, a pet as the "abuser", a scream on a ride, a member who follows along
     ("둘째가 동생을 자꾸 때려서 혼냈는데 어떻게 훈육해야 하나요", None),
     ("아빠가 동생을 자꾸 때려요", "abuse"),
     ("우리 고양이가 간식 안 준다고 나를 물어서 매일 학대당해요", None),
     ("놀이기구 타다가 비명 질러서 목이 다 쉬었어", None),
     ("옆집에서 비명 소리가 들리고 물건 부서지는 소리가 나요", "violence"),
     ("그 예능에 늘 따라다니는 멤버가 있어", None),
     ("모르는 남자가 계속 따라다녀요", "violence"),
     # a bad meal skipped by choice, a neighbour whose whereabouts are known
     ("오늘 학식 너무 별로 굶는 게 나았어", None),
     ("돈이 없어서 며칠째 굶고 있어요", "destitution"),
     ("옆집 할머니가 요즘 안 보이셔서 여쭤보니 딸네 가 계신다고 하더라고요", None),
     ("옆집 할머니가 요즘 안 보이시고 우편물이 쌓여 있어요", "neighbour")],
)
def test_look_alike_families_stay_quiet_beside_the_crisis_of_their_surface(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text, use_model=False)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [  # told as over, in a call's spoken form with fillers; a lift left; a bullying looked back on
     ("어 그 재작년에 아버지가 심장 때문에 쓰러지셨는데 음 지금은 수술 받고 괜찮으세요 그 의료비 환급 문의요", None),
     ("아버지가 쓰러지셨어요 지금은 숨은 쉬는데 괜찮을까요 빨리 와 주세요", "emergency"),
     ("어제 엘리베이터에 30분 갇혔다가 겨우 나왔어요 점검 요청하려고요", None),
     ("엘리베이터에 갇혔어요 아이가 숨을 못 쉬어요", "emergency"),
     ("중학교 때 왕따 당했었는데 지금 생각하면 웃겨 다 잊었어", None),
     ("왕따 당했는데 지금 애들이 또 때려요", "violence"),
     # a false alarm that comes again, a case note of no recurrence
     ("아파트 화재경보기 오작동으로 또 울렸어요 점검 언제 와요", None),
     ("경보기 오작동인 줄 알았는데 복도에 연기가 가득하고 불이 났어요", "emergency"),
     ("사례관리 정기 면담: 자해 이력 있으나 최근 3개월 자해 없음", None),
     ("정기 면담 중 어제 손목을 그었다고 말함, 자해 이력 있음", "suicide")],
)
def test_events_told_as_over_false_alarms_and_case_notes_are_quiet_unless_now(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text, use_model=False)
    assert result.kind == kind and result.crisis is (kind is not None), result


# Thirteenth pass (issue 17): the rules' look-alike families of blind tune set 12 (a new writer),
# each beside a crisis of the same surface that still fires (docs/crisis.md).
@pytest.mark.parametrize(
    ("text", "kind"),
    [  # 목을 매다 over a goal or a task, not a thing to hang from
     ("이번 학기 성적에 목을 매고 있어요 장학금 받아야 해서", None),
     ("베란다 난간에 목을 매려고 줄을 샀어요", "suicide"),
     ("과제 때문에 목 매달 판이야 내일 마감", None),
     ("빚 때문에 목 매달고 싶어요", "suicide"),
     # a neighbour's absence explained, not "went, and then …"
     ("윗집 할머니 우편물이 쌓여 있어서 여쭤보니 따님 댁에 다녀오시는 중이래요", None),
     ("앞집 할아버지 우유가 쌓여 있었는데 아드님이랑 여행 가셨대요", None),
     ("옆집 할아버지가 병원에 다녀오신다더니 일주일째 안 보이고 우편물이 쌓여요", "neighbour"),
     # told as over: recovered, reconciled; a word of now keeps the hit
     ("어머니가 작년에 쓰러지셨다가 회복하셔서 지금은 산책도 다니세요 검진 문의드려요", None),
     ("어머니가 쓰러지셨다가 회복하셨는데 방금 또 쓰러지셨어요", "emergency"),
     ("어릴 때 아빠한테 맞았는데 지금은 화해했어요", None),
     ("남편이랑 화해했는데 어제 또 때렸어요", "violence"),
     # a scene watched on screen; a question asked ahead of a danger
     ("드라마에서 엄마가 딸 때리는 장면 나왔는데 연기 잘하더라", None),
     ("드라마 보는데 갑자기 술 취한 남편이 들어와서 나를 때렸어요", "violence"),
     ("불 났다 싶으면 어디로 먼저 전화해야 하는지 미리 알아두려고요", None),
     ("불 났다 싶으면 어쩌나 했는데 지금 진짜 불이 났어요 연기가 가득해요", "emergency"),
     # a landlord's paperwork over a tenant's arrears; a knife at work in a kitchen
     ("상가 세입자가 월세를 세 달 밀려서 내용증명 양식이 필요해요", None),
     ("세입자인데 월세 두 달 밀려서 집주인이 소송한대요 나가라고 해요", "destitution"),
     ("칼국수 집에서 칼 들고 면 써는 거 구경했어", None),
     ("남편이 칼 들고 문 앞에 서 있어요", "violence")],
)
def test_a_new_writers_look_alike_families_stay_quiet_beside_the_crisis_of_their_surface(
        text: str, kind: str | None) -> None:
    result = detect_crisis(text, use_model=False)
    assert result.kind == kind and result.crisis is (kind is not None), result


@pytest.mark.parametrize(
    ("text", "kind"),
    [  # a laugh denied masks the crisis beside it; a laugh alone still marks hyperbole
     ("ㅋㅋ 요즘 사라지고 싶다는 생각만 해 장난 아니고 진심으로", "suicide"),
     ("울 아빠가 ㅋㅋ 아 웃을 때가 아니고 가슴이 아프다고 쓰러지셨어", "emergency"),
     ("시험 망해서 죽고 싶다 ㅋㅋ 웃기지", None),
     # a pet left alone is a sign of its owner unseen; a pet's noise alone is a complaint
     ("옆집 강아지가 며칠째 계속 짖는데 할머니는 안 보이세요", "neighbour"),
     ("옆집 강아지가 며칠째 계속 짖어서 시끄러워요 관리실에 민원 넣으려고요", None),
     ("옆집 할머니가 강아지 데리고 며칠째 여행 가셨대요", None)],
)
def test_a_laugh_denied_and_a_pet_left_alone_are_heard(text: str, kind: str | None) -> None:
    """Laughter keeps the rules silent as hyperbole unless it is denied (장난 아니고 진심으로,
    웃을 때가 아니고); a neighbour's pet crying for days is a sign, not talk about animals."""
    result = detect_crisis(text, use_model=False)
    assert result.kind == kind and result.crisis is (kind is not None), result
