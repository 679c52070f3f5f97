"""X's Account Activity webhook: the CRC check, then mentions and DMs through the same path as polling."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, HTTPException, Request

from bot.channels.x_dms import XDirectMessages
from bot.channels.x_events import dm_from_activity, mention_from_activity
from bot.channels.x_mentions import XMentions
from handoff_api.settings import Settings

log = logging.getLogger("guichet.x.webhook")
router = APIRouter(prefix="/api/x", tags=["x"])
HANDLED = {"tweet_create_events", "direct_message_events"}
CONTEXT = {"for_user_id", "users", "user_has_blocked", "source", "apps"}


def signature(secret: str, data: bytes) -> str:
    digest = hmac.new(secret.encode(), data, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def consumer_secret(request: Request) -> str:
    settings: Settings = request.app.state.settings
    if settings.x_consumer_secret is None:
        raise HTTPException(404, "X webhook off: GUICHET_X_CONSUMER_SECRET is not set")
    return settings.x_consumer_secret.get_secret_value()


@router.get("/webhook")
def crc(request: Request, crc_token: str) -> dict[str, str]:
    """X's challenge-response check, answered when registering the webhook and every hour after."""
    return {"response_token": signature(consumer_secret(request), crc_token.encode())}


@router.post("/webhook")
async def events(request: Request,
                 x_twitter_webhooks_signature: Annotated[str | None, Header()] = None) -> dict[str, Any]:
    secret = consumer_secret(request)
    body = await request.body()
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
