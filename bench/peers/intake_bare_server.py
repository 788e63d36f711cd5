"""Peer for bench_complaints' intake: the least a Python web server on the same stack can do per
report. A bare Starlette app under the same uvicorn (same options, same worker count): parse the
form, check that it has the fields intake needs, one worker-thread hop, one INSERT of the
fields into its own table and a commit on the same database, a JSON 200 with the new id (as Dasan answers). No
API key, catalogue, routing, duplicate check, outbox, consultation or security headers.

Run by the benchmark as `uvicorn bench.peers.intake_bare_server:app` with
`DASAN_DATABASE_URL` set; it creates its table `bench_peer_reports` at start-up.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, insert
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from dasan.db.session import get_engine

metadata = MetaData()
reports = Table(
    "bench_peer_reports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("service_code", String(64), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("description", Text, nullable=False),
)
_INSERT = insert(reports).returning(reports.c.id)


def _engine() -> Any:
    return get_engine(os.environ["DASAN_DATABASE_URL"])


def _store(values: dict[str, Any]) -> int:
    with _engine().begin() as conn:
        return int(conn.execute(_INSERT, values).scalar_one())


async def create(request: Request) -> JSONResponse:
    form = await request.form()
    try:
        values = {"service_code": str(form["service_code"]), "lat": float(str(form["lat"])),
                  "lon": float(str(form["long"])), "description": str(form["description"])}
    except (KeyError, ValueError):
        return JSONResponse([{"code": 400, "description": "bad form"}], status_code=400)
    new_id = await run_in_threadpool(_store, values)
    return JSONResponse([{"service_request_id": str(new_id)}], status_code=200)


async def ready(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ready"})


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    metadata.create_all(_engine())
    yield


app = Starlette(routes=[Route("/requests", create, methods=["POST"]),
                        Route("/readyz", ready)], lifespan=lifespan)
