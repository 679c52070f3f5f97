"""A reply by SMTP, in the citizen's thread: ``Re:`` subject, ``In-Reply-To`` and ``References``, plain text.

The ``Message-ID`` is made from the outbox row, so a retry after a lost answer (a crash between the server's
OK and our note) carries the same id: SMTP cannot tell us it already has the mail, but the citizen's mail
program shows one message per id. The bot's replies say ``Auto-Submitted: auto-replied`` (RFC 3834), so the
citizen's own auto-responder does not answer them.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from gateway.channels.base import Delivery, DeliveryError, RetryLater, Undeliverable
from gateway.channels.stored import inbound_details, reply_author
from guichet.models import utcnow
from guichet.settings import Settings

CHANNEL = "email"


def reply_message(settings: Settings, delivery: Delivery, *, context: dict[str, Any], automatic: bool) -> EmailMessage:
    address = settings.email_address or ""
    domain = address.partition("@")[2] or "guichet.invalid"
    message = EmailMessage()
    message["From"] = formataddr((settings.email_display_name or f"Mairie – {settings.city_name}", address))
    message["To"] = delivery.recipient or ""
    subject = str(context.get("subject") or "").strip() or "Votre message à la mairie"
    message["Subject"] = subject if subject.lower().startswith(("re:", "re :")) else f"Re: {subject}"
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = f"<guichet.{delivery.item_id}.{delivery.conversation_id}@{domain}>"
    parent = context.get("message_id")
    if parent:
        references = [str(r) for r in context.get("references") or [] if isinstance(r, str)]
        message["In-Reply-To"] = f"<{parent}>"
        message["References"] = " ".join(f"<{r}>" for r in [*references[-10:], str(parent)])
    if automatic:
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(f"{delivery.text.strip()}\n\n-- \nMairie – {settings.city_name}\n", charset="utf-8")
    return message


def send_reply(settings: Settings, factory: sessionmaker[Session], delivery: Delivery) -> str:
    """Sends one reply; its Message-ID is the outbox row's external id."""
    if not delivery.recipient or "@" not in delivery.recipient:
        raise Undeliverable(f"recipient: {delivery.recipient!r} is not an e-mail address")
    context = inbound_details(factory, channel=CHANNEL, external_id=delivery.reply_to, key="email") \
        if delivery.reply_to else {}
    automatic = reply_author(factory, item_id=delivery.item_id) != "agent"
    message = reply_message(settings, delivery, context=context, automatic=automatic)
    try:
        with connect(settings) as smtp:
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise smtp_error(error) from error
    return str(message["Message-ID"]).strip("<>")


def connect(settings: Settings) -> smtplib.SMTP:
    host, port, timeout = settings.email_smtp_host or "", settings.email_smtp_port, settings.email_timeout_seconds
    smtp: smtplib.SMTP
    if settings.email_smtp_security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if settings.email_smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.email_smtp_user and settings.email_smtp_password:
        smtp.login(settings.email_smtp_user, settings.email_smtp_password.get_secret_value())
    return smtp


def smtp_error(error: Exception) -> DeliveryError:
    """5xx refusals are for good; 4xx, lost connections and timeouts pass."""
    summary = " ".join(str(error).split())[:300]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        if all(code >= 500 for code in codes):
            return Undeliverable(f"the mail server refused the address: {summary}")
        return RetryLater(f"the mail server deferred the address: {summary}")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return RetryLater(f"the mail server refused the login (check GUICHET_EMAIL_SMTP_*): {summary}")
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        return Undeliverable(f"the mail server refused the message: {summary}")
    return RetryLater(f"the mail server is unreachable or busy: {type(error).__name__}: {summary}")
