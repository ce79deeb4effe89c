"""Migration 0006 drops the redundant ix_<table>_current indexes and its downgrade puts them back,
on SQLite and PostgreSQL; looking a record's versions up by agency and source id still uses an
index (the unique constraint's) once they are gone."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select

from linewatch.store.migrate import alembic_config, current_revision, head_revision, upgrade
from linewatch.store.tables import metadata
from tests.conftest import Store

# Every entity and record table the model had when 0001 created the indexes.
RECORD_TABLES = [
    "address", "agency", "asb_report", "association", "attendance", "concern", "education_placement",
    "exclusion", "handset", "health_attendance", "housing_tenancy", "intelligence_log",
    "missing_episode", "nrm_referral", "organisation", "person", "phone", "place", "police_incident",
    "referral", "return_home_interview", "social_care_status", "social_media_account",
    "substance_misuse", "vehicle",
]  # fmt: skip


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_indexes(engine: Engine) -> dict[str, list[str | None]]:
    """Each table's ix_<table>_current, by table, with its columns."""
    inspector = inspect(engine)
    found: dict[str, list[str | None]] = {}
    for table in inspector.get_table_names():
        for index in inspector.get_indexes(table):
            if index["name"] == f"ix_{table}_current":
                found[table] = list(index["column_names"])
    return found


def differences_from_the_model(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))


def test_the_latest_store_has_no_current_indexes(store: Store) -> None:
    assert current_revision(store.engine) == head_revision()
    assert current_indexes(store.engine) == {}


def test_downgrade_restores_the_current_indexes_and_upgrade_drops_them_again(store: Store) -> None:
    downgrade(store.engine, "0005")
    assert current_revision(store.engine) == "0005"
    assert current_indexes(store.engine) == {table: ["agency", "source_id", "is_current"] for table in RECORD_TABLES}

    upgrade(store.engine)
    assert current_revision(store.engine) == head_revision()
    assert current_indexes(store.engine) == {}
    assert differences_from_the_model(store.engine) == []


def test_a_records_current_version_is_still_found_through_an_index(store: Store) -> None:
    person = metadata.tables["person"]
    query = select(person.c.id).where(
        person.c.agency == "police", person.c.is_current.is_(True), person.c.source_id.in_(["P1", "P2"])
    )
    with store.engine.connect() as connection:
        if store.backend == "sqlite":
            compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            # SQLite names the index it made for the unique constraint (agency, source_id, version).
            assert "USING INDEX sqlite_autoindex_person_" in plan, plan
        elif store.backend == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")  # an empty table would be scanned anyway
            compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert "uq_person_version" in plan, plan
        else:
            pytest.fail(f"unexpected backend {store.backend}")
