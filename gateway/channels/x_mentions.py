"""Public mentions of the city's X account: polled with ``since_id``, answered in the citizen's thread."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

import requests
import tweepy
from anyio import to_thread

from gateway.channels.base import Delivery, Undeliverable
from gateway.channels.cursor import read_cursor, write_cursor
from gateway.channels.inbound import Inbound, keep, route
from gateway.channels.privacy import DM_INVITATION, personal_data
from gateway.channels.threads import split_text
from gateway.channels.x_channel import XChannel
from gateway.channels.x_client import delivery_error, is_duplicate
from gateway.channels.x_events import Mention, handles, mention_from_v2
from gateway.notices import weighted_length
from guichet.contract.limits import LIMITS
from guichet.models import utcnow

log = logging.getLogger("guichet.x.mentions")
SINCE_KEY = "x:since_id"
TWEET_FIELDS = ["created_at", "conversation_id", "referenced_tweets"]


class XMentions(XChannel):
    """Channel ``x_mention``: one conversation per citizen (``external_ref`` = their user id)."""

    name = "x_mention"
    limit = LIMITS["x_mention"]

    max_pages_default = 20

    async def poll(self, *, now: datetime | None = None) -> int:
        """Every mention since the stored ``since_id``; the cursor moves only once all of them are handled."""
        moment = now or utcnow()
        since = await to_thread.run_sync(lambda: read_cursor(self.gateway.session_factory, key=SINCE_KEY))
        try:
            own = await to_thread.run_sync(self.client.own_id)
            until = self.client.exhausted_until(path=f"/2/users/{own}/mentions", now=moment)
            if until is not None:
                log.info("X mentions: quota used up until %s", until)
                return 0
            newest, mentions = await to_thread.run_sync(self._fetch, since, moment)
        except tweepy.BadRequest as error:
            if since is not None:  # e.g. a since_id X no longer accepts: read the last day again, dedup does the rest
                log.warning("X mentions: since_id %s refused (%s); starting again from the last day", since, error)
                await to_thread.run_sync(lambda: write_cursor(self.gateway.session_factory, key=SINCE_KEY, value=None))
            else:
                log.warning("X mentions: polling refused: %s", error)
            return 0
        except (tweepy.TweepyException, requests.RequestException) as error:
            log.warning("X mentions: polling failed, since_id stays %s: %s", since, error)
            return 0
        taken = 0
        for mention in sorted(mentions, key=lambda m: int(m.id)):
            taken += await self.take(mention, own_id=own)
        if newest is not None:
            await to_thread.run_sync(lambda: write_cursor(self.gateway.session_factory, key=SINCE_KEY, value=newest))
        return taken

    def _fetch(self, since: str | None, now: datetime) -> tuple[str | None, list[Mention]]:
        own = self.client.own_id()
        window = {"since_id": since} if since else {"start_time": now - self.first_window}
        newest: str | None = None
        mentions: list[Mention] = []
        token: str | None = None
        for page in range(self.max_pages):
            response = self.client.tweepy.get_users_mentions(
                own, expansions="author_id", tweet_fields=TWEET_FIELDS, max_results=100, pagination_token=token,
                user_auth=self.client.user_auth, **window)
            if page == 0:
                newest = response.meta.get("newest_id")
            users = handles(response.includes)
            mentions.extend(mention_from_v2(tweet, users) for tweet in response.data or [])
            token = response.meta.get("next_token")
            if not token:
                break
        else:
            log.warning("X mentions: stopped after %d pages; older mentions of this batch are skipped", self.max_pages)
        return newest, mentions

    async def take(self, mention: Mention, *, own_id: str) -> bool:
        """One mention, from the poller or the webhook; False when skipped or already received."""
        if mention.author_id == own_id or mention.retweet:
            return False
        details = {"tweet_id": mention.id, "conversation_id": mention.conversation_id,
                   "created_at": mention.created_at}
        inbound = Inbound(channel=self.name, citizen=mention.author_id, handle=mention.author_handle,
                          external_id=mention.id, text=mention.body or mention.text, payload={"x": details})
        kinds = personal_data(mention.text)
        if kinds:
            log.info("X mention %s holds personal data (%s): inviting to DM", mention.id, ", ".join(kinds))
            private = replace(inbound, payload={"x": details, "personal_data": kinds})
            return await keep(self.gateway, private, reply=DM_INVITATION, options={"dm_link": True})
        if not mention.body:
            return await keep(self.gateway, inbound)
        return await route(self.gateway, inbound)

    def send(self, delivery: Delivery) -> str | None:
        """A reply under the citizen's tweet; over 280 weighted characters, a numbered thread.

        Every part starts with the citizen's @name: X refuses a text the account already posted, and the
        same answer goes to many citizens; with the name, a duplicate means this citizen already has it.
        """
        if delivery.reply_to is None:
            raise Undeliverable("reply_to: missing; a public answer must reply to the citizen's tweet")
        prefix = f"{delivery.handle} " if delivery.handle else ""
        parts = split_text(text=delivery.text, limit=self.limit - weighted_length(prefix), measure=weighted_length,
                           numbered=True)
        for index in range(len(delivery.progress), len(parts)):
            previous = next((p for p in reversed(delivery.progress) if p), delivery.reply_to)
            link = None
            if index == 0 and delivery.options.get("dm_link"):
                link = f"https://twitter.com/messages/compose?recipient_id={self.client.own_id()}"
            try:
                response = self.client.tweepy.create_tweet(text=prefix + parts[index], in_reply_to_tweet_id=previous,
                                                           direct_message_deep_link=link,
                                                           user_auth=self.client.user_auth)
                delivery.progress.append(str(response.data["id"]))
            except tweepy.Forbidden as error:
                if not is_duplicate(error):
                    raise delivery_error(error) from error
                log.info("X: part %d of outbox item %s is a duplicate: counted as sent", index + 1, delivery.item_id)
                delivery.progress.append("")
            except (tweepy.TweepyException, requests.RequestException) as error:
                raise delivery_error(error) from error
        return next((p for p in delivery.progress if p), None)
