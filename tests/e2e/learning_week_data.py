"""The scripted week of the learning end-to-end test: what citizens ask, and a held-out set to measure on.

Each need is an entry of the city's FAQ (``knowledge_base/faq``) and a citizen's indirect wording of it, the
kind the FAQ's question and variants miss. ``HELD_OUT`` holds other wordings of the same needs, written with
this file before the test was first run; they are never asked by a citizen of the week, never shown to the
editor and never entered into the knowledge base (the test checks it): coverage is measured on them before
and after the week.

``NEW_NEEDS`` are needs the FAQ has no entry for: a citizen of the week asks, and the editor makes an entry of
the inbox item (« Nouvelle entrée »), writing the question, the answer and keeping the citizen's words as a
variant. Their held-out wordings were written blind, from a description of the need alone (never the entry's
text, the FAQ or this test), after the entries below were written and before the test ran with them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    entry_id: str
    asked: str  # what a citizen of the week asks
    held_out: tuple[str, ...]  # other wordings of the same need, measured only


NEEDS = (
    Need("urbanisme-depot-suivi", "peut-on déposer sa déclaration préalable de travaux par internet",
         ("est-ce que je peux envoyer mon dossier de permis en ligne plutôt qu'au guichet",
          "où en est l'instruction de mon dossier de permis de construire")),
    Need("stationnement-demenagement",
         "les déménageurs arrivent samedi, il leur faut de la place devant l'immeuble pour le camion",
         ("comment bloquer deux places dans ma rue le jour où je déménage",
          "faut-il une autorisation pour garer un camion de déménagement devant chez moi")),
    Need("etat-civil-certificat-vie",
         "ma caisse de retraite à l'étranger me demande un papier prouvant que je suis toujours vivant",
         ("attestation d'existence pour ma pension, c'est à la mairie ?",
          "document prouvant que je suis en vie demandé par ma retraite")),
    Need("voirie-bateau", "je voudrais qu'on abaisse la bordure du trottoir pour sortir ma voiture de chez moi",
         ("créer un accès voiture sur le trottoir devant mon portail",
          "bordure trop haute devant mon garage, comment la faire baisser")),
    Need("proprete-brulage-dechets-verts",
         "mon voisin fait un feu de feuilles mortes tous les dimanches, il a le droit ?",
         ("est-ce autorisé de faire brûler les branches coupées au fond du jardin",
          "incinérer l'herbe tondue dans mon terrain, c'est permis ?")),
    Need("accueil-objets-trouves",
         "j'ai oublié mon sac à dos dans le bus hier soir, quelqu'un l'a peut-être déposé chez vous",
         ("on m'a dit que mes clés avaient été déposées à la mairie, où les récupérer",
          "j'ai égaré mon portefeuille au marché, est-ce qu'on vous l'a ramené")),
)



# the new needs' held-out wordings, written blind (see above)
HELD_OUT_NEW_1 = ("parcelle jardin partagé dispo ?",
                  "salut c possible d'avoir un bout de terre pour faire pousser des tomates ? y a de la place ou faut "
                  "attendre des mois",
                  "Bonjour, comment peut-on s'inscrire pour obtenir un potager collectif dans la commune ? Merci "
                  "d'avance.",
                  "Bonjour, je suis retraitée en appartement et m'occuper de plantes me manque beaucoup. Y a-t-il un "
                  "lopin libre en ville pour mes légumes et quelques fleurs ? À qui demander ?")
HELD_OUT_NEW_2 = ("planter fleurs autour arbre trottoir autorisé ?",
                  "hello je peux poser un bac a plantes dehors devant ma porte ou c interdit ? faut demander a qui",
                  "Bonjour, est-il permis de semer quelques graines au pied du platane situé devant mon domicile ? Une "
                  "demande est-elle nécessaire ?",
                  "Bonsoir, notre façade est toute grise et avec les voisins on aimerait faire grimper un jasmin "
                  "contre le mur de l'immeuble, côté rue. A-t-on le droit, et comment obtenir l'accord de la mairie ?")


@dataclass(frozen=True)
class NewNeed:
    asked: str  # what a citizen of the week asks
    question: str  # the entry the editor writes from the inbox item
    answer: str
    department: str
    tags: str
    held_out: tuple[str, ...]  # other wordings of the same need, measured only


NEW_NEEDS = (
    NewNeed("il y a une liste d'attente pour avoir un bout de terrain à cultiver dans les jardins de la ville ?",
            "Comment obtenir une parcelle dans un jardin partagé ou familial de la ville ?",
            "La ville loue des parcelles dans ses jardins familiaux et soutient des jardins partagés tenus par des "
            "associations. Inscrivez-vous sur la liste d'attente à l'accueil de la mairie ou sur le site de la "
            "ville : les parcelles se libèrent surtout en fin d'année.",
            "accueil", "jardin, parcelle, potager, jardins familiaux, jardins partagés",
            HELD_OUT_NEW_1),
    NewNeed("j'aimerais mettre des fleurs au pied de l'arbre devant chez moi, je dois demander une autorisation ?",
            "Comment obtenir un permis de végétaliser pour planter dans la rue ?",
            "Le permis de végétaliser vous permet de fleurir un pied d'arbre, de poser une jardinière sur le trottoir "
            "ou de faire grimper une plante sur votre façade. Demandez-le gratuitement sur le site de la ville : la "
            "voirie vérifie que le passage reste libre.",
            "voirie", "végétaliser, fleurs, plantes, pied d'arbre, jardinière, trottoir, façade",
            HELD_OUT_NEW_2),
)

# questions the city does not handle: the editor marks the week's ones out of scope
OUT_OF_SCOPE = ("vous savez à quelle heure joue le PSG ce soir", "quelle est la meilleure pizzeria du centre-ville")
HELD_OUT_OUT_OF_SCOPE = ("qui va gagner la ligue des champions cette année",
                         "un bon restaurant italien près de la gare à conseiller ?")
