"""Many new rows inserted at once get back their own ids, in the order given, on every backend:
a flush of many new objects, and `insert(...).returning(..., sort_by_parameter_order=True)`.
On SQLite both go in multi-row statements (`db.session._batch_inserts_returning`), which pair
the returned ids with the rows by sorting on the id; a wrong pairing would give one row's id to
another row's object."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session

from dasan.db.models import Citizen

SIZES = (1, 2, 7, 100, 450)  # 450 rows of 6 columns: more than one statement on SQLite


def _names(tag: str, n: int) -> list[str]:
    # not in insertion order when sorted: a pairing by value order would show
    return [f"{tag}-{(i * 7919) % n:05d}-{i}" for i in range(n)]


def _stored(db: Session, ids: list[int]) -> dict[int, str | None]:
    return {i: h for i, h in db.execute(select(Citizen.id, Citizen.phone_hash)
                                       .where(Citizen.id.in_(ids)))}


@pytest.mark.parametrize("n", SIZES)
def test_a_flush_of_many_new_objects_gives_each_its_own_row(db: Session, n: int) -> None:
    db.add(Citizen(phone_hash="first"))
    db.flush()
    # the newest row gone: SQLite reuses its rowid, still in order
    db.execute(delete(Citizen).where(Citizen.phone_hash == "first"))
    citizens = [Citizen(phone_hash=name, phone_masked=name[-8:]) for name in _names("f", n)]
    db.add_all(citizens)
    db.flush()
    stored = _stored(db, [c.id for c in citizens])
    assert len(stored) == n
    assert all(stored[c.id] == c.phone_hash for c in citizens)
    assert [c.id for c in citizens] == sorted(c.id for c in citizens)


@pytest.mark.parametrize("n", SIZES)
def test_insert_returning_in_parameter_order_pairs_rows_and_objects(db: Session, n: int
                                                                     ) -> None:
    names = _names("r", n)
    statements: list[str] = []
    engine = db.get_bind()

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        rows = list(db.scalars(insert(Citizen).returning(Citizen, sort_by_parameter_order=True),
                               [{"phone_hash": name, "phone_masked": name[-8:]}
                                for name in names]))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [c.phone_hash for c in rows] == names
    assert _stored(db, [c.id for c in rows]) == {c.id: c.phone_hash for c in rows}
    assert db.scalar(select(func.count(Citizen.id)).where(Citizen.phone_hash.like("r-%"))) == n
    # multi-row statements, not one a row
    assert len([s for s in statements if s.startswith("INSERT")]) <= max(1, n // 100)
