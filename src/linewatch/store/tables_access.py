"""The store's access tables: accounts, sessions, roles, data-sharing agreements, audit trail, retention.
Registered on ``linewatch.store.tables.metadata``.

Every table here must also be created by migration 0005_access.py (tests check the migrations equal the model).
"""

from __future__ import annotations

from linewatch.store.tables import metadata  # noqa: F401  (tables are declared on it)
