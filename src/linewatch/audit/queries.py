"""The data protection officer's questions of the audit trail: who looked at this child, and why;
what did this user do; which disclosures were made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, func, select

from linewatch.store.tables_access import audit_event, audit_event_subject


@dataclass(frozen=True, slots=True)
class AuditFilter:
    subject_id: str | None = None
    actor: str | None = None
    agency: str | None = None
    operation: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Select[Any], where: AuditFilter) -> Select[Any]:
    if where.subject_id:
        query = query.where(
            audit_event.c.seq.in_(
                select(audit_event_subject.c.seq).where(audit_event_subject.c.subject_id == where.subject_id)
            )
        )
    for column, value in (
        (audit_event.c.actor, where.actor),
        (audit_event.c.agency, where.agency),
        (audit_event.c.operation, where.operation),
        (audit_event.c.outcome, where.outcome),
    ):
        if value:
            query = query.where(column == value)
    if where.since:
        query = query.where(audit_event.c.at >= where.since)
    if where.until:
        query = query.where(audit_event.c.at < where.until)
    return query


def find_events(
    connection: Connection, where: AuditFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Matching entries, newest first, and how many match in all."""
    total = int(connection.execute(_filtered(select(func.count()).select_from(audit_event), where)).scalar_one())
    rows = (
        connection.execute(
            _filtered(select(audit_event), where).order_by(audit_event.c.seq.desc()).limit(limit).offset(offset)
        )
        .mappings()
        .all()
    )
    return [dict(row) for row in rows], total


def who_looked_at(connection: Connection, subject_id: str) -> list[dict[str, Any]]:
    """Everyone who consulted, disclosed, altered or erased this subject's records: one row per
    person, role, agency and purpose, with how often, first and last time, and the reasons given."""
    rows = (
        connection.execute(
            select(audit_event)
            .where(
                audit_event.c.seq.in_(
                    select(audit_event_subject.c.seq).where(audit_event_subject.c.subject_id == subject_id)
                )
            )
            .order_by(audit_event.c.seq)
        )
        .mappings()
        .all()
    )
    summary: dict[tuple[str, str, str, str, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["actor"], row["agency"], row["role"], row["operation"], row["outcome"], row["purpose"] or "")
        item = summary.setdefault(
            key,
            {
                "actor": row["actor"],
                "agency": row["agency"],
                "role": row["role"],
                "operation": row["operation"],
                "outcome": row["outcome"],
                "purpose": row["purpose"],
                "times": 0,
                "first_at": row["at"],
                "last_at": row["at"],
                "reasons": [],
                "actions": [],
            },
        )
        item["times"] += 1
        item["last_at"] = row["at"]
        if row["reason"] and row["reason"] not in item["reasons"]:
            item["reasons"].append(row["reason"])
        if row["action"] not in item["actions"]:
            item["actions"].append(row["action"])
    return sorted(summary.values(), key=lambda item: item["last_at"], reverse=True)
