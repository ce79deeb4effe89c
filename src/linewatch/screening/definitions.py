"""Load the indicators file (warning signs, risk factors, protective factors as data) and check it
against the model and screening's derived fields, with errors that name the file and line.

A deployment can replace the shipped file with `<data_dir>/screening/indicators.yaml` or pass
`--indicators FILE`; the run records which file (and its SHA-256) it used.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from linewatch.definitions import DefinitionError, nearest_line, read_yaml
from linewatch.model import Model, default_model
from linewatch.screening.fields import FieldType, RecordType, record_types

SHIPPED_INDICATORS = Path(__file__).parent / "indicators.yaml"
LOCAL_INDICATORS = Path("screening") / "indicators.yaml"  # under the data directory


class Kind(StrEnum):
    warning_sign = "warning_sign"
    risk_factor = "risk_factor"
    protective_factor = "protective_factor"


class Level(StrEnum):
    """Levels in rising order of concern; thresholds for all but the first are configurable."""

    no_known_concern = "no_known_concern"
    emerging = "emerging"
    moderate = "moderate"
    significant = "significant"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def rank(self) -> int:
        return list(Level).index(self)


class Condition(BaseModel):
    """One test on a record field; exactly one operator."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    field: str
    in_: list[str] | None = Field(default=None, alias="in")
    is_: bool | None = Field(default=None, alias="is")
    at_least: float | None = None
    at_most: float | None = None
    contains_any: list[str] | None = Field(default=None, min_length=1)
    has_any: list[str] | None = Field(default=None, min_length=1)
    present: bool | None = None  # the field holds a value (true) or is empty (false)

    @model_validator(mode="after")
    def _one_operator(self) -> Condition:
        given = [name for name in self.operators() if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of: in, is, at_least, at_most, contains_any, has_any, present")
        return self

    @staticmethod
    def operators() -> tuple[str, ...]:
        return ("in_", "is_", "at_least", "at_most", "contains_any", "has_any", "present")

    @property
    def operator(self) -> str:
        return next(name for name in self.operators() if getattr(self, name) is not None).rstrip("_")


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)
    label: str = Field(min_length=3)
    kind: Kind
    weight: float = Field(gt=0)
    source: list[str] = Field(min_length=1)
    note: str | None = None
    record: str
    date: str | None = None  # the field evidence is dated by (default: the record type's)
    window_days: int | None = Field(default=None, ge=0)  # None: any time up to the screening date
    min_count: int = Field(default=1, ge=1)
    min_agencies: int = Field(default=1, ge=1)
    where: list[Condition] = []
    any_of: list[Condition] = []


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_age: int = Field(ge=0)
    max_age: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Scope:
        if self.min_age > self.max_age:
            raise ValueError("min_age must not exceed max_age")
        return self


class Levels(BaseModel):
    """The lowest score of each level; a score below `emerging` is no known concern."""

    model_config = ConfigDict(extra="forbid")

    emerging: float = Field(gt=0)
    moderate: float = Field(gt=0)
    significant: float = Field(gt=0)

    @model_validator(mode="after")
    def _rising(self) -> Levels:
        if not self.emerging < self.moderate < self.significant:
            raise ValueError("thresholds must rise: emerging < moderate < significant")
        return self

    def level_of(self, score: float) -> Level:
        if score >= self.significant:
            return Level.significant
        if score >= self.moderate:
            return Level.moderate
        if score >= self.emerging:
            return Level.emerging
        return Level.no_known_concern


class Scoring(BaseModel):
    model_config = ConfigDict(extra="forbid")

    risk_factor_cap: float = Field(ge=0)
    protective_cap: float = Field(ge=0)
    # Warning signs seen by this many agencies or more add these points: each agency sees a part,
    # and the same child worrying several of them is the multi-agency hub's reason to exist.
    corroboration_agencies: int = Field(default=2, ge=2)
    corroboration_points: float = Field(default=0, ge=0)


class Subjects(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_priority: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]] = Field(min_length=1)


class IndicatorFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: Scope
    levels: Levels
    scoring: Scoring
    subjects: Subjects
    sources: dict[str, str] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Definitions:
    """A checked indicators file, with where it came from."""

    path: Path
    sha256: str
    file: IndicatorFile
    record_types: dict[str, RecordType]

    @property
    def indicators(self) -> list[Indicator]:
        return self.file.indicators

    @property
    def levels(self) -> Levels:
        return self.file.levels

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.file.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def needs(self, indicator: Indicator) -> set[str]:
        """Optional inputs ("lines", "places") the indicator cannot fire without."""
        record = self.record_types[indicator.record]
        needed = {record.needs} if record.needs else set()
        for condition in [*indicator.where, *indicator.any_of]:
            field = record.fields[condition.field]
            if field.needs:
                needed.add(field.needs)
        return needed

    def second_pass(self, indicator: Indicator) -> bool:
        """Whether the indicator depends on other subjects' screening (peers)."""
        record = self.record_types[indicator.record]
        names = [c.field for c in [*indicator.where, *indicator.any_of]] + [indicator.date or record.date_field]
        return any(record.fields[name].second_pass for name in names if name in record.fields)

    def settings(self) -> dict[str, Any]:
        """What a run records of the file besides the indicators: scope, levels, caps."""
        return {
            "scope": self.file.scope.model_dump(),
            "levels": self.file.levels.model_dump(),
            "scoring": self.file.scoring.model_dump(),
        }


def indicators_path(data_dir: Path | None = None, explicit: Path | None = None) -> Path:
    """The file to use: an explicit one, else the workspace's own, else the shipped one."""
    if explicit is not None:
        return explicit
    if data_dir is not None and (data_dir / LOCAL_INDICATORS).exists():
        return data_dir / LOCAL_INDICATORS
    return SHIPPED_INDICATORS


def load_indicators(path: Path | None = None, model: Model | None = None) -> Definitions:
    """Read and check an indicators file (the shipped one by default)."""
    path = path or SHIPPED_INDICATORS
    data, index = read_yaml(path)
    if data is None:
        raise DefinitionError(path, "is empty")
    try:
        parsed = IndicatorFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(part for part in first["loc"] if part != "in_" and part != "is_")
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = f"{where}: {first['msg']}"
        if len(error.errors()) > 1:
            message += f" (and {len(error.errors()) - 1} more problems)"
        raise DefinitionError(path, message, nearest_line(index, location)) from None
    types = record_types(model or default_model())
    _check(path, parsed, types, index)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return Definitions(path=path, sha256=sha, file=parsed, record_types=types)


def _check(path: Path, parsed: IndicatorFile, types: dict[str, RecordType], index: dict[tuple[Any, ...], int]) -> None:
    def fail(location: tuple[Any, ...], problem: str) -> NoReturn:
        raise DefinitionError(path, problem, nearest_line(index, location))

    seen: set[str] = set()
    for position, indicator in enumerate(parsed.indicators):
        here = ("indicators", position)
        if indicator.id in seen:
            fail((*here, "id"), f"indicator id {indicator.id!r} is used twice")
        seen.add(indicator.id)
        for source in indicator.source:
            if source not in parsed.sources:
                fail((*here, "source"), f"{indicator.id}: unknown source {source!r} (add it under 'sources')")
        record = types.get(indicator.record)
        if record is None:
            known = ", ".join(sorted(types))
            fail((*here, "record"), f"{indicator.id}: unknown record type {indicator.record!r} (known: {known})")
        if indicator.date is not None:
            dated = record.fields.get(indicator.date)
            if dated is None or dated.type is not FieldType.date:
                fail((*here, "date"), f"{indicator.id}: {indicator.date!r} is not a date field of {record.name}")
        if indicator.min_agencies > 1 and indicator.min_count < indicator.min_agencies:
            fail((*here, "min_count"), f"{indicator.id}: min_count must be at least min_agencies")
        for group in ("where", "any_of"):
            for number, condition in enumerate(getattr(indicator, group)):
                problem = _condition_problem(record, condition)
                if problem:
                    fail((*here, group, number, "field"), f"{indicator.id}: {problem}")
        if not indicator.where and not indicator.any_of and record.name != "LineLink":
            # Every record of a type is rarely a sign; say so rather than guess it was meant.
            fail(here, f"{indicator.id}: give 'where' or 'any_of' conditions (every {record.name} would count)")


def _condition_problem(record: RecordType, condition: Condition) -> str | None:
    field = record.fields.get(condition.field)
    if field is None:
        known = ", ".join(sorted(record.fields))
        return f"{record.name} has no field {condition.field!r} (fields: {known})"
    operator = condition.operator
    allowed = {
        FieldType.boolean: {"is", "present"},
        FieldType.number: {"at_least", "at_most", "present"},
        FieldType.date: {"present"},
        FieldType.enum: {"in", "present"},
        FieldType.text: {"in", "contains_any", "has_any", "present"},
    }[field.type]
    if operator not in allowed:
        fits = ", ".join(sorted(allowed))
        return f"{record.name}.{field.name} is {field.type.value}: '{operator}' does not apply (use {fits})"
    if field.type is FieldType.enum and condition.in_ is not None:
        unknown = [value for value in condition.in_ if value not in field.values]
        if unknown:
            return f"{record.name}.{field.name} has no value {unknown[0]!r} (values: {', '.join(field.values)})"
    return None
