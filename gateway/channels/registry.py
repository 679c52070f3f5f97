"""The channels this deployment runs, by name: web chat always, X, Mastodon and e-mail when configured."""

from __future__ import annotations

from gateway.channels.base import Channel
from gateway.channels.webchat import WebChat
from gateway.messages import Gateway
from guichet.settings import Settings


def build_channels(*, settings: Settings, gateway: Gateway) -> dict[str, Channel]:
    channels: dict[str, Channel] = {"webchat": WebChat()}
    if settings.x_enabled:
        from gateway.channels.x_client import XClient
        from gateway.channels.x_dms import XDirectMessages
        from gateway.channels.x_mentions import XMentions

        client = XClient(settings=settings)
        channels["x_mention"] = XMentions(client=client, gateway=gateway)
        channels["x_dm"] = XDirectMessages(client=client, gateway=gateway)
    if settings.mastodon_enabled:
        from gateway.channels.mastodon import MastodonChannel
        from gateway.channels.mastodon_client import MastodonClient

        channels["mastodon"] = MastodonChannel(client=MastodonClient(settings=settings), gateway=gateway)
    if settings.email_enabled:
        from gateway.channels.email_channel import EmailChannel

        channels["email"] = EmailChannel(settings=settings, gateway=gateway)
    return channels
