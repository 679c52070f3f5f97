"""What the fake X remembers, and what tests script: mentions, DMs, failures, deleted accounts."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from testing.x_fake.oauth import Credentials

WINDOW_SECONDS = 900
QUOTAS = {"mentions": 300, "tweets": 100, "dm_read": 300, "dm_write": 200, "users": 75}


def stamp(moment: datetime | None = None) -> str:
    """X's ``created_at``: ISO 8601 with milliseconds and a Z."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Failure:
    status: int
    method: str | None
    path: str
    times: int | None
    until: float | None
    reset_in: int
    skip: int = 0

    def matches(self, method: str, path: str) -> bool:
        live = (self.times is None or self.times > 0) and (self.until is None or time.time() < self.until)
        return live and (self.method is None or self.method == method) and path.startswith(self.path)


@dataclass
class Quota:
    limit: int
    used: int = 0
    reset: int = field(default_factory=lambda: int(time.time()) + WINDOW_SECONDS)

    def take(self) -> None:
        if time.time() >= self.reset:
            self.used, self.reset = 0, int(time.time()) + WINDOW_SECONDS
        self.used += 1


class FakeX:
    def __init__(self, *, credentials: Credentials, bearer_token: str | None = None, username: str = "guichet_ville"):
        self.credentials = credentials
        self.bearer_token = bearer_token
        self.own_id = credentials.access_token.partition("-")[0]
        self.users: dict[str, str] = {self.own_id: username}
        self.tweets: dict[str, dict[str, Any]] = {}
        self.mention_ids: list[str] = []
        self.posted: list[dict[str, Any]] = []
        self.dm_events: list[dict[str, Any]] = []
        self.sent_dms: list[dict[str, Any]] = []
        self.deleted: set[str] = set()
        self.failures: list[Failure] = []
        self.quotas = {name: Quota(limit) for name, limit in QUOTAS.items()}
        self.calls: list[tuple[str, str, dict[str, str]]] = []
        self.page_size: int | None = None
        self.latency = 0.0
        self.answer_latency = 0.0  # after doing the work: a client that dies meanwhile never learns it was done
        self.hold_dm_answers = False  # a sent DM is recorded, its answer withheld until this turns False again
        self.lock = threading.RLock()
        self._ids = itertools.count(1_860_000_000_000_000_000)

    def new_id(self) -> str:
        return str(next(self._ids))

    def add_mention(self, *, author_id: str, username: str, text: str, conversation_id: str | None = None,
                    retweet: bool = False, created_at: datetime | None = None) -> str:
        with self.lock:
            self.users[author_id] = username
            tweet_id = self.new_id()
            tweet: dict[str, Any] = {"id": tweet_id, "text": text, "author_id": author_id,
                                     "conversation_id": conversation_id or tweet_id,
                                     "created_at": stamp(created_at), "edit_history_tweet_ids": [tweet_id]}
            if retweet:
                tweet["referenced_tweets"] = [{"type": "retweeted", "id": self.new_id()}]
            self.tweets[tweet_id] = tweet
            self.mention_ids.append(tweet_id)
            return tweet_id

    def add_dm(self, *, sender_id: str, username: str, text: str, created_at: datetime | None = None) -> str:
        with self.lock:
            self.users[sender_id] = username
            event_id = self.new_id()
            self.dm_events.append({"id": event_id, "event_type": "MessageCreate", "text": text,
                                   "sender_id": sender_id, "dm_conversation_id": self.dm_conversation(sender_id),
                                   "created_at": stamp(created_at)})
            return event_id

    def dm_conversation(self, user_id: str) -> str:
        low, high = sorted([self.own_id, user_id], key=int)
        return f"{low}-{high}"

    def fail(self, status: int, *, times: int | None = None, seconds: float | None = None, path: str = "/2/",
             method: str | None = None, reset_in: int = 1, skip: int = 0) -> None:
        """After ``skip`` matching calls, the next ``times`` (all for ``seconds``, or until ``heal``) get ``status``."""
        with self.lock:
            self.failures.append(Failure(status, method, path, times,
                                         None if seconds is None else time.time() + seconds, reset_in, skip))

    def heal(self) -> None:
        with self.lock:
            self.failures.clear()

    def failure_for(self, method: str, path: str) -> Failure | None:
        with self.lock:
            for failure in self.failures:
                if failure.matches(method, path):
                    if failure.skip > 0:
                        failure.skip -= 1
                        continue
                    if failure.times is not None:
                        failure.times -= 1
                    return failure
            return None

    def delete_account(self, user_id: str) -> None:
        with self.lock:
            self.deleted.add(user_id)

    def posted_texts(self) -> list[str]:
        with self.lock:
            return [tweet["text"] for tweet in self.posted]
