"""Second round of kinds for data/nlu/categories.yml: messages that carry context around their intent.

Found by sorting the errors on the dev sets and the held-out split into kinds (never by copying a message):
thanks that name what was done, greetings with an introduction, a yes that adds a detail, answers by emoji,
problems in public buildings or stated with a negation, dangerous objects where children play, services
that did not come, questions about street equipment and rules or about who may get an aid, a status asked
after sending a file, a person asked for because the citizen struggles, the bot asked whether it is human,
insults aimed at staff or at the bot in English; then, from the held-out split's errors: a document or help
with a procedure asked for, the chat ended in so many words, asking how to reach a person; and how to make an
administrative request (a question) set against where it stands (a status), reports and questions ending
with a polite formula, swearing with hidden letters.
Used by tools/nlu_categories.py (``kinds(rng)``).
"""

from __future__ import annotations

import random

# ------------------------------------------------------------------ thank (naming what was done)
DONE = [
    "j'ai pu déposer mon dossier", "j'ai réussi à réserver la salle", "le banc a été changé", "les tags ont disparu",
    "le trou a été rebouché", "ma carte d'identité est prête", "je sais où aller maintenant",
    "j'ai téléchargé le bon formulaire", "l'inscription à la cantine est faite", "le conteneur a été vidé ce matin",
    "tout est réglé", "mon problème est résolu", "l'agent m'a bien rappelée", "j'ai trouvé le bon service",
    "le passeport est arrivé", "mon rendez-vous est pris pour jeudi", "la fuite a été réparée en une matinée",
    "j'ai eu toutes les réponses", "on a pu organiser la fête des voisins", "le dossier est parti",
]
THANK_DONE = ["merci, {d}", "merci beaucoup, {d}", "{d}, merci !", "je vous remercie, {d}", "super, {d}, merci",
              "{d} grâce à vous, merci", "top, {d}, merci à l'équipe"]
THANK_FOR = ["merci pour l'info sur {t}", "merci pour les renseignements sur {t}", "merci pr l'info {t}",
             "merci de m'avoir renseigné sur {t}", "thanks for the info about {t}"]
THANK_STAFF = ["merci à l'agent qui m'a reçu ce matin, très patient", "un grand merci aux agents de la voirie",
               "merci à la dame de l'accueil pour sa gentillesse", "bravo et merci aux équipes pour la réactivité",
               "merci d'avoir réglé ça aussi vite", "merci d'avoir pris le temps de me répondre"]

# ------------------------------------------------------------------ greet (with an introduction, no request yet)
GREETINGS = ["bonjour", "bonsoir", "salut", "bjr", "hello"]
WHO = [
    "je suis une habitante de la rue Pasteur", "ici le gardien de la résidence Bellevue", "je m'appelle Paul Martin",
    "c'est madame Leroy", "je suis le président du club de foot", "je suis nouveau dans la commune",
    "je suis commerçante place Carnot", "parent d'élève à l'école Jaurès", "je vous écris pour ma voisine",
    "c'est Karim du 14", "je suis la secrétaire de l'association des jardins", "moi c'est Julie",
    "I'm a new resident", "ici la boulangerie du centre",
]

# ------------------------------------------------------------------ affirm (a yes that adds a detail, SMS, emoji)
DETAILS = [
    "c'est au 8 avenue Foch", "juste à côté de la pharmacie", "en face de l'église", "c'est bien demain matin",
    "c'est mon numéro", "c'est bien mon adresse mail", "c'est le bon dossier", "au coin de la rue des Écoles",
    "à l'entrée du parking", "le 3 mai", "derrière la poste", "pour deux personnes",
]
AFFIRM_DETAIL = ["oui, {d}", "exact, {d}", "c'est ça, {d}", "tout à fait, {d}", "oui oui {d}", "yes, {d}"]
AFFIRM_SHORT = ["c ça", "c'est ok", "c ok pr moi", "ok ça roule", "oui c juste", "en effet", "précisément",
                "tout juste", "c'est juste", "ça colle", "ça m'arrange", "ok 👍", "oui 👍", "✅", "👌", "✔️", "🆗",
                "ok 👌", "oui ✅", "ouep c'est ça", "wé", "oué", "carrément", "ça marche pour moi", "ok go"]
DENY_SHORT = ["👎", "🚫", "✖️", "non 👎", "non ❌", "🙅", "nope 👎", "non merci 🙅", "nan c pas ça", "nn",
              "non non", "négatif", "pas du tout ❌", "surtout pas"]

