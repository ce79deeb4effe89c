"""The property types of the domain model, and what each means for storage and validation."""

from __future__ import annotations

from enum import StrEnum


class PropertyType(StrEnum):
    text = "text"
    name = "name"
    date = "date"
    datetime = "datetime"
    integer = "integer"
    number = "number"
    boolean = "boolean"
    enum = "enum"
    ref = "ref"  # the source id of another entity from the same agency
    latitude = "latitude"
    longitude = "longitude"
    nhs_number = "nhs_number"
    upn = "upn"
    postcode = "postcode"
    phone = "phone"
    imei = "imei"
    vrm = "vrm"
    uprn = "uprn"
    pnc_id = "pnc_id"


# Identifiers are normalised on ingest; an invalid one is kept as given and flagged, so each is
# stored with a companion "<name>_valid" column.
IDENTIFIER_TYPES: frozenset[PropertyType] = frozenset(
    {
        PropertyType.nhs_number,
        PropertyType.upn,
        PropertyType.postcode,
        PropertyType.phone,
        PropertyType.imei,
        PropertyType.vrm,
        PropertyType.uprn,
        PropertyType.pnc_id,
    }
)

TEXT_TYPES: frozenset[PropertyType] = frozenset(
    {PropertyType.text, PropertyType.name, PropertyType.enum, PropertyType.ref}
)


class SchemaKind(StrEnum):
    entity = "entity"  # a thing: person, address, phone ...
    record = "record"  # an event or status held by an agency about an entity
    bulk = "bulk"  # high-volume records kept in the analytics workspace (Parquet), not SQL


class Sensitivity(StrEnum):
    """Classes that decide redaction: who may see a property depends on its class."""

    standard = "standard"
    personal = "personal"
    education = "education"
    health = "health"
    health_clinical = "health_clinical"
    social_care_sensitive = "social_care_sensitive"
    police = "police"
    police_intelligence = "police_intelligence"
