"""Fourth round of kinds for data/nlu/categories.yml: a citizen's situation that is a question, not a status or a
report.

Read on the scripted learning week (tests/e2e/learning_week_data.py) and on probes written for the purpose,
never on a blind set: citizens state a situation and leave the question implied, and kinds of them went to a form
instead of the FAQ search:
- a document **someone else asks them for** (an employer, a school, a landlord, a notary): "demande" and
  "réclame" are the words of the status examples ("ma demande"), so the message read as a follow-up;
- **lost property** ("I left it there, has someone brought it to you?"): read as a follow-up or a call for a person.
A third kind, something they want to do in the public space (a skip, scaffolding, a street party) read as a report,
was tried as wishes ("je voudrais poser une benne") and left out (docs/nlu-blind.md, "A fifth blind set"). The
objects and bodies below are other than the week's (no retirement fund, bag, keys or wallet), so that the week still
measures what the FAQ and the inbox do with wordings nobody wrote for them.
Used by tools/nlu_categories.py (``situation_kinds(rng)``).
"""

from __future__ import annotations

import random

# ------------------------------------------------------------------ a document someone else asks for
ASKERS = ["mon employeur", "l'école de mon fils", "le collège", "ma banque", "mon propriétaire", "l'agence immobilière",
          "le notaire", "la préfecture", "le consulat", "ma mutuelle", "l'assurance", "le club de foot",
          "l'université", "France Travail", "le tribunal", "l'auto-école", "mon futur employeur", "la crèche"]
DOCUMENTS = ["un extrait d'acte de naissance", "une copie intégrale d'acte de mariage", "un justificatif de domicile",
             "un certificat de résidence", "une attestation de recensement", "un livret de famille à jour",
             "une fiche d'état civil", "un certificat de vie commune", "une attestation d'hébergement",
             "un extrait d'acte de décès", "une légalisation de signature", "une copie conforme de mon diplôme",
             "un certificat d'hérédité", "une attestation de domicile"]
ASKED_PHRASES = ["{a} me demande {d}, comment je fais ?", "{a} me réclame {d}", "{a} exige {d}, où l'obtenir ?",
                 "{a} veut {d}, c'est vous qui le délivrez ?", "on me demande {d} pour {a}",
                 "{a} me demande {d}, ça se fait en mairie ?", "il me faut {d} pour {a}, je m'adresse où ?",
                 "{a} m'a demandé {d}, c'est possible de l'avoir vite ?"]
ASKED_EN = ["my employer is asking for a birth certificate, where do I get one?",
            "the school wants proof of address, can the town hall give me one?",
            "the notary needs a copy of our marriage certificate"]

# ------------------------------------------------------------------ lost property
OBJECTS = ["mes lunettes", "mon téléphone", "le doudou de ma fille", "mon parapluie", "mon écharpe", "ma montre",
           "le vélo de mon fils", "ma carte bancaire", "mon casque de moto", "un appareil photo",
           "la gourde de l'école", "mon manteau", "ma carte vitale", "le cartable de mon fils"]
LOST_PLACES = ["à la médiathèque", "au parc", "à la piscine", "au gymnase", "dans le tram", "à la fête de la musique",
               "sur le parking de la mairie", "au cimetière", "à la salle des fêtes", "devant l'école"]
LOST_PHRASES = ["j'ai perdu {o} {p}, quelqu'un l'a rapporté ?", "j'ai oublié {o} {p}, vous l'avez retrouvé ?",
                "{p}, j'ai perdu {o} hier, on vous l'a ramené ?", "est-ce que quelqu'un a déposé {o} trouvé {p} ?",
                "j'ai laissé {o} {p}, où sont les objets trouvés ?", "perdu {o} {p}, je peux venir voir à l'accueil ?"]
LOST_EN = ["I lost my phone in the park, has anyone handed it in?", "where is the lost property office?",
           "I left my umbrella at the library, did someone find it?"]

# ------------------------------------------------------------------ check_status: a file handed in, a follow-up
HANDED_IN = ["mon dossier de carte d'identité", "ma demande d'acte de naissance", "le dossier de permis de construire",
             "ma déclaration de travaux", "la demande de subvention de l'association",
             "le dossier d'inscription à la crèche"]
HANDED_PHRASES = ["j'ai déposé {h} il y a trois semaines, c'est en cours ?",
                  "{h} déposé à l'accueil, vous l'avez bien ?", "j'ai déposé {h} le mois dernier et toujours rien"]


def situation_kinds(rng: random.Random) -> dict[str, list[str]]:
    """Examples of each intent built by crossing the lists above with a few phrasings (rng: fixed seed)."""
    pick = rng.choice
    return {
        "ask_question": [pick(ASKED_PHRASES).format(a=asker, d=pick(DOCUMENTS)) for asker in ASKERS] + ASKED_EN
        + [pick(LOST_PHRASES).format(o=thing, p=pick(LOST_PLACES)) for thing in OBJECTS] + LOST_EN,
        "check_status": [pick(HANDED_PHRASES).format(h=handed) for handed in HANDED_IN],
    }
