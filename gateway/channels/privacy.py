"""Personal data a citizen should not post in public: found by kind, never quoted back.

Phones, e-mails, IBANs and social security numbers are recognised by ``guichet.contract.redact``
(one definition for the whole project). A home address is a house number followed by a street type
("12 rue ...", "3 bis avenue ..."): a street named without a number ("nid de poule rue Hugo") is a
place to report a problem, not personal data, and stays public.
"""

from __future__ import annotations

import re

from guichet.contract.redact import EMAIL, IBAN, NIR, PHONE, redact_identifiers

KINDS = {PHONE: "phone", EMAIL: "email", IBAN: "iban", NIR: "social_security"}
STREET_TYPES = (
    "rue|ruelle|avenue|av\\.?|boulevard|bd|place|impasse|allée|allee|chemin|route|quai|cours|square|passage|"
    "villa|cité|cite|résidence|residence|sentier|faubourg|lotissement|hameau|chaussée|chaussee|rond-point"
)
HOME_ADDRESS = re.compile(rf"(?<![\w,.])\d{{1,4}}\s?(?:bis|ter|quater|[a-d])?,?\s+(?:{STREET_TYPES})(?=\s|$)",
                          re.IGNORECASE)

DM_INVITATION = (
    "(Assistant automatique) Votre message semble contenir des données personnelles : pour les protéger, "
    "nous ne les traitons pas en public. Écrivez-nous en message privé, nous continuerons là-bas. "
    "Vous pouvez supprimer ce tweet."
)

MASTODON_DM_INVITATION = (
    "(Assistant automatique) Votre message semble contenir des données personnelles : pour les protéger, "
    "nous ne les traitons pas en public. Écrivez-nous en mention privée (visibilité « Mentions privées »), "
    "nous continuerons là-bas. Vous pouvez supprimer ce message."
)


def personal_data(text: str) -> list[str]:
    """The kinds of personal data in ``text`` (phone, email, iban, social_security, address)."""
    masked = redact_identifiers(text)
    kinds = [kind for placeholder, kind in KINDS.items() if placeholder in masked and placeholder not in text]
    if HOME_ADDRESS.search(text):
        kinds.append("address")
    return kinds
