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
