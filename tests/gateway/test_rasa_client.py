"""The application's Rasa client sends Rasa's auth token with every call of the HTTP API."""

from __future__ import annotations

import asyncio

import httpx

from gateway.rasa_client import RasaClient


def test_every_call_carries_the_token() -> None:
    seen: list[httpx.URL] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "m.tar.gz"})
        if request.url.path.endswith("/tracker"):
            return httpx.Response(200, json={"events": []})
        if request.url.path.endswith("/events"):
            return httpx.Response(200, json={})
        return httpx.Response(200, json=[])

    async def calls() -> None:
        client = RasaClient("http://rasa.test", token="rasa-secret", transport=httpx.MockTransport(handle))
        assert await client.is_ready()
        await client.send(sender="c1", text="bonjour", metadata={})
        await client.append_event(sender="c1", event="pause")
        await client.tracker_events(sender="c1")
        await client.aclose()

    asyncio.run(calls())
    assert len(seen) == 4 and all(url.params.get("token") == "rasa-secret" for url in seen)
