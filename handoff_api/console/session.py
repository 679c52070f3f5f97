"""The console's signed session cookie: who is logged in, until when, and the session's CSRF token.

The cookie holds ``base64url(json).base64url(hmac-sha256)``; nothing in it is secret, everything in it
is signed. A session without ``agent_id`` is anonymous: it only carries the CSRF token of the login form.
Logging out records the moment in ``KeyValue("console_logout:<agent id>")``: sessions issued before it
are refused, so a copied cookie dies with the logout.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from guichet.secret_files import stored_secret
from guichet.settings import Settings

COOKIE_NAME = "guichet_console"
LIFETIME_SECONDS = 12 * 3600
SECRET_FILE = "session-secret"


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class SessionData:
    csrf: str = field(default_factory=new_csrf_token)
    agent_id: int | None = None
    issued_at: float = field(default_factory=time.time)
    expires_at: float = field(default_factory=lambda: time.time() + LIFETIME_SECONDS)

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"guichet-console-session:" + secret.encode()).digest()

    def _mac(self, body: str) -> str:
        return _b64encode(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def encode(self, data: SessionData) -> str:
        body = _b64encode(json.dumps(asdict(data), separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def decode(self, cookie: str | None) -> SessionData | None:
        """The session in the cookie; ``None`` if absent, tampered with, malformed or expired."""
        if not cookie or "." not in cookie:
            return None
        body, _, mac = cookie.partition(".")
        if not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            return None
        try:
            raw = json.loads(_b64decode(body))
            data = SessionData(csrf=str(raw["csrf"]), agent_id=raw.get("agent_id"),
                               issued_at=float(raw["issued_at"]), expires_at=float(raw["expires_at"]))
        except (ValueError, KeyError, TypeError, binascii.Error):
            return None
        if data.agent_id is not None and not isinstance(data.agent_id, int):
            return None
        return None if data.expired else data


def session_secret(settings: Settings) -> str:
    """``GUICHET_SESSION_SECRET``, or a random secret kept in ``var/session-secret`` (created once, mode 0600)."""
    if settings.session_secret is not None and settings.session_secret.get_secret_value():
        return settings.session_secret.get_secret_value()
    return stored_secret(Path(settings.var_dir) / SECRET_FILE)


def secure_cookies(setting: bool | None, *, scheme: str, forwarded_proto: str | None) -> bool:
    """``GUICHET_COOKIE_SECURE`` when set; else Secure when the browser reached us by https, directly or
    through a TLS-terminating proxy (``X-Forwarded-Proto``: trusting it can only add ``Secure``)."""
    if setting is not None:
        return setting
    proto = (forwarded_proto or "").split(",")[0].strip().lower()
    return scheme == "https" or proto == "https"


def cookie_header(codec: SessionCodec, data: SessionData, *, secure: bool) -> str:
    value = codec.encode(data)
    max_age = max(0, int(data.expires_at - time.time()))
    parts = [f"{COOKIE_NAME}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def clear_cookie_header(*, secure: bool) -> str:
    parts = [f"{COOKIE_NAME}=", "Path=/", "Max-Age=0", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
