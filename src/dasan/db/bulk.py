"""Bulk INSERTs of many rows with one short statement per table on PostgreSQL.

SQLAlchemy sends a bulk INSERT that hands back its rows (`insert(M).returning(M,
sort_by_parameter_order=True)`, a flush of many new objects) as multi-row `VALUES` statements:
15-35 KB of SQL with a thousand placeholders for 100 rows, different for every batch size.
psycopg converts a query's placeholders in Python and keeps the result only for queries of at
most 4,096 bytes and 50 parameters, and PostgreSQL parses and plans each such statement anew,
so on PostgreSQL those statements cost more CPU than the rows they carry. Here, on PostgreSQL,
the rows go as one JSON document (serialized by the json module's C encoder):

    INSERT INTO t (a, b) SELECT a, b FROM json_populate_recordset(NULL::t, CAST(:rows AS JSON))
        WITH ORDINALITY AS u ORDER BY u.ordinality RETURNING t.id, ...

one constant text a table and column set (psycopg's cache hit; a prepared statement on the
server after psycopg's prepare threshold). The rows are produced in the document's order, so
their ids, drawn from the table's sequence one row after another, grow in that order: the
returned rows sorted by id are the input's rows in order
(tests/integration/db/test_bulk_insert.py checks the pairing for 1 to 450 rows). (One array
parameter a column, `unnest(...)`, did the same with ~10% more CPU: psycopg dumps arrays in
Python.) Elsewhere (SQLite) SQLAlchemy's bulk INSERT ... RETURNING and flush run as before.

`among` is the same idea for a look-up of a batch's values: `column = ANY(:array)`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Table,
    Text,
    any_,
    bindparam,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.selectable import TextualSelect
from sqlalchemy.types import TypeDecorator

from dasan.db.base import UtcDateTime, as_aware_utc

M = TypeVar("M")

_STATEMENTS: dict[tuple[str, tuple[str, ...], tuple[str, ...]], TextualSelect] = {}


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


SMALL = 50  # parameters: psycopg keeps the conversion of a statement with no more


def among(session: Session, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN (values)`; on PostgreSQL `column = ANY(:array)`, one parameter whatever the
    number of values (an IN list of a batch's 100 values is a statement psycopg re-parses
    every time, as the module says of multi-row INSERTs)."""
    values = list(values)
    if len(values) > SMALL // 2 and is_postgres(session):
        return column == any_(literal(values, ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def _as_document(session: Session, rows: int, columns: int) -> bool:
    """Whether the rows go as one JSON document: on PostgreSQL, when SQLAlchemy's statement
    would carry more than `SMALL` parameters (a few rows: its short multi-row INSERT is
    cached by psycopg and prepared by the server, and costs the server less than the
    document's)."""
    return rows * columns > SMALL and is_postgres(session)


def insert_returning(session: Session, model: type[M], rows: Sequence[dict[str, Any]]
                     ) -> list[M]:
    """INSERT `rows` (dicts of column values, all with the same keys) into `model`'s table and
    return the new objects in the rows' order, persistent in `session` (as
    `session.scalars(insert(model).returning(model, sort_by_parameter_order=True), rows)`)."""
    if not rows:
        return []
    keys = _same_keys(model, rows)
    if not _as_document(session, len(rows), len(keys)):
        return list(session.scalars(
            insert(model).returning(model, sort_by_parameter_order=True), list(rows)))
    table: Table = model.__table__  # type: ignore[attr-defined]
    rows = _with_defaults(table, rows)
    names = tuple(rows[0])
    statement = _statement(table, names, session.get_bind().dialect)
    params = _params(table, rows)
    session.flush()  # the transaction's pending rows first, as an ORM INSERT does
    objects = list(session.scalars(select(model).from_statement(statement), params))
    if len(objects) != len(rows):
        raise RuntimeError(f"bulk insert into {table.name} returned {len(objects)} rows "
                           f"for {len(rows)}")
    id_key = _identity_key(table)
    objects.sort(key=lambda o: getattr(o, id_key))
    return objects


def insert_rows(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts of column values, all with the same keys) into `model`'s table
    when nothing is read back (as `session.execute(insert(model), rows)`, which on PostgreSQL
    psycopg sends as one prepared statement a row, its values dumped one by one)."""
    if not rows:
        return
    keys = _same_keys(model, rows)
    if not _as_document(session, len(rows), len(keys)):
        session.execute(insert(model), list(rows))
        return
    table: Table = model.__table__  # type: ignore[attr-defined]
    rows = _with_defaults(table, rows)
    statement = _statement(table, tuple(rows[0]), session.get_bind().dialect,
                           returning=(table.columns[_identity_key(table)],))
    session.flush()
    session.execute(statement, _params(table, rows))


def add_objects(session: Session, objects: Sequence[Any]) -> None:
    """Make new (transient) objects of one mapped class persistent in `session`, their rows
    INSERTed together with their new ids (and column defaults) set on them, as `session.add_all`
    and a flush do. On PostgreSQL one statement (see the module), the objects then
    attached as if loaded; elsewhere `add_all` and a flush."""
    if not objects:
        return
    mapper = sa_inspect(type(objects[0]))
    for o in objects:
        if type(o) is not mapper.class_ or not sa_inspect(o).transient:
            raise ValueError("add_objects takes new objects of one class")
    if not _as_document(session, len(objects), len(_set_attributes(objects))):
        session.add_all(objects)
        session.flush()
        return
    table: Table = mapper.local_table  # type: ignore[assignment]
    id_key = _identity_key(table)
    attrs = [mapper.get_property_by_column(c).key for c in table.columns]
    given = [(c, a) for c, a in zip(table.columns, attrs, strict=True)
             if c.key != id_key and any(a in o.__dict__ for o in objects)]
    rows = [{c.key: o.__dict__[a] if a in o.__dict__ else _default_of(c) for c, a in given}
            for o in objects]
    rows = _with_defaults(table, rows)
    sent = [(c.key, a) for c, a in zip(table.columns, attrs, strict=True) if c.key in rows[0]]
    statement = _statement(table, tuple(rows[0]), session.get_bind().dialect,
                           returning=(table.columns[id_key],))
    session.flush()
    ids = sorted(session.scalars(statement, _params(table, rows)))
    if len(ids) != len(objects):
        raise RuntimeError(f"bulk insert into {table.name} returned {len(ids)} rows "
                           f"for {len(objects)}")
    id_attr = mapper.get_property_by_column(table.columns[id_key]).key
    for o, row, new_id in zip(objects, rows, ids, strict=True):
        set_committed_value(o, id_attr, new_id)
        for key, attr in sent:  # the defaults filled in
            if attr not in o.__dict__:
                set_committed_value(o, attr, row[key])
        make_transient_to_detached(o)  # as if loaded: no pending change; the rest expired
        session.add(o)


def _same_keys(model: type[Any], rows: Sequence[dict[str, Any]]) -> set[str]:
    """The columns every row names (an error when the rows name different ones)."""
    keys = set(rows[0])
    if any(set(row) != keys for row in rows):
        raise ValueError(f"bulk insert into {model.__name__}: the rows name different columns")
    return keys


def _set_attributes(objects: Sequence[Any]) -> set[str]:
    """The attributes set on any of the new objects (the columns of their INSERT)."""
    return {key for o in objects for key in o.__dict__ if not key.startswith("_sa_")}


def _has_python_default(column: Column[Any]) -> bool:
    default = column.default
    return default is not None and (default.is_scalar or default.is_callable)


def _default_of(column: Column[Any]) -> Any:
    """The column's Python-side default value (a scalar, or its callable's value); None
    without one."""
    if not _has_python_default(column):
        return None
    default = column.default
    return (default.arg if default.is_scalar  # type: ignore[union-attr]
            else default.arg(None))  # type: ignore[union-attr]


def _params(table: Table, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The statement's one parameter: the rows as a JSON array of objects. Timestamps as
    `UtcDateTime` binds them (aware, UTC); a JSON column's value nested as it is (the
    json module's default separators: the same text SQLAlchemy's JSON type stores)."""
    renamed = {key: table.columns[key].name for key in rows[0]}  # the recordset's fields
    if any(key != name for key, name in renamed.items()):
        rows = [{renamed[key]: value for key, value in row.items()} for row in rows]
    return {"rows": json.dumps(rows, default=_json_value)}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_aware_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _is_json(column: Column[Any]) -> bool:
    return isinstance(column.type, JSON)


def _identity_key(table: Table) -> str:
    (column,) = table.primary_key.columns
    return column.key


def _with_defaults(table: Table, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (all naming the same columns) with the table's Python-side defaults filled
    in where a column is missing (what a Core INSERT does)."""
    keys = set(rows[0])
    missing = [c for c in table.columns if c.key not in keys and _has_python_default(c)]
    if not missing:
        return list(rows)
    return [{**row, **{c.key: _default_of(c) for c in missing}} for row in rows]


def _statement(table: Table, keys: tuple[str, ...], dialect: Dialect,
               returning: tuple[Column[Any], ...] | None = None) -> TextualSelect:
    """The INSERT of the module's docstring for columns `keys`, returning `returning` (all
    the table's columns when None)."""
    returned = returning or tuple(table.columns)
    cache_key = (table.name, keys, tuple(c.key for c in returned))
    found = _STATEMENTS.get(cache_key)
    if found is not None:
        return found
    preparer = dialect.identifier_preparer
    picked = []
    for key in keys:
        column = table.columns[key]
        if isinstance(column.type, TypeDecorator) and not isinstance(column.type, UtcDateTime):
            raise ValueError(f"bulk insert: {table.name}.{key} has a type this module does "
                             "not bind")
        name = preparer.quote(column.name)
        # SQLAlchemy stores None in a JSON column as JSON null unless none_as_null
        null_json = _is_json(column) and not getattr(column.type, "none_as_null", False)
        picked.append(f"COALESCE(u.{name}, 'null'::json)" if null_json else f"u.{name}")
    names = ", ".join(preparer.quote(table.columns[key].name) for key in keys)
    target = preparer.format_table(table)
    sql = (f"INSERT INTO {target} ({names}) SELECT {', '.join(picked)} "
           f"FROM json_populate_recordset(NULL::{target}, CAST(:rows AS JSON)) "
           f"WITH ORDINALITY AS u ORDER BY u.ordinality RETURNING "
           + ", ".join(preparer.quote(c.name) for c in returned))
    statement = text(sql).bindparams(bindparam("rows", type_=Text())).columns(*returned)
    _STATEMENTS[cache_key] = statement
    return statement
