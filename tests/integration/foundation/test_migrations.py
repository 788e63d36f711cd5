from sqlalchemy import inspect

from dasan.db.migrate import downgrade, upgrade
from dasan.db.session import make_engine


def test_migrations_go_down_and_up_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = make_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {"consultations", "messages", "kb_entries", "audit_log", "citizens", "agents",
            "queues", "skills", "teams", "api_tokens"} <= tables
    engine.dispose()
    downgrade(url)
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade(url)


def test_schema_at_head_on_every_backend(database_url: str) -> None:
    engine = make_engine(database_url)
    columns = {c["name"] for c in inspect(engine).get_columns("consultations")}
    engine.dispose()
    assert {"channel", "outcome", "language", "district_code", "queue_id", "agent_id"} <= columns


def test_contact_numbers_stored_in_clear_are_sealed_by_migration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """0014: report notice numbers, thread reply addresses and outbox/notice recipients written
    in clear by earlier versions are sealed in the PII vault and masked in place."""
    import json
    import sqlite3

    from sqlalchemy import select, text

    from dasan.db.models_privacy import SealedText
    from dasan.db.session import new_session
    from dasan.privacy import vault

    url = f"sqlite:///{tmp_path / 'v.db'}"
    upgrade(url, "0013")
    engine = make_engine(url)
    cols = {t: inspect(engine).get_columns(t) for t in (
        "service_requests", "complaint_notifications", "written_threads", "outbox")}
    engine.dispose()

    def row(table: str, **values: object) -> None:  # fill the other NOT NULL columns
        for c in cols[table]:
            if c["name"] in values or c["nullable"] or c["name"] == "id":
                continue
            kind = str(c["type"]).upper()
            values[c["name"]] = 1 if "INT" in kind or "BOOL" in kind or "FLOAT" in kind \
                else "2026-01-01 00:00:00" if "DATE" in kind else "{}" if "JSON" in kind else "x"
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        raw.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))

    raw = sqlite3.connect(tmp_path / "v.db")  # foreign keys off: lone rows are enough here
    row("service_requests", id=1, notify_phone="01012345678")
    row("complaint_notifications", id=1, request_id=1, channel="sms", recipient="01012345678")
    row("written_threads", id=1, reply_address="01098765432")
    row("outbox", id=1, idempotency_key="complaint:1:received:0",
        payload=json.dumps({"to": "01012345678", "text": "안내"}))
    raw.commit()
    raw.close()
    upgrade(url)
    with new_session(url) as s:
        assert vault.open_one(s, "service_requests.notify_phone", 1) == "01012345678"
        assert vault.open_one(s, "written_threads.reply_address", 1) == "01098765432"
        assert vault.open_one(s, "outbox.payload_to", 1) == "01012345678"
        assert len(s.scalars(select(SealedText)).all()) == 3
        stored = [s.execute(text(q)).scalar() for q in (
            "SELECT notify_phone FROM service_requests", "SELECT recipient FROM "
            "complaint_notifications", "SELECT reply_address FROM written_threads",
            "SELECT payload FROM outbox")]
    assert stored[:3] == ["010-****-5678", "010-****-5678", "010-****-5432"]
    assert json.loads(stored[3]) == {"text": "안내", "to_sealed": ["outbox.payload_to", 1]}


def _agent_skills(url: str) -> set[tuple[int, str, int]]:
    """(agent, skill code, level) of the shared database's seeded agents."""
    from sqlalchemy import text

    from dasan.db.session import get_engine

    with get_engine(url).connect() as conn:
        return {(a, code, level) for a, code, level in conn.execute(text(
            "SELECT a.agent_id, s.code, a.level FROM agent_skills a "
            "JOIN skills s ON s.id = a.skill_id"))}


def _restore_agent_skills(url: str, before: set[tuple[int, str, int]]) -> None:
    """A downgrade past 0018_sign drops the sign-language skill, and with it the seeded
    agents' rows for it; the upgrade re-creates the skill but not those rows. Put them back,
    so the tests that run after this one on the shared database find the seed intact."""
    from sqlalchemy import text

    from dasan.db.session import get_engine

    missing = before - _agent_skills(url)
    with get_engine(url).begin() as conn:
        for agent_id, code, level in sorted(missing):
            conn.execute(text(
                "INSERT INTO agent_skills (agent_id, skill_id, level) "
                "SELECT :a, id, :l FROM skills WHERE code = :c"),
                {"a": agent_id, "l": level, "c": code})
    assert _agent_skills(url) == before


def test_notice_emails_stored_in_clear_are_sealed_by_migration(database_url: str) -> None:
    """0018_15: notice e-mail addresses written in clear by earlier versions (on the report and
    on its e-mail notice) are sealed in the PII vault and masked in place, on both backends;
    rows already sealed are left alone, and a second run changes nothing."""
    from sqlalchemy import text

    from dasan.complaints.notify import drain_notifications
    from dasan.db.session import get_engine, new_session
    from dasan.privacy import vault

    kind = "service_requests.notify_email"
    engine = get_engine(database_url)
    with engine.begin() as conn:
        for rid, email in ((1, "citizen@example.com"), (2, "c***@example.org")):
            conn.execute(text(
                "INSERT INTO service_requests (id, token, service_code, status, description, "
                "description_masked, attributes, lat, lon, district_code, geo_rule, "
                "agency_code, notify_email, duplicate_count, priority, language, requested_at, "
                "updated_at) VALUES (:id, :tok, 'OTHER', 'received', '', '', '{}', 37.5, 127.0, "
                "'11140', 'inside', 'gu-11140', :email, 0, 0, 'ko', :at, :at)"),
                {"id": rid, "tok": f"m{rid}", "email": email, "at": "2026-01-01 00:00:00"})
        conn.execute(text(
            "INSERT INTO complaint_notifications (request_id, channel, recipient, subject, body, "
            "state, attempts, next_attempt_at, created_at) VALUES (1, 'email', 'citizen@example.com', "
            "'s', 'b', 'pending', 0, :at, :at)"), {"at": "2026-01-01 00:00:00"})
    with new_session(database_url) as s:  # report 2 was sealed by the current code already
        vault.seal(s, kind, 2, "carol@example.org")
        s.commit()
    skills_before = _agent_skills(database_url)
    try:
        downgrade(database_url, "0018_11")  # the migration before 0018_15
        upgrade(database_url)
        upgrade(database_url)  # at head: nothing runs twice
        with new_session(database_url) as s:
            assert vault.open_many(s, kind, [1, 2]) == {1: "citizen@example.com",
                                                         2: "carol@example.org"}
            assert s.execute(text("SELECT COUNT(*) FROM sealed_texts WHERE kind = :k"),
                             {"k": kind}).scalar() == 2
            assert s.execute(text("SELECT notify_email FROM service_requests ORDER BY id")
                             ).scalars().all() == ["c***@example.com", "c***@example.org"]
            assert s.execute(text("SELECT recipient FROM complaint_notifications")
                             ).scalar() == "c***@example.com"

            sent: list[str] = []

            class Port:
                def send(self, channel: str, recipient: str, subject: str, body: str) -> None:
                    sent.append(recipient)

            assert drain_notifications(s, Port()) == 1
            assert sent == ["citizen@example.com"]  # opened only for the send
    finally:
        upgrade(database_url)
        _restore_agent_skills(database_url, skills_before)
