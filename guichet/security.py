"""Random tokens stored as hashes, and argon2 password hashes for the console.

Each argon2 hash takes 64 MiB and several cores' worth of time: at most ``password_hash_concurrency`` run
at once in the process; up to ``WAITING_PER_SLOT`` times as many wait, at most ``HASH_WAIT_SECONDS``,
and any more get ``HashingBusy`` at once, so logins never hold more than a few of the routes' threads.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
DEFAULT_HASH_CONCURRENCY = 2
WAITING_PER_SLOT = 4
HASH_WAIT_SECONDS = 10.0


class HashingBusy(RuntimeError):
    """Too many password hashes running and waiting."""


class HashSlots:
    def __init__(self, concurrency: int) -> None:
        if concurrency < 1:
            raise ValueError(f"password_hash_concurrency: {concurrency} must be at least 1")
        self.concurrency = concurrency
        self.free = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._waiting = 0

    @contextmanager
    def take(self) -> Iterator[None]:
        with self._lock:
            if self._waiting >= WAITING_PER_SLOT * self.concurrency:
                raise HashingBusy(f"{self._waiting} password hashes already waiting")
            self._waiting += 1
        try:
            acquired = self.free.acquire(timeout=HASH_WAIT_SECONDS)
        finally:
            with self._lock:
                self._waiting -= 1
        if not acquired:
            raise HashingBusy(f"no password hashing slot free after {HASH_WAIT_SECONDS} s")
        try:
            yield
        finally:
            self.free.release()


_slots = HashSlots(DEFAULT_HASH_CONCURRENCY)


def limit_hashing(*, concurrency: int) -> None:
    """How many password hashes may run at once in this process (GUICHET_PASSWORD_HASH_CONCURRENCY)."""
    global _slots
    _slots = HashSlots(concurrency)


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_match(token: str, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(hash_token(token), stored_hash)


def hash_password(password: str) -> str:
    with _slots.take():
        return _hasher.hash(password)


def password_matches(password: str, stored_hash: str | None) -> bool:
    if not stored_hash:
        return False
    with _slots.take():
        try:
            return _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def pseudonym(key: bytes, text: str) -> str:
    """A keyed hash of ``text``: the same text gives the same value, which cannot be reversed without the key."""
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:16]


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
