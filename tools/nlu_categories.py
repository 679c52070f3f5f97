"""Write data/nlu/categories.yml: training examples built from categories, not from test messages.

Each weak intent found on a blind set is covered by crossing *kinds* (kinds of administrative requests,
file-number forms, kinds of public-space problems and places, insulting nouns and adjectives, ways of
asking for a person or a phone call, slang and English) with a few phrasings. Deterministic (fixed seed);
run ``.venv/bin/python -m tools.nlu_categories`` after editing a list, and commit both files.
"""

from __future__ import annotations

import random
from pathlib import Path

from tools.nlu_kinds import kinds
from tools.nlu_question_kinds import question_kinds
from tools.nlu_situation_kinds import situation_kinds

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "data" / "nlu" / "categories.yml"
SEED = 17

# ------------------------------------------------------------------ check_status
# administrative requests that are not street problems: documents, enrolments, housing, bookings, permits
REQUESTS = [
    "ma demande de passeport", "ma demande de carte d'identité", "mon dossier de CNI", "ma demande d'acte de naissance",
    "ma demande de copie d'acte de mariage", "mon livret de famille", "l'inscription de ma fille à l'école",
    "l'inscription à la cantine", "l'inscription au périscolaire", "mon dossier de place en crèche",
    "ma demande de logement", "mon dossier HLM", "mon permis de construire", "ma déclaration de travaux",
    "ma demande de certificat d'urbanisme", "ma demande d'autorisation de terrasse", "ma carte de stationnement",
    "mon abonnement au stationnement", "la demande de subvention de notre club", "ma location de la salle municipale",
    "ma réservation du gymnase", "la réservation du terrain de foot", "ma demande de concession au cimetière",
    "mon inscription sur les listes électorales", "l'attestation d'accueil pour ma mère",
    "ma demande d'aide au centre social", "l'inscription de mon fils au conservatoire", "ma carte de la médiathèque",
    "ma demande de changement d'adresse", "le dossier de mariage", "notre dossier de PACS",
    "ma demande de rendez-vous pour les papiers", "ma demande d'emplacement au marché",
    "l'inscription au séjour d'été", "ma demande de bac à compost", "la demande d'arrêté pour mon déménagement",
    "ma demande de badge déchetterie", "l'inscription au stage de natation", "ma demande de raccordement",
    "mon dossier de bourse communale",
]
REQUESTS_EN = [
    "my passport application", "my ID card renewal", "my daughter's school enrolment", "my social housing application",
    "my building permit", "the community hall booking", "my parking permit", "my birth certificate request",
    "the grant application for our association", "my nursery application",
]
STATUS_PHRASES = [
    "où en est {r} ?", "{r}, ça avance ?", "des nouvelles de {r} ?", "{r}, c'est accepté ou pas ?",
    "je n'ai toujours pas de réponse pour {r}", "est-ce que c'est validé pour {r} ?", "{r}, c'est toujours en cours ?",
    "j'attends depuis des semaines pour {r}, c'est normal ?", "pouvez-vous me dire si c'est traité pour {r} ?",
    "le dossier est complet pour {r} ?", "on m'a dit de relancer pour {r}", "ya du nouveau pour {r} ?",
    "c bon pour {r} ou pas", "quand est-ce que j'aurai une réponse pour {r} ?", "vous avez bien reçu {r} ?",
    "je me renseigne sur l'avancement de {r}", "{r} : toujours rien reçu",
]
STATUS_PHRASES_EN = [
    "any update on {r}?", "what is the status of {r}?", "has {r} been approved?", "still waiting for {r}, any news?",
    "was {r} received?",
]
# file numbers in the forms a citizen copies from a letter, a receipt or an email
FILE_NUMBERS = [
    "2024-00871", "2025/0412", "n° 45871", "n°2023-1187", "#7731", "# 1204", "ticket 55210", "n°URB-2024-311",
    "PC 069 123 24 00007", "DP 033 063 25 0021", "dossier 24/1573", "réf 2025-ET-0042", "AB-2024-7781",
    "numéro 987412", "demande 2024000315", "CU 075 114 24 00102",
]
NUMBER_PHRASES = [
    "où en est le dossier {n} ?", "suivi du dossier {n} svp", "{n} ça en est où", "ma demande {n} est traitée ?",
    "je relance pour le {n}", "des nouvelles du ticket {n} ?", "dossier {n}, toujours en attente ?",
    "état de la demande {n}", "j'ai le numéro {n}, vous pouvez regarder ?", "status of {n}?",
]
# a follow-up on an earlier report, with no new fact
FOLLOW_UPS = [
    "je vous ai écrit la semaine dernière pour le lampadaire, quelqu'un est passé ?",
    "le trou que j'ai signalé mardi, c'est prévu quand ?",
    "j'avais fait un signalement pour des tags, il a été transmis ?",
    "mon signalement d'hier sur les poubelles, vous l'avez vu ?",
    "j'ai signalé un dépôt sauvage il y a 15 jours, toujours là, vous en êtes où ?",
    "vous aviez noté ma remarque sur le feu rouge, il y a du nouveau ?",
    "suite à mon message sur le bruit, quelqu'un s'en occupe ?",
    "relance pour mon signalement de la semaine passée",
    "any news about the pothole I reported?",
    "did anyone look at my report about the broken bench?",
    "est-ce que ma réclamation a été transmise au bon service ?",
    "je reviens vers vous pour ma demande de la semaine dernière",
]

