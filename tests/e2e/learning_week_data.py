"""The scripted week of the learning end-to-end test: what citizens ask, and a held-out set to measure on.

Each need is an entry of the city's FAQ (``knowledge_base/faq``) and a citizen's indirect wording of it, the
kind the FAQ's question and variants miss. ``HELD_OUT`` holds other wordings of the same needs, written with
this file before the test was first run; they are never asked by a citizen of the week, never shown to the
editor and never entered into the knowledge base (the test checks it): coverage is measured on them before
and after the week.
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

# questions the city does not handle: the editor marks the week's ones out of scope
OUT_OF_SCOPE = ("vous savez à quelle heure joue le PSG ce soir", "quelle est la meilleure pizzeria du centre-ville")
HELD_OUT_OUT_OF_SCOPE = ("qui va gagner la ligue des champions cette année",
                         "un bon restaurant italien près de la gare à conseiller ?")
