"""The channels this deployment runs, by name: web chat always, X, Mastodon and e-mail when configured."""

from __future__ import annotations

from bot.channels.base import Channel
from bot.channels.webchat import WebChat
from bot.gateway import Gateway
from handoff_api.settings import Settings


def build_channels(*, settings: Settings, gateway: Gateway) -> dict[str, Channel]:
    channels: dict[str, Channel] = {"webchat": WebChat()}
    if settings.x_enabled:
        from bot.channels.x_client import XClient
        from bot.channels.x_dms import XDirectMessages
        from bot.channels.x_mentions import XMentions

        client = XClient(settings=settings)
        channels["x_mention"] = XMentions(client=client, gateway=gateway)
        channels["x_dm"] = XDirectMessages(client=client, gateway=gateway)
    if settings.mastodon_enabled:
        from bot.channels.mastodon import MastodonChannel
        from bot.channels.mastodon_client import MastodonClient

        channels["mastodon"] = MastodonChannel(client=MastodonClient(settings=settings), gateway=gateway)
    if settings.email_enabled:
        from bot.channels.email_channel import EmailChannel

        channels["email"] = EmailChannel(settings=settings, gateway=gateway)
    return channels
