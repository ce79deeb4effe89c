"""Apply a checked mapping to one row: the entities it produces, or every problem it has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from linewatch.feeds.convert import Converter, identifier_converter, split_name, value_converter
from linewatch.feeds.mapping import Mapping, PropertyMapping
from linewatch.model import Property, PropertyType, Schema


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with one cell (or row) of a feed."""

    row: int
    column: str | None
    value: str | None
    problem: str

    def describe(self, file_name: str) -> str:
        where = f"{file_name} row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        shown = f" {self.value!r}" if self.value is not None else ""
        return f"{where}:{shown} {self.problem}".replace(":  ", ": ")


@dataclass(slots=True)
class Produced:
    """One entity or record produced by a row, with only the properties the mapping supplies."""

    entity: str
    schema: Schema
    source_id: str
    values: dict[str, object]


Cells = dict[str, str | None]


@dataclass(slots=True)
class _PropertyPlan:
    prop: Property
    source: PropertyMapping
    columns: list[str]
    label: str  # how the source is named in errors
    convert: Converter | None = None
    check_identifier: Callable[[str], tuple[str, bool]] | None = None
    constant: object = None


@dataclass(slots=True)
class _EntityPlan:
    name: str
    schema: Schema
    key: list[str]
    optional: bool
    plans: list[_PropertyPlan] = field(default_factory=list)


def _as_tuple(formats: str | list[str]) -> tuple[str, ...]:
    return (formats,) if isinstance(formats, str) else tuple(formats)


class RowMapper:
    """A mapping compiled into per-property converters, applied row by row."""

    def __init__(self, mapping: Mapping):
        definition = mapping.definition
        date_formats = _as_tuple(definition.date_format)
        datetime_formats = _as_tuple(definition.datetime_format)
        self.entities: list[_EntityPlan] = []
        for name, entity in definition.entities.items():
            schema = mapping.schema_of(name)
            plan = _EntityPlan(name, schema, list(entity.key), entity.optional)
            for prop_name, source in entity.properties.items():
                prop = schema.properties[prop_name]
                columns = source.source_columns()
                label = " + ".join(columns) if columns else (source.entity or "(constant)")
                step = _PropertyPlan(prop, source, columns, label)
                if prop.is_identifier:
                    step.check_identifier = identifier_converter(prop)
                elif prop.type is not PropertyType.ref:
                    step.convert = value_converter(prop, source, date_formats, datetime_formats)
                if source.value is not None:
                    step.constant = self._constant(step, source.value)
                plan.plans.append(step)
            self.entities.append(plan)

    def restrict_to(self, columns: list[str]) -> None:
        """Forget properties whose optional columns this file lacks: the file does not supply
        them, so the stored values must be left as they are rather than emptied."""
        present = set(columns)
        for entity in self.entities:
            entity.plans = [
                step for step in entity.plans if not step.columns or any(column in present for column in step.columns)
            ]

    @staticmethod
    def _constant(step: _PropertyPlan, text: str) -> object:
        if step.check_identifier is not None:
            return step.check_identifier(text)
        assert step.convert is not None
        value, problem = step.convert(text)
        if problem is not None:
            raise ValueError(f"constant {text!r} for {step.prop.name} {problem}")
        return value

    def map(self, row: int, cells: Cells) -> tuple[list[Produced], list[RowError]]:
        errors: list[RowError] = []
        keys: dict[str, str | None] = {}
        for entity in self.entities:
            parts = [cells.get(column) for column in entity.key]
            if all(parts):
                keys[entity.name] = "|".join(part for part in parts if part)
            else:
                keys[entity.name] = None
                if not entity.optional:
                    missing = [c for c, p in zip(entity.key, parts, strict=True) if not p]
                    errors.append(
                        RowError(
                            row,
                            missing[0],
                            None,
                            f"is empty, but it identifies the {entity.schema.label.lower()}",
                        )
                    )
        produced: list[Produced] = []
        for entity in self.entities:
            source_id = keys[entity.name]
            if source_id is None:
                continue
            values: dict[str, object] = {}
            for step in entity.plans:
                self._apply(step, row, cells, keys, values, errors)
            produced.append(Produced(entity.name, entity.schema, source_id, values))
        return (produced if not errors else []), errors

    @staticmethod
    def _apply(
        step: _PropertyPlan,
        row: int,
        cells: Cells,
        keys: dict[str, str | None],
        values: dict[str, object],
        errors: list[RowError],
    ) -> None:
        prop, source = step.prop, step.source
        name = prop.name
        if source.entity is not None:
            raw: str | None = keys.get(source.entity)
        elif source.value is not None:
            if step.check_identifier is not None:
                values[name], values[f"{name}_valid"] = step.constant  # type: ignore[misc]
            else:
                values[name] = step.constant
            return
        elif source.column is not None:
            raw = cells.get(source.column)
        else:
            parts = [cells.get(column) for column in step.columns]
            raw = source.join.join(part for part in parts if part) or None
        if raw is not None and source.name_layout is not None and source.name_part is not None:
            raw = split_name(raw, source.name_layout)[source.name_part]
        if raw is None:
            if prop.required or source.required:
                errors.append(RowError(row, step.label, None, f"is empty, but {prop.label.lower()} is required"))
            values[name] = None
            if step.check_identifier is not None:
                values[f"{name}_valid"] = None
            return
        if step.check_identifier is not None:
            values[name], values[f"{name}_valid"] = step.check_identifier(raw)
            return
        if step.convert is None:  # a reference: the other entity's source id
            values[name] = raw
            return
        value, problem = step.convert(raw)
        if problem is not None:
            errors.append(RowError(row, step.label, raw, problem))
        values[name] = value
