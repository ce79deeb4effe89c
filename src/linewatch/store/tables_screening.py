"""The store's screening tables: screening results and their history.
Registered on ``linewatch.store.tables.metadata``.

Every table here must also be created by migration 0003_screening.py (tests check the migrations equal the model).
"""

from __future__ import annotations

from linewatch.store.tables import metadata  # noqa: F401  (tables are declared on it)
