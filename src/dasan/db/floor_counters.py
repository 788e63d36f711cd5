"""Incremental counters of the live chat floor, kept by the database itself (ADR 0010).

The supervisor overview needs, per queue, how many chats wait and how many are live, and how
many citizens are with the chatbot. Counting them from `consultations` is a scan that grows with
the history; these counters grow with what is open instead.

Every change of a consultation row — ORM, Core `UPDATE ... WHERE agent_id IS NULL` claims, bulk
imports, every ending path — goes through triggers on `consultations` that append the change to
`floor_counter_deltas` (-1 for the row's old bucket, +1 for its new one). An append takes no
lock another transaction waits on (a hot counter row would serialise every chat commit and could
deadlock two claimers). `fold()` moves the deltas into `floor_counters` now and then; a reading
is the base plus the deltas not yet folded. The counters therefore equal, by construction, what
the scan `scan_counts()` computes — a unit test holds them to it on every outcome path.

Only live chats count (`dasan.routing.router.live_chat`: a chat channel and not a written
thread). A Q&A board question shares the homepage channel (`web`) but is a written thread; the
triggers on `written_threads` take a consultation out of its buckets when its thread is written
(the consultation row is inserted first, in the same transaction) and put it back if the thread
goes (migration 0024_11).

Buckets, keyed (ref_id, metric) (the SQL mirrors `dasan.routing.router.CHAT_CHANNELS` and the
overview's queries):
* ``waiting``  per queue: open chats in the queue with no agent,
* ``live``     per queue: open chats with an agent (queue 0 when it has none),
* ``agent``    per agent: the agent's open chats (`router.open_chat_counts`),
* ``bot``      ref 0: open chatbot sessions not in any queue.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

CHAT_CHANNELS_SQL = "('chatbot', 'web', 'sign_language')"
METRICS = ("waiting", "live", "bot")
# Columns whose change can move a row between buckets.
WATCHED = ("status", "channel", "queue_id", "agent_id")
FOLD_AFTER = 2000


def _not_written(row: str) -> str:
    """The row is not a written thread (`dasan.routing.router.live_chat`): a Q&A board question
    shares the homepage channel (`web`) with the live web chat but is not a chat."""
    return f"NOT EXISTS (SELECT 1 FROM written_threads w WHERE w.consultation_id = {row}.id)"


def _contributions_for(row: str, sign: int, channels: str = CHAT_CHANNELS_SQL,
                       threads: bool = True, of: str | None = None) -> str:
    """INSERT ... SELECT of the buckets a consultation row (`NEW` or `OLD`) is in.

    `threads`: leave written threads out (migration 0024_11 on; older migrations pass False).
    `of`: instead of a trigger row, the consultation whose id is this expression (a trigger on
    `written_threads`: the row `row` is then read from `consultations`, thread or not)."""
    if of is not None:
        cond = f"FROM consultations {row} WHERE {row}.id = {of} AND {row}.status = 'open'"
    else:
        cond = f"WHERE {row}.status = 'open'"
        if threads:
            cond += f" AND {_not_written(row)}"
    open_chat = f"{cond} AND {row}.channel IN {channels}"
    return (
        "INSERT INTO floor_counter_deltas (ref_id, metric, d) "
        f"SELECT {row}.queue_id, 'waiting', {sign} {open_chat} "
        f"AND {row}.queue_id IS NOT NULL AND {row}.agent_id IS NULL "
        f"UNION ALL SELECT COALESCE({row}.queue_id, 0), 'live', {sign} {open_chat} "
        f"AND {row}.agent_id IS NOT NULL "
        f"UNION ALL SELECT {row}.agent_id, 'agent', {sign} {open_chat} "
        f"AND {row}.agent_id IS NOT NULL "
        f"UNION ALL SELECT 0, 'bot', {sign} {cond} "
        f"AND {row}.channel = 'chatbot' AND {row}.queue_id IS NULL AND {row}.agent_id IS NULL"
    )


def _changed(dialect: str) -> str:
    op = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in WATCHED)


def _thread_sql(dialect: str, channels: str) -> list[str]:
    """Triggers on `written_threads`: a consultation that becomes a thread leaves the floor's
    buckets (-1), one that stops being one (thread deleted or moved) comes back (+1). A
    consultation has at most one thread (unique `consultation_id`)."""
    def moved(sign: int, of: str) -> str:
        return _contributions_for("c", sign, channels, of=of)

    if dialect == "sqlite":
        return [
            "CREATE TRIGGER floor_counters_thread_ins AFTER INSERT ON written_threads "
            f"BEGIN {moved(-1, 'NEW.consultation_id')}; END",
            "CREATE TRIGGER floor_counters_thread_del AFTER DELETE ON written_threads "
            f"BEGIN {moved(1, 'OLD.consultation_id')}; END",
            "CREATE TRIGGER floor_counters_thread_upd AFTER UPDATE OF consultation_id "
            "ON written_threads WHEN OLD.consultation_id IS NOT NEW.consultation_id "
            f"BEGIN {moved(1, 'OLD.consultation_id')}; {moved(-1, 'NEW.consultation_id')}; END",
        ]
    return [
        "CREATE OR REPLACE FUNCTION floor_counters_thread_fn() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {moved(1, 'OLD.consultation_id')}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {moved(-1, 'NEW.consultation_id')}; END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER floor_counters_thread_ins AFTER INSERT ON written_threads FOR EACH ROW "
        "EXECUTE FUNCTION floor_counters_thread_fn()",
        "CREATE TRIGGER floor_counters_thread_del AFTER DELETE ON written_threads FOR EACH ROW "
        "EXECUTE FUNCTION floor_counters_thread_fn()",
        "CREATE TRIGGER floor_counters_thread_upd AFTER UPDATE OF consultation_id "
        "ON written_threads FOR EACH ROW "
        "WHEN (OLD.consultation_id IS DISTINCT FROM NEW.consultation_id) "
        "EXECUTE FUNCTION floor_counters_thread_fn()",
    ]


def create_sql(dialect: str, channels: str = CHAT_CHANNELS_SQL,
               threads: bool = True) -> list[str]:
    """DDL of the triggers (run by migrations 0014, 0018_sign and 0024_11 and nowhere else);
    `channels`: the SQL list of chat-room channels (a migration's downgrade passes the older
    list); `threads`: leave written threads (Q&A board questions) out, with the triggers on
    `written_threads` that keep that true (0024_11 on; older migrations pass False)."""
    def _contributions(row: str, sign: int) -> str:
        return _contributions_for(row, sign, channels, threads)

    extra = _thread_sql(dialect, channels) if threads else []
    if dialect == "sqlite":
        return [
            "CREATE TRIGGER floor_counters_ins AFTER INSERT ON consultations "
            f"WHEN NEW.status = 'open' BEGIN {_contributions('NEW', 1)}; END",
            "CREATE TRIGGER floor_counters_del AFTER DELETE ON consultations "
            f"WHEN OLD.status = 'open' BEGIN {_contributions('OLD', -1)}; END",
            "CREATE TRIGGER floor_counters_upd AFTER UPDATE ON consultations "
            f"WHEN {_changed('sqlite')} BEGIN {_contributions('OLD', -1)}; "
            f"{_contributions('NEW', 1)}; END",
            *extra,
        ]
    return [
        "CREATE OR REPLACE FUNCTION floor_counters_fn() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {_contributions('OLD', -1)}; END IF; "
        f"IF TG_OP <> 'DELETE' THEN {_contributions('NEW', 1)}; END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER floor_counters_ins AFTER INSERT ON consultations FOR EACH ROW "
        "WHEN (NEW.status = 'open') EXECUTE FUNCTION floor_counters_fn()",
        "CREATE TRIGGER floor_counters_del AFTER DELETE ON consultations FOR EACH ROW "
        "WHEN (OLD.status = 'open') EXECUTE FUNCTION floor_counters_fn()",
        "CREATE TRIGGER floor_counters_upd AFTER UPDATE ON consultations FOR EACH ROW "
        f"WHEN ({_changed('postgresql')}) EXECUTE FUNCTION floor_counters_fn()",
        *extra,
    ]


def drop_sql(dialect: str) -> list[str]:
    """Drop every floor-counter trigger (those on `written_threads` too, when present)."""
    on = {"": "consultations", "thread_": "written_threads"}
    out = [f"DROP TRIGGER IF EXISTS floor_counters_{t}{k}"
           + ("" if dialect == "sqlite" else f" ON {table}")
           for t, table in on.items() for k in ("ins", "del", "upd")]
    if dialect != "sqlite":
        out += ["DROP FUNCTION IF EXISTS floor_counters_fn()",
                "DROP FUNCTION IF EXISTS floor_counters_thread_fn()"]
    return out


def scan_sql(channels: str = CHAT_CHANNELS_SQL, threads: bool = True) -> str:
    """The floor counted from `consultations` (what the triggers must add up to)."""
    live = f"status = 'open' AND channel IN {channels}"
    bot = "status = 'open' AND channel = 'chatbot'"
    if threads:
        live += f" AND {_not_written('consultations')}"
        bot += f" AND {_not_written('consultations')}"
    return f"""
