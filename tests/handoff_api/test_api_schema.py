"""Property-based test of the whole HTTP API against its own OpenAPI schema (Schemathesis).

Every operation of ``/openapi.json`` gets generated requests, valid and not, as an admin, on a real SQLite
file: no answer may be a server error, and every answer (status code, content type, body) must be one the
schema documents. Derandomized and without an example database, so every run tries the same requests.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.core.result import Err, Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.rasa_client import RasaClient
from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Role
from guichet.settings import Settings
from handoff_api.main import create_app
from handoff_api.routers import events, webchat_stream
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.hours import ALWAYS_OPEN

EXAMPLES_PER_OPERATION = 40


def no_internal_error(_ctx: Any, response: Any, _case: Any) -> bool:
    """No 500, ever; a deliberate 503 (health before readiness, the knowledge base loading) must be documented."""
    if response.status_code == 500:
        raise AssertionError(f"500 Internal Server Error: {response.text[:300]}")
    return True


CHECKS = [no_internal_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    var = tmp_path_factory.mktemp("schema")
    knowledge_base = KeywordKnowledgeBase()
    app = create_app(Settings(var_dir=var, service_token="service-schema-token", opening_hours=ALWAYS_OPEN,
                              _env_file=None),
                     knowledge_base_loader=lambda _s, _f: knowledge_base,
                     rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base)))
    app.state.knowledge_base = knowledge_base
    yield app
    app.state.engine.dispose()


def admin(app: FastAPI) -> dict[str, str]:
    with session_scope(app.state.session_factory) as session:
        _, token = create_agent(session, name=f"admin-{uuid.uuid4().hex[:8]}", role=Role.ADMIN)
    return {"Authorization": f"Bearer {token}"}


def failures_of(operation: Any, headers: dict[str, str]) -> list[str]:
    """What Hypothesis finds wrong with one operation (its minimal failing case), as text."""

    @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        check()
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every failure is collected, then all are reported at once
        return [f"{operation.label}: {str(error)[:1500]}"]
    return []


def test_every_operation_answers_as_documented(fuzzed_app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    for stream in (events, webchat_stream):  # event streams end at once instead of after 5 minutes
        monkeypatch.setattr(stream, "MAX_STREAM_SECONDS", 0.05)
        monkeypatch.setattr(stream, "KEEPALIVE_SECONDS", 0.02)
    app = fuzzed_app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    results = list(schema.get_all_operations())
    invalid = [str(result.err()) for result in results if isinstance(result, Err)]
    assert invalid == []
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 38
    # A new admin for each operation: fuzzing may deactivate the previous one or rotate its token.
    found = [failure for operation in operations for failure in failures_of(operation, admin(app))]
    if found:
        pytest.fail(f"{len(found)} operation(s) answer otherwise than documented:\n\n" + "\n\n".join(found),
                    pytrace=False)
