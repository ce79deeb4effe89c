"""Retention rules as data (retention.yaml) and the review they drive: which records are past
their review date, per record type and agency, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection, func, select

from linewatch.definitions import DefinitionError, load_definition, read_yaml
from linewatch.model import Schema, SchemaKind, default_model
from linewatch.records.holdings import table_of

SHIPPED_RETENTION = Path(__file__).parent / "retention.yaml"


class RetentionRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keep_years: int = Field(ge=0, le=150)
    from_: Literal["record_date", "loaded"] = Field(alias="from")
    then: Literal["review", "erase"]


class RetentionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: RetentionRule
    rules: dict[str, RetentionRule]

    @model_validator(mode="after")
    def _known_types(self) -> RetentionFile:
        model = default_model()
        for name in self.rules:
            if name not in model:
                raise ValueError(f"unknown record type {name!r} in rules")
        return self


def load_retention(data_dir: Path | None = None) -> RetentionFile:
    path = SHIPPED_RETENTION
    if data_dir is not None and (data_dir / "retention.yaml").exists():
        path = data_dir / "retention.yaml"
    rules = load_definition(path, RetentionFile)
    _, lines = read_yaml(path)
    for name, rule in rules.rules.items():
        schema = default_model()[name]
        if rule.from_ == "record_date" and not schema.date_property:
            raise DefinitionError(path, f"{name} has no date property: use 'from: loaded'", lines.get(("rules", name)))
    return rules


def rule_for(rules: RetentionFile, schema: Schema) -> RetentionRule:
    return rules.rules.get(schema.name, rules.default)


def review_cutoff(rule: RetentionRule, today: date) -> date:
    """Records dated before this day are past their review date."""
    try:
        return today.replace(year=today.year - rule.keep_years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - rule.keep_years, day=28)


def stored_schemas() -> list[Schema]:
    return default_model().of_kind(SchemaKind.entity, SchemaKind.record)


@dataclass(frozen=True, slots=True)
class RetentionDue:
    record_type: str
    agency: str
    rule: str  # e.g. "6 years from the record's date, then review"
    action: str
    due: int  # current records past their review date
    oldest: date | None


def _describe(rule: RetentionRule) -> str:
    start = "the record's date" if rule.from_ == "record_date" else "when it was loaded"
    return f"{rule.keep_years} years from {start}, then {rule.then}"


def due_for_review(
    connection: Connection, rules: RetentionFile, today: date, agencies: set[str] | None = None
) -> list[RetentionDue]:
    """Per record type and agency: current records past their review date (counts only)."""
    due: list[RetentionDue] = []
    for schema in stored_schemas():
        rule = rule_for(rules, schema)
        table = table_of(schema)
        column = table.c[schema.date_property] if rule.from_ == "record_date" and schema.date_property else None
        dated = column if column is not None else table.c.ingested_at
        cutoff: date | datetime = review_cutoff(rule, today)
        if dated.type.python_type is datetime:
            cutoff = datetime.combine(cutoff, time.min)
        query = (
            select(table.c.agency, func.count(), func.min(dated))
            .where(table.c.is_current.is_(True), dated < cutoff)
            .group_by(table.c.agency)
        )
        if agencies is not None:
            query = query.where(table.c.agency.in_(sorted(agencies)))
        for agency, count, oldest in connection.execute(query):
            oldest_day = oldest.date() if isinstance(oldest, datetime) else oldest
            due.append(RetentionDue(schema.name, agency, _describe(rule), rule.then, int(count), oldest_day))
    return sorted(due, key=lambda item: (item.record_type, item.agency))


def records_due(
    connection: Connection, rules: RetentionFile, schema: Schema, today: date, agency: str | None = None
) -> list[tuple[str, str]]:
    """(agency, source_id) of the current records of one type past their review date."""
    rule = rule_for(rules, schema)
    table = table_of(schema)
    dated = (
        table.c[schema.date_property] if rule.from_ == "record_date" and schema.date_property else table.c.ingested_at
    )
    cutoff: date | datetime = review_cutoff(rule, today)
    if dated.type.python_type is datetime:
        cutoff = datetime.combine(cutoff, time.min)
    query = select(table.c.agency, table.c.source_id).where(table.c.is_current.is_(True), dated < cutoff)
    if agency is not None:
        query = query.where(table.c.agency == agency)
    return [
        (row.agency, row.source_id) for row in connection.execute(query.order_by(table.c.agency, table.c.source_id))
    ]
