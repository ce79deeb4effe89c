"""``linewatch link`` on the store: read every agency's current person records, link them, and
write subjects, members and the review queue back, keeping subject ids stable.

Full runs train a new model version (unless told to reuse one) and score every blocked pair.
Incremental runs reuse the latest model and score only records that are new or changed since the
last run; if reviewers have since split an existing subject, a full run is made instead (said in
the run notes). Each run is one row in linkage_run; its pairs and report are kept under
``<data dir>/linkage/runs/``.
"""

from __future__ import annotations

import getpass
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import Engine, update

from linewatch.audit import hooks as audit_hooks
from linewatch.linkage.engines import LinkageEngine, open_engine
from linewatch.linkage.entities import resolve_entities
from linewatch.linkage.errors import LinkageError
from linewatch.linkage.model_store import ModelStore, SavedModel
from linewatch.linkage.people import LinkOptions, PeopleLinkage, Progress, link_people
from linewatch.linkage.store_records import read_person_records
from linewatch.linkage.store_subjects import (
    MemberRow,
    StoredLinkage,
    read_linkage,
    require_linkage_tables,
    start_run,
    write_review_queue,
    write_subjects,
)
from linewatch.linkage.subject_ids import assign_subject_ids
from linewatch.settings import Settings
from linewatch.store.statistics import refresh_statistics
from linewatch.store.tables_linkage import linkage_run


def linkage_dir(settings: Settings) -> Path:
    return settings.data_dir / "linkage"


def model_store(settings: Settings) -> ModelStore:
    return ModelStore(linkage_dir(settings) / "models")


@dataclass
class LinkRun:
    run_id: int
    kind: str
    records: int
    records_scored: int
    subjects: int
    subjects_new: int
    subjects_retired: int
    review_pending: int
    model: str
    seconds: float
    entities: str = ""
    notes: list[str] = field(default_factory=list)
    linkage: PeopleLinkage | None = None

    def lines(self) -> list[str]:
        out = [
            f"{self.kind} run {self.run_id}: {self.records:,} person records ({self.records_scored:,} scored) "
            f"-> {self.subjects:,} subjects ({self.subjects_new:,} new, {self.subjects_retired:,} retired) "
            f"in {self.seconds:.1f}s with {self.model}",
            f"{self.review_pending:,} pairs waiting for review (linewatch review list)",
            self.entities,
        ]
        return out + self.notes


def link_store(
    settings: Settings,
    db: Engine,
    *,
    engine_name: str = "duckdb",
    incremental: bool = False,
    train: bool | None = None,
    model_version: int | None = None,
    options: LinkOptions = LinkOptions(),
    progress: Progress = lambda _: None,
    run_by: str | None = None,
) -> LinkRun:
    """Link the store's person records (see the module docstring)."""
    started = time.perf_counter()
    require_linkage_tables(db)
    progress("reading person records")
    records, hashes = read_person_records(db)
    if records.num_rows == 0:
        raise LinkageError("the store holds no person records: load agency feeds first (linewatch ingest)")
    with db.connect() as connection:
        stored = read_linkage(connection)
    notes: list[str] = []
    models = model_store(settings)
    existing = _unchanged(stored, hashes) if incremental else None
    if existing is not None and not stored.members:
        notes.append("No earlier run: made a full run.")
        existing = None
    if existing is not None and _reviews_split_subjects(stored):
        notes.append("Reviewers have split an existing subject since the last run: made a full run.")
        existing = None
    model = _chosen_model(models, existing is not None, train, model_version)
    kind = "incremental" if existing is not None else "full"
    with open_engine(engine_name) as engine:
        linkage = link_people(
            records,
            engine,
            model=model,
            models=models,
            existing=existing,
            decisions=stored.decisions,
            options=options,
            progress=progress,
        )
    progress("writing subjects to the store")
    run = _write(db, settings, linkage, stored, hashes, kind, engine, options, run_by, existing)
    refresh_statistics(db, ("subject", "subject_member", "linkage_review", "resolved_entity", "resolved_entity_member"))
    trained_now = model is None and linkage.model.version is not None
    run.notes = notes + (
        [f"trained {linkage.model.label()}: {line}" for line in linkage.model.meta.get("notes", [])]
        if trained_now
        else []
    )
    run.seconds = time.perf_counter() - started
    with db.begin() as connection:
        connection.execute(update(linkage_run).where(linkage_run.c.id == run.run_id).values(seconds=run.seconds))
    run.linkage = linkage
    return run


