import pytest

from dasan.auth import (
    ROLES,
    can_edit_agency,
    can_see_district,
    hash_password,
    mask_phone,
    phone_hash,
    verify_password,
)
from dasan.db.models import User


def test_argon2_hash_verifies_only_the_right_password() -> None:
    h = hash_password("correct horse")
    assert h.startswith("$argon2")
    assert verify_password(h, "correct horse")
    assert not verify_password(h, "wrong horse")
    assert not verify_password("not-a-hash", "correct horse")


def test_password_policy_refuses_short_common_and_username_passwords() -> None:
    from dasan.passwords import WeakPassword, check_password

    with pytest.raises(WeakPassword, match="10 characters"):
        check_password("short")
    with pytest.raises(WeakPassword, match="common"):
        check_password("Password123")
    with pytest.raises(WeakPassword, match="common"):
        check_password("1Q2W3E4R5T")  # case does not help
    with pytest.raises(WeakPassword, match="username"):
        check_password("minsu-kim-2026", "minsu")
    check_password("dasan1234!")  # the demo password passes
    check_password("tangerine-bus-7", "minsu")


def test_password_policy_boundaries() -> None:
    from dasan.passwords import MAX_LENGTH, MIN_LENGTH, WeakPassword, check_password

    check_password("tangerine-" + "x" * (MAX_LENGTH - 10))  # exactly the longest allowed
    with pytest.raises(WeakPassword, match=f"at most {MAX_LENGTH}"):
        check_password("tangerine-" + "x" * (MAX_LENGTH - 9))
    check_password("tangerine-bus-7"[:MIN_LENGTH])  # exactly the shortest allowed
    with pytest.raises(WeakPassword, match="must not contain the username"):
        check_password("tangerine-kim-7", "Kim")  # a three-letter username counts, any case
    check_password("tangerine-jo-77", "jo")  # shorter usernames are too common to refuse


def test_phone_hash_is_keyed_and_mask_keeps_last_four() -> None:
    assert phone_hash("01012345678", "k1" * 8) != phone_hash("01012345678", "k2" * 8)
    assert phone_hash("01012345678", "k1" * 8) == phone_hash("01012345678", "k1" * 8)
    # the number itself is hashed: two callers never share a hash under one key
    assert phone_hash("01012345678", "k1" * 8) != phone_hash("01012345679", "k1" * 8)
    assert mask_phone("01012345678") == "010-****-5678"
    assert mask_phone("021234567") == "02-****-4567"


def _user(role: str, agency_id: int | None = None, district: str | None = None) -> User:
    return User(username=role, password_hash="x", display_name=role, role=role,
                agency_id=agency_id, district_code=district)


def test_district_officer_sees_only_own_district() -> None:
    officer = _user("district_officer", district="11545")
    assert can_see_district(officer, "11545")
    assert not can_see_district(officer, "11680")
    assert not can_see_district(officer, None)
    assert can_see_district(_user("analyst"), "11680")
    assert not can_see_district(_user("citizen"), "11545")


def test_kb_editor_edits_only_own_agency() -> None:
    editor = _user("kb_editor", agency_id=3)
    assert can_edit_agency(editor, 3)
    assert not can_edit_agency(editor, 4)
    assert not can_edit_agency(_user("agent"), 3)
    assert can_edit_agency(_user("admin"), 4)
    assert set(ROLES) == {"citizen", "agent", "supervisor", "kb_editor", "district_officer",
                          "analyst", "admin"}


def test_expired_session_is_refused(db) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from sqlalchemy import select

    from dasan.auth import open_session, user_for_session
    from dasan.db.base import utcnow

    user = db.scalar(select(User).where(User.username == "agent1"))
    token = open_session(db, user, hours=2)
    db.flush()
    assert user_for_session(db, token) is user
    assert user_for_session(db, token, now=utcnow() + timedelta(hours=1, minutes=59)) is user
    assert user_for_session(db, token, now=utcnow() + timedelta(hours=2, minutes=1)) is None
    assert user_for_session(db, "not-a-token") is None
