"""What an anonymous caller may see: API docs, metrics, health details; the headers and cookies every page gets."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from gateway.rasa_client import RasaClient
from guichet.models import Role
from guichet.settings import Settings
from handoff_api import deps
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from tests.handoff_api.conftest import make_account
from tests.handoff_api.console_client import account, login


def app_client(settings: Settings, *, base_url: str = "http://testserver", **overrides: Any) -> TestClient:
    knowledge_base = KeywordKnowledgeBase()
    rasa = RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base))
    app = create_app(settings.model_copy(update=overrides), knowledge_base_loader=lambda _s, _f: knowledge_base,
                     rasa=rasa)
    return TestClient(app, base_url=base_url)


@pytest.fixture
def locked(settings: Settings) -> Iterator[TestClient]:
    """The settings docs/security.md gives for production."""
    with app_client(settings, public_api_docs=False, metrics_token=SecretStr("metrics-secret"),
                    public_health_details=False) as client:
        yield client


def test_defaults_keep_docs_metrics_and_health_details_open_for_local_use(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/metrics").status_code == 200
    assert "components" in client.get("/api/health").json()


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_api_docs_can_be_kept_for_staff(locked: TestClient, path: str) -> None:
    assert locked.get(path).status_code == 401
    headers = make_account(locked, "ed", Role.EDITOR)
    assert locked.get(path, headers=headers).status_code == 200


def test_api_docs_open_to_a_console_session(locked: TestClient) -> None:
    account(locked, "alice", Role.AGENT)
    login(locked, "alice")
    assert locked.get("/openapi.json").status_code == 200


def test_metrics_need_the_metrics_token_when_one_is_set(locked: TestClient) -> None:
    assert locked.get("/metrics").status_code == 401
    assert locked.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert locked.get("/metrics", headers={"Authorization": "Bearer metrics-secret"}).status_code == 200
    assert locked.get("/metrics", headers=make_account(locked, "root", Role.ADMIN)).status_code == 200
    assert locked.get("/metrics", headers=make_account(locked, "al", Role.AGENT)).status_code == 403


def test_health_details_only_for_staff_when_so_configured(locked: TestClient) -> None:
    anonymous = locked.get("/api/health").json()
    assert set(anonymous) == {"status"}
    detailed = locked.get("/api/health", headers=make_account(locked, "al", Role.AGENT)).json()
    assert "components" in detailed


def test_health_never_shows_the_text_of_an_exception(settings: Settings) -> None:
    def broken(_settings: Settings, _factory: Any) -> KeywordKnowledgeBase:
        raise OSError("/srv/secret/path/model.safetensors: permission denied for user guichet")

    app = create_app(settings, knowledge_base_loader=broken,
                     rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(KeywordKnowledgeBase())))
    with TestClient(app) as client:
        for _ in range(100):
            if app.state.knowledge_base_error is not None:
                break
            import time

            time.sleep(0.02)
        body = client.get("/api/health").json()
    assert body["components"]["model"] == "failed: OSError"
    assert "secret" not in str(body)


def test_every_response_forbids_framing_by_other_sites(client: TestClient) -> None:
    for path in ("/console/login", "/", "/api/health", "/docs"):
        response = client.get(path)
        assert "frame-ancestors 'none'" in response.headers.get("content-security-policy", ""), path
        assert response.headers.get("x-frame-options") == "DENY", path


def test_session_cookie_is_secure_by_default_over_https(settings: Settings) -> None:
    with app_client(settings, base_url="https://guichet.example") as client:
        assert "Secure" in client.get("/console/login").headers["set-cookie"]


def test_session_cookie_is_secure_behind_a_tls_proxy(settings: Settings) -> None:
    with app_client(settings, base_url="http://guichet.example") as client:
        cookie = client.get("/console/login", headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]
    assert "Secure" in cookie


def test_plain_http_for_local_use_unless_forced(settings: Settings) -> None:
    with app_client(settings, base_url="http://127.0.0.1:8000") as client:
        assert "Secure" not in client.get("/console/login").headers["set-cookie"]
    with app_client(settings, base_url="http://127.0.0.1:8000", cookie_secure=True) as client:
        assert "Secure" in client.get("/console/login").headers["set-cookie"]
    with app_client(settings, base_url="https://guichet.example", cookie_secure=False) as client:
        assert "Secure" not in client.get("/console/login").headers["set-cookie"]


def test_service_token_is_compared_in_constant_time(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(deps.hmac, "compare_digest", spy)
    response = client.get("/api/handoffs", headers={"Authorization": "Bearer service-test-token"})
    assert response.status_code == 403 and "'service'" in response.json()["detail"]  # known, but not an agent
    assert (b"service-test-token", b"service-test-token") in compared
