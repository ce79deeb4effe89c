"""The store: SQL tables derived from the model (SQLite by default, PostgreSQL by URL)."""
