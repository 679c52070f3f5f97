"""The fake X API v2 as a FastAPI app: real JSON shapes, rate-limit headers, OAuth 1.0a checks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import twitter_text
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from testing.x_fake.oauth import check
from testing.x_fake.state import FakeX, stamp

DUPLICATE = {"title": "Forbidden", "detail": "You are not allowed to create a Tweet with duplicate content.",
             "type": "about:blank", "status": 403}
TITLES = {400: "Invalid Request", 401: "Unauthorized", 403: "Forbidden", 429: "Too Many Requests",
          500: "Internal Server Error", 503: "Service Unavailable"}


def problem(status: int, detail: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    title = TITLES.get(status, "Error")
    body = {"title": title, "detail": detail or title, "type": "about:blank", "status": status}
    return JSONResponse(body, status_code=status, headers=headers)


def quota_name(method: str, path: str) -> str:
    if path.endswith("/mentions"):
        return "mentions"
    if path == "/2/tweets":
        return "tweets"
    if path.startswith("/2/dm_"):
        return "dm_write" if method == "POST" else "dm_read"
    return "users"


def page(items: list[dict[str, Any]], *, size: int, token: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; the token is the id of the last item already returned."""
    ordered = sorted(items, key=lambda item: -int(item["id"]))
    if token:
        ordered = [item for item in ordered if int(item["id"]) < int(token)]
    chosen = ordered[:size]
    return chosen, chosen[-1]["id"] if len(ordered) > size else None


def user(state: FakeX, user_id: str) -> dict[str, str]:
    return {"id": user_id, "name": state.users[user_id], "username": state.users[user_id]}


