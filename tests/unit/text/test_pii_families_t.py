"""Issue 12, session 17: families written from tune set T1's misses and false masks and from
probes in other words - each with the look-alikes that must stay."""

from __future__ import annotations

import pytest

from dasan.text.pii import find


def _of(kind: str, text: str) -> list[str]:
    return [s.text for s in find(text) if s.type == kind]


@pytest.mark.parametrize(
    "text",
    [
        "저희 아파트 102동 1504호 앞 복도에 누수가 있어요",
        "101동 1702호 사는 사람인데요 연락 주세요",
        "아파트 3단지 304동 802호 관리사무소에 연락했어요",
        "[민원] 우리 아파트 105동 903호 앞 가로등이 나갔어요",
    ],
)
def test_a_block_and_flat_of_no_named_complex_stay(text: str) -> None:
    assert _of("address", text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("래미안 아파트 105동 1502호 사는데요", "105동 1502호"),
        ("헬리오시티 312동 2104호 보일러 교체요", "312동 2104호"),
        ("노원구 중계동 은빛마을 2단지 205동이요", "은빛마을 2단지 205동"),
        ("은평구 통일로 684 힐스테이트 105동 1204호", "105동 1204호"),
    ],
)
def test_a_block_and_flat_after_a_complex_name_are_masked(text: str, address: str) -> None:
    assert any(address in found for found in _of("address", text))


def _names(text: str) -> list[str]:
    return _of("name", text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("[문자] 수현아 엄마 주민센터 왔는데 도장 필요하대", "수현"),
        ("다솔아 나 지금 통화 중이야 잠깐만", "다솔"),
        ("[카톡] ㅇㅇ 현수야 내일 구청 같이 갈래?", "현수"),
        ("연우 아빠랑 주차 때문에 다툼이 있었어요", "연우"),
        ("우리 아랫집 길동 아빠가 또 담배를 피워요", "길동"),
    ],
)
def test_a_given_name_called_out_or_before_its_parent_is_masked(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "아가야 울지 마",
        "여보야 나 늦어",
        "친구야 고마워",
        "일해야 되는데 졸려",
        "우리 엄마가 아파요",
        "새 아빠랑 살아요",
        "아이 엄마가 신청했어요",
        "초보 아빠 교실 신청이요",
    ],
)
def test_words_called_out_or_before_a_parent_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("몽골 학생 바트자르갈이 기숙사 문제로 연락했어요", "바트자르갈"),
        ("외국인 주민 아나스타시아 씨 집에 곰팡이가 심하대요", "아나스타시아"),
        ("우리 가게에서 일하는 수실라가 비자 문제로 걱정해요", "수실라"),
        ("우즈베키스탄 출신 딜쇼드가 대신 전화했어요", "딜쇼드"),
        ("같은 반 친구 사무엘이 괴롭혀요", "사무엘"),
    ],
)
def test_a_foreign_residents_one_word_name_after_a_persons_word_is_masked(
        text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    [
        "친구 결혼기념일이 언제야",
        "외국인 관광객이어도 돼요",
        "주민 휴게공간을 마련했어요",
        "친구 사이로도 못 지내",
        "외국인 유학생을 대상으로 인턴 프로그램 실시",
        "외국인 등록증을 잃어버렸어요",
        "주민 여러분께 알립니다",
    ],
)
def test_compound_words_after_a_persons_word_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "새마을금고 9002 1884 3072 5 본인 명의예요",
        "윤봉길 의사 기념관 주차 돼요?",
        "유관순 열사 기념관 가는 길이요",
        "장군이라는 이름의 강아지를 잃어버렸어요",
        "우리 고양이 이름은 두부예요 찾아주세요",
    ],
)
def test_words_that_name_no_person_stay(text: str) -> None:
    assert _names(text) == []


