"""sealed second-factor secrets: account.totp_secret_sealed

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 00:00:00

Second-factor secrets are stored sealed with the server key (``linewatch/access/secret_key.py``)
in a new, wider column. The migration cannot seal the secrets already stored in clear in
``totp_secret``, because the key lives outside the database (LINEWATCH_SECRET_KEY or
``<data dir>/secret.key``): ``linewatch db upgrade`` seals them right after migrating, and any
left are sealed the first time they are used (sign-in, enrolment).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite needs no table copy (which foreign keys to `account` would block).
    op.add_column("account", sa.Column("totp_secret_sealed", sa.String(length=255), nullable=True))


def downgrade() -> None:
    sealed = (
        op.get_bind().execute(sa.text("SELECT count(*) FROM account WHERE totp_secret_sealed IS NOT NULL")).scalar_one()
    )
    if sealed:
        raise RuntimeError(
            f"{sealed} account(s) have a sealed second-factor secret, which the older schema cannot hold: "
            "turn their second factor off (`linewatch users totp USER --disable`) before downgrading"
        )
    op.drop_column("account", "totp_secret_sealed")
