"""Read the schemata (one YAML file per entity or record type) into the in-memory model.

Everything else in Linewatch (SQL tables, feed validation, API schemas) is derived from what is
loaded here, so adding a property is one edit to a YAML file plus a migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from linewatch.definitions import DefinitionError, load_definition
from linewatch.model.types import IDENTIFIER_TYPES, PropertyType, SchemaKind, Sensitivity

SCHEMATA_DIR = Path(__file__).parent / "schemata"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_SCHEMA_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# Word boundaries in CamelCase that keep acronyms whole: ASBReport -> asb_report.
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class PropertyDefinition(BaseModel):
    """One property as written in a schema file."""

    model_config = ConfigDict(extra="forbid")

    type: PropertyType
    label: str
    description: str | None = None
    required: bool = False
    values: list[str] | None = None
    schema_: str | None = Field(default=None, alias="schema")
    sensitivity: Sensitivity | None = None
    minimum: float | None = None

    @model_validator(mode="after")
    def _type_specific(self) -> PropertyDefinition:
        if self.type is PropertyType.enum and not self.values:
            raise ValueError("an enum property needs a list of values")
        if self.type is not PropertyType.enum and self.values:
            raise ValueError("only enum properties take values")
        if self.type is PropertyType.ref and not self.schema_:
            raise ValueError("a ref property needs the schema it points to")
        return self


class SchemaDefinition(BaseModel):
    """One schema file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: SchemaKind
    label: str
    description: str | None = None
    sensitivity: Sensitivity
    caption: list[str] = Field(default_factory=list)
    date_property: str | None = None
    properties: dict[str, PropertyDefinition]

    @field_validator("name")
    @classmethod
    def _name_shape(cls, value: str) -> str:
        if not _SCHEMA_NAME.match(value):
            raise ValueError("schema names are CamelCase, e.g. MissingEpisode")
        return value

    @field_validator("properties")
    @classmethod
    def _property_names(cls, value: dict[str, PropertyDefinition]) -> dict[str, PropertyDefinition]:
        for name in value:
            if not _IDENTIFIER.match(name):
                raise ValueError(f"property name {name!r} must be snake_case")
        return value

    @model_validator(mode="after")
    def _references(self) -> SchemaDefinition:
        for name in [*self.caption, *([self.date_property] if self.date_property else [])]:
            if name not in self.properties:
                raise ValueError(f"{name!r} is named but is not a property")
        return self


@dataclass(frozen=True, slots=True)
class Property:
    name: str
    type: PropertyType
    label: str
    required: bool
    sensitivity: Sensitivity
    values: tuple[str, ...] = ()
    target: str | None = None  # for refs: the schema pointed at
    minimum: float | None = None
    description: str | None = None

    @property
    def is_identifier(self) -> bool:
        return self.type in IDENTIFIER_TYPES


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    kind: SchemaKind
    label: str
    description: str | None
    sensitivity: Sensitivity
    caption: tuple[str, ...]
    date_property: str | None
    properties: dict[str, Property]

    @property
    def table_name(self) -> str:
        """snake_case of the schema name: MissingEpisode -> missing_episode."""
        return _CAMEL_BOUNDARY.sub("_", self.name).lower()

    def property(self, name: str) -> Property:
        return self.properties[name]


@dataclass(frozen=True, slots=True)
class Model:
    schemata: dict[str, Schema]

    def __getitem__(self, name: str) -> Schema:
        try:
            return self.schemata[name]
        except KeyError:
            known = ", ".join(sorted(self.schemata))
            raise KeyError(f"unknown schema {name!r} (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self.schemata

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.schemata.values())

    def of_kind(self, *kinds: SchemaKind) -> list[Schema]:
        return [schema for schema in self.schemata.values() if schema.kind in kinds]


def _build(definition: SchemaDefinition) -> Schema:
    properties = {
        name: Property(
            name=name,
            type=prop.type,
            label=prop.label,
            required=prop.required,
            sensitivity=prop.sensitivity or definition.sensitivity,
            values=tuple(prop.values or ()),
            target=prop.schema_,
            minimum=prop.minimum,
            description=prop.description,
        )
        for name, prop in definition.properties.items()
    }
    return Schema(
        name=definition.name,
        kind=definition.kind,
        label=definition.label,
        description=definition.description,
        sensitivity=definition.sensitivity,
        caption=tuple(definition.caption),
        date_property=definition.date_property,
        properties=properties,
    )


def load_model(directory: Path = SCHEMATA_DIR) -> Model:
    """Load and cross-check every schema file in a directory."""
    schemata: dict[str, Schema] = {}
    for path in sorted(directory.glob("*.yaml")):
        definition = load_definition(path, SchemaDefinition)
        if definition.name != path.stem:
            raise DefinitionError(path, f"declares name {definition.name!r}; the file must be {definition.name}.yaml")
        schemata[definition.name] = _build(definition)
    for schema in schemata.values():
        for prop in schema.properties.values():
            if prop.target is not None and prop.target not in schemata:
                raise DefinitionError(
                    directory / f"{schema.name}.yaml",
                    f"property {prop.name!r} refers to unknown schema {prop.target!r}",
                )
    return Model(schemata)


@cache
def default_model() -> Model:
    """The shipped domain model, loaded once per process."""
    return load_model()
