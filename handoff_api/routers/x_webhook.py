"""X's Account Activity webhook: the CRC check, then mentions and DMs through the same path as polling.

The CRC answer is the HMAC of the token with the consumer secret, the same signature a posted body needs.
So the check answers only tokens of the shape X sends (base64-like, no braces, quotes or spaces): no JSON
body can ever be signed through it. Posted bodies are capped at ``MAX_BODY_BYTES``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, HTTPException, Request

from gateway.channels.x_dms import XDirectMessages
from gateway.channels.x_events import dm_from_activity, mention_from_activity
from gateway.channels.x_mentions import XMentions
from guichet.settings import Settings
from handoff_api.committed_route import CommittedRoute
from handoff_api.error_schema import problem

log = logging.getLogger("guichet.x.webhook")
router = APIRouter(prefix="/api/x", tags=["x"], route_class=CommittedRoute)
HANDLED = {"tweet_create_events", "direct_message_events"}
CONTEXT = {"for_user_id", "users", "user_has_blocked", "source", "apps"}
CRC_TOKEN = re.compile(r"[A-Za-z0-9_\-+/=]{1,255}")
MAX_BODY_BYTES = 1_000_000


def signature(secret: str, data: bytes) -> str:
    digest = hmac.new(secret.encode(), data, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def consumer_secret(request: Request) -> str:
    settings: Settings = request.app.state.settings
    if settings.x_consumer_secret is None:
        raise HTTPException(404, "X webhook off: GUICHET_X_CONSUMER_SECRET is not set")
    return settings.x_consumer_secret.get_secret_value()


async def capped_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it passes ``MAX_BODY_BYTES`` (declared or streamed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"body: {declared} bytes, more than the {MAX_BODY_BYTES} bytes allowed")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(413, f"body: more than the {MAX_BODY_BYTES} bytes allowed")
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/webhook", responses=problem(400, 404))
def crc(request: Request, crc_token: str) -> dict[str, str]:
    """X's challenge-response check, answered when registering the webhook and every hour after."""
    if not CRC_TOKEN.fullmatch(crc_token):
        raise HTTPException(400, f"crc_token: {crc_token[:60]!r} is not of the shape X sends "
                                 "(1 to 255 letters, digits and _-+/=)")
    return {"response_token": signature(consumer_secret(request), crc_token.encode())}


@router.post("/webhook", responses=problem(400, 403, 404, 413, 503))
async def events(request: Request,
                 x_twitter_webhooks_signature: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    secret = consumer_secret(request)
    body = await capped_body(request)
    if x_twitter_webhooks_signature is None:
        raise HTTPException(403, "x-twitter-webhooks-signature: missing")
    if not hmac.compare_digest(x_twitter_webhooks_signature.encode(), signature(secret, body).encode()):
        raise HTTPException(403, f"x-twitter-webhooks-signature: {x_twitter_webhooks_signature[:60]!r} does not match")
    try:
        activity = json.loads(body)
    except ValueError as error:
        raise HTTPException(400, f"body: not JSON ({error})") from error
    if not isinstance(activity, dict):
        raise HTTPException(400, f"body: a JSON object expected, got {type(activity).__name__}")
    channels = request.app.state.channels
    mentions, dms = channels.get("x_mention"), channels.get("x_dm")
    if not isinstance(mentions, XMentions) or not isinstance(dms, XDirectMessages):
        raise HTTPException(503, "X channel off: the GUICHET_X_* credentials are not set")
    own_id = str(activity.get("for_user_id") or await to_thread.run_sync(mentions.client.own_id))
    taken = 0
    for tweet in activity.get("tweet_create_events") or []:
        taken += await mentions.take(mention_from_activity(tweet), own_id=own_id)
    for event in activity.get("direct_message_events") or []:
        message = dm_from_activity(event, activity.get("users") or {})
        if message is not None:
            taken += await dms.take(message, own_id=own_id)
    ignored = sorted(set(activity) - HANDLED - CONTEXT)
    if ignored:
        log.info("X webhook: ignored event types %s", ", ".join(ignored))
    return {"taken": taken, "ignored": ignored}
