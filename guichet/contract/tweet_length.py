"""A tweet's length as X counts it: 280 weighted characters, a URL counts 23, emoji and CJK count 2."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    import twitter_text

TWEET_LIMIT = 280


def weighted_length(text: str) -> int:
    return int(twitter_text.parse_tweet(text).weightedLength)
