"""The application wired to the fake X and the stand-in Rasa, with helpers to poll and deliver by hand."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from gateway.outbox import OutboxWorker
from guichet.db import session_scope
from guichet.models import Conversation, Message, OutboxItem
from testing.fakes import KeywordKnowledgeBase
from testing.x_fake.oauth import Credentials
from testing.x_fake.state import FakeX

CREDENTIALS = Credentials(consumer_key="ck-test", consumer_secret="cs-test", access_token="1000-abc",
                          access_token_secret="ats-test")


class CountingKnowledgeBase(KeywordKnowledgeBase):
    """The fake Rasa searches the knowledge base for every message it gets: this records them."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def search(self, text: str, *, top_k: int = 3) -> Any:
        self.queries.append(text)
        return super().search(text, top_k=top_k)


@dataclass
class Harness:
    app: FastAPI
    fake: FakeX
    kb: CountingKnowledgeBase

    @property
    def outbox(self) -> OutboxWorker:
        worker: OutboxWorker = self.app.state.outbox
        return worker

    def poll(self, channel: str) -> int:
        new: int = asyncio.run(self.app.state.channels[channel].poll())
        return new

    def deliver(self, *, now: datetime | None = None, rounds: int = 20) -> int:
        """Run the outbox until nothing is due at ``now``; how many rows were handled."""
        total = 0
        for _ in range(rounds):
            handled = self.outbox.run_once(now=now)
            if not handled:
                return total
            total += handled
        raise AssertionError(f"outbox still busy after {rounds} rounds")

    def items(self) -> list[OutboxItem]:
        with session_scope(self.app.state.session_factory) as session:
            return list(session.scalars(select(OutboxItem).order_by(OutboxItem.id)))

    def messages(self, *, channel: str | None = None) -> list[Message]:
        with session_scope(self.app.state.session_factory) as session:
            query = select(Message).order_by(Message.id)
            if channel is not None:
                query = query.where(Message.channel == channel)
            return list(session.scalars(query))

    def conversations(self) -> list[Conversation]:
        with session_scope(self.app.state.session_factory) as session:
            return list(session.scalars(select(Conversation).order_by(Conversation.created_at)))