def test_a_forms_example_keeps_its_name_and_address() -> None:
    assert find("예시: 성명 홍길동, 주소 서울시 중구 세종대로 110") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("아 네 저는 이 아니고 여씨예요 여경민", "여경민"),
        ("김민수 의사 선생님이 진료했어요", "김민수"),
        ("강아지 주인 김민수 씨가 안 치워요", "김민수"),
        ("제 이름은 박지수예요 고양이 이름은 나비고요", "박지수"),
    ],
)
def test_a_persons_name_beside_those_words_is_still_masked(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "구청 담당자 이메일 welfare@gangnam.go.kr 로 보내면 되나요?",
        "문의는 info@hanbitmart.co.kr 로 하라는데 답이 없어요",
        "헌혈 증서 번호 21-08-331902 기부하려고 해요",
        "상품권 번호 1234-5678-9012 가 안 돼요",
        "서울 7 사 1234 버스가 정류장을 지나쳤어요",
    ],
)
def test_an_offices_mail_a_certificates_number_and_a_buss_plate_stay(text: str) -> None:
    assert find(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("제 메일 info@naver.com 이요", "email", "info@naver.com"),
        ("제 메일 minsu.kim@hanbitmart.co.kr 이요", "email", "minsu.kim@hanbitmart.co.kr"),
        ("결제 번호 말고 제 계좌 110-555-123456", "account", "110-555-123456"),
        ("서울 7 다 9013 택시가 승차거부 했어요", "car_plate", "서울 7 다 9013"),
        ("경기 12 바 3456 트럭이 막고 있어요", "car_plate", "경기 12 바 3456"),
    ],
)
def test_a_persons_number_beside_those_words_is_masked(text: str, kind: str, value: str) -> None:
    assert value in _of(kind, text)


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("010에 3821 그리고 마지막이 7765예요", "010에 3821 그리고 마지막이 7765"),
        ("번호는 010... 2298... 4471 이요", "010... 2298... 4471"),
        ("010, 3821, 7765 로 연락 주세요", "010, 3821, 7765"),
    ],
)
def test_a_phone_written_in_groups_with_words_between_is_masked(text: str, phone: str) -> None:
    assert phone in _of("phone", text)


@pytest.mark.parametrize(
    "text",
    [
        "서울 02, 04, 05, 07, 08, 09, 10번 버스는 가능합니다.",
        "2009.04.21 : 조합설립인가 2013.04.04 : 사업시행인가",
        "규제기준은 05:00~07:00, 18:00~22:00에는 60dB",
        "강동02, 03, 05번 및 3211, 3411 버스",
    ],
)
def test_lists_dates_and_times_are_no_phone_in_groups(text: str) -> None:
    assert _of("phone", text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("내가 김말순이여", "김말순"),
        ("우리 며느리 이름이 정미자인디", "정미자"),
        ("아 그 할멈이 조옥자라니께", "조옥자"),
        ("영감 이름은 최판돌이유", "최판돌"),
        ("그 통장 양반 이름이 황보석이던가", "황보석"),
    ],
)
def test_a_name_with_an_elders_or_a_dialects_ending_is_masked(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    ["위 사항을 유예하여 주시기 바랍니다", "주택소유 여부를 확인합니다", "심리치유 프로그램 안내",
     "양호하여 통과되었습니다"],
)
def test_a_verbs_or_nouns_last_syllable_is_no_dialect_ending(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("중랑구 면목동이요... 아 번지는 174-6 이고 반지하예요", "174-6"),
        ("주소가 마포구 망원동인데 번지가 412-3이요", "412-3"),
        ("I live at 34-2 Hoegi-ro, Dongdaemun-gu, room 201", "34-2 Hoegi-ro, Dongdaemun-gu, room 201"),
        ("My address is 15, Gangnam-daero 84-gil, Gangnam-gu, Seoul",
         "15, Gangnam-daero 84-gil, Gangnam-gu"),
        ("아 주소요 서대문구 연희로 이십칠길 팔이요", "서대문구 연희로 이십칠길 팔"),
        ("은평로 195 은평구청 맞은편 빌라요", "은평로 195"),
    ],
)
def test_addresses_told_in_parts_in_latin_letters_or_aloud_are_masked(
        text: str, address: str) -> None:
    # (팔이요 may be read as 82 and 요: the span may run on by a syllable)
    assert any(found.startswith(address) for found in _of("address", text))