# ------------------------------------------------------------------ report_problem (facts, no verb of breaking)
# (thing, problem_type entity or None, [places])
FACTS = [
    "des [éclats de verre](problem_type) partout sur {p}", "un [nid de frelons](problem_type) sous le préau de {p}",
    "des [rats](problem_type) près des conteneurs de {p}", "un [sanglier](problem_type) dans {p} ce matin",
    "un [chien errant](problem_type) qui aboie sur les passants {p}", "[plaque d'égout](problem_type) ouverte {p}",
    "une [branche](problem_type) à moitié arrachée au-dessus du trottoir {p}",
    "une [fuite](problem_type) sur la chaussée {p} depuis ce matin", "[voiture brûlée](problem_type) abandonnée {p}",
    "des [clous](problem_type) sur la piste cyclable {p}", "[odeur d'égout](problem_type) insupportable {p}",
    "[poubelles](problem_type) pleines à ras bord {p}", "sacs d'[ordures](problem_type) éventrés {p}",
    "[musique](problem_type) à fond toutes les nuits {p}", "[scooters](problem_type) qui tournent la nuit {p}",
    "une [alarme](problem_type) qui sonne depuis 3 h du matin {p}", "[tapage](problem_type) tous les soirs {p}",
    "[horodateur](problem_type) HS {p}", "[horodateur](problem_type) qui garde les pièces sans ticket {p}",
    "la [barrière](problem_type) du parking bloquée {p}", "[fontaine](problem_type) à sec {p}",
    "[distributeur de sacs](problem_type) pour chiens vide {p}", "[panneau](problem_type) couché par terre {p}",
    "[lampadaire](problem_type) mort {p}", "[feu](problem_type) bloqué au rouge {p}",
    "[toboggan](problem_type) avec une vis qui dépasse {p}", "[banc](problem_type) en morceaux {p}",
    "[grille](problem_type) descellée {p}", "[flaque](problem_type) géante à chaque pluie {p}",
    "[câbles](problem_type) à nu {p}", "[bouche d'égout](problem_type) bouchée {p}",
    "[ascenseur](problem_type) en rade {p}", "[borne](problem_type) de recharge en rade {p}",
    "[escalator](problem_type) à l'arrêt depuis une semaine {p}", "[arbre](problem_type) penché sur la route {p}",
    "[pigeons morts](problem_type) {p}", "[crottes](problem_type) partout {p}",
    "[toilettes publiques](problem_type) bouchées {p}",
    "la [porte](problem_type) de l'école ne ferme plus {p}", "[fuite](problem_type) au plafond de la médiathèque {p}",
    "[douches](problem_type) froides aux vestiaires du stade {p}", "[verre cassé](problem_type) au pied des jeux {p}",
    "des [déchets dangereux](problem_type) près du bac à fleurs {p}",
    "un [poteau](problem_type) qui penche dangereusement {p}",
    "[fils électriques](problem_type) qui sortent d'un boîtier {p}", "[regard](problem_type) sans couvercle {p}",
]
PLACES = [
    "[rue des Tilleuls](place)", "au [square Pasteur](place)", "devant l'[école Marie Curie](place)",
    "à l'[arrêt de bus Mairie](place)", "au [parking du marché](place)", "[place Carnot](place)",
    "près du [gymnase](place)", "au [cimetière de l'Est](place)", "[avenue de Verdun](place)",
    "au [skatepark](place)", "sous le [pont de la Marne](place)", "[quai des Bateliers](place)",
    "à la sortie du [collège](place)", "dans la [résidence des Peupliers](place)",
]
FACTS_EN = [
    "broken glass all over the playground [on Park Street](place)",
    "[streetlight](problem_type) out [on Maple avenue](place) for a week",
    "overflowing [bins](problem_type) [near the station](place)",
    "loud [music](problem_type) every night [next door](place)",
    "[pothole](problem_type) the size of a bathtub [on the main road](place)",
    "the [parking meter](problem_type) [at the market](place) eats coins",
    ]

