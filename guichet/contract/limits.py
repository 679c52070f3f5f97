"""How long a message may be on each channel, counted the way that channel counts."""

from __future__ import annotations

from guichet.contract.tweet_length import TWEET_LIMIT, weighted_length

# Mastodon's is the instance's (``configuration.statuses.max_characters``, 500 by default): the channel writes
# what the instance says here with ``set_limit`` once it has read it. E-mail has no limit of its own; this one
# keeps replies readable.
LIMITS = {"webchat": 5000, "x_mention": TWEET_LIMIT, "x_dm": 10_000, "mastodon": 500, "email": 10_000}

# The longest query the knowledge base searches: the encoder reads 512 tokens, about 2,000 characters of French,
# so the action server, the search service and the lexical index all cut there (a longer query searches no more).
MAX_QUERY_CHARS = 2000


def set_limit(channel: str, limit: int) -> None:
    """A limit the platform announces (a Mastodon instance's); refused when it makes no sense."""
    if limit < 100:
        raise ValueError(f"limit of {channel}: {limit} characters is too small to answer in")
    LIMITS[channel] = limit


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