@pytest.mark.parametrize(
    "text",
    [
        "을지로3가역 근처 공중화장실 문이 잠겨 있어요",
        "강남구청 학동로 426 민원실이요",
        "세종대로 110 서울시청 본관",
        "Seoul City Hall, 110 Sejong-daero, Jung-gu",
        "I went to Hongik-ro yesterday",
        "번지는 몰라요 3층이에요",
    ],
)
def test_stations_and_public_offices_addresses_stay(text: str) -> None:
    assert _of("address", text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("학생 명단 - 1번 강하준 2번 노서윤 3번 탁예린", ["강하준", "노서윤", "탁예린"]),
        ("세대원: 배수철(세대주), 배은정(배우자), 배하람(자녀)", ["배수철", "배은정", "배하람"]),
        ("[카톡] 주말에 은별이랑 도담이 데리고 구청 행사 가요", ["은별", "도담"]),
    ],
)
def test_names_in_a_roster_a_household_or_a_pair_of_friends_are_masked(
        text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text", ["1번 정보공개 2번 민원신청 3번 상담예약", "1. 신청서 2. 주민등록등본 3. 통장사본",
             "아이랑 강아지랑 같이 가요"])
def test_numbered_lists_of_words_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("친구 Aziz가 대신 통역해 줄 거예요", "Aziz"),
        ("제 남편 Michael이 외국인이에요", "Michael"),
        ("담당 선생님 Sarah 씨가 알려줬어요", "Sarah"),
        ("필리핀 사람 로웰 산토스가 다쳤어요", "로웰 산토스"),
        ("인도네시아 유학생 데위 푸트리 기숙사 문제요", "데위 푸트리"),
        ("카자흐스탄에서 온 아이게림입니다", "아이게림"),
    ],
)
def test_a_foreign_residents_name_after_a_person_or_an_origin_is_masked(
        text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    ["Google 계정이 안 돼요", "Zoom이 안 켜져요", "저는 Kakao 쓰는데", "친구 Netflix 계정 공유",
     "베트남 쌀국수 집이요", "미국 대사관 가는 길", "네팔 사람 비자 문의", "몽골 출신 가수 공연",
     "캄보디아 분들 많이 와요"],
)
def test_brands_and_things_after_an_origin_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "account"),
    [
        ("계좌번호요? 국민 육칠구 공일 공이삼사오육칠이요", "육칠구 공일 공이삼사오육칠"),
        ("기업 1234567-01-012345 로 보내 주세요", "1234567-01-012345"),
    ],
)
def test_accounts_read_aloud_or_in_a_long_first_group_are_accounts(text: str, account: str) -> None:
    assert any(account in found for found in _of("account", text))
    assert _of("phone", text) == []


@pytest.mark.parametrize(
    "text",
    ["가상계좌 번호 우리 26012345678901 로 관리비 납부", "서울시 세입 가상계좌 56211-0412-883 로 내래요"],
)
def test_a_bills_virtual_account_stays(text: str) -> None:
    assert _of("account", text) == []


def test_a_birth_date_then_the_first_back_digit_after_fillers_is_a_resident_number() -> None:
    text = "생년월일 구일공육일오 요 그리고 주민번호 뒤 첫자리는 일"
    assert _of("rrn", text) == ["구일공육일오 요 그리고 주민번호 뒤 첫자리는 일"]


