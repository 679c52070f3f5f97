"""Pure text rules of the channels: cutting threads, spotting personal data, reading @names."""

from __future__ import annotations

import pytest

from gateway.channels.privacy import DM_INVITATION, personal_data
from gateway.channels.threads import split_text
from gateway.channels.x_events import Mention
from gateway.notices import weighted_length


def test_short_text_is_one_part_unnumbered() -> None:
    assert split_text(text=" Bonjour. ", limit=280, measure=weighted_length, numbered=True) == ["Bonjour."]


def test_long_text_is_cut_at_sentences_and_numbered() -> None:
    sentences = [f"Phrase numéro {n} qui explique une démarche administrative en détail." for n in range(12)]
    parts = split_text(text=" ".join(sentences), limit=280, measure=weighted_length, numbered=True)
    assert len(parts) > 2 and all(weighted_length(p) <= 280 for p in parts)
    assert [p.split(" ", 1)[0] for p in parts] == [f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)]
    assert " ".join(p.split(" ", 1)[1] for p in parts) == " ".join(sentences)


def test_emoji_weigh_double_and_endless_words_are_cut() -> None:
    parts = split_text(text="🙂" * 200, limit=280, measure=weighted_length, numbered=True)
    assert len(parts) == 2 and all(weighted_length(p) <= 280 for p in parts)
    parts = split_text(text="x" * 700 + ". Fin.", limit=280, measure=weighted_length, numbered=True)
    assert all(weighted_length(p) <= 280 for p in parts) and parts[-1].endswith("Fin.")


def test_dm_parts_are_not_numbered() -> None:
    text = "Une phrase. " * 1000
    parts = split_text(text=text, limit=10_000, measure=len, numbered=False)
    assert len(parts) == 2 and all(len(p) <= 10_000 for p in parts) and not parts[1].startswith("2/")


@pytest.mark.parametrize(("text", "kinds"), [
    ("appelez-moi au 06 12 34 56 78", ["phone"]),
    ("mon numéro : +33 6 12 34 56 78", ["phone"]),
    ("écrivez à jean.dupont@example.fr", ["email"]),
    ("j'habite 12 rue des Lilas", ["address"]),
    ("3 bis avenue Foch, 06.12.34.56.78", ["phone", "address"]),
    ("nid de poule rue Victor Hugo", []),
    ("il reste 2 places en crèche ?", []),
    ("ouvert le 14 juillet de 8h30 à 12h", []),
])
def test_personal_data_is_found_by_kind(text: str, kinds: list[str]) -> None:
    assert personal_data(text) == kinds


def test_dm_invitation_fits_in_a_tweet_with_a_long_handle() -> None:
    assert weighted_length("@" + "h" * 15 + " " + DM_INVITATION) <= 280


def test_leading_mentions_are_not_for_the_bot() -> None:
    mention = Mention(id="1", text="@guichet_ville @maire, les horaires @piscine ?", author_id="42")
    assert mention.body == "les horaires @piscine ?"
    assert Mention(id="2", text="@guichet_ville @maire ", author_id="42").body == ""
