"""Citizens on Mastodon and by e-mail for the end-to-end tests, and what became of their messages."""

from __future__ import annotations

from collections import Counter
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from guichet.models import utcnow
from testing.mail_servers import PASSWORD, SMTP_PASSWORD, SMTP_USER, USER, Captured, Imap
from testing.mastodon_fake import FakeMastodon
from testing.mastodon_fake.harness import TOKEN
from testing.outcomes import Ledger
from tests.e2e.traffic import QUESTIONS

CITY_ADDRESS = "guichet@ville.test"


def mastodon_values(url: str) -> dict[str, Any]:
    return {"mastodon_api_url": url, "mastodon_access_token": TOKEN, "mastodon_timeout_seconds": 5.0}


def email_values(imap: Imap, smtp_port: int) -> dict[str, Any]:
    return {"email_address": CITY_ADDRESS, "email_imap_host": imap.host, "email_imap_port": imap.port,
            "email_imap_security": "plain", "email_imap_user": USER, "email_imap_password": PASSWORD,
            "email_smtp_host": "127.0.0.1", "email_smtp_port": smtp_port, "email_smtp_security": "plain",
            "email_smtp_user": SMTP_USER, "email_smtp_password": SMTP_PASSWORD}


def add_toots(fake: FakeMastodon, count: int) -> None:
    for n in range(count):
        fake.add_mention(acct=f"voisin{n}@piaille.fr", text=f"@guichet_ville {QUESTIONS[n % len(QUESTIONS)]}",
                         visibility="direct" if n % 3 == 0 else "public")


def a_mail(n: int, text: str, *, headers: dict[str, str] | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"habitant{n}@example.fr", CITY_ADDRESS, f"Question {n}"
    mail["Message-ID"], mail["Date"] = f"<e2e-{n}@example.fr>", format_datetime(utcnow())
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(f"{text}\n\nCordialement,\n-- \nHabitant {n}\n")
    return bytes(mail)


def send_mails(imap: Imap, count: int, *, first: int = 0) -> None:
    for n in range(first, first + count):
        imap.deliver(a_mail(n, QUESTIONS[n % len(QUESTIONS)]))


def mastodon_problems(ledger: Ledger, fake: FakeMastodon) -> list[str]:
    """Every mention stored once; under each, as many posts as the bot wrote replies."""
    with fake.lock:
        mentions = [n["status"]["id"] for n in fake.notifications]
        under = Counter(s["in_reply_to_id"] for s in fake.posted)
        visibility = {s["id"]: s["visibility"] for s in fake.statuses.values()}
        posted = list(fake.posted)
    stored = Counter(m.external_id for m in ledger.inbound if m.channel == "mastodon")
    problems = [f"status {i} stored {stored[i]} times" for i in mentions if stored[i] != 1]
    for message in (m for m in ledger.inbound if m.channel == "mastodon"):
        replies = len(ledger.replies.get(message.id, []))
        if under[message.external_id] != replies:
            problems.append(f"status {message.external_id}: {under[message.external_id]} posts for {replies} replies")
    problems += [f"reply {s['id']} is {s['visibility']} under a {visibility.get(s['in_reply_to_id'])} status"
                 for s in posted if s["in_reply_to_id"] in visibility
                 and visibility[s["in_reply_to_id"]] == "direct" != s["visibility"]]
    return problems


def email_problems(ledger: Ledger, captured: Captured, *, sent: list[str]) -> list[str]:
    """Every mail stored once; for each, as many distinct replies (Message-IDs) as the bot wrote, in its thread."""
    with captured.lock:
        mails = list(captured.mails)
    stored = Counter(m.external_id for m in ledger.inbound if m.channel == "email")
    problems = [f"mail {i} stored {stored[i]} times" for i in sent if stored[i] != 1]
    answers: dict[str, set[str]] = {}
    for mail in mails:
        answers.setdefault(str(mail["In-Reply-To"]).strip().strip("<>"), set()).add(str(mail["Message-ID"]))
    for message in (m for m in ledger.inbound if m.channel == "email"):
        replies = len(ledger.replies.get(message.id, []))
        got = len(answers.get(message.external_id or "", set()))
        if got != replies:
            problems.append(f"mail {message.external_id}: {got} replies sent for {replies} written")
    return problems
