"""Third round of kinds for data/nlu/categories.yml: where a question ends and a report, a status or small talk begins.

``ask_question`` was the fragile intent on the dev sets (tests/bot/nlu_blind_*.yml): sorting its errors in
both directions into kinds (never copying a message) gave
- questions *about* a street problem (how to report it, which service deals with it, whether the city or
  someone else is in charge), read as a report; questions on a street service at a named place (when it
  passes, whether it runs this week), read as a report;
- a procedure asked about with one's own situation in front (a child's age, a move, a wedding planned), read
  as a status; acronyms of city topics typed alone, read as small talk; questions in English on what the
  town hall offers, read as anything;
- and the other way: a booking, an appointment or an enrolment to confirm, and a follow-up on a report named
  by its kind of problem (in French and in English), read as questions; a fault stated in the present tense
  with a plain verb ("fuit", "grésille"), read as a question; a no that corrects a detail, insults of the form
  "quel <noun> ce <thing>" with an emoji.
Used by tools/nlu_categories.py (``question_kinds(rng)``).
"""

from __future__ import annotations

import random

# ------------------------------------------------------------------ ask_question: about a problem, not reporting it
# kinds of street problems, without entities: annotated, they made DIET tag "d'eau" in a report's details as a
# problem type (a test story failed); the questions need none (the problem_type slot ignores ask_question)
PROBLEMS = ["un trou dans la chaussée", "des tags sur une façade",
            "un arbre qui menace de tomber", "une fuite sous le trottoir",
            "des encombrants abandonnés", "un feu tricolore en panne",
            "un chien errant", "une voiture ventouse",
            "du bruit la nuit", "un trottoir abîmé", "des rats",
            "un banc cassé", "une plaque d'égout descellée",
            "des déchets après le marché", "un nid de frelons",
            "une borne de recharge hors service"]
PROBLEMS_EN = ["a pothole", "graffiti on my wall", "a fallen tree",
               "a broken streetlight", "rubbish dumped in the street",
               "noise from a bar at night"]
ABOUT_PROBLEM = ["comment signaler {x} ?", "quel service s'occupe de {x} ?", "qui dois-je prévenir pour {x} ?",
                 "où faire un signalement pour {x} ?", "quel numéro appeler pour {x} ?",
                 "c'est la mairie qui gère {x} ou quelqu'un d'autre ?", "on peut signaler {x} en ligne ?",
                 "que faire si je vois {x} ?", "est-ce à la mairie de s'occuper de {x} ?",
                 "vers quel service me tourner pour {x} ?"]
ABOUT_PROBLEM_EN = ["how do I report {x}?", "who deals with {x}?", "which department handles {x}?"]

# ------------------------------------------------------------------ ask_question: a street service at a place
STREET_SERVICES = ["le ramassage des encombrants", "la collecte du verre", "le passage de la balayeuse",
                   "la collecte des déchets verts", "le marché", "le stationnement alterné", "la zone bleue",
                   "le déneigement", "les travaux de voirie prévus", "la sortie des bacs"]
SERVICE_PLACES = ["[rue Victor Hugo](place)", "[quartier des Sablons](place)", "[avenue Foch](place)",
                  "[place du Marché](place)", "[lotissement les Érables](place)", "[centre-ville](place)"]
SERVICE_PHRASES = ["{s} {p}, c'est quel jour ?", "{s} {p}, ça se passe quand ?",
                   "est-ce qu'il y a {s} {p} cette semaine ?", "à quelle heure {s} {p} ?",
                   "{s} {p} : quels horaires ?"]

# ------------------------------------------------------------- ask_question: a procedure, one's own situation first
SITUATIONS = ["mon fils entre en CP à la rentrée", "on attend un bébé pour mars", "on se marie l'été prochain",
              "je viens d'avoir 18 ans", "on emménage dans la commune en juillet", "mon père a 80 ans et vit seul",
              "notre association vient d'être créée", "mon fils a 16 ans", "ma fille aura 6 ans en mai",
              "je vends ma maison", "mon mari est décédé le mois dernier", "nous adoptons un chien"]
SITUATION_QUESTIONS = ["quelles démarches ?", "on s'y prend quand ?", "que faut-il faire à la mairie ?",
                       "à partir de quand peut-on faire les papiers ?", "il y a un dossier à remplir ?",
                       "c'est à quelle période les inscriptions ?", "on commence par quoi ?"]
# acronyms of city topics typed alone: a question to the FAQ
ACRONYMS = ["ANTS", "CAF", "APL", "RSA", "ALSH", "PMR", "ZFE", "TEOM", "ERP", "CERFA", "QF", "AAH"]
# English questions on what the town hall offers
QUESTIONS_EN = ["Is the town hall wheelchair accessible?", "Can I pay by card at the town hall?",
                "Where can I find the list of events in town?", "Is there free wifi at the library?",
                "Do I need to register at the town hall when I move here?", "Are there French classes for adults?",
                "Can I bring my dog into the parks?", "Who do I ask about a place at the nursery?",
                "Is there a job centre in town?", "How much is a resident parking permit?"]

# ------------------------------------------------------------------ check_status: a booking to confirm, a follow-up
BOOKINGS = ["la réservation de la salle des fêtes", "mon rendez-vous pour la carte d'identité",
            "le créneau au gymnase pour notre club", "ma place au vide-grenier", "la réservation du minibus municipal",
            "mon inscription au repas des aînés", "mon rendez-vous au service urbanisme",
            "la sortie seniors que j'ai réservée", "l'inscription de mon fils au stage de foot",
            "ma réservation pour la visite de l'hôtel de ville"]
