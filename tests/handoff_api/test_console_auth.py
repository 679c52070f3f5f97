"""Console login: argon2 passwords, the signed session cookie, logout, CSRF on every form, and roles."""

from __future__ import annotations

import time
from dataclasses import replace

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select

from guichet.db import session_scope
from guichet.models import Agent, AuditEntry, Role
from guichet.settings import Settings
from handoff_api.console.session import COOKIE_NAME, SessionCodec, SessionData, session_secret
from tests.handoff_api.console_client import PASSWORD, account, form_token, login, session_token


def audit_actions(client: TestClient) -> list[tuple[str, str]]:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        return [(row.actor, row.action) for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_login_sets_a_signed_httponly_cookie_and_logout_ends_it(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    page = client.get("/console/login")
    assert page.status_code == 200 and "Connexion à la console" in page.text
    response = client.post("/console/login", data={"name": "alice", "password": PASSWORD,
                                                   "csrf_token": form_token(page.text)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    queue = client.get("/console")
    assert queue.status_code == 200 and "File d'attente" in queue.text and "alice" in queue.text
    stolen = client.cookies.get(COOKIE_NAME)

    out = client.post("/console/logout", data={"csrf_token": session_token(client)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/console/login"
    assert "Max-Age=0" in out.headers["set-cookie"]
    assert client.get("/console", follow_redirects=False).status_code == 303
    client.cookies.set(COOKIE_NAME, stolen or "")
    replayed = client.get("/console", follow_redirects=False)
    assert replayed.status_code == 303, "a cookie copied before the logout must not work after it"
    assert ("alice", "console.login") in audit_actions(client) and ("alice", "console.logout") in audit_actions(client)


def test_wrong_password_and_unknown_name_get_the_same_answer(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    for name, password in (("alice", "not-the-password"), ("nobody", PASSWORD)):
        page = client.get("/console/login")
        response = client.post("/console/login", data={"name": name, "password": password,
                                                       "csrf_token": form_token(page.text)})
        assert response.status_code == 401
        assert "Identifiant ou mot de passe incorrect." in response.text
        assert COOKIE_NAME not in response.headers.get("set-cookie", "")
    assert client.get("/console", follow_redirects=False).status_code == 303
    assert ("alice", "console.login_failed") in audit_actions(client)
    failed = [actor for actor, action in audit_actions(client) if action == "console.login_failed"]
    assert len(failed) == 2 and not any("nobody" in actor for actor in failed)


def test_unknown_names_of_failed_logins_are_kept_only_as_keyed_hashes(client: TestClient) -> None:
    """A name typed at the login form may be a password typed in the wrong field, or someone's e-mail."""
    page = client.get("/console/login")
    for _ in range(2):
        client.post("/console/login", data={"name": "Hunter2-Marie.Dupont@example.fr", "password": "x",
                                            "csrf_token": form_token(page.text)})
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "console.login_failed")))
    stored = " ".join(f"{row.actor} {row.target} {row.detail}" for row in rows).lower()
    assert len(rows) == 2 and "dupont" not in stored and "hunter2" not in stored
    assert rows[0].actor == rows[1].actor and rows[0].actor.startswith("unknown:")  # the same name: one pseudonym


def test_cookie_is_secure_when_configured(settings: Settings, knowledge_base) -> None:  # type: ignore[no-untyped-def]
    from handoff_api.main import create_app

    app = create_app(settings.model_copy(update={"cookie_secure": True}),
                     knowledge_base_loader=lambda _s, _f: knowledge_base)
    with TestClient(app, base_url="https://testserver") as secure_client:
        assert "Secure" in secure_client.get("/console/login").headers["set-cookie"]


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    page = client.get("/console/login")
    no_token = client.post("/console/login", data={"name": "alice", "password": PASSWORD})
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    wrong = client.post("/console/login", data={"name": "alice", "password": PASSWORD, "csrf_token": "forged"})
    assert wrong.status_code == 403 and "invalide" in wrong.text
    assert form_token(page.text)
    token = login(client, "alice")

    missing = client.post("/console/logout", follow_redirects=False)
    assert missing.status_code == 403 and "Jeton de sécurité (CSRF) manquant" in missing.text
    api = client.put("/api/admin/opening-hours", json={"mon": []})
    assert api.status_code == 403 and "X-CSRF-Token" in api.json()["detail"]
    htmx = client.post("/console/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert htmx.status_code == 303, "the X-CSRF-Token header (htmx) is accepted"


def test_citizen_endpoints_ignore_the_console_cookie(client: TestClient) -> None:
    """An agent trying the demo web chat in the same browser is not blocked by CSRF."""
    account(client, "alice", Role.AGENT)
    login(client, "alice")
    assert client.post("/api/webchat/conversations").status_code == 201


def test_roles_are_checked_on_pages_and_api(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    account(client, "eve", Role.EDITOR)
    account(client, "root", Role.ADMIN)
    login(client, "alice")
    kb = client.get("/console/kb")
    assert kb.status_code == 403 and "Accès refusé" in kb.text
    assert client.get("/api/admin/agents").status_code == 403
    assert client.post("/api/admin/agents", json={"name": "x"},
                       headers={"X-CSRF-Token": session_token(client)}).status_code == 403
    assert client.get("/console/admin").status_code == 403

    login(client, "eve")
    assert client.get("/console/kb").status_code == 200
    admin = client.get("/console/admin")
    assert admin.status_code == 403 and "administrateur" in admin.text
    assert client.get("/console").status_code == 403

    login(client, "root")
    for path in ("/console", "/console/kb", "/console/admin"):
        assert client.get(path).status_code == 200, path
    assert client.get("/api/admin/agents").status_code == 200


def test_no_or_expired_session_is_401_on_the_api_and_a_redirect_on_pages(client: TestClient) -> None:
    alice = account(client, "alice", Role.AGENT)
    assert client.get("/api/handoffs").status_code == 401
    assert client.get("/api/admin/agents").status_code == 401
    assert client.get("/api/events/handoffs").status_code == 401
    page = client.get("/console/kb?q=piscine", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console/login?next=%2Fconsole%2Fkb%3Fq%3Dpiscine"
    htmx = client.get("/console/queue/rows", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/console/login")

    codec: SessionCodec = client.app.state.console_codec  # type: ignore[attr-defined]
    past = SessionData(agent_id=alice, issued_at=time.time() - 100, expires_at=time.time() - 1)
    client.cookies.set(COOKIE_NAME, codec.encode(past))
    assert client.get("/console", follow_redirects=False).status_code == 303
    assert client.get("/api/handoffs").status_code == 401
    forged = codec.encode(replace(past, expires_at=time.time() + 3600)).split(".")[0] + ".bad-signature"
    client.cookies.set(COOKIE_NAME, forged)
    assert client.get("/api/handoffs").status_code == 401
    client.cookies.set(COOKIE_NAME, codec.encode(replace(past, expires_at=time.time() + 3600)))
    assert client.get("/api/handoffs").status_code == 200, "the same session, still valid, is accepted"


def test_a_deactivated_account_loses_its_session(client: TestClient) -> None:
    alice = account(client, "alice", Role.AGENT)
    login(client, "alice")
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        agent = session.get(Agent, alice)
        assert agent is not None
        agent.active = False
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_login_only_redirects_inside_the_console(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    page = client.get("/console/login?next=//evil.example/x")
    response = client.post("/console/login", data={"name": "alice", "password": PASSWORD, "next": "//evil.example/x",
                                                   "csrf_token": form_token(page.text)}, follow_redirects=False)
    assert response.headers["location"] == "/console"
    login(client, "alice")
    assert client.get("/console/login?next=/console/handoffs/3", follow_redirects=False).headers["location"] == \
        "/console/handoffs/3"


def test_session_secret_is_generated_once_and_kept(settings: Settings) -> None:
    first = session_secret(settings)
    assert len(first) >= 32 and session_secret(settings) == first
    path = settings.var_dir / "session-secret"
    assert path.stat().st_mode & 0o777 == 0o600
    configured = settings.model_copy(update={"session_secret": SecretStr("from-the-environment-" + "x" * 20)})
    assert session_secret(configured).startswith("from-the-environment-")


def test_repeated_wrong_passwords_are_slowed_down(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    statuses = []
    for _ in range(11):
        page = client.get("/console/login")
        statuses.append(client.post("/console/login", data={"name": "alice", "password": "nope",
                                                            "csrf_token": form_token(page.text)}).status_code)
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
