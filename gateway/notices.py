"""The fixed sentences the gateway itself says, each within a tweet's 280 weighted characters."""

from __future__ import annotations

from guichet.contract.replies import Reply
from guichet.contract.tweet_length import TWEET_LIMIT, weighted_length

AUTOMATIC_NOTICE = "(Assistant automatique)"


def apology_text() -> str:
    return ("Désolé, je ne peux pas vous répondre tout de suite. "
            "Je transmets votre message à une personne de l'équipe, qui vous répondra ici.")


def with_automatic_notice(replies: list[Reply]) -> list[Reply]:
    """The first reply of a conversation says that an automatic assistant is talking."""
    if not replies or any("assistant automatique" in r.text.lower() for r in replies):
        return replies
    first = replies[0]
    prefixed = f"{AUTOMATIC_NOTICE} {first.text}"
    if weighted_length(prefixed) <= TWEET_LIMIT:
        first.text = prefixed
        return replies
    notice = Reply("Je suis l'assistant automatique de la Ville. Tapez « agent » pour parler à une personne.", "info")
    return [*replies, notice]
