"""places: places, cuckooing risk, hotspots and routes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No tables: places results are Parquet in the analytics workspace (tables_places.py says why).
    pass


def downgrade() -> None:
    pass
