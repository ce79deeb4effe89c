"""Lines: communications data in, deal lines out.

Call and SMS records are ingested into the analytics workspace (ingest.py), turned into
per-number features (features.py) and a deal-line score with its reasons (score.py); line
numbers are joined into lines across number changes (continuity.py), given roles and a
geography (roles.py, geography.py), linked to agency person records (people.py), analysed as a
network (network.py) and exported for analysts' tools (exports.py). pipeline.py runs the lot on
the engine chosen at the edge (engine.py).
"""
