"""Erasure: remove every version of a subject's records (or of chosen records) from the store,
the linkage tables and the screening evidence that name them, in one transaction with its audit
entry and ledger rows; then their rows in the analytics workspace (bulk records, line links, the
places evidence files). The ledger keeps references only (type, agency, source id), never
content, and ``reapply_ledger`` erases again whatever a restored backup brought back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update

from linewatch.access.policy import Principal
from linewatch.audit.chain import append
from linewatch.audit.events import AuditEvent, Operation
from linewatch.model import default_model
from linewatch.records.holdings import bulk_person_schemas, person_schemas, subject_members, table_of
from linewatch.settings import Settings
from linewatch.store.analytics import schema_dir
from linewatch.store.tables_access import erasure_ledger
from linewatch.store.tables_linkage import linkage_review, resolved_entity_member, subject, subject_member
from linewatch.store.tables_screening import screening_evidence, screening_result

Target = tuple[str, str, str]  # (schema name, agency, source_id)


class ErasureError(ValueError):
    """Nothing to erase, or a bad request; the message says why."""


@dataclass
class ErasureResult:
    subject_id: str | None
    records: list[str] = field(default_factory=list)  # "Schema/agency/source_id"
    versions: int = 0
    screening_evidence: int = 0  # screening evidence rows that named an erased record
    analytics_rows: int = 0  # bulk rows, line links and places evidence rows
    audit_seq: int | None = None

    def line(self) -> str:
        who = f"subject {self.subject_id}: " if self.subject_id else ""
        return (
            f"{who}erased {len(self.records)} record(s), {self.versions} stored version(s), "
            f"{self.screening_evidence} screening evidence row(s), {self.analytics_rows} analytics row(s); "
            f"audit entry {self.audit_seq}"
        )


def _targets_of_subject(connection: Connection, subject_id: str) -> tuple[list[Target], list[tuple[str, str]]]:
    people = [(m.agency, m.source_id) for m in subject_members(connection, subject_id)]
    targets: set[Target] = {("Person", agency, source_id) for agency, source_id in people}
    by_agency: dict[str, list[str]] = {}
    for agency, source_id in people:
        by_agency.setdefault(agency, []).append(source_id)
    for schema in person_schemas():
        table = table_of(schema)
        for agency, source_ids in by_agency.items():
            rows = connection.execute(
                select(table.c.source_id).where(table.c.agency == agency, table.c.person.in_(source_ids)).distinct()
            )
            targets.update((schema.name, agency, row.source_id) for row in rows)
    return sorted(targets), people


def _delete_targets(connection: Connection, targets: Iterable[Target]) -> tuple[int, int]:
    """Delete every version of each target record, and the linkage and screening evidence rows
    that name it: (versions, screening evidence rows) deleted."""
    versions = evidence = 0
    grouped: dict[tuple[str, str], list[str]] = {}
    for schema_name, agency, source_id in targets:
        grouped.setdefault((schema_name, agency), []).append(source_id)
    for (schema_name, agency), source_ids in grouped.items():
        table = table_of(default_model()[schema_name])
        for start in range(0, len(source_ids), 500):
            chunk = source_ids[start : start + 500]
            result = connection.execute(delete(table).where(table.c.agency == agency, table.c.source_id.in_(chunk)))
            versions += int(result.rowcount or 0)
            # Every run's evidence naming the record goes (a panel's history keeps the score and
            # the reason's record count, not the record); the next screening run no longer sees it.
            named = connection.execute(
                delete(screening_evidence).where(
                    screening_evidence.c.record_schema == schema_name,
                    screening_evidence.c.agency == agency,
                    screening_evidence.c.source_id.in_(chunk),
                )
            )
            evidence += int(named.rowcount or 0)
            connection.execute(
                delete(resolved_entity_member).where(
                    resolved_entity_member.c.record_schema == table.name,
                    resolved_entity_member.c.agency == agency,
                    resolved_entity_member.c.source_id.in_(chunk),
                )
            )
            if schema_name == "Person":
                _forget_linkage(connection, agency, chunk)
    return versions, evidence


def _forget_linkage(connection: Connection, agency: str, source_ids: list[str]) -> None:
    subjects = [
        row.subject_id
        for row in connection.execute(
            select(subject_member.c.subject_id)
            .where(subject_member.c.agency == agency, subject_member.c.source_id.in_(source_ids))
            .distinct()
        )
    ]
    connection.execute(
        delete(subject_member).where(subject_member.c.agency == agency, subject_member.c.source_id.in_(source_ids))
    )
    connection.execute(
        delete(linkage_review).where(
            or_(
                and_(linkage_review.c.agency_l == agency, linkage_review.c.source_id_l.in_(source_ids)),
                and_(linkage_review.c.agency_r == agency, linkage_review.c.source_id_r.in_(source_ids)),
            )
        )
    )
    for subject_id in subjects:
        left = connection.execute(
            select(func.count(), func.count(subject_member.c.agency.distinct())).where(
                subject_member.c.subject_id == subject_id
            )
        ).first()
        members, agencies = (int(left[0]), int(left[1])) if left is not None else (0, 0)
        if members == 0:
            _forget_screening(connection, subject_id)
            connection.execute(delete(subject).where(subject.c.id == subject_id))
        else:
            connection.execute(
                update(subject).where(subject.c.id == subject_id).values(members=members, agencies=agencies)
            )


def _scrub_workspace(settings: Settings, targets: list[Target], people: list[tuple[str, str]]) -> int:
    """Remove the erased records' rows from the analytics workspace: the people's bulk rows and
    line links, then every places evidence row naming an erased record or bulk row."""
    removed, bulk_rows = _scrub_analytics(settings, people)
    tables = {name: default_model()[name].table_name for name, _, _ in targets}
    named = {(tables[name], agency, source_id) for name, agency, source_id in targets} | bulk_rows
    return removed + _scrub_places(settings, named)


def _scrub_analytics(settings: Settings, people: list[tuple[str, str]]) -> tuple[int, set[tuple[str, str, str]]]:
    """Remove the people's bulk rows (sightings ...) and line links from the analytics workspace:
    the rows removed, and the bulk records removed as (table, agency, source id)."""
    bulk_rows: set[tuple[str, str, str]] = set()
    if not people:
        return 0, bulk_rows
    removed = 0
    keys = {f"{agency}\x1f{source_id}" for agency, source_id in people}
    for schema in bulk_person_schemas():
        for path in sorted(schema_dir(settings.analytics_dir, schema).glob("feed-*.parquet")):
            dropped = _rewrite_without(path, keys, ("agency", "person"))
            removed += dropped.num_rows
            if "source_id" in dropped.column_names:
                bulk_rows.update(
                    (schema.table_name, agency, source_id)
                    for agency, source_id in zip(
                        dropped.column("agency").to_pylist(), dropped.column("source_id").to_pylist(), strict=True
                    )
                )
    lines_dir = settings.analytics_dir / "lines"
    people_file = lines_dir / "line_people.parquet"
    if people_file.exists():
        removed += _rewrite_without(people_file, keys, ("agency", "source_id")).num_rows
    profiles = lines_dir / "line_profiles.json"
    if profiles.exists():
        data = json.loads(profiles.read_text(encoding="utf-8"))
        changed = False
        for profile in data:
            linked = profile.get("linked_records", [])
            kept = [r for r in linked if f"{r.get('agency')}\x1f{r.get('source_id')}" not in keys]
            if len(kept) != len(linked):
                removed += len(linked) - len(kept)
                profile["linked_records"] = kept
                changed = True
        if changed:
            _replace_file(profiles, json.dumps(data, indent=1).encode("utf-8"))
    return removed, bulk_rows


def _scrub_places(settings: Settings, named: set[tuple[str, str, str]]) -> int:
    """Remove the rows naming an erased record from the places evidence files (the records behind
    each cuckooing address, hotspot, peer group and corridor). Scores and counts the erased
    records went into are recomputed by the next `linewatch places run`."""
    if not named:
        return 0
    keys = {"\x1f".join(key) for key in named}
    removed = 0
    for path in sorted((settings.analytics_dir / "places").glob("*_evidence.parquet")):
        removed += _rewrite_without(path, keys, ("schema", "agency", "source_id")).num_rows
    return removed


def _rewrite_without(path: Path, keys: set[str], columns: tuple[str, ...]) -> pa.Table:
    """Rewrite a Parquet file without the rows whose columns, joined by \\x1f, are in keys; the
    rows dropped."""
    table = pq.read_table(path)
    if not all(column in table.column_names for column in columns):
        return table.slice(0, 0)
    joined = pc.binary_join_element_wise(*(pc.fill_null(table[column], "") for column in columns), "\x1f")
    drop = pc.fill_null(pc.is_in(joined, value_set=pa.array(sorted(keys))), False)
    dropped = table.filter(drop)
    if dropped.num_rows:
        temp = path.with_suffix(".erasing")
        pq.write_table(table.filter(pc.invert(drop)), temp, compression="zstd")
        os.replace(temp, path)
    return dropped


def _replace_file(path: Path, content: bytes) -> None:
    temp = path.with_suffix(".erasing")
    temp.write_bytes(content)
    os.replace(temp, path)


def _ledger(
    connection: Connection,
    targets: list[Target],
    counts: dict[Target, int],
    by: str,
    reason: str,
    now: datetime,
    seq: int,
) -> None:
    rows = [
        {
            "erased_at": now,
            "erased_by": by,
            "record_schema": s,
            "agency": a,
            "source_id": i,
            "versions": counts.get((s, a, i), 0),
            "reason": reason,
            "audit_seq": seq,
        }
        for s, a, i in targets
    ]
    if rows:
        connection.execute(insert(erasure_ledger), rows)


def _count_versions(connection: Connection, targets: list[Target]) -> dict[Target, int]:
    counts: dict[Target, int] = {}
    for schema_name, agency, source_id in targets:
        table = table_of(default_model()[schema_name])
        counts[(schema_name, agency, source_id)] = int(
            connection.execute(
                select(func.count()).where(table.c.agency == agency, table.c.source_id == source_id)
            ).scalar_one()
        )
    return counts


def _forget_screening(connection: Connection, subject_id: str) -> None:
    """Screening results and their evidence name the subject and its records: they go with it."""
    connection.execute(delete(screening_evidence).where(screening_evidence.c.subject_id == subject_id))
    connection.execute(delete(screening_result).where(screening_result.c.subject_id == subject_id))


def erase_subject(
    engine: Engine, settings: Settings, subject_id: str, *, principal: Principal, reason: str, now: datetime
) -> ErasureResult:
    """Erase everything held about a subject: its person records, every record about them (all
    versions), its linkage rows, and its rows in the analytics workspace."""
    if len(reason.strip()) < 10:
        raise ErasureError("an erasure needs a reason of at least 10 characters (it is kept in the audit trail)")
    with engine.begin() as connection:
        if connection.execute(select(subject.c.id).where(subject.c.id == subject_id)).first() is None:
            raise ErasureError(f"no subject {subject_id}")
        targets, people = _targets_of_subject(connection, subject_id)
        counts = _count_versions(connection, targets)
        versions, evidence = _delete_targets(connection, targets)
        _forget_screening(connection, subject_id)
        connection.execute(delete(subject).where(subject.c.id == subject_id, subject.c.members == 0))
        refs = [f"{s}/{a}/{i}" for s, a, i in targets]
        seq = append(
            connection,
            AuditEvent(
                Operation.erasure,
                "erase subject",
                principal,
                purpose="erasure",
                reason=reason,
                subjects=(subject_id,),
                records=tuple(refs),
                detail={"versions": versions, "screening_evidence": evidence},
            ),
        )
        _ledger(connection, targets, counts, principal.username, reason, now, seq)
    result = ErasureResult(subject_id, refs, versions, evidence, audit_seq=seq)
    result.analytics_rows = _scrub_workspace(settings, targets, people)
    return result


def erase_records(
    engine: Engine, settings: Settings, targets: list[Target], *, principal: Principal, reason: str, now: datetime
) -> ErasureResult:
    """Erase chosen records (all versions), e.g. those past retention."""
    if len(reason.strip()) < 10:
        raise ErasureError("an erasure needs a reason of at least 10 characters (it is kept in the audit trail)")
    if not targets:
        raise ErasureError("no records named to erase")
    for schema_name, _, _ in targets:
        if schema_name not in default_model():
            raise ErasureError(f"unknown record type {schema_name!r}")
    with engine.begin() as connection:
        counts = _count_versions(connection, targets)
        missing = [t for t in targets if counts[t] == 0]
        if missing:
            raise ErasureError(f"no such record: {'/'.join(missing[0])}")
        versions, evidence = _delete_targets(connection, targets)
        refs = [f"{s}/{a}/{i}" for s, a, i in targets]
        seq = append(
            connection,
            AuditEvent(
                Operation.erasure,
                "erase records",
                principal,
                purpose="erasure",
                reason=reason,
                records=tuple(refs),
                detail={"versions": versions, "screening_evidence": evidence},
            ),
        )
        _ledger(connection, targets, counts, principal.username, reason, now, seq)
    people = [(a, i) for s, a, i in targets if s == "Person"]
    result = ErasureResult(None, refs, versions, evidence, audit_seq=seq)
    result.analytics_rows = _scrub_workspace(settings, targets, people)
    return result


def reapply_ledger(engine: Engine, settings: Settings, *, principal: Principal) -> ErasureResult:
    """Erase again every ledgered record a restored backup brought back (run after any restore)."""
    with engine.begin() as connection:
        targets: list[Target] = sorted(
            {(r.record_schema, r.agency, r.source_id) for r in connection.execute(select(erasure_ledger))}
        )
        present = [t for t, n in _count_versions(connection, targets).items() if n]
        versions, evidence = _delete_targets(connection, present)
        seq = None
        if present:
            seq = append(
                connection,
                AuditEvent(
                    Operation.erasure,
                    "reapply erasure ledger",
                    principal,
                    purpose="erasure",
                    reason="records erased earlier were found again (restored backup)",
                    records=tuple(f"{s}/{a}/{i}" for s, a, i in present),
                    detail={"versions": versions, "screening_evidence": evidence},
                ),
            )
    result = ErasureResult(None, [f"{s}/{a}/{i}" for s, a, i in present], versions, evidence, audit_seq=seq)
    result.analytics_rows = _scrub_workspace(settings, targets, [(a, i) for s, a, i in targets if s == "Person"])
    return result
