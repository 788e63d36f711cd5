"""A legal case's agent statement at rest (ADR 0005, issue 12): stored masked with its raw form
sealed under the PII key ring, as a consultation message is; the reveal opens the sealed text,
rotation re-seals it, and `dasan privacy seal-existing` brings statements stored raw (before
session 21) under the rule, skipping those sealed already."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dasan.cli import app as cli_app
from dasan.config import get_settings
from dasan.db.models import AbuseIncident, Citizen, Consultation
from dasan.db.models_privacy import SealedText
from dasan.db.models_protection import LegalCase
from dasan.privacy import vault

RAW = "민원인 850412-1234567 이 010-3321-7788 로 다시 전화해 협박했습니다"
PHONE, RRN_TAIL = "3321-7788", "1234567"
REASON = "경찰 제출용 진술서 확인"


@pytest.fixture(autouse=True)
def _restore_settings() -> Iterator[None]:
    yield
    get_settings.cache_clear()


def _designated(client: Any, login: Any, db: Session) -> int:
    citizen = Citizen(phone_hash="h-" + "5" * 20, phone_masked="010-****-5555")
    db.add(citizen)
    db.flush()
    c = Consultation(channel="web", started_at=datetime.now(UTC), citizen_id=citizen.id,
                     status="closed", outcome="forced_terminated")
    db.add(c)
    db.flush()
    inc = AbuseIncident(consultation_id=c.id, citizen_id=citizen.id, category="threat",
                        severity=3, action="terminated", at=datetime.now(UTC))
    db.add(inc)
    db.commit()
    login("supervisor")
    did = client.post("/api/protection/nominations", json={
        "incident_id": inc.id, "evidence_note": "협박"}).json()["id"]
    assert client.post(f"/api/protection/designations/{did}/review",
                       json={"approve": True}).status_code == 200
    return int(did)


def _stored(db: Session, case_id: int) -> str:
    db.expire_all()
    return db.scalar(select(LegalCase.agent_statement).where(LegalCase.id == case_id)) or ""


def _sealed_row(db: Session, case_id: int) -> SealedText | None:
    return db.scalar(select(SealedText).where(SealedText.kind == vault.LEGAL_CASE_STATEMENT,
                                              SealedText.ref_id == case_id))


def test_a_statement_is_stored_masked_and_its_raw_form_sealed(
        client: Any, login: Any, db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    did = _designated(client, login, db)
    r = client.post("/api/protection/legal-cases", json={"designation_id": did,
                                                         "agent_statement": RAW})
    assert r.status_code == 201
    case_id = r.json()["id"]
    # no surface shows it raw: the API's answer, the case page, the list page
    assert PHONE not in r.text and RRN_TAIL not in r.text
    for path in (f"/protection/legal-cases/{case_id}", "/protection/legal-cases"):
        page = client.get(path).text
        assert PHONE not in page and RRN_TAIL not in page
    assert "010-****-7788" in client.get(f"/protection/legal-cases/{case_id}").text

    stored = _stored(db, case_id)
    assert PHONE not in stored and RRN_TAIL not in stored and "010-****-7788" in stored
    row = _sealed_row(db, case_id)
    assert row is not None and PHONE not in row.token
    assert vault.open_one(db, vault.LEGAL_CASE_STATEMENT, case_id) == RAW

    url = f"/api/protection/legal-cases/{case_id}/statement/reveal"
    out = client.post(url, json={"reason": REASON}).json()["messages"][0]
    assert (out["body"], out["body_masked"], out["had_pii"]) == (RAW, stored, True)

    # rotation re-seals the statement under the new key; the reveal still opens it
    old = row.key_id
    ring = get_settings().pii_keys
    monkeypatch.setenv("DASAN_PII_KEYS", f"fresh:{Fernet.generate_key().decode()},{ring}")
    get_settings.cache_clear()
    moved = vault.rotate(db)
    assert moved.get(old, 0) >= 1
    db.expire_all()
    again = _sealed_row(db, case_id)
    assert again is not None and again.key_id == "fresh"
    assert client.post(url, json={"reason": REASON}).json()["messages"][0]["body"] == RAW


def test_a_statement_without_personal_data_has_no_sealed_form(
        client: Any, login: Any, db: Session) -> None:
    did = _designated(client, login, db)
    case_id = client.post("/api/protection/legal-cases", json={
        "designation_id": did, "agent_statement": "반복적으로 욕설을 했습니다"}).json()["id"]
    assert _stored(db, case_id) == "반복적으로 욕설을 했습니다"
    assert _sealed_row(db, case_id) is None
    out = client.post(f"/api/protection/legal-cases/{case_id}/statement/reveal",
                      json={"reason": REASON}).json()["messages"][0]
    assert (out["body"], out["had_pii"]) == ("반복적으로 욕설을 했습니다", False)


def test_seal_existing_seals_statements_stored_raw_and_skips_sealed_ones(
        client: Any, login: Any, db: Session) -> None:
    did = _designated(client, login, db)
    sealed_id = client.post("/api/protection/legal-cases", json={
        "designation_id": did, "agent_statement": RAW}).json()["id"]
    token = _sealed_row(db, sealed_id).token  # type: ignore[union-attr]
    citizen_id = db.scalar(select(LegalCase.citizen_id).where(LegalCase.id == sealed_id))
    assert citizen_id is not None
    old = LegalCase(citizen_id=citizen_id, designation_id=did, stage="filed",
                    agent_statement=RAW, history=[])  # stored as before session 21
    db.add(old)
    db.commit()
    # until it is sealed, the reveal reads the column, and the page masks it
    page = client.get(f"/protection/legal-cases/{old.id}").text
    assert PHONE not in page and RRN_TAIL not in page

    runner = CliRunner()
    r = runner.invoke(cli_app, ["privacy", "seal-existing"])
    assert r.exit_code == 0 and "1 legal case statements" in r.output, r.output
    assert "0 legal case statements" in runner.invoke(
        cli_app, ["privacy", "seal-existing"]).output
    stored = _stored(db, old.id)
    assert PHONE not in stored and RRN_TAIL not in stored
    assert vault.open_one(db, vault.LEGAL_CASE_STATEMENT, old.id) == RAW
    assert _sealed_row(db, sealed_id).token == token  # type: ignore[union-attr]
    db.commit()
    out = client.post(f"/api/protection/legal-cases/{old.id}/statement/reveal",
                      json={"reason": REASON}).json()["messages"][0]
    assert (out["body"], out["had_pii"]) == (RAW, True)