@pytest.mark.parametrize("text", ["생년월일 구일공육일오 요", "생일은 구일공육일오예요 선물 주세요"])
def test_a_birth_date_alone_stays(text: str) -> None:
    assert _of("rrn", text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("그 공무원 이름 탁 씨였어요 탁윤성", "탁윤성"),
        ("김… 아니 김이 아니라 금이요 금가연", "금가연"),
        ("성은 여요 여경민이고요", "여경민"),
    ],
)
def test_a_whole_name_after_its_surname_said_alone_is_masked(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text",
    ["아 네 박 씨요 박이사 말고요", "몽골 여권이요 E2041187 이고요 비자는 E-9 이에요",
     "고지서에 번호 0218-4471 이라고 돼 있는데 이걸로 내면 되나요", "정 씨요 정말 감사해요"],
)
def test_a_surname_then_a_title_or_a_copula_stays(text: str) -> None:
    assert _names(text) == []


def test_a_name_closing_a_message_after_an_address_is_masked() -> None:
    assert _names("광진구 자양번영로 10 자양한양아파트 2동 1108호 채서진") == ["채서진"]


@pytest.mark.parametrize("text", ["회의실 302호 정보공", "버스 7016 타고 가요", "3번 출구 앞 강남역"])
def test_a_word_after_a_number_at_a_messages_end_stays(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [("망원동 새싹빌라 2층이요", "망원동 새싹빌라 2층"), ("신길동 행복주택 반지하예요", "신길동 행복주택 반지하")],
)
def test_a_villas_floor_after_its_dong_is_masked(text: str, address: str) -> None:
    assert _of("address", text) == [address]


@pytest.mark.parametrize(
    "text", ["구청 별관 2층 민원실", "역삼동 스타벅스 2층", "망원동 주민센터 2층", "삼성동 코엑스몰 지하 1층"])
def test_a_public_or_shops_floor_stays(text: str) -> None:
    assert _of("address", text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("영문으로 PARK SEO YEON 입니다", "PARK SEO YEON"), ("영문 이름은 KIM MIN JI 입니다", "KIM MIN JI")],
)
def test_a_romanised_name_after_an_english_spelling_cue_is_masked(text: str, name: str) -> None:
    assert _names(text) == [name]


@pytest.mark.parametrize("text", ["영문으로 SEOUL CITY HALL", "영어로 Thank You 라고 써 주세요",
                                  "스펠링이 어 려 워 요", "영어로 오 케 이요"])
def test_english_words_after_that_cue_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "mail"),
    [
        ("제 메일 yuna_kim 이고요 네이버예요", "yuna_kim"),
        ("메일 아이디는 sunny77 이고 도메인은 카카오닷컴", "sunny77"),
        ("jihoon.lee [at] daum.net 으로 보내 주세요", "jihoon.lee [at] daum.net"),
    ],
)
def test_an_address_told_as_its_id_and_service_or_with_at_in_brackets_is_masked(
        text: str, mail: str) -> None:
    assert _of("email", text) == [mail]


@pytest.mark.parametrize(
    "text", ["메일 제목은 Hello 이고요 네이버에서 왔어요", "메일 2통 왔어요 다음 주에", "메일 보냈어요 naver 로요"])
def test_mail_talk_without_an_id_stays(text: str) -> None:
    assert _of("email", text) == []


def test_a_passports_letter_then_a_filler_then_its_digits_is_masked() -> None:
    text = "여권 번호 앞에 알파벳이 엠 이고 그 다음 공 구 일 칠 칠 삼 이 오"
    assert _of("passport", text) == ["엠 이고 그 다음 공 구 일 칠 칠 삼 이 오"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("아 그 할아버지는 봉구 할아버지라고 불러 성은 몰라", "봉구"),
        ("나 안씨 할머니야 안점례 그 경로당 다니는", "안점례"),
        ("여보세요? 예 여기 김 뭐시냐 김 김말녀 집인데", "김말녀"),
    ],
)
def test_an_elders_given_name_before_a_title_or_after_a_stuttered_surname_is_masked(
        text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text", ["경비 아저씨가 친절해요", "택배 아저씨 왔어요", "김 김치 좀 주세요", "가 가짜인지 몰라요",
             "이 씨 아저씨, 이름은 모르는데 그분 차가 맨날 막아요"])
