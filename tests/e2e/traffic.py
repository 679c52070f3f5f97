"""Many citizens at once: web chat messages over HTTP, mentions and DMs waiting in the fake X."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from fastapi import Request, Response

from handoff_api.stack import Stack
from testing.live import serve
from testing.x_fake import FakeX, make_app
from testing.x_fake.harness import CREDENTIALS

T = TypeVar("T")
QUESTIONS = (
    "bonjour",
    "c'est ouvert jusqu'à quelle heure la piscine le week-end ?",
    "Quel est le cours de l'action Airbus aujourd'hui ?",
    "comment refaire ma carte d'identité ?",
    "je veux parler à quelqu'un",
    "gros nid de frelons dans mon cerisier, qui appeler ?",
    "où trouver des sachets gratuits pour mon chien",
    "la piscine est-elle ouverte le dimanche matin ?",
)


@dataclass
class Sent:
    """One web chat message: the replies when the POST answered, else what went wrong."""

    conversation_id: str
    text: str
    replies: list[dict[str, Any]] | None = None
    error: str | None = None


def x_values(url: str) -> dict[str, Any]:
    """Settings that point the X channel at the fake X with its OAuth 1.0a credentials."""
    return {"x_api_url": url, "x_consumer_key": CREDENTIALS.consumer_key,
            "x_consumer_secret": CREDENTIALS.consumer_secret, "x_access_token": CREDENTIALS.access_token,
            "x_access_token_secret": CREDENTIALS.access_token_secret, "x_timeout_seconds": 5.0}


@dataclass
class XServer:
    """One fake X server; ``calls`` are the (method, path) that reached this one, whatever state it serves."""

    url: str
    calls: list[tuple[str, str]] = field(default_factory=list)

    def polls(self) -> int:
        return sum(method == "GET" and path.endswith(("/mentions", "/dm_events")) for method, path in self.calls)


@contextmanager
def fake_x_server(fake: FakeX) -> Iterator[XServer]:
    app = make_app(fake)
    server = XServer(url="")

    @app.middleware("http")
    async def record(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        server.calls.append((request.method, request.url.path))
        return await call_next(request)

    with serve(app) as live:
        server.url = live.url
        yield server


def add_mentions(fake: FakeX, count: int) -> None:
    """``count`` people mention the city's account, once each."""
    for n in range(count):
        fake.add_mention(author_id=str(3_000 + n), username=f"citoyen{n}",
                         text=f"@guichet_ville {QUESTIONS[n % len(QUESTIONS)]}")


def add_dms(fake: FakeX, count: int) -> None:
    """``count`` people write to the city's account privately, once each."""
    for n in range(count):
        fake.add_dm(sender_id=str(7_000 + n), username=f"habitant{n}", text=QUESTIONS[n % len(QUESTIONS)])


async def open_conversations(urls: list[str], count: int) -> list[tuple[str, str]]:
    """``count`` web chat conversations, opened on the instances in turn: (id, token) each."""
    async with httpx.AsyncClient(timeout=30) as client:
        async def open_one(n: int) -> tuple[str, str]:
            response = await client.post(f"{urls[n % len(urls)]}/api/webchat/conversations")
            assert response.status_code == 201, response.text
            body = response.json()
            return body["conversation_id"], body["token"]

        return list(await asyncio.gather(*(open_one(n) for n in range(count))))


async def send_all(urls: list[str], conversations: list[tuple[str, str]]) -> list[Sent]:
    """One message in every conversation, all at once, each sent to the instance after the one that opened it."""
    limits = httpx.Limits(max_connections=len(conversations))
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        async def send(n: int, conversation_id: str, token: str) -> Sent:
            sent = Sent(conversation_id, QUESTIONS[n % len(QUESTIONS)])
            url = f"{urls[(n + 1) % len(urls)]}/api/webchat/conversations/{conversation_id}/messages"
            try:
                response = await client.post(url, json={"text": sent.text},
                                             headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as error:
                sent.error = repr(error)
                return sent
            if response.status_code == 200:
                sent.replies = response.json()["replies"]
            else:
                sent.error = f"{response.status_code}: {response.text[:200]}"
            return sent

        return list(await asyncio.gather(*(send(n, *c) for n, c in enumerate(conversations))))


def in_background(work: Callable[[], Coroutine[Any, Any, T]]) -> Future[T]:
    """Run a coroutine on its own event loop in a thread, so that the test can act while it runs."""
    executor = ThreadPoolExecutor(max_workers=1)
    future = executor.submit(lambda: asyncio.run(work()))
    executor.shutdown(wait=False)
    return future


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str | Callable[[], str],
               every: float = 0.5) -> float:
    """Seconds it took for ``condition`` to hold; fails the test with ``what`` (called then, if a function: the
    last state seen) after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not after {timeout:.0f} s: {what() if callable(what) else what}")
        time.sleep(every)
    return time.monotonic() - started


def wait_serving(stack: Stack, *, timeout: float = 180) -> None:
    """The application up with its database, bot and knowledge base (a stand-in Rasa has no action server)."""
    url = f"{stack.settings.resolved_api_url}/api/health"

    def serving() -> bool:
        for name, process in stack.processes.items():
            assert process.poll() is None, f"{name} exited with code {process.returncode}; see {stack.logs}"
        try:
            components = httpx.get(url, timeout=5).json()["components"]
        except (httpx.HTTPError, ValueError, KeyError):
            return False
        assert not str(components.get("model")).startswith("failed"), f"{url}: {components['model']}"
        return all(components.get(name) == "ok" for name in ("database", "rasa", "model"))

    wait_until(serving, timeout=timeout, what=f"{url} serving")
