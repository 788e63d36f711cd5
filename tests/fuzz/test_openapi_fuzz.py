"""Schemathesis over the whole OpenAPI schema, as an admin integration (Bearer token) and with
a citizen's chat token: no 5xx, and every answer matches its documented status, media type
and schema. Bounded (`FUZZ_EXAMPLES` per operation) so that `make test` stays short; set
DASAN_FUZZ_EXAMPLES for a longer run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from dasan.web.app import create_app

FUZZ_EXAMPLES = int(os.environ.get("DASAN_FUZZ_EXAMPLES", "5"))
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance)
STATS: dict[str, int] = {"cases": 0, "5xx": 0}

# The schema is read from the application itself (as /openapi.json serves it to staff).
APP = create_app()
# /readyz answers 503 by design while the process warms up (tests/integration cover it).
schema = schemathesis.openapi.from_dict(APP.openapi()).exclude(path="/readyz")
schema.app = APP
# Examples and random fuzzing only: the exhaustive coverage phase alone takes minutes.
schema.config.phases.coverage.enabled = os.environ.get("DASAN_FUZZ_COVERAGE") == "1"


@pytest.fixture(scope="module")
def fuzz_env(_migrated: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The app on the seeded SQLite test database, running (chat hub started), with an admin
    API token and a citizen's chat token."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from dasan import ratelimit
    from dasan.auth import issue_api_token
    from dasan.config import get_settings
    from dasan.db import session as db_session
    from dasan.db.models import User

    url = _migrated["sqlite"]
    os.environ["DASAN_DATABASE_URL"] = url
    get_settings.cache_clear()
    db_session.reset_caches()
    ratelimit.reset()
    with db_session.session_scope(url) as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        token = issue_api_token(s, admin, "schemathesis", days=1)
    with TestClient(APP) as client:
        chat = client.post("/api/chat/sessions", json={"language": "ko"}).json()
        yield {"headers": {"Authorization": f"Bearer {token}", "X-Chat-Token": chat["token"]}}
    ratelimit.reset()
    db_session.reset_caches()


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms_to_its_schema(case: Any, fuzz_env: dict[str, Any]) -> None:
    response = case.call(headers=fuzz_env["headers"], timeout=120)
    STATS["cases"] += 1
    if response.status_code >= 500:
        STATS["5xx"] += 1
    case.validate_response(response, checks=CHECKS)


def test_fuzz_ran(fuzz_env: dict[str, Any]) -> None:
    """The figures of the run above (cases, 5xx); fails if nothing ran or a 5xx was seen."""
    print(f"\nschemathesis: {STATS['cases']} cases, {STATS['5xx']} responses >= 500")
    assert STATS["cases"] > 0 and STATS["5xx"] == 0