def test_titles_after_words_and_stuttered_words_stay(text: str) -> None:
    assert _names(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [("아들 경호 며느리 유정 둘이 같이 살아요", ["경호", "유정"]), ("아들 민준 딸 서연", ["민준", "서연"])],
)
def test_family_members_named_in_turn_are_masked(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_family_words_before_things_stay() -> None:
    assert _names("남편 회사 아내 직장 다 멀어요") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("장윤이요 외자예요", "장윤"),
        ("김솔 외자이름이에요 솔방울 솔", "김솔"),
        ("남궁 옥분 할머니요 남궁이 성이에요", "남궁 옥분"),
        ("제갈 성렬이라고 하면 다들 알아요", "제갈 성렬"),
        ("이 나탈리야 님 서류 보완 필요합니다", "이 나탈리야"),
    ],
)
def test_one_syllable_given_names_and_surnames_said_apart_are_masked(text: str, name: str) -> None:
    assert name in _names(text)


@pytest.mark.parametrize(
    "text", ["이 사람이라고요", "김 과장님 계세요", "한 번이라고", "그 사람 이름이 외자예요", "이 모두라고",
             "박 선생님", "나 안씨 할머니야"])
def test_words_after_a_surname_like_syllable_stay(text: str) -> None:
    assert _names(text) == []


def test_a_foreign_name_whose_first_word_ends_like_a_particle_is_masked_whole() -> None:
    assert _names("필리핀에서 온 조이 멘도사 선생님이 아이 영어 과외를 해요") == ["조이 멘도사"]


@pytest.mark.parametrize(
    "text", ["저 라시드예요 방글라데시 사람이고 안산에 살아요", "필리핀 사람 여권이 만료됐어요",
             "몽골 사람 이름은 길어요"])
def test_a_known_word_with_its_particle_after_an_origin_stays(text: str) -> None:
    assert "안산" not in " ".join(_names(text)) and "여권" not in " ".join(_names(text)) and (
        "이름" not in " ".join(_names(text)))


def test_a_department_before_its_officials_title_is_no_name() -> None:
    assert _names("처리 담당: 복지정책과 주무관 설지혜 / 팀장 국현석") == ["설지혜", "국현석"]


@pytest.mark.parametrize(
    ("text", "names"),
    [("어르신 성함은 두 글자, 곽 씨, 곽순", ["곽순"]), ("박 씨요 박사 학위 있어요", []), ("정 씨 정도면 돼요", [])],
)
def test_a_one_syllable_given_name_after_its_surname_said_with_ssi(
        text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_a_spoken_phone_group_with_its_copula_then_a_filler_is_masked() -> None:
    assert _of("phone", "제 번호요 공일공 칠칠삼일에요 그리고 이이구팔") == ["공일공 칠칠삼일에요 그리고 이이구팔"]


def test_the_first_groups_of_a_longer_number_are_no_local_phone() -> None:
    assert _of("phone", "카드 번호 4518 1234 5678 901") == []
    assert _of("phone", "집 전화번호 2298 7731 이에요") == ["2298 7731"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("저 예전에 통화했던 국민서라고 하는데요", ["국민서"]),
        ("그 사람을 다들 사장님이라고 불러요", []),
        ("찬물이랑 더운 물 중에 목욕하라고 하면 뭐로 할래?", []),
        ("이걸 기후동행카드라고 합니다", []),
        ("이그나이터라고 합니다.", []),
    ],
)
def test_a_name_said_as_what_one_is_called(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("아파트 동대표 길성호, 관리소장 편진우", ["길성호", "편진우"]),
        ("회원 명단에 표지수, 음나래", ["표지수", "음나래"]),
        ("세아 씨 대신 받았어요 전 룸메이트 지안이에요", ["세아", "지안"]),
    ],
)
def test_names_after_a_role_a_roster_or_a_housemate_are_masked(
        text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize("text", ["약사 상담 시간이 언제예요", "총무 업무 문의요", "동대표 선거 일정"])
def test_those_words_before_ordinary_words_stay(text: str) -> None:
    assert _names(text) == []
