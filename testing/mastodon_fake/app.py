"""The fake Mastodon API as a FastAPI app: real JSON shapes, ``X-RateLimit-*`` headers, bearer token checked."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from testing.mastodon_fake.state import FakeMastodon, stamp

URL = re.compile(r"https?://\S+")
REMOTE_MENTION = re.compile(r"(@[\w.-]+)@[\w-]+(?:\.[\w-]+)+")
RATE_LIMITED_RESET_SECONDS = 2


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def length(text: str) -> int:
    return len(REMOTE_MENTION.sub(r"\1", URL.sub("x" * 23, text)))


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def make_app(fake: FakeMastodon) -> FastAPI:
    app = FastAPI(title="fake Mastodon API")
    app.state.fake = fake

    def m() -> FakeMastodon:
        current: FakeMastodon = app.state.fake
        return current

    @app.middleware("http")
    async def gate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        path, method, state = request.url.path, request.method, m()
        if not path.startswith("/api/v"):
            return await call_next(request)
        with state.lock:
            state.calls.append((method, path, dict(request.query_params)))
        failure = state.failure_for(method, path)
        if failure is not None and failure.status == 429:
            resets_at = iso(time.time() + RATE_LIMITED_RESET_SECONDS)
            return error(429, "Too many requests", {"X-RateLimit-Limit": str(state.quota.limit),
                                                     "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": resets_at})
        if failure is not None:
            return error(failure.status, "Service Unavailable" if failure.status == 503 else "Error")
        if request.headers.get("authorization") != f"Bearer {state.token}":
            return error(401, "The access token is invalid")
        with state.lock:
            state.quota.take()
            remaining, reset = state.quota.remaining, state.quota.reset
        response = await call_next(request)
        if state.answer_latency:
            await asyncio.sleep(state.answer_latency)
        response.headers["X-RateLimit-Limit"] = str(state.quota.limit)
        response.headers["X-RateLimit-Remaining"] = str(remaining)
        response.headers["X-RateLimit-Reset"] = iso(reset)
        return response

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/accounts/verify_credentials")
    def verify_credentials() -> dict[str, Any]:
        return {**m().own, "source": {"privacy": "public"}}

    @app.get("/api/v2/instance")
    def instance() -> dict[str, Any]:
        statuses: dict[str, Any] = {"max_media_attachments": 4, "characters_reserved_per_url": 23}
        if m().max_characters is not None:
            statuses["max_characters"] = m().max_characters
        return {"domain": "social.example", "title": "Social Example", "version": "4.3.0",
                "configuration": {"statuses": statuses}}

    @app.get("/api/v1/notifications", response_model=None)
    def notifications(request: Request) -> list[dict[str, Any]] | JSONResponse:
        q, state = request.query_params, m()
        size = int(q.get("limit", "40"))
        if not 1 <= size <= 80:
            return error(422, f"limit: {size} is not between 1 and 80")
        types = q.getlist("types[]")
        with state.lock:
            found = [n for n in state.notifications if not types or n["type"] in types]
            found = [n for n in found if n["status"]["id"] not in state.deleted]
            for key, keep in (("since_id", lambda a, b: a > b), ("min_id", lambda a, b: a > b),
                              ("max_id", lambda a, b: a < b)):
                if q.get(key):
                    found = [n for n in found if keep(int(n["id"]), int(q[key]))]
            ordered = sorted(found, key=lambda n: -int(n["id"]))
            return ordered[:size]

    @app.get("/api/v1/statuses/{status_id}", response_model=None)
    def status(status_id: str) -> dict[str, Any] | JSONResponse:
        state = m()
        with state.lock:
            found = state.statuses.get(status_id)
            if found is None or status_id in state.deleted:
                return error(404, "Record not found")
            return found

    @app.post("/api/v1/statuses", response_model=None)
    async def post_status(request: Request) -> dict[str, Any] | JSONResponse:
        state = m()
        if request.headers.get("content-type", "").startswith("application/json"):
            body = dict(await request.json())
        else:
            body = dict((await request.form()).items())
        text = str(body.get("status") or "")
        visibility = str(body.get("visibility") or "public")
        reply_to = body.get("in_reply_to_id") or None
        key = request.headers.get("idempotency-key")
        with state.lock:
            if key and key in state.idempotency:
                return state.statuses[state.idempotency[key]]
            if not text.strip():
                return error(422, "Validation failed: Text can't be blank")
            if state.max_characters is not None and length(text) > state.max_characters:
                return error(422, f"Validation failed: Text character limit of {state.max_characters} exceeded")
            if visibility not in {"public", "unlisted", "private", "direct"}:
                return error(422, f"Validation failed: visibility {visibility!r}")
            if reply_to is not None and (reply_to not in state.statuses or reply_to in state.deleted):
                return error(404, "The post you are trying to reply to does not appear to exist.")
            status_id = state.new_id()
            posted: dict[str, Any] = {
                      "id": status_id, "created_at": stamp(), "in_reply_to_id": reply_to, "visibility": visibility,
                      "content": f"<p>{text}</p>", "text": text, "account": state.own, "mentions": [],
                      "media_attachments": [], "tags": [], "emojis": [], "reblog": None, "spoiler_text": "",
                      "sensitive": False, "uri": f"https://social.example/s/{status_id}",
                      "url": f"https://social.example/s/{status_id}", "idempotency_key": key}
            state.statuses[status_id] = posted
            state.posted.append(posted)
            if key:
                state.idempotency[key] = status_id
        return posted

    return app