SELECT queue_id, 'waiting', COUNT(*) FROM consultations
 WHERE {live} AND queue_id IS NOT NULL AND agent_id IS NULL GROUP BY queue_id
UNION ALL
SELECT COALESCE(queue_id, 0), 'live', COUNT(*) FROM consultations
 WHERE {live} AND agent_id IS NOT NULL
 GROUP BY COALESCE(queue_id, 0)
UNION ALL
SELECT agent_id, 'agent', COUNT(*) FROM consultations
 WHERE {live} AND agent_id IS NOT NULL
 GROUP BY agent_id
UNION ALL
SELECT 0, 'bot', COUNT(*) FROM consultations
 WHERE {bot} AND queue_id IS NULL AND agent_id IS NULL
"""


SCAN_SQL = scan_sql()


def rebuild(conn: Connection, channels: str = CHAT_CHANNELS_SQL, threads: bool = True) -> None:
    """Counters from a scan (the migration's backfill; a repair tool). Commit is the caller's."""
    conn.execute(text("DELETE FROM floor_counter_deltas"))
    conn.execute(text("DELETE FROM floor_counters"))
    conn.execute(text(f"INSERT INTO floor_counters (ref_id, metric, n) "
                      f"SELECT * FROM ({scan_sql(channels, threads)}) AS s"))


def scan_counts(s: Session) -> dict[tuple[int, str], int]:
    """What the counters must equal: the full scan (tests and the benchmark's peer)."""
    return {(int(q), str(m)): int(n) for q, m, n in s.execute(text(SCAN_SQL)) if n}


def fold(s: Session) -> None:
    """Move the appended deltas into the base counters (in the caller's transaction).

    Only the deltas this transaction sees are moved: PostgreSQL's `DELETE ... RETURNING` takes
    exactly those, and a delta committed meanwhile stays for the next fold."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text(
            "WITH moved AS (DELETE FROM floor_counter_deltas RETURNING ref_id, metric, d) "
            "INSERT INTO floor_counters (ref_id, metric, n) "
            "SELECT ref_id, metric, SUM(d) FROM moved GROUP BY ref_id, metric "
            "ON CONFLICT (ref_id, metric) DO UPDATE SET n = floor_counters.n + EXCLUDED.n"))
        return
    # SQLite has one writer at a time: nothing can slip in between the two statements.
    top = s.execute(text("SELECT MAX(id) FROM floor_counter_deltas")).scalar()
    if top is None:
        return
    s.execute(text(
        "INSERT INTO floor_counters (ref_id, metric, n) "
        "SELECT ref_id, metric, SUM(d) FROM floor_counter_deltas WHERE id <= :top "
        "GROUP BY ref_id, metric "
        "ON CONFLICT (ref_id, metric) DO UPDATE SET n = floor_counters.n + excluded.n"),
        {"top": top})
    s.execute(text("DELETE FROM floor_counter_deltas WHERE id <= :top"), {"top": top})


def read(s: Session) -> dict[tuple[int, str], int]:
    """The counters now: base plus unfolded deltas, {(ref_id, metric): n} (zeros left out).
    Folds first when many deltas have piled up (the reader commits that fold)."""
    pending = s.execute(text("SELECT COUNT(*) FROM floor_counter_deltas")).scalar() or 0
    if pending > FOLD_AFTER:
        fold(s)
        s.commit()
    rows = s.execute(text(
        "SELECT ref_id, metric, SUM(n) FROM ("
        "SELECT ref_id, metric, n FROM floor_counters "
        "UNION ALL SELECT ref_id, metric, d FROM floor_counter_deltas) AS t "
        "GROUP BY ref_id, metric"))
    return {(int(q), str(m)): int(n) for q, m, n in rows if n}