# ------------------------------------------------------------------ insult (nouns, adjectives)
INSULT_NOUNS = ["incapables", "guignols", "charlots", "tocards", "branquignols", "nazes", "glandeurs",
                "amateurs", "rigolos", "boulets", "nullités", "manches", "bras cassés", "ronds-de-cuir", "escrocs",
                "voleurs", "bons à rien", "incompétents"]
INSULT_ADJECTIVES = ["lamentable", "pathétique", "pitoyable", "ridicule", "minable", "inutile", "débile", "stupide",
                     "nulle", "bidon", "honteux", "risible"]
INSULT_PHRASES_NOUNS = ["bande de {w}", "tous des {w}", "vous êtes des {w}", "une mairie de {w}",
                        "des {w} payés par nos impôts", "{w} !", "quels {w} à la mairie"]
INSULT_PHRASES_ADJ = ["service {w}", "ce bot est {w}", "{w}, ce robot", "vraiment {w} votre assistant",
                      "assistant {w}", "mairie {w}"]
INSULT_EXTRA = [
    "t'es bête comme tes pieds", "espèce d'ordinateur débile", "tas de ferraille", "machine à rien",
    "robot stupide et inutile", "cervelle de moineau", "idiot de programme", "t'as un pois chiche dans la tête",
    "you idiots", "dumb bot", "stupid machine", "morons", "bunch of clowns", "what a joke", "worthless bot",
    "go to hell", "shut up", "idiots", "pathetic", "wtf is this garbage",
    "t'as le QI d'une huître", "aussi utile qu'un parapluie troué", "plus lent qu'une tortue et plus bête",
    "ton programme a été codé par un singe", "même mon grille-pain est plus malin", "vous êtes des sangsues",
    "bande de profiteurs", "feignants de fonctionnaires", "you're a useless waste of money", "garbage bot",
    "what a bunch of losers",
]

# ------------------------------------------------------------------ request_human (a person, a call)
HUMAN = [
    "je peux avoir quelqu'un au téléphone ?", "vous pouvez m'appeler ?", "rappelez-moi svp",
    "un appel serait plus simple", "je préfère expliquer de vive voix", "quel numéro pour parler à quelqu'un ?",
    "je voudrais être rappelée demain matin",
    "je veux un interlocuteur, pas un robot", "une personne en chair et en os svp", "un être humain svp",
    "j'ai besoin d'un vrai interlocuteur", "je veux causer à quelqu'un de vrai", "passez-moi un vrai agent",
    "je tourne en rond, passez-moi quelqu'un", "trop compliqué pour un robot, il me faut une personne",
    "transférez-moi à quelqu'un qui peut m'aider", "je voudrais joindre le standard", "l'accueil téléphonique svp",
    "je peux appeler un conseiller ?", "qqn peut m'appeler ?", "on peut s'appeler ?", "dispo pour un appel ?",
    "mettez-moi en ligne avec un agent", "je veux une vraie réponse d'une vraie personne",
    "mon cas est particulier, je veux parler à un agent", "un conseiller peut me contacter par téléphone ?",
    "je veux parler avec quelqu'un, pas écrire à une machine",
    "can someone call me back?", "I want to speak to a real person", "is there a phone number to reach an agent?",
    "put me through to someone", "I need a human being", "call me please",
]
# ------------------------------------------------------------------ bot_challenge (English, slang)
BOT = [
    "are you human?", "is this a chatbot?", "r u a bot", "you a robot?", "is a real person answering?",
    "am i chatting with an AI?", "bot or human?", "are these answers automatic?", "is this ChatGPT?",
    "t'es un robot ou quoi ?", "c'est un ordi qui répond ?", "t un bot ?", "t'es une vraie meuf ou un robot ?",
    "c'est un vrai gars qui écrit ?", "y a un humain ou c'est l'IA ?", "c'est généré automatiquement ?",
    "c'est une machine qui écrit ces messages ?", "je cause à un programme là ?", "t'es codé par qui ?",
]
# ------------------------------------------------------------------ thank (slang)
THANKS = ["merci frère", "thx bcp", "ty", "tx", "thanks bro", "trop cool merci", "t'es un chef", "au top merci",
          "big up la mairie", "merci, t'assures", "respect merci", "merci c'est carré", "merci du fond du cœur",
          "thank u", "ty so much", "merci ça marche nickel"]