# ------------------------------------------------------------------ report_problem (public buildings, negations)
EQUIPMENT = [
    "le [chauffage](problem_type) ne fonctionne pas {b}", "pas de [chauffage](problem_type) {b} depuis lundi",
    "plus d'eau chaude aux [douches](problem_type) {b}", "les [toilettes](problem_type) {b} sont hors service",
    "la [porte automatique](problem_type) {b} reste bloquée", "l'[ascenseur](problem_type) {b} est bloqué au 2e",
    "la [lumière](problem_type) ne s'allume plus {b}", "une [fuite](problem_type) au plafond {b}",
    "la [climatisation](problem_type) ne marche pas {b}, on étouffe", "des [vitres](problem_type) cassées {b}",
    "le [portail](problem_type) {b} ne ferme plus", "l'[alarme incendie](problem_type) sonne pour rien {b}",
    "la [rampe d'accès](problem_type) {b} est cassée, impossible d'entrer en fauteuil",
    "[radiateurs](problem_type) froids {b}, les enfants gardent leur manteau",
]
BUILDINGS = [
    "au gymnase Jean Moulin", "à la salle des fêtes", "à l'école maternelle des Tilleuls", "à la médiathèque",
    "à la piscine municipale", "au centre social", "à la maison des associations", "dans les vestiaires du stade",
    "à la crèche des Lilas", "au conservatoire", "dans le hall de l'hôtel de ville", "au dojo",
]
NEGATED = [
    "les [poubelles](problem_type) n'ont pas été vidées {p}", "la [neige](problem_type) n'a pas été déblayée {p}",
    "le [camion poubelle](problem_type) n'est pas passé {p}",
    "les [bacs jaunes](problem_type) ne sont jamais vidés {p}",
    "personne n'est venu réparer le [lampadaire](problem_type) {p}", "aucun [éclairage](problem_type) le soir {p}",
    "on ne voit rien la nuit, [éclairage](problem_type) en panne {p}",
    "les enfants ne peuvent plus jouer, [balançoire](problem_type) arrachée {p}",
    "on n'arrive plus à dormir avec les [motos](problem_type) qui font du rodéo {p}",
    "impossible de passer avec une poussette, [trottoir](problem_type) encombré {p}",
    "la [fontaine](problem_type) ne coule plus {p}", "les [feuilles](problem_type) n'ont pas été ramassées {p}",
    "on ne peut plus se garer, [voiture ventouse](problem_type) depuis un mois {p}",
    "le [feu piéton](problem_type) ne passe jamais au vert {p}",
    "pas moyen de fermer l'œil, [chiens](problem_type) qui aboient toute la nuit {p}",
    "les [égouts](problem_type) refoulent, ça sent pas bon du tout {p}",
]
DANGERS = ["des [seringues](problem_type)", "des [tessons de bouteille](problem_type)",
           "des [préservatifs usagés](problem_type)", "des [clous rouillés](problem_type)",
           "des [bidons de produits chimiques](problem_type)", "une [plaque d'amiante](problem_type) cassée"]
CHILD_PLACES = ["dans la cour de l'[école Jaurès](place)", "sur l'aire de jeux du [square Pasteur](place)",
                "près du toboggan du [parc Lagrange](place)", "sur le [terrain de basket des Buttes](place)",
                "dans les massifs du [parc Monceau](place)", "devant la [crèche des Lilas](place)"]
DANGER_PHRASES = ["{o} {w}", "j'ai trouvé {o} {w}", "attention, {o} {w}",
                  "il y a {o} {w}, c'est dangereux", "{o} {w}, les petits jouent à côté"]

# ------------------------------------------------------------------ ask_question (street equipment, rules, aids)
STREET_QUESTIONS = [
    "quand passe le ramassage des déchets verts [rue des Acacias](place) ?",
    "la collecte du verre c'est quel jour [quartier Bellevue](place) ?",
    "à quelle fréquence passe la balayeuse [avenue Foch](place) ?",
    "le stationnement est gratuit le dimanche [place Carnot](place) ?",
    "qui doit déneiger le trottoir devant chez moi ?", "peut-on laisser sa poubelle sur le trottoir toute la journée ?",
    "a-t-on le droit de brûler des feuilles dans son jardin ?", "combien coûte l'enlèvement d'un frigo ?",
    "qui entretient les arbres d'une copropriété ?", "les trottinettes ont le droit de rouler sur le trottoir ?",
    "est-ce que la rue piétonne est accessible aux livraisons le matin ?",
    "comment obtenir un bac plus grand pour les ordures ?", "à partir de quelle heure peut-on tondre le dimanche ?",
    "les feux d'artifice sont autorisés pour un mariage ?", "où jeter les piles et les ampoules ?",
]
WORKS = ["installer une clôture", "poser des panneaux solaires", "abattre un arbre dans mon jardin",
         "changer mes fenêtres", "construire un abri de jardin", "ravaler la façade", "installer une véranda",
         "creuser une piscine", "mettre un portail électrique"]
