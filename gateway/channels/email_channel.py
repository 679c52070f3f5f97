"""The city's mailbox: read by IMAP (imap-tools) with a stored UID cursor, answered by SMTP in the same thread.

One conversation per sender address. Each mail is stored once (its Message-ID is the message's external id),
its raw bytes and attachments kept on disk for the agents (``gateway/channels/email_store.py``); the bot reads only
the new text, without quotes and signature. Machine-written mail (auto-replies, bounces, lists) is stored and
never answered.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from anyio import to_thread
from imap_tools import AND, BaseMailBox, MailBox, MailboxLoginError, MailBoxStartTls, MailBoxUnencrypted, U
from imap_tools.errors import MailboxFolderStatusError, UnexpectedCommandStatusError
from sqlalchemy import select

from gateway.channels.base import Delivery
from gateway.channels.cursor import read_cursor, write_cursor
from gateway.channels.email_parse import ParsedMail, parse_mail
from gateway.channels.email_send import send_reply
from gateway.channels.email_store import folders_in, store_mail, sweep
from gateway.channels.inbound import Inbound, keep, route
from gateway.messages import Gateway
from guichet.contract.limits import LIMITS
from guichet.db import session_scope
from guichet.models import Message, utcnow
from guichet.settings import Settings

log = logging.getLogger("guichet.email")
CURSOR_KEY = "email:uid"
NO_TEXT = "(message sans texte)"
TEXT_KEPT = 10_000  # characters of a mail's new text stored on the message; the whole mail is on disk
BATCH = 50
SWEEP_EVERY = timedelta(hours=1)
IMAP_ERRORS = (OSError, MailboxLoginError, MailboxFolderStatusError, UnexpectedCommandStatusError)


class EmailChannel:
    """Channel ``email``."""

    name = "email"
    limit = LIMITS["email"]

    def __init__(self, *, settings: Settings, gateway: Gateway, first_window: timedelta = timedelta(days=1)):
        self.settings = settings
        self.gateway = gateway
        self.first_window = first_window
        self.root = settings.resolved_email_attachments_dir
        self.address = (settings.email_address or "").lower()
        self.swept_at: datetime | None = None

    def mailbox(self) -> BaseMailBox:
        s = self.settings
        timeout = s.email_timeout_seconds
        box: BaseMailBox
        if s.email_imap_security == "ssl":
            box = MailBox(s.email_imap_host or "", s.email_imap_port, timeout=timeout)
        elif s.email_imap_security == "starttls":
            box = MailBoxStartTls(s.email_imap_host or "", s.email_imap_port, timeout=timeout)
        else:
            box = MailBoxUnencrypted(s.email_imap_host or "", s.email_imap_port, timeout=timeout)
        password = s.email_imap_password.get_secret_value() if s.email_imap_password else ""
        return box.login(s.email_imap_user or "", password, initial_folder=s.email_imap_folder)

    async def poll(self, *, now: datetime | None = None) -> int:
        """New mail since the stored UID, oldest first; the cursor moves past each mail once it is stored."""
        moment = now or utcnow()
        try:
            fetched = await to_thread.run_sync(self._fetch, moment)
        except IMAP_ERRORS as error:
            log.warning("e-mail: reading the mailbox failed, cursor stays: %s: %s", type(error).__name__, error)
            return 0
        taken = 0
        for validity, uid, raw in fetched:
            taken += await self.take(raw, fallback_id=f"imap:{validity}:{uid}")
            await to_thread.run_sync(self._advance, validity, uid)
        if self.swept_at is None or moment - self.swept_at >= SWEEP_EVERY:
            await to_thread.run_sync(self.sweep)
            self.swept_at = moment
        return taken

    def sweep(self) -> int:
        """Removes the stored mails no message refers to any more (anonymised or erased)."""
        with session_scope(self.gateway.session_factory) as session:
            payloads = list(session.scalars(select(Message.payload).where(Message.channel == self.name,
                                                                          Message.payload.is_not(None))))
        removed = sweep(self.root, referenced=folders_in(payloads))
        if removed:
            log.info("e-mail: %d stored mail(s) removed: their messages were anonymised or erased", removed)
        return removed

    def _advance(self, validity: int, uid: int) -> None:
        write_cursor(self.gateway.session_factory, key=CURSOR_KEY, value={"validity": validity, "uid": uid})

    def _fetch(self, now: datetime) -> list[tuple[int, int, bytes]]:
        """Up to ``BATCH`` new mails as raw bytes, with the folder's UIDVALIDITY and their UID."""
        cursor = read_cursor(self.gateway.session_factory, key=CURSOR_KEY) or {}
        with self.mailbox() as box:
            validity = int(box.folder.status(self.settings.email_imap_folder, ["UIDVALIDITY"])["UIDVALIDITY"])
            if cursor.get("validity") == validity:
                last = int(cursor["uid"])
                uids = [int(u) for u in box.uids(AND(uid=U(str(last + 1), "*"))) if int(u) > last]
            else:  # first poll, or the folder was rebuilt: the last day only (duplicates are dropped anyway)
                if cursor:
                    log.warning("e-mail: UIDVALIDITY changed (%s -> %s); reading the last day again",
                                cursor.get("validity"), validity)
                uids = [int(u) for u in box.uids(AND(date_gte=(now - self.first_window).date()))]
            fetched = []
            for uid in sorted(uids)[:BATCH]:
                status, data = box.client.uid("FETCH", str(uid), "(BODY.PEEK[])")
                raw = next((item[1] for item in data if isinstance(item, tuple)), None)
                if status != "OK" or raw is None:
                    raise UnexpectedCommandStatusError((status, data), "OK")
                fetched.append((validity, uid, bytes(raw)))
        return fetched

    async def take(self, raw: bytes, *, fallback_id: str) -> bool:
        """One mail; False when it is ours or was already received."""
        mail = parse_mail(raw)
        if mail.sender == self.address:
            return False
        external_id = mail.external_id(fallback_id)
        raw_file, attachments = await to_thread.run_sync(
            lambda: store_mail(self.root, external_id=external_id, raw=raw, mail=mail))
        text = mail.text if len(mail.text) <= TEXT_KEPT else mail.text[:TEXT_KEPT] + " […]"
        inbound = Inbound(channel=self.name, citizen=mail.sender or fallback_id, handle=mail.sender or None,
                          external_id=external_id, text=text,
                          payload={"email": details(mail, raw_file=raw_file, attachments=attachments,
                                                    size=len(raw))})
        if mail.automatic is not None:
            log.info("e-mail %s is automatic (%s): stored, not answered", external_id, mail.automatic)
            return await keep(self.gateway, replace(inbound, text=text or f"(message automatique : {mail.subject})"))
        if not mail.sender:
            log.warning("e-mail %s has no sender address: stored, cannot be answered", external_id)
            return await keep(self.gateway, replace(inbound, text=text or NO_TEXT))
        if not text:
            return await keep(self.gateway, replace(inbound, text=NO_TEXT))
        return await route(self.gateway, inbound)

    def send(self, delivery: Delivery) -> str | None:
        return send_reply(self.settings, self.gateway.session_factory, delivery)


def details(mail: ParsedMail, *, raw_file: str, attachments: list[dict[str, Any]], size: int) -> dict[str, Any]:
    """What the message's payload keeps of a mail: the thread, the attachments, what was done to the text."""
    return {"message_id": mail.message_id, "subject": mail.subject[:300], "references": mail.references,
            "from_name": mail.sender_name[:120], "date": mail.date, "size": size, "raw": raw_file,
            "attachments": attachments, "html_only": mail.html_only, "charset_problem": mail.charset_problem,
            "automatic": mail.automatic, "quotes_removed": mail.text != mail.full_text.strip()}
