"""HTTP client for the application's internal API (docs/architecture.md).

Actions get a client with ``get_api()``. Tests replace ``client_factory`` (module level) with
a function returning ``GuichetApi(..., transport=httpx.MockTransport(handler))``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

import httpx

logger = logging.getLogger(__name__)

# short: an action may make two calls (search, then handoff) within the application's 10 s wait for Rasa
DEFAULT_TIMEOUT_SECONDS = 4.0
DECISIONS = ("answer", "clarify", "handoff")


class ApiError(Exception):
    """The application could not be reached or answered something unusable."""


class GuichetApi:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.transport = transport
        self._clients: dict[asyncio.AbstractEventLoop, httpx.AsyncClient] = {}

    def _client(self) -> httpx.AsyncClient:
        """One pooled client per event loop: creating one costs ~20 ms (its TLS context)."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            for stale in [other for other in self._clients if other.is_closed()]:
                del self._clients[stale]
            headers = {"Accept": "application/json"}
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            client = httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=self.timeout,
                                       transport=self.transport)
            self._clients[loop] = client
        return client

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client().request(method, path, **kwargs)
        except httpx.HTTPError as error:
            logger.warning("internal API %s %s failed: %r", method, path, error)
            raise ApiError(f"{method} {path}: {error!r}") from error

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as error:
            raise ApiError(f"invalid JSON from {response.request.url}") from error
        if not isinstance(data, dict):
            raise ApiError(f"unexpected body from {response.request.url}")
        return data

    async def search(self, text: str, *, conversation_id: str, top_k: int = 3) -> dict[str, Any]:
        """POST /api/kb/search -> {"query", "decision", "hits": [...]}.

        ``conversation_id`` ties the search-log row to the citizen's conversation: their data export and
        erasure find it, and the Journal counts a question that was also handed over once.
        """
        body = {"text": text, "top_k": top_k, "conversation_id": conversation_id}
        response = await self._request("POST", "/api/kb/search", json=body)
        if response.status_code != 200:
            raise ApiError(f"kb search: HTTP {response.status_code}")
        data = self._json(response)
        if data.get("decision") not in DECISIONS or not isinstance(data.get("hits", []), list):
            raise ApiError(f"kb search: unexpected answer {data!r:.200}")
        data.setdefault("hits", [])
        return data

    async def create_handoff(
        self,
        *,
        conversation_id: str,
        department: str | None,
        reason: str,
        summary: str,
        details: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """POST /api/internal/handoffs -> {"id", "reference", "status", "department", ..., "expected"}."""
        body = {
            "conversation_id": conversation_id,
            "department": department,
            "reason": reason,
            "summary": summary,
            "details": details or {},
        }
        response = await self._request("POST", "/api/internal/handoffs", json=body)
        if response.status_code not in (200, 201):
            raise ApiError(f"create handoff: HTTP {response.status_code}")
        data = self._json(response)
        if not data.get("reference"):
            raise ApiError("create handoff: no reference in the answer")
        return data

    async def get_request(self, reference: str, *, conversation_id: str) -> dict[str, Any] | None:
        """GET /api/internal/requests/{reference}?conversation_id=...; None when the reference is unknown or
        not the asking citizen's (404, the same answer for both)."""
        response = await self._request("GET", f"/api/internal/requests/{reference}",
                                       params={"conversation_id": conversation_id})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ApiError(f"get request: HTTP {response.status_code}")
        return self._json(response)


@cache
def default_client() -> GuichetApi:
    """One client for the process, configured from GUICHET_API_URL / GUICHET_SERVICE_TOKEN (guichet.settings)."""
    from guichet.settings import Settings

    settings = Settings()
    token = settings.service_token.get_secret_value() if settings.service_token else None
    return GuichetApi(settings.resolved_api_url, token)


# Replaced by tests (and by nothing else).
client_factory: Callable[[], GuichetApi] = default_client


def get_api() -> GuichetApi:
    return client_factory()
