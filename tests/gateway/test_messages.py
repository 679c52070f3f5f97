"""A crash between storing a message and answering it loses nothing, and answers it once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gateway.messages import Gateway, Recovery
from gateway.rasa_client import RasaClient
from guichet.crud import conversations as conv_crud
from guichet.db import session_scope
from guichet.models import InboundState, Message
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport


@dataclass
class Running:
    app: FastAPI
    gateway: Gateway
    conversation_id: str


@pytest.fixture
def running(settings: Settings) -> Iterator[Running]:
    knowledge_base = KeywordKnowledgeBase()
    rasa = RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base))
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)
    with TestClient(app):
        # a conversation is written with its first message: these tests store that message themselves
        with session_scope(app.state.session_factory) as session:
            conversation_id = conv_crud.new_conversation(session, channel="webchat").id
        yield Running(app, app.state.gateway, conversation_id)


def test_pending_inbound_is_answered_once_after_a_crash(running: Running) -> None:
    gateway = running.gateway
    # What a crash right after the inbound commit leaves behind: a stored, unprocessed message.
    message_id = gateway._store_inbound(running.conversation_id, "horaires de la piscine", "webchat", "m-1", None)
    assert message_id is not None
    assert gateway._store_inbound(running.conversation_id, "horaires de la piscine", "webchat", "m-1", None) is None

    async def recover_twice() -> tuple[Recovery, Recovery]:
        first = await gateway.recover(older_than=timedelta(0))
        second = await gateway.recover(older_than=timedelta(0))
        return first, second

    assert asyncio.run(recover_twice()) == (Recovery(found=1, handled=1), Recovery(found=0, handled=0))
    with running.app.state.session_factory() as session:
        stored = session.get(Message, message_id)
        assert stored is not None and stored.inbound_state == InboundState.HANDLED.value
        replies = session.scalar(select(func.count()).select_from(Message).where(Message.reply_to_id == message_id))
        assert replies == 1


def test_a_message_another_worker_holds_is_found_but_left_to_it(running: Running) -> None:
    gateway = running.gateway
    message_id = gateway._store_inbound(running.conversation_id, "horaires de la piscine", "webchat", "m-2", None)
    assert message_id is not None
    with session_scope(running.app.state.session_factory) as session:
        assert conv_crud.claim_inbound(session, message_id=message_id, lease=timedelta(minutes=2))

    recovery = asyncio.run(gateway.recover(older_than=timedelta(0)))

    assert recovery == Recovery(found=1, handled=0)
    with running.app.state.session_factory() as session:
        stored = session.get(Message, message_id)
        assert stored is not None and stored.inbound_state == InboundState.PENDING.value
