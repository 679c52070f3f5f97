"""What a citizen wrote in an e-mail, without the earlier messages it quotes and without the signature.

Quoted lines (``> ...``) and the attribution above them ("Le 3 déc. 2026, Alice a écrit :") go, so an answer
written under or between quotes is kept. Outlook quotes without ``>``: everything from its header block ("De : ...
Envoyé : ...") or a "-----Original Message-----" line on is the earlier mail. The signature starts at the
``-- `` line (RFC 3676) or a phone's "Envoyé de mon iPhone".
"""

from __future__ import annotations

import re

ATTRIBUTION = re.compile(
    r"^[ \t]*(?:Le|On|Am|El)\b[^\n]{0,300}(?:\n[^\n>]{0,200}){0,2}?(?:a\s+écrit|wrote|schrieb|escribió)\s*:?[ \t]*$",
    re.MULTILINE | re.IGNORECASE)
EARLIER_MAIL = re.compile(
    r"^[ \t]*(?:-{2,}\s*(?:Original Message|Message d'origine|Message original|Forwarded message|"
    r"Message transféré)\s*-{2,}|_{20,}|(?:De|From)\s?:[^\n]*\n(?:[^\n]*\n)?[ \t]*(?:Envoyé|Sent|Date)\s?:)",
    re.MULTILINE | re.IGNORECASE)
SIGNATURE = re.compile(
    r"^(?:-- ?|--|(?:Envoyé|Envoyée) (?:de|depuis) (?:mon|l'application|Outlook)[^\n]*|Sent from my [^\n]*|"
    r"Get Outlook for [^\n]*|Obtenir Outlook pour [^\n]*)[ \t]*$",
    re.MULTILINE | re.IGNORECASE)
BLANK_LINES = re.compile(r"\n{3,}")


def strip_reply(text: str) -> str:
    """The new part of a mail's plain text: no quotes, no attribution, no signature; trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    earlier = EARLIER_MAIL.search(text)
    if earlier is not None:
        text = text[:earlier.start()]
    text = ATTRIBUTION.sub("", text)
    text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))
    signature = SIGNATURE.search(text)
    if signature is not None:
        text = text[:signature.start()]
    return BLANK_LINES.sub("\n\n", text).strip()
