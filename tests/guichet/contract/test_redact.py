"""Personal data masked, everything else untouched: the tricky cases."""

from __future__ import annotations

import pytest

from guichet.contract.redact import redact


@pytest.mark.parametrize(("text", "expected"), [
    # e-mail addresses
    ("écrivez à jean.dupont+mairie@exemple.fr merci", "écrivez à [email] merci"),
    ("Mon mail : Marie_Curie@sub.domaine.gouv.fr.", "Mon mail : [email]."),
    # French phone numbers in every usual spelling
    ("appelez le 06 12 34 56 78", "appelez le [téléphone]"),
    ("06.12.34.56.78 ou 06-12-34-56-78 ou 0612345678", "[téléphone] ou [téléphone] ou [téléphone]"),
    ("tél. +33 6 12 34 56 78", "tél. [téléphone]"),
    ("+33612345678, 0033 6 12 34 56 78, 0033612345678", "[téléphone], [téléphone], [téléphone]"),
    ("+33 (0)1 23 45 67 89 ou +33.1.23.45.67.89", "[téléphone] ou [téléphone]"),
    # other international numbers
    ("à Londres : +44 20 7946 0958", "à Londres : [téléphone]"),
    ("US: +1 (555) 123-4567", "US: [téléphone]"),
    # social security numbers (NIR), with or without the key, spaced or not, Corsica
    ("NIR 1 85 05 78 006 084 36", "NIR [nir]"),
    ("mon numéro de sécu 185057800608436", "mon numéro de sécu [nir]"),
    ("2 90 12 2A 123 456 78", "[nir]"),
    ("sans clé : 1850578006084", "sans clé : [nir]"),
    # IBANs
    ("IBAN FR76 3000 6000 0112 3456 7890 189 merci", "IBAN [iban] merci"),
    ("fr7630006000011234567890189", "[iban]"),
    ("DE89 3704 0044 0532 0130 00", "[iban]"),
    # street addresses, with or without a number
    ("J'habite 12 rue Victor Hugo à Lyon", "J'habite [adresse] à Lyon"),
    ("au 12 bis avenue de la Gare, 75011 Paris", "au [adresse], 75011 Paris"),
    ("3, place du Marché", "[adresse]"),
    ("14b boulevard Saint-Michel", "[adresse]"),
    ("un trou rue de la Paix depuis hier", "un trou [adresse] depuis hier"),
    ("Il y a un lampadaire cassé avenue Jean Jaurès.", "Il y a un lampadaire cassé [adresse]."),
    ("le bruit place de la République la nuit", "le bruit [adresse] la nuit"),
    ("impasse des Lilas", "[adresse]"),
    ("12 rue de l'Église", "[adresse]"),
    ("rue du 8 Mai", "[adresse]"),
    # several pieces in one message
    ("Jean, 06 12 34 56 78, jean@x.fr, 5 rue des Roses",
     "Jean, [téléphone], [email], [adresse]"),
])
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "le vol A380 est en retard",  # numbers inside words
    "commande CMD-2024-00123 et dossier AB123456789",  # order ids
    "ma commande n° 4587-99812",
    "référence G-7K3Q9",
    "code postal 75011, 69003 ou 13001",  # postal codes are not phones
    "le 12/03/2024 à 10h30",  # dates and times
    "rendez-vous le 01.02.2024 10h30",  # a date with dots followed by a time: not a phone
    "du 2024-03-12 au 2024-03-15",
    "1 250 € ou 12 500 euros",  # amounts
    "j'ai 2 enfants de 3 et 5 ans",
    "je cherche une place en crèche",  # "place" as a common noun
    "une place de parking pour handicapé",
    "des cours de natation",
    "la rue est sale",  # "rue" with no name after it
    "dans ma rue il y a des rats",
    "la route est glissante",
    "Quels sont les horaires des piscines ?",
    "",
])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_redaction_is_idempotent() -> None:
    once = redact("Appelez le 06 12 34 56 78 ou écrivez à a@b.fr, 3 rue de la Paix")
    assert redact(once) == once
