"""What an indicator may test: each record type's model properties, plus the fields screening
derives for it (distance from home, absence rate, links to deal lines ...), and the record types
screening builds itself (links to deal-line phones from the lines capability).

The definitions loader checks every indicator against this catalogue, so a misspelt field or a
value outside an enum is an error naming the file and line, not an empty result.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from linewatch.model import Model, PropertyType, SchemaKind


class FieldType(StrEnum):
    text = "text"
    enum = "enum"
    number = "number"
    boolean = "boolean"
    date = "date"


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: FieldType
    label: str
    values: tuple[str, ...] = ()  # for enums
    needs: str | None = None  # an optional input the value comes from: "lines" | "places"
    second_pass: bool = False  # depends on other subjects' screening (peers)


@dataclass(frozen=True, slots=True)
class RecordType:
    name: str  # the model schema name, or a record type screening builds
    table: str  # its view is rec_<table>
    date_field: str  # the date evidence is dated by, unless an indicator names another
    end_field: str | None  # for periods (a status, a placement): when it ended
    fields: dict[str, Field]
    built: bool = False  # built by screening rather than read from the store
    needs: str | None = None


RETURN_INTERVIEW_OUTCOMES = ("completed", "declined", "unable_to_contact", "not_offered", "none")

# Fields screening derives per model schema (see linewatch.screening.derive for how).
DERIVED: dict[str, tuple[Field, ...]] = {
    "MissingEpisode": (
        Field("found_distance_km", FieldType.number, "distance from home to where found (km)"),
        Field("found_area", FieldType.text, "area (town) where found"),
        Field("found_other_local_authority", FieldType.boolean, "found in another local authority area"),
        Field("found_at_flagged_place", FieldType.boolean, "found at a flagged address or hotspot", needs="places"),
        Field("flagged_place", FieldType.text, "the flagged place where found", needs="places"),
        Field("return_interview", FieldType.enum, "return home interview outcome", RETURN_INTERVIEW_OUTCOMES),
        Field("return_interview_within_72h", FieldType.boolean, "return home interview completed within 72 hours"),
        Field("return_interview_offered_at", FieldType.date, "when the return home interview was offered"),
        Field("return_interview_completed_at", FieldType.date, "when the return home interview was completed"),
        Field("return_interview_due", FieldType.date, "72 hours after the return: when the interview is due"),
        Field("found_at", FieldType.date, "when the child was found or returned"),
    ),
    "Attendance": (
        Field("absence_rate", FieldType.number, "share of possible sessions missed"),
        Field("absence_rise", FieldType.number, "rise in absence rate since the pupil's previous term"),
        Field("known_at", FieldType.date, "when the term's attendance is known (its last school day)"),
    ),
    "PoliceIncident": (
        Field(
            "with_known_exploiter",
            FieldType.boolean,
            "a person linked to a deal line as its controller was there",
            needs="lines",
        ),
        Field("at_flagged_place", FieldType.boolean, "at a flagged address or hotspot", needs="places"),
        Field("flagged_place", FieldType.text, "the flagged place", needs="places"),
        Field(
            "with_child_at_risk",
            FieldType.boolean,
            "present with another child screened at moderate or above",
            second_pass=True,
        ),
        Field(
            "with_child_at_risk_since",
            FieldType.date,
            "when the other child's screening reached moderate",
            second_pass=True,
        ),
    ),
    "Association": (
        Field(
            "other_is_known_exploiter",
            FieldType.boolean,
            "the associate is linked to a deal line as its controller",
            needs="lines",
        ),
        Field(
            "phone_is_line_phone",
            FieldType.boolean,
            "the phone is a deal-line, controller or runner number",
            needs="lines",
        ),
    ),
    "IntelligenceLog": (
        Field(
            "phone_is_line_phone",
            FieldType.boolean,
            "the phone mentioned is a deal-line, controller or runner number",
            needs="lines",
        ),
    ),
    "Sighting": (
        Field("destination_area", FieldType.text, "area (town) of the journey's destination"),
        Field("destination_distance_km", FieldType.number, "distance from home to the destination station (km)"),
        Field(
            "to_line_market_town",
            FieldType.boolean,
            "the destination is a market town a detected line deals into",
            needs="lines",
        ),
    ),
}

# Dates that say when a record is known, where the model's date is not it (attendance is a termly
# return: a term's absence is known when the term ends, not when it starts).
DATE_FIELD = {"Attendance": "known_at"}

# Records that describe a period rather than an event: their end date.
END_FIELD = {"SocialCareStatus": "end_date", "EducationPlacement": "end_date", "HousingTenancy": "end_date"}

LINE_LINK = RecordType(
    name="LineLink",
    table="line_link",
    date_field="linked_at",
    end_field=None,
    built=True,
    needs="lines",
    fields={
        field.name: field
        for field in (
            Field("role", FieldType.enum, "role of the number", ("line", "controller", "runner")),
            Field("line_id", FieldType.text, "the line"),
            Field("number", FieldType.text, "the phone number"),
            Field("line_summary", FieldType.text, "the line in words"),
            Field("via", FieldType.enum, "where the number was found", ("person.phone", "association.phone")),
            Field("linked_at", FieldType.date, "when the link was recorded (else the line's first use)"),
        )
    },
)

_TYPES = {
    PropertyType.text: FieldType.text,
    PropertyType.name: FieldType.text,
    PropertyType.enum: FieldType.enum,
    PropertyType.integer: FieldType.number,
    PropertyType.number: FieldType.number,
    PropertyType.latitude: FieldType.number,
    PropertyType.longitude: FieldType.number,
    PropertyType.boolean: FieldType.boolean,
    PropertyType.date: FieldType.date,
    PropertyType.datetime: FieldType.date,
}


def record_types(model: Model) -> dict[str, RecordType]:
    """Every record type an indicator can be defined over: model records that refer to a person,
    with their derived fields, and the record types screening builds."""
    types: dict[str, RecordType] = {}
    for schema in model.of_kind(SchemaKind.record, SchemaKind.bulk):
        person = schema.properties.get("person")
        if person is None or person.type is not PropertyType.ref or schema.date_property is None:
            continue
        fields: dict[str, Field] = {}
        for prop in schema.properties.values():
            if prop.type is PropertyType.ref:
                continue
            kind = _TYPES.get(prop.type, FieldType.text)
            fields[prop.name] = Field(prop.name, kind, prop.label, prop.values)
        for derived in DERIVED.get(schema.name, ()):
            fields[derived.name] = derived
        types[schema.name] = RecordType(
            name=schema.name,
            table=schema.table_name,
            date_field=DATE_FIELD.get(schema.name, schema.date_property),
            end_field=END_FIELD.get(schema.name),
            fields=fields,
        )
    types[LINE_LINK.name] = LINE_LINK
    return types
