"""``redact(text)``: personal data masked, everything else kept, for logs, analytics and reports.

Masked: e-mail addresses ``[email]``, IBANs ``[iban]``, social security numbers (NIR, 13 digits and
an optional 2-digit key, spaced or not) ``[nir]``, phone numbers (French in every usual format:
``06 12 34 56 78``, ``06.12.34.56.78``, ``+33 6…``, ``0033 6…``, ``+33 (0)6…``; and any ``+``
international number) ``[téléphone]``, street addresses ``[adresse]`` (see ``addresses``).

Kept: numbers inside words (``A380``, ``CMD-2024-1187``), postal codes, dates, times, amounts.
The conversation itself keeps the clear text; only copies made for other purposes are masked.
"""

from __future__ import annotations

import re

from guichet.contract.addresses import redact_addresses

EMAIL = "[email]"
PHONE = "[téléphone]"
NIR = "[nir]"
IBAN = "[iban]"
ADDRESS = "[adresse]"

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)

# two letters, two check digits, then 11 to 30 letters or digits, in groups of four (spaced or not)
_IBAN_RE = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?(?![\w])",
                      re.IGNORECASE)

# sex, year, month (or 20-99 for unknown/overseas births), department (incl. 2A/2B), commune, order, key
_NIR_RE = re.compile(
    r"(?<![\w])[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}"
    r"(?:[ .]?\d{2})?(?![\w])",
    re.IGNORECASE,
)

# French numbers: one separator used consistently between the pairs of digits, so that dates
# such as 01.02.2024 10h30 are not taken for a phone number.
_FRENCH_PHONE_RE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00)[ .-]?33[ .-]?(?:\(0\)[ .-]?)?[1-9](?P<sep1>[ .-]?)\d{2}(?:(?P=sep1)\d{2}){3}"
    r"|0[1-9](?P<sep2>[ .-]?)\d{2}(?:(?P=sep2)\d{2}){3})"
    r"(?![\w])"
)

# any other international number: + country code, then 6 to 13 digits with single separators
_INTERNATIONAL_PHONE_RE = re.compile(
    r"(?<![\w+])\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){5,12}(?![\w])"
)

_SUBSTITUTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_EMAIL_RE, EMAIL),
    (_IBAN_RE, IBAN),
    (_NIR_RE, NIR),
    (_FRENCH_PHONE_RE, PHONE),
    (_INTERNATIONAL_PHONE_RE, PHONE),
)


def _is_iban(candidate: str) -> bool:
    """An IBAN-shaped run is 15 characters at least, mostly digits (not "AB12 CDEF GHIJ KLMN")."""
    body = re.sub(r"[ -]", "", candidate)[4:]
    return len(body) >= 11 and sum(char.isdigit() for char in body) >= 6


def redact_identifiers(text: str) -> str:
    """E-mails, IBANs, NIRs and phone numbers masked; addresses left as they are."""
    for pattern, placeholder in _SUBSTITUTIONS:
        if pattern is _IBAN_RE:
            text = pattern.sub(lambda match: IBAN if _is_iban(match.group(0)) else match.group(0), text)
        else:
            text = pattern.sub(placeholder, text)
    return text


def redact(text: str) -> str:
    """``text`` with every piece of personal data it recognises replaced by a placeholder."""
    if not text:
        return text
    return redact_addresses(redact_identifiers(text), placeholder=ADDRESS)
