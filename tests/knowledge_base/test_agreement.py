"""Key-term agreement: a message about another object than the first entry's is not answered without asking."""

from __future__ import annotations

from knowledge_base.agreement import KeyTerms, entry_core
from knowledge_base.validation import EntryData

LIBRARY = EntryData(id="bibliotheque-inscription", question="Comment s'inscrire à la bibliothèque ?",
                    answer="L'inscription est gratuite, à l'accueil, avec une pièce d'identité et un justificatif.",
                    department="bibliotheques", tags=["inscription", "abonnement"],
                    variants=["inscription bibliothèque", "carte de bibliothèque",
                              "s'abonner à la bibliothèque municipale"])
POOL = EntryData(id="piscine-horaires", question="Quels sont les horaires de la piscine ?",
                 answer="Du lundi au samedi, de 9h à 20h.", department="sports",
                 variants=["piscine ouverte quand", "horaires piscine", "la piscine est-elle ouverte le dimanche"])
POOL_IN_AN_ANSWER = EntryData(id="sport-loisirs", question="Où faire du sport en ville ?",
                              answer="Gymnases, stades et piscine sont ouverts à tous.", department="sports",
                              variants=["faire du sport", "équipements sportifs", "sport pour adultes"])
ASKED = "Comment inscrire mes enfants à la piscine municipale ?"


def filler(count: int) -> list[EntryData]:
    """Entries about other things, so that a word one entry uses is rare (at most 1 in 20)."""
    topics = ["cantine", "mariage", "passeport", "cimetiere", "encombrants", "recensement", "logement", "crèche",
              "gymnase", "marché", "concert", "école", "déchets", "élections", "chien", "bruit", "arbre",
              "urbanisme", "eau", "impôts", "voirie", "éclairage"]
    return [EntryData(id=f"sujet-{i}", question=f"Quelles démarches pour {topic} ?", answer=f"Voir le guichet {topic}.",
                      department="accueil", variants=[f"{topic} démarches", f"infos {topic}"])
            for i, topic in enumerate(topics[:count])]


def terms_of(entries: list[EntryData]) -> KeyTerms:
    terms = KeyTerms()
    for entry in entries:
        terms.put(entry)
    return terms


def test_the_core_is_what_most_ways_of_asking_name() -> None:
    assert entry_core(LIBRARY) == {"bibliothequ"}
    assert entry_core(POOL) == {"piscin", "horair", "ouvert"}  # each in at least half of its four keys
    bare = EntryData(id="bare", question=LIBRARY.question, answer="Oui.", department="a", variants=["bibliothèque"])
    assert entry_core(bare) == frozenset()  # two ways of asking say too little


def test_another_object_in_the_same_context_is_a_conflict_whoever_the_candidates_are() -> None:
    """Fails on the previous agreement: the pool is no candidate's question, so nothing was said."""
    terms = terms_of([LIBRARY, POOL, *filler(20)])
    assert terms.conflict(ASKED, ["bibliotheque-inscription", "sujet-0", "sujet-1"], rarest=1) == "piscin"


def test_no_conflict_when_the_message_names_the_entry_object() -> None:
    terms = terms_of([LIBRARY, POOL, *filler(20)])
    assert terms.conflict("inscription à la bibliothèque près de la piscine", ["bibliotheque-inscription"],
                          rarest=1) is None
    assert terms.conflict("comment s'inscrire à la bibliothèque ?", ["bibliotheque-inscription"], rarest=1) is None


def test_no_conflict_for_a_word_no_entry_is_about() -> None:
    """A word only an answer uses (a detail, not an object the knowledge base knows) says nothing."""
    terms = terms_of([LIBRARY, POOL_IN_AN_ANSWER, *filler(20)])
    assert terms.conflict(ASKED, ["bibliotheque-inscription"], rarest=1) is None


def test_no_conflict_for_a_common_word() -> None:
    """A word more than one entry in 20 uses is not rare enough to name an object."""
    crowded = [EntryData(id=f"piscine-{i}", question=f"La piscine et le sujet {i} ?", answer="Voir.",
                         department="sports", variants=[f"piscine {i}", f"la piscine numéro {i}"])
               for i in range(3)]
    assert terms_of([LIBRARY, *crowded, *filler(20)]).conflict(ASKED, ["bibliotheque-inscription"], rarest=1) is None
    assert terms_of([LIBRARY, *crowded[:1], *filler(20)]).conflict(ASKED, ["bibliotheque-inscription"],
                                                                   rarest=1) == "piscin"


def test_no_conflict_for_an_entry_without_a_core_and_after_the_other_object_is_gone() -> None:
    bare = EntryData(id="bibliotheque-inscription", question=LIBRARY.question, answer=LIBRARY.answer,
                     department="bibliotheques")
    assert terms_of([bare, POOL, *filler(20)]).conflict(ASKED, ["bibliotheque-inscription"], rarest=1) is None
    terms = terms_of([LIBRARY, POOL, *filler(20)])
    terms.remove("piscine-horaires")
    assert terms.conflict(ASKED, ["bibliotheque-inscription"], rarest=1) is None
    terms.put(POOL)
    assert terms.conflict(ASKED, ["bibliotheque-inscription"], rarest=1) == "piscin"
