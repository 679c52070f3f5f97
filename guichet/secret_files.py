"""Secrets generated once and kept in var/: created readable by the owner only, in one atomic step."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

MIN_LENGTH = 32


def stored_secret(path: Path) -> str:
    """The secret in ``path``; if there is none yet, a new random one, written 0600 before it is visible.

    The file is written under a temporary name (``mkstemp`` creates it 0600) and linked into place, which
    fails if another process got there first: then that process's secret is read, so every process agrees.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(32) + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    secret = path.read_text().strip()
    if len(secret) < MIN_LENGTH:
        raise ValueError(f"secret file {path}: too short ({len(secret)} characters, at least {MIN_LENGTH}); "
                         "delete it to have a new one made")
    return secret
