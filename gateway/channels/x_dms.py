"""Direct messages to the city's X account: polled, deduplicated by event id, answered privately."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

import requests
import tweepy
from anyio import to_thread
from sqlalchemy import select

from gateway.channels.base import Delivery, Undeliverable
from gateway.channels.cursor import read_cursor, write_cursor
from gateway.channels.inbound import Inbound, keep, route
from gateway.channels.threads import split_text
from gateway.channels.x_channel import XChannel
from gateway.channels.x_client import delivery_error
from gateway.channels.x_events import DirectMessage, dm_from_v2, handles
from guichet.contract.limits import LIMITS
from guichet.db import session_scope
from guichet.models import Message, utcnow

log = logging.getLogger("guichet.x.dms")
START_KEY = "x:dm_start"
DM_FIELDS = ["id", "event_type", "text", "sender_id", "dm_conversation_id", "created_at"]
NO_TEXT = "(message sans texte)"


class XDirectMessages(XChannel):
    """Channel ``x_dm``: one conversation per citizen (``external_ref`` = their user id)."""

    name = "x_dm"
    limit = LIMITS["x_dm"]

    max_pages_default = 10

    async def poll(self, *, now: datetime | None = None) -> int:
        """X has no ``since_id`` for DMs: read pages until one holds a message already stored."""
        moment = now or utcnow()
        until = self.client.exhausted_until(path="/2/dm_events", now=moment)
        if until is not None:
            log.info("X DMs: quota used up until %s", until)
            return 0
        start = await to_thread.run_sync(self._start, moment)
        try:
            own = await to_thread.run_sync(self.client.own_id)
            messages = await to_thread.run_sync(self._fetch, start)
        except (tweepy.TweepyException, requests.RequestException) as error:
            log.warning("X DMs: polling failed: %s", error)
            return 0
        taken = 0
        for message in sorted(messages, key=lambda m: int(m.id)):
            taken += await self.take(message, own_id=own)
        return taken

    def _start(self, now: datetime) -> datetime:
        """Messages older than the first poll (less a day) are history, not questions to answer now."""
        stored = read_cursor(self.gateway.session_factory, key=START_KEY)
        if stored is None:
            stored = (now - self.first_window).isoformat()
            write_cursor(self.gateway.session_factory, key=START_KEY, value=stored)
        return datetime.fromisoformat(stored)

    def _fetch(self, start: datetime) -> list[DirectMessage]:
        found: list[DirectMessage] = []
        token: str | None = None
        for _ in range(self.max_pages):
            response = self.client.tweepy.get_direct_message_events(
                event_types="MessageCreate", dm_event_fields=DM_FIELDS, expansions="sender_id", max_results=100,
                pagination_token=token, user_auth=self.client.user_auth)
            users = handles(response.includes)
            page = [dm_from_v2(event, users) for event in response.data or []]
            recent = [m for m in page if m.created_at is None or datetime.fromisoformat(m.created_at) >= start]
            found.extend(recent)
            token = response.meta.get("next_token")
            if not token or len(recent) < len(page) or self._any_stored([m.id for m in page]):
                break
        return found

    def _any_stored(self, ids: list[str]) -> bool:
        with session_scope(self.gateway.session_factory) as session:
            return session.scalar(select(Message.id).where(Message.channel == self.name,
                                                           Message.external_id.in_(ids)).limit(1)) is not None

    async def take(self, message: DirectMessage, *, own_id: str) -> bool:
        """One DM, from the poller or the webhook; False when it is ours or was already received."""
        if message.sender_id == own_id:
            return False
        inbound = Inbound(channel=self.name, citizen=message.sender_id, handle=message.sender_handle,
                          external_id=message.id, text=message.text.strip(),
                          payload={"x": {"dm_conversation_id": message.dm_conversation_id,
                                         "created_at": message.created_at}})
        if not inbound.text:
            return await keep(self.gateway, replace(inbound, text=NO_TEXT))
        return await route(self.gateway, inbound)

    def send(self, delivery: Delivery) -> str | None:
        """A DM to the citizen; past 10,000 characters, several DMs cut at sentence boundaries.

        X does not refuse a DM sent twice (as it does a tweet), so a retry first looks for the part in the
        conversation: an earlier attempt may have been taken by X and its answer lost.
        """
        if not delivery.recipient:
            raise Undeliverable("recipient: missing; the conversation has no X user id to write to")
        parts = split_text(text=delivery.text, limit=self.limit, measure=len, numbered=False)
        for part in parts[len(delivery.progress):]:
            try:
                event_id = self._sent_before(delivery, part) if delivery.attempt > 1 else None
                if event_id is None:
                    response = self.client.tweepy.create_direct_message(participant_id=delivery.recipient,
                                                                        text=part, user_auth=self.client.user_auth)
                    event_id = str(response.data["dm_event_id"])
            except (tweepy.TweepyException, requests.RequestException) as error:
                raise delivery_error(error) from error
            delivery.progress.append(event_id)
        return delivery.progress[0] if delivery.progress else None

    def _sent_before(self, delivery: Delivery, text: str) -> str | None:
        """The id of a DM with this text the account sent the citizen since the reply was queued (to the second)."""
        response = self.client.tweepy.get_direct_message_events(
            participant_id=delivery.recipient, dm_event_fields=DM_FIELDS, max_results=100,
            user_auth=self.client.user_auth)
        own = self.client.own_id()
        since = delivery.queued_at.replace(microsecond=0) if delivery.queued_at else None
        for event in response.data or []:
            created = event.data.get("created_at")
            recent = since is None or (created is not None and datetime.fromisoformat(created) >= since)
            if recent and str(event.sender_id) == own and event.text == text:
                log.info("X: outbox item %s was already sent as DM %s: not sent again", delivery.item_id, event.id)
                return str(event.id)
        return None
