"""Key-term agreement: a message about another object than the first entry's is not answered without asking."""

from __future__ import annotations

from knowledge_base.agreement import KeyTerms, entry_core
from knowledge_base.validation import EntryData

BIKE = EntryData(id="aide-velo", question="La ville aide-t-elle à acheter un vélo ?",
                 answer="Oui, une aide pour l'achat d'un vélo électrique, selon vos revenus.", department="mobilites",
                 tags=["velo", "aide", "prime"],
                 variants=["prime vélo électrique", "subvention achat vélo", "aide pour un vélo d'occasion"])
POUND = EntryData(id="fourriere", question="Ma voiture a été enlevée, comment la récupérer ?",
                  answer="Rendez-vous à la fourrière avec la carte grise.", department="stationnement",
                  variants=["voiture enlevée par la fourrière", "récupérer ma voiture", "où est ma voiture"])
CAR_IN_ANSWERS = EntryData(id="parking", question="Où se garer en centre-ville ?",
                           answer="Les parkings accueillent votre voiture.", department="stationnement",
                           variants=["stationner au centre", "parking centre", "se garer près de la mairie"])


def filler(count: int) -> list[EntryData]:
    """Entries about other things, so that a word one entry uses is rare (at most 1 in 20)."""
    topics = ["piscine", "cantine", "mariage", "passeport", "cimetiere", "bibliotheque", "encombrants",
              "recensement", "logement", "crèche", "gymnase", "marché", "concert", "école", "déchets",
              "élections", "chien", "bruit", "arbre", "urbanisme", "eau", "impôts"]
    return [EntryData(id=f"sujet-{i}", question=f"Quelles démarches pour {topic} ?", answer=f"Voir le guichet {topic}.",
                      department="accueil", variants=[f"{topic} démarches", f"infos {topic}"])
            for i, topic in enumerate(topics[:count])]


def terms_of(entries: list[EntryData]) -> KeyTerms:
    terms = KeyTerms()
    for entry in entries:
        terms.put(entry)
    return terms


ASKED = "La ville donne une prime pour acheter une voiture électrique ?"


def test_the_core_is_what_most_ways_of_asking_name() -> None:
    assert entry_core(BIKE) == {"aide", "velo"}
    assert "voitur" in entry_core(POUND)
    bare = EntryData(id="bare", question="La ville aide-t-elle à acheter un vélo ?", answer="Oui.", department="a",
                     variants=["prime vélo"])
    assert entry_core(bare) == frozenset()  # two ways of asking say too little


def test_another_object_in_the_same_context_is_a_conflict_whoever_the_candidates_are() -> None:
    """Fails on the previous agreement: the car is no candidate's question, so nothing was said."""
    terms = terms_of([BIKE, POUND, *filler(20)])
    assert terms.conflict(ASKED, ["aide-velo", "sujet-0", "sujet-1"], rarest=1) == "voitur"


def test_no_conflict_when_the_message_names_the_entry_object() -> None:
    terms = terms_of([BIKE, POUND, *filler(20)])
    assert terms.conflict("une prime pour un vélo à mettre dans ma voiture ?", ["aide-velo"], rarest=1) is None
    assert terms.conflict("prime pour acheter un vélo électrique", ["aide-velo"], rarest=1) is None


def test_no_conflict_for_a_word_no_entry_is_about() -> None:
    """A word only an answer uses (a detail, not an object the knowledge base knows) says nothing."""
    terms = terms_of([BIKE, CAR_IN_ANSWERS, *filler(20)])
    assert terms.conflict(ASKED, ["aide-velo"], rarest=1) is None


def test_no_conflict_for_a_common_word() -> None:
    """A word more than one entry in 20 is about is not rare enough to name an object."""
    crowded = [EntryData(id=f"voiture-{i}", question=f"Ma voiture et le sujet {i} ?", answer="Voir.",
                         department="stationnement", variants=[f"voiture {i}", f"ma voiture numéro {i}"])
               for i in range(3)]
    assert terms_of([BIKE, *crowded, *filler(20)]).conflict(ASKED, ["aide-velo"], rarest=1) is None
    assert terms_of([BIKE, *crowded[:1], *filler(20)]).conflict(ASKED, ["aide-velo"], rarest=1) == "voitur"


def test_no_conflict_for_an_entry_without_a_core_and_after_the_other_object_is_gone() -> None:
    bare = EntryData(id="aide-velo", question=BIKE.question, answer=BIKE.answer, department="mobilites")
    assert terms_of([bare, POUND, *filler(20)]).conflict(ASKED, ["aide-velo"], rarest=1) is None
    terms = terms_of([BIKE, POUND, *filler(20)])
    terms.remove("fourriere")
    assert terms.conflict(ASKED, ["aide-velo"], rarest=1) is None
    terms.put(POUND)
    assert terms.conflict(ASKED, ["aide-velo"], rarest=1) == "voitur"