def make_app(fake: FakeX) -> FastAPI:
    app = FastAPI(title="fake X API v2")
    app.state.fake = fake

    def x() -> FakeX:
        current: FakeX = app.state.fake
        return current

    @app.middleware("http")
    async def gate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        path, method, state = request.url.path, request.method, x()
        if not path.startswith("/2/"):
            return await call_next(request)
        with state.lock:
            state.calls.append((method, path, dict(request.query_params)))
        if state.latency:
            await asyncio.sleep(state.latency)
        quota = state.quotas[quota_name(method, path)]
        failure = state.failure_for(method, path)
        if failure is not None and failure.status == 429:
            reset = str(int(time.time()) + failure.reset_in)
            return problem(429, headers={"x-rate-limit-limit": str(quota.limit), "x-rate-limit-remaining": "0",
                                         "x-rate-limit-reset": reset})
        if failure is not None:
            return problem(failure.status)
        authorization = request.headers.get("authorization", "")
        if state.bearer_token is not None and authorization == f"Bearer {state.bearer_token}":
            wrong = None
        else:
            wrong = check(authorization=authorization, method=method, path=path,
                          query=list(request.query_params.multi_items()), credentials=state.credentials)
        if wrong is not None:
            return problem(401, f"Unauthorized: {wrong}")
        with state.lock:
            quota.take()
        response = await call_next(request)
        if state.answer_latency:
            await asyncio.sleep(state.answer_latency)
        response.headers["x-rate-limit-limit"] = str(quota.limit)
        response.headers["x-rate-limit-remaining"] = str(max(quota.limit - quota.used, 0))
        response.headers["x-rate-limit-reset"] = str(quota.reset)
        return response

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/2/users/me")
    def me() -> dict[str, Any]:
        return {"data": {"id": x().own_id, "name": "Ville", "username": x().users[x().own_id]}}

    @app.get("/2/users/{user_id}/mentions", response_model=None)
    def mentions(user_id: str, request: Request) -> dict[str, Any] | JSONResponse:
        q, state = request.query_params, x()
        size = int(q.get("max_results", "10"))
        if not 5 <= size <= 100:
            return problem(400, f"max_results: {size} is not between 5 and 100")
        with state.lock:
            found = [state.tweets[i] for i in state.mention_ids if user_id == state.own_id]
            if q.get("since_id"):
                found = [t for t in found if int(t["id"]) > int(q["since_id"])]
            if q.get("start_time"):
                found = [t for t in found if t["created_at"] >= q["start_time"].replace("Z", ".000Z")]
            chosen, token = page(found, size=state.page_size or size, token=q.get("pagination_token"))
            fields = set((q.get("tweet.fields") or "").split(","))
            data = [{k: v for k, v in t.items() if k in {"id", "text", "edit_history_tweet_ids", "author_id"} | fields}
                    for t in chosen]
            users = [user(state, t["author_id"]) for t in chosen] if "author_id" in (q.get("expansions") or "") else []
        if not data:
            return {"meta": {"result_count": 0}}
        meta: dict[str, Any] = {"result_count": len(data), "newest_id": data[0]["id"], "oldest_id": data[-1]["id"]}
        if token:
            meta["next_token"] = token
        return {"data": data, "includes": {"users": list({u["id"]: u for u in users}.values())}, "meta": meta}

    @app.post("/2/tweets", status_code=201, response_model=None)
    async def create_tweet(request: Request) -> dict[str, Any] | JSONResponse:
        body, state = await request.json(), x()
        text = body.get("text") or ""
        if not text or not twitter_text.parse_tweet(text).valid:
            return problem(400, f"text: invalid tweet ({twitter_text.parse_tweet(text).weightedLength} weighted)")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        with state.lock:
            if any(t["text"] == text for t in state.posted):
                return JSONResponse(DUPLICATE, status_code=403)
            target = state.tweets.get(reply_to) if reply_to else None
            if target is not None and target["author_id"] in state.deleted:
                return problem(403, "You attempted to reply to a Tweet that is deleted or not visible to you.")
            tweet_id = state.new_id()
            tweet = {"id": tweet_id, "text": text, "author_id": state.own_id, "created_at": stamp(),
                     "conversation_id": (target or {}).get("conversation_id", tweet_id),
                     "edit_history_tweet_ids": [tweet_id], "in_reply_to_tweet_id": reply_to,
                     "direct_message_deep_link": body.get("direct_message_deep_link")}
            state.tweets[tweet_id] = tweet
            state.posted.append(tweet)
        return {"data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}}

    @app.get("/2/dm_events", response_model=None)
    def dm_events(request: Request) -> dict[str, Any] | JSONResponse:
        return dm_page(request, conversation=None)

    @app.get("/2/dm_conversations/with/{participant_id}/dm_events", response_model=None)
    def dm_events_with(participant_id: str, request: Request) -> dict[str, Any] | JSONResponse:
        return dm_page(request, conversation=x().dm_conversation(participant_id))

    def dm_page(request: Request, *, conversation: str | None) -> dict[str, Any] | JSONResponse:
        """The account's DM events, newest first: all of them, or those of one conversation."""
        q, state = request.query_params, x()
        size = int(q.get("max_results", "100"))
        if not 1 <= size <= 100:
            return problem(400, f"max_results: {size} is not between 1 and 100")
        with state.lock:
            events = [e for e in state.dm_events if conversation in (None, e["dm_conversation_id"])]
            chosen, token = page(events, size=state.page_size or size, token=q.get("pagination_token"))
            users = [user(state, e["sender_id"]) for e in chosen] if "sender_id" in (q.get("expansions") or "") else []
        meta: dict[str, Any] = {"result_count": len(chosen)}
        if token:
            meta["next_token"] = token
        if not chosen:
            return {"meta": meta}
        return {"data": chosen, "includes": {"users": list({u["id"]: u for u in users}.values())}, "meta": meta}

    @app.post("/2/dm_conversations/with/{participant_id}/messages", status_code=201, response_model=None)
    async def send_dm(participant_id: str, request: Request) -> dict[str, Any] | JSONResponse:
        body, state = await request.json(), x()
        text = body.get("text") or ""
        if not text or len(text) > 10_000:
            return problem(400, f"text: {len(text)} characters, a DM holds 1 to 10000")
        with state.lock:
            if participant_id in state.deleted:
                return problem(403, "You are not permitted to send Direct Messages to this user")
            event = {"id": state.new_id(), "event_type": "MessageCreate", "text": text, "sender_id": state.own_id,
                     "dm_conversation_id": state.dm_conversation(participant_id), "created_at": stamp()}
            state.dm_events.append(event)
            state.sent_dms.append({**event, "participant_id": participant_id})
        while state.hold_dm_answers:
            await asyncio.sleep(0.05)
        return {"data": {"dm_conversation_id": event["dm_conversation_id"], "dm_event_id": event["id"]}}

    return app
