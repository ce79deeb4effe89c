"""The subject profile: linked identities, one chronology across agencies, associations, network
neighbours and (when screening is plugged in) indicators with reasons; everything filtered by the
caller's scope, and the list of records shown kept for the audit entry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select, tuple_

from linewatch.access.policy import Scope
from linewatch.api.services.records_view import record_view
from linewatch.model import default_model
from linewatch.records.holdings import HeldRecord, person_rows, person_schemas, records_about, subject_members
from linewatch.store.tables_linkage import resolved_entity, resolved_entity_member, subject, subject_member

MAX_NEIGHBOURS = 50
# A shared address or phone held by more people than this (a hostel, a school switchboard) says
# little about any two of them.
MAX_ENTITY_MEMBERS = 25


# Built once; each profile only binds values (statement building was a third of the cost).
_SUBJECT = select(subject.c.retired_run, subject.c.merged_into).where(subject.c.id == bindparam("subject_id"))
_SUBJECTS_OF_PEOPLE = select(subject_member.c.agency, subject_member.c.source_id, subject_member.c.subject_id).where(
    tuple_(subject_member.c.agency, subject_member.c.source_id).in_(bindparam("people", expanding=True))
)
_SHARED_ENTITIES = (
    select(resolved_entity.c.id, resolved_entity.c.kind, resolved_entity.c.label)
    .join(resolved_entity_member, resolved_entity_member.c.entity_id == resolved_entity.c.id)
    .where(
        resolved_entity_member.c.record_schema == "person",
        tuple_(resolved_entity_member.c.agency, resolved_entity_member.c.source_id).in_(
            bindparam("people", expanding=True)
        ),
        resolved_entity.c.members <= MAX_ENTITY_MEMBERS,
    )
    .distinct()
)
_SHARING_SUBJECTS = (
    select(resolved_entity_member.c.entity_id, subject_member.c.subject_id, subject_member.c.agency)
    .join(
        subject_member,
        and_(
            subject_member.c.agency == resolved_entity_member.c.agency,
            subject_member.c.source_id == resolved_entity_member.c.source_id,
        ),
    )
    .where(
        resolved_entity_member.c.entity_id.in_(bindparam("entities", expanding=True)),
        resolved_entity_member.c.record_schema == "person",
        subject_member.c.subject_id != bindparam("subject_id"),
    )
)


class SubjectGone(Exception):
    def __init__(self, merged_into: str | None):
        super().__init__(merged_into or "retired")
        self.merged_into = merged_into


def _sort_key(item: dict[str, Any]) -> tuple[str, str]:
    when = item["date"]
    if isinstance(when, datetime):
        text = when.isoformat()
    elif isinstance(when, date):
        text = datetime(when.year, when.month, when.day).isoformat()
    else:
        text = ""
    return (text, item["record_type"])


def subject_profile(
    connection: Connection,
    subject_id: str,
    scope: Scope,
    indicator_source: Any | None = None,
    holding: dict[str, set[str]] | None = None,
) -> tuple[dict[str, Any], list[str]] | None:
    """(profile, references of the records shown), or None when the subject does not exist or
    the caller may see nothing of it. Raises SubjectGone for a retired subject. ``holding`` (which
    agencies hold records of each schema) lets it skip tables that cannot have any."""
    row = connection.execute(_SUBJECT, {"subject_id": subject_id}).first()
    if row is None:
        return None
    if row.retired_run is not None:
        raise SubjectGone(row.merged_into)
    members = subject_members(connection, subject_id)
    person_schema = default_model()["Person"]
    visible_people = [(m.agency, m.source_id) for m in members if scope.sees_record(m.agency, person_schema)]
    all_people = [(m.agency, m.source_id) for m in members]
    identities = person_rows(connection, visible_people)
    records: list[HeldRecord] = []
    for schema in person_schemas():
        present = holding.get(schema.name, set()) if holding is not None else None
        people = [
            (agency, source_id)
            for agency, source_id in all_people
            if (present is None or agency in present) and scope.sees_record(agency, schema)
        ]
        if people:
            records += records_about(connection, people, [schema])
    if not identities and not records:
        return None
    shown_refs = [held.ref for held in identities] + [held.ref for held in records]
    chronology = sorted((record_view(scope, held) for held in records), key=_sort_key, reverse=True)
    associations = [item for item in chronology if item["record_type"] == "Association"]
    subject_of = _subjects_of_people(connection, associations)
    for item in associations:
        other = item["fields"].get("other_person")
        item["other_subject_id"] = subject_of.get((item["agency"], other)) if other else None
    visible_by_id = {(m.agency, m.source_id): m for m in members if (m.agency, m.source_id) in set(visible_people)}
    profile = {
        "subject_id": subject_id,
        "members": len(members),
        "members_visible": len(visible_people),
        "identities": [
            {
                **record_view(scope, held),
                "match_probability": visible_by_id[(held.agency, held.source_id)].match_probability,
                "evidence": visible_by_id[(held.agency, held.source_id)].evidence,
            }
            for held in identities
        ],
        "chronology": chronology,
        "associations": associations,
        "neighbours": _neighbours(connection, subject_id, scope, associations, subject_of, visible_people),
        "indicators": indicator_source(connection, subject_id, scope) if indicator_source else [],
        "indicators_available": indicator_source is not None,
        "purpose": scope.purpose,
        "agreements": list(scope.agreements),
    }
    return profile, shown_refs


def _subjects_of_people(connection: Connection, associations: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    keys = {
        (item["agency"], item["fields"]["other_person"]) for item in associations if item["fields"].get("other_person")
    }
    if not keys:
        return {}
    rows = connection.execute(_SUBJECTS_OF_PEOPLE, {"people": sorted(keys)})
    return {(r.agency, r.source_id): r.subject_id for r in rows}


def _neighbours(
    connection: Connection,
    subject_id: str,
    scope: Scope,
    associations: list[dict[str, Any]],
    subject_of: dict[tuple[str, str], str],
    visible_people: list[tuple[str, str]],
) -> list[dict[str, Any]]:
    """Other subjects one step away: named in a visible association, or sharing a resolved address,
    phone or vehicle through records the caller may see on both sides."""
    found: dict[str, dict[str, Any]] = {}
    for item in associations:
        other = item.get("other_subject_id")
        if other and other != subject_id:
            entry = found.setdefault(other, {"subject_id": other, "via": []})
            entry["via"].append(f"association: {item['fields'].get('association_type') or 'associate'}")
    if visible_people:
        person_schema = default_model()["Person"]
        labels = {e.id: (e.kind, e.label) for e in connection.execute(_SHARED_ENTITIES, {"people": visible_people})}
        shared = (
            connection.execute(_SHARING_SUBJECTS, {"entities": sorted(labels), "subject_id": subject_id}).all()
            if labels
            else []
        )
        for entity_id, other, agency in shared:
            if not scope.sees_record(agency, person_schema):
                continue
            kind, label = labels[entity_id]
            entry = found.setdefault(other, {"subject_id": other, "via": []})
            reason = f"shares {kind} {label}"
            if reason not in entry["via"]:
                entry["via"].append(reason)
    return sorted(found.values(), key=lambda e: (-len(e["via"]), e["subject_id"]))[:MAX_NEIGHBOURS]
