"""screening: screening results and their history

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "screening_run",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("as_at", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("run_by", sa.String(length=128), nullable=False),
        sa.Column("definitions", sa.String(length=1024), nullable=False),
        sa.Column("definitions_sha256", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("subjects_screened", sa.Integer(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_run")),
        comment="One screening of every in-scope subject as at a date",
    )
    op.create_table(
        "screening_evidence",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("subject_id", sa.String(length=16), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("record_schema", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("source_id", sa.String(length=512), nullable=False),
        sa.Column("evidence_at", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["screening_run.id"], name=op.f("fk_screening_evidence_run_id_screening_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_evidence")),
        comment="A record that made an indicator fire for a subject in one screening run",
    )
    with op.batch_alter_table("screening_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_screening_evidence_run_subject", ["run_id", "subject_id"], unique=False)

    op.create_table(
        "screening_result",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("subject_id", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("first_moderate_at", sa.Date(), nullable=True),
        sa.Column("latest_evidence_at", sa.Date(), nullable=True),
        sa.Column("agencies", sa.Integer(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("sex", sa.String(length=16), nullable=False),
        sa.Column("ethnicity", sa.String(length=64), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.Column("local_authority", sa.String(length=64), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["screening_run.id"], name=op.f("fk_screening_result_run_id_screening_run")
        ),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], name=op.f("fk_screening_result_subject_id_subject")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_result")),
        sa.UniqueConstraint("run_id", "subject_id", name="uq_screening_result_subject"),
        comment="A subject's score, level and reasons in one screening run",
    )
    with op.batch_alter_table("screening_result", schema=None) as batch_op:
        batch_op.create_index("ix_screening_result_run_level", ["run_id", "level"], unique=False)
        batch_op.create_index("ix_screening_result_subject", ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("screening_result", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_result_subject")
        batch_op.drop_index("ix_screening_result_run_level")
    op.drop_table("screening_result")
    with op.batch_alter_table("screening_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_screening_evidence_run_subject")
    op.drop_table("screening_evidence")
    op.drop_table("screening_run")
