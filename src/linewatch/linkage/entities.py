"""Addresses, phones and vehicles resolved to canonical entities, so that the tenancy at a UPRN,
the missing child found there and the intelligence log naming it are seen as one place.

These resolve deterministically, by normalised key, not by the probabilistic model: the
identifiers are designed to be exact once normalised, and a wrong merge of two properties is worse
than a missed one.

* address ``UPRN:<uprn>``: every valid UPRN property of every entity and record table;
* address ``ADDR:<first line>|<postcode>``: address text with a valid postcode and no UPRN (joined
  to the UPRN entity when some row holds both the text and a UPRN);
* phone ``PHONE:<E.164>``: every valid phone property;
* vehicle ``VRM:<AB12CDE>``: every valid vehicle registration property.

A postcode alone is not an address (a postcode covers about fifteen), so postcode-only properties
are left out. Bulk schemata (call records, sightings) live in Parquet and are resolved by the
capabilities that read them. Entity ids (ADR0000042) stay the same across runs for the same key.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, update

from linewatch.model import PropertyType, Schema, SchemaKind, default_model
from linewatch.store.tables import metadata
from linewatch.store.tables_linkage import resolved_entity, resolved_entity_member

PREFIX = {"address": "ADR", "phone": "PHN", "vehicle": "VEH"}
KIND_OF_TYPE = {PropertyType.uprn: "address", PropertyType.phone: "phone", PropertyType.vrm: "vehicle"}

# Common abbreviations in UK address lines, written out so "12 High St" equals "12 High Street".
ABBREVIATIONS = {
    "st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "ln": "lane", "cl": "close", "dr": "drive",
    "ct": "court", "cres": "crescent", "pl": "place", "sq": "square", "gdns": "gardens", "gr": "grove",
    "tce": "terrace", "pk": "park", "hse": "house",
}  # fmt: skip
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def address_line_key(line: str) -> str:
    """``"Flat 2, 12 High St."`` -> ``"flat 2 12 high street"``."""
    words = _NOT_WORD.sub(" ", line.casefold()).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str
    key: str
    label: str
    record_schema: str
    agency: str
    source_id: str
    property: str


def _address_text_properties(schema: Schema) -> list[str]:
    return [
        name
        for name in ("line1", "address")
        if name in schema.properties and schema.properties[name].type is PropertyType.text
    ]


def mentions(connection: Connection) -> list[Mention]:
    """Every resolvable property value in the current rows of the store's tables."""
    found: list[Mention] = []
    text_keys: list[tuple[str, str, str, str, str]] = []  # (text key, label, table, agency, source_id)
    text_to_uprn: dict[str, str] = {}
    for schema in default_model().of_kind(SchemaKind.entity, SchemaKind.record):
        table = metadata.tables[schema.table_name]
        resolvable = [name for name, prop in schema.properties.items() if prop.type in KIND_OF_TYPE]
        texts = _address_text_properties(schema)
        postcode = "postcode" if "postcode" in schema.properties else None
        if not resolvable and not (texts and postcode):
            continue
        columns = [table.c.agency, table.c.source_id]
        for name in resolvable:
            columns += [table.c[name], table.c[f"{name}_valid"]]
        if texts and postcode:
            columns += [table.c[name] for name in texts] + [table.c.postcode, table.c.postcode_valid]
        for row in connection.execute(select(*columns).where(table.c.is_current.is_(True))).mappings():
            uprn_here = None
            for name in resolvable:
                value, valid = row[name], row[f"{name}_valid"]
                if value is None or not valid:
                    continue
                kind = KIND_OF_TYPE[schema.properties[name].type]
                key = {"address": "UPRN", "phone": "PHONE", "vehicle": "VRM"}[kind] + f":{value}"
                found.append(Mention(kind, key, str(value), schema.table_name, row["agency"], row["source_id"], name))
                if kind == "address" and name == "uprn":
                    uprn_here = key
            if texts and postcode and row["postcode"] and row["postcode_valid"]:
                line = next((row[name] for name in texts if row[name]), None)
                if line:
                    text_key = f"ADDR:{address_line_key(str(line))}|{row['postcode']}"
                    label = f"{line}, {row['postcode']}"
                    if uprn_here is not None:
                        text_to_uprn.setdefault(text_key, uprn_here)
                    else:
                        text_keys.append((text_key, label, schema.table_name, row["agency"], row["source_id"]))
    for text_key, label, table_name, agency, source_id in text_keys:
        key = text_to_uprn.get(text_key, text_key)
        found.append(Mention("address", key, label, table_name, agency, source_id, "address"))
    return found


@dataclass
class ResolvedCounts:
    entities: dict[str, int]
    mentions: int

    def line(self) -> str:
        parts = ", ".join(
            f"{count:,} {kind}{'es' if kind == 'address' else 's'}" for kind, count in sorted(self.entities.items())
        )
        return f"Resolved {self.mentions:,} mentions to {parts or 'no entities'}"


def resolve_entities(connection: Connection, run_id: int) -> ResolvedCounts:
    """Rebuild the entity members from the store's current rows, keeping entity ids by key."""
    found = mentions(connection)
    existing = {
        (row.kind, row.key): row.id
        for row in connection.execute(select(resolved_entity.c.kind, resolved_entity.c.key, resolved_entity.c.id))
    }
    numbers: defaultdict[str, int] = defaultdict(int)
    for entity_id in existing.values():
        prefix = entity_id[:3]
        numbers[prefix] = max(numbers[prefix], int(entity_id[3:]))
    by_entity: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in found:
        by_entity[(mention.kind, mention.key)].append(mention)
    connection.execute(delete(resolved_entity_member))
    new_rows = []
    for (kind, key), entity_mentions in sorted(by_entity.items()):
        entity_id = existing.get((kind, key))
        if entity_id is None:
            prefix = PREFIX[kind]
            numbers[prefix] += 1
            entity_id = f"{prefix}{numbers[prefix]:07d}"
            existing[(kind, key)] = entity_id
            new_rows.append({
                "id": entity_id, "kind": kind, "key": key, "label": entity_mentions[0].label,
                "members": len(entity_mentions), "created_run": run_id, "updated_run": run_id,
            })  # fmt: skip
        else:
            connection.execute(
                update(resolved_entity)
                .where(resolved_entity.c.id == entity_id)
                .values(members=len(entity_mentions), updated_run=run_id)
            )
    for (kind, key), entity_id in existing.items():
        if (kind, key) not in by_entity:
            connection.execute(
                update(resolved_entity).where(resolved_entity.c.id == entity_id).values(members=0, updated_run=run_id)
            )
    _insert(connection, resolved_entity, new_rows)
    _insert(connection, resolved_entity_member, [
        {"entity_id": existing[(m.kind, m.key)], "record_schema": m.record_schema, "agency": m.agency,
         "source_id": m.source_id, "property": m.property}
        for m in _unique(found)
    ])  # fmt: skip
    counts: dict[str, int] = defaultdict(int)
    for kind, _key in by_entity:
        counts[kind] += 1
    return ResolvedCounts(dict(counts), len(found))


def _unique(found: Iterable[Mention]) -> list[Mention]:
    seen: set[tuple[str, str, str, str]] = set()
    kept = []
    for mention in found:
        identity = (mention.record_schema, mention.agency, mention.source_id, mention.property)
        if identity not in seen:
            seen.add(identity)
            kept.append(mention)
    return kept


def _insert(connection: Connection, table: object, rows: list[dict[str, object]], batch: int = 2_000) -> None:
    for start in range(0, len(rows), batch):
        connection.execute(table.insert(), rows[start : start + batch])  # type: ignore[attr-defined]
