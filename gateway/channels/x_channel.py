"""What the two X channels share: the client, the gateway, how far back a first poll reads, a page limit."""

from __future__ import annotations

from datetime import timedelta

from gateway.channels.x_client import XClient
from gateway.messages import Gateway


class XChannel:
    max_pages_default = 10

    def __init__(self, *, client: XClient, gateway: Gateway, first_window: timedelta = timedelta(days=1),
                 max_pages: int | None = None):
        self.client = client
        self.gateway = gateway
        self.first_window = first_window
        self.max_pages = max_pages if max_pages is not None else self.max_pages_default
