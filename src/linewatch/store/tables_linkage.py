"""The store's linkage tables: subjects (one per real person) with every member record, the review
queue of uncertain pairs with the decisions people made, each linkage run, and the canonical
addresses, phones and vehicles that records resolve to.

Records are referred to as the model does, by (agency, source_id); a subject id ("S0000042")
survives re-runs (see linewatch.linkage.subject_ids). Registered on ``linewatch.store.tables.metadata``.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from linewatch.store.tables import ID_TYPE, metadata

linkage_run = Table(
    "linkage_run",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # full | incremental
    Column("engine", String(16), nullable=False),  # duckdb | spark
    Column("model_version", Integer, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("review_from", Float, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("run_by", String(128), nullable=False),
    Column("records", Integer, nullable=False),
    Column("records_linked", Integer, nullable=False),  # records scored this run (all, or the new ones)
    Column("pairs_scored", Integer, nullable=False),
    Column("subjects", Integer, nullable=False),
    Column("subjects_new", Integer, nullable=False),
    Column("subjects_retired", Integer, nullable=False),
    Column("review_pending", Integer, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("report", JSON, nullable=False),  # blocking rule counts, training notes, timings
    comment="One run of person linkage (a 'combination' under DPA 2018 s.62)",
)

subject = Table(
    "subject",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("created_run", ForeignKey("linkage_run.id"), nullable=False),
    Column("updated_run", ForeignKey("linkage_run.id"), nullable=False),
    Column("retired_run", ForeignKey("linkage_run.id"), nullable=True),
    Column("merged_into", String(16), nullable=True),
    Column("members", Integer, nullable=False),
    Column("agencies", Integer, nullable=False),
    comment="A real person as linkage sees them: the records of every agency about them",
)

subject_member = Table(
    "subject_member",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("subject_id", ForeignKey("subject.id"), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("source_id", String(512), nullable=False),
    Column("match_probability", Float, nullable=True),  # strongest link holding it; null when alone
    Column("evidence", String(32), nullable=False),  # model | nhs_number | upn | pnc_id | review | single
    Column("content_hash", String(32), nullable=False),  # the person record as linked
    Column("run_id", ForeignKey("linkage_run.id"), nullable=False),
    UniqueConstraint("agency", "source_id", name="uq_subject_member_record"),
    comment="A source person record and the subject it belongs to",
)
Index("ix_subject_member_subject", subject_member.c.subject_id)

linkage_review = Table(
    "linkage_review",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("agency_l", String(64), nullable=False),
    Column("source_id_l", String(512), nullable=False),
    Column("agency_r", String(64), nullable=False),
    Column("source_id_r", String(512), nullable=False),
    Column("match_probability", Float, nullable=False),
    Column("match_weight", Float, nullable=False),
    Column("reasons", Text, nullable=False),  # the comparison levels and their weights
    Column("status", String(16), nullable=False),  # pending | accepted | rejected | superseded
    Column("created_run", ForeignKey("linkage_run.id"), nullable=False),
    Column("updated_run", ForeignKey("linkage_run.id"), nullable=False),
    Column("decided_by", String(128), nullable=True),
    Column("decided_at", DateTime, nullable=True),
    Column("note", Text, nullable=True),
    UniqueConstraint("agency_l", "source_id_l", "agency_r", "source_id_r", name="uq_linkage_review_pair"),
    comment="A pair of person records linkage was unsure about, and what a person decided",
)
Index("ix_linkage_review_status", linkage_review.c.status)

resolved_entity = Table(
    "resolved_entity",
    metadata,
    Column("id", String(24), primary_key=True),  # e.g. ADR0000042, PHN0000007, VEH0000003
    Column("kind", String(16), nullable=False),  # address | phone | vehicle
    Column("key", String(512), nullable=False),  # the normalised key it was resolved on
    Column("label", Text, nullable=False),
    Column("members", Integer, nullable=False),
    Column("created_run", ForeignKey("linkage_run.id"), nullable=False),
    Column("updated_run", ForeignKey("linkage_run.id"), nullable=False),
    UniqueConstraint("kind", "key", name="uq_resolved_entity_key"),
    comment="A canonical address, phone or vehicle that records from several agencies name",
)

resolved_entity_member = Table(
    "resolved_entity_member",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("entity_id", ForeignKey("resolved_entity.id"), nullable=False),
    Column("record_schema", String(64), nullable=False),  # the table the record is in
    Column("agency", String(64), nullable=False),
    Column("source_id", String(512), nullable=False),
    Column("property", String(64), nullable=False),
    UniqueConstraint("record_schema", "agency", "source_id", "property", name="uq_resolved_entity_member_record"),
    comment="A record property (a person's postcode, a vehicle's VRM) and the entity it resolves to",
)
Index("ix_resolved_entity_member_entity", resolved_entity_member.c.entity_id)

LINKAGE_TABLES = (linkage_run, subject, subject_member, linkage_review, resolved_entity, resolved_entity_member)
