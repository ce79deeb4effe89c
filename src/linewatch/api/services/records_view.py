"""A stored record as a caller may see it: provenance, then its properties with those of a
sensitivity class closed to the caller redacted (set to null and named in ``redacted``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from linewatch.access.policy import Scope
from linewatch.records.holdings import HeldRecord, record_date


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def record_view(scope: Scope, held: HeldRecord) -> dict[str, Any]:
    schema = held.schema
    properties = {
        name: value
        for name, value in held.values.items()
        if name in schema.properties or (name.endswith("_valid") and name[:-6] in schema.properties)
    }
    shown, redacted = scope.redact(held.agency, schema, properties)
    caption = " · ".join(_text(shown[name]) for name in schema.caption if shown.get(name) is not None)
    when = record_date(held)
    if when is not None and held.schema.date_property in scope.hidden_properties(held.agency, schema):
        when = None
    return {
        "record_type": schema.name,
        "label": schema.label,
        "agency": held.agency,
        "source_id": held.source_id,
        "version": held.values["version"],
        "ingested_at": held.values["ingested_at"],
        "date": when,
        "caption": caption,
        "fields": shown,
        "redacted": redacted,
    }
