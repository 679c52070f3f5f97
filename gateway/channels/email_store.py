"""Where an e-mail's raw bytes and attachments are kept for the agents: one folder per mail under ``mail/``.

The folder is named after the mail's id (hashed), so storing the same mail twice writes the same files. The raw
mail (``message.eml``) is kept whole: a wrong charset guess, a cut text or a 10 MB mail loses nothing. A folder
lives as long as a message's payload refers to it: once retention anonymises or erasure deletes the message,
``sweep`` removes the files too.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
from pathlib import Path
from typing import Any

from gateway.channels.email_parse import ParsedMail

UNSAFE = re.compile(r"[^\w.\- ]+")
RAW_NAME = "message.eml"


def folder_of(external_id: str) -> str:
    return hashlib.sha256(external_id.encode()).hexdigest()[:32]


def safe_name(name: str, index: int) -> str:
    cleaned = UNSAFE.sub("_", name).strip(" .")[:100] or "piece-jointe"
    return f"{index:02d}-{cleaned}"


def store_mail(root: Path, *, external_id: str, raw: bytes, mail: ParsedMail) -> tuple[str, list[dict[str, Any]]]:
    """Writes the raw mail and each attachment; returns the raw file's path and the attachments' descriptions
    (``name``, ``content_type``, ``size``, ``file``), paths relative to ``root``."""
    folder = root / folder_of(external_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RAW_NAME).write_bytes(raw)
    listed = []
    for index, attachment in enumerate(mail.attachments, start=1):
        file = folder / safe_name(attachment.name, index)
        file.write_bytes(attachment.data)
        listed.append({"name": attachment.name, "content_type": attachment.content_type,
                       "size": len(attachment.data), "file": str(file.relative_to(root))})
    return str((folder / RAW_NAME).relative_to(root)), listed


def resolve(root: Path, relative: str) -> Path:
    """A stored file's path, refused if it points outside ``root``."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ValueError(f"file: {relative!r} is outside {root}")
    return path


def folders_in(payloads: list[dict[str, Any] | None]) -> set[str]:
    """The mail folders the messages' payloads still refer to."""
    return {str((p.get("email") or {}).get("raw", "")).split("/")[0] for p in payloads if p and p.get("email")}


def sweep(root: Path, *, referenced: set[str], older_than_seconds: float = 3600.0) -> int:
    """Deletes the folders no message refers to any more (not the ones just written, whose message may be on its
    way to the database); returns how many."""
    if not root.is_dir():
        return 0
    removed = 0
    for folder in root.iterdir():
        old = time.time() - folder.stat().st_mtime > older_than_seconds
        if folder.is_dir() and folder.name not in referenced and old:
            shutil.rmtree(folder)
            removed += 1
    return removed
