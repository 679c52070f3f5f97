"""Where citizens write from: each channel is one module implementing ``gateway.channels.base.Channel``."""

from __future__ import annotations

from gateway.channels.base import Channel, Delivery, DeliveryError, RetryLater, Undeliverable

__all__ = ["Channel", "Delivery", "DeliveryError", "RetryLater", "Undeliverable"]
