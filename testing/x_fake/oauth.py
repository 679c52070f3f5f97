"""Checking an OAuth 1.0a HMAC-SHA1 signature the way X does, over the ``https://api.twitter.com`` URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from urllib.parse import quote, unquote

SIGNED_HOST = "https://api.twitter.com"
HEADER_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class Credentials:
    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str


def encode(value: str) -> str:
    return quote(value, safe="~")


def expected_signature(*, method: str, path: str, params: list[tuple[str, str]], consumer_secret: str,
                       token_secret: str) -> str:
    pairs = sorted((encode(key), encode(value)) for key, value in params)
    normalized = "&".join(f"{key}={value}" for key, value in pairs)
    base = "&".join([method.upper(), encode(SIGNED_HOST + path), encode(normalized)])
    key = f"{encode(consumer_secret)}&{encode(token_secret)}"
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()


def check(*, authorization: str, method: str, path: str, query: list[tuple[str, str]],
          credentials: Credentials) -> str | None:
    """``None`` when the request is signed by these credentials, else what is wrong with it."""
    if not authorization.startswith("OAuth "):
        return "not an OAuth 1.0a Authorization header"
    oauth = {key: unquote(value) for key, value in HEADER_PARAM.findall(authorization)}
    signature = oauth.pop("oauth_signature", None)
    oauth.pop("realm", None)
    if signature is None:
        return "oauth_signature missing"
    if oauth.get("oauth_consumer_key") != credentials.consumer_key:
        return f"oauth_consumer_key {oauth.get('oauth_consumer_key')!r} unknown"
    if oauth.get("oauth_token") != credentials.access_token:
        return f"oauth_token {oauth.get('oauth_token')!r} unknown"
    if oauth.get("oauth_signature_method") != "HMAC-SHA1":
        return f"oauth_signature_method {oauth.get('oauth_signature_method')!r} unsupported"
    if not oauth.get("oauth_nonce"):
        return "oauth_nonce missing"
    if abs(time.time() - int(oauth.get("oauth_timestamp", "0"))) > 300:
        return f"oauth_timestamp {oauth.get('oauth_timestamp')!r} out of range"
    expected = expected_signature(method=method, path=path, params=[*oauth.items(), *query],
                                  consumer_secret=credentials.consumer_secret,
                                  token_secret=credentials.access_token_secret)
    if not hmac.compare_digest(signature, expected):
        return "signature does not match"
    return None
