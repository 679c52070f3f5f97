"""The town hall's contacts: what is accepted, what is refused (naming the variable and the value)."""

from __future__ import annotations

import re

import pytest

from guichet.city_facts import CityContacts, CityFactsError
from guichet.settings import Settings


def test_contacts_are_cleaned_and_empty_means_unknown() -> None:
    contacts = CityContacts.validated({"address": "  1 place de la Mairie,\n 75000  Ville ",
                                       "phone": "+33 1 23 45 67 89", "email": "", "website": None})
    assert contacts == CityContacts(address="1 place de la Mairie, 75000 Ville", phone="+33 1 23 45 67 89")


@pytest.mark.parametrize(("values", "named"), [
    ({"phone": "appelez-nous"}, "phone: 'appelez-nous'"),
    ({"email": "mairie.ville.fr"}, "email: 'mairie.ville.fr'"),
    ({"website": "www.ville.fr"}, "website: 'www.ville.fr'"),
    ({"address": "x" * 201}, "address: 201 characters"),
    ({"fax": "01 02 03 04 05"}, "unknown field 'fax'"),
])
def test_bad_contacts_are_refused_naming_the_field_and_value(values: dict[str, str], named: str) -> None:
    with pytest.raises(CityFactsError, match=re.escape(named)):
        CityContacts.validated(values)


def test_settings_errors_name_the_environment_variable(settings: Settings) -> None:
    good = settings.model_copy(update={"city_phone": "05 56 10 20 30", "city_email": "contact@ville.fr"})
    assert CityContacts.from_settings(good) == CityContacts(phone="05 56 10 20 30", email="contact@ville.fr")
    assert CityContacts.from_settings(settings) == CityContacts()
    with pytest.raises(CityFactsError, match=re.escape("GUICHET_CITY_WEBSITE: 'ville.fr'")):
        CityContacts.from_settings(settings.model_copy(update={"city_website": "ville.fr"}))