CONFIRM_PHRASES = ["c'est confirmé pour {b} ?", "toujours pas de confirmation pour {b}, c'est bon ?",
                   "vous pouvez me confirmer {b} ?", "j'ai fait la demande en ligne pour {b}, c'est validé ?",
                   "{b} : c'est bien noté de votre côté ?", "pas reçu de mail pour {b}, c'est enregistré ?"]
BOOKINGS_EN = ["my booking of the community hall", "my appointment for the passport",
               "my son's place at the summer camp"]
CONFIRM_PHRASES_EN = ["is {b} confirmed?", "I haven't had any confirmation for {b}, is it ok?"]
# follow-ups naming the kind of problem reported (no entity: as the status examples)
REPORTED = ["les tags sur l'école", "le trou devant chez moi", "l'arbre tombé au parc", "la fuite dans la rue",
            "les encombrants dans l'impasse", "le feu en panne", "le banc cassé", "les rats près du marché"]
REPORTED_PHRASES = ["j'ai signalé {r} il y a dix jours, c'est pris en compte ?",
                    "mon signalement sur {r}, quelqu'un l'a traité ?", "vous avez bien reçu mon signalement pour {r} ?",
                    "{r} : signalé lundi, c'est programmé ?", "suite à mon signalement pour {r}, du nouveau ?"]
REPORTED_EN = ["the graffiti on the school", "the hole outside my house", "the fallen tree in the park",
               "the leak in my street", "the broken bench"]
REPORTED_PHRASES_EN = ["I reported {r} a few days ago, any news?", "what happened to my report about {r}?",
                       "has anyone looked at {r} I reported?"]

# ------------------------------------------------------------------ report_problem: a fault with a plain verb
PLAIN_FAULTS = [
    "le [robinet](problem_type) du cimetière fuit",
    "le [lampadaire](problem_type) grésille [rue Haute](place)",
    "l'[horloge](problem_type) de la place est arrêtée",
    "la [borne incendie](problem_type) coule [rue Neuve](place)",
    "le toit de l'[abribus](problem_type) goutte",
    "le [panneau lumineux](problem_type) de la mairie clignote",
    "la [barrière](problem_type) du square grince et ne ferme plus",
    "le [caniveau](problem_type) déborde [rue Basse](place)",
    "la [cloche](problem_type) du portail de l'école sonne toute seule",
    "le [bassin](problem_type) du rond-point déborde sur la route",
    "le [sol](problem_type) du préau se fissure",
    "la [rambarde](problem_type) du pont bouge",
    "la [pompe](problem_type) du jardin partagé ne débite plus",
    "l'[éclairage](problem_type) du stade reste allumé la nuit",
]

# ------------------------------------------------------------------ deny: a no that corrects a detail
CORRECTIONS = ["c'est l'autre trottoir", "pas ce numéro-là", "c'est plus haut dans la rue", "ce n'est pas le bon jour",
               "pas à cette adresse", "c'est de l'autre côté de la place", "c'est le bâtiment B", "pas ce dossier-là"]
DENY_CORRECT = ["non, {c}", "nan {c}", "non non, {c}", "pas du tout, {c}"]
CORRECTIONS_EN = ["no, not that address", "no, it's the other side of the road", "no, not that file",
                  "nah, other building"]

# ------------------------------------------------------------------ insult: "quel <noun> ce <thing>", emoji
INSULT_NOUNS = ["quel crétin", "quel abruti", "quelle nullité", "quelle daube", "quelle arnaque", "quelle blague",
                "quelle calamité"]
THINGS = ["robot", "site", "assistant", "programme", "chatbot", "machin"]
EMOJIS = ["😡", "🤮", "🙄", "💩", "🤡", ""]


def elide(text: str) -> str:
    """French contractions after "de" once a kind is put in a phrasing ("de un" -> "d'un", "de des" -> "des")."""
    for loose, tight in (("de un ", "d'un "), ("de une ", "d'une "), ("de des ", "des "), ("de du ", "du ")):
        text = text.replace(loose, tight)
    return text


def question_kinds(rng: random.Random) -> dict[str, list[str]]:
    """Examples of each intent built by crossing the lists above with a few phrasings (rng: fixed seed)."""
    pick = rng.choice

    return {
        "ask_question": [elide(phrase.format(x=x)) for x in PROBLEMS for phrase in rng.sample(ABOUT_PROBLEM, 2)]
        + [pick(ABOUT_PROBLEM_EN).format(x=x) for x in PROBLEMS_EN]
        + [pick(SERVICE_PHRASES).format(s=s, p=pick(SERVICE_PLACES)) for s in STREET_SERVICES]
        + [f"{s}, {pick(SITUATION_QUESTIONS)}" for s in SITUATIONS] + ACRONYMS + QUESTIONS_EN,
        "check_status": [phrase.format(b=b) for b in BOOKINGS for phrase in rng.sample(CONFIRM_PHRASES, 2)]
        + [pick(CONFIRM_PHRASES_EN).format(b=b) for b in BOOKINGS_EN]
        + [pick(REPORTED_PHRASES).format(r=r) for r in REPORTED] + [pick(REPORTED_PHRASES_EN).format(r=r)
                                                                     for r in REPORTED_EN],
        "report_problem": PLAIN_FAULTS,
        "deny": [pick(DENY_CORRECT).format(c=c) for c in CORRECTIONS] + CORRECTIONS_EN,
        "insult": [f"{n} ce {pick(THINGS)} {pick(EMOJIS)}".strip() for n in INSULT_NOUNS],
    }
