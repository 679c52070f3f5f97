"""What the fake Mastodon instance remembers, and what tests script: mentions, failures, deleted statuses."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

WINDOW_SECONDS = 300
QUOTA = 300  # requests per 5 minutes, as mastodon.social and most instances


def stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Failure:
    status: int
    path: str
    method: str | None
    times: int | None
    until: float | None
    skip: int = 0

    def matches(self, method: str, path: str) -> bool:
        live = (self.times is None or self.times > 0) and (self.until is None or time.time() < self.until)
        return live and (self.method is None or self.method == method) and path.startswith(self.path)


@dataclass
class Quota:
    limit: int = QUOTA
    used: int = 0
    reset: float = field(default_factory=lambda: time.time() + WINDOW_SECONDS)

    def take(self) -> None:
        if time.time() >= self.reset:
            self.used, self.reset = 0, time.time() + WINDOW_SECONDS
        self.used += 1

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


def content_html(text: str, mentions: dict[str, str]) -> str:
    """Mastodon's HTML for a status: mentions as h-card links, paragraphs, line breaks."""
    words = []
    for word in text.split(" "):
        if word.startswith("@") and word[1:] in mentions:
            username = word[1:].split("@")[0]
            words.append(f'<span class="h-card"><a href="{mentions[word[1:]]}" class="u-url mention">'
                         f"@<span>{escape(username)}</span></a></span>")
        else:
            words.append(escape(word))
    paragraphs = " ".join(words).split("\n\n")
    return "".join(f"<p>{p.replace(chr(10), '<br />')}</p>" for p in paragraphs)


class FakeMastodon:
    def __init__(self, *, token: str, username: str = "guichet_ville", max_characters: int | None = 500):
        self.token = token
        self.own = {"id": "1", "username": username, "acct": username, "display_name": "Ville",
                    "url": f"https://social.example/@{username}"}
        self.accounts: dict[str, dict[str, Any]] = {"1": self.own}
        self.statuses: dict[str, dict[str, Any]] = {}
        self.notifications: list[dict[str, Any]] = []
        self.posted: list[dict[str, Any]] = []
        self.idempotency: dict[str, str] = {}
        self.deleted: set[str] = set()
        self.failures: list[Failure] = []
        self.quota = Quota()
        self.max_characters = max_characters
        self.calls: list[tuple[str, str, dict[str, str]]] = []
        self.answer_latency = 0.0
        self.lock = threading.RLock()
        self._ids = itertools.count(110_000_000_000_000_000)

    def new_id(self) -> str:
        return str(next(self._ids))

    def account(self, acct: str) -> dict[str, Any]:
        for account in self.accounts.values():
            if account["acct"] == acct:
                return account
        account_id = self.new_id()
        username = acct.split("@")[0]
        self.accounts[account_id] = {"id": account_id, "username": username, "acct": acct, "display_name": username,
                                     "url": f"https://{acct.split('@')[1] if '@' in acct else 'social.example'}"
                                            f"/@{username}"}
        return self.accounts[account_id]

    def add_mention(self, *, acct: str, text: str, visibility: str = "public", in_reply_to_id: str | None = None,
                    created_at: datetime | None = None) -> str:
        """A status by ``acct`` mentioning the city's account (write ``@guichet_ville`` in ``text``)."""
        with self.lock:
            author = self.account(acct)
            mentions = {self.own["acct"]: self.own["url"]}
            status_id = self.new_id()
            status = {"id": status_id, "created_at": stamp(created_at), "in_reply_to_id": in_reply_to_id,
                      "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
                      "visibility": visibility, "language": "fr", "uri": f"https://social.example/s/{status_id}",
                      "url": f"https://social.example/s/{status_id}", "replies_count": 0, "reblogs_count": 0,
                      "favourites_count": 0, "content": content_html(text, mentions), "reblog": None,
                      "account": author, "media_attachments": [], "tags": [], "emojis": [],
                      "mentions": [{"id": "1", "username": self.own["username"], "acct": self.own["acct"],
                                    "url": self.own["url"]}]}
            self.statuses[status_id] = status
            self.notifications.append({"id": self.new_id(), "type": "mention", "created_at": status["created_at"],
                                       "account": author, "status": status})
            return status_id

    def delete_status(self, status_id: str) -> None:
        with self.lock:
            self.deleted.add(status_id)

    def fail(self, status: int, *, times: int | None = None, seconds: float | None = None, path: str = "/api/",
             method: str | None = None, skip: int = 0) -> None:
        with self.lock:
            self.failures.append(Failure(status, path, method, times,
                                         None if seconds is None else time.time() + seconds, skip))

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

    def posted_texts(self) -> list[str]:
        with self.lock:
            return [status["text"] for status in self.posted]
