"""Places findings as the web API shows them. Evidence records are filtered by the caller's scope
(the places outputs name a record by its table, e.g. ``intelligence_log``, or its schema); a
reason is named only when it rests on a record the caller sees (or on no record at all, such as
a change in pattern); and the children linked to a place are named only when the caller sees one
of their person records, and otherwise only counted. Lists carry counts, never names.
"""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from typing import Any

from sqlalchemy import Connection

from linewatch.access.policy import Scope
from linewatch.model import Schema, default_model
from linewatch.places.service import EvidenceItem, ReasonItem
from linewatch.records.holdings import subject_members


@cache
def _schemas() -> dict[str, Schema]:
    found: dict[str, Schema] = {}
    for schema in default_model():
        found[schema.name] = schema
        found[schema.table_name] = schema
    return found


def sees_evidence(scope: Scope, schema_name: str, agency: str) -> bool:
    """Shown when the caller may see the record's type and class; an unknown schema is hidden."""
    schema = _schemas().get(schema_name)
    return schema is not None and scope.sees_record(agency, schema)


def sees_schema_anywhere(scope: Scope, schema_name: str, agencies: list[str]) -> bool:
    schema = _schemas().get(schema_name)
    return schema is not None and any(scope.sees_record(agency, schema) for agency in agencies)


def evidence_view(scope: Scope, items: tuple[EvidenceItem, ...]) -> tuple[list[dict[str, Any]], list[str]]:
    """(the evidence the caller may see, with hidden properties redacted; references shown)."""
    shown: list[dict[str, Any]] = []
    refs: list[str] = []
    for item in items:
        if not sees_evidence(scope, item.schema, item.agency):
            continue
        schema = _schemas()[item.schema]
        values, redacted = scope.redact(item.agency, schema, {"description": item.description})
        shown.append({**asdict(item), "schema": schema.name, **values, "redacted": redacted})
        refs.append(f"{schema.name}/{item.agency}/{item.source_id}")
    return shown, refs


def reasons_view(
    scope: Scope, reasons: tuple[ReasonItem, ...], evidence: tuple[EvidenceItem, ...] | None, agencies: list[str]
) -> tuple[list[dict[str, Any]], int]:
    """(reasons the caller may see, how many were withheld). With the evidence at hand a reason
    needs one visible record of its signal; in a list (no evidence read) every schema it names
    must be open to the caller from some agency."""
    shown: list[dict[str, Any]] = []
    withheld = 0
    for reason in reasons:
        if not reason.schemas:
            ok = True
        elif evidence is not None:
            ok = any(e.signal == reason.signal and sees_evidence(scope, e.schema, e.agency) for e in evidence)
        else:
            ok = all(sees_schema_anywhere(scope, name, agencies) for name in reason.schemas)
        if ok:
            shown.append(asdict(reason))
        else:
            withheld += 1
    return shown, withheld


def visible_subjects(connection: Connection, scope: Scope, subject_ids: tuple[str, ...]) -> list[str]:
    """The subjects the caller sees at least one person record of."""
    person = default_model()["Person"]
    return [
        subject_id
        for subject_id in subject_ids
        if any(scope.sees_record(m.agency, person) for m in subject_members(connection, subject_id))
    ]
