"""Realistic replies a citizen sends right after the assistant spoke, labelled: is it negative feedback on an
automatic answer? Written for these tests (no evaluation set was used); ``benchmarks.feedback_replies`` prints
the detector's figures on them (docs/feedback.md)."""

from __future__ import annotations

NEGATIVE_AFTER_ANSWER = (
    "non", "Non.", "non !", "nan", "Non pas du tout", "pas du tout", "ça ne répond pas à ma question",
    "ca repond pas", "ça ne répond pas", "c'est pas ça", "Ce n'est pas ma question", "non, ça ne m'aide pas",
    "bof", "toujours pas", "n'importe quoi", "hors sujet", "👎", "non 👎", "Non ça ne répond pas du tout",
    "mauvaise réponse", "pas vraiment", "non malheureusement", "nan pas du tout", "c'est à côté", "rien à voir",
    "ça ne m'aide pas, merci quand même", "@guichet_ville non", "@guichet_ville ça ne répond pas",
    "Non, pas du tout.", "pas utile", "Ça n'a rien à voir", "c’est faux",
)
"""Said right after an automatic answer: the answer did not help."""

NOT_FEEDBACK_AFTER_ANSWER = (
    "merci", "merci beaucoup", "super merci", "ok", "d'accord", "non merci", "non merci c'est bon",
    "non c'est tout", "non ça ira merci", "oui", "et le dimanche ?", "non je voulais dire le dimanche",
    "non, pour la piscine du centre", "pas de souci", "non mais c'est fermé le lundi ?",
    "je veux parler à quelqu'un", "c'est noté", "parfait", "non plus tard", "ni oui ni non",
    "non, et pour un passeport ?", "pas de problème merci", "non rien d'autre", "non c'est clair merci",
    "Et pour les enfants, c'est pareil ?", "non, mon fils a perdu sa carte d'identité hier",
    "ah non, la piscine Jean Bouin pas celle-là", "👍", "non ça va merci", "top merci",
)
"""Said right after an automatic answer, but thanks, a polite close or a new question: not feedback."""

HELD_OUT_NEGATIVE = (
    "Non ça ne m'aide pas du tout", "pas terrible", "ça ne correspond pas", "non c'est pas la bonne réponse",
    "Votre réponse ne m'aide pas", "non, rien à voir avec ma demande", "mais non", "non non", "c'est pas ça du tout",
    "pas la bonne info", "ça ne répond absolument pas", "réponse à côté de la plaque", "NON", "non 😕",
    "toujours pas de réponse", "vous n'avez pas compris", "ce n'est pas ce que je demande", "pas du tout ça",
    "inutile votre réponse", "bof bof",
)
"""Written after the rule was frozen, never used to change it: the figures on these are reported as they came."""

HELD_OUT_OTHER = (
    "merci bien", "ok merci", "d'accord je vais voir", "non merci bonne journée", "non ça ira, merci", "génial",
    "et le samedi ?", "non, c'est pour ma mère", "non pas encore", "non je n'ai pas de compte", "non je suis à pied",
    "ah d'accord", "non, c'est quelle adresse ?", "oui c'est ça", "non mais merci", "Bonne journée",
    "non, je suis déjà inscrit", "non plus besoin", "pas de souci merci", "non c'est parfait merci",
)
