"""Words naming an authority other than the town hall: a message that names one asks somebody else.

A town hall is asked about what the département, the région, the State and the social security bodies do:
"la cantine au collège" (the département runs the collèges; the town hall the primary schools' canteens),
"le conseil départemental" (not the municipal council), "la bibliothèque universitaire", a naturalisation
(the préfecture), a notary's deed. Such a message shares words with a municipal entry and gets its answer,
confidently and wrongly. The list below is the authorities service-public.fr's "Où s'adresser ?" sends
citizens to, rather than the town hall, and the private trades a town hall is asked about; a message naming
one of them that the first entry never mentions is offered choices or handed off, never answered
(``KeyTerms.conflict``). An entry that does speak of it (an entry on the RSA that names the département) is
answered as before.
"""

from __future__ import annotations

from knowledge_base.text import tokens

# accent-folded words, as citizens write them; stemmed like the index (``knowledge_base.text.tokens``). Left out on
# purpose: words whose stem is an everyday word ("département" stems to "depart", "sous-préfecture" gives "sous",
# "pompes" and "région" are said of many things); the adjectives and the other words still name those authorities.
_WORDS = """
departemental departementale departementaux regional regionale regionaux
prefecture prefet ministere gouvernement
college collegien collegienne lycee lyceen lyceenne universite universitaire fac faculte crous campus
caf cpam secu urssaf msa impots impot fisc fiscal tresor sip
tribunal juge notaire huissier avocat consulat ambassade naturalisation
employeur patron paternite maternite
funebres funeraire
"""

AUTHORITY_TERMS = frozenset(tokens(_WORDS))


def other_authority(stems: list[str], entry_terms: frozenset[str]) -> str | None:
    """The first of the message's stems that names another authority and that the entry never uses, or None."""
    return next((term for term in stems if term in AUTHORITY_TERMS and term not in entry_terms), None)
