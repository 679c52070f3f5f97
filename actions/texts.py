"""Every French sentence the actions can send (domain responses live in bot/domain.yml).

Placeholders use str.format. tests/actions/test_texts.py checks that each text, filled
with long realistic values, fits in 280 weighted characters.
"""

# --- generic -----------------------------------------------------------------
PROMPT_REPHRASE = (
    "Je n'ai pas bien compris votre message. Pouvez-vous l'écrire en quelques mots ? "
    "Vous pouvez aussi taper « agent » pour parler à une personne."
)
PROMPT_EMPTY = (
    "Bonjour ! Je suis l'assistant automatique de la Ville. Écrivez votre question en "
    "quelques mots, ou tapez « agent » pour parler à une personne."
)
PROMPT_LINK_ONLY = (
    "Merci pour le lien, mais je ne peux pas l'ouvrir. Dites-moi en quelques mots ce que "
    "vous cherchez, ou tapez « agent » pour parler à une personne."
)
NO_PENDING_CHOICE = (
    "Je n'ai pas de liste de choix en cours. Posez-moi votre question en quelques mots, "
    "ou tapez « agent » pour parler à une personne."
)

NO_ANSWER_DURING_FORM = (
    "Je n'ai pas de réponse sûre à cette question. Un agent pourra y répondre une fois votre demande enregistrée."
)

# --- clarification -------------------------------------------------------------
CLARIFY_INTRO = "Je ne suis pas sûr d'avoir compris. Voulez-vous parler de :"
CLARIFY_OUTRO = "? Répondez par le numéro, ou « aucun »."

# --- handoff -------------------------------------------------------------------
HANDOFF_INTRO = {
    "request_human": "Je vous mets en relation avec un agent de la Ville.",
    "unanswered": "Je n'ai pas de réponse sûre à votre question : je la transmets à un agent de la Ville.",
    "question": "Votre message est détaillé : je le transmets à un agent de la Ville.",
    "insult": "Je transmets notre échange à un agent de la Ville.",
    "error": "Je transmets votre message à un agent de la Ville.",
    "report_problem": "Je transmets votre signalement à un agent de la Ville.",
}
HANDOFF_SHORT_INTRO = "Je transmets à un agent."
HANDOFF_REFERENCE = "Votre référence : {reference}."
HANDOFF_API_DOWN = (
    "Désolé, je rencontre un problème technique. Je transmets votre message à un agent "
    "de la Ville, qui vous répondra ici dès que possible."
)

# --- insults -------------------------------------------------------------------
INSULT_FIRST = (
    "Je comprends que vous soyez agacé. Je suis là pour vous aider : dites-moi en "
    "quelques mots ce dont vous avez besoin, ou tapez « agent » pour parler à une personne."
)

# --- report a problem -----------------------------------------------------------
ASK_PROBLEM_TYPE = (
    "Quel est le problème ? Par exemple : lampadaire allumé, nid-de-poule, dépôt sauvage, tag, feu tricolore en panne."
)
ASK_PLACE = (
    "Où se trouve le problème ? Donnez l'adresse (numéro et rue) ou un repère proche, par "
    "exemple « devant l'école Jules Ferry »."
)
ASK_PROBLEM_DETAILS = "Voulez-vous ajouter un détail ? Sinon répondez non."
# said before the form asks again (the question follows)
REPORT_ASK_TYPE_AGAIN = "Je n'ai pas compris le problème."
REPORT_ASK_PLACE_AGAIN = "Je n'ai pas compris l'endroit."
REPORT_CORRECTED = "C'est corrigé : {problem}, {place}."
REPORT_CORRECTED_TYPE = "C'est corrigé : {problem}."
REPORT_DETAIL_PROMPT = "Je vous écoute : écrivez votre détail en quelques mots."
REPORT_DONE = "Merci, votre signalement est enregistré ({problem}, {place}). Votre numéro de suivi : {reference}."
REPORT_API_DOWN = (
    "Désolé, je n'arrive pas à enregistrer votre signalement pour le moment. Je le "
    "transmets à un agent de la Ville, qui vous répondra ici dès que possible."
)
REPORT_CANCELLED = "D'accord, j'annule ce signalement. Vous pouvez recommencer quand vous voulez."

# --- where is my request ----------------------------------------------------------
ASK_REFERENCE = "Quel est le numéro de votre demande ? Il commence par G-, par exemple G-7K3Q9."
STATUS_BAD_REFERENCE = "Je ne reconnais pas ce numéro. Si vous ne l'avez pas, répondez non."
STATUS_WAITING = (
    "Votre demande {reference} est bien enregistrée. Elle attend d'être prise en charge par le service {department}."
)
STATUS_ASSIGNED = "Votre demande {reference} est en cours : un agent du service {department} s'en occupe."
STATUS_RESOLVED = "Votre demande {reference} est traitée. Si le problème continue, écrivez-le-moi ici."
STATUS_UPDATED = "Dernière mise à jour le {date}."
STATUS_UNKNOWN = (
    "Je ne trouve aucune demande avec le numéro {reference}. Vérifiez-le (il ressemble à "
    "G-7K3Q9) ou tapez « agent » pour parler à une personne."
)
STATUS_CANCELLED = (
    "D'accord. Sans numéro, je ne peux pas retrouver votre demande. Tapez « agent » si "
    "vous voulez qu'une personne vous aide."
)

GOODBYE = "Au revoir et bonne journée ! Vous pouvez revenir ici quand vous voulez."
