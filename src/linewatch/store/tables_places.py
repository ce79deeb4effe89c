"""The store's places tables: places, cuckooing risk, hotspots and routes.
Registered on ``linewatch.store.tables.metadata``.

Every table here must also be created by migration 0004_places.py (tests check the migrations equal the model).
"""

from __future__ import annotations

from linewatch.store.tables import metadata  # noqa: F401  (tables are declared on it)
