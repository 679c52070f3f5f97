"""Random tokens stored as hashes, and argon2 password hashes for the console.

Each argon2 hash takes 64 MiB and several cores' worth of time: at most ``password_hash_concurrency`` run
at once in the process, the others wait up to ``HASH_WAIT_SECONDS`` then get ``HashingBusy``.
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
HASH_WAIT_SECONDS = 10.0
_hash_slots = threading.BoundedSemaphore(DEFAULT_HASH_CONCURRENCY)


class HashingBusy(RuntimeError):
    """Every hashing slot stayed taken for ``HASH_WAIT_SECONDS``."""


def limit_hashing(*, concurrency: int) -> None:
    """How many password hashes may run at once in this process (GUICHET_PASSWORD_HASH_CONCURRENCY)."""
    global _hash_slots
    if concurrency < 1:
        raise ValueError(f"password_hash_concurrency: {concurrency} must be at least 1")
    _hash_slots = threading.BoundedSemaphore(concurrency)


@contextmanager
def _hash_slot() -> Iterator[None]:
    slots = _hash_slots
    if not slots.acquire(timeout=HASH_WAIT_SECONDS):
        raise HashingBusy(f"no password hashing slot free after {HASH_WAIT_SECONDS} s")
    try:
        yield
    finally:
        slots.release()


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_match(token: str, stored_hash: str | None) -> bool:
    return stored_hash is not None and hmac.compare_digest(hash_token(token), stored_hash)


def hash_password(password: str) -> str:
    with _hash_slot():
        return _hasher.hash(password)


def password_matches(password: str, stored_hash: str | None) -> bool:
    if not stored_hash:
        return False
    with _hash_slot():
        try:
            return _hasher.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
