"""The application wired to a real IMAP server (Dovecot) and a capturing SMTP server, with the stand-in Rasa."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from guichet.db import session_scope
from guichet.models import Handoff, utcnow
from guichet.settings import Settings
from testing.hours import ALWAYS_OPEN
from testing.mail_servers import PASSWORD, SMTP_PASSWORD, SMTP_USER, USER, Captured, Imap
from testing.x_fake.harness import Harness

CITY_ADDRESS = "guichet@ville.test"


@dataclass
class MailWorld:
    imap: Imap
    smtp: Captured

    def receive(self, *, sender: str = "alice@example.fr", subject: str = "Question", body: str = "Bonjour",
                headers: dict[str, str] | None = None, message_id: str | None = None) -> str:
        """A plain mail from ``sender`` to the city; returns its Message-ID (without brackets)."""
        mail = EmailMessage()
        mail["From"] = f"Alice Martin <{sender}>"
        mail["To"] = CITY_ADDRESS
        mail["Subject"] = subject
        mail["Date"] = format_datetime(utcnow())
        mail["Message-ID"] = message_id or make_msgid(domain="example.fr")
        for name, value in (headers or {}).items():
            mail[name] = value
        mail.set_content(body)
        self.imap.deliver(bytes(mail))
        return str(mail["Message-ID"]).strip("<>")

    def receive_raw(self, raw: bytes) -> None:
        self.imap.deliver(raw)


@dataclass
class EmailHarness(Harness):
    fake: MailWorld  # type: ignore[assignment]

    def handoffs(self) -> list[int]:
        with session_scope(self.app.state.session_factory) as session:
            return list(session.scalars(select(Handoff.id).order_by(Handoff.id)))


def email_settings_for(tmp_path: Path, imap: Imap, smtp_port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "var_dir": tmp_path / "var", "service_token": "service-test-token", "opening_hours": ALWAYS_OPEN,
        "email_address": CITY_ADDRESS, "email_imap_host": imap.host, "email_imap_port": imap.port,
        "email_imap_security": "plain", "email_imap_user": USER, "email_imap_password": PASSWORD,
        "email_smtp_host": "127.0.0.1", "email_smtp_port": smtp_port, "email_smtp_security": "plain",
        "email_smtp_user": SMTP_USER, "email_smtp_password": SMTP_PASSWORD, "email_poll_seconds": 3600.0,
        "email_timeout_seconds": 10.0, "city_name": "Villeneuve", **overrides,
    }
    return Settings(_env_file=None, **values)
