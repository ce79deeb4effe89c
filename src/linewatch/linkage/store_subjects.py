"""Reading what earlier linkage runs left in the store, and writing a run's subjects, members and
review queue back in one transaction. Only rows that change are written, so a re-run over a
mostly unchanged county touches little.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, inspect, select, update

from linewatch.linkage.clustering import Pair, ordered
from linewatch.linkage.people import Decisions, ReviewCandidate
from linewatch.linkage.store_records import record_id, record_key
from linewatch.linkage.subject_ids import SubjectAssignment, subject_number
from linewatch.store.engine import StoreError
from linewatch.store.tables_linkage import LINKAGE_TABLES, linkage_review, linkage_run, subject, subject_member

BATCH = 2_000


def require_linkage_tables(engine: Engine) -> None:
    missing = [table.name for table in LINKAGE_TABLES if not inspect(engine).has_table(table.name)]
    if missing:
        raise StoreError(f"the store has no linkage tables ({', '.join(missing)}): run `linewatch db upgrade`")


@dataclass(frozen=True, slots=True)
class Member:
    subject_id: str
    content_hash: str
    match_probability: float | None
    evidence: str


@dataclass
class StoredLinkage:
    members: dict[str, Member]  # record id -> membership
    next_subject_number: int
    decisions: Decisions
    pending: dict[Pair, int]  # record pair -> review id, for pending reviews

    def subject_of(self) -> dict[str, str]:
        return {record: member.subject_id for record, member in self.members.items()}


def read_linkage(connection: Connection) -> StoredLinkage:
    members = {
        record_id(row.agency, row.source_id): Member(
            row.subject_id, row.content_hash, row.match_probability, row.evidence
        )
        for row in connection.execute(
            select(
                subject_member.c.agency, subject_member.c.source_id, subject_member.c.subject_id,
                subject_member.c.content_hash, subject_member.c.match_probability, subject_member.c.evidence,
            )
        )
    }  # fmt: skip
    highest = [subject_number(row[0]) for row in connection.execute(select(subject.c.id))]
    accepted: list[Pair] = []
    rejected: list[Pair] = []
    pending: dict[Pair, int] = {}
    for row in connection.execute(
        select(
            linkage_review.c.id, linkage_review.c.agency_l, linkage_review.c.source_id_l,
            linkage_review.c.agency_r, linkage_review.c.source_id_r, linkage_review.c.status,
        )
    ):  # fmt: skip
        pair = ordered(record_id(row.agency_l, row.source_id_l), record_id(row.agency_r, row.source_id_r))
        if row.status == "accepted":
            accepted.append(pair)
        elif row.status == "rejected":
            rejected.append(pair)
        elif row.status == "pending":
            pending[pair] = row.id
    return StoredLinkage(members, max(highest, default=0) + 1, Decisions(tuple(accepted), tuple(rejected)), pending)


def start_run(
    connection: Connection,
    *,
    kind: str,
    engine: str,
    threshold: float,
    review_from: float,
    run_by: str,
    started_at: datetime,
) -> int:
    result = connection.execute(
        linkage_run.insert().values(
            kind=kind, engine=engine, model_version=0, threshold=threshold, review_from=review_from,
            started_at=started_at, run_by=run_by, records=0, records_linked=0, pairs_scored=0, subjects=0,
            subjects_new=0, subjects_retired=0, review_pending=0, seconds=0.0, report={},
        )
    )  # fmt: skip
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


@dataclass(frozen=True, slots=True)
class MemberRow:
    subject_id: str
    match_probability: float | None
    evidence: str
    content_hash: str


def write_subjects(
    connection: Connection,
    run_id: int,
    members: Mapping[str, MemberRow],
    assignment: SubjectAssignment,
    before: Mapping[str, Member],
) -> Counter[str]:
    """Make subject and subject_member match ``members``; returns counts of what changed."""
    changes: Counter[str] = Counter()
    sizes: Counter[str] = Counter(row.subject_id for row in members.values())
    agencies: dict[str, set[str]] = {}
    for record, row in members.items():
        agencies.setdefault(row.subject_id, set()).add(record_key(record)[0])
    existing_subjects = {row[0]: row[1] for row in connection.execute(select(subject.c.id, subject.c.retired_run))}
    new_subjects = [s for s in sizes if s not in existing_subjects]
    _insert(connection, subject, [
        {"id": s, "created_run": run_id, "updated_run": run_id, "members": sizes[s], "agencies": len(agencies[s])}
        for s in sorted(new_subjects)
    ])  # fmt: skip
    changes["subjects_new"] = len(new_subjects)
    # Members leave their old subject before joining a new one (unique record per member row).
    vanished = [record for record in before if record not in members]
    moved = [record for record, row in members.items() if record in before and _differs(before[record], row)]
    leaving = [{"agency_key": record_key(r)[0], "source_key": record_key(r)[1]} for r in [*vanished, *moved]]
    if leaving:
        connection.execute(
            delete(subject_member).where(
                subject_member.c.agency == bindparam("agency_key"),
                subject_member.c.source_id == bindparam("source_key"),
            ),
            leaving,
        )
    moved_set = set(moved)
    inserted = [record for record in members if record not in before or record in moved_set]
    _insert(connection, subject_member, [
        {
            "subject_id": members[r].subject_id, "agency": record_key(r)[0], "source_id": record_key(r)[1],
            "match_probability": members[r].match_probability, "evidence": members[r].evidence,
            "content_hash": members[r].content_hash, "run_id": run_id,
        }
        for r in inserted
    ])  # fmt: skip
    changes["members_written"] = len(inserted)
    changes["members_removed"] = len(vanished)
    touched = {members[r].subject_id for r in inserted} | {before[r].subject_id for r in [*vanished, *moved]}
    for subject_id in sorted(touched):
        values: dict[str, Any] = {"updated_run": run_id, "members": sizes.get(subject_id, 0)}
        values["agencies"] = len(agencies.get(subject_id, ()))
        if subject_id in assignment.retired:
            values.update(retired_run=run_id, merged_into=assignment.retired[subject_id])
        elif sizes.get(subject_id):
            values.update(retired_run=None, merged_into=None)
        connection.execute(update(subject).where(subject.c.id == subject_id).values(**values))
    changes["subjects_retired"] = len(assignment.retired)
    return changes


def _differs(before: Member, row: MemberRow) -> bool:
    return (before.subject_id, before.content_hash, before.match_probability, before.evidence) != (
        row.subject_id, row.content_hash, row.match_probability, row.evidence
    )  # fmt: skip


def write_review_queue(
    connection: Connection,
    run_id: int,
    candidates: Iterable[ReviewCandidate],
    stored: StoredLinkage,
    subject_of: Mapping[str, str],
    rescored: set[str] | None,
) -> int:
    """Add new uncertain pairs as pending; supersede pending pairs no longer uncertain. With
    ``rescored`` (incremental runs: the records scored this run) only pending pairs touching
    those records, or now inside one subject, are superseded. Returns the pending count."""
    candidate_pairs: dict[Pair, ReviewCandidate] = {}
    for candidate in candidates:
        candidate_pairs[ordered(candidate.record_id_l, candidate.record_id_r)] = candidate
    superseded = []
    for pair, review_id in stored.pending.items():
        if pair in candidate_pairs:
            continue
        a, b = pair
        gone = a not in subject_of or b not in subject_of
        together = not gone and subject_of[a] == subject_of[b]
        if rescored is None or gone or together or a in rescored or b in rescored:
            superseded.append(review_id)
    for chunk in _chunks(superseded):
        connection.execute(
            update(linkage_review).where(linkage_review.c.id.in_(chunk)).values(status="superseded", updated_run=run_id)
        )
    decided = set(stored.decisions.accepted) | set(stored.decisions.rejected)
    rows = []
    for pair, candidate in candidate_pairs.items():
        if pair in decided:
            continue
        values = {
            "match_probability": candidate.match_probability, "match_weight": candidate.match_weight,
            "reasons": candidate.reasons, "updated_run": run_id, "status": "pending",
        }  # fmt: skip
        if pair in stored.pending:
            connection.execute(
                update(linkage_review).where(linkage_review.c.id == stored.pending[pair]).values(**values)
            )
            continue
        (agency_l, source_l), (agency_r, source_r) = record_key(pair[0]), record_key(pair[1])
        existing = connection.execute(
            select(linkage_review.c.id).where(
                linkage_review.c.agency_l == agency_l, linkage_review.c.source_id_l == source_l,
                linkage_review.c.agency_r == agency_r, linkage_review.c.source_id_r == source_r,
            )
        ).scalar()  # fmt: skip
        if existing is not None:  # superseded before, uncertain again
            connection.execute(update(linkage_review).where(linkage_review.c.id == existing).values(**values))
            continue
        rows.append({
            "agency_l": agency_l, "source_id_l": source_l, "agency_r": agency_r, "source_id_r": source_r,
            "created_run": run_id, **values,
        })  # fmt: skip
    _insert(connection, linkage_review, rows)
    pending = connection.execute(
        select(func.count()).select_from(linkage_review).where(linkage_review.c.status == "pending")
    )
    return int(pending.scalar() or 0)


def _insert(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(table.insert(), rows[start : start + BATCH])


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
