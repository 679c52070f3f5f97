"""What the bot reads of a mail: the new text, without quotes, Outlook's history or the signature."""

from __future__ import annotations

import pytest

from gateway.channels.email_text import strip_reply
from gateway.channels.html_text import html_to_text


@pytest.mark.parametrize("mail,expected", [
    ("Ma poubelle n'a pas été ramassée.\n\nEnvoyé de mon iPhone\n\n> Le 3 déc. 2026 à 10:00, Mairie a écrit :\n"
     "> Bonjour", "Ma poubelle n'a pas été ramassée."),
    ("Toujours rien !\r\n\r\n-----Original Message-----\r\nFrom: Mairie\r\nSent: mardi\r\nBonjour, ...",
     "Toujours rien !"),
    ("Merci, et pour le samedi ?\n\nDe : Mairie <guichet@ville.fr>\nEnvoyé : lundi 30 novembre 2026 10:02\n"
     "À : Alice\nObjet : RE: piscine\n\nLa piscine ouvre à 7h.", "Merci, et pour le samedi ?"),
    ("Le lun. 30 nov. 2026 à 10:02, Mairie <guichet@ville.fr> a\nécrit :\n> La piscine ouvre à 7h.\n\n"
     "Et le dimanche ?", "Et le dimanche ?"),  # written under the quote, attribution wrapped on two lines
    ("> Quel quartier ?\nLe centre.\n> Quelle rue ?\nRue Hugo.", "Le centre.\nRue Hugo."),  # answered between quotes
    ("Bonjour,\nle nid de poule est toujours là.\n-- \nAlice Martin\n06 12 34 56 78",
     "Bonjour,\nle nid de poule est toujours là."),
    ("On Mon, Nov 30, 2026 at 10:02 AM Mairie <guichet@ville.fr> wrote:\n> hello\nThanks!", "Thanks!"),
])
def test_quotes_history_and_signatures_are_removed(mail: str, expected: str) -> None:
    assert strip_reply(mail) == expected


def test_a_text_without_quotes_is_unchanged_but_trimmed() -> None:
    assert strip_reply("  Le marché a lieu quand ?  \n") == "Le marché a lieu quand ?"


def test_html_is_read_as_text_without_scripts_and_quotes() -> None:
    html = ("<div>Bonjour,<br>la <a href='https://x.fr'>piscine</a> est fermée&nbsp;?</div><script>alert(1)</script>"
            "<blockquote type='cite'>ancien message</blockquote><p>Merci</p>")
    assert html_to_text(html, drop_quotes=True) == "Bonjour,\nla piscine est fermée ?\n\nMerci"
    assert "ancien message" in html_to_text(html)