# ------------------------------------------------------------------ ask_question (procedures, not a status)
QUESTIONS = [
    "comment faire une demande de logement social ?", "quels documents pour inscrire mon enfant à la cantine ?",
    "comment réserver une salle municipale ?", "combien coûte la location du gymnase ?",
    "quel est le délai pour un permis de construire ?", "comment obtenir une carte de stationnement résident ?",
    "comment s'inscrire sur les listes électorales ?", "où faire le recensement citoyen ?",
    "comment demander une subvention pour une association ?", "comment inscrire mon bébé en crèche ?",
    "how do I apply for a parking permit?", "what documents do I need for a passport?",
    "quels sont les horaires de la déchetterie ?", "les chiens sont-ils autorisés dans les parcs ?",
    "à quelle heure ferme le cimetière ?", "est-ce que la piscine est ouverte le dimanche ?",
    "je voudrais savoir si le marché a lieu le lundi", "je me demande si la médiathèque prête des liseuses",
    "faut-il une autorisation pour un vide-grenier ?",
    "je voudrais savoir s'il faut réserver pour la déchetterie",
    "est-ce qu'il faut un permis pour une piscine hors sol ?",
    "on vient d'emménager, quelles démarches ?",
    "est-ce que la salle des sports se loue aux particuliers ?",
]
# a topic typed alone (one or two words): a question to the FAQ, not small talk
TOPICS = ["passeport", "cni", "mariage", "pacs", "état civil", "acte de naissance", "cantine", "crèche", "école",
          "périscolaire", "piscine", "médiathèque", "bibliothèque", "horaires", "déchetterie", "tri sélectif",
          "composteur", "stationnement", "vignette", "logement", "urbanisme", "permis de construire", "travaux",
          "élections", "recensement", "cimetière", "marché", "associations", "gymnase", "bus", "impôts locaux",
          "taxe foncière", "emploi", "CCAS", "aides sociales", "centre de loisirs", "salle des fêtes", "chien",
          "rendez-vous", "papiers", "identité", "tarifs", "inscriptions", "vacances scolaires", "navette",
          "pass sport", "permis", "livret de famille", "seniors", "jeunesse",
          # the nouns the status examples use, typed alone, are still topics (a test story: "inscription")
          "inscription", "inscription périscolaire", "justificatif de domicile", "déclaration de travaux",
          "subvention", "concession", "carte grise", "colonie"]
# answers to the bot's own question (yes/no about the request, the number, the place): not a status request
ANSWERS_YES = ["oui c'est bien ça", "oui c'est ma demande", "oui c'est bien l'adresse", "tout à fait, c'est ça",
               "yes that's my request", "c'est ça oui"]
ANSWERS_NO = ["non, ce n'est pas mon dossier", "non ce n'est pas ça", "non c'est pas la bonne demande",
              "non, je n'ai pas de numéro", "non, ce n'est pas ma question",
              "no that's not my request", "non pas du tout, c'est une autre demande"]


def status(rng: random.Random) -> list[str]:
    lines = [rng.choice(STATUS_PHRASES).format(r=request) for request in REQUESTS]
    lines += [rng.choice(STATUS_PHRASES).format(r=request) for request in rng.sample(REQUESTS, 12)]
    lines += [rng.choice(STATUS_PHRASES_EN).format(r=request) for request in REQUESTS_EN]
    lines += [rng.choice(NUMBER_PHRASES).format(n=number) for number in FILE_NUMBERS]
    return lines + FOLLOW_UPS


def problems(rng: random.Random) -> list[str]:
    return [fact.format(p=rng.choice(PLACES)) for fact in FACTS] + FACTS_EN


def insults(rng: random.Random) -> list[str]:
    lines = [rng.choice(INSULT_PHRASES_NOUNS).format(w=word) for word in INSULT_NOUNS]
    lines += [rng.choice(INSULT_PHRASES_ADJ).format(w=word) for word in INSULT_ADJECTIVES]
    return lines + INSULT_EXTRA


def block(intent: str, lines: list[str]) -> str:
    unique = list(dict.fromkeys(line[0].upper() + line[1:] if i % 3 == 0 else line for i, line in enumerate(lines)))
    body = "\n".join(f"      - {line}" for line in unique)
    return f"  - intent: {intent}\n    examples: |\n{body}\n"


def render() -> str:
    rng = random.Random(SEED)
    lists = {"check_status": status(rng), "report_problem": problems(rng), "insult": insults(rng),
             "request_human": HUMAN, "bot_challenge": BOT, "thank": THANKS, "ask_question": QUESTIONS + TOPICS,
             "affirm": ANSWERS_YES, "deny": ANSWERS_NO, "greet": [], "goodbye": []}
    for intent, lines in kinds(random.Random(SEED + 1)).items():
        lists[intent] = lists[intent] + lines
    for intent, lines in question_kinds(random.Random(SEED + 2)).items():
        lists[intent] = lists[intent] + lines
    for intent, lines in situation_kinds(random.Random(SEED + 3)).items():
        lists[intent] = lists[intent] + lines
    parts = [block(intent, lines) for intent, lines in lists.items()]
    return ('version: "3.1"\n# Generated by tools/nlu_categories.py from lists of kinds (do not edit by hand).\n'
            "nlu:\n" + "\n".join(parts))


def main() -> None:
    TARGET.write_text(render())
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