def _unchanged(stored: StoredLinkage, hashes: dict[str, str]) -> dict[str, str]:
    """Records linked before whose content is unchanged -> their subject."""
    return {
        record: member.subject_id
        for record, member in stored.members.items()
        if hashes.get(record) == member.content_hash
    }


def _reviews_split_subjects(stored: StoredLinkage) -> bool:
    subject_of = stored.subject_of()
    return any(
        a in subject_of and b in subject_of and subject_of[a] == subject_of[b] for a, b in stored.decisions.rejected
    )


def _chosen_model(models: ModelStore, incremental: bool, train: bool | None, version: int | None) -> SavedModel | None:
    if version is not None:
        return models.load(version)
    if train is None:
        train = not incremental
    if train:
        return None
    latest = models.latest()
    if latest is None:
        if incremental:
            return None  # first run: train one
        raise LinkageError(f"no saved model in {models.directory}: run `linewatch link` with training first")
    return latest


def _write(
    db: Engine,
    settings: Settings,
    linkage: PeopleLinkage,
    stored: StoredLinkage,
    hashes: dict[str, str],
    kind: str,
    engine: LinkageEngine,
    options: LinkOptions,
    run_by: str | None,
    existing: dict[str, str] | None,
) -> LinkRun:
    groups = linkage.grouping.groups()
    previous = stored.subject_of()
    table = linkage.grouping.table.to_pylist()
    with db.begin() as connection:
        run_id = start_run(
            connection, kind=kind, engine=engine.name, threshold=options.threshold, review_from=options.review_from,
            run_by=run_by or getpass.getuser(), started_at=datetime.now(UTC).replace(tzinfo=None),
        )  # fmt: skip
        assignment = assign_subject_ids(groups, previous, stored.next_subject_number)
        members: dict[str, MemberRow] = {}
        for row in table:
            record = row["record_id"]
            subject_id = assignment.subject_of[row["group_key"]]
            before = stored.members.get(record)
            if row["evidence"] == "subject" and before is not None:
                # Held only by its earlier subject: keep the probability it was linked with.
                members[record] = MemberRow(subject_id, before.match_probability, before.evidence, hashes[record])
            else:
                members[record] = MemberRow(subject_id, row["membership"], row["evidence"], hashes[record])
        changes = write_subjects(connection, run_id, members, assignment, stored.members)
        subject_of = {record: row.subject_id for record, row in members.items()}
        rescored = None if existing is None else {record for record in hashes if record not in existing}
        pending = write_review_queue(connection, run_id, linkage.review, stored, subject_of, rescored)
        resolved = resolve_entities(connection, run_id)
        report = linkage.report()
        connection.execute(
            update(linkage_run)
            .where(linkage_run.c.id == run_id)
            .values(
                model_version=linkage.model.version or 0, finished_at=datetime.now(UTC).replace(tzinfo=None),
                records=linkage.records, records_linked=linkage.records_scored, pairs_scored=linkage.pairs.num_rows,
                subjects=len(set(subject_of.values())), subjects_new=changes["subjects_new"],
                subjects_retired=changes["subjects_retired"], review_pending=pending, report=report,
            )
        )  # fmt: skip
        audit_hooks.linkage_run(connection, run_id, kind, linkage.records, len(set(subject_of.values())))
    _keep_run_files(settings, run_id, linkage, report)
    return LinkRun(
        run_id=run_id,
        kind=kind,
        records=linkage.records,
        records_scored=linkage.records_scored,
        subjects=len(set(subject_of.values())),
        subjects_new=changes["subjects_new"],
        subjects_retired=changes["subjects_retired"],
        review_pending=pending,
        model=linkage.model.label(),
        seconds=0.0,
        entities=resolved.line(),
    )


def _keep_run_files(settings: Settings, run_id: int, linkage: PeopleLinkage, report: dict[str, object]) -> None:
    directory = linkage_dir(settings) / "runs" / f"run-{run_id:06d}"
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(linkage.pairs, directory / "pairs.parquet")
    (directory / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
