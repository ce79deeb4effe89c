"""Reading the store's person records as the standard linkage table: the current version of each
(agency, source_id), with the postcodes its earlier versions held as address history.

A record's id in linkage is ``agency:source_id`` (agency codes never contain a colon).
"""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
from sqlalchemy import Engine, select

from linewatch.linkage.columns import HISTORY_COLUMN, IDENTIFIER_COLUMNS, conform
from linewatch.store.tables import metadata

PERSON_COLUMNS = ("given_name", "middle_names", "surname", "full_name", "date_of_birth", "sex", "address")


def record_id(agency: str, source_id: str) -> str:
    return f"{agency}:{source_id}"


def record_key(record: str) -> tuple[str, str]:
    """(agency, source_id) of a linkage record id."""
    agency, _, source_id = record.partition(":")
    return agency, source_id


def split_full_name(full_name: str) -> tuple[str | None, str | None, str | None]:
    """(given, middle, surname) from a name as recorded: "SURNAME, Forename Middle" (the police
    layout) or "Forename Middle Surname"."""
    text = full_name.strip()
    if "," in text:
        surname, _, rest = text.partition(",")
        words = rest.split()
        return (words[0] if words else None, " ".join(words[1:]) or None, surname.strip() or None)
    words = text.split()
    if len(words) == 1:
        return None, None, words[0]
    if not words:
        return None, None, None
    return words[0], " ".join(words[1:-1]) or None, words[-1]


def read_person_records(engine: Engine) -> tuple[pa.Table, dict[str, str]]:
    """The standard table of current person records, and each record's content hash."""
    person = metadata.tables["person"]
    identifier_columns = [person.c[name] for name in IDENTIFIER_COLUMNS]
    validity_columns = [person.c[f"{name}_valid"] for name in IDENTIFIER_COLUMNS]
    query = (
        select(
            person.c.agency, person.c.source_id, person.c.content_hash,
            *[person.c[name] for name in PERSON_COLUMNS], *identifier_columns, *validity_columns,
        )
        .where(person.c.is_current.is_(True))
        .order_by(person.c.agency, person.c.source_id)
    )  # fmt: skip
    history_query = select(person.c.agency, person.c.source_id, person.c.postcode).where(
        person.c.is_current.is_(False), person.c.postcode_valid.is_(True)
    )
    columns: dict[str, list[object]] = defaultdict(list)
    hashes: dict[str, str] = {}
    with engine.connect() as connection:
        history: dict[tuple[str, str], list[str]] = defaultdict(list)
        for agency, source_id, postcode in connection.execute(history_query):
            if postcode not in history[(agency, source_id)]:
                history[(agency, source_id)].append(postcode)
        for row in connection.execute(query).mappings():
            rid = record_id(row["agency"], row["source_id"])
            hashes[rid] = row["content_hash"]
            given, middle, surname = row["given_name"], row["middle_names"], row["surname"]
            if given is None and surname is None and row["full_name"]:
                given, middle, surname = split_full_name(row["full_name"])
            dob = row["date_of_birth"]
            values: dict[str, object] = {
                "record_id": rid,
                "agency": row["agency"],
                "source_id": row["source_id"],
                "given_name": given,
                "middle_names": middle,
                "surname": surname,
                "dob": dob.isoformat() if dob is not None else None,
                "sex": row["sex"],
                "address": row["address"],
                HISTORY_COLUMN: history.get((row["agency"], row["source_id"])) or None,
            }
            for name in IDENTIFIER_COLUMNS:
                values[name] = row[name]
                values[f"{name}_valid"] = row[f"{name}_valid"]
            for name, value in values.items():
                columns[name].append(value)
    if not hashes:
        return conform(
            pa.table(
                {
                    "record_id": pa.array([], pa.string()),
                    "agency": pa.array([], pa.string()),
                    "source_id": pa.array([], pa.string()),
                    "surname": pa.array([], pa.string()),
                }
            ),
            origin="person table",
        ), {}
    return conform(pa.table(dict(columns)), origin="person table"), hashes
