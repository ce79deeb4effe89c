"""Linkage: knowing who is who. Person records from every agency are linked into subjects (one per
real person) with Splink on DuckDB or Spark; addresses, phones and vehicles are resolved to
canonical entities; analysts can link their own files, in the clear or pseudonymised.

See docs/linkage.md for the evidence used, the thresholds, and the measured quality and speed.
"""
