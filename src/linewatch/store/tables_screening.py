"""The store's screening tables: each screening run, every in-scope subject's result in it (score,
level, reasons, the group they count in for fairness), and the records each reason rests on.

Runs are never overwritten, so the history of what a panel saw, and what changed since, is kept.
Registered on ``linewatch.store.tables.metadata``; migration 0003_screening.py creates them
(tests check the migrations equal the model).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from linewatch.store.tables import ID_TYPE, SOURCE_ID_LENGTH, metadata

screening_run = Table(
    "screening_run",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("as_at", Date, nullable=False),  # the date the screening describes
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("run_by", String(128), nullable=False),
    Column("definitions", String(1024), nullable=False),  # the indicators file used
    Column("definitions_sha256", String(64), nullable=False),
    Column("settings", JSON, nullable=False),  # levels, caps, scope, in force for the run
    Column("inputs", JSON, nullable=False),  # which optional inputs (lines, places) were present
    Column("subjects_screened", Integer, nullable=False),
    Column("levels", JSON, nullable=False),  # subjects per level
    Column("seconds", Float, nullable=False),
    comment="One screening of every in-scope subject as at a date",
)

screening_result = Table(
    "screening_result",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("run_id", ForeignKey("screening_run.id"), nullable=False),
    Column("subject_id", ForeignKey("subject.id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("level", String(32), nullable=False),
    Column("first_moderate_at", Date, nullable=True),  # earliest date the score reached moderate or above
    Column("latest_evidence_at", Date, nullable=True),
    Column("agencies", Integer, nullable=False),  # agencies whose records gave a reason
    Column("age", Integer, nullable=True),
    Column("age_band", String(16), nullable=False),
    Column("sex", String(16), nullable=False),
    Column("ethnicity", String(64), nullable=False),
    Column("area", String(64), nullable=False),
    Column("local_authority", String(64), nullable=False),
    Column("reasons", JSON, nullable=False),  # fired indicators: id, points, records, agencies
    UniqueConstraint("run_id", "subject_id", name="uq_screening_result_subject"),
    comment="A subject's score, level and reasons in one screening run",
)
Index("ix_screening_result_run_level", screening_result.c.run_id, screening_result.c.level)
Index("ix_screening_result_subject", screening_result.c.subject_id)

screening_evidence = Table(
    "screening_evidence",
    metadata,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("run_id", ForeignKey("screening_run.id"), nullable=False),
    Column("subject_id", String(16), nullable=False),
    Column("indicator", String(64), nullable=False),
    Column("record_schema", String(64), nullable=False),  # the model schema, for redaction by sensitivity
    Column("agency", String(64), nullable=False),
    Column("source_id", String(SOURCE_ID_LENGTH), nullable=False),
    Column("evidence_at", Date, nullable=False),
    Column("description", Text, nullable=False),
    comment="A record that made an indicator fire for a subject in one screening run",
)
Index("ix_screening_evidence_run_subject", screening_evidence.c.run_id, screening_evidence.c.subject_id)

SCREENING_TABLES = (screening_run, screening_result, screening_evidence)
