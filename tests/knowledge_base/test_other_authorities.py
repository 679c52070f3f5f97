"""A message naming another authority than the town hall is not answered with a municipal entry that never
speaks of it (``knowledge_base.other_authorities``)."""

from __future__ import annotations

from knowledge_base.agreement import KeyTerms
from knowledge_base.other_authorities import AUTHORITY_TERMS, other_authority
from knowledge_base.text import STOPWORDS, tokens
from knowledge_base.validation import EntryData

CANTEEN = EntryData(id="cantine-tarifs", question="Combien coûte la cantine ?",
                    answer="Le prix du repas dépend du quotient familial, de 0,50 € à 4,50 €.", department="ecoles",
                    variants=["prix de la cantine", "tarif repas cantine école", "combien je paie la cantine"])
RSA = EntryData(id="rsa", question="Comment demander le RSA ?",
                answer="Le CCAS vous aide à faire la demande auprès de la CAF ou du conseil départemental.",
                department="solidarites", variants=["demande de RSA", "toucher le RSA", "RSA aide"])


def terms_of(*entries: EntryData) -> KeyTerms:
    terms = KeyTerms()
    for entry in entries:
        terms.put(entry)
    return terms


def test_another_authority_the_entry_never_names_is_a_conflict() -> None:
    terms = terms_of(CANTEEN, RSA)
    assert terms.conflict("combien coute la cantine au collège ?", ["cantine-tarifs", "rsa"], rarest=2) == "colleg"
    assert terms.conflict("Le prix de la cantine du lycée ?", ["cantine-tarifs"], rarest=2) == "lyce"


def test_an_entry_that_names_the_authority_is_answered_as_before() -> None:
    terms = terms_of(CANTEEN, RSA)
    assert terms.conflict("je veux le RSA, la CAF m'a renvoyé vers vous", ["rsa", "cantine-tarifs"], rarest=2) is None
    assert terms.conflict("combien coûte la cantine à l'école ?", ["cantine-tarifs", "rsa"], rarest=2) is None


def test_the_first_authority_word_the_entry_lacks_is_named() -> None:
    entry_terms = frozenset(tokens(RSA.answer))  # names the CAF and the département's council
    assert other_authority(tokens("la CAF et la préfecture"), entry_terms) == "prefectur"
    assert other_authority(tokens("la CAF et le conseil départemental"), entry_terms) is None


def test_every_word_of_the_list_is_a_stem_the_index_produces_and_no_everyday_word() -> None:
    for word in ("collège", "lycéens", "préfecture", "départementale", "universitaires", "notaire", "impôts",
                 "naturalisation", "pompes funèbres", "CROUS", "URSSAF"):
        assert set(tokens(word)) & AUTHORITY_TERMS, word
    everyday = "départ départs région sous pompe état france emploi travail pôle banque assurance école mairie"
    assert not set(tokens(everyday)) & AUTHORITY_TERMS
    assert not {term for term in AUTHORITY_TERMS if term in STOPWORDS}
