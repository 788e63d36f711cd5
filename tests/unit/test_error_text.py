"""Every error code the rooms raise has a Korean text for the screens, and no page script
prints the API's English `detail` itself (issue 11: no raw English on Korean screens)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field

import dasan
from dasan.web.error_text import ERROR_TEXT, STATUS_TEXT, catalog, error_text

SRC = Path(dasan.__file__).parent
STATIC = SRC / "web" / "static"

# code="x" / code = "x" (keyword or class attribute), but not a row's own code column.
_KEYWORD = re.compile(r'\bcode\s*=\s*"([a-z0-9_]+)"')
_ROW = re.compile(r"\b(Agency|Queue|Skill|Team|Agent)\([^)]*\bcode\s*=\s*\"")
# ChatError("...", 409, "chat_ended") and the status -> code table of ChatError.
_POSITIONAL = re.compile(r',\s*[1-5]\d\d,\s*"([a-z0-9_]+)"\s*\)')
_STATUS_TABLE = re.compile(r'\b[1-5]\d\d:\s*"([a-z0-9_]+)"')
_REFUSAL = re.compile(r'\brefusal\(\s*"([a-z0-9_]+)"')


def raised_codes() -> dict[str, str]:
    """Every error code written in the source, with the first file that writes it."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "demo.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if _ROW.search(line):
                continue
            for code in _KEYWORD.findall(line):
                found.setdefault(code, str(path.relative_to(SRC)))
        for pattern in (_POSITIONAL, _REFUSAL):
            for code in pattern.findall(text):
                found.setdefault(code, str(path.relative_to(SRC)))
        if "_CODES = {" in text:
            for code in _STATUS_TABLE.findall(text.split("_CODES = {", 1)[1].split("}", 1)[0]):
                found.setdefault(code, str(path.relative_to(SRC)))
    return found


def test_the_scan_sees_the_codes_of_every_kind_of_raise() -> None:
    codes = raised_codes()
    # keyword, class attribute, ChatError's positional code, its status table, refusal()
    for code in ("canned_bad_code", "offer_gone", "chat_ended", "chat_conflict",
                 "dong_required", "agent_at_limit", "transfer_same_agent"):
        assert code in codes, code
    assert "center" not in codes and "malicious" not in codes  # demo rows, not errors


def test_every_raised_code_has_a_korean_and_an_english_text() -> None:
    known = catalog()
    missing = {code: where for code, where in raised_codes().items() if code not in known}
    assert not missing, f"error codes without a screen text (add them to web/error_text.py): {missing}"
    for code, (ko, en) in {**known, **STATUS_TEXT}.items():
        assert re.search("[가-힣]", ko), code
        assert en and not re.search("[가-힣]", en), code


def test_the_page_catalog_is_in_the_page_language() -> None:
    ko, en = error_text("ko"), error_text("en")
    assert ko["code:chat_ended"] == ERROR_TEXT["chat_ended"][0] == "이미 종료된 상담입니다."
    assert en["code:chat_ended"] == "This chat has ended."
    assert ko["code:dong_required"] == "동을 선택해야 합니다."  # a room's own refusal list
    assert {"status:0", "status:409", "status:5xx", "generic"} <= set(ko)
    assert not any(re.search("[a-zA-Z]{4,}", v) and not re.search("[가-힣]", v) for v in ko.values())


# A page script may read `.detail` only inside dasan.js's dasanErrorMessage (which shows it on
# English pages alone); CustomEvent's own `e.detail` / `{ detail: ... }` is not the API's.
_API_DETAIL = re.compile(r"\b(?:data|err|error|ev|j|body|d|res|json)\.detail\b")


def test_no_page_script_prints_the_api_detail() -> None:
    offenders = []
    for path in sorted(STATIC.rglob("*.js")):
        if "vendor" in path.parts or path.name == "dasan.js":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _API_DETAIL.search(line) and "dasanErrorMessage" not in line:
                offenders.append(f"{path.relative_to(STATIC)}:{n}: {line.strip()}")
    assert not offenders, offenders


class PhoneIn(BaseModel):
    phone: str = Field(min_length=9, max_length=20)
    count: int


def test_request_validation_errors_carry_a_code_the_fields_and_no_input() -> None:
    """FastAPI's own 422 answers in the API's error shape: the stable code `invalid_input`
    (a Korean page shows its text, not a bare status), the fields at fault, and never the
    submitted value (it may be a phone number)."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from dasan.web.errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)

    @app.post("/x")
    def _x(body: PhoneIn, limit: int = 10) -> dict[str, str]:
        return {"ok": "yes"}

    with TestClient(app) as client:
        r = client.post("/x?limit=many", json={"phone": "0105", "count": "x"})
        assert r.status_code == 422
        data = r.json()
        assert data["code"] == "invalid_input"
        assert sorted(data["fields"]) == ["count", "limit", "phone"]
        assert {tuple(e["loc"]) for e in data["errors"]} == {
            ("body", "phone"), ("body", "count"), ("query", "limit")}
        assert isinstance(data["detail"], str) and "phone" in data["detail"]
        assert "0105" not in r.text and "many" not in r.text  # the typed values are not echoed
        broken = client.post("/x", content=b"{not json", headers={"Content-Type":
                                                                   "application/json"})
        assert broken.status_code == 422 and broken.json()["code"] == "invalid_input"
        assert client.post("/x", json={"phone": "010-1234-5678", "count": 1}).status_code == 200
    ko, en = error_text("ko"), error_text("en")
    assert re.search("[가-힣]", ko["code:invalid_input"]) and ko["code:invalid_input"] != ko["status:422"]
    assert not re.search("[가-힣]", en["code:invalid_input"])
