"""Reads the console cookie on every request and guards every state-changing one against CSRF.

Sets ``request.state.console_agent`` (the logged-in, active ``Agent`` or ``None``; ``current_agent`` in
``deps`` accepts it), ``request.state.console_session`` and ``request.state.csrf_token``.

A POST/PUT/PATCH/DELETE that would be authenticated by the cookie (no ``Authorization`` header) must carry
the session's token, in the ``csrf_token`` form field or the ``X-CSRF-Token`` header (htmx), or it gets a
403 naming what is missing. The login form needs the token of its anonymous session too. Citizens' endpoints
(web chat, X webhook) never use the cookie: there a missing token only means the cookie is ignored.
"""

from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from typing import Any

from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from guichet.crud.agents import logout_key
from guichet.models import Agent, KeyValue
from handoff_api.console.session import COOKIE_NAME, SessionCodec, SessionData

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CITIZEN_PREFIXES = ("/api/webchat/", "/api/x/")
LOGIN_PATH = "/console/login"
MAX_FORM_BYTES = 1_000_000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")




def load_agent(factory: sessionmaker[Session], data: SessionData) -> Agent | None:
    """The session's agent if the account is still active and has not logged out since the session began."""
    if data.agent_id is None:
        return None
    with factory() as session:
        agent = session.get(Agent, data.agent_id)
        if agent is None or not agent.active:
            return None
        logged_out = session.get(KeyValue, logout_key(agent.id))
        if logged_out is not None and float(logged_out.value) >= data.issued_at:
            return None
        session.expunge(agent)
        return agent


def cookie_value(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed Cookie header means no session
                return None
            morsel = jar.get(COOKIE_NAME)
            return morsel.value if morsel is not None else None
    return None


def header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


class ConsoleSessionMiddleware:
    def __init__(self, app: ASGIApp, *, codec: SessionCodec, session_factory: sessionmaker[Session]) -> None:
        self.app = app
        self.codec = codec
        self.session_factory = session_factory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        data = self.codec.decode(cookie_value(scope))
        agent = await to_thread.run_sync(load_agent, self.session_factory, data) if data else None
        path: str = scope["path"]
        if scope["method"] in UNSAFE_METHODS and header(scope, b"authorization") is None:
            needs_token = path == LOGIN_PATH or (agent is not None and not path.startswith(CITIZEN_PREFIXES))
            if needs_token or agent is not None:
                sent, receive = await self._sent_token(scope, receive)
                valid = data is not None and sent is not None and hmac.compare_digest(sent.encode(), data.csrf.encode())
                if not valid and needs_token:
                    await self._forbidden(scope, receive, send, missing=sent is None, has_session=data is not None)
                    return
                if not valid:
                    agent = None
        state: dict[str, Any] = scope.setdefault("state", {})
        state["console_agent"] = agent
        state["console_session"] = data
        state["csrf_token"] = data.csrf if data else None
        await self.app(scope, receive, send)

    async def _sent_token(self, scope: Scope, receive: Receive) -> tuple[str | None, Receive]:
        """The token from the header, or from the form body (read once, then replayed to the route)."""
        token = header(scope, b"x-csrf-token")
        if token:
            return token, receive
        content_type = (header(scope, b"content-type") or "").lower()
        if not content_type.startswith(FORM_TYPES):
            return None, receive
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_FORM_BYTES:
                return None, receive
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replay = self._replay(body, receive)
        form = await Request(scope, self._replay(body, receive)).form()
        value = form.get("csrf_token")
        await form.close()
        return (value if isinstance(value, str) and value else None), replay

    @staticmethod
    def _replay(body: bytes, receive: Receive) -> Receive:
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    @staticmethod
    async def _forbidden(scope: Scope, receive: Receive, send: Send, *, missing: bool, has_session: bool) -> None:
        if not has_session:
            english = "no console session: load the page again before sending the form"
            french = "Votre session a expiré : rechargez la page, puis envoyez de nouveau le formulaire."
        elif missing:
            english = "CSRF token missing: send the csrf_token form field or the X-CSRF-Token header"
            french = "Jeton de sécurité (CSRF) manquant : rechargez la page, puis réessayez."
        else:
            english = "CSRF token wrong: it does not match this session's token"
            french = "Jeton de sécurité (CSRF) invalide : rechargez la page, puis réessayez."
        if scope["path"].startswith("/console") and header(scope, b"hx-request") is None:
            body = (f'<!doctype html><html lang="fr"><meta charset="utf-8"><title>Action refusée</title>'
                    f"<h1>Action refusée</h1><p>{french}</p><p><a href=\"/console\">Retour à la console</a></p>"
                    f"</html>").encode()
            media = b"text/html; charset=utf-8"
        else:
            body = json.dumps({"detail": english, "message": french}, ensure_ascii=False).encode()
            media = b"application/json"
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
