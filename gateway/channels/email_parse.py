"""A raw e-mail read the way Guichet needs it: who wrote, the thread it belongs to, the new text, the attachments.

The plain-text part is preferred; an HTML-only mail is read as text. A part in a charset Python does not know
is read as UTF-8 if it is valid UTF-8, else as Windows-1252 (never refused), and the mail says so
(``charset_problem``): the raw mail is kept on disk, so nothing is lost if the guess was wrong.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import suppress
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import parseaddr, parsedate_to_datetime

from gateway.channels.email_auto import automatic_reason
from gateway.channels.email_text import strip_reply
from gateway.channels.html_text import html_to_text

MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
MAX_ID = 120  # messages.external_id


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str | None
    sender: str
    sender_name: str
    subject: str
    references: list[str]
    date: str | None
    full_text: str
    text: str
    html_only: bool
    automatic: str | None
    attachments: list[Attachment] = field(default_factory=list)
    charset_problem: str | None = None

    def external_id(self, fallback: str) -> str:
        """The Message-ID (hashed if too long for the column), or ``fallback`` when the mail has none."""
        if self.message_id is None:
            return fallback
        if len(self.message_id) <= MAX_ID:
            return self.message_id
        return "sha256:" + hashlib.sha256(self.message_id.encode()).hexdigest()


def decode(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """The text, and the charset that could not be used as declared (None when all went well)."""
    name = charset or "us-ascii"
    try:
        return data.decode(name), None
    except LookupError:
        pass
    except UnicodeDecodeError:
        return data.decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), name
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), name


def header(message: Message, name: str) -> str:
    try:
        return " ".join(str(message.get(name, "")).split())
    except (LookupError, ValueError):  # an encoded word in an unknown charset
        return " ".join(str(message.get_all(name, [""])[0]).split())


def message_ids(value: str) -> list[str]:
    return MESSAGE_ID.findall(value)


def is_attachment(part: Message) -> bool:
    return (part.get_content_disposition() == "attachment" or part.get_filename() is not None
            or part.get_content_maintype() not in ("text", "multipart"))


def parse_mail(raw: bytes) -> ParsedMail:
    message = message_from_bytes(raw, policy=policy.compat32)
    plain: str | None = None
    html: str | None = None
    problem: str | None = None
    attachments: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            data = b""
        if is_attachment(part):
            default = "message-joint.eml" if part.get_content_type() == "message/rfc822" else "piece-jointe"
            attachments.append(Attachment(name=header_filename(part) or f"{default}-{len(attachments) + 1}",
                                          content_type=part.get_content_type(), data=data))
            continue
        text, wrong = decode(data, part.get_content_charset())
        problem = problem or wrong
        if part.get_content_type() == "text/plain" and plain is None:
            plain = text
        elif part.get_content_type() == "text/html" and html is None:
            html = text
    full = plain if plain is not None else html_to_text(html or "")
    new = strip_reply(plain) if plain is not None else strip_reply(html_to_text(html or "", drop_quotes=True))
    name, address = parseaddr(header(message, "From"))
    own_ids = message_ids(header(message, "Message-ID"))
    references = message_ids(header(message, "References")) or message_ids(header(message, "In-Reply-To"))
    try:
        date = parsedate_to_datetime(header(message, "Date")).isoformat()
    except (TypeError, ValueError):
        date = None
    return ParsedMail(message_id=own_ids[0] if own_ids else None, sender=address.strip().lower(),
                      sender_name=name, subject=header(message, "Subject"), references=references[-20:],
                      date=date, full_text=full, text=new, html_only=plain is None and html is not None,
                      automatic=automatic_reason(message), attachments=attachments, charset_problem=problem)


def header_filename(part: Message) -> str | None:
    """The attachment's file name without any folder, decoded (RFC 2231 / encoded words)."""
    try:
        name = part.get_filename()
    except (LookupError, ValueError):
        return None
    if not name:
        return None
    with suppress(LookupError, ValueError, UnicodeDecodeError):  # left as written when it cannot be decoded
        name = str(make_header(decode_header(name)))
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip() or None
