"""The store's places tables: none. Registered on ``linewatch.store.tables.metadata``.

Cuckooing scores, hotspots, peer groups and routes are rebuilt whole from the store and the
comms workspace on every `linewatch places run`; nothing in them is edited or versioned, and
their readers (screening, exports, the API) read files. So they are Parquet in
``<analytics_dir>/places/`` beside the lines outputs (see linewatch.places.outputs and
docs/places.md), and migration 0004_places.py creates nothing.
"""

from __future__ import annotations

from linewatch.store.tables import metadata  # noqa: F401  (tables would be declared on it)