WORK_PHRASES = ["faut-il une autorisation pour {w} ?", "dois-je faire une déclaration pour {w} ?",
                "{w}, il faut demander à la mairie ?", "est-ce qu'il faut un permis pour {w} ?",
                "j'aimerais {w}, quelles démarches ?"]
AIDS = ["l'aide au chauffage", "la téléassistance", "le transport adapté", "l'aide aux devoirs",
        "les tarifs réduits à la cantine", "la carte mobilité inclusion", "l'aide ménagère", "les colis alimentaires",
        "la prime vélo électrique"]
AID_PHRASES = ["qui a droit à {a} ?", "quelles conditions pour {a} ?", "comment demander {a} ?",
               "{a}, c'est pour qui ?", "est-ce que les retraités ont droit à {a} ?"]
QUESTIONS_EN = [
    "where is the nearest recycling centre?", "how do I register my child for school?",
    "can I pay the canteen online?", "what time does the library open on Saturday?",
    "do I need an appointment for an ID card?", "is there any help for low-income families?",
    "how can I book the sports hall?", "where do I get a residents' parking permit?",
    "is the town hall open at lunchtime?", "can I get a copy of my marriage certificate online?",
]

# ------------------------------------------------------------------ check_status (after sending something)
SENT = ["mon dossier de permis", "la demande de carte grise", "les pièces pour le mariage",
        "le formulaire de la cantine", "mon justificatif de domicile", "la demande de salle pour le 14 juillet",
        "mon dossier de logement", "la déclaration de travaux"]
WHEN = ["lundi dernier", "il y a trois semaines", "début mars", "avant les vacances", "la semaine passée",
        "hier matin"]
SENT_PHRASES = ["j'ai déposé {s} {w}, c'est enregistré ?", "{s} envoyé {w} par mail, quelqu'un l'a traité ?",
                "j'ai transmis {s} {w}, il manque quelque chose ?", "{s} posté {w}, toujours aucune nouvelle",
                "est-ce que {s} déposé {w} est complet ?"]
CHILDREN = ["mon fils", "ma fille", "mes deux enfants", "mon petit dernier", "ma nièce"]
SERVICES = ["à la cantine", "au périscolaire", "au stage de tennis", "à la colonie de juillet",
            "à l'accueil du mercredi", "à la garderie du matin"]
ENROLMENT_PHRASES = ["pouvez-vous confirmer l'inscription de {c} {s} ?", "{c} fait bien partie des inscrits {s} ?",
                     "je voudrais être sûr que l'inscription de {c} {s} est passée",
                     "l'inscription de {c} {s} a été acceptée ?"]

# ------------------------------------------------------------------ request_human (struggling, a kind of person)
STRUGGLES = ["je ne suis pas à l'aise avec internet", "je n'y comprends rien", "je suis malvoyant",
             "c'est trop compliqué pour moi", "mon français n'est pas très bon", "je n'ai pas d'ordinateur",
             "j'ai du mal à écrire"]
PEOPLE = ["un monsieur de la mairie", "une personne de l'accueil", "quelqu'un du service état civil",
          "un agent en vrai", "une vraie personne au guichet", "la secrétaire de mairie", "un employé municipal"]
HUMAN_PHRASES = ["{s}, je voudrais parler à {p}", "{s}, est-ce que {p} peut me répondre ?", "{s}, passez-moi {p}",
                 "{s}, j'ai besoin de {p}"]
# ------------------------------------------------------------------ bot_challenge (is it a person?)
BOT_MORE = ["qui me répond, un humain ou une machine ?", "il y a quelqu'un de réel derrière ces réponses ?",
            "ce sont des agents qui répondent ici ?", "je m'adresse à une machine ?",
            "c'est bien un agent qui tape ces réponses ?", "vous êtes un vrai être humain ?",
            "are you a real person or a program?", "is someone actually reading this?"]

