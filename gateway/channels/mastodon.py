"""Mentions of the city's Mastodon account, public or direct: polled with a stored cursor, answered in the thread.

One conversation per citizen account (``external_ref`` = their account id, ``citizen_handle`` = ``@acct``).
Each reply goes under the status it answers with that status's visibility: a direct mention gets a direct
answer. Statuses are read from ``GET /api/v1/notifications?types[]=mention``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from anyio import to_thread
from mastodon import MastodonError, MastodonNotFoundError

from gateway.channels.base import Delivery, Undeliverable
from gateway.channels.cursor import read_cursor, write_cursor
from gateway.channels.html_text import html_to_text
from gateway.channels.inbound import Inbound, keep, route
from gateway.channels.mastodon_client import CHANNEL, MastodonClient, delivery_error, toot_length
from gateway.channels.privacy import MASTODON_DM_INVITATION, personal_data
from gateway.channels.stored import inbound_details
from gateway.channels.threads import split_text
from gateway.messages import Gateway
from guichet.contract.limits import LIMITS
from guichet.models import utcnow

log = logging.getLogger("guichet.mastodon")
CURSOR_KEY = "mastodon:since_id"
PAGE = 40
LEADING_MENTIONS = re.compile(r"^(?:\s*@[\w.-]+(?:@[\w-]+(?:\.[\w-]+)+)?[\s,:]*)+")
PUBLIC = {"public", "unlisted", "private"}  # "private" is followers-only: still seen by many


@dataclass(frozen=True)
class Toot:
    id: str
    text: str
    account_id: str
    acct: str
    visibility: str
    created_at: datetime | None
    in_reply_to_id: str | None = None

    @property
    def body(self) -> str:
        """Without the @names in front: what the bot should read."""
        return LEADING_MENTIONS.sub("", self.text).strip()


def toot_of(notification: Any) -> Toot | None:
    status = notification.get("status")
    if notification.get("type") != "mention" or not status:
        return None
    account = status["account"]
    created = status.get("created_at")
    return Toot(id=str(status["id"]), text=html_to_text(str(status.get("content") or "")),
                account_id=str(account["id"]), acct=str(account["acct"]),
                visibility=str(status.get("visibility") or "public"),
                created_at=created if isinstance(created, datetime) else None,
                in_reply_to_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None)


class MastodonChannel:
    """Channel ``mastodon``."""

    name = CHANNEL

    def __init__(self, *, client: MastodonClient, gateway: Gateway, first_window: timedelta = timedelta(days=1),
                 max_pages: int = 10):
        self.client = client
        self.gateway = gateway
        self.first_window = first_window
        self.max_pages = max_pages
        self.limit = LIMITS[CHANNEL]

    async def poll(self, *, now: datetime | None = None) -> int:
        """Every mention since the stored cursor, oldest first; the cursor moves once all are stored."""
        moment = now or utcnow()
        until = self.client.exhausted_until(now=moment)
        if until is not None:
            log.info("Mastodon: quota used up until %s", until)
            return 0
        since = await to_thread.run_sync(lambda: read_cursor(self.gateway.session_factory, key=CURSOR_KEY))
        try:
            own, _ = await to_thread.run_sync(self.client.own)
            self.limit = await to_thread.run_sync(self.client.limit)
            newest, toots = await to_thread.run_sync(self._fetch, since, moment)
        except MastodonError as error:
            log.warning("Mastodon: polling failed, cursor stays %s: %s", since, " ".join(str(error).split())[:300])
            return 0
        taken = 0
        for toot in sorted(toots, key=lambda t: int(t.id)):
            taken += await self.take(toot, own_id=own)
        if newest is not None:
            await to_thread.run_sync(lambda: write_cursor(self.gateway.session_factory, key=CURSOR_KEY,
                                                          value=newest))
        return taken

    def _fetch(self, since: str | None, now: datetime) -> tuple[str | None, list[Toot]]:
        """Newest first, page after page (``max_id``); on a first poll only the last ``first_window``."""
        start = None if since else now - self.first_window
        newest: str | None = None
        toots: list[Toot] = []
        max_id: str | None = None
        for _ in range(self.max_pages):
            page = self.client.api.notifications(types=["mention"], since_id=since, max_id=max_id, limit=PAGE)
            if not page:
                break
            newest = newest or str(page[0]["id"])
            found = [t for n in page if (t := toot_of(n)) is not None]
            recent = [t for t in found if start is None or t.created_at is None or t.created_at >= start]
            toots.extend(recent)
            max_id = str(page[-1]["id"])
            if len(page) < PAGE or len(recent) < len(found):
                break
        else:
            log.warning("Mastodon: stopped after %d pages; older mentions of this batch are skipped", self.max_pages)
        return newest, toots

    async def take(self, toot: Toot, *, own_id: str) -> bool:
        """One mention; False when it is the account's own or was already received."""
        if toot.account_id == own_id:
            return False
        details = {"status_id": toot.id, "visibility": toot.visibility, "in_reply_to_id": toot.in_reply_to_id,
                   "created_at": toot.created_at.isoformat() if toot.created_at else None}
        inbound = Inbound(channel=self.name, citizen=toot.account_id, handle=f"@{toot.acct}", external_id=toot.id,
                          text=toot.body or toot.text, payload={"mastodon": details})
        kinds = personal_data(toot.text) if toot.visibility in PUBLIC else []
        if kinds:
            log.info("Mastodon status %s holds personal data (%s): inviting to a direct mention", toot.id,
                     ", ".join(kinds))
            private = replace(inbound, payload={"mastodon": details, "personal_data": kinds})
            return await keep(self.gateway, private, reply=MASTODON_DM_INVITATION)
        if not toot.body:
            return await keep(self.gateway, inbound)
        return await route(self.gateway, inbound)

    def send(self, delivery: Delivery) -> str | None:
        """A reply under the citizen's status with its visibility; too long for the instance, a numbered thread.

        Each part carries an ``Idempotency-Key`` (the outbox row and part): Mastodon answers a retry of a post
        it already made with that post instead of making another. If the citizen deleted the status, the
        answer goes to them as a direct mention instead, so it is not lost and nothing is said in public.
        """
        if delivery.reply_to is None:
            raise Undeliverable("reply_to: missing; an answer on Mastodon replies to the citizen's status")
        if not delivery.handle:
            raise Undeliverable("citizen_handle: missing; an answer on Mastodon must mention the citizen")
        context = inbound_details(self.gateway.session_factory, channel=self.name, external_id=delivery.reply_to,
                                  key="mastodon")
        visibility = str(context.get("visibility") or "direct")
        try:
            self.limit = self.client.limit()
        except MastodonError as error:
            raise delivery_error(error, client=self.client) from error
        prefix = f"{delivery.handle} "
        parts = split_text(text=delivery.text, limit=self.limit - toot_length(prefix), measure=toot_length,
                           numbered=True)
        for index in range(len(delivery.progress), len(parts)):
            previous = next((p for p in reversed(delivery.progress) if p), delivery.reply_to)
            key = f"guichet-{delivery.item_id}-{index}"
            try:
                try:
                    status = self.client.api.status_post(prefix + parts[index], in_reply_to_id=previous,
                                                         visibility=visibility, idempotency_key=key)
                except MastodonNotFoundError:
                    log.info("Mastodon: status %s is gone; outbox item %s goes as a direct mention", previous,
                             delivery.item_id)
                    visibility = "direct"
                    status = self.client.api.status_post(prefix + parts[index], visibility=visibility,
                                                         idempotency_key=f"{key}-direct")
            except MastodonError as error:
                raise delivery_error(error, client=self.client) from error
            delivery.progress.append(str(status["id"]))
        return delivery.progress[0] if delivery.progress else None
