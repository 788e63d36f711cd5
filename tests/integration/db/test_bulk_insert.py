"""`db.bulk.insert_returning` hands back the new rows in the input's order on every backend
(on PostgreSQL: one INSERT ... SELECT FROM json_populate_recordset(...) WITH ORDINALITY, the
returned rows sorted by id), with the columns' Python defaults, typed values (JSON, aware timestamps, NULLs)
and the objects persistent in the session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from dasan.db.bulk import add_objects, among, insert_returning, insert_rows
from dasan.db.models import Citizen
from dasan.db.models_channels import OutboxItem

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("n", [1, 2, 3, 99, 100, 101, 450])
def test_the_new_rows_come_back_in_the_input_order(db: Session, n: int) -> None:
    rows = [{"kind": "sms.send", "idempotency_key": f"bulk-{n}-{i:04d}",
             "payload": None if i % 5 == 0 else {"i": i, "text": f"문자 {i}", "nested": [i, None]},
             "channel_message_id": None, "last_error": None if i % 3 else f"e{i}",
             "next_attempt_at": AT + timedelta(seconds=(i * 7919) % 1000)}
            for i in reversed(range(n))]  # keys not in id order: the pairing is by position
    items = insert_returning(db, OutboxItem, rows)
    assert [o.idempotency_key for o in items] == [r["idempotency_key"] for r in rows]
    assert [o.payload for o in items] == [r["payload"] for r in rows]
    assert [o.next_attempt_at for o in items] == [r["next_attempt_at"] for r in rows]
    assert [o.last_error for o in items] == [r["last_error"] for r in rows]
    ids = [o.id for o in items]
    assert ids == sorted(ids) and len(set(ids)) == n
    assert all(o.status == "pending" and o.attempts == 0 for o in items)  # Python defaults
    assert all(o in db for o in items)
    db.expire_all()
    stored = {o.id: (o.idempotency_key, o.payload, o.next_attempt_at, o.status)
              for o in db.scalars(select(OutboxItem).where(OutboxItem.id.in_(ids)))}
    assert [stored[i] for i in ids] == [(r["idempotency_key"], r["payload"],
                                         r["next_attempt_at"], "pending") for r in rows]
    # None in a JSON column is stored as JSON null (SQLAlchemy's JSON type), not SQL NULL
    assert db.scalar(select(func.count()).where(OutboxItem.id.in_(ids),
                                                OutboxItem.payload.is_(None))) == 0


def test_a_default_computed_per_row_and_a_refused_row_fail_as_an_insert_does(
        db: Session) -> None:
    citizens = insert_returning(db, Citizen, [{"phone_hash": f"bulk-h{i}", "phone_masked": None}
                                              for i in range(3)])
    assert [c.preferred_language for c in citizens] == ["ko"] * 3
    assert all(c.created_at is not None and c.created_at.tzinfo is not None for c in citizens)
    with pytest.raises(ValueError):
        insert_returning(db, Citizen, [{"phone_hash": "bulk-x"}, {"phone_masked": "x"}])
    assert insert_returning(db, Citizen, []) == []


@pytest.mark.parametrize("n", [1, 3, 101])
def test_new_objects_become_persistent_with_their_ids_and_defaults(db: Session, n: int) -> None:
    citizens = [Citizen(phone_hash=f"bulk-o{n}-{i}", phone_masked=f"010-****-{i:04d}"
                        if i % 2 else None, district_code="11110" if i % 3 == 0 else None)
                for i in reversed(range(n))]
    add_objects(db, citizens)
    assert all(inspect(c).persistent and not db.dirty for c in citizens)
    ids = [c.id for c in citizens]
    assert ids == sorted(ids) and None not in ids
    assert all(c.preferred_language == "ko" and c.created_at.tzinfo is not None
               for c in citizens)
    db.expire_all()
    stored = {c.id: (c.phone_hash, c.phone_masked, c.district_code)
              for c in db.scalars(select(Citizen).where(Citizen.id.in_(ids)))}
    assert [stored[c.id] for c in citizens] == [
        (f"bulk-o{n}-{i}", f"010-****-{i:04d}" if i % 2 else None,
         "11110" if i % 3 == 0 else None) for i in reversed(range(n))]
    pending = Citizen(phone_hash=f"bulk-p{n}")
    db.add(pending)
    with pytest.raises(ValueError):
        add_objects(db, [pending])


def test_rows_inserted_without_reading_back_are_stored_with_their_defaults(db: Session) -> None:
    rows = [{"kind": "sms.send", "idempotency_key": f"bulk-rows-{i}",
             "payload": {"to": f"0101234{i:04d}", "text": "안내"}, "channel_message_id": None}
            for i in range(120)]
    insert_rows(db, OutboxItem, rows)
    stored = list(db.scalars(select(OutboxItem).where(
        OutboxItem.idempotency_key.like("bulk-rows-%")).order_by(OutboxItem.id)))
    assert [(o.idempotency_key, o.payload, o.status, o.attempts) for o in stored] == [
        (r["idempotency_key"], r["payload"], "pending", 0) for r in rows]
    assert all(o.created_at is not None for o in stored)


@pytest.mark.parametrize("n", [0, 3, 60])
def test_among_finds_the_rows_an_in_list_finds(db: Session, n: int) -> None:
    add_objects(db, [Citizen(phone_hash=f"bulk-among-{i}") for i in range(80)])
    wanted = {f"bulk-among-{i}" for i in range(n)} | {"bulk-among-none"}
    found = set(db.scalars(select(Citizen.phone_hash).where(
        among(db, Citizen.phone_hash, wanted))))
    assert found == wanted - {"bulk-among-none"}
