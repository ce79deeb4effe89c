"""Feed mappings: how one agency's export format maps onto the domain model.

A mapping is a YAML file (see docs/feeds.md). Loading it checks it against the model, so a
mapping that names an unknown property, an enum value the model does not have or a reference
to a missing entity fails at load with the file and line, before any data is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from linewatch.definitions import DefinitionError, load_definition, nearest_line, read_yaml
from linewatch.model import Model, PropertyType, Schema, default_model

SHIPPED_MAPPINGS = Path(__file__).parent / "mappings"

NameLayout = Literal["surname_comma_forenames", "forenames_surname"]
NamePart = Literal["given", "middle", "surname"]


class PropertyMapping(BaseModel):
    """Where one model property's value comes from in a row."""

    model_config = ConfigDict(extra="forbid")

    column: str | None = None
    columns: list[str] | None = None
    join: str = " "
    value: str | None = None
    entity: str | None = None
    format: str | list[str] | None = None
    codes: dict[str, str] | None = None
    name_part: NamePart | None = None
    name_layout: NameLayout | None = None
    true_values: list[str] = Field(default_factory=lambda: ["y", "yes", "true", "1", "t"])
    false_values: list[str] = Field(default_factory=lambda: ["n", "no", "false", "0", "f"])
    optional_column: bool = False
    required: bool = False

    @field_validator("codes")
    @classmethod
    def _codes_as_text(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        # YAML reads codes like Y, 1 or 01 as booleans and numbers; compare as text.
        if value is None:
            return None
        return {str(code).strip().casefold(): str(target) for code, target in value.items()}

    def source_columns(self) -> list[str]:
        if self.column is not None:
            return [self.column]
        return list(self.columns or [])


class EntityMapping(BaseModel):
    """One entity or record a row produces."""

    model_config = ConfigDict(extra="forbid")

    schema_: str = Field(alias="schema")
    key: list[str] = Field(min_length=1)
    optional: bool = False
    properties: dict[str, PropertyMapping]


class MappingDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    agency: str
    description: str | None = None
    format: Literal["csv", "xlsx", "json"]
    delimiter: str = ","
    encoding: str | None = None
    sheet: str | None = None
    header_row: int = Field(default=1, ge=1)
    records_path: str | None = None
    date_format: str | list[str] = "%Y-%m-%d"
    datetime_format: str | list[str] = "%Y-%m-%d %H:%M:%S"
    entities: dict[str, EntityMapping] = Field(min_length=1)


class Mapping:
    """A mapping definition that has been checked against the model."""

    def __init__(self, definition: MappingDefinition, path: Path, model: Model):
        self.definition = definition
        self.path = path
        self.model = model

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def agency(self) -> str:
        return self.definition.agency

    def schema_of(self, entity: str) -> Schema:
        return self.model[self.definition.entities[entity].schema_]

    def columns_needed(self) -> tuple[set[str], set[str]]:
        """(required columns, optional columns) the mapping reads."""
        required: set[str] = set()
        optional: set[str] = set()
        for entity in self.definition.entities.values():
            required.update(entity.key)
            for prop in entity.properties.values():
                (optional if prop.optional_column else required).update(prop.source_columns())
        return required, optional - required


def _check_against_model(
    definition: MappingDefinition, model: Model, path: Path, lines: dict[tuple[object, ...], int]
) -> None:
    def fail(location: tuple[str, ...], problem: str) -> None:
        raise DefinitionError(path, problem, nearest_line(lines, location))

    for local_name, entity in definition.entities.items():
        where = ("entities", local_name)
        if entity.schema_ not in model:
            fail(
                (*where, "schema"),
                f"unknown schema {entity.schema_!r} (known: {', '.join(sorted(model.schemata))})",
            )
        schema = model[entity.schema_]
        for prop_name, source in entity.properties.items():
            at = (*where, "properties", prop_name)
            if prop_name not in schema.properties:
                fail(at, f"{schema.name} has no property {prop_name!r}")
            prop = schema.properties[prop_name]
            sources = [
                source.column is not None,
                bool(source.columns),
                source.value is not None,
                source.entity is not None,
            ]
            if sum(sources) != 1:
                fail(at, "give exactly one of column, columns, value or entity")
            if source.entity is not None:
                if prop.type is not PropertyType.ref:
                    fail(at, f"{prop_name!r} is not a reference, so it cannot take an entity")
                if source.entity not in definition.entities:
                    fail(
                        at,
                        f"refers to entity {source.entity!r}, which this mapping does not define",
                    )
                target = definition.entities[source.entity].schema_
                if target != prop.target:
                    fail(
                        at,
                        f"{prop_name!r} must point to a {prop.target}, but {source.entity!r} is a {target}",
                    )
            if (source.name_part is None) != (source.name_layout is None):
                fail(at, "name_part and name_layout go together")
            allowed = set(prop.values)
            if source.codes and prop.type is PropertyType.enum:
                unknown = sorted(set(source.codes.values()) - allowed)
                if unknown:
                    fail(
                        (*at, "codes"),
                        f"codes map to {unknown}, not values of {schema.name}.{prop_name} ({sorted(allowed)})",
                    )
            if source.value is not None and prop.type is PropertyType.enum and source.value not in allowed:
                fail(
                    at,
                    f"{source.value!r} is not a value of {schema.name}.{prop_name} ({sorted(allowed)})",
                )
        for prop in schema.properties.values():
            if prop.required and prop.name not in entity.properties:
                fail(where, f"{schema.name}.{prop.name} is required but not mapped")


def load_mapping(path: Path, model: Model | None = None) -> Mapping:
    model = model or default_model()
    definition = load_definition(path, MappingDefinition)
    _, lines = read_yaml(path)
    _check_against_model(definition, model, path, lines)
    return Mapping(definition, path, model)


def find_mapping(name_or_path: str, search: list[Path] | None = None) -> Path:
    """A mapping by file path, or by name among the shipped mappings and extra folders."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} and candidate.exists():
        return candidate
    folders = [*(search or []), SHIPPED_MAPPINGS]
    for folder in folders:
        for suffix in (".yaml", ".yml"):
            path = folder / f"{name_or_path}{suffix}"
            if path.exists():
                return path
    known = sorted(p.stem for folder in folders if folder.exists() for p in folder.glob("*.yaml"))
    raise DefinitionError(candidate, f"no such mapping (shipped mappings: {', '.join(known) or 'none'})")
