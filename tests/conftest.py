"""Shared fixtures: a fresh, migrated store per test on SQLite, and on PostgreSQL when
LINEWATCH_TEST_POSTGRES_URL is set (each test gets its own database, dropped afterwards)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine.url import make_url

from linewatch.settings import Settings, load_settings
from linewatch.store.engine import make_engine
from linewatch.store.migrate import upgrade

POSTGRES_URL = os.environ.get("LINEWATCH_TEST_POSTGRES_URL")


@dataclass
class Store:
    settings: Settings
    engine: Engine

    @property
    def backend(self) -> str:
        return self.engine.dialect.name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating every time is slow)."""
    path = tmp_path_factory.mktemp("template") / "linewatch.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


class PostgresDatabases:
    """Creates throwaway databases from one migrated template database."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.prefix = f"lw_test_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.template}"'))
        engine = make_engine(self.url.set(database=self.template).render_as_string(hide_password=False))
        upgrade(engine)
        engine.dispose()

    def create(self) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, name_or_url: str) -> None:
        name = make_url(name_or_url).database if "://" in name_or_url else name_or_url
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        for name in [*self.created, self.template]:
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    if not POSTGRES_URL:
        yield None
        return
    databases = PostgresDatabases(POSTGRES_URL)
    yield databases
    databases.close()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _make_store(
    backend: str,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_databases: PostgresDatabases | None,
) -> Iterator[Store]:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    if backend == "sqlite":
        shutil.copy(sqlite_template, workspace / "linewatch.db")
        url = f"sqlite:///{workspace / 'linewatch.db'}"
    else:
        if postgres_databases is None:
            pytest.skip("LINEWATCH_TEST_POSTGRES_URL is not set")
        url = postgres_databases.create()
    settings = load_settings(workspace, url)
    engine = make_engine(url)
    yield Store(settings, engine)
    engine.dispose()
    if backend != "sqlite" and postgres_databases is not None:
        postgres_databases.drop(url)


@pytest.fixture(params=BACKENDS)
def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_databases: PostgresDatabases | None,
) -> Iterator[Store]:
    """A fresh migrated store, on SQLite and on PostgreSQL."""
    yield from _make_store(request.param, tmp_path, sqlite_template, postgres_databases)


@pytest.fixture
def sqlite_store(tmp_path: Path, sqlite_template: Path) -> Iterator[Store]:
    yield from _make_store("sqlite", tmp_path, sqlite_template, None)
