"""Mentions and direct messages from X, read from API v2 answers or Account Activity webhook events."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

LEADING_MENTIONS = re.compile(r"^(?:\s*@\w{1,15}\b[\s,:]*)+")


@dataclass(frozen=True)
class Mention:
    id: str
    text: str
    author_id: str
    author_handle: str | None = None
    conversation_id: str | None = None
    created_at: str | None = None
    retweet: bool = False

    @property
    def body(self) -> str:
        """The text without the @names X puts in front of a reply: what the bot should read."""
        return LEADING_MENTIONS.sub("", self.text).strip()


@dataclass(frozen=True)
class DirectMessage:
    id: str
    text: str
    sender_id: str
    sender_handle: str | None = None
    dm_conversation_id: str | None = None
    created_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def handles(includes: dict[str, Any]) -> dict[str, str]:
    """``{user id: "@username"}`` from a tweepy Response's ``includes``."""
    return {str(user.id): f"@{user.username}" for user in includes.get("users", [])}


def mention_from_v2(tweet: Any, users: dict[str, str]) -> Mention:
    referenced = tweet.data.get("referenced_tweets") or []
    author = str(tweet.author_id)
    return Mention(id=str(tweet.id), text=tweet.text, author_id=author, author_handle=users.get(author),
                   conversation_id=tweet.data.get("conversation_id"), created_at=tweet.data.get("created_at"),
                   retweet=any(ref.get("type") == "retweeted" for ref in referenced))


def dm_from_v2(event: Any, users: dict[str, str]) -> DirectMessage:
    sender = str(event.sender_id)
    return DirectMessage(id=str(event.id), text=event.text or "", sender_id=sender, sender_handle=users.get(sender),
                         dm_conversation_id=event.data.get("dm_conversation_id"),
                         created_at=event.data.get("created_at"))


def mention_from_activity(tweet: dict[str, Any]) -> Mention:
    """A v1.1 tweet object of ``tweet_create_events``."""
    user = tweet.get("user") or {}
    text = (tweet.get("extended_tweet") or {}).get("full_text") or tweet.get("full_text") or tweet.get("text") or ""
    screen_name = user.get("screen_name")
    author = str(user.get("id_str") or user["id"])
    return Mention(id=str(tweet.get("id_str") or tweet["id"]), text=text, author_id=author,
                   author_handle=f"@{screen_name}" if screen_name else None,
                   conversation_id=tweet.get("in_reply_to_status_id_str"), created_at=tweet.get("created_at"),
                   retweet="retweeted_status" in tweet)


def dm_from_activity(event: dict[str, Any], users: dict[str, Any]) -> DirectMessage | None:
    """A ``direct_message_events`` item; ``None`` for anything but a message (typing, read receipts)."""
    if event.get("type") != "message_create":
        return None
    create = event["message_create"]
    sender = str(create["sender_id"])
    screen_name = (users.get(sender) or {}).get("screen_name")
    return DirectMessage(id=str(event["id"]), text=(create.get("message_data") or {}).get("text", ""),
                         sender_id=sender, sender_handle=f"@{screen_name}" if screen_name else None,
                         created_at=event.get("created_timestamp"))
