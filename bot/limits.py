"""How long a message may be on each channel, counted the way that channel counts."""

from __future__ import annotations

from bot.notices import weighted_length

LIMITS = {"webchat": 5000, "x_mention": 280, "x_dm": 10_000}


class TooLong(ValueError):
    def __init__(self, channel: str, length: int, limit: int):
        unit = "weighted characters" if channel == "x_mention" else "characters"
        super().__init__(f"text: {length} {unit}, the limit on {channel} is {limit}")
        self.length = length
        self.limit = limit


def measure(channel: str, text: str) -> int:
    return weighted_length(text) if channel == "x_mention" else len(text)


def check_length(channel: str, text: str) -> None:
    limit = LIMITS.get(channel, 5000)
    length = measure(channel, text)
    if length > limit:
        raise TooLong(channel, length, limit)