# ------------------------------------------------------------------ insult (at staff, at the bot in English)
STAFF = ["les élus", "les agents de la voirie", "les fonctionnaires du guichet", "les employés municipaux",
         "les conseillers municipaux", "les gens du service urbanisme"]
STAFF_PHRASES = ["{s} sont des {n}", "{s}, une bande de {n}", "{s} ? des {n}"]
STAFF_NOUNS = ["incapables", "tire-au-flanc", "planqués", "parasites", "guignols", "fainéants", "bras cassés"]
INSULT_EN = ["this bot sucks", "this bot is rubbish", "your bot is a joke", "what a crap bot", "useless bot",
             "this chatbot is garbage", "you're all idiots at city hall", "screw you", "get lost", "dumbest bot ever"]
INSULT_BOT_FR = ["ce robot est une honte", "ton programme est une catastrophe", "cet algorithme est débile",
                 "l'IA la plus bête du monde", "ce chatbot est une arnaque", "assistant de pacotille",
                 "la ferme le robot", "tais-toi sale machine"]

# ------------------------------------------------------------------ round 2 (held-out split's error kinds)
# a document or a form asked for, or help with a procedure: a question, not a status
DOCUMENTS = ["une copie d'acte de mariage", "le formulaire de recensement", "un certificat de résidence",
             "une attestation de domicile", "un duplicata du livret de famille", "une fiche familiale d'état civil",
             "le dossier d'inscription scolaire", "le formulaire pour la carte de stationnement"]
DOCUMENT_PHRASES = ["je cherche {d}", "{d} pour ma mère svp", "besoin de {d}", "où trouver {d} ?",
                    "comment avoir {d} ?", "{d}, c'est où ?"]
HELP_PHRASES = ["vous pouvez m'aider à remplir {d} ?", "j'ai besoin d'aide pour {d}",
                "pouvez-vous m'expliquer {d} ?"]
# ending the chat in so many words
CLOSINGS = ["vous pouvez fermer le ticket", "j'ai ce qu'il me faut, bonne journée", "rien d'autre, à bientôt",
            "on en reste là, merci et bonne soirée", "c'est réglé pour moi, au revoir", "allez, salut, à bientôt",
            "ok salut a+", "j'ai eu ma réponse, je vous laisse", "ça ira pour aujourd'hui, bonne journée",
            "bonne fin de journée à toute l'équipe", "je n'ai besoin de rien d'autre, au revoir"]
# asking how to reach a person: a request for a person
REACH = ["comment faire pour parler à un agent ?", "par où passer pour avoir un humain ?",
         "il faut faire quoi pour avoir un conseiller ?", "comment on joint quelqu'un de la mairie ?",
         "how do I get hold of a real person?", "c'est possible d'avoir un agent au bout du fil ?"]

# ------------------------------------------------------------------ round 3 (procedures vs status, politeness)
# the nouns of administrative requests also belong to questions on how to make one: the phrasing tells a
# status ("où en est ma demande") from a procedure ("comment faire une demande"), not the noun
PROCEDURES = ["une demande de passeport", "une déclaration de travaux", "une demande de logement social",
              "un permis de construire", "l'inscription à la cantine", "une demande d'autorisation de terrasse",
              "l'inscription sur les listes électorales", "la réservation d'une salle", "une concession au cimetière",
              "une demande de place en crèche", "une carte de stationnement résident", "un certificat d'urbanisme",
              "une demande de subvention", "un acte de naissance", "une autorisation de voirie"]
PROCEDURE_PHRASES = ["comment faire {p} ?", "{p}, ça se passe comment ?", "quels papiers pour {p} ?",
                     "où déposer {p} ?", "{p} : c'est payant ?", "on peut faire {p} en ligne ?",
                     "qui contacter pour {p} ?", "j'aimerais faire {p}, par où commencer ?",
                     "faut-il prendre rendez-vous pour {p} ?", "quel délai en général pour {p} ?"]
# a report or a question that ends with a polite formula: still a report, still a question
POLITE_ENDINGS = ["merci d'intervenir vite", "merci d'avance", "merci de faire le nécessaire",
                  "merci de transmettre au service concerné", "merci de votre retour"]
