"""REGISTER digest checks (pure): challenge, right and wrong answers, stale nonces, expiry."""

from __future__ import annotations

from dasan.voice import register as r

SECRET = "test-secret-key"


def _answer(nonce: str, password: str, user: str = "A0001", qop: bool = True) -> str:
    p = {"username": user, "realm": r.REALM, "nonce": nonce, "uri": "sip:127.0.0.1:5060"}
    if qop:
        p |= {"qop": "auth", "nc": "00000001", "cnonce": "abc"}
    p["response"] = r.expected_response(p, password)
    return "Digest " + ", ".join(f'{k}="{v}"' for k, v in p.items())


def test_digest_register_verdicts() -> None:
    good = r.sip_password(SECRET, "A0001")
    nonce = r.new_nonce(SECRET)
    assert r.check(SECRET, "A0001", None, 600).status == 401  # challenged first
    assert r.check(SECRET, "A0001", _answer(nonce, good), 600) == r.Verdict(200, "OK", 600)
    assert r.check(SECRET, "A0001", _answer(nonce, good, qop=False), None).expires == 3600
    assert r.check(SECRET, "A0001", _answer(nonce, "guess"), 600).status == 403
    # Another agent's name with A0001's password, or a forged nonce, never binds.
    assert r.check(SECRET, "A0002", _answer(nonce, good), 600).status == 403
    assert r.check(SECRET, "A0001", _answer("1.forged", good), 600).status == 401
    stale = r.new_nonce(SECRET, now=0)
    assert r.check(SECRET, "A0001", _answer(stale, good), 600).status == 401
    assert r.check(SECRET, "A0001", _answer(nonce, good), 10).status == 423
    assert r.check(SECRET, "A0001", _answer(nonce, good), 0).expires == 0  # unregister
    assert r.requested_expires("600", "<sip:a@h>;expires=120") == 120
    assert r.requested_expires(None, "*") == 0
