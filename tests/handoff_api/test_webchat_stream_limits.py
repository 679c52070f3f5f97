"""Event streams are capped per conversation and per address, and read the database in threads of their own."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from contextlib import ExitStack
from typing import cast

import httpx
import pytest
from anyio import to_thread
from fastapi import FastAPI

from gateway.rasa_client import RasaClient
from guichet.crud import conversations as conv_crud
from guichet.db import session_scope
from guichet.models import Author
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase
from testing.live import LiveServer, serve
from tests.handoff_api.test_webchat_stream import events, open_conversation, say, ticket

TIMEOUT = httpx.Timeout(10.0)


def live_app(settings: Settings, knowledge_base: KeywordKnowledgeBase, rasa_transport,  # type: ignore[no-untyped-def]
             **changes: object) -> FastAPI:
    rasa = RasaClient("http://rasa.test", transport=rasa_transport)
    return create_app(settings.model_copy(update=changes), knowledge_base_loader=lambda _s, _f: knowledge_base,
                      rasa=rasa)


@pytest.fixture
def capped(settings: Settings, knowledge_base: KeywordKnowledgeBase, rasa_transport) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    app = live_app(settings, knowledge_base, rasa_transport, sse_streams_per_conversation=2,
                   sse_streams_per_address=3)
    with serve(app) as server:
        yield server


def open_stream(stack: ExitStack, live: LiveServer, conversation_id: str, token: str) -> httpx.Response:
    url = f"{live.url}/api/webchat/conversations/{conversation_id}/events"
    response = stack.enter_context(httpx.stream("GET", url, headers={"Authorization": f"Bearer {token}"},
                                                timeout=TIMEOUT))
    if response.status_code == 200:
        lines = cast("Generator[str, None, None]", response.iter_lines())
        next(lines)  # the retry line: the stream is open
        stack.callback(lines.close)  # kept until the stack closes: a dropped line reader ends the connection
    return response


def test_streams_are_capped_per_conversation_and_freed_on_leaving(capped: LiveServer) -> None:
    conversation_id, token = open_conversation(capped)
    with ExitStack() as outer:
        assert open_stream(outer, capped, conversation_id, token).status_code == 200
        with ExitStack() as inner:
            assert open_stream(inner, capped, conversation_id, token).status_code == 200
            refused = open_stream(inner, capped, conversation_id, token)
            assert refused.status_code == 429
            assert "Retry-After" in refused.headers
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with ExitStack() as again:
                if open_stream(again, capped, conversation_id, token).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("a stream's place was not freed when its citizen left")


def test_streams_are_capped_per_address(capped: LiveServer) -> None:
    with ExitStack() as stack:
        statuses = [open_stream(stack, capped, *open_conversation(capped)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_streams_deliver_while_the_shared_thread_pool_is_full(settings: Settings,  # type: ignore[no-untyped-def]
                                                              knowledge_base: KeywordKnowledgeBase,
                                                              rasa_transport) -> None:
    app = live_app(settings, knowledge_base, rasa_transport)
    release = threading.Event()

    @app.post("/test/squeeze")
    async def squeeze() -> None:
        to_thread.current_default_thread_limiter().total_tokens = 1

    @app.post("/test/hold")
    def hold() -> None:  # a sync route stuck in the shared pool (a slow database, a slow disk)
        release.wait(30)

    with serve(app) as live:
        conversation_id, token = open_conversation(live)
        say(live, conversation_id, token, "bonjour")
        httpx.post(f"{live.url}/test/squeeze", timeout=TIMEOUT)
        holder = threading.Thread(target=lambda: httpx.post(f"{live.url}/test/hold", timeout=40))
        holder.start()
        try:
            time.sleep(0.3)
            url = f"{live.url}/api/webchat/conversations/{conversation_id}/events"
            opened = {"ticket": ticket(live, conversation_id, token)}  # the ticket's check: the streams' threads
            with httpx.stream("GET", url, params=opened, timeout=httpx.Timeout(5.0)) as response:
                assert response.status_code == 200
                stream = events(response.iter_lines())
                assert [next(stream)["author"] for _ in range(2)] == ["citizen", "bot"]
                with session_scope(app.state.session_factory) as session:
                    conversation = conv_crud.get_conversation(session, conversation_id=conversation_id)
                    message = conv_crud.add_outgoing(session, conversation=conversation, author=Author.AGENT,
                                                     text="Je regarde.", kind="agent")
                    message_id = message.id
                app.state.events.publish(f"conversation:{conversation_id}", {"type": "message", "id": message_id})
                assert next(stream)["id"] == message_id
        finally:
            release.set()
            holder.join()


def test_a_stream_opened_before_the_first_message_receives_it(capped: LiveServer) -> None:
    conversation_id, token = open_conversation(capped)  # nothing is stored yet
    url = f"{capped.url}/api/webchat/conversations/{conversation_id}/events"
    with httpx.stream("GET", url, params={"ticket": ticket(capped, conversation_id, token)},
                      timeout=TIMEOUT) as response:
        assert response.status_code == 200
        stream = events(response.iter_lines())
        say(capped, conversation_id, token, "bonjour")
        assert [next(stream)["author"] for _ in range(2)] == ["citizen", "bot"]
