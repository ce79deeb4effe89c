"""Numbers linked to people: line, controller and runner numbers found in agency records
(a person's phone, or a phone association), which feeds a screening indicator later.

Reads the SQL store's current person and association rows; subjects (linked people across
agencies) will replace person records here when linkage lands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, and_, select

from linewatch.store.tables import metadata


@dataclass(frozen=True, slots=True)
class PersonLink:
    number: str  # E.164
    agency: str
    source_id: str  # the person record's id at the agency
    via: str  # "person.phone" or "association.phone"


def linked_people(store: Engine, numbers: Iterable[str], chunk: int = 500) -> list[PersonLink]:
    """Person records whose phone, or whose recorded phone association, is one of `numbers`."""
    wanted = sorted(set(numbers))
    person = metadata.tables["person"]
    association = metadata.tables["association"]
    links: set[PersonLink] = set()
    with store.connect() as connection:
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            rows = connection.execute(
                select(person.c.phone, person.c.agency, person.c.source_id).where(
                    and_(person.c.is_current.is_(True), person.c.phone.in_(part))
                )
            )
            links.update(PersonLink(str(r.phone), str(r.agency), str(r.source_id), "person.phone") for r in rows)
            rows = connection.execute(
                select(association.c.phone, association.c.agency, association.c.person).where(
                    and_(
                        association.c.is_current.is_(True),
                        association.c.phone.in_(part),
                        association.c.person.is_not(None),
                    )
                )
            )
            links.update(PersonLink(str(r.phone), str(r.agency), str(r.person), "association.phone") for r in rows)
    return sorted(links, key=lambda link: (link.number, link.agency, link.source_id, link.via))
