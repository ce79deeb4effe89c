"""drop ix_<table>_current from every entity and record table

Each of these indexes (agency, source_id, is_current) repeats the first two columns of the
table's unique constraint uq_<table>_version (agency, source_id, version), which serves every
look-up by agency and source id just as well: a record has a handful of versions at most, and
is_current is checked on those. Every other query that asks for current rows scans the table or
goes through another index. The indexes cost a third of the time a large first load spends
rebuilding indexes, and space and write time on every load after it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables 0001 gave an ix_<table>_current, as they were then: a migration does not follow
# later changes to the model.
TABLES = (
    "address",
    "agency",
    "asb_report",
    "association",
    "attendance",
    "concern",
    "education_placement",
    "exclusion",
    "handset",
    "health_attendance",
    "housing_tenancy",
    "intelligence_log",
    "missing_episode",
    "nrm_referral",
    "organisation",
    "person",
    "phone",
    "place",
    "police_incident",
    "referral",
    "return_home_interview",
    "social_care_status",
    "social_media_account",
    "substance_misuse",
    "vehicle",
)


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_current", table_name=table)


def downgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_current", table, ["agency", "source_id", "is_current"], unique=False)
