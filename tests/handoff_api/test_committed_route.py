"""A request that wrote lets SQLite's write lock go before FastAPI needs another worker thread: with every worker
thread taken by writers waiting for the lock, the plain route stands still until their wait runs out, the
committed route does not. A real database file, real worker threads (three of them), a real ASGI app."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from anyio import to_thread
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import text
from starlette.routing import BaseRoute

from guichet import sqlite_writes
from guichet.db import make_engine, make_session_factory
from guichet.settings import Settings
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import SessionDep

WORKER_THREADS = 3


class Written(BaseModel):
    who: str


def app_with(route_class: type[APIRoute], settings: Settings, first_wrote: threading.Event,
             others_waiting: threading.Event) -> FastAPI:
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, who TEXT)"))
    app = FastAPI()
    app.state.session_factory = make_session_factory(engine)
    router = APIRouter(route_class=route_class)

    @router.post("/notes/{who}", response_model=Written)  # a response model: validated in a worker thread
    def write(who: str, session: SessionDep) -> dict[str, str]:
        session.execute(text("INSERT INTO notes (who) VALUES (:who)"), {"who": who})
        if who == "first":  # holds the lock until every other worker thread waits for it
            first_wrote.set()
            others_waiting.wait(timeout=10)
        return {"who": who}

    app.include_router(router)
    return app


async def flood(app: FastAPI, first_wrote: threading.Event, others_waiting: threading.Event) -> list[int]:
    to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)  # a 500, as a client would see it
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        first = asyncio.create_task(client.post("/notes/first"))
        await asyncio.to_thread(first_wrote.wait, 10)
        others = [asyncio.create_task(client.post(f"/notes/other-{n}")) for n in range(WORKER_THREADS + 2)]
        threads = to_thread.current_default_thread_limiter()
        while threads.statistics().tasks_waiting == 0:  # every worker thread taken, and more queue for one
            await asyncio.sleep(0.01)
        others_waiting.set()
        responses = await asyncio.gather(first, *others)
    return [response.status_code for response in responses]


@pytest.mark.parametrize(("route_class", "stands_still"), [(APIRoute, True), (CommittedRoute, False)])
def test_a_writer_does_not_wait_for_a_thread_that_its_waiters_hold(
        route_class: type[APIRoute], stands_still: bool, settings: Settings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_writes, "WAIT_SECONDS", 2.0)
    first_wrote, others_waiting = threading.Event(), threading.Event()
    app = app_with(route_class, settings, first_wrote, others_waiting)
    statuses = asyncio.run(flood(app, first_wrote, others_waiting))
    if stands_still:  # the plain route: the waiting writers give up (database is locked), the first one gets in
        assert statuses[0] == 200 and 500 in statuses[1:]
    else:
        assert statuses == [200] * (WORKER_THREADS + 3)
    with make_engine(settings).connect() as conn:
        written = set(conn.execute(text("SELECT who FROM notes")).scalars())
    assert ("first" in written) and (len(written) == statuses.count(200))


def api_routes(routes: list[BaseRoute]) -> Iterator[APIRoute]:
    """The application's routes, inside the routers it includes (kept as the router built them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI's wrapper of an included router
        if included is not None:
            yield from api_routes(included.routes)


def test_every_synchronous_endpoint_of_the_application_commits_on_return(client: TestClient) -> None:
    routes = list(api_routes(client.app.routes))  # type: ignore[attr-defined]
    synchronous = [route for route in routes if not inspect.iscoroutinefunction(inspect.unwrap(route.endpoint))]
    assert len(synchronous) > 50  # the application's routes, not an empty list
    assert [route.path for route in synchronous if not isinstance(route, CommittedRoute)] == []