POLITE_REPORTS = ["le [lampadaire](problem_type) clignote toute la nuit [rue Voltaire](place)",
                  "un [arbre](problem_type) menace de tomber sur le parking de la [salle des fêtes](place)",
                  "la [grille](problem_type) d'évacuation est bouchée devant le [4 rue Haute](place)",
                  "des [encombrants](problem_type) bloquent l'entrée de la [résidence du Parc](place)",
                  "le [marquage](problem_type) du passage piéton a disparu devant le [collège Jean Zay](place)",
                  "l'[abribus](problem_type) a une vitre brisée [avenue Pasteur](place)"]
POLITE_QUESTIONS = ["quels sont les horaires d'été de la piscine ?", "comment inscrire mon fils au judo municipal ?",
                    "est-ce que la mairie ouvre le samedi matin ?", "où se trouve le centre social ?",
                    "comment obtenir un badge pour la déchetterie ?"]
# details given after a report (size, state), with water or mud words that are no problem type: DIET
# otherwise tagged a piece of "plein d'eau" as one (a test story)
REPORT_DETAILS = ["il est très profond, plein d'eau de pluie", "c'est plein d'eau depuis l'orage",
                  "la chaussée est pleine d'eau à cet endroit", "ça fait une grosse mare d'eau",
                  "il fait bien un mètre de large", "c'est plein de boue et de cailloux",
                  "ça déborde d'eau à chaque averse", "les voitures roulent dedans, c'est rempli d'eau"]
# swearing with letters hidden: still an insult
CENSORED = ["f*ck off", "p*tain de bot", "c*nnard", "bande de c*ns", "va te faire f*utre", "sh*t bot", "m*rde",
            "ta g*eule", "enc*lés"]


def kinds(rng: random.Random) -> dict[str, list[str]]:
    """Examples of each intent built by crossing the lists above with a few phrasings (rng: fixed seed)."""
    pick = rng.choice
    topics = ["la cantine", "la piscine", "les encombrants", "le PACS", "la déchetterie", "les élections",
              "le recensement", "les cartes d'identité"]
    return {
        "thank": [pick(THANK_DONE).format(d=d) for d in DONE] + [pick(THANK_FOR).format(t=t) for t in topics]
        + THANK_STAFF,
        "greet": [f"{pick(GREETINGS)}, {who}" for who in WHO],
        "affirm": [pick(AFFIRM_DETAIL).format(d=d) for d in DETAILS] + AFFIRM_SHORT,
        "deny": DENY_SHORT,
        "report_problem": [pick(EQUIPMENT).format(b=b) for b in BUILDINGS] + [e.format(b=pick(BUILDINGS))
                                                                              for e in EQUIPMENT]
        + [n.format(p=pick(_PLACES)) for n in NEGATED]
        + [pick(DANGER_PHRASES).format(o=o, w=pick(CHILD_PLACES)) for o in DANGERS for _ in range(2)]
        + [f"{report}, {pick(POLITE_ENDINGS)}" for report in POLITE_REPORTS] + REPORT_DETAILS,
        "ask_question": STREET_QUESTIONS + [pick(WORK_PHRASES).format(w=w) for w in WORKS]
        + [pick(AID_PHRASES).format(a=a) for a in AIDS] + QUESTIONS_EN
        + [pick(DOCUMENT_PHRASES).format(d=d) for d in DOCUMENTS] + [pick(HELP_PHRASES).format(d=d) for d in DOCUMENTS]
        + [phrase.format(p=p) for p in PROCEDURES for phrase in rng.sample(PROCEDURE_PHRASES, 2)]
        + [f"{q} {pick(POLITE_ENDINGS[1:2] + POLITE_ENDINGS[4:])}" for q in POLITE_QUESTIONS],
        "check_status": [pick(SENT_PHRASES).format(s=s, w=pick(WHEN)) for s in SENT]
        + [pick(ENROLMENT_PHRASES).format(c=pick(CHILDREN), s=s) for s in SERVICES],
        "request_human": [pick(HUMAN_PHRASES).format(s=s, p=pick(PEOPLE)) for s in STRUGGLES] + REACH,
        "goodbye": CLOSINGS,
        "bot_challenge": BOT_MORE,
        "insult": [pick(STAFF_PHRASES).format(s=s, n=pick(STAFF_NOUNS)) for s in STAFF] + INSULT_EN + INSULT_BOT_FR
        + CENSORED,
    }


_PLACES = ["[rue des Tilleuls](place)", "[impasse du Moulin](place)", "[avenue de Verdun](place)",
           "[quartier de la Gare](place)", "[résidence les Cèdres](place)", "[chemin des Vignes](place)",
           "au [5 rue Gambetta](place)", "[place de la Libération](place)"]
