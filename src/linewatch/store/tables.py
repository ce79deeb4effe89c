"""SQL tables derived from the domain model, plus the store's own bookkeeping tables.

Every entity and record table has the same provenance columns (agency, feed, source record id,
version, ingested at) so any row can be traced to the file and row it came from. Bulk schemata
(calls, sightings) live in Parquet in the analytics workspace, not here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

from linewatch.model import Model, Property, PropertyType, Schema, SchemaKind, default_model

# Constraint names are spelled out so migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")

PROVENANCE_COLUMNS = (
    "id",
    "agency",
    "source_id",
    "version",
    "is_current",
    "feed_id",
    "source_row",
    "ingested_at",
    "content_hash",
)


def column_type(prop: Property) -> TypeEngine[Any]:
    mapping: dict[PropertyType, TypeEngine[Any]] = {
        PropertyType.date: Date(),
        PropertyType.datetime: DateTime(),
        PropertyType.integer: Integer(),
        PropertyType.number: Float(),
        PropertyType.latitude: Float(),
        PropertyType.longitude: Float(),
        PropertyType.boolean: Boolean(),
        PropertyType.enum: String(64),
        PropertyType.name: String(200),
        PropertyType.ref: String(512),
    }
    if prop.is_identifier:
        return String(64)
    return mapping.get(prop.type, Text())


SOURCE_ID_LENGTH = 512


def text_limit(prop: Property) -> int | None:
    """The most characters the property's column holds, or None for unbounded text."""
    length = getattr(column_type(prop), "length", None)
    return int(length) if length else None


def property_columns(prop: Property) -> list[Column[Any]]:
    """The column(s) one property is stored in: identifiers carry a validity flag beside them."""
    columns: list[Column[Any]] = [Column(prop.name, column_type(prop), nullable=True)]
    if prop.is_identifier:
        columns.append(Column(f"{prop.name}_valid", Boolean(), nullable=True))
    return columns


def stored_names(schema: Schema) -> list[str]:
    """Column names holding the schema's properties, in table order."""
    names: list[str] = []
    for prop in schema.properties.values():
        names.append(prop.name)
        if prop.is_identifier:
            names.append(f"{prop.name}_valid")
    return names


def _schema_table(schema: Schema, metadata: MetaData) -> Table:
    table = Table(
        schema.table_name,
        metadata,
        Column("id", ID_TYPE, primary_key=True, autoincrement=True),
        Column("agency", String(64), nullable=False),
        Column("source_id", String(SOURCE_ID_LENGTH), nullable=False),
        Column("version", Integer, nullable=False),
        Column("is_current", Boolean, nullable=False),
        Column("feed_id", ForeignKey("feed.id"), nullable=False),
        Column("source_row", Integer, nullable=True),
        Column("ingested_at", DateTime, nullable=False),
        Column("content_hash", String(32), nullable=False),
        *[column for prop in schema.properties.values() for column in property_columns(prop)],
        # Also the index for finding a record's versions, current or not, by agency and source id.
        UniqueConstraint("agency", "source_id", "version", name=f"uq_{schema.table_name}_version"),
        comment=schema.label,
    )
    Index(f"ix_{schema.table_name}_feed", table.c.feed_id)
    for prop in schema.properties.values():
        if prop.type is PropertyType.ref or prop.is_identifier:
            Index(f"ix_{schema.table_name}_{prop.name}", table.c[prop.name])
    return table


def build_metadata(model: Model) -> MetaData:
    metadata = MetaData(naming_convention=NAMING)
    Table(
        "feed",
        metadata,
        Column("id", ID_TYPE, primary_key=True, autoincrement=True),
        Column("agency", String(64), nullable=False),
        Column("mapping", String(128), nullable=False),
        Column("file_name", String(1024), nullable=False),
        Column("content_sha256", String(64), nullable=False),
        Column("encoding", String(32), nullable=True),
        Column("status", String(16), nullable=False),  # loaded | partial (with --accept-valid)
        Column("rows_read", Integer, nullable=False),
        Column("rows_loaded", Integer, nullable=False),
        Column("rows_rejected", Integer, nullable=False),
        Column("records", JSON, nullable=False),  # per schema: new, changed, unchanged
        Column("rejects_path", String(1024), nullable=True),
        Column("loaded_at", DateTime, nullable=False),
        Column("loaded_by", String(128), nullable=False),
        Column("seconds", Float, nullable=False),
        UniqueConstraint("agency", "mapping", "content_sha256", name="uq_feed_content"),
    )
    for schema in model.of_kind(SchemaKind.entity, SchemaKind.record):
        _schema_table(schema, metadata)
    return metadata


metadata = build_metadata(default_model())

import linewatch.store.tables_linkage  # noqa: E402  isort: skip
import linewatch.store.tables_screening  # noqa: E402  isort: skip
import linewatch.store.tables_places  # noqa: E402  isort: skip
import linewatch.store.tables_access  # noqa: E402, F401  isort: skip
