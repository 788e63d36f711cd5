"""DuckDB over the operational database, through an incrementally refreshed analytical mirror.

DuckDB 2.0.0 cannot attach SQLite or PostgreSQL here: its `sqlite`/`postgres` scanner extensions
download at run time, and the only offline wheels on PyPI are built for DuckDB 1.5.x, which a
2.0.0 engine refuses to load (see docs/adr/0002-analytics-engine.md). So the engine keeps a
columnar copy of `consultations` (and the small dimension tables) in a DuckDB file under
`var/analytics/`, pulled through the database's own driver (sqlite3 / psycopg) in batches:

* the first refresh copies every row;
* later refreshes copy rows with an id above the last one seen, re-read the rows that were
  still `open` in the mirror (their outcome, times and category change when they close), and
  rebuild from scratch when the source shrank (rows deleted, database replaced);
* dimension tables (agents, teams, queues, KB entries) are small and copied whole.

Every report then runs as one DuckDB query over the mirror.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy.engine import make_url

from dasan.config import PROJECT_ROOT, get_settings
from dasan.timeutil import duckdb_local, local_zone_name

if TYPE_CHECKING:  # DuckDB loads when the first engine is made, not with the web app
    import duckdb

BATCH_ROWS = 200_000
VERIFY_EVERY = 600.0  # seconds between full row-count checks
OPEN_CHUNK = 900  # ids per IN (...) list when re-reading rows that were open

# Mirrored columns of `consultations` with their DuckDB types (order matters).
CONSULTATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "BIGINT"),
    ("channel", "VARCHAR"),
    ("ars_option", "VARCHAR"),
    ("started_at", "TIMESTAMP"),
    ("queued_at", "TIMESTAMP"),
    ("answered_at", "TIMESTAMP"),
    ("ended_at", "TIMESTAMP"),
    ("queue_id", "INTEGER"),
    ("agent_id", "INTEGER"),
    ("category", "VARCHAR"),
    ("program", "VARCHAR"),
    ("outcome", "VARCHAR"),
    ("status", "VARCHAR"),
    ("language", "VARCHAR"),
    ("district_code", "VARCHAR"),
    ("kb_entry_id", "INTEGER"),
    ("subject", "VARCHAR"),
    ("summary", "VARCHAR"),
    ("priority", "INTEGER"),
    ("crisis", "BOOLEAN"),
    ("wait_seconds", "DOUBLE"),
    ("handle_seconds", "DOUBLE"),
)

# Derived when a row enters the mirror: `started_at` as the city's wall-clock time (ADR 0018).
# Every report groups and filters by day, hour and month on it, so no query converts zones
# (ICU conversion of 7 M rows costs seconds; done once at load, it is a plain column).
LOCAL_COLUMN = "started_local"
_ALL_COLUMNS = ", ".join([n for n, _ in CONSULTATION_COLUMNS] + [LOCAL_COLUMN])

DIMENSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "agents": (("id", "INTEGER"), ("team_id", "INTEGER"), ("employee_no", "VARCHAR"),
               ("name", "VARCHAR")),
    "teams": (("id", "INTEGER"), ("code", "VARCHAR"), ("name", "VARCHAR")),
    "queues": (("id", "INTEGER"), ("code", "VARCHAR"), ("name", "VARCHAR"),
               ("name_en", "VARCHAR")),
    "kb_entries": (("id", "INTEGER"), ("title", "VARCHAR"), ("program", "VARCHAR"),
                   ("category", "VARCHAR"), ("question_variants", "VARCHAR"),
                   ("status", "VARCHAR")),
}


@dataclass(frozen=True)
class SyncStats:
    mode: str  # full | incremental | skipped
    new_rows: int
    reread_open: int
    total_rows: int
    seconds: float


def _to_columns(rows: Sequence[tuple[Any, ...]], names: Sequence[str]) -> dict[str, np.ndarray]:
    if not rows:
        return {n: np.empty(0, dtype=object) for n in names}
    cols = list(zip(*rows, strict=True))
    out: dict[str, np.ndarray] = {}
    for name, col in zip(names, cols, strict=True):
        arr = np.empty(len(col), dtype=object)
        arr[:] = col
        out[name] = arr
    return out


class _Source:
    """Read-only batches of tuples from the operational database."""

    kind = "?"

    def naive_utc(self, column: str) -> str:
        """The SQL for a timestamp column as naive UTC (the mirror's form)."""
        return column

    def batches(self, sql: str, params: Sequence[Any] = ()) -> Iterator[list[tuple[Any, ...]]]:
        raise NotImplementedError

    def dump_csv(self, sql: str, params: Sequence[Any], path: str) -> None:
        """Write the result as headerless CSV (bulk path: no Python objects per value)."""
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for batch in self.batches(sql, params):
                writer.writerows(batch)

    def scalar(self, sql: str) -> Any:
        for batch in self.batches(sql):
            return batch[0][0] if batch else None
        return None

    def close(self) -> None:  # pragma: no cover - trivial
        pass


class _SqliteSource(_Source):
    kind = "sqlite"

    def __init__(self, path: str) -> None:
        if not Path(path).is_file():
            raise ValueError(f"SQLite database not found: {path}")
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def batches(self, sql: str, params: Sequence[Any] = ()) -> Iterator[list[tuple[Any, ...]]]:
        cur = self._con.execute(sql.replace("%s", "?"), tuple(params))
        while True:
            rows = cur.fetchmany(BATCH_ROWS)
            if not rows:
                break
            yield rows
        cur.close()

    def close(self) -> None:
        self._con.close()


class _PostgresSource(_Source):
    kind = "postgres"

    def naive_utc(self, column: str) -> str:
        # timestamptz (ADR 0009) -> naive UTC, whatever the session's TimeZone.
        return f"({column} AT TIME ZONE 'UTC')"

    def __init__(self, url: str) -> None:
        import psycopg

        conninfo = make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        try:
            self._con = psycopg.connect(conninfo, autocommit=False)
        except psycopg.OperationalError as exc:
            raise ValueError(f"cannot reach PostgreSQL for analytics: {exc}") from exc
        self._n = 0

    def batches(self, sql: str, params: Sequence[Any] = ()) -> Iterator[list[tuple[Any, ...]]]:
        self._n += 1
        # A named (server-side) cursor streams without holding the whole result in memory.
        with self._con.cursor(name=f"dasan_analytics_{self._n}") as cur:
            cur.itersize = BATCH_ROWS
            cur.execute(sql, tuple(params))
            while True:
                rows = cur.fetchmany(BATCH_ROWS)
                if not rows:
                    break
                yield rows
        self._con.commit()

    def dump_csv(self, sql: str, params: Sequence[Any], path: str) -> None:
        """COPY (...) TO STDOUT: the server formats the CSV, Python only moves bytes."""
        import psycopg

        query = psycopg.ClientCursor(self._con).mogrify(sql, tuple(params))
        with open(path, "wb") as fh, self._con.cursor() as cur, cur.copy(
            f"COPY ({query}) TO STDOUT WITH (FORMAT csv)"
        ) as copy:
            for chunk in copy:
                fh.write(chunk)
        self._con.commit()

    def close(self) -> None:
        self._con.close()


def _open_source(url: str) -> _Source:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if not path or path == ":memory:":
            raise ValueError("analytics needs a file or server database, not sqlite :memory:")
        return _SqliteSource(path)
    if url.startswith("postgresql"):
        return _PostgresSource(url)
    raise ValueError(f"unsupported database URL for analytics: {url.split(':', 1)[0]}")


def default_mirror_path(url: str) -> Path:
    """`var/analytics/mirror-<hash of URL>.duckdb`, or under `DASAN_ANALYTICS_DIR`."""
    digest = hashlib.sha1(url.encode()).hexdigest()[:12]
    folder = get_settings().analytics_dir
    base = folder if folder else PROJECT_ROOT / "var" / "analytics"
    return base / f"mirror-{digest}.duckdb"


class AnalyticsEngine:
    """A DuckDB connection whose `consultations` table mirrors the operational database."""

    def __init__(self, database_url: str | None = None, mirror_path: str | Path | None = None):
        self.database_url = database_url or get_settings().database_url
        if mirror_path is None:
            mirror_path = default_mirror_path(self.database_url)
        self.mirror_path = str(mirror_path)
        if self.mirror_path != ":memory:":
            Path(self.mirror_path).parent.mkdir(parents=True, exist_ok=True)
        import duckdb

        try:
            self._con = duckdb.connect(self.mirror_path)
        except duckdb.IOException:
            # Another process holds the mirror's write lock: keep a private mirror instead.
            self.mirror_path = f"{self.mirror_path}.{os.getpid()}"
            self._con = duckdb.connect(self.mirror_path)
        self._lock = threading.RLock()
        self._last_refresh: float | None = None
        self._last_verify: float | None = None
        self._create_tables()

    # -- schema ------------------------------------------------------------------------------

    def _create_tables(self) -> None:
        cols = ", ".join(f"{n} {t}" for n, t in CONSULTATION_COLUMNS)
        self._con.execute(
            f"CREATE TABLE IF NOT EXISTS consultations ({cols}, {LOCAL_COLUMN} TIMESTAMP)")
        for table, spec in DIMENSIONS.items():
            dcols = ", ".join(f"{n} {t}" for n, t in spec)
            self._con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({dcols})")
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS _sync (key VARCHAR PRIMARY KEY, value VARCHAR)"
        )
        self._localise()

    def _localise(self) -> None:
        """Keep `started_local` in the configured zone: a mirror made before the column, or
        under another zone, is brought up to date in place (one UPDATE, no rebuild)."""
        names = {r[0] for r in self._con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'consultations'"
        ).fetchall()}
        if LOCAL_COLUMN not in names:
            self._con.execute(f"ALTER TABLE consultations ADD COLUMN {LOCAL_COLUMN} TIMESTAMP")
        zone_name = local_zone_name()
        if self._state("local_zone") != zone_name:
            self._con.execute(
                f"UPDATE consultations SET {LOCAL_COLUMN} = {duckdb_local('started_at')}")
            self._set_state("local_zone", zone_name)

    def _state(self, key: str) -> str | None:
        row = self._con.execute("SELECT value FROM _sync WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def _set_state(self, key: str, value: str) -> None:
        self._con.execute(
            "INSERT OR REPLACE INTO _sync VALUES (?, ?)", [key, value]
        )

    # -- loading -----------------------------------------------------------------------------

    def _insert(self, table: str, spec: Sequence[tuple[str, str]],
                rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = [n for n, _ in spec]
        data = _to_columns(rows, names)
        self._con.register("_batch", data)
        try:
            select = ", ".join(f"CAST({n} AS {t}) AS {n}" for n, t in spec)
            if table == "consultations":
                select += f", {duckdb_local('CAST(started_at AS TIMESTAMP)')}"
            self._con.execute(f"INSERT INTO {table} SELECT {select} FROM _batch")
        finally:
            self._con.unregister("_batch")

    def _bulk_load(self, source: _Source, after_id: int, upto_id: int) -> int:
        """Copy rows with after_id < id <= upto_id: small gaps as tuples, large ones as CSV."""
        sql = f"{self._consultation_select(source)} WHERE id > %s AND id <= %s ORDER BY id"
        if upto_id - after_id <= BATCH_ROWS:
            n = 0
            for batch in source.batches(sql, (after_id, upto_id)):
                self._insert("consultations", CONSULTATION_COLUMNS, batch)
                n += len(batch)
            return n
        with tempfile.TemporaryDirectory(prefix="dasan-mirror-") as tmp:
            path = str(Path(tmp) / "rows.csv")
            source.dump_csv(sql, (after_id, upto_id), path)
            types = ", ".join(f"'{n}': 'VARCHAR'" for n, _t in CONSULTATION_COLUMNS)
            select = ", ".join(
                f"CAST({n} AS {t}) AS {n}" if t != "BOOLEAN" else
                f"CAST(CASE WHEN {n} IN ('1', 't', 'true', 'True') THEN true "
                f"WHEN {n} IS NULL THEN NULL ELSE false END AS BOOLEAN) AS {n}"
                for n, t in CONSULTATION_COLUMNS
            ) + f", {duckdb_local('CAST(started_at AS TIMESTAMP)')}"
            before = self._count()
            self._con.execute(
                f"INSERT INTO consultations ({_ALL_COLUMNS}) SELECT {select} "
                f"FROM read_csv(?, header = false, "
                f"columns = {{{types}}}, nullstr = '', quote = '\"', escape = '\"', "
                f"max_line_size = 10000000)", [path],
            )
            return self._count() - before

    def _same_rows(self, source: _Source, last_id: int, verify: bool) -> bool:
        """Whether the source still holds the rows the mirror copied: the same start time on
        the last copied row and, when `verify`, the same row count up to it."""
        if last_id == 0:
            return True
        if verify:
            src_n = source.scalar(f"SELECT count(*) FROM consultations WHERE id <= {last_id}")
            mine = self._con.execute(
                "SELECT count(*) FROM consultations WHERE id <= ?", [last_id]).fetchone()
            if mine is None or int(src_n or 0) != int(mine[0]):
                return False
        src_row = source.scalar(
            f"SELECT {source.naive_utc('started_at')} FROM consultations WHERE id = {last_id}")
        row = self._con.execute(
            "SELECT started_at FROM consultations WHERE id = ?", [last_id]).fetchone()
        if row is None or src_row is None:
            return row is None and src_row is None
        src_ts = src_row if isinstance(src_row, datetime) else datetime.fromisoformat(
            str(src_row))
        return bool(src_ts.replace(microsecond=0) == row[0].replace(microsecond=0))

    def _consultation_select(self, source: _Source) -> str:
        return "SELECT " + ", ".join(
            f"{source.naive_utc(n)} AS {n}" if t == "TIMESTAMP" else n
            for n, t in CONSULTATION_COLUMNS) + " FROM consultations"

    def refresh(self, *, full: bool = False, max_age: float = 0.0,
                verify: bool | None = None) -> SyncStats:
        """Bring the mirror up to date with the operational database.

        `verify` compares row counts with the source (a full scan of the id index: ~1 s per
        7 M rows on SQLite); by default it runs on the first refresh and then every
        `VERIFY_EVERY` seconds, and the cheap last-row check runs every time.
        """
        with self._lock:
            now = time.monotonic()
            if (not full and max_age > 0 and self._last_refresh is not None
                    and now - self._last_refresh < max_age):
                total = self._count()
                return SyncStats("skipped", 0, 0, total, 0.0)
            t0 = time.perf_counter()
            source = _open_source(self.database_url)
            if verify is None:
                verify = (self._last_verify is None
                          or time.monotonic() - self._last_verify > VERIFY_EVERY)
            try:
                stats = self._refresh_from(source, full=full, verify=verify)
            finally:
                source.close()
            self._last_refresh = time.monotonic()
            if verify:
                self._last_verify = self._last_refresh
            return SyncStats(stats[0], stats[1], stats[2], self._count(),
                             time.perf_counter() - t0)

    def _count(self) -> int:
        row = self._con.execute("SELECT count(*) FROM consultations").fetchone()
        return int(row[0]) if row else 0

    def _refresh_from(self, source: _Source, *, full: bool, verify: bool
                      ) -> tuple[str, int, int]:
        con = self._con
        src_max = int(source.scalar("SELECT coalesce(max(id), 0) FROM consultations") or 0)
        last_id = int(self._state("last_id") or 0)
        if not full and (src_max < last_id or self._state("source") != self.database_url
                         or not self._same_rows(source, last_id, verify)):
            full = True
        mode = "full" if full else "incremental"
        con.execute("BEGIN TRANSACTION")
        try:
            # dimensions: small, copied whole
            for table, spec in DIMENSIONS.items():
                con.execute(f"DELETE FROM {table}")
                names = ", ".join(n for n, _ in spec)
                for batch in source.batches(f"SELECT {names} FROM {table}"):
                    self._insert(table, spec, batch)
            reread = 0
            if full:
                con.execute("DELETE FROM consultations")
                last_id = 0
            else:
                open_ids = [int(r[0]) for r in con.execute(
                    "SELECT id FROM consultations WHERE status = 'open' ORDER BY id"
                ).fetchall()]
                for i in range(0, len(open_ids), OPEN_CHUNK):
                    chunk = open_ids[i:i + OPEN_CHUNK]
                    marks = ", ".join(["%s"] * len(chunk))
                    con.execute(
                        f"DELETE FROM consultations WHERE id IN ({', '.join('?' * len(chunk))})",
                        chunk,
                    )
                    for batch in source.batches(
                        f"{self._consultation_select(source)} WHERE id IN ({marks})", chunk
                    ):
                        self._insert("consultations", CONSULTATION_COLUMNS, batch)
                        reread += len(batch)
            new_rows = self._bulk_load(source, last_id, src_max)
            self._set_state("last_id", str(src_max))
            self._set_state("source", self.database_url)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        return mode, new_rows, reread

    # -- querying ----------------------------------------------------------------------------

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one thread (DuckDB connections are not shared across threads)."""
        return self._con.cursor()

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
             ) -> list[tuple[Any, ...]]:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).fetchall()
        finally:
            cur.close()

    def dicts(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
              ) -> list[dict[str, Any]]:
        cur = self.cursor()
        try:
            result = cur.execute(sql, params or [])
            names = [d[0] for d in result.description or []]
            return [dict(zip(names, r, strict=True)) for r in result.fetchall()]
        finally:
            cur.close()

    def close(self) -> None:
        self._con.close()


_ENGINES: dict[str, AnalyticsEngine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(database_url: str | None = None, *, max_age: float = 5.0) -> AnalyticsEngine:
    """The process-wide engine for a database URL, refreshed if older than `max_age` seconds."""
    url = database_url or get_settings().database_url
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = AnalyticsEngine(url)
            _ENGINES[url] = engine
    engine.refresh(max_age=max_age)
    return engine


def reset_engines() -> None:
    """Close cached engines (tests switch databases)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.close()
        _ENGINES.clear()
