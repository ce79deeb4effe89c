"""What the store holds about a subject: its member person records and every record that refers
to one of them, read straight from the model's tables (current versions, or every version)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, select

from linewatch.model import Schema, SchemaKind, default_model
from linewatch.store.tables import metadata
from linewatch.store.tables_linkage import subject, subject_member

# Provenance columns shown with a record; the others (content hash, is_current) are bookkeeping.
PROVENANCE = ("id", "agency", "source_id", "version", "feed_id", "source_row", "ingested_at")


@dataclass(frozen=True, slots=True)
class Member:
    agency: str
    source_id: str
    match_probability: float | None
    evidence: str


@dataclass(frozen=True, slots=True)
class HeldRecord:
    schema: Schema
    values: dict[str, Any]  # provenance and properties, as stored

    @property
    def agency(self) -> str:
        return str(self.values["agency"])

    @property
    def source_id(self) -> str:
        return str(self.values["source_id"])

    @property
    def ref(self) -> str:
        return f"{self.schema.name}/{self.agency}/{self.source_id}"


@cache
def person_schemas() -> tuple[Schema, ...]:
    """Record schemata kept in SQL whose rows name a person (the chronology's sources)."""
    return tuple(
        schema
        for schema in default_model().of_kind(SchemaKind.record)
        if "person" in schema.properties and schema.properties["person"].target == "Person"
    )


@cache
def bulk_person_schemas() -> tuple[Schema, ...]:
    return tuple(schema for schema in default_model().of_kind(SchemaKind.bulk) if "person" in schema.properties)


def table_of(schema: Schema) -> Table:
    return metadata.tables[schema.table_name]


def subject_exists(connection: Connection, subject_id: str) -> bool:
    return connection.execute(select(subject.c.id).where(subject.c.id == subject_id)).first() is not None


_MEMBERS = (
    select(
        subject_member.c.agency,
        subject_member.c.source_id,
        subject_member.c.match_probability,
        subject_member.c.evidence,
    )
    .where(subject_member.c.subject_id == bindparam("subject_id"))
    .order_by(subject_member.c.agency, subject_member.c.source_id)
)


def subject_members(connection: Connection, subject_id: str) -> list[Member]:
    rows = connection.execute(_MEMBERS, {"subject_id": subject_id}).all()
    return [Member(row.agency, row.source_id, row.match_probability, row.evidence) for row in rows]


def _columns(table: Table, schema: Schema) -> list[Any]:
    wanted = _property_columns(schema.name)
    names = [*PROVENANCE, "is_current", *[c.name for c in table.columns if c.name in wanted]]
    return [table.c[name] for name in names]


@cache
def _property_columns(schema_name: str) -> frozenset[str]:
    names: set[str] = set()
    for prop in default_model()[schema_name].properties.values():
        names.add(prop.name)
        if prop.is_identifier:
            names.add(f"{prop.name}_valid")
    return frozenset(names)


def _by_agency(people: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for agency, source_id in people:
        grouped.setdefault(agency, []).append(source_id)
    return grouped


@cache
def _statement(schema_name: str, key: str, current_only: bool) -> Select[Any]:
    """One prepared SELECT per schema: rows of one agency whose ``key`` column is in a list (built
    once; each call only binds values, which keeps a profile's dozen queries cheap)."""
    schema = default_model()[schema_name]
    table = table_of(schema)
    query = select(*_columns(table, schema)).where(
        table.c.agency == bindparam("agency"), table.c[key].in_(bindparam("keys", expanding=True))
    )
    if current_only:
        query = query.where(table.c.is_current.is_(True))
    return query.order_by(table.c.id)


def person_rows(
    connection: Connection, people: Iterable[tuple[str, str]], *, current_only: bool = True
) -> list[HeldRecord]:
    """The person records themselves."""
    schema = default_model()["Person"]
    statement = _statement("Person", "source_id", current_only)
    held: list[HeldRecord] = []
    for agency, source_ids in _by_agency(people).items():
        rows = connection.execute(statement, {"agency": agency, "keys": source_ids}).mappings()
        held += [HeldRecord(schema, dict(row)) for row in rows]
    return held


def records_about(
    connection: Connection,
    people: Iterable[tuple[str, str]],
    schemas: Iterable[Schema] | None = None,
    *,
    current_only: bool = True,
) -> list[HeldRecord]:
    """Records whose ``person`` is one of the people (agency, source_id): refs name a person record
    of the same agency."""
    grouped = _by_agency(people)
    held: list[HeldRecord] = []
    for schema in person_schemas() if schemas is None else schemas:
        statement = _statement(schema.name, "person", current_only)
        for agency, source_ids in grouped.items():
            rows = connection.execute(statement, {"agency": agency, "keys": source_ids}).mappings()
            held += [HeldRecord(schema, dict(row)) for row in rows]
    return held


def agencies_holding(connection: Connection) -> dict[str, set[str]]:
    """Per record schema with a person, the agencies that hold any record of it."""
    holding: dict[str, set[str]] = {}
    for schema in person_schemas():
        table = table_of(schema)
        holding[schema.name] = set(connection.execute(select(table.c.agency).distinct()).scalars())
    return holding


def record_date(record: HeldRecord) -> Any:
    """The date a record is filed under in a chronology (the schema's date property)."""
    name = record.schema.date_property
    return record.values.get(name) if name else None
