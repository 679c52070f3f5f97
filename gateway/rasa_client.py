"""The Rasa server over HTTP: send a citizen's message, pause and resume a conversation."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(RuntimeError):
    pass


class RasaClient:
    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        """``token``: Rasa's ``--auth-token``, sent as the ``token`` query parameter Rasa reads."""
        self.base_url = base_url.rstrip("/")
        params = {"token": token} if token else None
        self._client = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport, params=params)

    async def send(self, *, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": metadata}
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(f"Rasa at {self.base_url} did not answer: {error!r}") from error
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa at {self.base_url} answered {response.status_code}: {response.text[:200]}")
        replies = response.json()
        if not isinstance(replies, list):
            raise RasaUnavailable(f"Rasa at {self.base_url} answered {replies!r} instead of a list")
        return replies

    async def append_event(self, *, sender: str, event: str) -> None:
        try:
            await self._client.post(f"/conversations/{sender}/tracker/events", json={"event": event})
        except httpx.HTTPError as error:
            raise RasaUnavailable(f"Rasa at {self.base_url} did not take event {event!r}: {error!r}") from error

    async def tracker_events(self, *, sender: str) -> list[dict[str, Any]]:
        response = await self._client.get(f"/conversations/{sender}/tracker")
        response.raise_for_status()
        events: list[dict[str, Any]] = response.json().get("events", [])
        return events

    async def is_ready(self) -> bool:
        try:
            response = await self._client.get("/status")
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))

    async def aclose(self) -> None:
        await self._client.aclose()
