"""The town hall's own contacts (address and access, phone, e-mail, website): what they may be, and their source.

They come from the settings (``GUICHET_CITY_ADDRESS``, ``GUICHET_CITY_PHONE``, ``GUICHET_CITY_EMAIL``,
``GUICHET_CITY_WEBSITE``) unless an admin saved them in the console (``crud/city_facts_store``), which wins.
A contact that is not set is unknown: the built-in answers say so, they never make one up.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from guichet.settings import Settings

FIELDS = ("address", "phone", "email", "website")
LABELS = {"address": "Adresse et accès", "phone": "Téléphone", "email": "E-mail", "website": "Site internet"}
MAX_CHARS = {"address": 200, "phone": 30, "email": 120, "website": 200}
PATTERNS = {
    "phone": re.compile(r"^\+?[0-9][0-9 .()-]{3,28}[0-9]$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "website": re.compile(r"^https?://[^\s/]+\.[^\s]+$"),
}
EXAMPLES = {"phone": "01 23 45 67 89", "email": "mairie@ville.fr", "website": "https://www.ville.fr"}


class CityFactsError(ValueError):
    """A contact that cannot be used; the message names the field and the value."""


@dataclass(frozen=True)
class CityContacts:
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def validated(cls, values: dict[str, Any], *, names: dict[str, str] | None = None) -> CityContacts:
        """Checked contacts from ``{"phone": "...", ...}``; empty or missing means unknown.

        ``names`` gives the name to quote in errors (the environment variable, the form field).
        """
        unknown = sorted(set(values) - set(FIELDS))
        if unknown:
            raise CityFactsError(f"city contacts: unknown field {unknown[0]!r}; use one of {', '.join(FIELDS)}")
        clean = {field: _checked(field, values.get(field), (names or {}).get(field, field)) for field in FIELDS}
        return cls(**clean)

    @classmethod
    def from_settings(cls, settings: Settings) -> CityContacts:
        values = {field: getattr(settings, f"city_{field}") for field in FIELDS}
        return cls.validated(values, names={field: f"GUICHET_CITY_{field.upper()}" for field in FIELDS})


def _checked(field: str, value: object, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CityFactsError(f"{name}: must be text, got {value!r:.80}")
    text = " ".join(value.split())  # one line: an answer is a tweet
    if not text:
        return None
    if len(text) > MAX_CHARS[field]:
        raise CityFactsError(f"{name}: {len(text)} characters, the limit is {MAX_CHARS[field]}: {text[:80]!r}")
    pattern = PATTERNS.get(field)
    if pattern is not None and not pattern.match(text):
        raise CityFactsError(f"{name}: {text!r} is not a valid {LABELS[field].lower()} "
                             f"(for example {EXAMPLES[field]!r})")
    return text
