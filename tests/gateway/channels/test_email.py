"""The e-mail channel against a real IMAP server (Dovecot) and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import KeyValue, Role, utcnow
from handoff_api.privacy.anonymise import anonymise_conversations
from testing.email_harness import CITY_ADDRESS, EmailHarness
from tests.handoff_api.console_client import account, login

QUOTED = """Quels sont les horaires des piscines ?

Merci

--\u0020
Alice Martin
06 12 34 56 78

Le lun. 30 nov. 2026 à 10:02, Mairie <guichet@ville.test> a écrit :
> Bonjour, que puis-je pour vous ?
> --
> Mairie
"""


def test_a_mail_is_answered_in_its_thread_without_quotes_or_signature(mail: EmailHarness) -> None:
    message_id = mail.fake.receive(subject="Piscine", body=QUOTED,
                                   headers={"References": "<older@ville.test>", "In-Reply-To": "<older@ville.test>"})
    assert mail.poll("email") == 1
    assert mail.kb.queries == ["quels sont les horaires des piscines ?\n\nmerci"]  # the stand-in Rasa lowercases
    assert mail.deliver() == 1

    [reply] = mail.fake.smtp.mails
    assert mail.fake.smtp.envelopes == [(CITY_ADDRESS, ["alice@example.fr"])]
    assert reply["To"] == "alice@example.fr" and CITY_ADDRESS in reply["From"]
    assert reply["Subject"] == "Re: Piscine"
    assert reply["In-Reply-To"] == f"<{message_id}>"
    assert " ".join(str(reply["References"]).split()) == f"<older@ville.test> <{message_id}>"
    assert reply["Auto-Submitted"] == "auto-replied"  # the bot's: the citizen's auto-responder keeps quiet
    body = reply.get_body(("plain",))
    assert body is not None and "Les piscines ouvrent de 7h à 20h." in body.get_content()
    [conversation] = mail.conversations()
    assert (conversation.channel, conversation.external_ref) == ("email", "alice@example.fr")
    [item] = mail.items()
    assert item.status == "sent" and item.external_id == str(reply["Message-ID"]).strip("<>")
    [inbound] = [m for m in mail.messages() if m.author == "citizen"]
    assert inbound.external_id == message_id and inbound.payload
    assert inbound.payload["email"]["quotes_removed"] is True


def test_an_html_mail_is_read_as_text(mail: EmailHarness) -> None:
    html = EmailMessage()
    html["From"], html["To"], html["Subject"] = "bob@example.fr", CITY_ADDRESS, "piscine"
    html["Message-ID"], html["Date"] = "<html-1@example.fr>", format_datetime(utcnow())
    html.set_content("<html><head><style>p {color: red}</style></head><body><p>Quels sont les <b>horaires</b> "
                     "des piscines&nbsp;?</p><blockquote>Ancien message</blockquote></body></html>", subtype="html")
    mail.fake.receive_raw(bytes(html))
    mail.poll("email")
    assert mail.kb.queries == ["quels sont les horaires des piscines ?"]
    [inbound] = [m for m in mail.messages() if m.author == "citizen"]
    assert inbound.payload and inbound.payload["email"]["html_only"] is True


@pytest.mark.parametrize("headers,sender", [
    ({"Auto-Submitted": "auto-replied", "Subject": "Réponse automatique : Piscine"}, "alice@example.fr"),
    ({"Precedence": "bulk"}, "news@example.fr"),
    ({"X-Autoreply": "yes"}, "alice@example.fr"),
    ({"List-Id": "<annonces.example.fr>"}, "annonces@example.fr"),
    ({}, "MAILER-DAEMON@mx.example.fr"),
    ({"Subject": "Absence du bureau jusqu'au 12"}, "alice@example.fr"),
])
def test_machine_written_mail_is_stored_and_never_answered(mail: EmailHarness, headers: dict[str, str],
                                                           sender: str) -> None:
    subject = headers.pop("Subject", "Piscine")
    mail.fake.receive(sender=sender, subject=subject, body="Les horaires des piscines ?", headers=headers)
    assert mail.poll("email") == 1
    mail.deliver()
    assert mail.fake.smtp.mails == [] and mail.kb.queries == [] and mail.items() == []
    [stored] = mail.messages()
    assert stored.inbound_state == "handled" and stored.payload and stored.payload["email"]["automatic"]


def test_a_delivery_status_notification_is_not_answered(mail: EmailHarness) -> None:
    raw = (b"From: Mail Delivery System <mailer-daemon@mx.example.fr>\r\nTo: guichet@ville.test\r\n"
           b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx.example.fr>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
           b"--B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system: your message could not be delivered.\r\n"
           b"--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.fr\r\n\r\n"
           b"Final-Recipient: rfc822; nobody@example.fr\r\nAction: failed\r\nStatus: 5.1.1\r\n--B--\r\n")
    mail.fake.receive_raw(raw)
    assert mail.poll("email") == 1
    mail.deliver()
    assert mail.fake.smtp.mails == [] and mail.kb.queries == []
    [stored] = mail.messages()
    assert stored.payload and "report" in stored.payload["email"]["automatic"]


def attachment_mail(size: int) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "carol@example.fr", CITY_ADDRESS, "Dossier"
    message["Message-ID"], message["Date"] = "<att-1@example.fr>", format_datetime(utcnow())
    message.set_content("Je veux parler à quelqu'un de mon dossier ci-joint.")
    message.add_attachment(b"%PDF-1.4 " + b"x" * size, maintype="application", subtype="pdf",
                           filename="justificatif domicile.pdf")
    return bytes(message)


def test_a_10_mb_mail_keeps_its_attachment_for_the_agent_and_not_for_the_bot(mail: EmailHarness) -> None:
    mail.fake.receive_raw(attachment_mail(10 * 1024 * 1024))
    assert mail.poll("email") == 1
    assert mail.kb.queries == ["je veux parler à quelqu'un de mon dossier ci-joint."]
    [inbound] = [m for m in mail.messages() if m.author == "citizen"]
    assert inbound.payload is not None
    details = inbound.payload["email"]
    [attachment] = details["attachments"]
    assert attachment["name"] == "justificatif domicile.pdf" and attachment["size"] == 10 * 1024 * 1024 + 9
    root = mail.app.state.settings.resolved_email_attachments_dir
    assert (root / attachment["file"]).read_bytes().startswith(b"%PDF-1.4 xxx")
    assert (root / details["raw"]).stat().st_size > 10 * 1024 * 1024 and details["size"] > 10 * 1024 * 1024

    client = TestClient(mail.app)
    account(client, "camille", Role.AGENT)
    assert client.get(f"/console/attachments/{inbound.id}/0", follow_redirects=False).status_code == 303  # login
    login(client, "camille")
    [handoff] = mail.handoffs()
    page = client.get(f"/console/handoffs/{handoff}")
    assert "justificatif domicile.pdf" in page.text and "(10,0 Mo)" in page.text
    download = client.get(f"/console/attachments/{inbound.id}/0")
    assert download.status_code == 200 and len(download.content) == 10 * 1024 * 1024 + 9
    assert download.headers["content-type"] == "application/octet-stream"
    assert client.get(f"/console/attachments/{inbound.id}/1").status_code == 404


def test_a_mail_in_an_unknown_charset_is_read_and_flagged(mail: EmailHarness) -> None:
    raw = ("From: dan@example.fr\r\nTo: guichet@ville.test\r\nSubject: piscine\r\nMessage-ID: <cs-1@example.fr>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-martian-7\r\nContent-Transfer-Encoding: 8bit\r\n"
           "\r\nQuels sont les horaires des piscines ? Merci, Hélène\r\n").encode()
    mail.fake.receive_raw(raw)
    assert mail.poll("email") == 1
    assert mail.kb.queries == ["quels sont les horaires des piscines ? merci, hélène"]
    [inbound] = [m for m in mail.messages() if m.author == "citizen"]
    assert inbound.payload and inbound.payload["email"]["charset_problem"] == "x-martian-7"
    mail.deliver()
    assert len(mail.fake.smtp.mails) == 1


def test_the_cursor_moves_and_the_same_mail_is_answered_once(mail: EmailHarness) -> None:
    mail.fake.receive(body="Quels sont les horaires des piscines ?", message_id="<same@example.fr>")
    assert mail.poll("email") == 1 and mail.poll("email") == 0
    with session_scope(mail.app.state.session_factory) as session:
        session.execute(delete(KeyValue))  # the cursor lost: the last day is read again
    mail.fake.receive(body="Quels sont les horaires des piscines ?", message_id="<same@example.fr>")  # sent twice
    assert mail.poll("email") == 0
    mail.fake.receive(sender="eve@example.fr", body="bonjour")
    assert mail.poll("email") == 1
    mail.deliver()
    assert sorted(m["To"] for m in mail.fake.smtp.mails) == ["alice@example.fr", "eve@example.fr"]


def test_own_mail_is_skipped(mail: EmailHarness) -> None:
    mail.fake.receive(sender=CITY_ADDRESS, body="copie de notre réponse")
    assert mail.poll("email") == 0 and mail.messages() == []


def test_smtp_down_keeps_the_reply_waiting_and_a_refused_address_fails_visibly(mail: EmailHarness) -> None:
    mail.fake.receive(sender="frank@example.fr", body="Quels sont les horaires des piscines ?")
    mail.fake.receive(sender="ghost@example.fr", body="Quels sont les horaires des piscines ?")
    mail.poll("email")
    mail.fake.smtp.refuse.update({"frank@example.fr": 451, "ghost@example.fr": 550})
    start = utcnow()
    mail.deliver(now=start)
    by_to = {i.conversation_id: i for i in mail.items()}
    states = sorted((i.status, (i.last_error or "")[:40]) for i in by_to.values())
    assert states == [("failed", "the mail server refused the address: {'g"),
                      ("pending", "the mail server deferred the address: {'")]
    mail.fake.smtp.refuse.clear()
    mail.deliver(now=start + timedelta(hours=1))
    assert [m["To"] for m in mail.fake.smtp.mails] == ["frank@example.fr"]


def test_an_agent_reply_is_threaded_and_not_marked_automatic(mail: EmailHarness) -> None:
    message_id = mail.fake.receive(subject="Succession", body="Une question bizarre sur mon dossier")
    mail.poll("email")
    mail.deliver()
    with session_scope(mail.app.state.session_factory) as session:
        _, token = create_agent(session, name="camille", role=Role.AGENT)
    client, headers = TestClient(mail.app), {"Authorization": f"Bearer {token}"}
    [handoff] = client.get("/api/handoffs", params={"channel": "email"}, headers=headers).json()
    assert handoff["channel"] == "email" and handoff["first_response_due"] and handoff["first_response_at"] is None
    assert client.post(f"/api/handoffs/{handoff['id']}/claim", headers=headers).status_code == 200
    text = "Bonjour,\n\nJe regarde votre dossier et reviens vers vous demain.\n\nCamille"
    assert client.post(f"/api/handoffs/{handoff['id']}/reply", json={"text": text}, headers=headers).status_code == 200
    mail.deliver()
    reply = mail.fake.smtp.mails[-1]
    assert reply["In-Reply-To"] == f"<{message_id}>" and reply["Subject"] == "Re: Succession"
    assert reply["Auto-Submitted"] is None
    answered = client.get(f"/api/handoffs/{handoff['id']}", headers=headers).json()
    assert answered["first_response_at"] is not None  # the first-response target (SLA) is met by this reply
    body = reply.get_body(("plain",))
    assert body is not None and "Je regarde votre dossier et reviens vers vous demain." in body.get_content()


def test_stored_mail_goes_once_its_message_is_anonymised(mail: EmailHarness) -> None:
    mail.fake.receive_raw(attachment_mail(1000))
    mail.poll("email")
    channel = mail.app.state.channels["email"]
    root = mail.app.state.settings.resolved_email_attachments_dir
    [folder] = list(root.iterdir())
    os.utime(folder, (time.time() - 7200, time.time() - 7200))
    assert channel.sweep() == 0 and folder.is_dir()  # its message still refers to it
    with session_scope(mail.app.state.session_factory) as session:
        anonymise_conversations(session, conversation_ids=[c.id for c in mail.conversations()], now=utcnow())
    assert channel.sweep() == 1 and not folder.exists()
