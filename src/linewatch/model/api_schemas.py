"""Pydantic models derived from the schemata, for the API to validate and document records."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from linewatch.model.schema import Property, Schema, default_model
from linewatch.model.types import PropertyType

_PYTHON_TYPES: dict[PropertyType, Any] = {
    PropertyType.date: date,
    PropertyType.datetime: datetime,
    PropertyType.integer: int,
    PropertyType.number: float,
    PropertyType.latitude: float,
    PropertyType.longitude: float,
    PropertyType.boolean: bool,
}


class RecordBase(BaseModel):
    """Provenance every stored record carries."""

    model_config = ConfigDict(extra="forbid")

    id: int
    agency: str
    source_id: str
    version: int
    feed_id: int
    ingested_at: datetime


def _field(schema: Schema, prop: Property) -> tuple[Any, Any]:
    # Enums become a Literal of the model's values, for validation and OpenAPI.
    python_type: Any = Literal[prop.values] if prop.type is PropertyType.enum else _PYTHON_TYPES.get(prop.type, str)
    constraints: dict[str, Any] = {"title": prop.label}
    if prop.description:
        constraints["description"] = prop.description
    if prop.minimum is not None:
        constraints["ge"] = prop.minimum
    return (python_type | None, Field(default=None, **constraints))


@cache
def record_model(schema_name: str) -> type[BaseModel]:
    """The API model of one schema: provenance, then each property (identifiers with validity)."""
    schema = default_model()[schema_name]
    fields: dict[str, Any] = {}
    for prop in schema.properties.values():
        fields[prop.name] = _field(schema, prop)
        if prop.is_identifier:
            fields[f"{prop.name}_valid"] = (
                bool | None,
                Field(default=None, title=f"{prop.label} is valid"),
            )
    model: type[BaseModel] = create_model(
        schema.name, __base__=RecordBase, __doc__=schema.description or schema.label, **fields
    )
    return model
