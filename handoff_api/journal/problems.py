"""Problem reports of the week (handoffs with reason ``report_problem``) by type and by place.

The place is where the problem is (a pothole, a street lamp), which the city needs; it is shown as
the street without the house number, with any other personal data masked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from guichet.contract.addresses import redact_addresses, without_house_number
from guichet.contract.redact import redact_identifiers
from handoff_api.journal.records import HandoffRow

UNSPECIFIED = "non précisé"
TOP_PLACES = 15


@dataclass(frozen=True)
class Problems:
    total: int
    by_type: list[tuple[str, int]]
    by_place: list[tuple[str, str, int]]  # type, place, count


def public_place(text: str) -> str:
    """ "12 bis rue de la Paix, tél 06…" -> "rue de la Paix, tél [téléphone]"."""
    return " ".join(redact_addresses(redact_identifiers(text), keep=without_house_number).split())


def _field(details: dict[str, object], name: str) -> str:
    value = details.get(name)
    return str(value).strip() if value not in (None, "") else UNSPECIFIED


def problems(handoffs: list[HandoffRow]) -> Problems:
    reports = [h for h in handoffs if h.reason == "report_problem"]
    types = Counter(_field(h.details, "problem_type") for h in reports)
    places = Counter((_field(h.details, "problem_type"), public_place(_field(h.details, "place")))
                     for h in reports)
    return Problems(
        total=len(reports),
        by_type=sorted(types.items(), key=lambda item: (-item[1], item[0])),
        by_place=[(kind, place, count) for (kind, place), count in
                  sorted(places.items(), key=lambda item: (-item[1], item[0]))[:TOP_PLACES]],
    )
