"""Subject access export (UK GDPR article 15): everything held about one subject, as JSON: every
version of its person records and of every record about them, its rows in the analytics
workspace, linkage decisions naming it, and to whom its data was shown or disclosed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Connection, and_, or_, select

from linewatch.audit.queries import who_looked_at
from linewatch.records.holdings import bulk_person_schemas, person_rows, records_about, subject_members
from linewatch.settings import Settings
from linewatch.store.analytics import schema_dir
from linewatch.store.tables_linkage import linkage_review, subject


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _bulk_rows(settings: Settings, people: list[tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for schema in bulk_person_schemas():
        for path in sorted(schema_dir(settings.analytics_dir, schema).glob("feed-*.parquet")):
            table = pq.read_table(path)
            for agency, source_id in people:
                mask = pc.and_(pc.equal(table["agency"], agency), pc.equal(table["person"], source_id))
                rows = table.filter(pc.fill_null(mask, False)).to_pylist()
                if rows:
                    found.setdefault(schema.name, []).extend(rows)
    return found


def subject_access_export(connection: Connection, settings: Settings, subject_id: str) -> dict[str, Any] | None:
    """The export, or None when there is no such subject."""
    row = connection.execute(select(subject).where(subject.c.id == subject_id)).mappings().first()
    if row is None:
        return None
    members = subject_members(connection, subject_id)
    people = [(m.agency, m.source_id) for m in members]
    records: dict[str, list[dict[str, Any]]] = {}
    for held in records_about(connection, people, current_only=False):
        records.setdefault(held.schema.name, []).append(held.values)
    reviews = (
        connection.execute(
            select(linkage_review).where(
                or_(
                    *[
                        or_(
                            and_(linkage_review.c.agency_l == a, linkage_review.c.source_id_l == s),
                            and_(linkage_review.c.agency_r == a, linkage_review.c.source_id_r == s),
                        )
                        for a, s in people
                    ]
                )
            )
        )
        .mappings()
        .all()
        if people
        else []
    )
    export = {
        "subject_id": subject_id,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "about": "Everything Linewatch holds about this person: each agency's records (every version, with "
        "where it came from), how records were linked, and who was shown or sent this information and why.",
        "subject": dict(row),
        "linked_records": [
            {
                "agency": m.agency,
                "source_id": m.source_id,
                "match_probability": m.match_probability,
                "evidence": m.evidence,
            }
            for m in members
        ],
        "person_records": [held.values for held in person_rows(connection, people, current_only=False)],
        "records": records,
        "analytics_records": _bulk_rows(settings, people),
        "linkage_reviews": [dict(r) for r in reviews],
        "access_and_disclosures": who_looked_at(connection, subject_id),
    }
    plain: dict[str, Any] = _plain(export)
    return plain
