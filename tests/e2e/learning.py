"""What the learning-week test needs from the running system: citizens on the web chat and the fake X, console
pages in Chromium, held-out coverage measured through the search API, and Rasa's loaded model."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Author, Message, Role, SearchLog
from handoff_api.stack import Stack, rasa_token
from testing.x_fake import FakeX
from tests.e2e.traffic import wait_until

PASSWORD = "correct-horse-42"


@dataclass(frozen=True)
class Coverage:
    """Of the held-out in-scope questions, how many the FAQ answered automatically (``answered``), how many of
    those with their entry (``right``), and how many it did not answer but offered their entry among its three
    choices (``offered``); of the out-of-scope ones, how many it answered."""

    right: int
    answered: int
    offered: int
    total: int
    out_of_scope_answered: int

    @property
    def share(self) -> float:
        return self.right / self.total


def rasa_model(stack: Stack) -> tuple[str, str]:
    """The model file the Rasa server has loaded, and the SHA-256 of that file."""
    status = httpx.get(f"{stack.settings.rasa_url}/status", params={"token": rasa_token(stack.settings)}, timeout=10)
    name: str = status.json()["model_file"]
    models = stack.settings.rasa_models_dir
    assert models is not None, "rasa_models_dir is not set"
    path = Path(name) if Path(name).is_absolute() else models / Path(name).name
    return name, hashlib.sha256(path.read_bytes()).hexdigest()


def add_login(factory: sessionmaker[Session], name: str, role: Role) -> dict[str, str]:
    with session_scope(factory) as session:
        _, token = create_agent(session, name=name, role=role, password=PASSWORD)
    return {"Authorization": f"Bearer {token}"}


def log_in(page: Any, url: str, name: str, path: str) -> None:
    """Signs ``name`` in to the console (whoever was signed in before is signed out)."""
    page.context.clear_cookies()
    page.goto(f"{url}{path}")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    page.wait_for_url(f"{url}{path}")


def coverage(api: httpx.Client, factory: sessionmaker[Session], *, headers: dict[str, str],
             needs: list[tuple[str, str]], out_of_scope: tuple[str, ...]) -> Coverage:
    """Each held-out question through ``POST /api/kb/search`` (no conversation: nothing reaches the inbox); the
    measurement's own search-log rows are then removed, so that the production figures stay the citizens'."""
    def decided(text: str) -> dict[str, Any]:
        response = api.post("/api/kb/search", json={"text": text}, headers=headers)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    right = answered = offered = 0
    for entry_id, text in needs:
        found = decided(text)
        answered += found["decision"] == "answer"
        right += found["decision"] == "answer" and found["hits"][0]["id"] == entry_id
        offered += found["decision"] == "clarify" and entry_id in [hit["id"] for hit in found["hits"][:3]]
    off = sum(decided(text)["decision"] == "answer" for text in out_of_scope)
    with session_scope(factory) as session:
        session.execute(delete(SearchLog).where(SearchLog.conversation_id.is_(None)))
    return Coverage(right=right, answered=answered, offered=offered, total=len(needs), out_of_scope_answered=off)


def bot_replies(factory: sessionmaker[Session], conversation_id: str) -> list[Message]:
    with factory() as session:
        return list(session.scalars(select(Message).where(Message.conversation_id == conversation_id,
                                                          Message.author == Author.BOT.value).order_by(Message.id)))


def x_dm(fake: FakeX, factory: sessionmaker[Session], *, sender: int, text: str) -> tuple[str, list[Message]]:
    """A direct message to the city's X account; once the bot's replies are sent: (conversation, new replies)."""
    sent_before = len(fake.sent_dms)
    with factory() as session:
        last_id = session.scalar(select(func.max(Message.id))) or 0
    fake.add_dm(sender_id=str(sender), username=f"habitant{sender}", text=text)

    def stored() -> Message | None:  # this message, not an earlier citizen's same words
        with factory() as session:
            return session.scalars(select(Message).where(Message.channel == "x_dm", Message.text == text,
                                                         Message.author == Author.CITIZEN.value,
                                                         Message.id > last_id)
                                   .order_by(Message.id.desc())).first()

    def answered() -> bool:  # not only a DM sent: the previous exchange's last DM may land after ``sent_before``
        asked = stored()
        return (asked is not None and len(fake.sent_dms) > sent_before
                and any(m.id > asked.id for m in bot_replies(factory, asked.conversation_id)))

    wait_until(answered, timeout=90, what=f"a DM answering {text!r}")
    asked = stored()
    assert asked is not None, text
    replies = [m for m in bot_replies(factory, asked.conversation_id) if m.id > asked.id]
    return asked.conversation_id, replies
