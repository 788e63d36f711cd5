"""The 동 주민센터 directory is seeded on first use; two first uses at once (the desktop's
crisis panel asks for two contacts' dongs together) must both succeed."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import delete, func, select

from dasan.db.models_protection import DongCentre
from dasan.db.session import new_session
from dasan.protection import welfare


def test_two_first_uses_at_once_both_seed_without_error(database_url: str,
                                                         shared_data: Path) -> None:
    with new_session(database_url) as s:
        s.execute(delete(DongCentre))
        s.commit()
    first = new_session(database_url)
    seeded = welfare.ensure_directory(first)  # rows written, not yet committed
    assert seeded > 400
    outcome: list[object] = []

    def second_use() -> None:
        # sees an empty directory (the first is uncommitted) and inserts too: it waits for the
        # first transaction's lock, then must skip the rows that now exist
        with new_session(database_url) as s:
            try:
                outcome.append(welfare.ensure_directory(s))
                s.commit()
            except Exception as exc:  # noqa: BLE001 - the failure is what this test looks for
                outcome.append(exc)

    other = threading.Thread(target=second_use)
    other.start()
    other.join(0.5)  # it is blocked on the first one's rows
    first.commit()
    first.close()
    other.join(30)
    assert outcome == [seeded]
    with new_session(database_url) as s:
        assert s.scalar(select(func.count()).select_from(DongCentre)) == seeded
