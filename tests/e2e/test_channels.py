"""Mastodon and e-mail through the real Rasa server: a toot and a mail answered in their threads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from guichet.db import make_engine, make_session_factory
from guichet.settings import PROJECT_ROOT
from handoff_api.stack import Stack
from testing.live import serve
from testing.mail_servers import Captured, Imap, dovecot, smtp_server
from testing.mastodon_fake import FakeMastodon, make_app
from testing.mastodon_fake.harness import TOKEN
from testing.outcomes import outcome_problems, read_ledger
from testing.stack import running_stack, stack_settings
from tests.e2e.channel_traffic import a_mail, email_problems, email_values, mastodon_problems, mastodon_values
from tests.e2e.traffic import wait_until

pytestmark = pytest.mark.rasa
PISCINE = "c'est ouvert jusqu'à quelle heure la piscine le week-end ?"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Stack, FakeMastodon, Imap, Captured]]:
    fake = FakeMastodon(token=TOKEN)
    with serve(make_app(fake)) as mastodon, dovecot() as imap, smtp_server() as (smtp_port, captured):
        settings = stack_settings(
            tmp_path / "var", faq_path=PROJECT_ROOT / "knowledge_base" / "faq" / "sports.yml",
            mastodon_poll_seconds=1.0, email_poll_seconds=1.0, **mastodon_values(mastodon.url),
            **email_values(imap, smtp_port))
        with running_stack(settings, tmp_path / "logs") as running:
            yield running, fake, imap, captured


def test_a_toot_and_a_mail_are_answered_by_the_real_assistant(world: tuple[Stack, FakeMastodon, Imap,
                                                                           Captured]) -> None:
    stack, fake, imap, captured = world
    public = fake.add_mention(acct="alice@piaille.fr", text=f"@guichet_ville {PISCINE}")
    direct = fake.add_mention(acct="bob", text=f"@guichet_ville {PISCINE}", visibility="direct")
    imap.deliver(a_mail(1, PISCINE))
    imap.deliver(a_mail(2, PISCINE, headers={"Auto-Submitted": "auto-replied"}))  # an out-of-office: no answer

    engine = make_engine(stack.settings)
    factory = make_session_factory(engine)

    def answered() -> bool:
        ledger = read_ledger(factory)
        return (len(ledger.inbound) == 4 and all(m.inbound_state == "handled" for m in ledger.inbound)
                and len(ledger.outbox) >= 3 and all(i.status == "sent" for i in ledger.outbox))

    wait_until(answered, timeout=180, what="the toots and the mail answered")
    under = {status: [s for s in fake.posted if s["in_reply_to_id"] == status] for status in (public, direct)}
    assert {s["visibility"] for s in under[public]} == {"public"} and {s["visibility"] for s in under[direct]} == {
        "direct"}
    assert all(s["text"].startswith("@alice@piaille.fr ") for s in under[public])
    assert any("piscine" in s["text"].lower() for s in under[public])
    assert {(m["To"], m["In-Reply-To"]) for m in captured.mails} == {("habitant1@example.fr", "<e2e-1@example.fr>")}
    bodies = [m.get_body(("plain",)) for m in captured.mails]
    assert any(b is not None and "piscine" in b.get_content().lower() for b in bodies)

    ledger = read_ledger(factory)
    engine.dispose()
    assert {m.channel for m in ledger.inbound} == {"mastodon", "email"} and len(ledger.inbound) == 4
    answers = {m.external_id: [r.faq_id for r in ledger.replies.get(m.id, [])] for m in ledger.inbound}
    assert "piscines-horaires" in answers[public] and "piscines-horaires" in answers["e2e-1@example.fr"]
    assert answers["e2e-2@example.fr"] == []
    assert mastodon_problems(ledger, fake) == []
    assert email_problems(ledger, captured, sent=["e2e-1@example.fr", "e2e-2@example.fr"]) == []
    ledger.inbound = [m for m in ledger.inbound if m.external_id != "e2e-2@example.fr"]  # machine-written
    assert outcome_problems(ledger) == []
